//! Signed lists: tampering, truncation, foreign keys and rollback are each
//! refused with their own error; and a shared scanner swaps lists while
//! scans run, each scan answering from exactly one list.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

use percept::db::{
    sign_list_bytes, ChecksumPolicy, DbError, ListContents, ListFile, OpenOptions, PublicKey,
    SecretKey,
};
use percept::index::{Entry, KnownHashSet};
use percept::scan::{ScanOptions, Scanner, Verdict};
use percept::Hash256;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn hash(&mut self) -> Hash256 {
        let mut b = [0u8; 32];
        for c in b.chunks_exact_mut(8) {
            c.copy_from_slice(&self.next().to_le_bytes());
        }
        Hash256::from_bytes(b)
    }
}

fn key(byte: u8) -> SecretKey {
    SecretKey::from_hex(&format!("{byte:02x}").repeat(32)).unwrap()
}

/// An unsigned list of `hashes` with ids 0.. and labels "v{version}/{i}".
fn list_bytes(hashes: &[Hash256], version: u64) -> Vec<u8> {
    let set = KnownHashSet::build_keyed(
        hashes.iter().enumerate().map(|(i, &hash)| Entry {
            hash,
            id: i as u64,
            label: Some(format!("v{version}/{i}")),
        }),
        [3; 16],
    );
    ListContents {
        set: &set,
        file_digests: &[[5u8; 32]],
        files: &[],
        list_version: version,
    }
    .to_bytes()
}

fn signed_sample(version: u64, signer: &SecretKey) -> Vec<u8> {
    let mut rng = Rng(0x1234_5678_9abc_def0);
    let hashes: Vec<Hash256> = (0..30).map(|_| rng.hash()).collect();
    sign_list_bytes(&list_bytes(&hashes, version), signer).unwrap()
}

fn pinned(k: &SecretKey, min: u64) -> OpenOptions {
    OpenOptions::pinned(k.public_key(), min)
}

#[test]
fn a_signed_list_opens_with_its_key_and_keeps_its_root_digest() {
    let k = key(1);
    let unsigned = {
        let mut rng = Rng(0x1234_5678_9abc_def0);
        let hashes: Vec<Hash256> = (0..30).map(|_| rng.hash()).collect();
        list_bytes(&hashes, 9)
    };
    let signed = signed_sample(9, &k);
    assert_eq!(signed.len(), unsigned.len() + 104);
    let list = ListFile::from_bytes_with(&signed, &pinned(&k, 9)).unwrap();
    assert_eq!(list.signer(), Some(k.public_key()));
    let plain = ListFile::from_bytes(&unsigned, ChecksumPolicy::OnLoad).unwrap();
    assert_eq!(list.root_digest(), plain.root_digest());
    assert_eq!(list.info().checksum, plain.info().checksum);
    assert_eq!(plain.signer(), None);
    // Without a pinned key a signed list still opens (and its signature is
    // still checked).
    assert!(ListFile::from_bytes(&signed, ChecksumPolicy::Deferred).is_ok());
    // Signing again replaces the signature rather than stacking another.
    let resigned = sign_list_bytes(&signed, &key(2)).unwrap();
    assert_eq!(resigned.len(), signed.len());
    assert_eq!(
        ListFile::from_bytes_with(&resigned, &pinned(&key(2), 0))
            .unwrap()
            .signer(),
        Some(key(2).public_key())
    );
}

#[test]
fn each_kind_of_bad_list_gets_its_own_error() {
    let k = key(1);
    let good = signed_sample(5, &k);
    let open = |b: &[u8], o: &OpenOptions| ListFile::from_bytes_with(b, o).err();

    // Signed by another key.
    let foreign = signed_sample(5, &key(2));
    assert!(matches!(
        open(&foreign, &pinned(&k, 0)),
        Some(DbError::UntrustedSigner)
    ));
    // An older list version (validly signed).
    let old = signed_sample(4, &k);
    assert!(matches!(
        open(&old, &pinned(&k, 5)),
        Some(DbError::RolledBack {
            version: 4,
            minimum: 5
        })
    ));
    // Unsigned where a signature is required.
    let unsigned = &good[..good.len() - 104];
    assert!(matches!(
        open(unsigned, &pinned(&k, 0)),
        Some(DbError::Unsigned)
    ));
    // A damaged signature.
    let mut bad_sig = good.clone();
    let n = bad_sig.len();
    bad_sig[n - 1] ^= 1;
    assert!(matches!(
        open(&bad_sig, &pinned(&k, 0)),
        Some(DbError::BadSignature)
    ));
    // A flipped body byte (a hash bit, deep inside a section).
    let mut flipped = good.clone();
    flipped[n / 2] ^= 0x20;
    assert!(matches!(
        open(&flipped, &pinned(&k, 0)),
        Some(DbError::ChecksumMismatch)
    ));
    // Truncated in the middle of a section.
    assert!(matches!(
        open(&good[..n / 2], &pinned(&k, 0)),
        Some(DbError::Truncated(_))
    ));
    // A pinned key forces the checksum even when deferral is asked for.
    let mut o = pinned(&k, 0);
    o.checksum = ChecksumPolicy::Deferred;
    assert!(matches!(
        open(&flipped, &o),
        Some(DbError::ChecksumMismatch)
    ));
}

#[test]
fn every_flipped_byte_and_every_truncation_is_refused() {
    let k = key(7);
    let good = signed_sample(3, &k);
    let o = pinned(&k, 0);
    for at in 0..good.len() {
        let mut b = good.clone();
        b[at] ^= 0x08;
        assert!(
            ListFile::from_bytes_with(&b, &o).is_err(),
            "flip at {at} accepted"
        );
        // Even without a pinned key: the signature block is always checked.
        assert!(
            ListFile::from_bytes(&b, ChecksumPolicy::OnLoad).is_err(),
            "flip at {at} accepted without a pinned key"
        );
    }
    for len in 0..good.len() {
        assert!(
            ListFile::from_bytes_with(&good[..len], &o).is_err(),
            "truncation to {len} accepted"
        );
    }
}

#[test]
fn public_keys_parse_from_hex() {
    let k = key(9);
    assert_eq!(
        PublicKey::from_hex(&k.public_key().to_hex()).unwrap(),
        k.public_key()
    );
    assert!(matches!(PublicKey::from_hex("12"), Err(DbError::BadKey(_))));
    assert!(SecretKey::from_hex("zz").is_err());
}

#[test]
fn replace_list_refuses_a_rollback() {
    let mut rng = Rng(99);
    let hashes: Vec<Hash256> = (0..10).map(|_| rng.hash()).collect();
    let open = |v| {
        Arc::new(ListFile::from_bytes(&list_bytes(&hashes, v), ChecksumPolicy::OnLoad).unwrap())
    };
    let scanner = Scanner::new(open(5), ScanOptions::default()).unwrap();
    assert!(matches!(
        scanner.replace_list(open(4)),
        Err(DbError::RolledBack {
            version: 4,
            minimum: 5
        })
    ));
    assert_eq!(scanner.list().info().list_version, 5);
    let old = scanner.replace_list(open(6)).unwrap();
    assert_eq!(old.info().list_version, 5);
    assert_eq!(scanner.list().info().list_version, 6);
    scanner.replace_list(open(6)).unwrap(); // same release again: fine
}

/// Scanning threads query every version's marker hash while another thread
/// swaps through the versions. Each result must be exactly what the list it
/// names answers: a match for that version's marker only, with that
/// version's label; and no thread ever sees the version go backwards.
#[test]
fn hot_swap_under_parallel_scans() {
    const VERSIONS: u64 = 40;
    const SCANNERS: usize = 4;
    let mut rng = Rng(0xfeed_beef_0000_0001);
    // Shared background entries, plus one marker per version.
    let background: Vec<Hash256> = (0..2000).map(|_| rng.hash()).collect();
    let markers: Vec<Hash256> = (0..=VERSIONS).map(|_| rng.hash()).collect();
    let lists: Vec<Arc<ListFile>> = (1..=VERSIONS)
        .map(|v| {
            let mut hashes = background.clone();
            hashes.push(markers[v as usize]);
            Arc::new(ListFile::from_bytes(&list_bytes(&hashes, v), ChecksumPolicy::OnLoad).unwrap())
        })
        .collect();
    let scanner = Arc::new(Scanner::new(lists[0].clone(), ScanOptions::default()).unwrap());
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(SCANNERS + 1));
    let workers: Vec<_> = (0..SCANNERS)
        .map(|t| {
            let (scanner, done, start, markers) = (
                scanner.clone(),
                done.clone(),
                start.clone(),
                markers.clone(),
            );
            std::thread::spawn(move || {
                start.wait();
                let mut last_version = 0;
                let mut scans = 0u64;
                let mut i = t;
                while !done.load(Ordering::Acquire) || scans < 100 {
                    i = (i + 1) % markers.len();
                    let r = scanner.scan_hash(&markers[i], 100);
                    assert!(r.list_version >= last_version, "version went backwards");
                    last_version = r.list_version;
                    if i as u64 == r.list_version {
                        assert_eq!(
                            r.verdict,
                            Verdict::Match,
                            "marker {i} on v{}",
                            r.list_version
                        );
                        assert_eq!(r.matches.len(), 1);
                        let label = r.best().unwrap().label.as_deref().unwrap();
                        assert!(
                            label.starts_with(&format!("v{}/", r.list_version)),
                            "{label}"
                        );
                    } else {
                        assert_eq!(
                            r.verdict,
                            Verdict::NoMatch,
                            "marker {i} on v{}",
                            r.list_version
                        );
                    }
                    scans += 1;
                }
                scans
            })
        })
        .collect();
    start.wait();
    for list in &lists[1..] {
        std::thread::sleep(std::time::Duration::from_micros(300));
        scanner.replace_list(list.clone()).unwrap();
    }
    done.store(true, Ordering::Release);
    let total: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(total >= 100 * SCANNERS as u64);
    assert_eq!(scanner.list().info().list_version, VERSIONS);
}

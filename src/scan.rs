//! What an app calls: encoded bytes or pixels in, a verdict out.
//!
//! Order of checks for encoded bytes: the BLAKE3 digest of the bytes against
//! the list's exact-file digests (a known file is known without decoding),
//! then decode with limits, PDQ with all eight dihedral hashes, the quality
//! gate, and the exact distance search.

// Panic policy for code that handles untrusted input (docs/hostile-input.md):
// no unwrap/expect/panic outside tests; slicing only within bounds
// established by checked arithmetic earlier in the same function (the fuzz
// targets in fuzz/ exercise these paths).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::fmt;
use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};

use crate::db::{ChecksumPolicy, DbError, FileEntry, ListFile, OpenOptions};
use crate::error::Error;
use crate::hash::pdq::{self, Dihedral, DihedralHashes, Profile, Stability};
use crate::hash::Hash256;
use crate::index::DEFAULT_THRESHOLD;
use crate::input::{
    content_region, decode_bytes, read_file_limited, DecodeOptions, InputError, PixelView, Region,
};

/// Below this quality a PDQ hash is too unreliable to call either way
/// (Meta's guidance for PDQ).
pub const DEFAULT_MIN_QUALITY: u8 = 50;

/// The largest threshold a [`Scanner`] accepts. A threshold of 256 would
/// match every hash; anything above [`crate::index::DEFAULT_THRESHOLD`]
/// raises false positives quickly, and above 63 queries scan the whole list.
pub const MAX_THRESHOLD: u32 = 255;

/// A [`ScanOptions`] field outside its range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name} {value} is out of range (0..={max})")]
#[non_exhaustive]
pub struct OptionOutOfRange {
    /// The field, e.g. `threshold`.
    pub name: &'static str,
    /// The value given.
    pub value: u64,
    /// The largest value the field accepts.
    pub max: u64,
}

/// How a [`Scanner`] decides.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScanOptions {
    /// Largest Hamming distance that counts as a match (0..=255).
    pub threshold: u32,
    /// Hashes with a lower quality get [`Verdict::Unreliable`].
    pub min_quality: u8,
    /// Which PDQ reference to reproduce (the list's producer decides).
    pub profile: Profile,
    /// Decoding limits, EXIF handling and the JPEG decode profile.
    pub decode: DecodeOptions,
    /// Also hash the picture inside uniform borders (letterbox, pillarbox,
    /// a plain canvas around a screenshot of it: see
    /// [`content_region`]) and match that hash too, for images and pixels
    /// (not for [`Scanner::scan_hashes`] and [`Scanner::scan_hash`], which
    /// have no pixels). On by default: on real photos it recovers 93-94 %
    /// of letterboxed and screenshotted copies (none match without it) and
    /// added no false positive (docs/matching-quality.md).
    pub border_trim: bool,
}

impl ScanOptions {
    /// Checks every field's range: `threshold` 0..=255
    /// ([`MAX_THRESHOLD`]), `min_quality` 0..=100. [`Scanner::new`] calls it.
    pub fn validate(&self) -> Result<(), OptionOutOfRange> {
        if self.threshold > MAX_THRESHOLD {
            return Err(OptionOutOfRange {
                name: "threshold",
                value: self.threshold.into(),
                max: MAX_THRESHOLD.into(),
            });
        }
        if self.min_quality > 100 {
            return Err(OptionOutOfRange {
                name: "min_quality",
                value: self.min_quality.into(),
                max: 100,
            });
        }
        Ok(())
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threshold: DEFAULT_THRESHOLD,
            min_quality: DEFAULT_MIN_QUALITY,
            profile: Profile::FullResolution,
            decode: DecodeOptions::default(),
            border_trim: true,
        }
    }
}

/// The answer for one image. Displays as [`as_str`](Verdict::as_str):
/// `match`, `no-match` or `unreliable` (also its serde form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Verdict {
    /// The file's bytes, or a hash within the threshold, are on the list.
    Match,
    /// Nothing on the list within the threshold.
    NoMatch,
    /// The image's hash quality is below the minimum: no verdict either way.
    Unreliable,
}

impl Verdict {
    /// The verdict's name as the CLI and the C ABI's documentation print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Match => "match",
            Verdict::NoMatch => "no-match",
            Verdict::Unreliable => "unreliable",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A list entry within the threshold of the scanned image.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ScanMatch {
    /// The entry's id, as the list's producer assigned it.
    pub id: u64,
    /// Hamming distance (0..=256) from the closest of the image's variants.
    pub distance: u32,
    /// Which rotation or flip of the image was closest (the first of
    /// [`Dihedral::ALL`] on ties; always [`Dihedral::Original`] for
    /// [`Scanner::scan_hash`]).
    pub variant: Dihedral,
    /// The entry's label, if the list gives it one.
    pub label: Option<String>,
    /// The entry's position in the list that answered (see
    /// [`ScanResult::list_version`]), for
    /// [`KnownHashSet::entry`](crate::index::KnownHashSet::entry).
    pub entry: usize,
    /// True when the match came from the picture inside the image's
    /// uniform borders ([`ScanResult::content_region`]), not the whole
    /// image.
    pub trimmed: bool,
}

/// The result of scanning one image.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ScanResult {
    /// Match, no match, or no verdict (quality below the minimum).
    pub verdict: Verdict,
    /// True when the verdict came from the exact-file digest list.
    pub exact_file: bool,
    /// The exact-file entries the bytes matched (their ids and labels, when
    /// the list gives them); empty unless `exact_file`.
    pub exact_files: Vec<FileEntry>,
    /// PDQ quality (`None` when the exact-file check decided first).
    pub quality: Option<u8>,
    /// The image hash's [`Stability`]: an unstable hash's copies often
    /// fail to match, so a no-match says less (`None` when the exact-file
    /// check decided first or the hashes came from elsewhere). Reported
    /// only: it does not change the verdict.
    pub stability: Option<Stability>,
    /// Every list entry within the threshold, closest first.
    pub matches: Vec<ScanMatch>,
    /// The version of the list that answered (lists can be swapped while
    /// scans run; each scan uses one list from start to end).
    pub list_version: u64,
    /// 1 when the hashes come from every pixel (always for pixels, hashes
    /// and exact-file matches); 4 or 8 when the opt-in fast JPEG profile
    /// ([`crate::input::JpegScaling::Fast`]) decoded at that fraction.
    pub downscale: u8,
    /// With [`ScanOptions::border_trim`]: where the picture inside uniform
    /// borders lies, when the image has such borders (its hashes were
    /// matched too).
    pub content_region: Option<Region>,
    /// The PDQ quality of the picture inside the borders, when there is one.
    pub content_quality: Option<u8>,
}

impl ScanResult {
    /// The closest match, if any.
    pub fn best(&self) -> Option<&ScanMatch> {
        self.matches.first()
    }

    /// Whether the verdict is [`Verdict::Match`].
    pub fn is_match(&self) -> bool {
        self.verdict == Verdict::Match
    }

    fn empty(verdict: Verdict, quality: Option<u8>, list_version: u64) -> Self {
        ScanResult {
            verdict,
            exact_file: false,
            exact_files: Vec::new(),
            quality,
            stability: None,
            matches: Vec::new(),
            list_version,
            downscale: 1,
            content_region: None,
            content_quality: None,
        }
    }
}

/// One set of hashes a scan matches: the whole image's, or the picture's
/// inside its borders.
struct Query<'h> {
    variants: &'h [Hash256],
    quality: u8,
    trimmed: bool,
}

/// Scans images against a list. Share it across threads (`&Scanner` or
/// `Arc<Scanner>`); [`replace_list`](Scanner::replace_list) swaps in a new
/// list atomically: a scan already running finishes on the list it
/// started with, every scan that starts afterwards uses the new one, and
/// no scan ever sees a mixture or waits for the new list to load.
pub struct Scanner {
    list: RwLock<Arc<ListFile>>,
    options: ScanOptions,
}

impl fmt::Debug for Scanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = self.list();
        f.debug_struct("Scanner")
            .field("list_version", &list.info().list_version)
            .field("entries", &list.info().entries)
            .field("options", &self.options)
            .finish()
    }
}

impl Scanner {
    /// Opens the list file at `path` (memory-mapped; its checksum verified
    /// before use) and makes a scanner over it.
    ///
    /// For signed lists with pinned keys and a minimum version, open the
    /// list with [`ListFile::open_with`] and use [`Scanner::new`].
    ///
    /// ```
    /// use percept::{ScanOptions, Scanner, Verdict};
    /// let scanner = Scanner::open("testdata/sample-list.pcl", ScanOptions::default())?;
    /// let result = scanner.scan_file("testdata/images/waves-320x240-q85.jpg")?;
    /// assert_eq!(result.verdict, Verdict::Match);
    /// # Ok::<(), percept::Error>(())
    /// ```
    pub fn open(path: impl AsRef<Path>, options: ScanOptions) -> Result<Self, Error> {
        Self::open_with(
            path,
            &OpenOptions {
                checksum: ChecksumPolicy::OnLoad,
                ..OpenOptions::default()
            },
            options,
        )
    }

    /// [`open`](Scanner::open) with the list's [`OpenOptions`]: pinned
    /// signing keys, a minimum list version, the checksum policy.
    pub fn open_with(
        path: impl AsRef<Path>,
        list_options: &OpenOptions,
        options: ScanOptions,
    ) -> Result<Self, Error> {
        options.validate()?;
        let list = ListFile::open_with(path, list_options)?;
        Ok(Self::new(Arc::new(list), options)?)
    }

    /// A scanner over `list`; fails if an option is out of range
    /// ([`ScanOptions::validate`]).
    pub fn new(list: Arc<ListFile>, options: ScanOptions) -> Result<Self, OptionOutOfRange> {
        options.validate()?;
        Ok(Scanner {
            list: RwLock::new(list),
            options,
        })
    }

    /// The list scans currently start with.
    pub fn list(&self) -> Arc<ListFile> {
        // The lock only guards an Arc assignment, which cannot panic, so
        // poisoning cannot leave it half-written.
        self.list
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Swaps in `new` (already opened, and so already verified as its
    /// `OpenOptions` asked) for every scan that starts from now on, and
    /// returns the list it replaces. A list with a lower list version than
    /// the current one is refused ([`DbError::RolledBack`]); an equal
    /// version is accepted (reloading the same release).
    pub fn replace_list(&self, new: Arc<ListFile>) -> Result<Arc<ListFile>, DbError> {
        let mut current = self.list.write().unwrap_or_else(PoisonError::into_inner);
        let (version, minimum) = (new.info().list_version, current.info().list_version);
        if version < minimum {
            return Err(DbError::RolledBack { version, minimum });
        }
        Ok(std::mem::replace(&mut *current, new))
    }

    /// The options scans use.
    pub fn options(&self) -> &ScanOptions {
        &self.options
    }

    /// Reads and scans an image file, refusing a file larger than
    /// `options.decode.limits.max_input_bytes` before reading it.
    pub fn scan_file(&self, path: impl AsRef<Path>) -> Result<ScanResult, InputError> {
        let bytes = read_file_limited(path, self.options.decode.limits.max_input_bytes)?;
        self.scan_bytes(&bytes)
    }

    /// Scans an encoded image (JPEG, PNG, ...): first the BLAKE3 digest of
    /// the bytes against the list's known files, then decode, PDQ and the
    /// distance search.
    pub fn scan_bytes(&self, bytes: &[u8]) -> Result<ScanResult, InputError> {
        let list = self.list();
        let digest = blake3::hash(bytes);
        let files = list.file_matches(digest.as_bytes());
        if !files.is_empty() {
            return Ok(ScanResult {
                exact_file: true,
                exact_files: files,
                ..ScanResult::empty(Verdict::Match, None, list.info().list_version)
            });
        }
        let image = decode_bytes(bytes, &self.options.decode)?;
        Ok(ScanResult {
            downscale: image.downscale(),
            ..self.scan_view(&list, &image.view())
        })
    }

    /// Scans pixels the app already holds.
    pub fn scan_pixels(&self, view: &PixelView<'_>) -> ScanResult {
        self.scan_view(&self.list(), view)
    }

    fn scan_view(&self, list: &ListFile, view: &PixelView<'_>) -> ScanResult {
        let whole = pdq::hash_dihedral(view, self.options.profile);
        let mut queries = vec![Query {
            variants: &whole.hashes,
            quality: whole.quality,
            trimmed: false,
        }];
        let region = if self.options.border_trim {
            content_region(view)
        } else {
            None
        };
        // The region lies inside the view (content_region's contract), so
        // the crop cannot fail; were it to, the whole image is still matched.
        let inner = region
            .and_then(|r| view.crop(r).ok())
            .map(|v| pdq::hash_dihedral(&v, self.options.profile));
        if let Some(inner) = &inner {
            queries.push(Query {
                variants: &inner.hashes,
                quality: inner.quality,
                trimmed: true,
            });
        }
        ScanResult {
            content_region: region.filter(|_| inner.is_some()),
            content_quality: inner.map(|h| h.quality),
            stability: whole.stability,
            ..self.decide(list, &queries)
        }
    }

    /// Decides from an image's eight dihedral hashes.
    pub fn scan_hashes(&self, hashes: &DihedralHashes) -> ScanResult {
        ScanResult {
            stability: hashes.stability,
            ..self.decide(
                &self.list(),
                &[Query {
                    variants: &hashes.hashes,
                    quality: hashes.quality,
                    trimmed: false,
                }],
            )
        }
    }

    /// Decides from one hash and its quality (a hash computed elsewhere,
    /// e.g. received from another device); matches report variant `orig`.
    pub fn scan_hash(&self, hash: &Hash256, quality: u8) -> ScanResult {
        self.decide(
            &self.list(),
            &[Query {
                variants: std::slice::from_ref(hash),
                quality,
                trimmed: false,
            }],
        )
    }

    /// Matches every query whose quality passes the gate (the whole
    /// image's first); an entry found by several keeps its smallest
    /// distance (the whole image's on ties). No query passing the gate
    /// gives [`Verdict::Unreliable`].
    fn decide(&self, list: &ListFile, queries: &[Query<'_>]) -> ScanResult {
        let list_version = list.info().list_version;
        let quality = queries.first().map(|q| q.quality);
        let usable: Vec<&Query<'_>> = queries
            .iter()
            .filter(|q| q.quality >= self.options.min_quality)
            .collect();
        if usable.is_empty() {
            return ScanResult::empty(Verdict::Unreliable, quality, list_version);
        }
        let set = list.known_hashes();
        let mut found: Vec<(crate::index::Match, bool)> = Vec::new();
        for query in usable {
            // One hash or eight: never more than a query may hold, so the
            // index cannot refuse it.
            let matches = set
                .matches_any(query.variants, self.options.threshold)
                .unwrap_or_default();
            found.extend(matches.into_iter().map(|m| (m, query.trimmed)));
        }
        // Each entry once, at its smallest distance (the whole image's on
        // ties: `false` sorts first).
        found.sort_by_key(|(m, trimmed)| (m.entry, m.distance, *trimmed));
        found.dedup_by_key(|(m, _)| m.entry);
        let mut matches: Vec<ScanMatch> = found
            .into_iter()
            .map(|(m, trimmed)| ScanMatch {
                id: m.id,
                distance: m.distance,
                variant: m.variant,
                label: set.label(m.entry).map(str::to_string),
                entry: m.entry,
                trimmed,
            })
            .collect();
        matches.sort_by_key(|m| (m.distance, m.entry));
        let verdict = if matches.is_empty() {
            Verdict::NoMatch
        } else {
            Verdict::Match
        };
        ScanResult {
            matches,
            ..ScanResult::empty(verdict, quality, list_version)
        }
    }
}

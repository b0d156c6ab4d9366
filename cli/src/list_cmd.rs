//! `percept list ...`: build, info, export, diff, keygen, pubkey, sign,
//! verify.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use percept::db::{
    parse_list, sign_list_bytes, write_list, ChecksumPolicy, DbError, FileEntry, ImportFormat,
    ListContents, ListFile, OpenOptions, PublicKey, SecretKey,
};
use percept::index::{Entry, KnownHashSet};
use percept::pdq::Stability;
use percept::Hash256;

use crate::out;
use crate::walk::{expand, Entry as Input, Source};
use crate::{
    InputFormat, ListBuildArgs, ListDiffArgs, ListExportArgs, ListInfoArgs, ListKeygenArgs,
    ListPubkeyArgs, ListSignArgs, ListVerifyArgs,
};

fn failed() -> ExitCode {
    ExitCode::from(out::FAILED)
}

/// A list that could not be opened, said so an operator knows what to do.
pub fn explain(path: &Path, e: &DbError) -> String {
    match e {
        DbError::BadMagic => {
            let head = std::fs::File::open(path)
                .and_then(|f| {
                    let mut v = Vec::new();
                    f.take(512).read_to_end(&mut v).map(|_| v)
                })
                .unwrap_or_default();
            let text = !head.is_empty() && std::str::from_utf8(&head).is_ok();
            if text {
                "not a percept list file: it looks like a text list; build one from it with `percept list build FILE -o LIST.pcl`".into()
            } else {
                "not a percept list file (no PRCPTLST header)".into()
            }
        }
        DbError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => "no such file".into(),
        DbError::Io(io) => format!("cannot read: {io}"),
        other => other.to_string(),
    }
}

/// Reads a text list (a file, or standard input for `-`), refusing binary
/// data with a message that says what was expected.
pub fn read_text(path: &Path) -> Result<String, ExitCode> {
    let bytes = if path.as_os_str() == "-" {
        let mut v = Vec::new();
        if let Err(e) = std::io::stdin().lock().read_to_end(&mut v) {
            out::error(format!("-: cannot read standard input: {e}"));
            return Err(failed());
        }
        v
    } else if path.is_dir() {
        out::error(format!("{}: is a folder, not a text list", path.display()));
        return Err(failed());
    } else {
        match std::fs::read(path) {
            Ok(v) => v,
            Err(e) => {
                out::error(format!("{}: cannot read: {e}", path.display()));
                return Err(failed());
            }
        }
    };
    if bytes.starts_with(b"PRCPTLST") {
        out::error(format!(
            "{}: is a percept list file, not a text list (`percept list export` prints its entries as text)",
            path.display()
        ));
        return Err(failed());
    }
    match String::from_utf8(bytes) {
        Ok(t) if !t.contains('\0') => Ok(t),
        _ => {
            out::error(format!(
                "{}: not a text list (binary data): expected hex lines or CSV (see `percept list build --help`)",
                path.display()
            ));
            Err(failed())
        }
    }
}

/// Same file (after resolving links), when both exist.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// One imported entry with where it came from.
struct Imported {
    entry: Entry,
    quality: Option<u8>,
    /// The hash's weak bits, where the input gives them.
    weak_bits: Option<u16>,
    explicit_id: bool,
    origin: String,
}

pub fn build(args: ListBuildArgs) -> ExitCode {
    let key = match args.prefilter_key.as_deref().map(parse_key).transpose() {
        Ok(k) => k,
        Err(()) => {
            out::error("--prefilter-key wants exactly 32 hex digits");
            return failed();
        }
    };
    let format = match args.input_format {
        InputFormat::Auto => ImportFormat::Auto,
        InputFormat::Hex => ImportFormat::Hex,
        InputFormat::Reference => ImportFormat::ReferenceCsv,
        InputFormat::Hma => ImportFormat::HmaCsv,
        InputFormat::Threatexchange => ImportFormat::ThreatExchangeCsv,
        InputFormat::Dihedral => ImportFormat::DihedralCsv,
        InputFormat::Json => ImportFormat::JsonLines,
        InputFormat::Export => ImportFormat::ExportCsv,
    };
    // Never overwrite an input.
    for input in args.inputs.iter().chain(&args.exact_files) {
        if same_file(input, &args.output) {
            out::error(format!(
                "{}: the output is also an input; choose another --output",
                args.output.display()
            ));
            return failed();
        }
    }
    if let Some(parent) = args.output.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            out::error(format!(
                "{}: cannot write: folder {} does not exist",
                args.output.display(),
                parent.display()
            ));
            return failed();
        }
    }
    // The version must go up from the list this one replaces.
    let previous_path = args
        .previous
        .clone()
        .or_else(|| args.output.exists().then(|| args.output.clone()));
    let previous = match &previous_path {
        Some(p) => match ListFile::open(p, ChecksumPolicy::OnLoad) {
            Ok(l) => Some(l.info().list_version),
            Err(e) => {
                let what = if args.previous.is_some() {
                    "--previous"
                } else {
                    "the existing output"
                };
                out::error(format!(
                    "{}: {what} is not a readable list ({}); remove it or pass another --output",
                    p.display(),
                    explain(p, &e)
                ));
                return failed();
            }
        },
        None => None,
    };
    let list_version = match (args.list_version, previous) {
        (Some(v), Some(prev)) if v <= prev => {
            out::error(format!(
                "list version {v} is not above the previous list's {prev} ({}); pass --list-version {} or higher",
                previous_path.as_deref().map(|p| p.display().to_string()).unwrap_or_default(),
                prev + 1
            ));
            return failed();
        }
        (Some(v), _) => v,
        (None, Some(prev)) => prev + 1,
        (None, None) => 1,
    };

    let mut imported: Vec<Imported> = Vec::new();
    let mut digests: Vec<[u8; 32]> = Vec::new();
    let mut files: Vec<FileEntry> = Vec::new();
    let mut exact_paths: Vec<([u8; 32], String)> = Vec::new();
    let mut invalid = 0usize;
    let mut warnings = 0usize;
    for input in &args.inputs {
        let text = match read_text(input) {
            Ok(t) => t,
            Err(code) => return code,
        };
        let list = parse_list(&text, format, 0);
        for issue in &list.issues {
            out::error(format!(
                "{}:{}: {}",
                input.display(),
                issue.line,
                issue.reason
            ));
        }
        invalid += list.issues.len();
        if list.data_lines > 0
            && list.entries.is_empty()
            && list.file_digests.is_empty()
            && list.files.is_empty()
        {
            out::error(format!(
                "{}: no line is in the {} format{}",
                input.display(),
                list.format.name(),
                if format == ImportFormat::Auto {
                    " (detected)"
                } else {
                    ""
                }
            ));
            return failed();
        }
        let explicit = list.format.carries_ids();
        let rows = list
            .entries
            .into_iter()
            .zip(list.qualities)
            .zip(list.weak_bits)
            .zip(list.lines);
        for (((entry, quality), weak_bits), line) in rows {
            imported.push(Imported {
                entry,
                quality,
                weak_bits,
                explicit_id: explicit,
                origin: format!("{}:{line}", input.display()),
            });
        }
        digests.extend(list.file_digests);
        files.extend(list.files);
    }
    for entry in expand(&args.exact_files) {
        match entry {
            Input::Input(Source::File { path, .. }) => match std::fs::read(&path) {
                Ok(bytes) => {
                    exact_paths.push((*blake3::hash(&bytes).as_bytes(), path.display().to_string()))
                }
                Err(e) => {
                    out::error(format!("{}: cannot read: {e}", path.display()));
                    return failed();
                }
            },
            Input::Input(Source::Stdin) => {
                out::error("--exact-files does not read standard input");
                return failed();
            }
            Input::Unreadable(p, e) => {
                out::error(format!("{}: cannot read: {e}", p.display()));
                return failed();
            }
        }
    }
    if invalid > 0 && !args.skip_invalid {
        out::error(format!(
            "{}; nothing written (use --skip-invalid to build without them)",
            out::count(invalid, "invalid line")
        ));
        return failed();
    }

    let mut warn = |message: String| {
        warnings += 1;
        out::warn(message);
    };
    // Identical rows are kept once (the id is part of the row only where the
    // input gives ids); one hash under several ids or labels stays as
    // several entries (a match reports each).
    let mut seen: BTreeMap<(Hash256, Option<u64>, Option<String>), String> = BTreeMap::new();
    let mut kept = Vec::with_capacity(imported.len());
    for i in imported {
        let key = (
            i.entry.hash,
            i.explicit_id.then_some(i.entry.id),
            i.entry.label.clone(),
        );
        if let Some(first) = seen.get(&key) {
            warn(format!("{}: the same row as {first}; kept once", i.origin));
            continue;
        }
        seen.insert(key, i.origin.clone());
        kept.push(i);
    }
    // Ids: entries without their own are numbered after the largest id
    // given explicitly (HMA indicator ids, `list export` ids), in input
    // order, so generated and given ids never collide.
    let next = kept
        .iter()
        .filter(|i| i.explicit_id)
        .map(|i| i.entry.id)
        .chain(files.iter().filter_map(|f| f.id))
        .map(|id| id.saturating_add(1))
        .max()
        .unwrap_or(0);
    let mut ids = next..;
    for (i, id) in kept.iter_mut().filter(|i| !i.explicit_id).zip(&mut ids) {
        i.entry.id = id;
    }
    // Files given with --exact-files: numbered after the hashes, labelled
    // with their path.
    for ((digest, path), id) in exact_paths.into_iter().zip(&mut ids) {
        files.push(FileEntry {
            digest,
            id: Some(id),
            label: Some(path),
        });
    }
    let mut by_hash: BTreeMap<Hash256, Vec<u64>> = BTreeMap::new();
    let mut by_id: BTreeMap<u64, BTreeSet<Hash256>> = BTreeMap::new();
    let mut entries = Vec::with_capacity(kept.len());
    for i in kept {
        if let Some(q) = i
            .quality
            .filter(|q| *q < percept::scan::DEFAULT_MIN_QUALITY)
        {
            warn(format!(
                "{}: quality {q} is below {}: such hashes match unreliably",
                i.origin,
                percept::scan::DEFAULT_MIN_QUALITY
            ));
        }
        let ones = i
            .entry
            .hash
            .to_bytes()
            .iter()
            .map(|b| b.count_ones())
            .sum::<u32>();
        if !(64..=192).contains(&ones) {
            warn(format!(
                "{}: degenerate hash ({ones} of 256 bits set; PDQ hashes have about half): it matches unrelated images",
                i.origin
            ));
        }
        if let Some(weak) = i.weak_bits.filter(|&w| w >= Stability::UNSTABLE_WEAK_BITS) {
            warn(format!(
                "{}: unstable hash ({weak} of 256 bits weak, {} or more is unstable): re-encoded copies of this image often do not match",
                i.origin,
                Stability::UNSTABLE_WEAK_BITS
            ));
        }
        by_hash.entry(i.entry.hash).or_default().push(i.entry.id);
        by_id.entry(i.entry.id).or_default().insert(i.entry.hash);
        entries.push(i.entry);
    }
    for (hash, ids) in &by_hash {
        if ids.len() > 1 {
            warn(format!(
                "hash {hash} appears {} times (ids {}); every entry is kept and reported on a match",
                ids.len(),
                ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for (id, hashes) in &by_id {
        if hashes.len() > 1 {
            warn(format!(
                "id {id} is given to {} different hashes: a match on it is ambiguous",
                hashes.len()
            ));
        }
    }
    digests.sort_unstable();
    let before = digests.len();
    digests.dedup();
    if digests.len() < before {
        warn(format!(
            "{} repeated; kept once",
            out::count(before - digests.len(), "exact-file digest")
        ));
    }
    let mut by_digest: BTreeMap<[u8; 32], usize> = BTreeMap::new();
    for f in &files {
        *by_digest.entry(f.digest).or_default() += 1;
    }
    for (digest, n) in by_digest.iter().filter(|(_, n)| **n > 1) {
        warn(format!(
            "file {} is listed {n} times; every entry is kept and reported on a match",
            Hash256::from_bytes(*digest)
        ));
    }
    if warnings > 0 && args.strict {
        out::error(format!(
            "{} with --strict; nothing written",
            out::count(warnings, "warning")
        ));
        return failed();
    }
    if entries.is_empty() && digests.is_empty() && files.is_empty() && !args.allow_empty {
        out::error("the inputs hold no hash and no exact-file digest; nothing written (--allow-empty builds an empty list)");
        return failed();
    }
    if entries.len() > percept::index::MAX_ENTRIES {
        out::error(format!(
            "{} entries exceed the limit of {}",
            entries.len(),
            percept::index::MAX_ENTRIES
        ));
        return failed();
    }
    let set = match key {
        Some(key) => KnownHashSet::build_keyed(entries, key),
        None => KnownHashSet::build(entries),
    };
    let contents = ListContents {
        set: &set,
        file_digests: &digests,
        files: &files,
        list_version,
    };
    // Through a temporary file in the same folder, renamed over the output.
    if let Err(e) = write_list(&contents, &args.output) {
        out::error(format!("{}: cannot write: {e}", args.output.display()));
        return failed();
    }
    out::error(format!(
        "wrote {} ({}, {}, list version {list_version}{}{})",
        args.output.display(),
        out::count(set.len(), "hash"),
        out::count(digests.len() + files.len(), "exact-file entry"),
        previous
            .map(|p| format!(", previous {p}"))
            .unwrap_or_default(),
        if invalid > 0 {
            format!(", {} skipped", out::count(invalid, "invalid line"))
        } else {
            String::new()
        }
    ));
    ExitCode::SUCCESS
}

fn open_or_explain(path: &Path, policy: ChecksumPolicy) -> Result<ListFile, ExitCode> {
    if path.is_dir() {
        out::error(format!("{}: is a folder, not a list file", path.display()));
        return Err(failed());
    }
    ListFile::open(path, policy).map_err(|e| {
        out::error(format!("{}: {}", path.display(), explain(path, &e)));
        failed()
    })
}

pub fn info(args: ListInfoArgs) -> ExitCode {
    let policy = if args.no_verify {
        ChecksumPolicy::Deferred
    } else {
        ChecksumPolicy::OnLoad
    };
    let list = match open_or_explain(&args.list, policy) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let i = list.info();
    let set = list.known_hashes();
    out::line(&format!("format version: {}", i.format_version));
    out::line(&format!("list version:   {}", i.list_version));
    out::line(&format!("hashes:         {}", i.entries));
    out::line(&format!("exact files:    {}", i.file_digests));
    out::line(&format!("file size:      {} bytes", i.size_bytes));
    if !set.is_empty() {
        out::line(&format!(
            "index memory:   {:.1} bytes per hash",
            set.index_size_bytes() as f64 / set.len() as f64
        ));
    }
    let pf = set.prefilter_info();
    let consistent = args.no_verify || set.prefilter_is_consistent();
    out::line(&format!(
        "prefilter:      {} bytes, {:.1} bits per hash, {} bits per probe, used below distance 8{}",
        pf.size_bytes,
        pf.bits_per_entry,
        pf.bits_per_probe,
        if args.no_verify {
            ""
        } else if consistent {
            " (rebuilt from the hashes and key: identical)"
        } else {
            " (REBUILT FROM THE HASHES AND KEY: DIFFERENT)"
        }
    ));
    out::line(&format!(
        "root digest:    {} (BLAKE3, {})",
        i.checksum,
        if args.no_verify {
            "not verified"
        } else {
            "verified"
        }
    ));
    match &i.signer {
        Some(key) => out::line(&format!("signed by:      {key} (signature valid)")),
        None => out::line("signed by:      nobody (unsigned)"),
    }
    if !consistent {
        out::error(format!(
            "{}: the stored prefilter differs from the one its hashes and key give",
            args.list.display()
        ));
        return failed();
    }
    ExitCode::SUCCESS
}

/// Every entry as `kind,value,id,label` CSV rows (`list build` reads it
/// back, ids and labels included).
pub fn export(args: ListExportArgs) -> ExitCode {
    let list = match open_or_explain(&args.list, ChecksumPolicy::OnLoad) {
        Ok(l) => l,
        Err(code) => return code,
    };
    out::line("kind,value,id,label");
    for row in rows(&list) {
        out::line(&row);
    }
    ExitCode::SUCCESS
}

/// The export rows of a list, sorted.
fn rows(list: &ListFile) -> Vec<String> {
    let set = list.known_hashes();
    let mut rows: Vec<String> = (0..set.len())
        .filter_map(|i| set.entry(i))
        .map(|e| {
            format!(
                "pdq,{},{},{}",
                e.hash,
                e.id,
                out::csv_field(e.label.as_deref().unwrap_or(""))
            )
        })
        .collect();
    rows.extend(
        (0..list.file_digests().len())
            .filter_map(|i| list.file_entry(i))
            .map(|f| {
                format!(
                    "blake3,{},{},{}",
                    Hash256::from_bytes(f.digest),
                    f.id.map(|id| id.to_string()).unwrap_or_default(),
                    out::csv_field(f.label.as_deref().unwrap_or(""))
                )
            }),
    );
    rows.sort();
    rows
}

/// What changed between two releases: entries added and removed, the
/// list version and the signer. Exit 0 when the contents are the same, 1
/// when they differ.
pub fn diff(args: ListDiffArgs) -> ExitCode {
    let (old, new) = match (
        open_or_explain(&args.old, ChecksumPolicy::OnLoad),
        open_or_explain(&args.new, ChecksumPolicy::OnLoad),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return failed(),
    };
    let signer = |l: &ListFile| {
        l.info()
            .signer
            .map(|k| k.to_hex())
            .unwrap_or_else(|| "unsigned".into())
    };
    out::line(&format!(
        "list version: {} -> {}",
        old.info().list_version,
        new.info().list_version
    ));
    out::line(&format!("signer: {} -> {}", signer(&old), signer(&new)));
    let (a, b): (BTreeSet<String>, BTreeSet<String>) = (
        rows(&old).into_iter().collect(),
        rows(&new).into_iter().collect(),
    );
    let removed: Vec<&String> = a.difference(&b).collect();
    let added: Vec<&String> = b.difference(&a).collect();
    for r in &removed {
        out::line(&format!("- {r}"));
    }
    for r in &added {
        out::line(&format!("+ {r}"));
    }
    out::line(&format!(
        "{} added, {} removed, {} unchanged",
        added.len(),
        removed.len(),
        a.intersection(&b).count()
    ));
    if new.info().list_version <= old.info().list_version {
        out::warn(format!(
            "the new list's version ({}) is not above the old one's ({}): apps that pin a minimum will refuse it or keep the old one",
            new.info().list_version,
            old.info().list_version
        ));
    }
    out::exit(!added.is_empty() || !removed.is_empty(), false)
}

/// 32 hex digits to 16 bytes.
fn parse_key(hex: &str) -> Result<[u8; 16], ()> {
    let hex = hex.trim();
    if hex.len() != 32 || !hex.is_ascii() {
        return Err(());
    }
    let mut key = [0u8; 16];
    for (k, pair) in key.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let pair = std::str::from_utf8(pair).map_err(|_| ())?;
        *k = u8::from_str_radix(pair, 16).map_err(|_| ())?;
    }
    Ok(key)
}

/// Writes `text` to a new file (never replacing one), owner-only.
fn create_new(path: &Path, text: &str, private: bool) -> std::io::Result<()> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    open.open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
}

fn pub_path(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

pub fn keygen(args: ListKeygenArgs) -> ExitCode {
    let key = match SecretKey::generate() {
        Ok(k) => k,
        Err(e) => {
            out::error(e);
            return failed();
        }
    };
    let public = pub_path(&args.secret_key);
    for p in [&args.secret_key, &public] {
        if p.exists() {
            out::error(format!(
                "{}: already exists; keys are never overwritten",
                p.display()
            ));
            return failed();
        }
    }
    if let Err(e) = create_new(&args.secret_key, &format!("{}\n", key.to_hex()), true) {
        out::error(format!("{}: cannot write: {e}", args.secret_key.display()));
        return failed();
    }
    if let Err(e) = create_new(&public, &format!("{}\n", key.public_key()), false) {
        out::error(format!("{}: cannot write: {e}", public.display()));
        return failed();
    }
    out::line(&key.public_key().to_string());
    out::error(format!(
        "secret key written to {} (keep it offline); public key to {} and above: it is what apps pin",
        args.secret_key.display(),
        public.display()
    ));
    ExitCode::SUCCESS
}

fn read_secret(path: &Path) -> Result<SecretKey, ExitCode> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read: {e}"))
        .and_then(|t| SecretKey::from_hex(&t).map_err(|e| e.to_string()))
        .map_err(|e| {
            out::error(format!("{}: {e}", path.display()));
            failed()
        })
}

pub fn pubkey(args: ListPubkeyArgs) -> ExitCode {
    match read_secret(&args.secret_key) {
        Ok(key) => {
            out::line(&key.public_key().to_string());
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

pub fn sign(args: ListSignArgs) -> ExitCode {
    let key = match read_secret(&args.secret_key) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let signed = match std::fs::read(&args.list)
        .map_err(DbError::from)
        .and_then(|bytes| sign_list_bytes(&bytes, &key))
    {
        Ok(b) => b,
        Err(e) => {
            out::error(format!(
                "{}: {}",
                args.list.display(),
                explain(&args.list, &e)
            ));
            return failed();
        }
    };
    let target = args.output.as_ref().unwrap_or(&args.list);
    let tmp = target.with_extension("tmp-percept");
    if let Err(e) = std::fs::write(&tmp, &signed).and_then(|()| std::fs::rename(&tmp, target)) {
        let _ = std::fs::remove_file(&tmp);
        out::error(format!("{}: cannot write: {e}", target.display()));
        return failed();
    }
    out::error(format!(
        "signed {} with key {}",
        target.display(),
        key.public_key()
    ));
    ExitCode::SUCCESS
}

pub fn verify(args: ListVerifyArgs) -> ExitCode {
    let keys = match parse_public_keys(&args.public_keys) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let mut options = OpenOptions::default();
    options.trusted_keys = keys;
    options.min_list_version = args.min_list_version;
    if args.list.is_dir() {
        out::error(format!(
            "{}: is a folder, not a list file",
            args.list.display()
        ));
        return failed();
    }
    match ListFile::open_with(&args.list, &options) {
        Ok(list) => {
            let i = list.info();
            out::line(&format!(
                "ok: list version {}, {}, {}, root digest {}, signed by {}",
                i.list_version,
                out::count(i.entries as usize, "hash"),
                out::count(i.file_digests as usize, "exact-file digest"),
                i.checksum,
                i.signer.map(|k| k.to_hex()).unwrap_or_default()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            out::error(format!(
                "{}: refused: {}",
                args.list.display(),
                explain(&args.list, &e)
            ));
            failed()
        }
    }
}

/// `--public-key` values (64 hex digits each, or a `.pub` file written by
/// `list keygen`); a usage error (exit 2) names the bad one's problem.
pub fn parse_public_keys(values: &[String]) -> Result<Vec<PublicKey>, ExitCode> {
    values
        .iter()
        .map(|k| {
            let text = if Path::new(k).is_file() {
                std::fs::read_to_string(k).unwrap_or_default()
            } else {
                k.clone()
            };
            PublicKey::from_hex(text.trim()).map_err(|e| {
                out::error(format!("--public-key {k}: {e}"));
                failed()
            })
        })
        .collect()
}

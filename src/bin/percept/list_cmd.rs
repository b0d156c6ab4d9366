//! `percept list build` and `percept list info`.

use std::process::ExitCode;

use percept::db::{
    parse_list, sign_list_bytes, write_list, ChecksumPolicy, ImportFormat, ListContents, ListFile,
    OpenOptions, PublicKey, SecretKey,
};
use percept::index::KnownHashSet;

use crate::walk::{expand_all, Entry};
use crate::{
    InputFormat, ListBuildArgs, ListInfoArgs, ListKeygenArgs, ListSignArgs, ListVerifyArgs,
};

pub fn build(args: ListBuildArgs) -> ExitCode {
    let key = match args.prefilter_key.as_deref().map(parse_key).transpose() {
        Ok(k) => k,
        Err(()) => {
            eprintln!("percept: --prefilter-key wants exactly 32 hex digits");
            return ExitCode::from(2);
        }
    };
    let format = match args.input_format {
        InputFormat::Auto => ImportFormat::Auto,
        InputFormat::Hex => ImportFormat::Hex,
        InputFormat::Reference => ImportFormat::ReferenceCsv,
        InputFormat::Hma => ImportFormat::HmaCsv,
        InputFormat::Threatexchange => ImportFormat::ThreatExchangeCsv,
    };
    let mut entries = Vec::new();
    let mut digests = Vec::new();
    let mut invalid = 0usize;
    for input in &args.inputs {
        let text = match std::fs::read_to_string(input) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("percept: {}: cannot read: {e}", input.display());
                return ExitCode::from(1);
            }
        };
        let imported = parse_list(&text, format, entries.len() as u64);
        for issue in &imported.issues {
            eprintln!(
                "percept: {}:{}: {}",
                input.display(),
                issue.line,
                issue.reason
            );
        }
        invalid += imported.issues.len();
        entries.extend(imported.entries);
        digests.extend(imported.file_digests);
    }
    for entry in expand_all(&args.exact_files) {
        match entry {
            Entry::File(p) => match std::fs::read(&p) {
                Ok(bytes) => digests.push(*blake3::hash(&bytes).as_bytes()),
                Err(e) => {
                    eprintln!("percept: {}: cannot read: {e}", p.display());
                    return ExitCode::from(1);
                }
            },
            Entry::Unreadable(p, e) => {
                eprintln!("percept: {}: cannot read: {e}", p.display());
                return ExitCode::from(1);
            }
        }
    }
    if invalid > 0 && !args.skip_invalid {
        eprintln!("percept: {invalid} invalid lines; nothing written (use --skip-invalid to build without them)");
        return ExitCode::from(1);
    }
    if entries.len() > percept::index::MAX_ENTRIES {
        eprintln!(
            "percept: {} entries exceed the limit of {}",
            entries.len(),
            percept::index::MAX_ENTRIES
        );
        return ExitCode::from(1);
    }
    let set = match key {
        Some(key) => KnownHashSet::build_keyed(entries, key),
        None => KnownHashSet::build(entries),
    };
    let contents = ListContents {
        set: &set,
        file_digests: &digests,
        list_version: args.list_version,
    };
    if let Err(e) = write_list(&contents, &args.output) {
        eprintln!("percept: {}: {e}", args.output.display());
        return ExitCode::from(1);
    }
    eprintln!(
        "percept: wrote {} ({} hashes, {} exact-file digests, list version {}{})",
        args.output.display(),
        set.len(),
        digests.len(),
        args.list_version,
        if invalid > 0 {
            format!(", {invalid} invalid lines skipped")
        } else {
            String::new()
        }
    );
    ExitCode::SUCCESS
}

pub fn info(args: ListInfoArgs) -> ExitCode {
    let policy = if args.no_verify {
        ChecksumPolicy::Deferred
    } else {
        ChecksumPolicy::OnLoad
    };
    let list = match ListFile::open(&args.list, policy) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("percept: {}: {e}", args.list.display());
            return ExitCode::from(1);
        }
    };
    let i = list.info();
    let set = list.known_hashes();
    println!("format version: {}", i.format_version);
    println!("list version:   {}", i.list_version);
    println!("hashes:         {}", i.entries);
    println!("exact files:    {}", i.file_digests);
    println!("file size:      {} bytes", i.size_bytes);
    if !set.is_empty() {
        println!(
            "index memory:   {:.1} bytes per hash",
            set.index_size_bytes() as f64 / set.len() as f64
        );
    }
    let pf = set.prefilter_info();
    let consistent = args.no_verify || set.prefilter_is_consistent();
    println!(
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
    );
    println!(
        "root digest:    {} (BLAKE3, {})",
        i.checksum,
        if args.no_verify {
            "not verified"
        } else {
            "verified"
        }
    );
    match &i.signer {
        Some(key) => println!("signed by:      {key} (signature valid)"),
        None => println!("signed by:      nobody (unsigned)"),
    }
    if !consistent {
        eprintln!(
            "percept: {}: the stored prefilter differs from the one its hashes and key give",
            args.list.display()
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
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

pub fn keygen(args: ListKeygenArgs) -> ExitCode {
    let key = match SecretKey::generate() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("percept: {e}");
            return ExitCode::from(1);
        }
    };
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let written = open.open(&args.secret_key).and_then(|mut f| {
        std::io::Write::write_all(&mut f, format!("{}\n", key.to_hex()).as_bytes())
    });
    if let Err(e) = written {
        eprintln!("percept: {}: {e}", args.secret_key.display());
        return ExitCode::from(1);
    }
    println!("{}", key.public_key());
    eprintln!(
        "percept: secret key written to {}; the public key above is what apps pin",
        args.secret_key.display()
    );
    ExitCode::SUCCESS
}

pub fn sign(args: ListSignArgs) -> ExitCode {
    let key = match std::fs::read_to_string(&args.secret_key)
        .map_err(|e| e.to_string())
        .and_then(|t| SecretKey::from_hex(&t).map_err(|e| e.to_string()))
    {
        Ok(k) => k,
        Err(e) => {
            eprintln!("percept: {}: {e}", args.secret_key.display());
            return ExitCode::from(1);
        }
    };
    let signed = match std::fs::read(&args.list)
        .map_err(percept::db::DbError::from)
        .and_then(|bytes| sign_list_bytes(&bytes, &key))
    {
        Ok(b) => b,
        Err(e) => {
            eprintln!("percept: {}: {e}", args.list.display());
            return ExitCode::from(1);
        }
    };
    let out = args.output.as_ref().unwrap_or(&args.list);
    let tmp = out.with_extension("tmp-percept");
    if let Err(e) = std::fs::write(&tmp, &signed).and_then(|()| std::fs::rename(&tmp, out)) {
        eprintln!("percept: {}: {e}", out.display());
        return ExitCode::from(1);
    }
    eprintln!(
        "percept: signed {} with key {}",
        out.display(),
        key.public_key()
    );
    ExitCode::SUCCESS
}

pub fn verify(args: ListVerifyArgs) -> ExitCode {
    let keys = match parse_public_keys(&args.public_keys) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let mut options = OpenOptions::default();
    options.trusted_keys = keys;
    options.min_list_version = args.min_version;
    match ListFile::open_with(&args.list, &options) {
        Ok(list) => {
            let i = list.info();
            println!(
                "ok: list version {}, {} hashes, root digest {}, signed by {}",
                i.list_version,
                i.entries,
                i.checksum,
                i.signer.map(|k| k.to_hex()).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("percept: {}: refused: {e}", args.list.display());
            ExitCode::from(1)
        }
    }
}

/// `--public-key` values (64 hex digits each); a usage error (exit 2) names
/// the bad one's problem.
pub fn parse_public_keys(hex: &[String]) -> Result<Vec<PublicKey>, ExitCode> {
    hex.iter()
        .map(|k| {
            PublicKey::from_hex(k).map_err(|e| {
                eprintln!("percept: --public-key: {e}");
                ExitCode::from(2)
            })
        })
        .collect()
}

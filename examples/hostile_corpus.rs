//! Writes the project's generated corpus of unusual and hostile image files
//! (tests/common/corpus.rs) into a folder, one file per case, with a
//! `MANIFEST.tsv` of what each must give:
//!
//!     cargo run --release --example hostile_corpus -- DIR [--max-bytes N]
//!
//! `--max-bytes` leaves out larger files (the fuzz seeds in
//! fuzz/seeds/decode_budget are the cases up to 64 KiB:
//! `--max-bytes 65536`). The same cases run in tests/hostile.rs (CLI),
//! tests/decode_classes.rs (Rust and C) and tests/decode_memory.rs.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use std::io::Write;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut max_bytes = usize::MAX;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--max-bytes" => max_bytes = args.next().ok_or("--max-bytes needs a value")?.parse()?,
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument {a}").into()),
        }
    }
    let dir = dir.ok_or("usage: hostile_corpus DIR [--max-bytes N]")?;
    std::fs::create_dir_all(&dir)?;
    let mut manifest = std::fs::File::create(dir.join("MANIFEST.tsv"))?;
    writeln!(manifest, "file\tbytes\texpect")?;
    let (mut written, mut skipped) = (0, 0);
    for case in corpus::all() {
        if case.bytes.len() > max_bytes {
            skipped += 1;
            continue;
        }
        std::fs::write(dir.join(&case.name), &case.bytes)?;
        let expect = match &case.expect {
            corpus::Expect::Pixels { w, h, .. } => format!("pixels {w}x{h}"),
            corpus::Expect::Size(w, h) => format!("size {w}x{h}"),
            other => format!("{other:?}"),
        };
        writeln!(manifest, "{}\t{}\t{expect}", case.name, case.bytes.len())?;
        written += 1;
    }
    println!(
        "{written} files written to {}, {skipped} over --max-bytes left out",
        dir.display()
    );
    Ok(())
}

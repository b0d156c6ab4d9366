//! `percept compare A B`: the distance between two images or hashes.

use std::process::ExitCode;

use percept::hash::pdq::{self, Dihedral, Profile};
use percept::input::{decode_bytes, DecodeOptions};
use percept::Hash256;

use crate::out;
use crate::walk::{read, Source};
use crate::{CompareArgs, ScanFormat as Format};

/// One side: the image's eight dihedral hashes (or a given hash alone) and
/// its quality when known.
struct Side {
    name: String,
    hashes: Vec<Hash256>,
    quality: Option<u8>,
}

fn side(arg: &str, profile: Profile) -> Result<Side, String> {
    if arg.len() == 64 && arg.bytes().all(|b| b.is_ascii_hexdigit()) {
        let hash = Hash256::from_hex(arg).map_err(|e| e.to_string())?;
        return Ok(Side {
            name: arg.to_string(),
            hashes: vec![hash],
            quality: None,
        });
    }
    let source = if arg == "-" {
        Source::Stdin
    } else {
        Source::File {
            path: arg.into(),
            in_folder: false,
        }
    };
    let options = DecodeOptions::default();
    let bytes = read(&source, options.limits.max_input_bytes, false)
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    let image = decode_bytes(&bytes, &options).map_err(|e| e.to_string())?;
    let d = pdq::hash_dihedral(&image.view(), profile);
    Ok(Side {
        name: arg.to_string(),
        hashes: d.hashes.to_vec(),
        quality: Some(d.quality),
    })
}

pub fn run(args: CompareArgs) -> ExitCode {
    let profile = crate::profile(args.profile);
    crate::warn_high_threshold(args.threshold);
    let (a, b) = match (side(&args.a, profile), side(&args.b, profile)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            for (arg, r) in [(&args.a, a), (&args.b, b)] {
                if let Err(e) = r {
                    out::error(format!("{arg}: {e}"));
                }
            }
            return ExitCode::from(out::FAILED);
        }
    };
    // B's own hash against each of A's variants (A rotated or flipped);
    // when A is a bare hash, only its own orientation.
    let b_hash = b.hashes[0];
    let (variant, distance) = a
        .hashes
        .iter()
        .enumerate()
        .map(|(i, h)| (i, percept::distance::hamming(h, &b_hash)))
        .min_by_key(|&(i, d)| (d, i))
        .unwrap_or((0, 256));
    let variant = Dihedral::ALL[variant].name();
    let direct = percept::distance::hamming(&a.hashes[0], &b_hash);
    let matched = distance <= args.threshold;
    match args.format {
        Format::Csv => out::line(&format!(
            "{distance},{variant},{direct},{},{},{matched},{},{}",
            a.quality.map(|q| q.to_string()).unwrap_or_default(),
            b.quality.map(|q| q.to_string()).unwrap_or_default(),
            out::csv_field(&a.name),
            out::csv_field(&b.name)
        )),
        Format::Json => out::line(
            &serde_json::json!({
                "a": a.name, "b": b.name, "distance": distance, "variant": variant,
                "distance_unrotated": direct, "quality_a": a.quality, "quality_b": b.quality,
                "threshold": args.threshold, "match": matched,
            })
            .to_string(),
        ),
        Format::Text => out::line(&format!(
            "distance {distance} (A as {variant}; {direct} as given), quality {} and {}: {} at threshold {}",
            a.quality.map(|q| q.to_string()).unwrap_or_else(|| "unknown".into()),
            b.quality.map(|q| q.to_string()).unwrap_or_else(|| "unknown".into()),
            if matched { "a match" } else { "no match" },
            args.threshold
        )),
    }
    out::exit(matched, false)
}

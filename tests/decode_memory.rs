//! Peak heap while decoding, measured with a counting allocator, for every
//! file of the generated corpus (tests/common/corpus.rs), metadata-heavy
//! ones included: with the default limits, and with a budget small enough
//! that the corpus's own files reach it. Decoding must stay within
//! `max_alloc_bytes` plus a small constant (`SLACK`), whatever the file.

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/counting_alloc.rs"]
mod counting;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

use percept::input::{decode_bytes, DecodeOptions};

/// Beyond the budget: decoder state (row buffers, Huffman and zlib
/// tables, the decoder structs) and buffers a decoder sizes from a header
/// field before reading the data: the lossy WebP decoder allocates each
/// token partition at its declared size (24 bits: up to 16 MiB) before
/// finding the file too short (found by the decode_budget fuzz target).
/// Documented in docs/hostile-input.md.
const SLACK: usize = 20 << 20;

/// Peak bytes allocated while decoding `bytes`, above what was live before.
fn peak_decoding(bytes: &[u8], options: &DecodeOptions) -> (usize, bool) {
    let (ok, peak) = counting::peak_during(|| decode_bytes(bytes, options).is_ok());
    (peak, ok)
}

// One test function: the counters are process-wide, and the harness runs
// tests on parallel threads.
#[test]
fn decoding_stays_within_the_memory_budget() {
    let cases = corpus::all();
    let mut report = Vec::new();
    let mut over = Vec::new();
    for budget in [None, Some(16usize << 20), Some(1 << 20)] {
        let mut options = DecodeOptions::default();
        if let Some(b) = budget {
            options.limits.max_alloc_bytes = b as u64;
        }
        let max = options.limits.max_alloc_bytes as usize;
        for case in &cases {
            let (peak, ok) = peak_decoding(&case.bytes, &options);
            report.push(format!(
                "{:>9} budget {:>6.1} MiB: {:>8.2} MiB {}",
                if ok { "decoded" } else { "refused" },
                max as f64 / 1048576.0,
                peak as f64 / 1048576.0,
                case.name
            ));
            if peak > max + SLACK {
                over.push(format!("{} with budget {max}: peak {peak}", case.name));
            }
        }
    }
    // The inputs the decode_budget fuzz target found, replayed as it runs
    // them (budget from the last byte, 4 Mi pixels, 8192 a side).
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/decode_budget");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let budget = 64usize << 10 << (data.last().copied().unwrap_or(0) % 8);
        let mut options = DecodeOptions::default();
        options.limits.max_alloc_bytes = budget as u64;
        options.limits.max_pixels = 1 << 22;
        options.limits.max_side = 8192;
        let (peak, ok) = peak_decoding(&data, &options);
        report.push(format!(
            "{:>9} budget {:>6.1} MiB: {:>8.2} MiB {}",
            if ok { "decoded" } else { "refused" },
            budget as f64 / 1048576.0,
            peak as f64 / 1048576.0,
            path.display()
        ));
        if peak > budget + SLACK {
            over.push(format!(
                "{} with budget {budget}: peak {peak}",
                path.display()
            ));
        }
    }
    println!("{}", report.join("\n"));
    assert!(over.is_empty(), "over the budget:\n{}", over.join("\n"));
}

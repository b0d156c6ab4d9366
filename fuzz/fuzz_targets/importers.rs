//! The list importers on arbitrary text, in every format: every line is
//! either an entry or a reported issue with a line number in range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use percept::db::{parse_list, ImportFormat};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count();
    for format in [
        ImportFormat::Auto,
        ImportFormat::Hex,
        ImportFormat::ReferenceCsv,
        ImportFormat::HmaCsv,
        ImportFormat::ThreatExchangeCsv,
        ImportFormat::DihedralCsv,
        ImportFormat::JsonLines,
        ImportFormat::ExportCsv,
    ] {
        let out = parse_list(&text, format, 0);
        for issue in &out.issues {
            assert!(issue.line >= 1 && issue.line <= lines.max(1), "line {}", issue.line);
        }
        assert_eq!(out.entries.len(), out.qualities.len());
        assert_eq!(out.entries.len(), out.lines.len());
        assert!(out.entries.len() + out.file_digests.len() + out.issues.len() <= out.data_lines);
    }
});

//! Reading hash lists from text: plain hex lines, the reference tool's
//! `hash,quality,filename` CSV, python-threatexchange's HMA serialization
//! (`hash,indicator_id,descriptor_id,added_on,labels`) and its
//! `threatexchange dataset --csv` form (header
//! `signal_type,signal_str,collab,category,tags`, PDQ rows only).
//!
//! Every line that cannot be read is reported with its number; nothing is
//! dropped silently.

use crate::hash::Hash256;
use crate::index::Entry;

/// Text formats the importer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// Decide from the content (header line, field count, second field).
    Auto,
    /// One 64-hex-character hash per line; `blake3:<hex>` lines are
    /// exact-file digests.
    Hex,
    /// `hash,quality,filename` (pdq-photo-hasher, `percept hash`); the
    /// filename becomes the label.
    ReferenceCsv,
    /// `hash,indicator_id,...` (HMA): the indicator id becomes the id and
    /// the remaining fields the label.
    HmaCsv,
    /// `signal_type,signal_str,collab,category,tags` with a header.
    ThreatExchangeCsv,
}

/// A line that could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportIssue {
    /// 1-based line number.
    pub line: usize,
    pub reason: String,
}

/// What an import produced.
#[derive(Clone, Debug, Default)]
pub struct ImportedList {
    pub entries: Vec<Entry>,
    pub file_digests: Vec<[u8; 32]>,
    pub issues: Vec<ImportIssue>,
}

/// Parses one text list. `first_id` numbers entries that carry no id of
/// their own (consecutively, in line order).
pub fn parse_list(text: &str, format: ImportFormat, first_id: u64) -> ImportedList {
    let format = match format {
        ImportFormat::Auto => detect(text),
        f => f,
    };
    let mut out = ImportedList::default();
    let mut next_id = first_id;
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    if format == ImportFormat::ThreatExchangeCsv {
        lines.next(); // header
    }
    for (line, raw) in lines {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut issue = |reason: String| out.issues.push(ImportIssue { line, reason });
        match format {
            ImportFormat::Hex | ImportFormat::Auto => {
                if let Some(d) = trimmed.strip_prefix("blake3:") {
                    match Hash256::from_hex(d) {
                        Ok(h) => out.file_digests.push(h.to_bytes()),
                        Err(e) => issue(format!("bad BLAKE3 digest: {e}")),
                    }
                    continue;
                }
                match Hash256::from_hex(trimmed) {
                    Ok(hash) => {
                        out.entries.push(Entry {
                            hash,
                            id: next_id,
                            label: None,
                        });
                        next_id += 1;
                    }
                    Err(e) => issue(format!("bad hash: {e}")),
                }
            }
            ImportFormat::ReferenceCsv => {
                let mut f = raw.splitn(3, ',');
                let (h, q, name) = (f.next().unwrap_or(""), f.next(), f.next());
                let Some(q) = q else {
                    issue("expected hash,quality,filename".into());
                    continue;
                };
                if q.trim().parse::<u8>().map_or(true, |q| q > 100) {
                    issue(format!("quality {q:?} is not 0..=100"));
                    continue;
                }
                match Hash256::from_hex(h.trim()) {
                    Ok(hash) => {
                        let label = name.map(str::to_string).filter(|s| !s.is_empty());
                        out.entries.push(Entry {
                            hash,
                            id: next_id,
                            label,
                        });
                        next_id += 1;
                    }
                    Err(e) => issue(format!("bad hash: {e}")),
                }
            }
            ImportFormat::HmaCsv => {
                let fields = split_csv(raw);
                if fields.len() < 2 {
                    issue("expected hash,indicator_id,...".into());
                    continue;
                }
                let hash = match Hash256::from_hex(fields[0].trim()) {
                    Ok(h) => h,
                    Err(e) => {
                        issue(format!("bad hash: {e}"));
                        continue;
                    }
                };
                let Ok(id) = fields[1].trim().parse::<u64>() else {
                    issue("indicator id is not a whole number".into());
                    continue;
                };
                let rest = fields[2..].join(",");
                out.entries.push(Entry {
                    hash,
                    id,
                    label: (!rest.is_empty()).then_some(rest),
                });
            }
            ImportFormat::ThreatExchangeCsv => {
                let fields = split_csv(raw);
                if fields.len() < 2 {
                    issue("expected signal_type,signal_str,...".into());
                    continue;
                }
                if !fields[0].eq_ignore_ascii_case("pdq") {
                    continue; // other signal types are not PDQ lists' business
                }
                match Hash256::from_hex(fields[1].trim()) {
                    Ok(hash) => {
                        let label = fields[2..]
                            .iter()
                            .filter(|f| !f.is_empty())
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(" ");
                        out.entries.push(Entry {
                            hash,
                            id: next_id,
                            label: (!label.is_empty()).then_some(label),
                        });
                        next_id += 1;
                    }
                    Err(e) => issue(format!("bad hash: {e}")),
                }
            }
        }
    }
    out
}

fn detect(text: &str) -> ImportFormat {
    let Some(first) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return ImportFormat::Hex;
    };
    if first.starts_with("signal_type,") {
        return ImportFormat::ThreatExchangeCsv;
    }
    let fields: Vec<&str> = first.splitn(3, ',').collect();
    match fields.len() {
        1 => ImportFormat::Hex,
        // The reference tool always writes three fields with a 0..=100 quality;
        // HMA indicator ids are long numbers.
        3 if fields[1].trim().parse::<u8>().is_ok_and(|q| q <= 100) => ImportFormat::ReferenceCsv,
        _ => ImportFormat::HmaCsv,
    }
}

/// Splits one CSV line (RFC 4180 quoting: `"a,b"`, `""` for a quote).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const H1: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    const H2: &str = "30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af";

    #[test]
    fn hex_lines_with_bad_lines_reported() {
        let text = format!(
            "{H1}\n\n# comment\n{}\nzz{}\n{H2}\nblake3:{H2}\n",
            &H1[..63],
            &H1[2..]
        );
        let out = parse_list(&text, ImportFormat::Auto, 10);
        assert_eq!(out.entries.len(), 2);
        assert_eq!(out.entries[1].id, 11);
        assert_eq!(out.file_digests.len(), 1);
        let lines: Vec<usize> = out.issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, vec![4, 5]);
    }

    #[test]
    fn reference_csv_keeps_filenames_with_commas() {
        let text = format!("{H1},100,a/b, c.jpg\n{H2},101,x.png\n{H2},7\n");
        let out = parse_list(&text, ImportFormat::Auto, 0);
        assert_eq!(out.entries.len(), 2);
        assert_eq!(out.entries[0].label.as_deref(), Some("a/b, c.jpg"));
        assert_eq!(out.issues.len(), 1);
        assert_eq!(out.issues[0].line, 2);
    }

    #[test]
    fn hma_and_threatexchange_csv() {
        let hma = format!("{H1},1234567890123,6789,today,\"tag1 tag2\"\n{H2},notanumber\n");
        let out = parse_list(&hma, ImportFormat::Auto, 0);
        assert_eq!(out.entries.len(), 1);
        assert_eq!(out.entries[0].id, 1234567890123);
        assert_eq!(
            out.entries[0].label.as_deref(),
            Some("6789,today,tag1 tag2")
        );
        assert_eq!(out.issues[0].line, 2);

        let te = format!("signal_type,signal_str,collab,category,tags\npdq,{H1},Sample,csam,\"a b\"\nmd5,abc,Sample,,\npdq,{}\n", &H2[1..]);
        let out = parse_list(&te, ImportFormat::Auto, 5);
        assert_eq!(out.entries.len(), 1);
        assert_eq!(out.entries[0].label.as_deref(), Some("Sample csam a b"));
        assert_eq!(out.issues.len(), 1);
        assert_eq!(out.issues[0].line, 4);
    }
}

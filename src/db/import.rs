//! Reading hash lists from text: plain hex lines, the reference tool's
//! `hash,quality,filename` CSV, python-threatexchange's HMA serialization
//! (`hash,indicator_id,descriptor_id,added_on,labels`) and its
//! `threatexchange dataset --csv` form (header
//! `signal_type,signal_str,collab,category,tags`, PDQ rows only), and
//! everything `percept` itself writes: `hash` CSV with and without
//! `--dihedral`, `hash --format json` lines, and `list export`.
//!
//! Every line that cannot be read is reported with its number; nothing is
//! dropped silently. `Auto` decides the format from the whole file (a
//! header line, or the shape every data line shares), never from the
//! values in one field.

use super::write::FileEntry;
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
    /// `percept hash --dihedral`: eight hashes (the first is the image's
    /// own), quality, filename. The first hash is imported; the filename
    /// becomes the label.
    DihedralCsv,
    /// `percept hash --format json`: one object per line with `hash`,
    /// `quality` and `file` (the label); error and summary records are
    /// skipped.
    JsonLines,
    /// `percept list export`: a `kind,value,id,label` header, then
    /// `pdq,HASH,ID,LABEL` and `blake3,DIGEST,,` rows.
    ExportCsv,
}

impl ImportFormat {
    /// Whether the format gives each entry its own id (HMA indicator ids,
    /// `list export` ids); the others are numbered by the importer.
    pub fn carries_ids(self) -> bool {
        matches!(self, ImportFormat::HmaCsv | ImportFormat::ExportCsv)
    }

    /// The format's name as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Auto => "auto",
            ImportFormat::Hex => "hex",
            ImportFormat::ReferenceCsv => "reference",
            ImportFormat::HmaCsv => "hma",
            ImportFormat::ThreatExchangeCsv => "threatexchange",
            ImportFormat::DihedralCsv => "dihedral",
            ImportFormat::JsonLines => "json",
            ImportFormat::ExportCsv => "export",
        }
    }
}

/// A line that could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportIssue {
    /// 1-based line number.
    pub line: usize,
    /// Why the line was not imported.
    pub reason: String,
}

/// What an import produced.
#[derive(Clone, Debug)]
pub struct ImportedList {
    /// The format read (the detected one when `Auto` was asked for).
    pub format: ImportFormat,
    /// The hashes read, in input order.
    pub entries: Vec<Entry>,
    /// `weak_bits[i]` is `entries[i]`'s [`Stability::weak_bits`](crate::pdq::Stability)
    /// when the input carries it (`percept hash --format json` records).
    pub weak_bits: Vec<Option<u16>>,
    /// `qualities[i]` is `entries[i]`'s PDQ quality when the format
    /// carries it (reference, dihedral and JSON forms).
    pub qualities: Vec<Option<u8>>,
    /// `lines[i]` is the 1-based line `entries[i]` came from.
    pub lines: Vec<usize>,
    /// Exact-file digests without an id or label (`blake3:<hex>` lines).
    pub file_digests: Vec<[u8; 32]>,
    /// Exact-file entries with an id or label (`list export` rows).
    pub files: Vec<FileEntry>,
    /// Lines that could not be imported, with the reason.
    pub issues: Vec<ImportIssue>,
    /// Data lines (not blank, not comments, not a header) seen.
    pub data_lines: usize,
}

/// Parses one text list. `first_id` numbers entries that carry no id of
/// their own (consecutively, in line order).
pub fn parse_list(text: &str, format: ImportFormat, first_id: u64) -> ImportedList {
    let format = match format {
        ImportFormat::Auto => detect(text),
        f => f,
    };
    let mut out = ImportedList {
        format,
        entries: Vec::new(),
        weak_bits: Vec::new(),
        qualities: Vec::new(),
        lines: Vec::new(),
        file_digests: Vec::new(),
        files: Vec::new(),
        issues: Vec::new(),
        data_lines: 0,
    };
    let mut next_id = first_id;
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let header = match format {
        ImportFormat::ThreatExchangeCsv => Some("signal_type,signal_str"),
        ImportFormat::ExportCsv => Some("kind,value,id,label"),
        _ => None,
    };
    if let Some(header) = header {
        let first = text.lines().position(|l| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('#')
        });
        if let Some(at) = first {
            if text
                .lines()
                .nth(at)
                .is_some_and(|l| l.trim().starts_with(header))
            {
                // Skip up to and including the header.
                for _ in 0..=at {
                    lines.next();
                }
            } else {
                out.issues.push(ImportIssue {
                    line: at + 1,
                    reason: format!("expected the header line {header},..."),
                });
                out.data_lines += 1;
                for _ in 0..=at {
                    lines.next();
                }
            }
        }
    }
    for (line, raw) in lines {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        out.data_lines += 1;
        match parse_line(format, raw, trimmed) {
            Ok(Parsed::Entry {
                hash,
                id,
                label,
                quality,
                weak_bits,
            }) => {
                let id = id.unwrap_or_else(|| {
                    next_id += 1;
                    next_id - 1
                });
                out.entries.push(Entry { hash, id, label });
                out.qualities.push(quality);
                out.weak_bits.push(weak_bits);
                out.lines.push(line);
            }
            Ok(Parsed::Digest(d)) => out.file_digests.push(d),
            Ok(Parsed::File(f)) => out.files.push(f),
            Ok(Parsed::Nothing) => out.data_lines -= 1,
            Err(reason) => out.issues.push(ImportIssue { line, reason }),
        }
    }
    out
}

/// What one line holds.
enum Parsed {
    Entry {
        hash: Hash256,
        /// `None`: numbered by the importer.
        id: Option<u64>,
        label: Option<String>,
        quality: Option<u8>,
        /// The hash's weak bits, where the input gives them.
        weak_bits: Option<u16>,
    },
    Digest([u8; 32]),
    File(FileEntry),
    /// A row the format says to pass over (another signal type, a JSON
    /// error or summary record).
    Nothing,
}

fn quality(q: &str) -> Result<u8, String> {
    q.trim()
        .parse::<u8>()
        .ok()
        .filter(|q| *q <= 100)
        .ok_or_else(|| format!("quality {q:?} is not 0..=100"))
}

fn hash(h: &str) -> Result<Hash256, String> {
    Hash256::from_hex(h.trim()).map_err(|e| format!("bad hash: {e}"))
}

fn parse_line(format: ImportFormat, raw: &str, trimmed: &str) -> Result<Parsed, String> {
    let entry = |hash, id, label: Option<String>, quality| Parsed::Entry {
        hash,
        id,
        label: label.filter(|l| !l.is_empty()),
        quality,
        weak_bits: None,
    };
    match format {
        ImportFormat::Hex | ImportFormat::Auto => {
            if let Some(d) = trimmed.strip_prefix("blake3:") {
                return Hash256::from_hex(d)
                    .map(|h| Parsed::Digest(h.to_bytes()))
                    .map_err(|e| format!("bad BLAKE3 digest: {e}"));
            }
            Ok(entry(hash(trimmed)?, None, None, None))
        }
        ImportFormat::ReferenceCsv => {
            let mut f = raw.splitn(3, ',');
            let (h, q, name) = (f.next().unwrap_or(""), f.next(), f.next());
            let Some(q) = q else {
                return Err("expected hash,quality,filename".into());
            };
            let q = quality(q)?;
            Ok(entry(hash(h)?, None, name.map(str::to_string), Some(q)))
        }
        ImportFormat::DihedralCsv => {
            let f: Vec<&str> = raw.splitn(10, ',').collect();
            if f.len() < 9 {
                return Err("expected 8 hashes,quality,filename".into());
            }
            for h in &f[1..8] {
                hash(h)?;
            }
            let q = quality(f[8])?;
            Ok(entry(
                hash(f[0])?,
                None,
                f.get(9).map(|s| s.to_string()),
                Some(q),
            ))
        }
        ImportFormat::JsonLines => {
            let v: serde_json::Value =
                serde_json::from_str(trimmed).map_err(|e| format!("not JSON: {e}"))?;
            if v.get("error").is_some() || v.get("summary").is_some() || v.get("skipped").is_some()
            {
                return Ok(Parsed::Nothing);
            }
            let h = v
                .get("hash")
                .and_then(|h| h.as_str())
                .ok_or("no \"hash\" field")?;
            let q = match v.get("quality") {
                Some(q) => Some(
                    q.as_u64()
                        .and_then(|q| u8::try_from(q).ok())
                        .filter(|q| *q <= 100)
                        .ok_or("quality is not 0..=100")?,
                ),
                None => None,
            };
            let label = v.get("file").and_then(|f| f.as_str()).map(str::to_string);
            let weak_bits = match v.get("weak_bits") {
                Some(w) => Some(
                    w.as_u64()
                        .and_then(|w| u16::try_from(w).ok())
                        .filter(|w| *w <= 256)
                        .ok_or("weak_bits is not 0..=256")?,
                ),
                None => None,
            };
            Ok(Parsed::Entry {
                hash: hash(h)?,
                id: None,
                label: label.filter(|l| !l.is_empty()),
                quality: q,
                weak_bits,
            })
        }
        ImportFormat::ExportCsv => {
            let f = split_csv(raw);
            if f.len() < 4 {
                return Err("expected kind,value,id,label".into());
            }
            match f[0].as_str() {
                "pdq" => {
                    let id = f[2]
                        .trim()
                        .parse::<u64>()
                        .map_err(|_| "id is not a whole number".to_string())?;
                    Ok(entry(hash(&f[1])?, Some(id), Some(f[3..].join(",")), None))
                }
                "blake3" => {
                    let digest = Hash256::from_hex(f[1].trim())
                        .map_err(|e| format!("bad BLAKE3 digest: {e}"))?
                        .to_bytes();
                    let id = match f[2].trim() {
                        "" => None,
                        id => Some(
                            id.parse::<u64>()
                                .map_err(|_| "id is not a whole number".to_string())?,
                        ),
                    };
                    let label = Some(f[3..].join(",")).filter(|l| !l.is_empty());
                    Ok(if id.is_none() && label.is_none() {
                        Parsed::Digest(digest)
                    } else {
                        Parsed::File(FileEntry { digest, id, label })
                    })
                }
                other => Err(format!("unknown kind {other:?} (pdq or blake3)")),
            }
        }
        ImportFormat::HmaCsv => {
            let fields = split_csv(raw);
            if fields.len() < 2 {
                return Err("expected hash,indicator_id,...".into());
            }
            let h = hash(&fields[0])?;
            let Ok(id) = fields[1].trim().parse::<u64>() else {
                return Err("indicator id is not a whole number".into());
            };
            Ok(entry(h, Some(id), Some(fields[2..].join(",")), None))
        }
        ImportFormat::ThreatExchangeCsv => {
            let fields = split_csv(raw);
            if fields.len() < 2 {
                return Err("expected signal_type,signal_str,...".into());
            }
            if !fields[0].eq_ignore_ascii_case("pdq") {
                return Ok(Parsed::Nothing); // other signal types are not PDQ lists' business
            }
            let label = fields[2..]
                .iter()
                .filter(|f| !f.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            Ok(entry(hash(&fields[1])?, None, Some(label), None))
        }
    }
}

/// The format of a whole file: from its header line if it has one, else
/// the format whose shape every data line has (the most lines, if they
/// disagree: the others are then reported as issues).
fn detect(text: &str) -> ImportFormat {
    let mut data = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .peekable();
    let Some(&first) = data.peek() else {
        return ImportFormat::Hex;
    };
    if first.starts_with("signal_type,") {
        return ImportFormat::ThreatExchangeCsv;
    }
    if first.starts_with("kind,value,id,label") {
        return ImportFormat::ExportCsv;
    }
    if first.starts_with('{') {
        return ImportFormat::JsonLines;
    }
    const SHAPES: [ImportFormat; 4] = [
        ImportFormat::Hex,
        ImportFormat::DihedralCsv,
        ImportFormat::HmaCsv,
        ImportFormat::ReferenceCsv,
    ];
    let mut counts = [0usize; SHAPES.len()];
    for line in data {
        if let Some(i) = SHAPES.iter().position(|f| has_shape(*f, line)) {
            counts[i] += 1;
        }
    }
    // The first of the most common shapes (ties go to the earlier, more
    // specific one).
    let best = (0..SHAPES.len())
        .rev()
        .max_by_key(|&i| counts[i])
        .unwrap_or(0);
    SHAPES[best]
}

/// Whether one data line looks like `format`: hex is one field; dihedral
/// eight hashes then a quality; HMA a hash, an integer indicator id and an
/// integer descriptor id (python-threatexchange writes
/// `hash,indicator_id,descriptor_id,added_on,labels`); reference a hash,
/// a 0..=100 quality and a filename. Checked in that order.
fn has_shape(format: ImportFormat, line: &str) -> bool {
    let f: Vec<&str> = line.split(',').map(str::trim).collect();
    let is_hash = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let is_int = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match format {
        ImportFormat::Hex => f.len() == 1,
        ImportFormat::DihedralCsv => f.len() >= 9 && f[..8].iter().all(|h| is_hash(h)),
        ImportFormat::HmaCsv => f.len() >= 4 && is_hash(f[0]) && is_int(f[1]) && is_int(f[2]),
        ImportFormat::ReferenceCsv => {
            f.len() >= 3 && is_hash(f[0]) && f[1].parse::<u8>().is_ok_and(|q| q <= 100)
        }
        _ => false,
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

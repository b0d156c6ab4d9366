//! What an app calls: encoded bytes or pixels in, a verdict out.
//!
//! Order of checks for encoded bytes: the BLAKE3 digest of the bytes against
//! the list's exact-file digests (a known file is known without decoding),
//! then decode with limits, PDQ with all eight dihedral hashes, the quality
//! gate, and the exact distance search.

use std::sync::Arc;

use crate::db::ListFile;
use crate::hash::pdq::{self, DihedralHashes, Profile};
use crate::index::{Match, DEFAULT_THRESHOLD};
use crate::input::{decode_bytes, DecodeOptions, InputError, PixelView};

/// Below this quality a PDQ hash is too unreliable to call either way
/// (Meta's guidance for PDQ).
pub const DEFAULT_MIN_QUALITY: u8 = 50;

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
    /// Decoding limits and EXIF handling.
    pub decode: DecodeOptions,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threshold: DEFAULT_THRESHOLD,
            min_quality: DEFAULT_MIN_QUALITY,
            profile: Profile::FullResolution,
            decode: DecodeOptions::default(),
        }
    }
}

/// The answer for one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The file's bytes, or a hash within the threshold, are on the list.
    Match,
    /// Nothing on the list within the threshold.
    NoMatch,
    /// The image's hash quality is below the minimum: no verdict either way.
    Unreliable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Match => "match",
            Verdict::NoMatch => "no-match",
            Verdict::Unreliable => "unreliable",
        }
    }
}

/// The result of scanning one image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanResult {
    pub verdict: Verdict,
    /// True when the verdict came from the exact-file digest list.
    pub exact_file: bool,
    /// PDQ quality (`None` when the exact-file check decided first).
    pub quality: Option<u8>,
    /// Every list entry within the threshold, closest first.
    pub matches: Vec<Match>,
}

impl ScanResult {
    /// The closest match, if any.
    pub fn best(&self) -> Option<&Match> {
        self.matches.first()
    }
}

/// Scans images against one list. Immutable; share it across threads.
#[derive(Clone)]
pub struct Scanner {
    list: Arc<ListFile>,
    options: ScanOptions,
}

impl Scanner {
    pub fn new(list: Arc<ListFile>, options: ScanOptions) -> Self {
        Scanner { list, options }
    }

    pub fn list(&self) -> &ListFile {
        &self.list
    }

    pub fn options(&self) -> &ScanOptions {
        &self.options
    }

    /// Scans an encoded image (JPEG, PNG, ...).
    pub fn scan_bytes(&self, bytes: &[u8]) -> Result<ScanResult, InputError> {
        let digest = blake3::hash(bytes);
        if self.list.contains_file_digest(digest.as_bytes()) {
            return Ok(ScanResult {
                verdict: Verdict::Match,
                exact_file: true,
                quality: None,
                matches: Vec::new(),
            });
        }
        let image = decode_bytes(bytes, &self.options.decode)?;
        Ok(self.scan_pixels(&image.view()))
    }

    /// Scans pixels the app already holds.
    pub fn scan_pixels(&self, view: &PixelView<'_>) -> ScanResult {
        self.scan_hashes(&pdq::hash_dihedral(view, self.options.profile))
    }

    /// Decides from an image's eight dihedral hashes.
    pub fn scan_hashes(&self, hashes: &DihedralHashes) -> ScanResult {
        if hashes.quality < self.options.min_quality {
            return ScanResult {
                verdict: Verdict::Unreliable,
                exact_file: false,
                quality: Some(hashes.quality),
                matches: Vec::new(),
            };
        }
        let matches = self
            .list
            .known_hashes()
            .matches_any(&hashes.hashes, self.options.threshold);
        ScanResult {
            verdict: if matches.is_empty() {
                Verdict::NoMatch
            } else {
                Verdict::Match
            },
            exact_file: false,
            quality: Some(hashes.quality),
            matches,
        }
    }
}

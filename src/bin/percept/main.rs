//! The `percept` command-line tool.

mod hash_cmd;
mod list_cmd;
mod scan_cmd;
mod walk;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use percept::input::JpegScaling;

#[derive(Parser)]
#[command(
    name = "percept",
    version,
    about = "Perceptual hashing (PDQ, bit-exact with Meta's reference)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Hash image files, or every image in folders (recursively).
    ///
    /// Default output is the reference tool's line `hash,quality,filename`.
    /// With --dihedral: the eight hashes (orig, rot90, rot180, rot270,
    /// flipx, flipy, flipplus1, flipminus1), then quality and filename, like
    /// `pdq-photo-hasher --pdqdih-across`. A file that cannot be hashed
    /// prints one line on stderr; the exit code is then 1.
    Hash(HashArgs),
    /// Build or inspect known-hash list files.
    #[command(subcommand)]
    List(ListCommand),
    /// Scan images against a list: one verdict per image, then a summary.
    ///
    /// Verdicts: match (a hash within the threshold, or the exact file),
    /// no-match, unreliable (quality below --min-quality). Exit code 0 when
    /// every image was scanned, 1 when some could not be read or decoded.
    Scan(ScanArgs),
}

#[derive(Subcommand)]
enum ListCommand {
    /// Build a list file from text lists (hex lines, `hash,quality,filename`
    /// CSV, HMA CSV, ThreatExchange dataset CSV).
    Build(ListBuildArgs),
    /// Print a list file's version, counts, size, root digest and signer.
    Info(ListInfoArgs),
    /// Make an Ed25519 key pair for signing lists: the secret key goes to
    /// a new file (hex), the public key to stdout (hex).
    Keygen(ListKeygenArgs),
    /// Sign a list (in place, or into --output) with a secret key file.
    Sign(ListSignArgs),
    /// Check a list completely: structure, checksum, a signature by the
    /// given public key, and optionally a minimum list version.
    Verify(ListVerifyArgs),
}

#[derive(clap::Args)]
struct ListKeygenArgs {
    /// Where to write the secret key (must not exist yet).
    #[arg(long, value_name = "FILE")]
    secret_key: PathBuf,
}

#[derive(clap::Args)]
struct ListSignArgs {
    list: PathBuf,
    /// File holding the secret key (64 hex digits), from `list keygen`.
    #[arg(long, value_name = "FILE")]
    secret_key: PathBuf,
    /// Write the signed list here instead of replacing LIST.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ListVerifyArgs {
    list: PathBuf,
    /// The signer's public key (64 hex digits); repeat to trust several.
    #[arg(long = "public-key", value_name = "HEX", required = true)]
    public_keys: Vec<String>,
    /// Refuse lists with a lower list version (rollback).
    #[arg(long, default_value_t = 0)]
    min_version: u64,
}

#[derive(clap::Args)]
struct ListBuildArgs {
    /// Text lists to import.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output list file.
    #[arg(short, long)]
    output: PathBuf,
    /// Input format (auto detects per file).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// The list's release number (consumers can refuse older ones).
    #[arg(long, default_value_t = 1)]
    list_version: u64,
    /// Files (or folders, recursively) whose exact bytes are known: their
    /// BLAKE3 digests go into the list.
    #[arg(long)]
    exact_files: Vec<PathBuf>,
    /// Build even if some lines are invalid (they are still reported).
    #[arg(long)]
    skip_invalid: bool,
    /// The Bloom prefilter's 128-bit key as 32 hex digits, for a
    /// reproducible file (default: a fresh random key, so nobody can compute
    /// filter collisions before the list is published).
    #[arg(long, value_name = "HEX")]
    prefilter_key: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum InputFormat {
    Auto,
    Hex,
    Reference,
    Hma,
    Threatexchange,
}

#[derive(clap::Args)]
struct ListInfoArgs {
    list: PathBuf,
    /// Skip recomputing the checksum and rebuilding the prefilter (both
    /// are checked by default).
    #[arg(long)]
    no_verify: bool,
}

#[derive(clap::Args)]
struct ScanArgs {
    /// The list file.
    #[arg(long)]
    list: PathBuf,
    /// Files or folders (recursively).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Largest Hamming distance that counts as a match.
    #[arg(long, default_value_t = percept::index::DEFAULT_THRESHOLD)]
    threshold: u32,
    /// Images whose PDQ quality is below this are "unreliable".
    #[arg(long, default_value_t = percept::scan::DEFAULT_MIN_QUALITY)]
    min_quality: u8,
    /// Which PDQ reference the list was made with.
    #[arg(long, value_enum, default_value_t = ProfileArg::Full)]
    profile: ProfileArg,
    /// Output: aligned text, CSV (with a header), or JSON Lines.
    #[arg(long, value_enum, default_value_t = ScanFormat::Text)]
    format: ScanFormat,
    /// No progress bar even on a terminal.
    #[arg(long)]
    quiet: bool,
    /// Require the list to be signed by this key (64 hex digits; repeat to
    /// trust several).
    #[arg(long = "public-key", value_name = "HEX")]
    public_keys: Vec<String>,
    /// Refuse lists with a lower list version (rollback).
    #[arg(long, default_value_t = 0)]
    min_list_version: u64,
    /// Opt-in fast profile: decode a large baseline JPEG at 1/4 or 1/8
    /// scale in the DCT domain, keeping its shorter side at least MIN_SIDE
    /// pixels (default 512). Faster on multi-megapixel photos, but the
    /// hashes are then close to, not equal to, the reference's. Off by
    /// default; other formats, progressive and small JPEGs are always
    /// decoded in full.
    #[arg(long, value_name = "MIN_SIDE", num_args = 0..=1, require_equals = true)]
    fast_decode: Option<Option<u32>>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScanFormat {
    Text,
    Csv,
    Json,
}

#[derive(clap::Args)]
struct HashArgs {
    /// Files or folders. Folders are walked recursively and files with an
    /// image extension (jpg, jpeg, png, gif, webp, bmp, tif, tiff) hashed;
    /// files named directly are always tried.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Print all eight dihedral (rotation/flip) hashes.
    #[arg(long)]
    dihedral: bool,
    /// Which reference output to reproduce.
    #[arg(long, value_enum, default_value_t = ProfileArg::Full)]
    profile: ProfileArg,
    /// Output format: csv lines, or JSON Lines (one object per file).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Rotate/flip by the EXIF orientation before hashing (no reference does).
    #[arg(long)]
    apply_exif: bool,
    /// Refuse images with more pixels than this.
    #[arg(long, default_value_t = percept::input::DecodeLimits::default().max_pixels)]
    max_pixels: u64,
    /// Opt-in fast profile: decode a large baseline JPEG at 1/4 or 1/8
    /// scale in the DCT domain, keeping its shorter side at least MIN_SIDE
    /// pixels (default 512). Faster on multi-megapixel photos, but the
    /// hashes are then close to, not equal to, the reference's. Off by
    /// default; other formats, progressive and small JPEGs are always
    /// decoded in full.
    #[arg(long, value_name = "MIN_SIDE", num_args = 0..=1, require_equals = true)]
    fast_decode: Option<Option<u32>>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    /// Full-resolution pixels (Java, HMA, python-threatexchange, vPDQ).
    Full,
    /// The C++ tool's 512x512 nearest-neighbour squash.
    Cli512,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Csv,
    Json,
}

/// The JPEG decode profile a `--fast-decode[=MIN_SIDE]` flag asks for.
fn jpeg_scaling(fast_decode: Option<Option<u32>>) -> JpegScaling {
    match fast_decode {
        None => JpegScaling::Exact,
        Some(None) => JpegScaling::fast(),
        Some(Some(min_side)) => JpegScaling::Fast { min_side },
    }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = Cli::parse();
    match cli.command {
        Command::Hash(args) => hash_cmd::run(args),
        Command::List(ListCommand::Build(args)) => list_cmd::build(args),
        Command::List(ListCommand::Info(args)) => list_cmd::info(args),
        Command::List(ListCommand::Keygen(args)) => list_cmd::keygen(args),
        Command::List(ListCommand::Sign(args)) => list_cmd::sign(args),
        Command::List(ListCommand::Verify(args)) => list_cmd::verify(args),
        Command::Scan(args) => scan_cmd::run(args),
    }
}

/// Lets glibc's allocator keep freed blocks of any size for reuse instead
/// of giving them back to the system. A folder's images are decoded one
/// after another into buffers of tens of megabytes; by default each one is
/// a fresh `mmap`, whose pages the kernel faults in and zeroes one by one
/// and unmaps again when the image is dropped. Measured on 4032x3024 JPEGs:
/// 28 % of a single thread's time was in the kernel, and the throughput
/// rose about 1.6x with reuse. Peak memory stays what the images in flight
/// need (the blocks are reused, not added to). Other C libraries keep their
/// defaults.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets allocator parameters; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}

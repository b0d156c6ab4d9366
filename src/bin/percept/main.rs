//! The `percept` command-line tool.

mod hash_cmd;
mod walk;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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
    #[arg(long, default_value_t = 128_000_000)]
    max_pixels: u64,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Hash(args) => hash_cmd::run(args),
    }
}

//! Output conventions shared by every subcommand: exit codes, messages,
//! machine-readable records, the progress bar.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use percept::input::InputError;

/// Exit status: bit 0 set when something matched (scan, compare, list
/// diff: a difference), bit 1 set when something failed (an input could
/// not be read or decoded, a list was refused, a usage error). So 0 = ran,
/// nothing found; 1 = found; 2 = errors; 3 = found, and errors too.
pub fn exit(found: bool, failed: bool) -> ExitCode {
    ExitCode::from(u8::from(found) | u8::from(failed) << 1)
}

/// Usage errors and refusals: exit status 2.
pub const FAILED: u8 = 2;

/// The status a process killed by SIGPIPE reports to a shell (128 + 13),
/// used where the signal cannot end the process itself.
const CLOSED_PIPE: i32 = 141;

/// Writing to a closed pipe (`percept ... | head`) ends the process
/// quietly: on Unix the default SIGPIPE action does it (restored at
/// start-up); elsewhere, or if that did not happen, this exits with the
/// status a shell would show for it.
pub fn closed_pipe() -> ! {
    std::process::exit(CLOSED_PIPE)
}

/// Prints one line on stdout.
pub fn line(s: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{s}").and_then(|()| out.flush()).is_err() {
        closed_pipe();
    }
}

/// `percept: MESSAGE` on stderr.
pub fn error(message: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "percept: {message}");
}

/// `percept: warning: MESSAGE` on stderr.
pub fn warn(message: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "percept: warning: {message}");
}

/// `1 image`, `2 images`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if noun.ends_with("sh") || noun.ends_with('s') || noun.ends_with('x') {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

/// A short machine-readable name for why an input failed.
pub fn class(e: &InputError) -> &'static str {
    match e {
        InputError::InvalidDimensions { .. } => "invalid-dimensions",
        InputError::TooLarge(_) => "too-large",
        InputError::UnsupportedFormat { .. } => "unsupported",
        InputError::UnrecognisedFormat => "unrecognised",
        InputError::Decode(_) => "corrupt",
        InputError::Io(_) => "io",
        _ => "invalid",
    }
}

/// RFC 4180 quoting when needed.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A progress bar on stderr when it is a terminal and `enabled`; its rate
/// and remaining time are the average since the start (the first images
/// of a folder include the pool's start-up and disk reads, which an
/// exponentially weighted rate extrapolates badly).
pub fn progress(len: usize, enabled: bool, noun: &'static str) -> ProgressBar {
    use std::io::IsTerminal;
    let target = if enabled && std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len as u64), target);
    let template = format!("{{bar:40}} {{pos}}/{{len}} {noun}, {{mean_rate}}, {{mean_eta}} left");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        let style = style
            .with_key(
                "mean_rate",
                |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let secs = s.elapsed().as_secs_f64();
                    let rate = if secs > 0.0 {
                        s.pos() as f64 / secs
                    } else {
                        0.0
                    };
                    let _ = write!(w, "{rate:.1}/s");
                },
            )
            .with_key(
                "mean_eta",
                |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let (pos, len) = (s.pos(), s.len().unwrap_or(0));
                    let secs = s.elapsed().as_secs_f64();
                    let eta = if pos > 0 {
                        Duration::from_secs_f64(secs / pos as f64 * len.saturating_sub(pos) as f64)
                    } else {
                        Duration::ZERO
                    };
                    let _ = write!(w, "{}s", eta.as_secs());
                },
            );
        bar.set_style(style);
    }
    bar
}

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
    } else if let Some(stem) = noun
        .strip_suffix('y')
        .filter(|stem| !stem.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{n} {stem}ies")
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
                    let _ = w.write_str(&mean_rate(s.pos(), s.elapsed()));
                },
            )
            .with_key(
                "mean_eta",
                |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let eta = mean_eta(s.pos(), s.len().unwrap_or(0), s.elapsed());
                    let _ = write!(w, "{}s", eta.as_secs());
                },
            );
        bar.set_style(style);
    }
    bar
}

/// Items per second since the start.
fn mean_rate(done: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    format!("{rate:.1}/s")
}

/// Time left at the mean rate so far.
fn mean_eta(done: u64, total: u64, elapsed: Duration) -> Duration {
    if done == 0 {
        return Duration::ZERO;
    }
    Duration::from_secs_f64(elapsed.as_secs_f64() / done as f64 * total.saturating_sub(done) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The case an exponentially weighted estimate got wrong: a job of 16
    /// files whose first files took longest.
    #[test]
    fn rate_and_eta_are_means_since_the_start() {
        assert_eq!(mean_rate(6, Duration::from_secs(5)), "1.2/s");
        assert_eq!(mean_rate(0, Duration::ZERO), "0.0/s");
        assert_eq!(mean_eta(6, 16, Duration::from_secs(6)).as_secs(), 10);
        assert_eq!(mean_eta(16, 16, Duration::from_secs(13)), Duration::ZERO);
        assert_eq!(mean_eta(0, 16, Duration::from_secs(3)), Duration::ZERO);
    }

    #[test]
    fn counts_are_plural_where_they_should_be() {
        assert_eq!(count(1, "image"), "1 image");
        assert_eq!(count(0, "error"), "0 errors");
        assert_eq!(count(2, "hash"), "2 hashes");
        assert_eq!(count(3, "file"), "3 files");
        assert_eq!(count(2, "exact-file entry"), "2 exact-file entries");
        assert_eq!(count(1, "exact-file entry"), "1 exact-file entry");
        assert_eq!(count(2, "key"), "2 keys");
    }

    #[test]
    fn exit_status_bits() {
        for (found, failed, code) in [
            (false, false, 0u8),
            (true, false, 1),
            (false, true, 2),
            (true, true, 3),
        ] {
            assert_eq!(exit(found, failed), ExitCode::from(code));
        }
    }
}

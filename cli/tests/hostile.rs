//! The generated corpus (tests/common/corpus.rs: unusual valid files,
//! hostile ones of every class, metadata- and memory-heavy ones) through
//! the real CLI, one process per file: every valid file is hashed; every
//! hostile file is refused (exit status 2) with one clear error line naming the file and
//! its class; never a panic; peak RSS (measured with wait4) under 256 MiB.
//! Times are printed, not asserted (the machine is shared).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

mod common;
#[path = "../../tests/common/corpus.rs"]
mod corpus;

use corpus::Expect;

const MAX_RSS_BYTES: u64 = 256 << 20;

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    max_rss: u64,
    seconds: f64,
}

/// Runs `percept hash FILE`, returning its exit status, output and peak RSS.
fn hash_file(path: &Path) -> Run {
    let out_path = path.with_extension("stdout");
    let err_path = path.with_extension("stderr");
    let start = Instant::now();
    // Reaped by wait4 below, which also reports the child's peak RSS.
    #[allow(clippy::zombie_processes)]
    let child = common::percept_command()
        .arg("hash")
        .arg(path)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: rusage is plain data, zero-initialised; wait4 fills it for
    // the child we just spawned (and reaps it).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    let seconds = start.elapsed().as_secs_f64();
    Run {
        status: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        stdout: std::fs::read_to_string(&out_path).unwrap(),
        stderr: std::fs::read_to_string(&err_path).unwrap(),
        max_rss: usage.ru_maxrss as u64 * 1024,
        seconds,
    }
}

fn dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("percept-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A child started by posix_spawn (vfork + exec) inherits this process's
/// peak RSS in its own `ru_maxrss`. After the corpus is written and freed,
/// this returns memory to the system and resets this process's peak to its
/// current RSS (`/proc/self/clear_refs`, value 5), so that each child's
/// peak is its own (or at most this baseline, which is returned).
fn forget_peak_rss() -> u64 {
    // SAFETY: malloc_trim only releases free heap pages.
    unsafe { libc::malloc_trim(0) };
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap();
    kib * 1024
}

/// What the CLI's error line must say for each class.
fn class_words(expect: &Expect) -> &'static str {
    match expect {
        Expect::Invalid => "invalid dimensions",
        Expect::TooLarge => "too large",
        Expect::Corrupt => "corrupt or truncated",
        Expect::Unsupported(_) => "is not supported",
        Expect::Unrecognised => "unrecognised format",
        Expect::Pixels { .. } | Expect::Size(..) => "",
    }
}

#[test]
fn every_corpus_file_is_hashed_or_refused_in_its_class_in_bounded_memory() {
    let d = dir("corpus");
    let cases: Vec<(String, Expect)> = corpus::all()
        .into_iter()
        .map(|case| {
            std::fs::write(d.join(&case.name), &case.bytes).unwrap();
            (case.name, case.expect)
        })
        .collect();
    let baseline = forget_peak_rss();
    let mut report = vec![format!(
        "this test process: {:.1} MiB resident when the runs start",
        baseline as f64 / (1 << 20) as f64
    )];
    let mut failures = Vec::new();
    for (name, expect) in cases {
        let case = corpus::Case {
            name,
            bytes: Vec::new(),
            expect,
        };
        let path = d.join(&case.name);
        let r = hash_file(&path);
        std::fs::remove_file(&path).unwrap();
        report.push(format!(
            "{:>7.3} s {:>6.1} MiB exit {} {}: {}",
            r.seconds,
            r.max_rss as f64 / (1 << 20) as f64,
            r.status,
            case.name,
            r.stderr.lines().next().unwrap_or("").trim()
        ));
        let mut problems = Vec::new();
        if r.stderr.contains("panicked") {
            problems.push("panicked".to_string());
        }
        if r.max_rss >= MAX_RSS_BYTES {
            problems.push(format!("peak RSS {} bytes", r.max_rss));
        }
        if case.expect.decodes() {
            let hash = r.stdout.trim().split(',').next().unwrap_or("");
            if r.status != 0 || hash.len() != 64 {
                problems.push(format!("not hashed: exit {} {}", r.status, r.stderr.trim()));
            }
        } else {
            let lines: Vec<&str> = r.stderr.lines().collect();
            let named = lines.iter().filter(|l| l.contains(&case.name)).count();
            if r.status != 2 || !r.stdout.is_empty() || named != 1 {
                problems.push(format!("exit {} stdout {:?}", r.status, r.stdout));
            }
            if !lines.iter().all(|l| l.starts_with("percept: ")) {
                problems.push("a line without the percept: prefix".into());
            }
            let words = class_words(&case.expect);
            if !r.stderr.to_lowercase().contains(words) {
                problems.push(format!("does not say {words:?}"));
            }
            if let Expect::Unsupported(name) = case.expect {
                if !r.stderr.contains(name) {
                    problems.push(format!("does not name {name}"));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {} | {}",
                case.name,
                problems.join("; "),
                r.stderr.trim()
            ));
        }
    }
    println!("{}", report.join("\n"));
    std::fs::remove_dir_all(&d).unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

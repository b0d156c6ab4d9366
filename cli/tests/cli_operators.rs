//! The CLI as trust-and-safety operators and their scripts use it: exit
//! statuses, machine-readable records for every input, nothing skipped
//! silently, list building that cannot go wrong quietly, the audit
//! commands, closed pipes, and the messages. Every test spawns the real
//! binary on real files.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

fn root() -> PathBuf {
    common::repo_root()
}

fn images() -> PathBuf {
    root().join("testdata/images")
}

fn sample_list() -> PathBuf {
    root().join("testdata/sample-list.pcl")
}

fn percept<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    common::percept_command().args(args).output().unwrap()
}

fn percept_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = common::percept_command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// A scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("percept-ops-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn hash_of(path: &Path) -> String {
    let out = percept(["hash", s(path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).split(',').next().unwrap().to_string()
}

#[test]
fn scan_exit_status_says_found_failed_or_both() {
    let d = scratch("scan-exit");
    let unrelated = images().join("unrelated-200x200.jpg");
    let matching = images().join("waves-320x240.png");
    let broken = d.join("broken.png");
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\nbroken").unwrap();
    let scan = |files: &[&Path]| {
        let mut args = vec![
            "scan".to_string(),
            "--list".into(),
            s(&sample_list()).into(),
        ];
        args.extend(files.iter().map(|p| s(p).to_string()));
        percept(args)
    };
    assert_eq!(scan(&[&unrelated]).status.code(), Some(0));
    assert_eq!(scan(&[&matching]).status.code(), Some(1));
    assert_eq!(scan(&[&unrelated, &broken]).status.code(), Some(2));
    assert_eq!(scan(&[&matching, &broken]).status.code(), Some(3));
    // A list that cannot be opened, and usage errors: 2.
    let out = percept(["scan", "--list", s(&d.join("missing.pcl")), s(&matching)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no such file"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn scan_json_and_csv_carry_every_input_and_a_summary() {
    let d = scratch("scan-records");
    std::fs::copy(images().join("waves-320x240-rot90.png"), d.join("a.png")).unwrap();
    // An image without an extension, a text file, a HEIC-branded file and
    // a corrupt PNG, all inside the folder.
    std::fs::copy(
        images().join("unrelated-240x160.png"),
        d.join("cache-entry"),
    )
    .unwrap();
    std::fs::write(d.join("notes.txt"), b"hello").unwrap();
    let mut heic = 24u32.to_be_bytes().to_vec();
    heic.extend(b"ftypheic\0\0\0\0mif1heic");
    heic.extend([0u8; 64]);
    std::fs::write(d.join("photo.heic"), &heic).unwrap();
    std::fs::write(d.join("z-broken.png"), b"\x89PNG\r\n\x1a\ntruncated").unwrap();
    let out = percept([
        "scan",
        "--list",
        s(&sample_list()),
        "--format",
        "json",
        s(&d),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 6, "{rows:?}");
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with(name)))
            .unwrap_or_else(|| panic!("no record for {name}"))
    };
    assert_eq!(row("a.png")["verdict"], "match");
    assert_eq!(row("a.png")["variant"], "rot270");
    assert_eq!(row("a.png")["matches"][0]["id"], 0);
    assert_eq!(row("cache-entry")["verdict"], "no-match");
    assert_eq!(row("notes.txt")["verdict"], "skipped");
    assert_eq!(row("photo.heic")["verdict"], "error");
    assert_eq!(row("photo.heic")["class"], "unsupported");
    assert!(row("photo.heic")["error"]
        .as_str()
        .unwrap()
        .contains("HEIF/HEIC"));
    assert_eq!(row("z-broken.png")["class"], "corrupt");
    let summary = &rows.last().unwrap()["summary"];
    assert_eq!(summary["files"], 5);
    assert_eq!(summary["match"], 1);
    assert_eq!(summary["no_match"], 1);
    assert_eq!(summary["errors"], 2);
    assert_eq!(summary["skipped"], 1);
    assert_eq!(summary["exit"], 3);

    let out = percept([
        "scan",
        "--list",
        s(&sample_list()),
        "--format",
        "csv",
        s(&d),
    ]);
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    assert_eq!(
        lines[0],
        "file,verdict,distance,variant,id,label,quality,exact_file,error,weak_bits,stable,trimmed"
    );
    assert_eq!(lines.len(), 1 + 5 + 1);
    // Every row has the header's 12 columns (commas inside quotes do not
    // separate).
    let columns = |line: &str| {
        let mut quoted = false;
        1 + line
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ',' && !quoted
            })
            .count()
    };
    for line in &lines {
        assert_eq!(columns(line), 12, "{line}");
    }
    let a = lines.iter().find(|l| l.contains("a.png")).unwrap();
    assert!(a.contains(",match,0,rot270,0,"), "{a}");
    // The photo-like test image has a stable hash: few weak bits.
    let weak: u16 = a.split(',').nth(9).unwrap().parse().unwrap();
    assert!(weak < 32 && a.ends_with(",true,false"), "{a}");
    assert!(lines.iter().any(|l| l.contains("notes.txt,skipped,")));
    assert!(lines.iter().any(|l| l.contains("photo.heic,error,")));
    assert!(lines.last().unwrap().starts_with(",summary,"));
    assert!(lines
        .last()
        .unwrap()
        .contains("files=5 match=1 no-match=1 unreliable=0 errors=2 skipped=1"));

    // Text: skipped files only with --verbose; the summary always.
    let out = percept(["scan", "--list", s(&sample_list()), s(&d)]);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("notes.txt"));
    assert!(
        stdout.contains("scanned 5 files: 1 match, 1 no-match, 0 unreliable, 2 errors, 1 skipped"),
        "{stdout}"
    );
    let out = percept(["scan", "--verbose", "--list", s(&sample_list()), s(&d)]);
    assert!(text(&out.stdout).contains("notes.txt"));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn nothing_to_hash_or_scan_is_an_error() {
    let d = scratch("nothing");
    std::fs::write(d.join("a.txt"), b"text").unwrap();
    std::fs::write(d.join("b.csv"), b"1,2,3").unwrap();
    let out = percept(["hash", s(&d)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("nothing to hash"),
        "{}",
        text(&out.stderr)
    );
    let out = percept(["hash", "--verbose", s(&d)]);
    assert!(text(&out.stderr).contains("a.txt: skipped: not an image"));
    let out = percept(["scan", "--list", s(&sample_list()), s(&d)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nothing scanned"));
    let empty = scratch("nothing-empty");
    assert_eq!(percept(["hash", s(&empty)]).status.code(), Some(2));
    std::fs::remove_dir_all(&d).unwrap();
    std::fs::remove_dir_all(&empty).unwrap();
}

#[test]
fn hash_json_has_error_and_summary_records_and_reads_stdin() {
    let d = scratch("hash-json");
    std::fs::copy(images().join("grey-200x150.png"), d.join("no-extension")).unwrap();
    std::fs::write(d.join("broken.jpg"), b"\xff\xd8\xff\xe0garbage").unwrap();
    let out = percept(["hash", "--format", "json", s(&d)]);
    assert_eq!(out.status.code(), Some(2));
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["class"], "corrupt");
    assert_eq!(
        rows[1]["hash"].as_str().unwrap(),
        hash_of(&images().join("grey-200x150.png"))
    );
    assert_eq!(rows[2]["summary"]["hashed"], 1);
    assert_eq!(rows[2]["summary"]["errors"], 1);

    let bytes = std::fs::read(images().join("waves-320x240.png")).unwrap();
    let out = percept_stdin(&["hash", "-"], &bytes);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        format!("{},100,-", hash_of(&images().join("waves-320x240.png")))
    );
    // -j works and gives the same lines.
    let one = percept(["-j", "1", "hash", s(&images())]);
    let all = percept(["hash", s(&images())]);
    assert_eq!(one.stdout, all.stdout);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn ranges_are_checked() {
    let img = images().join("waves-320x240.png");
    let list = sample_list();
    for args in [
        vec!["--threshold", "256"],
        vec!["--threshold", "300"],
        vec!["--min-quality", "101"],
        vec!["--threshold", "-1"],
    ] {
        let mut all = vec!["scan", "--list", s(&list)];
        all.extend(&args);
        all.push(s(&img));
        let out = percept(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("error"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = percept([
        "scan",
        "--list",
        s(&sample_list()),
        "--threshold",
        "64",
        s(&img),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("warning: threshold 64 is above 63"));
    let out = percept(["compare", "--threshold", "256", s(&img), s(&img)]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn compare_reports_distance_variant_and_qualities() {
    let a = images().join("waves-320x240.png");
    let rot = images().join("waves-320x240-rot90.png");
    let other = images().join("unrelated-200x200.jpg");
    let out = percept(["compare", "--format", "json", s(&rot), s(&a)]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["distance"], 0);
    assert_eq!(v["variant"], "rot270");
    assert_eq!(v["quality_a"], 100);
    assert!(v["distance_unrotated"].as_u64().unwrap() > 31);
    let out = percept(["compare", s(&a), s(&other)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("no match at threshold 31"));
    // Hashes, and a hash against an image.
    let (ha, ho) = (hash_of(&a), hash_of(&other));
    let out = percept(["compare", "--format", "csv", &ha, &ha]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("0,orig,0,,,true,"));
    assert_eq!(percept(["compare", &ho, s(&a)]).status.code(), Some(0));
    let out = percept(["compare", "nonexistent.png", &ha]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn scan_hashes_matches_hash_lists_without_images() {
    let d = scratch("scan-hashes");
    let hashes = percept(["hash", "--dihedral", s(&images())]);
    let file = d.join("hashes.csv");
    std::fs::write(&file, &hashes.stdout).unwrap();
    let out = percept([
        "scan",
        "--list",
        s(&sample_list()),
        "--format",
        "json",
        "--hashes",
        s(&file),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let rows = json_lines(&out);
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with(name)))
            .unwrap()
    };
    assert_eq!(row("waves-320x240.png")["verdict"], "match");
    assert_eq!(row("unrelated-240x160.png")["verdict"], "no-match");
    assert_eq!(row("tiny-4x4.png")["verdict"], "unreliable");
    assert_eq!(rows.last().unwrap()["summary"]["files"], 10);
    std::fs::remove_dir_all(&d).unwrap();
}

fn build(args: &[&str]) -> Output {
    let mut all = vec!["list", "build"];
    all.extend(args);
    percept(&all)
}

fn info_field(list: &Path, field: &str) -> String {
    let out = percept(["list", "info", s(list)]);
    text(&out.stdout)
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field}"))
        .split(':')
        .nth(1)
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn list_build_reads_back_every_form_percept_writes() {
    let d = scratch("readback");
    let list = d.join("list.pcl");
    let plain = percept(["hash", s(&images())]).stdout;
    let dihedral = percept(["hash", "--dihedral", s(&images())]).stdout;
    let json = percept(["hash", "--format", "json", s(&images())]).stdout;
    for (name, bytes) in [
        ("plain.csv", &plain),
        ("dihedral.csv", &dihedral),
        ("json.jsonl", &json),
    ] {
        let input = d.join(name);
        std::fs::write(&input, bytes).unwrap();
        let _ = std::fs::remove_file(&list);
        let out = build(&["--allow-empty", s(&input), "-o", s(&list)]);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert_eq!(info_field(&list, "hashes"), "10", "{name}");
        // The same entries whichever form: the export is identical.
        let export = percept(["list", "export", s(&list)]);
        let want = {
            let _ = std::fs::remove_file(d.join("ref.pcl"));
            build(&[s(&d.join("plain.csv")), "-o", s(&d.join("ref.pcl"))]);
            percept(["list", "export", s(&d.join("ref.pcl"))]).stdout
        };
        assert_eq!(text(&export.stdout), text(&want), "{name}");
    }
    // Standard input.
    let _ = std::fs::remove_file(&list);
    let out = percept_stdin(&["list", "build", "-", "-o", s(&list)], &plain);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(info_field(&list, "hashes"), "10");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn list_build_never_overwrites_an_input_and_explains_bad_inputs() {
    let d = scratch("overwrite");
    let csv = d.join("known.csv");
    std::fs::write(&csv, percept(["hash", s(&images())]).stdout).unwrap();
    let before = std::fs::read(&csv).unwrap();
    let out = build(&[s(&csv), "-o", s(&csv)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("the output is also an input"));
    assert_eq!(std::fs::read(&csv).unwrap(), before);
    // A PNG, a list file and a folder given as text lists.
    let out = build(&[
        s(&images().join("waves-320x240.png")),
        "-o",
        s(&d.join("x.pcl")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a text list (binary data)"),
        "{}",
        text(&out.stderr)
    );
    let out = build(&[s(&sample_list()), "-o", s(&d.join("x.pcl"))]);
    assert!(
        text(&out.stderr).contains("is a percept list file"),
        "{}",
        text(&out.stderr)
    );
    let out = build(&[s(&d), "-o", s(&d.join("x.pcl"))]);
    assert!(text(&out.stderr).contains("is a folder"));
    // Writing into a folder that does not exist.
    let out = build(&[s(&csv), "-o", s(&d.join("missing/x.pcl"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("does not exist"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.join("x.pcl").exists());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn list_versions_never_go_back_silently() {
    let d = scratch("versions");
    let csv = d.join("known.csv");
    std::fs::write(&csv, percept(["hash", s(&images())]).stdout).unwrap();
    let list = d.join("list.pcl");
    assert!(build(&[s(&csv), "-o", s(&list), "--list-version", "3"])
        .status
        .success());
    assert_eq!(info_field(&list, "list version"), "3");
    // Rebuilt over itself without a version: 4.
    let out = build(&[s(&csv), "-o", s(&list)]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("list version 4, previous 3"),
        "{}",
        text(&out.stderr)
    );
    // An explicit version that is not higher is refused.
    let out = build(&[s(&csv), "-o", s(&list), "--list-version", "4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is not above the previous list's 4"));
    // --previous for a list elsewhere.
    let other = d.join("next.pcl");
    let out = build(&[
        s(&csv),
        "-o",
        s(&other),
        "--previous",
        s(&list),
        "--list-version",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(build(&[s(&csv), "-o", s(&other), "--previous", s(&list)])
        .status
        .success());
    assert_eq!(info_field(&other, "list version"), "5");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn list_build_warns_and_strict_refuses() {
    let d = scratch("warnings");
    let h = hash_of(&images().join("waves-320x240.png"));
    let input = d.join("in.csv");
    let zero = "0".repeat(64);
    std::fs::write(
        &input,
        format!("{h},100,a.png\n{h},100,a.png\n{h},100,b.png\n{zero},20,flat.png\n"),
    )
    .unwrap();
    let list = d.join("out.pcl");
    let out = build(&[s(&input), "-o", s(&list)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("in.csv:2: the same row as"), "{err}");
    assert!(err.contains("quality 20 is below 50"), "{err}");
    assert!(err.contains("degenerate hash (0 of 256 bits set"), "{err}");
    assert!(err.contains(&format!("hash {h} appears 2 times")), "{err}");
    assert_eq!(info_field(&list, "hashes"), "3");
    let strict = d.join("strict.pcl");
    let out = build(&["--strict", s(&input), "-o", s(&strict)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!strict.exists());
    // Empty input: refused unless asked for.
    let empty = d.join("empty.txt");
    std::fs::write(&empty, "# nothing\n").unwrap();
    let out = build(&[s(&empty), "-o", s(&d.join("e.pcl"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("hold no hash"));
    assert!(
        build(&["--allow-empty", s(&empty), "-o", s(&d.join("e.pcl"))])
            .status
            .success()
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn ids_are_kept_detected_from_the_whole_file_and_never_collide() {
    let d = scratch("ids");
    let h: Vec<String> = [
        "waves-320x240.png",
        "grey-200x150.png",
        "unrelated-200x200.jpg",
    ]
    .iter()
    .map(|n| hash_of(&images().join(n)))
    .collect();
    // HMA rows with small ids (once taken for the reference format).
    let hma = d.join("hma.csv");
    std::fs::write(
        &hma,
        format!(
            "{},2,7,2024-01-01,tag-a\n{},5,8,2024-01-02,tag-b\n",
            h[0], h[1]
        ),
    )
    .unwrap();
    let hex = d.join("more.txt");
    std::fs::write(&hex, format!("{}\n", h[2])).unwrap();
    let list = d.join("list.pcl");
    let out = build(&[s(&hma), s(&hex), "-o", s(&list)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let export = text(&percept(["list", "export", s(&list)]).stdout);
    assert!(
        export.contains(&format!("pdq,{},2,\"7,2024-01-01,tag-a\"", h[0])),
        "{export}"
    );
    assert!(export.contains(&format!("pdq,{},5,", h[1])), "{export}");
    // The hex line is numbered after the largest given id.
    assert!(export.contains(&format!("pdq,{},6,", h[2])), "{export}");
    // An explicit format that matches no line is an error.
    let te = d.join("te.csv");
    std::fs::write(&te, format!("{},100,x.png\n", h[0])).unwrap();
    let out = build(&[
        "--input-format",
        "threatexchange",
        s(&te),
        "-o",
        s(&d.join("te.pcl")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no line is in the threatexchange format"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn export_diff_keys_sign_and_verify_for_an_audit() {
    let d = scratch("audit");
    let csv = d.join("known.csv");
    std::fs::write(&csv, percept(["hash", s(&images())]).stdout).unwrap();
    let v1 = d.join("v1.pcl");
    assert!(build(&[
        s(&csv),
        "-o",
        s(&v1),
        "--exact-files",
        s(&images().join("tiny-4x4.png"))
    ])
    .status
    .success());
    // The exact file carries an id (after the ten hashes') and its path.
    let out = percept([
        "scan",
        "--format",
        "json",
        "--list",
        s(&v1),
        s(&images().join("tiny-4x4.png")),
    ]);
    let rows = json_lines(&out);
    assert_eq!(rows[0]["exact_file"], true);
    assert_eq!(rows[0]["id"], 10);
    assert!(rows[0]["label"].as_str().unwrap().ends_with("tiny-4x4.png"));
    // Export round trip: ids, labels and digests survive.
    let export = percept(["list", "export", s(&v1)]);
    assert!(export.status.success());
    let exported = d.join("v1.csv");
    std::fs::write(&exported, &export.stdout).unwrap();
    assert!(text(&export.stdout).contains("blake3,"));
    let v2 = d.join("v2.pcl");
    let out = build(&[s(&exported), "-o", s(&v2), "--previous", s(&v1)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = percept(["list", "diff", s(&v1), s(&v2)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("list version: 1 -> 2"));
    assert!(
        text(&out.stdout).contains("0 added, 0 removed, 11 unchanged"),
        "{}",
        text(&out.stdout)
    );
    // Remove one entry: the diff shows it and exits 1.
    let fewer: String = text(&export.stdout)
        .lines()
        .filter(|l| !l.contains("waves-320x240.png"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&exported, fewer).unwrap();
    let v3 = d.join("v3.pcl");
    assert!(build(&[s(&exported), "-o", s(&v3), "--previous", s(&v2)])
        .status
        .success());
    let out = percept(["list", "diff", s(&v2), s(&v3)]);
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.lines()
            .any(|l| l.starts_with("- pdq,") && l.ends_with("waves-320x240.png")),
        "{diff}"
    );
    assert!(diff.contains("0 added, 1 removed"), "{diff}");
    // Keys: keygen writes SECRET and SECRET.pub; pubkey prints the same key.
    let secret = d.join("key.secret");
    let out = percept(["list", "keygen", "--secret-key", s(&secret)]);
    assert!(out.status.success());
    let public = text(&out.stdout).trim().to_string();
    let pub_file = d.join("key.secret.pub");
    assert_eq!(std::fs::read_to_string(&pub_file).unwrap().trim(), public);
    assert_eq!(
        text(&percept(["list", "pubkey", s(&secret)]).stdout).trim(),
        public
    );
    assert_eq!(
        percept(["list", "keygen", "--secret-key", s(&secret)])
            .status
            .code(),
        Some(2)
    );
    // Sign, verify with the key or its file, and scan pinned to it.
    assert!(
        percept(["list", "sign", s(&v3), "--secret-key", s(&secret)])
            .status
            .success()
    );
    let out = percept([
        "list",
        "verify",
        s(&v3),
        "--public-key",
        s(&pub_file),
        "--min-list-version",
        "3",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("signed by"));
    let out = percept([
        "list",
        "verify",
        s(&v3),
        "--public-key",
        &public,
        "--min-version",
        "4",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = percept(["list", "diff", s(&v2), s(&v3)]);
    assert!(text(&out.stdout).contains(&format!("signer: unsigned -> {public}")));
    let out = percept([
        "scan",
        "--list",
        s(&v3),
        "--public-key",
        &public,
        "--format",
        "json",
        s(&images()),
    ]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn messages_say_what_happened() {
    let d = scratch("messages");
    let out = percept(["scan", "--list", s(&d), s(&images())]);
    assert!(text(&out.stderr).contains("is a folder, not a list file"));
    let csv = d.join("known.csv");
    std::fs::write(&csv, percept(["hash", s(&images())]).stdout).unwrap();
    let out = percept(["scan", "--list", s(&csv), s(&images())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("build one from it with `percept list build"),
        "{}",
        text(&out.stderr)
    );
    // Labels print as text, not escaped; plurals are right.
    let out = percept([
        "scan",
        "--list",
        s(&sample_list()),
        s(&images().join("waves-320x240.png")),
    ]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("label testdata/images/waves-320x240.png"),
        "{stdout}"
    );
    assert!(!stdout.contains('"'));
    assert!(stdout.contains("scanned 1 file: 1 match"), "{stdout}");
    let out = percept(["hash", "--verbose", s(&images().join("waves-320x240.png"))]);
    assert!(
        text(&out.stderr).contains("hashed 1 of 1 file: 0 errors"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stderr).contains("Some("));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn list_commands_that_cannot_open_a_list_exit_2() {
    let d = scratch("open-fails");
    let missing = d.join("missing.pcl");
    let text_file = d.join("text.pcl");
    std::fs::write(&text_file, "not a list\n").unwrap();
    for list in [&missing, &text_file, &d] {
        for args in [
            vec!["list", "info", s(list)],
            vec!["list", "export", s(list)],
            vec!["list", "diff", s(list), s(&sample_list())],
            vec!["list", "verify", s(list), "--public-key", &"0".repeat(64)],
        ] {
            let out = percept(&args);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(text(&out.stderr).starts_with("percept: "), "{args:?}");
            assert!(
                !text(&out.stderr).contains("os error"),
                "{args:?}: {}",
                text(&out.stderr)
            );
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn completions_and_man_page() {
    let out = percept(["completions", "bash"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("percept"));
    let out = percept(["man"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(".TH percept"));
    let help = percept(["scan", "--help"]);
    assert!(text(&help.stdout).contains("Exit status"));
}

/// Runs percept with its standard output a pipe whose reading end is
/// already closed.
fn with_closed_stdout(args: &[&str]) -> Output {
    use std::os::fd::FromRawFd;
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 fills two descriptors we then own; the reading end is
    // closed at once, the writing end handed to the child as its stdout.
    // Close-on-exec, so that no child another test starts meanwhile keeps
    // a copy of the reading end open (the pipe would then not be closed).
    let writer = unsafe {
        assert_eq!(libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC), 0);
        libc::close(fds[0]);
        std::os::fd::OwnedFd::from_raw_fd(fds[1])
    };
    common::percept_command()
        .args(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// A subcommand that writes on stdout must end quietly on a closed pipe,
/// killed by SIGPIPE like `cat` (or exiting 141 where the signal does not
/// apply), never panicking.
fn closed_pipe(args: &[&str]) {
    use std::os::unix::process::ExitStatusExt;
    let out = with_closed_stdout(args);
    let status = out.status;
    assert!(
        status.signal() == Some(libc::SIGPIPE) || status.code() == Some(141),
        "{args:?}: {status:?} {}",
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{args:?}: {}",
        text(&out.stderr)
    );
}

/// A command that writes nothing on stdout succeeds with it closed.
fn closed_pipe_quiet(args: &[&str]) {
    let out = with_closed_stdout(args);
    assert!(
        out.status.success(),
        "{args:?}: {:?} {}",
        out.status,
        text(&out.stderr)
    );
}

#[test]
fn every_subcommand_ends_quietly_on_a_closed_pipe() {
    let d = scratch("pipe");
    let list = s(&sample_list()).to_string();
    let img = s(&images()).to_string();
    let one = s(&images().join("waves-320x240.png")).to_string();
    let secret = d.join("k.secret");
    let key_pub = std::fs::read_to_string(root().join("testdata/signed/test-key-a.pub")).unwrap();
    let signed = s(&root().join("testdata/signed/sample-v2-signed-a.pcl")).to_string();
    closed_pipe(&["hash", &img]);
    closed_pipe(&["hash", "--format", "json", &img]);
    closed_pipe(&["scan", "--list", &list, &img]);
    closed_pipe(&["scan", "--list", &list, "--format", "csv", &img]);
    closed_pipe(&["compare", &one, &one]);
    closed_pipe(&["list", "info", &list]);
    closed_pipe(&["list", "export", &list]);
    closed_pipe(&["list", "diff", &list, &signed]);
    closed_pipe(&["list", "verify", &signed, "--public-key", key_pub.trim()]);
    closed_pipe(&["list", "keygen", "--secret-key", s(&secret)]);
    closed_pipe(&["list", "pubkey", s(&secret)]);
    // Commands that print nothing on stdout finish their work regardless.
    let csv = d.join("known.csv");
    std::fs::write(&csv, percept(["hash", &img]).stdout).unwrap();
    let built = d.join("built.pcl");
    closed_pipe_quiet(&["list", "build", s(&csv), "-o", s(&built)]);
    assert!(built.exists());
    closed_pipe_quiet(&["list", "sign", s(&built), "--secret-key", s(&secret)]);
    closed_pipe(&["completions", "bash"]);
    closed_pipe(&["man"]);
    closed_pipe(&["--help"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn unstable_hashes_are_reported_by_hash_scan_and_list_build() {
    let d = scratch("stability");
    // A symmetric checkerboard: half its DCT values sit at the median.
    let checker = common::repo_root()
        .join("testdata/reference/generated/synthetic/syn-checker-rgb-300x200.png");
    let photo = images().join("waves-320x240.png");
    let out = percept(["hash", "--format", "json", s(&checker), s(&photo)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = json_lines(&out);
    assert_eq!(rows[0]["stable"], false);
    assert!(rows[0]["weak_bits"].as_u64().unwrap() >= 32);
    assert_eq!(rows[1]["stable"], true);
    assert!(rows[1]["weak_bits"].as_u64().unwrap() < 32);

    let jsonl = d.join("hashes.jsonl");
    std::fs::write(&jsonl, &out.stdout).unwrap();
    let list = d.join("list.pcl");
    let built = percept(["list", "build", s(&jsonl), "-o", s(&list)]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let warnings = text(&built.stderr);
    assert!(warnings.contains("unstable hash"), "{warnings}");
    assert_eq!(warnings.matches("unstable hash").count(), 1, "{warnings}");
    let strict = percept([
        "list",
        "build",
        "--strict",
        s(&jsonl),
        "-o",
        s(&d.join("x.pcl")),
    ]);
    assert_eq!(strict.status.code(), Some(2), "{}", text(&strict.stderr));

    let scanned = percept(["scan", "--list", s(&list), s(&checker), s(&photo)]);
    let stdout = text(&scanned.stdout);
    let checker_line = stdout.lines().find(|l| l.contains("checker")).unwrap();
    assert!(checker_line.contains("(unstable hash)"), "{stdout}");
    let photo_line = stdout.lines().find(|l| l.contains("waves")).unwrap();
    assert!(!photo_line.contains("unstable"), "{stdout}");
    let json = percept(["scan", "--format", "json", "--list", s(&list), s(&checker)]);
    let rows = json_lines(&json);
    assert_eq!(rows[0]["stable"], false);
    assert_eq!(rows.last().unwrap()["summary"]["unstable"], 1);
    std::fs::remove_dir_all(&d).unwrap();
}

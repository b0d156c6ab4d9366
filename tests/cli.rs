//! The `percept` binary: output formats, folders, and failures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use percept::hash::pdq::{self, Profile};
use percept::input::{decode_file, DecodeOptions};

fn percept(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_percept"))
        .args(args)
        .output()
        .unwrap()
}

fn images() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/images")
}

fn library_hash(path: &Path, profile: Profile) -> pdq::PdqHash {
    pdq::hash(
        &decode_file(path, &DecodeOptions::default()).unwrap().view(),
        profile,
    )
}

fn stdout_lines(out: &Output) -> Vec<String> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn hash_prints_reference_line_format() {
    let file = images().join("waves-320x240.png");
    let out = percept(&["hash", file.to_str().unwrap()]);
    assert!(out.status.success());
    let expect = library_hash(&file, Profile::FullResolution);
    assert_eq!(
        stdout_lines(&out),
        vec![format!(
            "{},{},{}",
            expect.hash,
            expect.quality,
            file.display()
        )]
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn folder_is_walked_recursively_in_sorted_order() {
    let out = percept(&["hash", images().parent().unwrap().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = stdout_lines(&out);
    let mut expected: Vec<PathBuf> = std::fs::read_dir(images())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    expected.sort();
    assert_eq!(
        lines.len(),
        expected.len(),
        "non-image files (CSV) are skipped"
    );
    for (line, path) in lines.iter().zip(&expected) {
        assert!(line.ends_with(&format!(",{}", path.display())), "{line}");
        let h = library_hash(path, Profile::FullResolution);
        assert!(line.starts_with(&format!("{},{},", h.hash, h.quality)));
    }
}

#[test]
fn dihedral_csv_and_json() {
    let file = images().join("grey-200x150.png");
    let img = decode_file(&file, &DecodeOptions::default()).unwrap();
    let d = pdq::hash_dihedral(&img.view(), Profile::FullResolution);

    let out = percept(&["hash", "--dihedral", file.to_str().unwrap()]);
    let line = &stdout_lines(&out)[0];
    let fields: Vec<&str> = line.split(',').collect();
    assert_eq!(fields.len(), 10);
    for (field, hash) in fields.iter().zip(&d.hashes) {
        assert_eq!(*field, hash.to_hex());
    }
    assert_eq!(fields[8], d.quality.to_string());

    let out = percept(&[
        "hash",
        "--dihedral",
        "--format",
        "json",
        file.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout_lines(&out)[0]).unwrap();
    assert_eq!(v["hash"], d.hashes[0].to_hex());
    assert_eq!(v["quality"], d.quality);
    assert_eq!(v["dihedral"]["flipminus1"], d.hashes[7].to_hex());
    assert_eq!(v["file"], file.display().to_string());
}

#[test]
fn cli512_profile_is_selectable() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/pdq/generated/synthetic/syn-smooth-rgb-640x480.png");
    let full = percept(&["hash", file.to_str().unwrap()]);
    let cli = percept(&["hash", "--profile", "cli512", file.to_str().unwrap()]);
    let h = library_hash(&file, Profile::Cli512);
    assert_eq!(
        stdout_lines(&cli)[0],
        format!("{},{},{}", h.hash, h.quality, file.display())
    );
    assert_ne!(stdout_lines(&full), stdout_lines(&cli));
}

#[test]
fn bad_files_are_reported_and_the_rest_still_hashed() {
    let dir = std::env::temp_dir().join(format!("percept-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let garbage = dir.join("garbage.png");
    std::fs::write(&garbage, b"this is not an image").unwrap();
    let truncated = dir.join("truncated.png");
    let good_bytes = std::fs::read(images().join("waves-320x240.png")).unwrap();
    std::fs::write(&truncated, &good_bytes[..good_bytes.len() / 3]).unwrap();
    let missing = dir.join("missing.jpg");
    let good = images().join("grey-200x150.png");

    let out = percept(&[
        "hash",
        garbage.to_str().unwrap(),
        good.to_str().unwrap(),
        missing.to_str().unwrap(),
        truncated.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines = stdout_lines(&out);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].ends_with(&good.display().to_string()));
    let err = String::from_utf8(out.stderr).unwrap();
    for bad in [&garbage, &missing, &truncated] {
        let line = err
            .lines()
            .find(|l| l.contains(&bad.display().to_string()))
            .unwrap_or_else(|| panic!("no error line for {}", bad.display()));
        assert!(line.starts_with("percept: "), "{line}");
    }
    assert!(!err.contains("panicked"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(percept(&["hash"]).status.code(), Some(2));
    assert_eq!(
        percept(&["hash", "--profile", "nope", "x"]).status.code(),
        Some(2)
    );
}

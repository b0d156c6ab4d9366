//! The `percept` binary: output formats, folders, and failures.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use percept::hash::pdq::{self, Profile};
use percept::input::{decode_file, DecodeOptions};

fn percept(args: &[&str]) -> Output {
    common::percept_command().args(args).output().unwrap()
}

fn images() -> PathBuf {
    common::repo_root().join("testdata/images")
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
    // testdata/images and the PNG and JPEG files of testdata/reference.
    let expected = common::images_walked(images().parent().unwrap());
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
    // Wider than 512: the cli512 profile resizes it first.
    let file = common::repo_root()
        .join("testdata/reference/generated/synthetic/syn-smooth-rgb-513x300.png");
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
    assert_eq!(out.status.code(), Some(2));
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

fn root() -> PathBuf {
    common::repo_root()
}

/// The key testdata/sample-list.pcl was built with (testdata/README.md).
const SAMPLE_PREFILTER_KEY: &str = "7065726365707420746573746461746f";

#[test]
fn sample_list_rebuilds_byte_for_byte() {
    let out_path = std::env::temp_dir().join(format!("percept-rebuild-{}.pcl", std::process::id()));
    let status = common::percept_command()
        .current_dir(root())
        .args([
            "list",
            "build",
            "testdata/sample-list.csv",
            "--exact-files",
            "testdata/images/other-rgba-180x300.png",
            "--prefilter-key",
            SAMPLE_PREFILTER_KEY,
            "-o",
        ])
        .arg(&out_path)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read(&out_path).unwrap(),
        std::fs::read(root().join("testdata/sample-list.pcl")).unwrap()
    );
    std::fs::remove_file(&out_path).unwrap();
}

/// testdata/signed/: the commands in scripts/make_testdata.py's docstring,
/// run again, give the committed files byte for byte (Ed25519 signatures
/// are deterministic), and the `.pub` files hold the keys of the `.secret`
/// seeds.
#[test]
fn signed_sample_lists_rebuild_byte_for_byte() {
    let dir = std::env::temp_dir().join(format!("percept-signed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str]| {
        let out = common::percept_command()
            .current_dir(root())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "percept {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    for version in ["1", "2"] {
        let unsigned = dir.join(format!("sample-v{version}.pcl"));
        run(&[
            "list",
            "build",
            "testdata/sample-list.csv",
            "--exact-files",
            "testdata/images/other-rgba-180x300.png",
            "--prefilter-key",
            SAMPLE_PREFILTER_KEY,
            "--list-version",
            version,
            "-o",
            unsigned.to_str().unwrap(),
        ]);
    }
    // Version 1 is the unsigned sample list itself.
    assert_eq!(
        std::fs::read(dir.join("sample-v1.pcl")).unwrap(),
        std::fs::read(root().join("testdata/sample-list.pcl")).unwrap()
    );
    for (version, key, name) in [
        ("2", "a", "sample-v2-signed-a.pcl"),
        ("1", "a", "sample-v1-signed-a.pcl"),
        ("2", "b", "sample-v2-signed-b.pcl"),
    ] {
        let signed = dir.join(name);
        run(&[
            "list",
            "sign",
            dir.join(format!("sample-v{version}.pcl")).to_str().unwrap(),
            "--secret-key",
            &format!("testdata/signed/test-key-{key}.secret"),
            "-o",
            signed.to_str().unwrap(),
        ]);
        assert_eq!(
            std::fs::read(&signed).unwrap(),
            std::fs::read(root().join("testdata/signed").join(name)).unwrap(),
            "{name} differs from a fresh build"
        );
        let public =
            std::fs::read_to_string(root().join(format!("testdata/signed/test-key-{key}.pub")))
                .unwrap();
        let info =
            String::from_utf8(run(&["list", "info", signed.to_str().unwrap()]).stdout).unwrap();
        assert!(
            info.contains(&format!(
                "signed by:      {} (signature valid)",
                public.trim()
            )),
            "{name}: {info}"
        );
        assert!(
            info.contains(&format!("list version:   {version}\n")),
            "{name}: {info}"
        );
    }
    for key in ["a", "b"] {
        let seed =
            std::fs::read_to_string(root().join(format!("testdata/signed/test-key-{key}.secret")))
                .unwrap();
        let public =
            std::fs::read_to_string(root().join(format!("testdata/signed/test-key-{key}.pub")))
                .unwrap();
        assert_eq!(
            percept::db::SecretKey::from_hex(&seed)
                .unwrap()
                .public_key()
                .to_hex(),
            public.trim()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn list_build_reports_invalid_lines_by_number() {
    let dir = std::env::temp_dir().join(format!("percept-list-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("hashes.txt");
    let good = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    std::fs::write(&input, format!("{good}\nnot-a-hash\n{}\n", &good[1..])).unwrap();
    let output = dir.join("out.pcl");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "list",
            "build",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        percept(&args)
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("hashes.txt:2:"), "{err}");
    assert!(err.contains("hashes.txt:3:"), "{err}");
    assert!(!output.exists());
    let out = run(&["--skip-invalid"]);
    assert!(out.status.success());
    let info = percept(&["list", "info", output.to_str().unwrap()]);
    let text = String::from_utf8(info.stdout).unwrap();
    assert!(text.contains("hashes:         1"), "{text}");
    assert!(text.contains("BLAKE3, verified)"), "{text}");
    assert!(
        text.contains("(rebuilt from the hashes and key: identical)"),
        "{text}"
    );
    assert!(text.contains("signed by:      nobody"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn scan_sample_images_against_sample_list() {
    let out = common::percept_command()
        .current_dir(root())
        .args([
            "scan",
            "--list",
            "testdata/sample-list.pcl",
            "--format",
            "json",
            "testdata/images",
        ])
        .output()
        .unwrap();
    // Matches found, no errors.
    assert_eq!(out.status.code(), Some(1));
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let verdict = |name: &str| {
        rows.iter()
            .find(|r| r["file"].as_str().unwrap().ends_with(name))
            .unwrap()["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict("waves-320x240-rot90.png"), "match");
    assert_eq!(verdict("unrelated-240x160.png"), "no-match");
    assert_eq!(verdict("tiny-4x4.png"), "unreliable");
    assert_eq!(verdict("other-rgba-180x300.png"), "match");
    let summary = &rows.last().unwrap()["summary"];
    assert_eq!(summary["files"], 10);
    assert_eq!(summary["match"], 6);
    assert_eq!(summary["no_match"], 2);
    assert_eq!(summary["unreliable"], 2);
    assert_eq!(summary["errors"], 0);
    assert_eq!(summary["exit"], 1);
}

#[test]
fn scan_refuses_a_corrupted_list() {
    let path = std::env::temp_dir().join(format!("percept-bad-{}.pcl", std::process::id()));
    let mut bytes = std::fs::read(root().join("testdata/sample-list.pcl")).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    let out = percept(&[
        "scan",
        "--list",
        path.to_str().unwrap(),
        images().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("checksum"));
    std::fs::remove_file(&path).unwrap();
}

/// A 2560x2048 JPEG photo-like gradient, written to a temporary file.
fn large_jpeg(dir: &std::path::Path) -> PathBuf {
    let image = image::RgbImage::from_fn(2560, 2048, |x, y| {
        image::Rgb([
            (x / 8) as u8,
            (y / 8) as u8,
            ((x * 3 + y * 5) / 32 % 256) as u8,
        ])
    });
    let path = dir.join("large.jpg");
    image.save(&path).unwrap();
    path
}

#[test]
fn fast_decode_flag_is_opt_in_and_reported() {
    let dir = std::env::temp_dir().join(format!("percept-cli-fast-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = large_jpeg(&dir);
    let run = |args: &[&str]| {
        let out = common::percept_command()
            .args(args)
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let exact = run(&["hash", "--format", "json"]);
    assert!(!exact.contains("downscale"), "{exact}");
    let first_record = |text: String| -> serde_json::Value {
        serde_json::from_str(text.lines().next().unwrap()).unwrap()
    };
    // The short side 2048 / 4 = 512 keeps the default minimum side; / 8 = 256.
    let fast = first_record(run(&["hash", "--format", "json", "--fast-decode"]));
    assert_eq!(fast["downscale"], 4);
    let fast256 = first_record(run(&["hash", "--format", "json", "--fast-decode=256"]));
    assert_eq!(fast256["downscale"], 8);
    // CSV keeps the reference's columns.
    assert_eq!(run(&["hash", "--fast-decode"]).trim().split(',').count(), 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn border_trim_flag_matches_a_letterboxed_copy() {
    let dir = std::env::temp_dir().join(format!("percept-cli-trim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let picture = image::open(images().join("waves-320x240.png"))
        .unwrap()
        .to_rgb8();
    let mut canvas = image::RgbImage::new(320, 420);
    image::imageops::replace(&mut canvas, &picture, 0, 90);
    let file = dir.join("letterboxed.jpg");
    canvas.save(&file).unwrap();
    let list = common::repo_root().join("testdata/sample-list.pcl");
    let scan = |extra: &[&str]| {
        common::percept_command()
            .args(["scan", "--format", "json", "--list"])
            .arg(&list)
            .args(extra)
            .arg(&file)
            .output()
            .unwrap()
    };
    let without = scan(&["--no-border-trim"]);
    assert_eq!(without.status.code(), Some(0), "no match without trimming");
    // On by default; the last of the two flags wins.
    for flags in [
        &[][..],
        &["--border-trim"],
        &["--border-trim", "--no-border-trim", "--border-trim"],
    ] {
        assert_eq!(scan(flags).status.code(), Some(1), "a match with {flags:?}");
    }
    let with = scan(&[]);
    let record: serde_json::Value =
        serde_json::from_str(stdout_lines(&with).first().unwrap()).unwrap();
    assert_eq!(record["verdict"], "match");
    assert_eq!(record["matches"][0]["trimmed"], true);
    assert_eq!(
        record["content_region"],
        serde_json::json!({"x": 0, "y": 90, "width": 320, "height": 240})
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

//! `percept eval`: determinism, the files it writes, sanity of the numbers
//! on testdata/images, and failures.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn scratch(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("percept-eval-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn eval(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    common::percept_command()
        .arg("eval")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn images() -> PathBuf {
    common::repo_root().join("testdata/images")
}

fn report(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap()
}

fn transform<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["transforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no transform {name}"))
}

fn recall(report: &Value, name: &str, curve: &str, t: usize) -> f64 {
    transform(report, name)["quality_gated"][curve][t]
        .as_f64()
        .unwrap()
}

fn counts(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

/// Every count of `more` is at least the count of `fewer` at the same
/// threshold.
fn dominates(more: &Value, fewer: &Value) -> bool {
    let (more, fewer) = (counts(more), counts(fewer));
    more.len() == fewer.len() && more.iter().zip(&fewer).all(|(m, f)| m >= f)
}

#[test]
fn two_runs_give_the_same_json_and_every_file_is_written() {
    let base = scratch("determinism");
    let (a, b) = (base.join("a"), base.join("b"));
    for dir in [&a, &b] {
        let out = eval(&[&images()], dir, &["--seed", "7", "-q"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains("originals/s"), "{stdout}");
        assert!(stdout.contains("jpeg-q90"), "{stdout}");
        assert!(stdout.contains("dihedral + trim"), "{stdout}");
        assert!(stdout.contains("stability as a predictor"), "{stdout}");
    }
    let json_a = std::fs::read(a.join("report.json")).unwrap();
    assert_eq!(json_a, std::fs::read(b.join("report.json")).unwrap());
    for file in [
        "report.md",
        "recall.svg",
        "recall.png",
        "recall-trim.svg",
        "recall-trim.png",
        "false-positives.svg",
        "false-positives.png",
    ] {
        let len = std::fs::metadata(a.join(file)).unwrap().len();
        assert!(len > 0, "{file} is empty");
    }
    let png = image::open(a.join("recall.png")).unwrap();
    assert_eq!((png.width(), png.height()), (1600, 720));
    let svg = std::fs::read_to_string(a.join("recall.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("screenshot"));
    let md = std::fs::read_to_string(a.join("report.md")).unwrap();
    for text in [
        "seed 7",
        "| jpeg-q90 |",
        "rule of three",
        "hashes/s",
        "--seed 7",
        "## Border trim",
        "Extra hashes: ",
        "quality-gated, dihedral + trim",
        "## Stability",
        "| 32 (library) |",
        "By the original's stability",
    ] {
        assert!(md.contains(text), "report.md lacks {text:?}");
    }

    // Another seed moves the random transforms only.
    let c = base.join("c");
    assert!(eval(&[&images()], &c, &["--seed", "8", "-q"])
        .status
        .success());
    let (r7, r8) = (report(&a), report(&c));
    assert_ne!(
        transform(&r7, "overlay-10")["quality_gated"],
        transform(&r8, "overlay-10")["quality_gated"]
    );
    assert_eq!(transform(&r7, "jpeg-q90"), transform(&r8, "jpeg-q90"));
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn numbers_on_the_test_images_make_sense() {
    let dir = scratch("sanity");
    let out = eval(&[&images()], &dir, &["--seed", "7", "-q"]);
    assert!(out.status.success());
    let r = report(&dir);
    let corpus = &r["corpus"];
    assert_eq!(corpus["originals"], 10);
    assert_eq!(corpus["errors"], 0);
    assert_eq!(corpus["copies_failed"], 0);
    // flat-64x64.png and tiny-4x4.png carry no information.
    assert_eq!(corpus["below_min_quality"], 2);
    assert_eq!(r["transforms"].as_array().unwrap().len(), 29);
    assert_eq!(r["settings"]["seed"], 7);

    let jpeg = transform(&r, "jpeg-q90");
    assert_eq!(jpeg["quality_gated"]["n"], 8);
    assert_eq!(jpeg["excluded_low_quality_original"], 2);
    assert_eq!(
        jpeg["quality_gated"]["recall_plain"]
            .as_array()
            .unwrap()
            .len(),
        129
    );
    assert_eq!(recall(&r, "jpeg-q90", "recall_plain", 31), 1.0);
    assert_eq!(recall(&r, "jpeg-q90", "recall_dihedral", 31), 1.0);
    // Every curve is cumulative.
    for t in r["transforms"].as_array().unwrap() {
        let within = t["all"]["within_dihedral"].as_array().unwrap();
        assert!(within.windows(2).all(|w| w[0].as_u64() <= w[1].as_u64()));
    }
    // A lossless rotation or flip is out of reach without dihedral
    // matching and found more often with it.
    for name in ["rotate-90", "rotate-180", "rotate-270", "flip-h", "flip-v"] {
        assert_eq!(recall(&r, name, "recall_plain", 31), 0.0, "{name}");
        assert!(recall(&r, name, "recall_dihedral", 31) >= 0.5, "{name}");
    }
    // Mirroring a 320-pixel-wide image leaves PDQ's sampling grid
    // symmetric, so the flipped copy's dihedral hash is the original's.
    let waves = r["originals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["file"].as_str().unwrap().ends_with("waves-320x240.png"))
        .unwrap();
    assert_eq!(waves["copies"]["flip-h"][1], 0);

    // Border trim: letterboxed and screenshot copies are found inside
    // their borders; trim never loses a match; the waves image's pad-20
    // copy is out of reach without trim and matches with it.
    for name in ["pad-10", "pad-20", "screenshot"] {
        assert!(transform(&r, name)["content_regions_usable"].as_u64() >= Some(8));
    }
    for name in ["pad-20", "screenshot"] {
        assert!(
            recall(&r, name, "recall_trim", 31) >= recall(&r, name, "recall_dihedral", 31),
            "{name}"
        );
        assert_eq!(recall(&r, name, "recall_dihedral", 31), 0.0, "{name}");
        assert!(recall(&r, name, "recall_trim", 31) >= 0.75, "{name}");
    }
    let pad = &waves["copies"]["pad-20"];
    assert!(pad[1].as_u64().unwrap() > 31, "{pad}");
    assert!(pad[3].as_u64().unwrap() <= 31, "{pad}");
    let mut extra = r["border_trim"]["originals_with_content_region"]
        .as_u64()
        .unwrap();
    for t in r["transforms"].as_array().unwrap() {
        for group in ["quality_gated", "stable", "unstable", "all"] {
            assert!(
                dominates(&t[group]["within_trim"], &t[group]["within_dihedral"]),
                "{} {group}",
                t["name"]
            );
        }
        extra += t["content_regions"].as_u64().unwrap();
    }
    assert_eq!(r["border_trim"]["extra_hashes"], extra);

    // Stability: flat-64x64.png and tiny-4x4.png have no hash (every bit
    // weak) and are below the quality gate; the other eight are stable, so
    // the split puts every quality-gated copy with the stable ones.
    assert_eq!(corpus["unstable_originals"], 2);
    for o in r["originals"].as_array().unwrap() {
        let weak = o["weak_bits"].as_u64().unwrap();
        assert_eq!(o["stable"], weak < 32, "{}", o["file"]);
    }
    let stability = &r["stability"];
    assert_eq!(stability["unstable_weak_bits"], 32);
    assert_eq!(stability["unstable_quality_gated_originals"], 0);
    for t in r["transforms"].as_array().unwrap() {
        let n = |g: &str| t[g]["n"].as_u64().unwrap();
        assert_eq!(n("stable") + n("unstable"), n("quality_gated"));
        assert_eq!(n("unstable"), 0);
    }
    let predictor = &stability["predictor"];
    assert_eq!(predictor["transform"], "jpeg-q90");
    assert_eq!(
        (&predictor["originals"], &predictor["missed"]),
        (&8.into(), &0.into())
    );
    let cutoffs: Vec<u64> = predictor["cutoffs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cutoff"].as_u64().unwrap())
        .collect();
    assert_eq!(cutoffs, [8, 16, 24, 32, 48, 64]);

    // The four waves images (original, JPEG, mirrored, rotated) are the
    // same picture: six duplicate pairs, left out of the false positives.
    let fp = &r["false_positives"];
    assert_eq!(fp["pairs_total"], 45);
    let duplicates = fp["duplicate_pairs"].as_array().unwrap();
    assert_eq!(duplicates.len(), 6);
    assert!(duplicates
        .iter()
        .all(|d| d["a"].as_str().unwrap().contains("waves")
            && d["b"].as_str().unwrap().contains("waves")));
    assert_eq!(fp["all"]["pairs"], 39);
    assert_eq!(fp["quality_gated"]["within_dihedral"][31], 0);
    assert_eq!(fp["quality_gated"]["within_trim"][31], 0);
    for group in ["quality_gated", "all"] {
        assert!(dominates(
            &fp[group]["within_trim"],
            &fp[group]["within_dihedral"]
        ));
    }
    assert_eq!(fp["quality_gated"]["rule_of_three_rate"], 3.0 / 22.0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failed_inputs_are_listed_and_fewer_than_two_originals_is_an_error() {
    let dir = scratch("failures");
    let corrupt = dir.join("cut.png");
    let mut bytes = std::fs::read(images().join("waves-320x240.png")).unwrap();
    bytes.truncate(60);
    std::fs::write(&corrupt, bytes).unwrap();
    let one = images().join("grey-200x150.png");
    let two = images().join("unrelated-240x160.png");

    let out = eval(&[&one, &corrupt], &dir.join("few"), &["-q"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cut.png"), "{stderr}");
    assert!(stderr.contains("at least 2 originals"), "{stderr}");
    assert!(!dir.join("few/report.json").exists());

    let out = eval(&[&one, &two, &corrupt], &dir.join("some"), &["-q"]);
    assert_eq!(out.status.code(), Some(2), "an input failed");
    let r = report(&dir.join("some"));
    assert_eq!(r["corpus"]["originals"], 2);
    assert_eq!(r["corpus"]["errors"], 1);
    assert!(r["corpus"]["failed"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("cut.png"));
    let md = std::fs::read_to_string(dir.join("some/report.md")).unwrap();
    assert!(md.contains("cut.png"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_describes_the_command() {
    let out = common::percept_command()
        .args(["eval", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for text in [
        "--seed",
        "--out",
        "--duplicate-distance",
        "recall",
        "Exit status",
    ] {
        assert!(help.contains(text), "--help lacks {text:?}");
    }
}

//! Expanding command-line paths into the list of files to process.

use std::path::{Path, PathBuf};

const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff"];

/// One input: a file to hash, or a path that could not be listed.
pub enum Entry {
    File(PathBuf),
    Unreadable(PathBuf, std::io::Error),
}

/// Files named directly come back as they are; folders are walked
/// recursively in sorted order, keeping files with an image extension and
/// not following symbolic links to folders (no cycles).
pub fn expand(paths: &[PathBuf]) -> Vec<Entry> {
    expand_with(paths, &has_image_extension)
}

/// Like [`expand`], but folders contribute every file, not only images.
pub fn expand_all(paths: &[PathBuf]) -> Vec<Entry> {
    expand_with(paths, &|_| true)
}

fn expand_with(paths: &[PathBuf], keep: &dyn Fn(&Path) -> bool) -> Vec<Entry> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk_dir_filtered(p, &mut out, keep),
            Ok(_) => out.push(Entry::File(p.clone())),
            Err(e) => out.push(Entry::Unreadable(p.clone(), e)),
        }
    }
    out
}

fn walk_dir_filtered(dir: &Path, out: &mut Vec<Entry>, keep: &dyn Fn(&Path) -> bool) {
    let mut children: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            out.push(Entry::Unreadable(dir.to_path_buf(), e));
            return;
        }
    };
    children.sort();
    for child in children {
        let Ok(meta) = std::fs::symlink_metadata(&child) else {
            continue;
        };
        if meta.is_dir() {
            walk_dir_filtered(&child, out, keep);
        } else if keep(&child) && std::fs::metadata(&child).is_ok_and(|m| m.is_file()) {
            out.push(Entry::File(child));
        }
    }
}

fn has_image_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

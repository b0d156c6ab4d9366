//! Expanding command-line paths into inputs, reading them, and processing
//! them in parallel while printing in input order.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;

use percept::input::{identify, read_file_limited, Identified, InputError, LimitExceeded};

/// Where an input comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// `-`: standard input.
    Stdin,
    /// A file named on the command line (`in_folder` false) or found by
    /// walking a folder.
    File { path: PathBuf, in_folder: bool },
}

impl Source {
    /// The name printed for it.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_string(),
            Source::File { path, .. } => path.display().to_string(),
        }
    }
}

/// One input, or a path that could not even be listed.
pub enum Entry {
    Input(Source),
    Unreadable(PathBuf, std::io::Error),
}

impl Entry {
    pub fn name(&self) -> String {
        match self {
            Entry::Input(s) => s.name(),
            Entry::Unreadable(p, _) => p.display().to_string(),
        }
    }

    /// The input to read, or the error that kept it from being listed
    /// (as the read error every command reports for it).
    pub fn source(&self) -> Result<&Source, InputError> {
        match self {
            Entry::Input(s) => Ok(s),
            Entry::Unreadable(_, e) => {
                Err(InputError::Io(std::io::Error::new(e.kind(), e.to_string())))
            }
        }
    }
}

/// Files named directly come back as they are (`-` is standard input);
/// folders are walked recursively in sorted order, every regular file
/// kept (what is an image is decided from content when it is read), not
/// following symbolic links to folders (no cycles).
pub fn expand(paths: &[PathBuf]) -> Vec<Entry> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Entry::Input(Source::Stdin));
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk_dir(p, &mut out),
            Ok(_) => out.push(Entry::Input(Source::File {
                path: p.clone(),
                in_folder: false,
            })),
            Err(e) => out.push(Entry::Unreadable(p.clone(), e)),
        }
    }
    out
}

fn walk_dir(dir: &Path, out: &mut Vec<Entry>) {
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
            walk_dir(&child, out);
        } else if std::fs::metadata(&child).is_ok_and(|m| m.is_file()) {
            out.push(Entry::Input(Source::File {
                path: child,
                in_folder: true,
            }));
        }
    }
}

/// Why an input was passed over without an error.
pub const NOT_AN_IMAGE: &str = "not an image";

/// Reads an input whole (at most `max` bytes). With `sniff`, a file found
/// in a folder whose first 4 KiB are no format percept recognises is not
/// read further: `Ok(None)`, a skip, not an error (a file named on the
/// command line, or standard input, is always read and decoded).
pub fn read(source: &Source, max: u64, sniff: bool) -> Result<Option<Vec<u8>>, InputError> {
    match source {
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(max.saturating_add(1))
                .read_to_end(&mut bytes)?;
            if bytes.len() as u64 > max {
                return Err(InputError::TooLarge(LimitExceeded::InputBytes {
                    bytes: bytes.len() as u64,
                    max,
                }));
            }
            Ok(Some(bytes))
        }
        Source::File { path, in_folder } => {
            if sniff && *in_folder {
                let mut head = Vec::with_capacity(4096);
                std::fs::File::open(path)?
                    .take(4096)
                    .read_to_end(&mut head)?;
                if identify(&head) == Identified::Unknown {
                    return Ok(None);
                }
            }
            read_file_limited(path, max).map(Some)
        }
    }
}

/// Files handed to the thread pool ahead of the next one to print. Memory
/// stays bounded whatever the folder size: a queued input is only a path,
/// each pool thread holds at most one decoded image, and at most this many
/// small results wait to be printed in input order.
const AHEAD: usize = 64;

/// Runs `work` on every item on the rayon pool, at most [`AHEAD`] ahead of
/// the next one `emit` receives; `emit` gets every result in input order.
pub fn for_each_ordered<T, R>(
    items: Vec<T>,
    work: impl Fn(&T) -> R + Send + Sync + 'static,
    mut emit: impl FnMut(&T, R),
) where
    T: Send + Sync + 'static,
    R: Send + 'static,
{
    let items = Arc::new(items);
    let work = Arc::new(work);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
    let (mut queued, mut emitted) = (0, 0);
    while emitted < items.len() {
        while queued < items.len() && queued < emitted + AHEAD {
            let (items, work, tx, index) = (items.clone(), work.clone(), tx.clone(), queued);
            rayon::spawn(move || {
                let result = work(&items[index]);
                // The receiver is gone only if the process is ending.
                let _ = tx.send((index, result));
            });
            queued += 1;
        }
        let Ok((index, result)) = rx.recv() else {
            return;
        };
        waiting.insert(index, result);
        while let Some(result) = waiting.remove(&emitted) {
            emit(&items[emitted], result);
            emitted += 1;
        }
    }
}

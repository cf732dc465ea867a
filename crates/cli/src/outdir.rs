//! The `--out` folder: it never mixes two runs' files, and a file appears only when complete.
//!
//! A folder `dnaplay train` writes holds a marker file, [`MARKER`]. Before a run, a folder with
//! the marker loses every file a run writes ([`RUN_FILES`]), so nothing of an earlier run (of
//! another task, or one that diverged) is left beside the new one; a folder that is not empty
//! and has no marker is refused. Each file is written under a temporary name in the same folder
//! and renamed into place, so a reader never sees half a file.

use std::path::Path;

use anyhow::{Context, Result};

/// The marker of a folder written by `dnaplay train`.
pub const MARKER: &str = ".dnaplay-run";

/// A stopped run's state (`--resume`): [`dnaplay_model::trainer::Snapshot`]'s bytes.
pub const RESUME_FILE: &str = "resume.bin";
/// What the CLI adds to it: each epoch's seconds and match fraction.
pub const RESUME_NOTES: &str = "resume.json";

/// Every file a run may write.
pub const RUN_FILES: [&str; 20] = [
    "cell.json",
    RESUME_FILE,
    RESUME_NOTES,
    "error.txt",
    "history.csv",
    "predictions.csv",
    "metrics.json",
    "filters.meme",
    "loss.svg",
    "parity.svg",
    "logos.svg",
    "filters.svg",
    "match.json",
    "roc.csv",
    "pr.csv",
    "attention.csv",
    "train.py",
    "data.csv",
    dnaplay_model::checkpoint::WEIGHTS_FILE,
    dnaplay_model::checkpoint::META_FILE,
];

/// Why a folder cannot take a run's files (exit code 2).
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Remove those of `names` that are in `dir`.
///
/// # Errors
/// An I/O error naming the file that cannot be removed.
pub fn remove_files(dir: &Path, names: &[&str]) -> Result<()> {
    for name in names {
        let path = dir.join(name);
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Make `dir` ready for a run: create it, or clear a previous run's files from it.
///
/// # Errors
/// [`Refused`] when `dir` is a file, or a folder that is not empty and was not written by
/// `dnaplay train`; an I/O error when it cannot be created or cleared.
pub fn prepare(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Refused(format!("--out {} is a file, not a folder", dir.display())).into());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create output directory {}", dir.display()))?;
    if dir.join(MARKER).is_file() {
        remove_files(dir, &RUN_FILES)?;
    } else {
        let mut entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if let Some(entry) = entries.next() {
            let name = entry?.file_name().to_string_lossy().into_owned();
            return Err(Refused(format!(
                "--out {} is not empty and was not written by dnaplay (it holds '{name}'); choose a new or empty folder",
                dir.display()
            ))
            .into());
        }
    }
    write_file(&dir.join(MARKER), "This folder holds the files of one `dnaplay train` run; the next run into it replaces them.\n")
}

/// Write `bytes` to `path` through a temporary file in the same folder and a rename.
///
/// # Errors
/// When the temporary file cannot be written or renamed.
pub fn write_file(path: &Path, bytes: impl AsRef<[u8]>) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_previous_runs_files_are_cleared_and_foreign_folders_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        prepare(&out).unwrap();
        write_file(&out.join("match.json"), "{}").unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        prepare(&out).unwrap();
        assert!(!out.join("match.json").exists(), "a previous run's file is removed");
        assert!(out.join("notes.txt").exists(), "other files in a run folder are kept");
        assert!(!out.join(".match.json.tmp").exists());

        let foreign = dir.path().join("foreign");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("thesis.tex"), "x").unwrap();
        let e = prepare(&foreign).unwrap_err().to_string();
        assert!(e.contains("is not empty and was not written by dnaplay (it holds 'thesis.tex')"), "{e}");
        let e = prepare(&foreign.join("thesis.tex")).unwrap_err().to_string();
        assert!(e.ends_with("is a file, not a folder"), "{e}");
    }
}

//! Kept runs exported as one zip archive (My runs, issue 27): each run in a folder of its own,
//! with the files `dnaplay train --save` writes (`checkpoint.json`, `model.bpk`), so the CLI's
//! `--load` takes the folder, plus its loss per epoch as `history.csv` and a `README.txt`
//! naming where it came from. The archive is written by the `zip` crate, stored (no
//! compression: the weights, most of the bytes, barely compress).

use std::io::{Cursor, Write};

use dnaplay_model::checkpoint::{CheckpointMeta, META_FILE, WEIGHTS_FILE};

use crate::export::csv_header;

/// One file of an archive: its path inside it (`/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveFile {
    /// E.g. `01-kept-cnn-relu/checkpoint.json`.
    pub path: String,
    /// The file's contents.
    pub bytes: Vec<u8>,
}

/// Why an archive could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// The `zip` crate's reason, e.g. two files at one path.
    #[error("the zip archive could not be written: {0}")]
    Zip(String),
}

/// `files` as one zip archive (stored, in the given order).
///
/// # Errors
/// [`ArchiveError::Zip`] when the `zip` crate refuses a file, e.g. a second file at a path.
pub fn zip_archive(files: &[ArchiveFile]) -> Result<Vec<u8>, ArchiveError> {
    let fail = |e: &dyn std::fmt::Display| ArchiveError::Zip(e.to_string());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(false);
    for f in files {
        zip.start_file(f.path.as_str(), options).map_err(|e| fail(&e))?;
        zip.write_all(&f.bytes).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}

/// A run's name for a file or folder: in lower case, letters and digits kept, anything else one
/// `-`, at most 48 characters, "run" when nothing is left: `kept-cnn-relu-sgd-lr-0-01`.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(48).collect();
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() { "run".to_string() } else { slug.to_string() }
}

/// A run's folder in an archive: its place (from 1, two digits) and its [`slug`]:
/// `01-kept-cnn-relu-sgd-lr-0-01`.
pub fn folder_name(place: usize, name: &str) -> String {
    format!("{place:02}-{}", slug(name))
}

/// A run's loss per epoch as CSV, after [`csv_header`]'s comment naming `title` and `source`:
/// `epoch,train_loss,val_loss`, then `val_auroc` for a classifier, `val_aupr` for a multi-task
/// one and `match_fraction` where the run measured it (the columns of `dnaplay train`'s
/// history.csv, without its seconds), and `learning_rate`.
pub fn history_csv(meta: &CheckpointMeta, title: &str, source: &str) -> String {
    let auroc = meta.history.iter().any(|h| h.val_auroc.is_some());
    let aupr = meta.history.iter().any(|h| h.val_aupr.is_some());
    let matches = !meta.match_fractions.is_empty();
    let mut out = csv_header(title, source);
    out.push_str("epoch,train_loss,val_loss");
    for (on, column) in [(auroc, ",val_auroc"), (aupr, ",val_aupr"), (matches, ",match_fraction"), (true, ",learning_rate")] {
        if on {
            out.push_str(column);
        }
    }
    out.push('\n');
    let opt = |v: Option<f32>| v.map(|v| v.to_string()).unwrap_or_default();
    for (i, h) in meta.history.iter().enumerate() {
        out.push_str(&format!("{},{},{}", h.epoch, h.train_loss, h.val_loss));
        if auroc {
            out.push_str(&format!(",{}", opt(h.val_auroc)));
        }
        if aupr {
            out.push_str(&format!(",{}", opt(h.val_aupr)));
        }
        if matches {
            out.push_str(&format!(",{}", meta.match_fractions.get(i).map(|m| m.to_string()).unwrap_or_default()));
        }
        out.push_str(&format!(",{}\n", h.learning_rate));
    }
    out
}

/// One kept run's files under `folder/`: [`META_FILE`] (its settings, history and test
/// metrics), [`WEIGHTS_FILE`] when `weights` are given (burnpack bytes), `history.csv`
/// ([`history_csv`]) and `README.txt`, which names the run, its lesson and `source` (the page's
/// link).
pub fn run_files(folder: &str, name: &str, lesson: &str, meta: &CheckpointMeta, weights: Option<&[u8]>, source: &str) -> Vec<ArchiveFile> {
    let file = |name: &str, bytes: Vec<u8>| ArchiveFile { path: format!("{folder}/{name}"), bytes };
    let title = format!("DNA Playground: {name} ({lesson}), loss per epoch");
    let metrics = meta.test_metrics.iter().map(|(k, v)| format!("  {k}: {v}\n")).collect::<String>();
    let readme = format!(
        "{name}\n\nTrained in DNA Playground, {lesson}: {} ({}) on {}, seed {}, {} epochs.\nFrom: {source}\n\nTest metrics:\n{}\n\
         {META_FILE}: the settings, the loss per epoch and the test metrics.\n{}history.csv: the loss per epoch.\n",
        meta.model.kind,
        meta.model.activation,
        meta.task,
        meta.seed,
        meta.history.len(),
        if metrics.is_empty() { "  (none measured)\n".to_string() } else { metrics },
        if weights.is_some() { format!("{WEIGHTS_FILE}: the weights (burn's burnpack format); `dnaplay train --load <this folder>` with the same task and model evaluates them or trains on.\n") } else { String::new() },
    );
    let mut files = vec![file(META_FILE, meta.to_json().into_bytes())];
    if let Some(w) = weights {
        files.push(file(WEIGHTS_FILE, w.to_vec()));
    }
    files.push(file("history.csv", history_csv(meta, &title, source).into_bytes()));
    files.push(file("README.txt", readme.into_bytes()));
    files
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use dnaplay_model::checkpoint::FORMAT_VERSION;
    use dnaplay_model::models::{Activation, ModelConfig, ModelKind};
    use dnaplay_model::trainer::{EpochRecord, TrainConfig};

    use super::*;

    fn meta() -> CheckpointMeta {
        let history = (0..3)
            .map(|epoch| EpochRecord { epoch, train_loss: 0.6 - 0.1 * epoch as f32, val_loss: 0.65 - 0.1 * epoch as f32, val_auroc: Some(0.7 + 0.1 * epoch as f32), val_aupr: None, learning_rate: 0.001 })
            .collect();
        CheckpointMeta {
            format: FORMAT_VERSION,
            task: "task3".into(),
            num_seqs: Some(20000),
            seed: 1,
            model: ModelConfig::of_kind(ModelKind::CnnDist, 200, Activation::Exp),
            train: TrainConfig::default(),
            history,
            match_fractions: vec![0.1, 0.3, 0.5],
            test_metrics: [("auroc".to_string(), 0.95)].into_iter().collect(),
        }
    }

    #[test]
    fn folder_names_are_numbered_slugs() {
        assert_eq!(folder_name(1, "kept: CNN-dist (exp), adam lr 0.001"), "01-kept-cnn-dist-exp-adam-lr-0-001");
        assert_eq!(folder_name(12, "  ..//  "), "12-run");
        assert_eq!(slug("kept: CNN (relu), sgd lr 0.01"), "kept-cnn-relu-sgd-lr-0-01");
        assert_eq!(folder_name(3, "Ünïcode → name"), "03-n-code-name");
        assert!(folder_name(2, &"a very long name ".repeat(10)).len() <= 3 + 48);
    }

    #[test]
    fn the_history_has_the_cli_columns_and_a_header_naming_the_run() {
        let csv = history_csv(&meta(), "DNA Playground: exp", "https://example.org/?lesson=exp");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "# DNA Playground: exp");
        assert_eq!(lines[1], "# made by DNA Playground: https://example.org/?lesson=exp");
        assert_eq!(lines[2], "epoch,train_loss,val_loss,val_auroc,match_fraction,learning_rate");
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[5].split(',').collect::<Vec<_>>(), ["2", &(0.6f32 - 0.2).to_string(), &(0.65f32 - 0.2).to_string(), &(0.7f32 + 0.2).to_string(), "0.5", "0.001"]);
    }

    #[test]
    fn an_archive_of_two_runs_reads_back_file_by_file() {
        let m = meta();
        let weights = vec![7u8; 1000];
        let mut files = run_files(&folder_name(1, "relu"), "relu", "Lesson 9", &m, Some(&weights), "https://example.org/?lesson=exp");
        files.extend(run_files(&folder_name(2, "exp"), "exp", "Lesson 9", &m, None, "https://example.org/?lesson=exp"));
        let bytes = zip_archive(&files).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.map(|n| n.into_owned())).collect::<Result<_, _>>().unwrap();
        assert_eq!(zip.len(), 7, "{names:?}");
        let mut read = |path: &str| {
            let mut out = Vec::new();
            zip.by_name(path).unwrap().read_to_end(&mut out).unwrap();
            out
        };
        assert_eq!(read("01-relu/model.bpk"), weights);
        let back = CheckpointMeta::from_json(&String::from_utf8(read("02-exp/checkpoint.json")).unwrap()).unwrap();
        assert_eq!(back.history.len(), 3);
        assert_eq!(back.test_metrics["auroc"], 0.95);
        let readme = String::from_utf8(read("02-exp/README.txt")).unwrap();
        assert!(readme.contains("Lesson 9") && readme.contains("auroc: 0.95") && !readme.contains("model.bpk"), "{readme}");
        assert!(String::from_utf8(read("01-relu/README.txt")).unwrap().contains("--load"));
        assert!(String::from_utf8(read("01-relu/history.csv")).unwrap().contains("epoch,train_loss,val_loss"));
    }

    #[test]
    fn two_files_at_one_path_are_refused() {
        let f = ArchiveFile { path: "a/b.txt".into(), bytes: vec![1] };
        let e = zip_archive(&[f.clone(), f]).unwrap_err();
        assert!(matches!(&e, ArchiveError::Zip(m) if !m.is_empty()), "{e}");
    }
}

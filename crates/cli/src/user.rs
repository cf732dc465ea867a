//! `dnaplay train --data FILE`: the same run lesson 13 makes on a student's own sequences, from
//! the command line, with the page's parser, split, defaults and checkpoint format
//! (`dnaplay_model::upload`). The page's exported `model.bpk` and `checkpoint.json` load with
//! `--load DIR`, and `--save DIR` writes weights the page loads.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use dnaplay_model::checkpoint::{self, CheckpointMeta, META_FILE, WEIGHTS_FILE};
use dnaplay_model::metrics::r_squared;
use dnaplay_model::models::{Activation, ModelConfig, ModelKind};
use dnaplay_model::sequence::one_hot;
use dnaplay_model::trainer::{ClassEvaluation, EpochRecord, OptimizerKind, StepOutcome, Trainer, predict};
use dnaplay_model::upload::{self, Fit, Format, UserData, UserTask};

use crate::{ModelArgs, UsageError, device, outdir, output, usage};

/// The options of a run on one's own data.
pub struct DataArgs<'a> {
    pub data: &'a Path,
    pub labels: Option<&'a Path>,
    pub fit: Option<Fit>,
    pub task: Option<UserTask>,
    pub model: &'a ModelArgs,
    pub epochs: Option<usize>,
    pub device: &'a str,
    pub out: &'a Path,
    pub save: Option<&'a PathBuf>,
    pub load: Option<&'a PathBuf>,
    pub quiet: bool,
}

fn refuse(message: String) -> anyhow::Error {
    anyhow::Error::new(UsageError(message))
}

/// Read, check and split the data file as the page does.
///
/// # Errors
/// A [`UsageError`] listing every bad row (as the page's upload-errors), or the data set's
/// refusal (too few sequences, unequal lengths without `--fit`, labels that do not fit the task).
pub fn read_data(path: &Path, labels: Option<&Path>, fit: Option<Fit>, task: Option<UserTask>) -> Result<UserData> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| refuse(format!("cannot read {}: {e}", p.display())));
    let text = read(path)?;
    let labels = labels.map(read).transpose()?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let parsed = upload::parse(&text, Format::detect(Some(&name), &text), labels.as_deref());
    if parsed.problem_count() > 0 {
        let mut m = format!("{}: {} problem{}", path.display(), parsed.problem_count(), if parsed.problem_count() == 1 { "" } else { "s" });
        for p in &parsed.problems {
            m.push_str(&format!("\n  {p}"));
        }
        if parsed.more_problems > 0 {
            m.push_str(&format!("\n  … and {} more", parsed.more_problems));
        }
        return Err(refuse(m));
    }
    let task = task.unwrap_or_else(|| UserTask::detect(&parsed.records.iter().map(|r| r.label).collect::<Vec<_>>()));
    UserData::new(&name, &parsed.records, fit, task).map_err(|e| refuse(format!("{}: {e}", path.display())))
}

/// Train (or, with `--load` and no `--epochs`, only evaluate) on the data file.
///
/// # Errors
/// Bad options or data ([`UsageError`]), a diverging run, or a file that cannot be written.
pub fn train_on_data(a: DataArgs) -> Result<()> {
    let data = read_data(a.data, a.labels, a.fit, a.task)?;
    let split = data.split(a.model.seed).map_err(usage)?;
    let kind: ModelKind = a.model.model.as_deref().map_or(Ok(data.default_model()), str::parse).map_err(usage)?;
    let activation: Activation = a.model.activation.parse().map_err(usage)?;
    // One logit per sequence, whatever the kind: the Task 1 models trained on one label.
    let mut model = ModelConfig { init: a.model.init, ..ModelConfig::of_kind(kind, data.length(), activation).with_outputs(1) };
    if kind == ModelKind::Cnn {
        model.num_filters = a.model.num_filters.unwrap_or(model.num_filters);
        model.filter_width = a.model.filter_width.unwrap_or(model.filter_width);
    }
    model.validate().map_err(usage)?;
    let mut config = data.task.default_training();
    if let Some(o) = &a.model.optimizer {
        config.optimizer = o.parse::<OptimizerKind>().map_err(usage)?;
    }
    config.learning_rate = a.model.lr.unwrap_or(config.learning_rate);
    config.batch_size = a.model.batch_size.unwrap_or(config.batch_size);
    config.num_epochs = a.epochs.unwrap_or(config.num_epochs);
    config.seed = a.model.seed;
    config.weight_decay = a.model.l2.unwrap_or(config.weight_decay);
    config.first_layer_l2 = a.model.l2_first.unwrap_or(config.first_layer_l2);
    config.check_model(kind).map_err(usage)?;
    let (train, val, test) = (data.subset(&split.train), data.subset(&split.val), data.subset(&split.test));
    config.validate(train.len()).map_err(usage)?;
    let (choice, device) = device(a.device)?;
    let loaded = a.load.map(|dir| read_user_checkpoint(dir, &model)).transpose()?;
    outdir::prepare(a.out)?;
    if let Some(dir) = a.save.filter(|d| d.as_path() != a.out) {
        outdir::prepare(dir)?;
    }
    let mut trainer = Trainer::new(model.clone(), config.clone(), &train, &val, &device).map_err(usage)?;
    let mut history: Vec<(EpochRecord, f64)> = Vec::new();
    if let Some((meta, weights)) = &loaded {
        trainer.load_weights(weights).map_err(usage)?;
        history = meta.history.iter().map(|r| (r.clone(), f64::NAN)).collect();
    }
    let offset = history.len();
    let train_now = loaded.is_none() || a.epochs.is_some();
    if !a.quiet {
        println!(
            "{} · {} · {} ({}) · {} train / {} val / {} test · {} lr {} · batch {} · {} epochs · seed {} · device {choice}",
            data.name, data.task.name(), model.kind, model.activation, train.len(), val.len(), test.len(), config.optimizer, config.learning_rate, config.batch_size, config.num_epochs, config.seed
        );
    }
    let mut epoch_start = Instant::now();
    while train_now && !trainer.is_finished() {
        match pollster::block_on(trainer.step_batch()) {
            Ok(StepOutcome::Batch { .. }) => {}
            Ok(StepOutcome::Epoch(mut record)) => {
                record.epoch += offset;
                if !a.quiet {
                    println!("{record}");
                }
                history.push((record, epoch_start.elapsed().as_secs_f64()));
                // Rewritten every epoch: a long run's progress, and what it did if stopped.
                output::write_history(a.out, &history, &[])?;
                epoch_start = Instant::now();
            }
            Err(e) => {
                output::write_history(a.out, &history, &[])?;
                anyhow::bail!(e);
            }
        }
    }
    output::write_history(a.out, &history, &[])?;
    let x = one_hot(&test.seqs)?;
    let pred = pollster::block_on(predict(&trainer.inference_model(), &x, &trainer.device()))?;
    outdir::write_file(&a.out.join("predictions.csv"), upload::predictions_csv(&data, &split.test, &pred))?;
    let metrics: Vec<(&str, f64)> = match data.task {
        UserTask::Regression => {
            let (mse, r2) = (dnaplay_model::metrics::mse(&test.targets, &pred), r_squared(&test.targets, &pred));
            println!("test MSE: {mse:.4} | test R²: {r2:.3} | {} test sequences", test.len());
            vec![("mse", mse), ("r_squared", r2)]
        }
        UserTask::Binary => {
            let e = ClassEvaluation::new(&test.targets, &pred);
            println!("test AUROC: {:.3} | test AUPR: {:.3} | test accuracy: {:.3} | {} test sequences", e.auroc.unwrap_or(f64::NAN), e.aupr.unwrap_or(f64::NAN), e.report.accuracy(), test.len());
            [("auroc", e.auroc), ("aupr", e.aupr), ("accuracy", Some(e.report.accuracy()))].into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
        }
    };
    // The run as a PyTorch script in seed 002's style, with its data and split (Linear and CNN).
    if let Some(script) = dnaplay_model::pytorch::script(&model, &config, data.task) {
        outdir::write_file(&a.out.join("train.py"), script)?;
        outdir::write_file(&a.out.join("data.csv"), upload::data_csv_with_split(&data, &split))?;
    }
    if let Some(dir) = a.save {
        let meta = CheckpointMeta {
            format: checkpoint::FORMAT_VERSION,
            task: "user".into(),
            num_seqs: Some(data.len()),
            seed: a.model.seed,
            model: model.clone(),
            train: config.clone(),
            history: history.iter().map(|(r, _)| r.clone()).collect(),
            match_fractions: Vec::new(),
            test_metrics: metrics.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        };
        outdir::write_file(&dir.join(WEIGHTS_FILE), checkpoint::save_weights(&trainer.inference_model())?)?;
        outdir::write_file(&dir.join(META_FILE), meta.to_json() + "\n")?;
    }
    if !a.quiet {
        println!("wrote {}", a.out.display());
    }
    Ok(())
}

/// A checkpoint made on one's own data (the page's export, or `--save`) whose weights fit `model`.
fn read_user_checkpoint(dir: &Path, model: &ModelConfig) -> Result<(CheckpointMeta, Vec<u8>)> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| refuse(format!("--load {}: cannot read {name}: {e}", dir.display())));
    let meta = CheckpointMeta::from_json(&String::from_utf8_lossy(&read(META_FILE)?)).map_err(|e| refuse(format!("--load {}: {e}", dir.display())))?;
    if !meta.model.same_layers(model) {
        let m = &meta.model;
        return Err(refuse(format!(
            "--load {} holds {} ({}) for {} nt, trained on --task {}; this run builds {} ({}) for {} nt. Give --model {} --activation {}",
            dir.display(), m.kind, m.activation, m.seq_len, meta.task, model.kind, model.activation, model.seq_len, m.kind, m.activation
        )));
    }
    Ok((meta, read(WEIGHTS_FILE)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_listed_by_line() {
        let dir = std::env::temp_dir().join(format!("dnaplay-user-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("bad.csv");
        std::fs::write(&p, "sequence,score\nACGT,1\nACXT,2\nAC,\n").unwrap();
        let e = read_data(&p, None, None, None).unwrap_err().to_string();
        assert!(e.ends_with("bad.csv: 2 problems\n  line 3: 'X' at position 3 of the sequence is not A, C, G, T or N\n  line 4: the label is missing"), "{e}");
    }
}

//! Lesson 13: your own sequences (issue 13). Paste or upload CSV, TSV or FASTA; every bad row is
//! named and can be fixed in place; the task is detected from the labels; unequal lengths are
//! padded or cropped; then the same models, run engine, plots and exports as the other lessons.
//! The data set and every finished run (settings, history, metrics, weights) are saved in
//! IndexedDB ([`crate::store`]) and come back after a reload.

use std::sync::Arc;

use dnaplay_model::attribution::Reference;
use dnaplay_model::checkpoint::{CheckpointMeta, FORMAT_VERSION, META_FILE, WEIGHTS_FILE};
use dnaplay_model::interpret::filter_logos;
use dnaplay_model::metrics::{r_squared, sigmoid};
use dnaplay_model::models::{ModelConfig, ModelKind};
use dnaplay_model::motifs::{Motif, to_meme};
use dnaplay_model::trainer::{ClassEvaluation, TrainConfig};
use dnaplay_model::upload::{self, Fit, Format, Lengths, Parsed, UserData, UserTask};
use dnaplay_plots::{Logo, LossOptions, LossSeries, ParityOptions, Theme, draw_loss_curves, draw_message, draw_parity};
use leptos::html::{Canvas, Textarea};
use leptos::prelude::*;
use leptos::task::spawn_local;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::components::ScrollX;
use crate::components::live::LiveStatus;
use crate::components::plot_canvas::{describe, note, redraw, redraw_logos};
use crate::download::{canvas_png, download};
use crate::engine::{Bench, RunData, RunState, RunView, Until, UserSet};
use crate::lab::Lab;
use crate::store;

/// The models offered for a student's data, in menu order.
pub const USER_MODELS: [ModelKind; 4] = [ModelKind::Linear, ModelKind::Cnn, ModelKind::CnnLocal, ModelKind::CnnDist];

/// The shipped examples: (button, file under `examples/`, citation).
const EXAMPLES: [(&str, &str, &str); 2] = [
    ("Seed 002's 8-mers (CSV, regression)", "kmers-seed002.csv", "6,000 8-mers scored by seed 002's rule (A20, C17, G14, T11, TAT +10, GCG −10)"),
    ("JASPAR core motifs (FASTA, binary)", "jaspar-core.fa", "2,000 × 200 nt, seed 003's Task 3: the five JASPAR 2016 core motifs (label 1) against background motifs (label 0)"),
];

/// Bytes parsed between two paints (about 10 to 30 ms of work in the page).
const PARSE_PIECE: usize = 256 * 1024;
/// Longest text shown in the text box; a larger file is parsed but not shown (fix it in the
/// file and pick it again).
const SHOWN_BYTES: usize = 2 * 1024 * 1024;

/// IndexedDB keys.
const KEY_DATA: &str = "data/text";
const KEY_LABELS: &str = "data/labels";
const KEY_NAME: &str = "data/name";
/// A file over [`SHOWN_BYTES`], kept as the file itself (a Blob).
const KEY_FILE: &str = "data/file";
const KEY_RUNS: &str = "runs";

/// A saved run's record in IndexedDB (`run/<key>/meta`; weights at `run/<key>/weights`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
struct SavedRun {
    key: String,
    name: String,
    data_fingerprint: u64,
}

/// The saved runs' list, empty when there is none (or it does not read).
async fn get_saved_runs() -> Result<Vec<SavedRun>, String> {
    Ok(store::get_string(KEY_RUNS).await?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
}

/// Write the saved runs' list.
async fn put_saved_runs(list: &[SavedRun]) -> Result<(), String> {
    store::put(KEY_RUNS, &serde_json::to_string(list).unwrap_or_default().into()).await
}

/// The training settings of a run on `data`: the task's defaults
/// ([`UserTask::default_training`]) with the page's settings: lesson 5's optimizer, rate, batch
/// and epochs for regression; lesson 9's rate and the 200-nt epochs for binary classification.
fn training_for(lab: Lab, task: UserTask) -> TrainConfig {
    let base = task.default_training();
    lab.settings.with_untracked(|s| match task {
        UserTask::Regression => TrainConfig { optimizer: s.optimizer, learning_rate: s.learning_rate, batch_size: s.batch_size, num_epochs: s.num_epochs, seed: s.seed, ..base },
        UserTask::Binary => TrainConfig { learning_rate: s.exp_lr, num_epochs: s.class_epochs, seed: s.seed, ..base },
    })
}

/// Parse `file` in pieces of [`PARSE_PIECE`] bytes read with `Blob.slice`, with a paint between
/// them, so neither the page's thread nor its memory ever holds the whole text. Each piece ends at
/// a line end (a UTF-8 character never spans one). The format is `format`, else detected from the
/// first piece. `Ok(None)` when `stale` says a newer parse started.
///
/// # Errors
/// The browser's reason when a piece cannot be read.
async fn read_file_in_pieces(file: &web_sys::File, format: Option<Format>, labels: Option<&str>, progress: impl Fn(f64), stale: impl Fn() -> bool) -> Result<Option<Parsed>, String> {
    let size = file.size();
    let mut parser: Option<upload::Parser> = None;
    let mut carry: Vec<u8> = Vec::new();
    let mut at = 0.0;
    while at < size {
        let end = (at + PARSE_PIECE as f64).min(size);
        let blob = file.slice_with_f64_and_f64(at, end).map_err(|e| format!("{e:?}"))?;
        let buf = wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await.map_err(|e| format!("{e:?}"))?;
        carry.extend(js_sys::Uint8Array::new(&buf).to_vec());
        at = end;
        let cut = if at < size { carry.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) } else { carry.len() };
        let piece: Vec<u8> = carry.drain(..cut).collect();
        let piece = String::from_utf8_lossy(&piece);
        let p = parser.get_or_insert_with(|| upload::Parser::new(format.unwrap_or_else(|| Format::detect(Some(&file.name()), &piece)), labels));
        p.feed(&piece);
        progress(at / size);
        crate::clock::sleep_ms(0).await;
        if stale() {
            return Ok(None);
        }
    }
    Ok(Some(parser.unwrap_or_else(|| upload::Parser::new(Format::Csv, labels)).finish()))
}

fn draw_losses<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme, curves: &[(String, Vec<f32>, Vec<f32>)], loss: &str) {
    if curves.iter().all(|(_, t, _)| t.is_empty()) {
        let _ = draw_message(area, theme, "Press Train: each epoch's train and validation loss appear here");
        return;
    }
    let series: Vec<LossSeries> = curves.iter().map(|(label, train, val)| LossSeries { label, train, val }).collect();
    let opts = LossOptions { theme: *theme, y_label: loss.to_string(), ..LossOptions::default() };
    let _ = draw_loss_curves(area, &series, &opts);
}

fn draw_result<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme, run: Option<&(String, Vec<f32>, Vec<f32>, UserTask)>) {
    match run {
        Some((label, truth, pred, UserTask::Regression)) => {
            let opts = ParityOptions { model_name: label.clone(), r_squared: r_squared(truth, pred), alpha: 0.4, theme: *theme };
            let _ = draw_parity(area, truth, pred, None, &opts);
        }
        Some((label, truth, logits, UserTask::Binary)) => {
            // Predicted probability against the label, as a parity plot of a classifier.
            let probs: Vec<f32> = logits.iter().map(|&z| sigmoid(z)).collect();
            let opts = ParityOptions { model_name: format!("{label}: P(label 1)"), r_squared: r_squared(truth, &probs), alpha: 0.3, theme: *theme };
            let _ = draw_parity(area, truth, &probs, None, &opts);
        }
        None => {
            let _ = draw_message(area, theme, "The test-set predictions appear here when a run ends or pauses");
        }
    }
}

/// A plot as an SVG document, drawn by the same code as its canvas.
fn svg_of(width: u32, height: u32, draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>, &Theme)) -> String {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&area, &Theme::default());
        let _ = area.present();
    }
    out
}

fn losses(r: &RunView) -> (String, Vec<f32>, Vec<f32>) {
    let (train, val) = r.losses();
    (r.label(), train, val)
}

/// The test split's labels and the run's predictions.
fn test_pairs(r: &RunView) -> Option<(Vec<f32>, Vec<f32>, UserTask)> {
    let RunData::User(set) = &r.data else { return None };
    let pred = r.predictions.as_ref()?;
    let truth = set.split.test.iter().map(|&i| set.data.labels[i]).collect();
    Some((truth, pred.to_vec(), set.data.task))
}

/// A run's test metrics by the checkpoint's names (`r_squared`, `mse`; `auroc`, `aupr`,
/// `accuracy`), once its predictions are in, with the number of test sequences: computed once,
/// for the metrics line, the run table, the report and `checkpoint.json`.
fn test_metrics(r: &RunView) -> Option<(std::collections::BTreeMap<String, f64>, usize)> {
    let (truth, pred, task) = test_pairs(r)?;
    let mut m = std::collections::BTreeMap::new();
    match task {
        UserTask::Regression => {
            m.insert("r_squared".into(), r_squared(&truth, &pred));
            m.insert("mse".into(), dnaplay_model::metrics::mse(&truth, &pred));
        }
        UserTask::Binary => {
            let e = ClassEvaluation::new(&truth, &pred);
            if let Some(a) = e.auroc {
                m.insert("auroc".into(), a);
            }
            if let Some(a) = e.aupr {
                m.insert("aupr".into(), a);
            }
            m.insert("accuracy".into(), e.report.accuracy());
        }
    }
    Some((m, truth.len()))
}

/// The metrics line of a run, e.g. "test R² 0.912, MSE 1.2345 on 1200 test sequences".
fn metrics_text(r: &RunView) -> Option<String> {
    let (m, n) = test_metrics(r)?;
    let get = |k: &str, digits: usize| m.get(k).map_or("–".into(), |v| format!("{v:.digits$}"));
    Some(if m.contains_key("mse") {
        format!("test R² {}, MSE {} on {n} test sequences", get("r_squared", 3), get("mse", 4))
    } else {
        format!("test AUROC {}, AUPR {}, accuracy {} on {n} test sequences", get("auroc", 3), get("aupr", 3), get("accuracy", 3))
    })
}

/// The checkpoint description of a run: what the CLI's `--load` and this page read.
fn meta_of(r: &RunView) -> Option<CheckpointMeta> {
    let RunData::User(set) = &r.data else { return None };
    Some(CheckpointMeta {
        format: FORMAT_VERSION,
        task: "user".into(),
        num_seqs: Some(set.data.len()),
        seed: set.seed,
        model: r.model.clone(),
        train: r.config.clone(),
        history: r.history.clone(),
        match_fractions: Vec::new(),
        test_metrics: test_metrics(r).map(|(m, _)| m).unwrap_or_default(),
    })
}

/// Offer run `r`'s weights and their description: what `dnaplay train --load DIR` and this
/// page's "Load weights" read.
fn download_weights(r: &RunView) -> Result<(), String> {
    let (Some(w), Some(meta)) = (&r.weights, meta_of(r)) else { return Err("the run's weights are not read yet".into()) };
    download(WEIGHTS_FILE, "application/octet-stream", w)?;
    download(META_FILE, "application/json", meta.to_json().as_bytes())
}

/// A self-contained HTML report of a run: settings, metrics and the plots as inline SVG.
fn report_html(r: &RunView, loss_svg: &str, result_svg: &str, data_name: &str) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let rows: String = r.history.iter().map(|h| format!("<tr><td>{}</td><td>{:.4}</td><td>{:.4}</td></tr>", h.epoch, h.train_loss, h.val_loss)).collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>DNA Playground run {id}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;color:#222}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 8px}}</style></head><body>\
         <h1>DNA Playground: {label}</h1><p>Data: {data} · {metrics}</p>\
         <h2>Settings</h2><pre>{settings}</pre><h2>Loss</h2>{loss}<h2>Test set</h2>{result}\
         <h2>Per epoch</h2><table><tr><th>epoch</th><th>train loss</th><th>val loss</th></tr>{rows}</table></body></html>",
        id = r.id,
        label = esc(&r.label()),
        data = esc(data_name),
        metrics = esc(&metrics_text(r).unwrap_or_default()),
        settings = esc(&format!("model: {:#?}\ntraining: {:#?}", r.model, r.config)),
        loss = loss_svg,
        result = result_svg,
    )
}

#[component]
pub fn DataLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let settings = lab.settings;
    let text_area = NodeRef::<Textarea>::new();
    let (name, set_name) = signal("pasted text".to_string());
    let (text, set_text) = signal(String::new());
    let (labels_text, set_labels_text) = signal(String::new());
    let (format, set_format) = signal(None::<Format>);
    let (parsed, set_parsed) = signal(None::<Arc<Parsed>>);
    let (fit, set_fit) = signal(None::<Fit>);
    let (task_override, set_task_override) = signal(None::<UserTask>);
    let (model_kind, set_model_kind) = signal(None::<ModelKind>);
    let (reading, set_reading) = signal(None::<String>);
    let (error, set_error) = signal(None::<String>);
    let (saved_note, set_saved_note) = signal(None::<String>);
    let (user_set, set_user_set) = signal(None::<Arc<UserSet>>);
    let (parse_ms, set_parse_ms) = signal(None::<f64>);

    // Parse: the problems list and the summary. A large text is parsed in pieces of
    // PARSE_PIECE bytes with a paint between them, so the page answers clicks and shows the
    // progress; a newer Check cancels an older one.
    let (progress, set_progress) = signal(None::<f64>);
    let parse_generation = StoredValue::new(0u64);
    // A file over SHOWN_BYTES is read from the file itself, piece by piece, never as one string.
    let big_file = StoredValue::new_local(None::<web_sys::File>);
    let check = move || {
        let labels = labels_text.get_untracked();
        let generation = parse_generation.get_value() + 1;
        parse_generation.set_value(generation);
        let stale = move || parse_generation.get_value() != generation;
        let file = big_file.get_value();
        let t = if file.is_some() { String::new() } else { text.get_untracked() };
        let size = file.as_ref().map_or(t.len() as f64, |f| f.size());
        set_reading.set(Some(format!("Reading {:.1} MB…", size / 1e6)));
        set_progress.set(Some(0.0));
        spawn_local(async move {
            crate::clock::sleep_ms(16).await;
            let started = crate::clock::now_ms();
            let labels = (!labels.trim().is_empty()).then_some(labels.as_str());
            let parsed = match file {
                Some(file) => match read_file_in_pieces(&file, format.get_untracked(), labels, |f| set_progress.set(Some(f)), stale).await {
                    Ok(Some(p)) => p,
                    Ok(None) => return,
                    Err(e) => {
                        set_reading.set(None);
                        set_error.set(Some(format!("{} could not be read: {e}", file.name())));
                        return;
                    }
                },
                None if t.len() > upload::MAX_BYTES => upload::parse(&t, Format::Csv, None),
                None => {
                    let fmt = format.get_untracked().unwrap_or_else(|| Format::detect(Some(&name.get_untracked()), &t));
                    let mut parser = upload::Parser::new(fmt, labels);
                    let mut done = 0;
                    for piece in upload::chunks(&t, PARSE_PIECE) {
                        parser.feed(piece);
                        done += piece.len();
                        if t.len() > PARSE_PIECE {
                            set_progress.set(Some(done as f64 / t.len() as f64));
                            crate::clock::sleep_ms(0).await;
                            if stale() {
                                return;
                            }
                        }
                    }
                    parser.finish()
                }
            };
            set_parse_ms.set(Some(crate::clock::now_ms() - started));
            set_parsed.set(Some(Arc::new(parsed)));
            set_reading.set(None);
            set_progress.set(None);
        });
    };
    // The data set the parse gives, with the student's choices; saved when it changes.
    Effect::new(move |_| {
        let Some(p) = parsed.get() else { return };
        let task = task_override.get().unwrap_or_else(|| UserTask::detect(&p.records.iter().map(|r| r.label).collect::<Vec<_>>()));
        let seed = settings.with(|s| s.seed);
        let made = UserData::new(&name.get_untracked(), &p.records, fit.get(), task).map_err(|e| e.to_string()).and_then(|d| UserSet::new(d, seed).map_err(|e| e.to_string()));
        match made {
            Ok(set) => {
                set_error.set(None);
                if user_set.with_untracked(|u| u.as_ref().is_none_or(|u| u.data != set.data || u.seed != set.seed)) {
                    set_user_set.set(Some(Arc::new(set)));
                }
            }
            Err(e) => {
                set_error.set(Some(e));
                set_user_set.set(None);
            }
        }
    });
    // Save the text the student checked, so a reload brings it back.
    let save_text = move || {
        let (t, l, n) = (text.get_untracked(), labels_text.get_untracked(), name.get_untracked());
        spawn_local(async move {
            let r = async {
                store::delete(KEY_FILE).await?;
                store::put(KEY_DATA, &t.into()).await?;
                store::put(KEY_LABELS, &l.into()).await?;
                store::put(KEY_NAME, &n.into()).await
            }
            .await;
            if let Err(e) = r {
                set_saved_note.set(Some(format!("The data was not saved for the next visit ({e}); the runs trained now are kept until the page closes.")));
            }
        });
    };

    // Restore the saved data and runs once, on the first visit of this page load.
    let restored = StoredValue::new(false);
    let (saved_runs, set_saved_runs) = signal(Vec::<SavedRun>::new());
    // The runs saved by an earlier visit, loaded once the data set is rebuilt (not the runs this
    // visit saves, which are already here).
    let (to_restore, set_to_restore) = signal(Vec::<SavedRun>::new());
    Effect::new(move |_| {
        if restored.get_value() {
            return;
        }
        restored.set_value(true);
        spawn_local(async move {
            let file = store::get(KEY_FILE).await.ok().and_then(|v| wasm_bindgen::JsCast::dyn_into::<web_sys::File>(v).ok());
            let Ok(Some(t)) = store::get_string(KEY_DATA).await else { return };
            if !text.get_untracked().is_empty() || big_file.with_value(Option::is_some) {
                return;
            }
            if let Some(f) = &file {
                if let Some(el) = text_area.get_untracked() {
                    el.set_placeholder(&format!("{}: {:.1} MB, too large to show here", f.name(), f.size() / 1e6));
                }
            }
            big_file.set_value(file);
            let l = store::get_string(KEY_LABELS).await.ok().flatten().unwrap_or_default();
            let n = store::get_string(KEY_NAME).await.ok().flatten().unwrap_or_else(|| "saved data".into());
            if let Some(el) = text_area.get_untracked() {
                el.set_value(&t);
            }
            set_text.set(t);
            set_labels_text.set(l);
            set_name.set(n);
            check();
            let runs = get_saved_runs().await.unwrap_or_default();
            set_saved_runs.set(runs.clone());
            set_to_restore.set(runs);
        });
    });
    // Once the data set is rebuilt, load the saved runs made on it.
    Effect::new(move |_| {
        let Some(set) = user_set.get() else { return };
        let runs = to_restore.get();
        if runs.is_empty() || engine.device.get().is_none() {
            return;
        }
        set_to_restore.set(Vec::new());
        let fp = set.data.fingerprint();
        spawn_local(async move {
            let mut checkpoints = Vec::new();
            for r in runs.iter().filter(|r| r.data_fingerprint == fp) {
                let meta = store::get_string(&format!("run/{}/meta", r.key)).await.ok().flatten().and_then(|j| CheckpointMeta::from_json(&j).ok());
                let weights = store::get_bytes(&format!("run/{}/weights", r.key)).await.ok().flatten();
                if let (Some(meta), Some(weights)) = (meta, weights) {
                    let name: &'static str = Box::leak(r.name.clone().into_boxed_str());
                    checkpoints.push((name, meta, weights));
                }
            }
            if !checkpoints.is_empty()
                && let Err(e) = engine.load(Bench::User, RunData::User(set), checkpoints)
            {
                set_error.set(Some(format!("The saved runs could not be loaded: {e}")));
            }
        });
    });

    let task = move || user_set.with(|u| u.as_ref().map(|u| u.data.task));
    let chosen_model = move || model_kind.get().or_else(|| user_set.with(|u| u.as_ref().map(|u| u.data.default_model()))).unwrap_or(ModelKind::Cnn);
    let train = move |until: Until| {
        if engine.any(Bench::User, |s| *s == RunState::Paused) {
            engine.resume(Bench::User, until);
            return;
        }
        let Some(set) = user_set.get_untracked() else {
            set_error.set(Some("Check the data first: there is no data set to train on".into()));
            return;
        };
        let kind = chosen_model();
        let activation = settings.with_untracked(|s| s.activation);
        let model = ModelConfig::of_kind(kind, set.data.length(), activation);
        let config = training_for(lab, set.data.task);
        set_error.set(engine.start(Bench::User, RunData::User(set), vec![(model, config)], until).err());
    };

    // The runs, newest last; the one reported on is the newest.
    let runs = move || engine.runs_of(Bench::User);
    let current = move || engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::User).cloned());
    let curves = Memo::new(move |_| engine.runs.with(|runs| runs.iter().filter(|r| r.bench == Bench::User).map(losses).collect::<Vec<_>>()));
    let result = Memo::new(move |_| current().and_then(|r| test_pairs(&r).map(|(t, p, task)| (r.label(), t, p, task))));
    // The newest run's metrics, computed when its predictions change, not every training slice.
    let newest_predictions = Memo::new(move |_| engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::User).map(|r| (r.id, r.predictions.clone()))));
    let metrics_line = Memo::new(move |_| {
        newest_predictions.with(|_| ());
        engine.runs.with_untracked(|r| r.iter().rev().find(|r| r.bench == Bench::User).and_then(|r| metrics_text(r).map(|m| format!("Run #{}: {m}", r.id))))
    });
    let loss_name = move || if task() == Some(UserTask::Binary) { "binary cross-entropy" } else { "MSE" };
    let loss_canvas = NodeRef::<Canvas>::new();
    let result_canvas = NodeRef::<Canvas>::new();
    let logo_canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let c = curves.get();
        let l = loss_name();
        redraw(&loss_canvas, 760, 360, |area, theme| draw_losses(area, theme, &c, l));
        let series: Vec<LossSeries> = c.iter().map(|(label, train, val)| LossSeries { label, train, val }).collect();
        describe(&loss_canvas, &dnaplay_plots::describe::losses(&series, l));
    });
    Effect::new(move |_| {
        let r = result.get();
        redraw(&result_canvas, 460, 460, |area, theme| draw_result(area, theme, r.as_ref()));
        describe(&result_canvas, &match &r {
            Some((label, truth, _, UserTask::Regression)) => format!("Parity plot of {label}: predicted against true label on {} test sequences", truth.len()),
            Some((label, truth, _, UserTask::Binary)) => format!("{label}: predicted probability of label 1 against the true label, {} test sequences", truth.len()),
            None => "The test-set predictions appear here when a run ends or pauses".to_string(),
        });
    });
    let filters = Memo::new(move |_| current().and_then(|r| r.filters.clone()));
    Effect::new(move |_| {
        let f = filters.get();
        let logos: Vec<Logo> = f.as_ref().map(|f| filter_logos(&f.report.pfms, None).into_iter().map(Logo::from).collect()).unwrap_or_default();
        redraw_logos(&logo_canvas, 760, 4, 180, 110, &logos, "A CNN's first-layer logos appear here when its run ends (Linear has no filters)");
    });

    // Save each finished run once its predictions are in: ask for its weights, then store.
    // Each run once: its weights asked for, then saved. Only runs not saved yet are cloned (the
    // run list changes every training slice).
    let weights_asked = StoredValue::new(Vec::<usize>::new());
    let saving = StoredValue::new(Vec::<usize>::new());
    Effect::new(move |_| {
        let unsaved = |r: &&RunView| r.bench == Bench::User && r.state == RunState::Finished && r.predictions.is_some() && r.shipped.is_none() && !saving.with_value(|s| s.contains(&r.id));
        let ready: Vec<RunView> = engine.runs.with(|r| r.iter().filter(unsaved).cloned().collect());
        for r in ready {
            if r.weights.is_none() {
                if !weights_asked.with_value(|a| a.contains(&r.id)) {
                    weights_asked.update_value(|a| a.push(r.id));
                    engine.request_weights(r.id);
                }
                continue;
            }
            saving.update_value(|s| s.push(r.id));
            let key = format!("{}-{}", (js_sys::Date::now() as u64), r.id);
            let (Some(meta), Some(weights), RunData::User(set)) = (meta_of(&r), r.weights.clone(), r.data.clone()) else { continue };
            let entry = SavedRun { key: key.clone(), name: format!("run #{} {}", r.id, r.label()), data_fingerprint: set.data.fingerprint() };
            spawn_local(async move {
                let saved = async {
                    store::put_bytes(&format!("run/{key}/weights"), &weights).await?;
                    store::put(&format!("run/{key}/meta"), &meta.to_json().into()).await?;
                    let mut list = get_saved_runs().await?;
                    list.push(entry);
                    put_saved_runs(&list).await?;
                    set_saved_runs.set(list);
                    Ok::<(), String>(())
                }
                .await;
                let note = match saved {
                    Ok(()) => format!("Run #{} saved in this browser: it comes back after a reload.", r.id),
                    Err(e) => {
                        let usage = store::estimate().await.map(|(u, q)| format!(" The storage holds {:.1} of {:.1} MB.", u / 1e6, q / 1e6)).unwrap_or_default();
                        format!("Run #{} was NOT saved ({e}): its weights ({:.1} MB) and history will be lost when the page closes. Delete saved runs or export this one.{usage}", r.id, weights.len() as f64 / 1e6)
                    }
                };
                set_saved_note.set(Some(note));
            });
        }
    });

    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let file_name = file.name();
        if file.size() > upload::MAX_BYTES as f64 {
            set_error.set(Some(format!("{file_name} is {:.1} MB; at most {} MB are read", file.size() / 1e6, upload::MAX_BYTES / (1024 * 1024))));
            return;
        }
        set_name.set(file_name.clone());
        set_format.set(None);
        if file.size() > SHOWN_BYTES as f64 {
            // Read from the file in pieces; saved as the file itself (a Blob: no copy).
            if let Some(el) = text_area.get_untracked() {
                el.set_value("");
                el.set_placeholder(&format!("{file_name}: {:.1} MB, too large to show here; fix problems in the file and pick it again", file.size() / 1e6));
            }
            set_text.set(String::new());
            big_file.set_value(Some(file.clone()));
            check();
            spawn_local(async move {
                let saved = async {
                    store::put(KEY_FILE, &file.clone().into()).await?;
                    store::put(KEY_DATA, &"".into()).await?;
                    store::put(KEY_NAME, &file.name().into()).await
                }
                .await;
                if let Err(e) = saved {
                    set_saved_note.set(Some(format!("The file was not saved for the next visit ({e}).")));
                }
            });
            return;
        }
        big_file.set_value(None);
        set_reading.set(Some(format!("Reading {file_name} ({:.1} MB)…", file.size() / 1e6)));
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await.map(|v| v.as_string().unwrap_or_default()) {
                Ok(t) => {
                    if let Some(el) = text_area.get_untracked() {
                        el.set_value(&t);
                    }
                    set_text.set(t);
                    check();
                    save_text();
                }
                Err(e) => {
                    set_reading.set(None);
                    set_error.set(Some(format!("{file_name} could not be read: {e:?}")));
                }
            }
        });
    };
    let load_example = move |file: &'static str| {
        spawn_local(async move {
            match crate::checkpoints::fetch_static(&format!("examples/{file}")).await {
                Ok(bytes) => {
                    let t = String::from_utf8_lossy(&bytes).into_owned();
                    if let Some(el) = text_area.get_untracked() {
                        el.set_value(&t);
                    }
                    set_name.set(file.into());
                    set_format.set(None);
                    big_file.set_value(None);
                    set_labels_text.set(String::new());
                    set_model_kind.set(None);
                    set_task_override.set(None);
                    set_fit.set(None);
                    set_text.set(t);
                    check();
                    save_text();
                }
                Err(e) => set_error.set(Some(format!("The example could not be fetched: {e}"))),
            }
        });
    };
    // Weights from a file: model.bpk and checkpoint.json, picked together.
    let on_weights = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(files) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        spawn_local(async move {
            let result = async {
                let set = user_set.get_untracked().ok_or("check a data set first: the weights are evaluated on its test split")?;
                let mut meta = None;
                let mut weights = None;
                for f in files {
                    let buf = wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await.map_err(|e| format!("{} could not be read: {e:?}", f.name()))?;
                    let bytes = js_sys::Uint8Array::new(&buf).to_vec();
                    if f.name().ends_with(".json") {
                        meta = Some(CheckpointMeta::from_json(&String::from_utf8_lossy(&bytes)).map_err(|e| e.to_string())?);
                    } else {
                        weights = Some(bytes);
                    }
                }
                let meta = meta.ok_or(format!("pick {META_FILE} with {WEIGHTS_FILE}: it says which model the weights fit"))?;
                let weights = weights.ok_or(format!("pick {WEIGHTS_FILE} with {META_FILE}"))?;
                if meta.model.seq_len != set.data.length() {
                    return Err(format!("these weights fit sequences of {} nt, but the data has {} nt", meta.model.seq_len, set.data.length()));
                }
                engine.load(Bench::User, RunData::User(set), vec![("weights from a file", meta, weights)])
            }
            .await;
            set_error.set(result.err());
        });
    };

    let weights_wanted = StoredValue::new(None::<usize>);
    Effect::new(move |_| {
        let Some(id) = weights_wanted.get_value() else { return };
        let run = engine.runs.with(|r| r.iter().find(|r| r.id == id && r.weights.is_some()).cloned());
        if let Some(r) = run {
            weights_wanted.set_value(None);
            set_error.set(download_weights(&r).err());
        }
    });
    let export = move |what: &'static str| {
        let Some(r) = current() else { return };
        let RunData::User(set) = r.data.clone() else { return };
        let stem = format!("dnaplay-run{}", r.id);
        let result: Result<(), String> = match what {
            "predictions" => match &r.predictions {
                Some(p) => download(&format!("{stem}-predictions.csv"), "text/csv", upload::predictions_csv(&set.data, &set.split.test, p).as_bytes()),
                None => Err("the predictions come when the run ends or pauses".into()),
            },
            "weights" => match &r.weights {
                Some(_) => download_weights(&r),
                None => {
                    // Read from the worker first; the download starts when they arrive.
                    weights_wanted.set_value(Some(r.id));
                    engine.request_weights(r.id);
                    Ok(())
                }
            },
            "meme" => match &r.filters {
                Some(f) => {
                    let motifs: Vec<Motif> = f.report.pfms.iter().enumerate().map(|(i, p)| Motif { id: format!("filter{i}"), name: String::new(), pfm: p.clone() }).collect();
                    download(&format!("{stem}-filters.meme"), "text/plain", to_meme(&motifs).as_bytes())
                }
                None => Err("only CNNs have first-layer filters, read when the run ends".into()),
            },
            "data" => download("data.csv", "text/csv", upload::data_csv_with_split(&set.data, &set.split).as_bytes()),
            "pytorch" => match dnaplay_model::pytorch::script(&r.model, &r.config, set.data.task) {
                Some(s) => download("train.py", "text/x-python", s.as_bytes()).and_then(|()| download("data.csv", "text/csv", upload::data_csv_with_split(&set.data, &set.split).as_bytes())),
                None => Err(format!("the PyTorch script covers seed 002's Linear and CNN; {} is not written out", r.model.kind)),
            },
            "report" => {
                let c = curves.get_untracked();
                let res = result.get_untracked();
                let l = loss_name();
                let loss_svg = svg_of(760, 360, |a, t| draw_losses(a, t, &c, l));
                let result_svg = svg_of(460, 460, |a, t| draw_result(a, t, res.as_ref()));
                download(&format!("{stem}-report.html"), "text/html", report_html(&r, &loss_svg, &result_svg, &set.data.name).as_bytes())
            }
            "loss-svg" => {
                let c = curves.get_untracked();
                let l = loss_name();
                download(&format!("{stem}-loss.svg"), "image/svg+xml", svg_of(760, 360, |a, t| draw_losses(a, t, &c, l)).as_bytes())
            }
            "result-svg" => {
                let res = result.get_untracked();
                download(&format!("{stem}-test.svg"), "image/svg+xml", svg_of(460, 460, |a, t| draw_result(a, t, res.as_ref())).as_bytes())
            }
            "loss-png" => loss_canvas.get_untracked().ok_or("no chart".to_string()).and_then(|c| canvas_png(&c, &format!("{stem}-loss.png"))),
            "result-png" => result_canvas.get_untracked().ok_or("no chart".to_string()).and_then(|c| canvas_png(&c, &format!("{stem}-test.png"))),
            "logos-png" => logo_canvas.get_untracked().ok_or("no chart".to_string()).and_then(|c| canvas_png(&c, &format!("{stem}-logos.png"))),
            _ => Ok(()),
        };
        set_error.set(result.err());
    };

    // Attribution: the newest run's maps of one test sequence (lesson 11's methods).
    let explained = RwSignal::new(None::<(usize, u64, String, String, String)>);
    let explain = move |which: &'static str| {
        let Some(r) = current() else { return };
        let (Some((truth, pred, _)), RunData::User(set)) = (test_pairs(&r), &r.data) else {
            set_error.set(Some("The maps need a run that has ended or paused, with its test predictions".into()));
            return;
        };
        let k = match which {
            // The most wrong: the largest error (for binary, the logit furthest on the wrong side).
            "wrong" => truth.iter().zip(&pred).enumerate().max_by(|a, b| {
                let err = |(t, p): (&f32, &f32)| if set.data.task == UserTask::Binary { if *t > 0.5 { -p } else { *p } } else { (p - t).abs() };
                err(a.1).total_cmp(&err(b.1))
            }),
            _ => pred.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(k, p)| (k, (p, p))),
        }
        .map(|(k, _)| k);
        let Some(k) = k else { return };
        let i = set.split.test[k];
        let seq = set.data.seqs[i].clone();
        let what = format!("{} ({}: label {}, predicted {:.3})", set.data.ids[i], if which == "wrong" { "the largest error" } else { "the highest prediction" }, set.data.labels[i], pred[k]);
        let (id, key, _) = crate::lessons::explain::ask(engine, r.id, seq.clone(), Reference::Shuffle);
        explained.set(Some((id, key, seq, what, format!("run #{}", r.id))));
    };
    let maps_canvas = NodeRef::<Canvas>::new();
    let maps_reply = Memo::new(move |_| explained.get().and_then(|(id, key, seq, _, run)| engine.explanations.with(|r| crate::lessons::explain::answer(r, (id, key))).map(|r| (r, seq, run))));
    Effect::new(move |_| {
        let reply = maps_reply.get();
        let asked = explained.with(Option::is_some);
        let mut summary = String::new();
        redraw(&maps_canvas, 960, 330, |area, theme| match &reply {
            Some((Ok(e), seq, run)) => {
                let (t, _) = crate::lessons::explain::tracks(e, seq, None, run, crate::lessons::explain::Scored::Signed);
                let _ = dnaplay_plots::draw_tracks(area, &t, &[], theme);
                summary = format!("Attribution maps of {run}. {}", dnaplay_plots::describe::tracks(&t));
            }
            Some((Err(e), _, _)) => summary = note(area, theme, format!("Could not compute the maps: {e}")),
            None if asked => summary = note(area, theme, "Computing the maps…".into()),
            None => summary = note(area, theme, "Pick a test sequence: its saliency, ISM and integrated-gradients maps appear here".into()),
        });
        describe(&maps_canvas, &summary);
    });

    let delete_saved = move |key: String| {
        spawn_local(async move {
            let mut list = saved_runs.get_untracked();
            list.retain(|r| r.key != key);
            let r = async {
                store::delete(&format!("run/{key}/weights")).await?;
                store::delete(&format!("run/{key}/meta")).await?;
                put_saved_runs(&list).await
            }
            .await;
            match r {
                Ok(()) => set_saved_runs.set(list),
                Err(e) => set_saved_note.set(Some(format!("Could not delete the saved run: {e}"))),
            }
        });
    };
    let rename_saved = move |key: String, new_name: String| {
        let mut list = saved_runs.get_untracked();
        if let Some(r) = list.iter_mut().find(|r| r.key == key) {
            r.name = new_name;
        }
        set_saved_runs.set(list.clone());
        spawn_local(async move {
            if let Err(e) = put_saved_runs(&list).await {
                set_saved_note.set(Some(format!("The new name was not saved: {e}")));
            }
        });
    };

    let training = move || engine.is_training(Bench::User);
    let summary = move || {
        parsed.with(|p| {
            p.as_ref().map(|p| {
                let l = Lengths::of(&p.records);
                let lengths = if l.equal() { format!("{} nt", l.max) } else { format!("{} to {} nt", l.min, l.max) };
                format!(
                    "{} good sequences ({lengths}){}; {} problem{}",
                    dnaplay_plots::thousands(p.records.len()),
                    if p.header { ", after a header row" } else { "" },
                    p.problem_count(),
                    if p.problem_count() == 1 { "" } else { "s" }
                )
            })
        })
    };
    let lengths = move || parsed.with(|p| p.as_ref().map(|p| Lengths::of(&p.records)).filter(|l| !l.equal() && l.max > 0));

    view! {
        <p>
            "Bring your own sequences: paste them or pick a file. CSV or TSV rows are "<code>"sequence,label"</code>" or "
            <code>"id,sequence,label"</code>" (a header row is optional); FASTA headers carry the label as "<code>">id label=3.2"</code>
            ", or the labels come in a separate "<code>"id,label"</code>" list. Labels that are all 0 or 1 make a binary classification; "
            "any other numbers a regression. Everything stays in this browser."
        </p>
        <section class="panel">
            <div data-setting="upload">
            <div class="controls buttons">
                {EXAMPLES.iter().map(|&(title, file, _)| view! {
                    <button data-testid=format!("example-{}", file.split('.').next().unwrap_or(file)) on:click=move |_| load_example(file)>{format!("Example: {title}")}</button>
                }).collect_view()}
            </div>
            <ul class="note examples">{EXAMPLES.iter().map(|&(title, _, cite)| view! { <li>{format!("{title}: {cite}.")}</li> }).collect_view()}</ul>
            <label class="file">"File (CSV, TSV or FASTA, up to 64 MB) "
                <input type="file" data-testid="upload-input" accept=".csv,.tsv,.txt,.fa,.fasta,.fna,.tab" on:change=on_file />
            </label>
            <label class="block">"Sequences and labels "<span class="note">{move || format!("({})", name.get())}</span>
                <textarea node_ref=text_area data-testid="upload-text" rows="10" spellcheck="false"
                    placeholder="sequence,label\nACGTTGCA,12.5\n…"
                    on:input=move |ev| { big_file.set_value(None); set_text.set(event_target_value(&ev)); }></textarea>
            </label>
            <details>
                <summary>"Labels file for FASTA without labels in the headers"</summary>
                <textarea data-testid="labels-text" rows="4" spellcheck="false" placeholder="id,label" prop:value=move || labels_text.get()
                    on:input=move |ev| set_labels_text.set(event_target_value(&ev))></textarea>
            </details>
            <div class="controls">
                <label>"Format "
                    <select data-testid="upload-format" on:change=move |ev| set_format.set(match event_target_value(&ev).as_str() {
                        "csv" => Some(Format::Csv), "tsv" => Some(Format::Tsv), "fasta" => Some(Format::Fasta), _ => None })>
                        <option value="auto">"Detect"</option><option value="csv">"CSV"</option><option value="tsv">"TSV"</option><option value="fasta">"FASTA"</option>
                    </select>
                </label>
                <button class="primary" data-testid="upload-check" on:click=move |_| { check(); save_text(); }>"Check the data"</button>
            </div>
            </div>
            {move || reading.get().map(|m| view! { <p class="status" data-testid="upload-reading">
                <progress max="1" prop:value=move || progress.get().unwrap_or(0.0) aria-label="Reading the data"></progress>" "{m}</p> })}
            <p class="status" data-testid="upload-summary" data-parse-ms=move || parse_ms.get().map(|m| format!("{m:.0}"))>{summary}</p>
            <ul class="problems" data-testid="upload-errors" aria-live="polite">
                {move || parsed.with(|p| p.as_ref().map(|p| {
                    let mut items: Vec<_> = p.problems.iter().map(|e| view! { <li class="error" data-testid="upload-error" data-line=e.line>{e.to_string()}</li> }.into_any()).collect();
                    if p.more_problems > 0 {
                        items.push(view! { <li class="error">{format!("… and {} more problems", p.more_problems)}</li> }.into_any());
                    }
                    items
                }))}
            </ul>
            {move || parsed.with(|p| p.as_ref().filter(|p| !p.problems.is_empty()).map(|_| view! {
                <p class="note">"Fix the lines named above in the text box (nothing you typed is lost), then press Check again. Rows with problems are left out until then."</p>
            }))}
            {move || lengths().map(|l| view! {
                <fieldset class="controls" data-testid="upload-fit"><legend>{format!("The sequences have lengths {} to {} nt; a model needs one length.", l.min, l.max)}</legend>
                    {[
                        (Fit::PadWithN, "fit-pad", format!(" Pad with N to {} nt ({} sequences change)", l.max, l.shorter_than_max)),
                        (Fit::Crop, "fit-crop", format!(" Crop to {} nt ({} sequences change)", l.min, l.longer_than_min)),
                    ].into_iter().map(|(choice, id, words)| view! {
                        <label><input type="radio" name="fit" data-testid=id on:change=move |_| set_fit.set(Some(choice)) prop:checked=move || fit.get() == Some(choice) />{words}</label>
                    }).collect_view()}
                </fieldset>
            })}
            {move || user_set.get().map(|u| view! {
                <p class="metric" data-testid="upload-ready" data-task=u.data.task.name()>{format!(
                    "Ready: {} sequences of {} nt, split {} / {} / {} (train / validation / test, seed {}). Task: {}.",
                    dnaplay_plots::thousands(u.data.len()), u.data.length(), u.split.train.len(), u.split.val.len(), u.split.test.len(), u.seed, u.data.task.name())}</p>
            })}
            <div class="controls">
                <label>"Task "
                    <select data-testid="upload-task" on:change=move |ev| set_task_override.set(match event_target_value(&ev).as_str() {
                        "regression" => Some(UserTask::Regression), "binary" => Some(UserTask::Binary), _ => None })>
                        <option value="auto">"Detect from the labels"</option><option value="regression">"Regression"</option><option value="binary">"Binary classification"</option>
                    </select>
                </label>
                <label data-setting="model">"Model "
                    <select data-testid="upload-model" prop:value=move || chosen_model().to_string()
                        on:change=move |ev| set_model_kind.set(event_target_value(&ev).parse().ok())>
                        {USER_MODELS.iter().map(|m| view! { <option value=m.to_string()>{m.to_string()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <p class="note">{move || match task() {
                Some(UserTask::Binary) => format!("Binary classification trains with seed 003's settings: Adam at lesson 9's learning rate ({}), batch 100, {} epochs (lesson 10's count), binary cross-entropy.", settings.with(|s| s.exp_lr), settings.with(|s| s.class_epochs)),
                _ => format!("Regression trains with lesson 5's settings: {} at learning rate {}, batch {}, {} epochs, mean squared error.", settings.with(|s| s.optimizer), settings.with(|s| s.learning_rate), settings.with(|s| s.batch_size), settings.with(|s| s.num_epochs)),
            }}</p>
            <div class="controls buttons">
                <button class="primary" data-testid="data-train" on:click=move |_| train(Until::End) disabled=move || training() || user_set.with(Option::is_none)>
                    {move || if engine.any(Bench::User, |s| *s == RunState::Paused) { "▶ Resume" } else { "▶ Train" }}</button>
                <button data-testid="data-pause" on:click=move |_| engine.pause(Bench::User) disabled=move || !training()>"Pause"</button>
                <button data-testid="data-reset" on:click=move |_| engine.reset(Bench::User) disabled=move || !engine.any(Bench::User, RunState::is_live)>"Reset"</button>
            </div>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="data-error">{m}</p> })}
            {move || saved_note.get().map(|m| view! { <p class="note" role="status" data-testid="saved-note">{m}</p> })}
            {move || engine.weights_error.get().map(|m| view! { <p class="error" role="alert" data-testid="weights-error">{m}</p> })}
            <LiveStatus text=Signal::derive(move || current().map(|r| r.status_line(&r.label())).unwrap_or_default()) testid="data-live" />
            <p class="status" data-testid="data-status">{move || current().map(|r| r.status_line(&r.label()))}</p>
            {move || current().and_then(|r| match r.state {
                RunState::Failed(m) => Some(view! { <p class="error" role="alert" data-testid="run-error">{format!("Run #{}: {m}", r.id)}</p> }),
                _ => None,
            })}
        </section>
        <canvas role="img" node_ref=loss_canvas data-testid="data-loss-chart" aria-label="Loss curves of your runs: train dashed, validation solid"></canvas>
        <p class="metric" data-testid="data-metrics">{move || metrics_line.get()}</p>
        <div class="side-by-side">
            <canvas role="img" node_ref=result_canvas data-testid="data-result-chart" aria-label="Test-set predictions against the labels"></canvas>
        </div>
        <canvas role="img" node_ref=logo_canvas data-testid="data-logos" aria-label="First-layer filters as sequence logos"></canvas>
        <section class="panel">
            <h3>"Why did it predict that?"</h3>
            <p class="note">"Lesson 11's attribution maps of one test sequence by the newest run: saliency × input, in silico mutagenesis and integrated gradients (10 shuffles as the reference). Letters above the axis raise the prediction, below lower it."</p>
            <div class="controls buttons">
                <button data-testid="data-explain-top" on:click=move |_| explain("top")>"The highest prediction"</button>
                <button data-testid="data-explain-wrong" on:click=move |_| explain("wrong")>"The largest error"</button>
            </div>
            <p class="status" data-testid="data-explain-what">{move || explained.with(|e| e.as_ref().map(|e| e.3.clone()))}</p>
            <canvas role="img" node_ref=maps_canvas data-testid="data-maps" aria-label="Attribution maps of one test sequence"></canvas>
        </section>
        <section class="panel export" data-setting="export" data-testid="export-menu">
            <h3>"Export the newest run"</h3>
            <div class="controls buttons">
                <button data-testid="export-predictions" on:click=move |_| export("predictions")>"Predictions (CSV)"</button>
                <button data-testid="export-weights" on:click=move |_| export("weights")>"Weights (model.bpk + checkpoint.json)"</button>
                <button data-testid="export-meme" on:click=move |_| export("meme")>"Filters (MEME, for Tomtom)"</button>
                <button data-testid="export-report" on:click=move |_| export("report")>"Run report (HTML)"</button>
                <button data-testid="export-pytorch" on:click=move |_| export("pytorch")>"PyTorch script + data.csv"</button>
            </div>
            <div class="controls buttons">
                <button data-testid="export-loss-png" on:click=move |_| export("loss-png")>"Loss PNG"</button>
                <button data-testid="export-loss-svg" on:click=move |_| export("loss-svg")>"Loss SVG"</button>
                <button data-testid="export-result-png" on:click=move |_| export("result-png")>"Test plot PNG"</button>
                <button data-testid="export-result-svg" on:click=move |_| export("result-svg")>"Test plot SVG"</button>
                <button data-testid="export-logos-png" on:click=move |_| export("logos-png")>"Logos PNG"</button>
            </div>
            <label class="file">"Load weights (pick model.bpk and checkpoint.json together) "
                <input type="file" multiple=true accept=".bpk,.json" data-testid="load-weights-input" on:change=on_weights />
            </label>
        </section>
        <section class="panel" data-testid="saved-runs">
            <h3>"Runs"</h3>
            <ScrollX label="Your runs">
                <table class="runs">
                    <thead><tr><th>"Run"</th><th>"Epochs"</th><th>"Final val loss"</th><th>"Test metrics"</th><th>"Status"</th></tr></thead>
                    <tbody>
                        {move || runs().into_iter().map(|r| view! { <tr data-testid="user-run">
                            <td>{r.shipped.map(|s| s.to_string()).unwrap_or_else(|| r.label())}</td><td>{r.history.len()}</td>
                            <td>{r.history.last().map(|h| format!("{:.4}", h.val_loss)).unwrap_or_default()}</td>
                            <td>{metrics_text(&r).unwrap_or_default()}</td><td>{r.state.describe()}</td>
                        </tr> }).collect_view()}
                    </tbody>
                </table>
            </ScrollX>
            <h3>"Saved in this browser"</h3>
            <ul class="saved" data-testid="saved-list">
                {move || saved_runs.get().into_iter().map(|r| {
                    let (k1, k2) = (r.key.clone(), r.key.clone());
                    view! { <li data-testid="saved-run">
                        <input type="text" aria-label="Run name" prop:value=r.name.clone() on:change=move |ev| rename_saved(k1.clone(), event_target_value(&ev)) />
                        <button on:click=move |_| delete_saved(k2.clone())>"Delete"</button>
                    </li> }
                }).collect_view()}
            </ul>
        </section>
    }
}

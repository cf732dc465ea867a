//! Lesson 13's exports of the newest run (predictions, weights with their description, the
//! filters as MEME, an HTML report, a PyTorch script, the charts as PNG or SVG), and weights
//! loaded from files.

use dnaplay_model::checkpoint::{CheckpointMeta, FORMAT_VERSION, META_FILE, WEIGHTS_FILE};
use dnaplay_model::motifs::{Motif, to_meme};
use dnaplay_model::upload;
use dnaplay_protocol::Bench;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::download::{DownloadError, canvas_png, download};
use crate::engine::{RunData, RunView};
use super::DataState;
use super::results::{curves, draw_losses, draw_result, loss_name, metrics_text, newest_result, svg_of, test_metrics};

/// Why an export did not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum ExportError {
    /// What the export needs is not there yet (predictions, weights, filters, a chart), or the
    /// model has no such export: what to do.
    #[error("{0}")]
    NotReady(String),
    /// The browser refused the download.
    #[error(transparent)]
    Download(#[from] DownloadError),
}

fn not_ready(why: impl Into<String>) -> ExportError {
    ExportError::NotReady(why.into())
}

/// The checkpoint description of a run: what the CLI's `--load` and this page read.
pub(super) fn meta_of(r: &RunView) -> Option<CheckpointMeta> {
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
fn download_weights(r: &RunView) -> Result<(), ExportError> {
    let (Some(w), Some(meta)) = (&r.weights, meta_of(r)) else { return Err(not_ready("the run's weights are not read yet")) };
    download(WEIGHTS_FILE, "application/octet-stream", w)?;
    download(META_FILE, "application/json", meta.to_json().as_bytes()).map_err(ExportError::from)
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


/// The export menu and "Load weights".
#[component]
pub(super) fn ExportMenu(
    /// The lesson's shared state.
    state: DataState,
) -> impl IntoView {
    let engine = state.lab.engine;
    let current = move || state.current();
    let user_set = state.user_set.read_only();
    let set_error = state.error.write_only();
    let [loss_canvas, result_canvas, logo_canvas] = state.canvases;
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
                engine.load(Bench::User, RunData::User(set), vec![("weights from a file", meta, weights)]).map_err(|e| e.to_string())
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
            set_error.set(download_weights(&r).err().map(|e| e.to_string()));
        }
    });
    let export = move |what: &'static str| {
        let Some(r) = current() else { return };
        let RunData::User(set) = r.data.clone() else { return };
        let stem = format!("dnaplay-run{}", r.id);
        let result: Result<(), ExportError> = match what {
            "predictions" => match &r.predictions {
                Some(p) => download(&format!("{stem}-predictions.csv"), "text/csv", upload::predictions_csv(&set.data, &set.split.test, p).as_bytes()).map_err(ExportError::from),
                None => Err(not_ready("the predictions come when the run ends or pauses")),
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
                    download(&format!("{stem}-filters.meme"), "text/plain", to_meme(&motifs).as_bytes()).map_err(ExportError::from)
                }
                None => Err(not_ready("only CNNs have first-layer filters, read when the run ends")),
            },
            "data" => download("data.csv", "text/csv", upload::data_csv_with_split(&set.data, &set.split).as_bytes()).map_err(ExportError::from),
            "pytorch" => match dnaplay_model::pytorch::script(&r.model, &r.config, set.data.task) {
                Some(s) => download("train.py", "text/x-python", s.as_bytes()).and_then(|()| download("data.csv", "text/csv", upload::data_csv_with_split(&set.data, &set.split).as_bytes())).map_err(ExportError::from),
                None => Err(not_ready(format!("the PyTorch script covers seed 002's Linear and CNN; {} is not written out", r.model.kind))),
            },
            "report" => {
                let c = curves(&state);
                let res = newest_result(&state);
                let l = loss_name(&state);
                let loss_svg = svg_of(760, 360, |a, t| draw_losses(a, t, &c, l));
                let result_svg = svg_of(460, 460, |a, t| draw_result(a, t, res.as_ref()));
                download(&format!("{stem}-report.html"), "text/html", report_html(&r, &loss_svg, &result_svg, &set.data.name).as_bytes()).map_err(ExportError::from)
            }
            "loss-svg" => {
                let c = curves(&state);
                let l = loss_name(&state);
                download(&format!("{stem}-loss.svg"), "image/svg+xml", svg_of(760, 360, |a, t| draw_losses(a, t, &c, l)).as_bytes()).map_err(ExportError::from)
            }
            "result-svg" => {
                let res = newest_result(&state);
                download(&format!("{stem}-test.svg"), "image/svg+xml", svg_of(460, 460, |a, t| draw_result(a, t, res.as_ref())).as_bytes()).map_err(ExportError::from)
            }
            "loss-png" => loss_canvas.get_untracked().ok_or(not_ready("no chart")).and_then(|c| canvas_png(&c, &format!("{stem}-loss.png")).map_err(ExportError::from)),
            "result-png" => result_canvas.get_untracked().ok_or(not_ready("no chart")).and_then(|c| canvas_png(&c, &format!("{stem}-test.png")).map_err(ExportError::from)),
            "logos-png" => logo_canvas.get_untracked().ok_or(not_ready("no chart")).and_then(|c| canvas_png(&c, &format!("{stem}-logos.png")).map_err(ExportError::from)),
            _ => Ok(()),
        };
        set_error.set(result.err().map(|e| e.to_string()));
    };

    view! {
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
    }
}

//! The trained weights the lessons ship ("Load the trained models"): static assets under
//! `checkpoints/NAME/` (copied from `assets/checkpoints/` by Trunk, not built into the wasm),
//! each trained by `scripts/checkpoints.sh` with the CLI and the same model crate.
//!
//! Loading fetches a lesson's checkpoints, regenerates the data they were trained on from their
//! description (task, sequences, seed), and hands them to the run engine as finished runs, so
//! their logos, match fractions, reports and parity plots are computed as for a run trained here.

use std::sync::Arc;

use dnaplay_model::checkpoint::{CheckpointMeta, META_FILE, WEIGHTS_FILE};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_protocol::{Bench, ClassData, Dataset};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::engine::{RunData, StartError};
use crate::lab::Lab;

/// Why a lesson's trained models could not be loaded; each says which file or checkpoint.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckpointError {
    /// A file beside the page could not be fetched: its URL and the reason (the network, an
    /// HTTP status).
    #[error("could not fetch {url}: {why}")]
    Fetch {
        /// The URL, relative to the page.
        url: String,
        /// What went wrong.
        why: String,
    },
    /// A description this version cannot read.
    #[error("checkpoints/{name}: {error}")]
    Meta {
        /// The checkpoint.
        name: &'static str,
        /// The model crate's reason.
        error: dnaplay_model::Error,
    },
    /// The lesson ships none.
    #[error("this lesson ships no trained models")]
    NoneShipped,
    /// Two checkpoints of one lesson were trained on different data.
    #[error("checkpoints/{name} was trained on other data than the lesson's first checkpoint (task {task}, seed {seed})")]
    OtherData {
        /// The checkpoint that differs.
        name: &'static str,
        /// Its task.
        task: String,
        /// Its seed.
        seed: u64,
    },
    /// A 200-nt checkpoint without its sequence count.
    #[error("the checkpoint does not say how many sequences it was trained on")]
    NoSize,
    /// Its data could not be generated again (the model crate's reason).
    #[error(transparent)]
    Data(#[from] dnaplay_model::Error),
    /// The run engine refused the runs.
    #[error(transparent)]
    Start(#[from] StartError),
}

/// The checkpoints each lesson ships, in the order its runs are shown.
pub fn shipped(bench: Bench) -> &'static [&'static str] {
    match bench {
        Bench::Kmers | Bench::Improve => &["lesson5-cnn"],
        Bench::Sweep | Bench::Position | Bench::Fig1c | Bench::User => &[],
        Bench::Contrast => &["lesson9-relu", "lesson9-exp"],
        Bench::Keras => &["lesson10-multiscale"],
    }
}

/// Fetch `checkpoints/{name}/{file}` relative to the page.
async fn fetch_bytes(name: &str, file: &str) -> Result<Vec<u8>, CheckpointError> {
    fetch_static(&format!("checkpoints/{name}/{file}")).await
}

/// Fetch a static file shipped beside the page, by its URL relative to the page.
///
/// # Errors
/// [`CheckpointError::Fetch`]: a network failure or an HTTP status other than success, naming
/// the URL.
pub async fn fetch_static(url: &str) -> Result<Vec<u8>, CheckpointError> {
    let fail = |what: &str| CheckpointError::Fetch { url: url.to_string(), why: what.to_string() };
    let window = web_sys::window().ok_or_else(|| fail("no window"))?;
    let response = JsFuture::from(window.fetch_with_str(&url)).await.map_err(|e| fail(&format!("{e:?}")))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| fail("not a response"))?;
    if !response.ok() {
        return Err(fail(&format!("HTTP {}", response.status())));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| fail(&format!("{e:?}")))?).await.map_err(|e| fail(&format!("{e:?}")))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// One checkpoint: its description and its weights.
async fn fetch(name: &'static str) -> Result<(&'static str, CheckpointMeta, Vec<u8>), CheckpointError> {
    let meta = fetch_bytes(name, META_FILE).await?;
    let meta = CheckpointMeta::from_json(&String::from_utf8_lossy(&meta)).map_err(|error| CheckpointError::Meta { name, error })?;
    let weights = fetch_bytes(name, WEIGHTS_FILE).await?;
    Ok((name, meta, weights))
}

/// The data `meta`'s model was trained on, for `bench`. The 8-mer lessons reuse the page's
/// data when it is the same (seed 002's rule and the checkpoint's seed).
pub(crate) fn data_of(lab: &Lab, bench: Bench, meta: &CheckpointMeta) -> Result<RunData, CheckpointError> {
    match bench.class_task() {
        None => {
            let current = lab.dataset.get_untracked();
            if current.rule == ScoringRule::default() && current.seed == meta.seed {
                Ok(RunData::Kmers(current))
            } else {
                Ok(RunData::Kmers(Arc::new(Dataset::new(ScoringRule::default(), meta.seed)?)))
            }
        }
        Some(kind) => {
            let n = meta.num_seqs.ok_or(CheckpointError::NoSize)?;
            Ok(RunData::Class(Arc::new(ClassData::generate(kind, n, meta.seed)?)))
        }
    }
}

/// Fetch `bench`'s shipped checkpoints and show them as finished runs. The 200-nt lessons'
/// fields take the checkpoints' sequences and seed, so "Train your own" trains on the same data.
///
/// # Errors
/// [`CheckpointError`]: a failed fetch, a description this version cannot read, checkpoints
/// trained on different data, or the engine's refusal; each message names the checkpoint.
pub async fn load(lab: Lab, bench: Bench) -> Result<(), CheckpointError> {
    let mut loaded = Vec::new();
    for &name in shipped(bench) {
        loaded.push(fetch(name).await?);
    }
    let first = &loaded.first().ok_or(CheckpointError::NoneShipped)?.1;
    if let Some((name, m, _)) = loaded.iter().find(|(_, m, _)| (m.num_seqs, m.seed, &m.task) != (first.num_seqs, first.seed, &first.task)) {
        return Err(CheckpointError::OtherData { name, task: m.task.to_string(), seed: m.seed });
    }
    let data = data_of(&lab, bench, first)?;
    if bench.class_task().is_some() {
        let (n, seed) = (first.num_seqs, first.seed);
        lab.settings.update(|s| {
            let seqs = crate::training::num_seqs_mut(bench, s);
            *seqs = n.unwrap_or(*seqs);
            s.seed = seed;
        });
    }
    Ok(lab.engine.load(bench, data, loaded)?)
}

/// The click handler of a lesson's "Load the trained models" button, and whether a load is in
/// progress (to disable the button and say "Loading…"). A failure is written to `error`, the
/// lesson's error line, as "Could not load {what}: …".
pub fn load_action(lab: Lab, bench: Bench, what: &'static str, error: WriteSignal<Option<String>>) -> (ReadSignal<bool>, impl Fn(leptos::ev::MouseEvent) + Copy + 'static) {
    let (loading, set_loading) = signal(false);
    let click = move |_| {
        set_loading.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = load(lab, bench).await;
            set_loading.set(false);
            error.set(result.err().map(|e| format!("Could not load {what}: {e}")));
        });
    };
    (loading, click)
}

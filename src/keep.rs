//! The latest runs of lessons 5 to 8 (the 8-mer runs), 9 and 10 kept in the browser (issue
//! 27): when a lesson's runs have all finished, its newest ones (as many as the worker keeps
//! models of, [`Bench::models_kept`]) are saved in IndexedDB with their settings, history and
//! weights, as `checkpoint.json` and `model.bpk` hold them. After a reload they come back as
//! finished runs and are evaluated again on their data, as a shipped checkpoint is
//! ([`Engine::load`]). Lesson 13 keeps its own runs (`lessons/data/saved.rs`).

use std::collections::BTreeMap;

use dnaplay_model::checkpoint::{CheckpointMeta, FORMAT_VERSION};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_protocol::{Bench, FilterSnapshot, RunState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::engine::{RunData, RunView};
use crate::lab::Lab;
use crate::store::{self, StoreError};

/// The lessons whose runs are kept here.
pub const KEPT: [Bench; 3] = [Bench::Kmers, Bench::Contrast, Bench::Keras];

/// How a kept run's name starts ("kept: CNN (relu), sgd lr 0.01"), which tells it from a
/// shipped checkpoint.
pub const KEPT_PREFIX: &str = "kept: ";

/// A kept run: its name, description and first-layer filters (lesson 9's and 10's logos).
struct Kept {
    name: String,
    meta: CheckpointMeta,
    filters: Option<FilterSnapshot>,
}

/// IndexedDB key of `bench`'s kept runs, e.g. `keep/kmers`: the number of runs, with each
/// run's name, description (`checkpoint.json`) and weights under `<key>/<index>/`.
pub fn key(bench: Bench) -> String {
    format!("keep/{}", format!("{bench:?}").to_lowercase())
}

/// Run `r`'s description, as `checkpoint.json` holds it: `None` for data that cannot be
/// generated again from a task, a size and a seed (an 8-mer rule other than seed 002's).
fn meta_of(r: &RunView) -> Option<CheckpointMeta> {
    let (task, num_seqs, seed) = match &r.data {
        RunData::Kmers(d) if d.rule == ScoringRule::default() => ("8mer".to_string(), None, d.seed),
        RunData::Class(c) => (c.task.kind.name().to_string(), Some(c.task.seqs.len()), c.task.seed),
        _ => return None,
    };
    Some(CheckpointMeta {
        format: FORMAT_VERSION,
        task,
        num_seqs,
        seed,
        model: r.model.clone(),
        train: r.config.clone(),
        history: r.history.clone(),
        match_fractions: r.match_fractions.clone(),
        test_metrics: test_metrics_of(r),
    })
}

/// Run `r`'s test metrics under the names `dnaplay train` writes in `checkpoint.json`: test R²
/// of an 8-mer run; AUROC, AUPR and accuracy of a classifier. Empty before its evaluation.
fn test_metrics_of(r: &RunView) -> BTreeMap<String, f64> {
    let mut m = BTreeMap::new();
    if let Some(res) = &r.results {
        m.insert("r_squared".into(), res.r_squared);
    }
    if let Some(t) = &r.test {
        for (name, value) in [("auroc", t.auroc), ("aupr", t.aupr)] {
            if let Some(v) = value {
                m.insert(name.into(), v);
            }
        }
        m.insert("accuracy".into(), t.report.accuracy());
    }
    m
}

/// The name a kept run comes back under: its label without this visit's run number.
fn kept_name(r: &RunView) -> String {
    let label = r.label();
    let rest = label.split_once(' ').map_or(label.as_str(), |(_, rest)| rest);
    format!("{KEPT_PREFIX}{rest}")
}

/// Write `bench`'s kept runs, then their number, which makes them count.
async fn save(bench: Bench, runs: Vec<(Kept, std::sync::Arc<Vec<u8>>)>) -> Result<(), StoreError> {
    let key = key(bench);
    for (i, (kept, weights)) in runs.iter().enumerate() {
        store::put_bytes(&format!("{key}/{i}/weights"), weights).await?;
        store::put(&format!("{key}/{i}/meta"), &kept.meta.to_json().into()).await?;
        store::put(&format!("{key}/{i}/name"), &kept.name.as_str().into()).await?;
        match &kept.filters {
            Some(f) => store::put_bytes(&format!("{key}/{i}/filters"), &dnaplay_protocol::to_cbor(f)).await?,
            None => store::delete(&format!("{key}/{i}/filters")).await?,
        }
    }
    store::put(&key, &runs.len().to_string().into()).await
}

/// Save each kept lesson's newest runs once they have all finished, asking the worker for their
/// weights first. A run loaded from a checkpoint (or kept from the last visit) is not saved
/// again. A failed save is written to the browser's console: the runs stay on the page.
pub fn keep_runs(lab: Lab) {
    let engine = lab.engine;
    let asked = StoredValue::new(Vec::<usize>::new());
    let saved = StoredValue::new(BTreeMap::<String, Vec<usize>>::new());
    Effect::new(move |_| {
        for bench in KEPT {
            let newest: Option<Vec<RunView>> = engine.runs.with(|runs| {
                let mine: Vec<&RunView> = runs.iter().filter(|r| r.bench == bench).collect();
                if mine.iter().any(|r| matches!(r.state, RunState::Queued | RunState::Training | RunState::Paused)) {
                    return None;
                }
                let trained: Vec<&RunView> = mine.into_iter().filter(|r| r.shipped.is_none() && r.state == RunState::Finished).collect();
                let ids: Vec<usize> = trained.iter().rev().take(bench.models_kept()).map(|r| r.id).collect();
                if ids.is_empty() || saved.with_value(|s| s.get(&key(bench)) == Some(&ids)) {
                    return None;
                }
                Some(trained.into_iter().rev().take(bench.models_kept()).rev().cloned().collect())
            });
            let Some(runs) = newest else { continue };
            let mut ready = true;
            for r in runs.iter().filter(|r| r.weights.is_none()) {
                ready = false;
                if !asked.with_value(|a| a.contains(&r.id)) {
                    asked.update_value(|a| a.push(r.id));
                    engine.request_weights(r.id);
                }
            }
            if !ready {
                continue;
            }
            let kept: Vec<(Kept, std::sync::Arc<Vec<u8>>)> =
                runs.iter().filter_map(|r| Some((Kept { name: kept_name(r), meta: meta_of(r)?, filters: r.filters.as_deref().cloned() }, r.weights.clone()?))).collect();
            saved.update_value(|s| {
                s.insert(key(bench), runs.iter().rev().map(|r| r.id).collect());
            });
            if kept.is_empty() {
                continue;
            }
            spawn_local(async move {
                if let Err(e) = save(bench, kept).await {
                    web_sys::console::warn_1(&format!("The latest runs of {bench:?} were not kept in this browser: {e}").into());
                }
            });
        }
    });
}

/// Once a device is chosen, bring back each kept lesson's runs from the last visit (a lesson
/// that already has runs keeps them). A run whose weights or data do not come back is left out.
pub fn restore_runs(lab: Lab) {
    let engine = lab.engine;
    let done = StoredValue::new(false);
    Effect::new(move |_| {
        if engine.device.get().is_none() || done.get_value() {
            return;
        }
        done.set_value(true);
        spawn_local(async move {
            let kept = list_kept().await;
            for bench in KEPT {
                let mut checkpoints = Vec::new();
                for run in kept.iter().filter(|r| r.bench == bench) {
                    if let Ok(Some(weights)) = store::get_bytes(&format!("{}/{}/weights", key(bench), run.index)).await {
                        let name: &'static str = Box::leak(run.name.clone().into_boxed_str());
                        checkpoints.push((name, run.meta.clone(), weights));
                    }
                }
                let Some(first) = checkpoints.first() else { continue };
                let Ok(data) = crate::checkpoints::data_of(&lab, bench, &first.1) else { continue };
                if engine.runs.with_untracked(|r| r.iter().any(|r| r.bench == bench)) {
                    continue;
                }
                if let Err(e) = engine.load(bench, data, checkpoints) {
                    web_sys::console::warn_1(&format!("The kept runs of {bench:?} could not be loaded: {e}").into());
                }
            }
        });
    });
}

/// A kept run as "My runs" lists it (`components::my_runs`).
#[derive(Debug, Clone, PartialEq)]
pub struct KeptRun {
    /// The lesson it was trained in.
    pub bench: Bench,
    /// Its place among the lesson's kept runs.
    pub index: usize,
    /// Its name ("kept: CNN (relu), sgd lr 0.01", or the one given in My runs).
    pub name: String,
    /// Settings, history and test metrics.
    pub meta: CheckpointMeta,
    /// Its first-layer filters, when the lesson shows them.
    pub filters: Option<FilterSnapshot>,
}

/// How many runs `bench` keeps: the count under [`key`], 0 when there is none or it does not read.
///
/// # Errors
/// IndexedDB's, when the count cannot be read.
async fn kept_count(bench: Bench) -> Result<usize, StoreError> {
    Ok(store::get_string(&key(bench)).await?.and_then(|n| n.parse::<usize>().ok()).unwrap_or(0))
}

/// Every lesson's kept runs, in [`KEPT`] order; a run whose description does not read is left out.
pub async fn list_kept() -> Vec<KeptRun> {
    let mut all = Vec::new();
    for bench in KEPT {
        let key = key(bench);
        let count = kept_count(bench).await.unwrap_or(0);
        for index in 0..count {
            let name = store::get_string(&format!("{key}/{index}/name")).await.ok().flatten();
            let meta = store::get_meta(&format!("{key}/{index}/meta")).await;
            let filters = store::get_cbor(&format!("{key}/{index}/filters")).await;
            if let (Some(name), Some(meta)) = (name, meta) {
                all.push(KeptRun { bench, index, name, meta, filters });
            }
        }
    }
    all
}

/// Rename kept run `index` of `bench`; it comes back under `name` after a reload.
pub async fn rename_kept(bench: Bench, index: usize, name: &str) -> Result<(), StoreError> {
    store::put(&format!("{}/{index}/name", key(bench)), &name.into()).await
}

/// Delete kept run `index` of `bench`: the runs after it move down one place, then the count
/// drops, so a reload brings back the others only.
pub async fn delete_kept(bench: Bench, index: usize) -> Result<(), StoreError> {
    let key = key(bench);
    let count = kept_count(bench).await?;
    if index >= count {
        return Ok(());
    }
    for i in index + 1..count {
        for part in ["name", "meta"] {
            match store::get_string(&format!("{key}/{i}/{part}")).await? {
                Some(v) => store::put(&format!("{key}/{}/{part}", i - 1), &v.into()).await?,
                None => store::delete(&format!("{key}/{}/{part}", i - 1)).await?,
            }
        }
        for part in ["filters", "weights"] {
            match store::get_bytes(&format!("{key}/{i}/{part}")).await? {
                Some(b) => store::put_bytes(&format!("{key}/{}/{part}", i - 1), &b).await?,
                None => store::delete(&format!("{key}/{}/{part}", i - 1)).await?,
            }
        }
    }
    store::put(&key, &(count - 1).to_string().into()).await?;
    for part in ["name", "meta", "filters", "weights"] {
        store::delete(&format!("{key}/{}/{part}", count - 1)).await?;
    }
    Ok(())
}

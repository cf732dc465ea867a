//! Lesson 13's runs: the table of this visit's runs, and the finished runs saved in IndexedDB
//! (weights, description, history), restored on the next visit once their data set is rebuilt,
//! renamed or deleted here.

use dnaplay_model::checkpoint::CheckpointMeta;
use dnaplay_protocol::{Bench, RunState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::ScrollX;
use crate::engine::{RunData, RunView};
use crate::store::{self, StoreError};
use super::DataState;
use super::export::meta_of;
use super::results::metrics_text;

/// IndexedDB key of the saved runs' list.
const KEY_RUNS: &str = "runs";

/// A saved run's record in IndexedDB (`run/<key>/meta`; weights at `run/<key>/weights`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub(super) struct SavedRun {
    key: String,
    name: String,
    data_fingerprint: u64,
}

/// The saved runs' list, empty when there is none (or it does not read).
pub(super) async fn get_saved_runs() -> Result<Vec<SavedRun>, StoreError> {
    Ok(store::get_string(KEY_RUNS).await?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
}

/// Write the saved runs' list.
async fn put_saved_runs(list: &[SavedRun]) -> Result<(), StoreError> {
    store::put(KEY_RUNS, &serde_json::to_string(list).unwrap_or_default().into()).await
}


/// Save each finished run once, and load the runs an earlier visit saved once their data set is
/// rebuilt.
pub(super) fn keep_saved_runs(state: DataState) {
    let engine = state.lab.engine;
    let user_set = state.user_set.read_only();
    let (to_restore, set_to_restore) = state.to_restore.split();
    let set_error = state.error.write_only();
    let set_saved_runs = state.saved_runs.write_only();
    let set_saved_note = state.saved_note.write_only();
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
                    Ok::<(), StoreError>(())
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

}

/// The runs of this visit, and those saved in this browser (rename, delete).
#[component]
pub(super) fn RunsPanel(
    /// The lesson's shared state.
    state: DataState,
) -> impl IntoView {
    let engine = state.lab.engine;
    let (saved_runs, set_saved_runs) = state.saved_runs.split();
    let set_saved_note = state.saved_note.write_only();
    let runs = move || engine.runs_of(Bench::User);
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

    view! {
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

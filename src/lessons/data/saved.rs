//! Lesson 13's runs: the table of this visit's runs, and the finished runs saved in IndexedDB
//! (weights, description, history), restored on the next visit once their data set is rebuilt,
//! renamed or deleted here. The storage's use is shown; when it is full, the run just finished
//! stays in the page (and exports), and one button deletes the oldest saved runs until it fits.

use std::sync::Arc;

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
pub(crate) struct SavedRun {
    /// Where its parts are: `run/<key>/meta`, `run/<key>/weights`, `run/<key>/filters`.
    pub(crate) key: String,
    /// Its name, as renamed here or in My runs.
    pub(crate) name: String,
    /// The data set it was trained on ([`dnaplay_model::upload::UserData::fingerprint`]).
    pub(crate) data_fingerprint: u64,
}

/// A finished run whose save failed (a full storage): kept to save again once there is room.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Unsaved {
    id: usize,
    key: String,
    weights: Arc<Vec<u8>>,
    meta: String,
    /// Its first-layer filters as CBOR ([`dnaplay_protocol::to_cbor`]), for My runs' logos.
    filters: Option<Vec<u8>>,
    entry: SavedRun,
}

/// Store `u`: its weights, its description, then the list, which is returned. On failure,
/// what was written of it is removed again, so no half-saved run is left.
async fn save_run(u: &Unsaved) -> Result<Vec<SavedRun>, StoreError> {
    let saved = async {
        store::put_bytes(&format!("run/{}/weights", u.key), &u.weights).await?;
        store::put(&format!("run/{}/meta", u.key), &u.meta.clone().into()).await?;
        if let Some(f) = &u.filters {
            store::put_bytes(&format!("run/{}/filters", u.key), f).await?;
        }
        let mut list = get_saved_runs().await?;
        list.push(u.entry.clone());
        put_saved_runs(&list).await?;
        Ok(list)
    }
    .await;
    if saved.is_err() {
        let _ = store::delete(&format!("run/{}/weights", u.key)).await;
        let _ = store::delete(&format!("run/{}/meta", u.key)).await;
        let _ = store::delete(&format!("run/{}/filters", u.key)).await;
    }
    saved
}

/// Delete a saved run's weights and description, and write `list` (the list without it).
pub(crate) async fn delete_run(key: &str, list: &[SavedRun]) -> Result<(), StoreError> {
    store::delete(&format!("run/{key}/weights")).await?;
    store::delete(&format!("run/{key}/meta")).await?;
    store::delete(&format!("run/{key}/filters")).await?;
    put_saved_runs(list).await
}

/// A size for people: "3.1 KB", "21.6 MB", "10.8 GB".
fn size_text(bytes: f64) -> String {
    match bytes {
        b if b < 1e5 => format!("{:.1} KB", b / 1e3),
        b if b < 1e9 => format!("{:.1} MB", b / 1e6),
        b => format!("{:.1} GB", b / 1e9),
    }
}

/// "The storage holds 21.6 MB of 10.8 GB." when the browser tells.
async fn usage_text() -> String {
    store::estimate().await.map(|(u, q)| format!("The storage holds {} of {}.", size_text(u), size_text(q))).unwrap_or_default()
}

/// Save `u`, deleting the oldest saved runs one by one while the storage is too full for it.
/// Returns the note to show, and whether `u` is saved.
async fn save_making_room(u: &Unsaved, set_saved_runs: WriteSignal<Vec<SavedRun>>) -> (String, bool) {
    let mut deleted: Vec<String> = Vec::new();
    loop {
        let error = match save_run(u).await {
            Ok(list) => {
                set_saved_runs.set(list);
                let how = if deleted.is_empty() { String::new() } else { format!(" after deleting the oldest saved run(s): {}", deleted.join(", ")) };
                return (format!("Run #{} saved in this browser{how}. {}", u.id, usage_text().await), true);
            }
            Err(e) => e,
        };
        let mut list = get_saved_runs().await.unwrap_or_default();
        if list.is_empty() {
            return (format!("Run #{} still could not be saved ({error}), with no saved runs left to delete: export it before the page closes. {}", u.id, usage_text().await), false);
        }
        let oldest = list.remove(0);
        if let Err(e) = delete_run(&oldest.key, &list).await {
            return (format!("Run #{} was not saved ({error}), and the oldest saved run could not be deleted ({e}). {}", u.id, usage_text().await), false);
        }
        set_saved_runs.set(list);
        deleted.push(oldest.name);
    }
}

/// The saved runs' list, empty when there is none (or it does not read).
pub(crate) async fn get_saved_runs() -> Result<Vec<SavedRun>, StoreError> {
    Ok(store::get_string(KEY_RUNS).await?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
}

/// Write the saved runs' list.
pub(crate) async fn put_saved_runs(list: &[SavedRun]) -> Result<(), StoreError> {
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
    let set_unsaved = state.unsaved.write_only();
    let set_usage = state.usage.write_only();
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
                let meta = store::get_meta(&format!("run/{}/meta", r.key)).await;
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
            let entry = SavedRun { key: key.clone(), name: format!("run {}", r.label()), data_fingerprint: set.data.fingerprint() };
            let filters = r.filters.as_deref().map(dnaplay_protocol::to_cbor);
            let u = Unsaved { id: r.id, key, weights, meta: meta.to_json(), filters, entry };
            spawn_local(async move {
                let saved = save_run(&u).await;
                // One estimate, for the note and the usage line.
                let usage = usage_text().await;
                let note = match saved {
                    Ok(list) => {
                        set_saved_runs.set(list);
                        format!("Run #{} saved in this browser: it comes back after a reload.", u.id)
                    }
                    Err(e) => {
                        let note = format!(
                            "Run #{} was NOT saved ({e}): it stays on this page, but its weights ({}) and history will be lost when the page closes. Delete saved runs, or export this one. {usage}",
                            u.id,
                            size_text(u.weights.len() as f64),
                        );
                        set_unsaved.set(Some(u));
                        note
                    }
                };
                set_usage.set(Some(usage));
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
    let (unsaved, set_unsaved) = state.unsaved.split();
    let (usage, set_usage) = state.usage.split();
    spawn_local(async move { set_usage.set(Some(usage_text().await)) });
    let delete_saved = move |key: String| {
        spawn_local(async move {
            let mut list = saved_runs.get_untracked();
            list.retain(|r| r.key != key);
            match delete_run(&key, &list).await {
                Ok(()) => set_saved_runs.set(list),
                Err(e) => set_saved_note.set(Some(format!("Could not delete the saved run: {e}"))),
            }
            set_usage.set(Some(usage_text().await));
        });
    };
    // The storage is full: delete the oldest saved runs until the run just finished fits.
    let make_room = move |_| {
        let Some(u) = unsaved.get_untracked() else { return };
        spawn_local(async move {
            let (note, saved) = save_making_room(&u, set_saved_runs).await;
            if saved {
                set_unsaved.set(None);
            }
            set_saved_note.set(Some(note));
            set_usage.set(Some(usage_text().await));
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
            <p class="note" data-testid="saved-usage">{move || usage.get()}</p>
            {move || unsaved.with(|u| u.as_ref().map(|u| u.id)).map(|id| view! {
                <p><button data-testid="saved-make-room" on:click=make_room>{format!("Delete the oldest saved runs until run #{id} fits, and save it")}</button></p>
            })}
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

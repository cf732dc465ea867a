//! Lesson 13: your own sequences (issue 13). Paste or upload CSV, TSV or FASTA; every bad row is
//! named and can be fixed in place; the task is detected from the labels; unequal lengths are
//! padded or cropped; then the same models, run engine, plots and exports as the other lessons.
//! The data set and every finished run (settings, history, metrics, weights) are saved in
//! IndexedDB ([`crate::store`]) and come back after a reload.
//!
//! The lesson's parts share one [`DataState`]: the form ([`upload`]), the charts ([`results`]),
//! the attribution maps ([`maps`]), the exports ([`export`]) and the runs, saved or not
//! ([`saved`]).

mod export;
mod maps;
mod results;
mod saved;
// For My runs (`components::my_runs`), which lists, renames and deletes lesson 13's saved runs.
pub(crate) use saved::{delete_run, get_saved_runs, put_saved_runs};
mod upload;

use std::sync::Arc;

use dnaplay_model::models::{ModelConfig, ModelKind};
use dnaplay_model::upload::UserTask;
use dnaplay_protocol::{Bench, RunState};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::live::LiveStatus;
use crate::engine::{RunData, RunView, Until, UserSet};
use crate::lab::Lab;
use export::ExportMenu;
use maps::MapsPanel;
use results::Charts;
use saved::{RunsPanel, SavedRun, Unsaved};
use upload::UploadForm;

/// The models offered for a student's data, in menu order: seed 002's, seed 003's Task 3 and
/// Task 1 architectures (one logit per sequence here, [`ModelConfig::with_outputs`]) and seed
/// 000's multi-scale CNN. A model too deep for the data's length is refused with its minimum
/// ([`ModelConfig::validate`]).
pub const USER_MODELS: [ModelKind; 8] = [
    ModelKind::Linear,
    ModelKind::Cnn,
    ModelKind::CnnLocal,
    ModelKind::CnnDist,
    ModelKind::Cnn2,
    ModelKind::Cnn50,
    ModelKind::CnnDeep,
    ModelKind::MultiScale,
];

/// What lesson 13's parts share. Cheap to copy: all fields are reactive handles.
#[derive(Clone, Copy)]
struct DataState {
    lab: Lab,
    /// The data set made from the checked text, with its split.
    user_set: RwSignal<Option<Arc<UserSet>>>,
    /// The latest problem to show (bad data, a refused start, a failed export).
    error: RwSignal<Option<String>>,
    /// What was or was not saved in this browser.
    saved_note: RwSignal<Option<String>>,
    /// The task the student chose, over the one the labels suggest.
    task_override: RwSignal<Option<UserTask>>,
    /// The model the student chose, over the data's default.
    model_kind: RwSignal<Option<ModelKind>>,
    /// The runs saved in this browser.
    saved_runs: RwSignal<Vec<SavedRun>>,
    /// The finished run the storage had no room for, kept to save once there is.
    unsaved: RwSignal<Option<Unsaved>>,
    /// The storage's use, "The storage holds … of … MB.", when the browser tells.
    usage: RwSignal<Option<String>>,
    /// The runs saved by an earlier visit, loaded once the data set is rebuilt (not the runs
    /// this visit saves, which are already here).
    to_restore: RwSignal<Vec<SavedRun>>,
    /// The loss, test-plot and logo canvases (drawn by [`results`], exported by [`export`]).
    canvases: [NodeRef<Canvas>; 3],
}

impl DataState {
    /// The lesson's newest run, the one reported on (tracked).
    fn current(&self) -> Option<RunView> {
        self.lab.engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::User).cloned())
    }

    /// The data set's task, once there is one (tracked).
    fn task(&self) -> Option<UserTask> {
        self.user_set.with(|u| u.as_ref().map(|u| u.data.task))
    }
}

#[component]
pub fn DataLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let settings = lab.settings;
    let state = DataState {
        lab,
        user_set: RwSignal::new(None),
        error: RwSignal::new(None),
        saved_note: RwSignal::new(None),
        task_override: RwSignal::new(None),
        model_kind: RwSignal::new(None),
        saved_runs: RwSignal::new(Vec::new()),
        unsaved: RwSignal::new(None),
        usage: RwSignal::new(None),
        to_restore: RwSignal::new(Vec::new()),
        canvases: [NodeRef::new(), NodeRef::new(), NodeRef::new()],
    };
    let (user_set, set_task_override) = (state.user_set.read_only(), state.task_override.write_only());
    let (model_kind, set_model_kind) = state.model_kind.split();
    let (error, set_error) = state.error.split();
    let saved_note = state.saved_note.read_only();
    let current = move || state.current();
    saved::keep_saved_runs(state);

    let task = move || state.task();
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
        let model = ModelConfig::of_kind(kind, set.data.length(), activation).with_outputs(1);
        let config = settings.with_untracked(|s| crate::training::user(set.data.task, s));
        set_error.set(engine.start(Bench::User, RunData::User(set), vec![(model, config)], until).err().map(|e| e.to_string()));
    };

    let training = move || engine.is_training(Bench::User);

    view! {
        <p>
            "Bring your own sequences: paste them or pick a file. CSV or TSV rows are "<code>"sequence,label"</code>" or "
            <code>"id,sequence,label"</code>" (a header row is optional); FASTA headers carry the label as "<code>">id label=3.2"</code>
            ", or the labels come in a separate "<code>"id,label"</code>" list. Labels that are all 0 or 1 make a binary classification; "
            "any other numbers a regression. Everything stays in this browser."
        </p>
        <section class="panel">
            <UploadForm state=state />
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
                Some(UserTask::Binary) => format!("Binary classification trains with seed 003's settings: Adam at lesson 9's learning rate ({}), batch 100, {} epochs (lesson 9's count), binary cross-entropy; the learning rate × 0.3 after 5 epochs without a better validation AUROC, a stop after 10, and the best epoch's weights kept. Before each validation the batch norms are re-estimated on training sequences, which keeps a small data set's validation loss steady.", settings.with(|s| s.exp_lr), settings.with(|s| s.class_epochs)),
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
        <Charts state=state />
        <MapsPanel state=state />
        <ExportMenu state=state />
        <RunsPanel state=state />
    }
}

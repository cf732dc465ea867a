//! The control panel of the 200-nt lessons (9 and 10): sequences, epochs and seed; Train,
//! Pause and Reset; one status line per run and a progress bar.

use dnaplay_model::models::ModelConfig;
use dnaplay_plots::thousands;
use dnaplay_state::MAX_CLASS_SEQS;
use leptos::prelude::*;

use crate::classlab::{ClassLab, ClassRunView};
use crate::components::fields::NumberField;
use crate::lab::{Lab, RunStatus};

/// The panel for `class_lab`. Buttons and the status list get the test ids `{prefix}-train`,
/// `{prefix}-pause`, `{prefix}-reset` and `{prefix}-status`.
#[component]
pub fn ClassPanel(
    /// The runs this panel drives.
    class_lab: ClassLab,
    /// Test-id prefix, e.g. "exp".
    prefix: &'static str,
    /// Words for the Train button: "Train both" or "Train".
    train_label: &'static str,
    /// What the seed used, shown when the sequence count is invalid, e.g. "seed 003 uses 20,000".
    seed_size: &'static str,
    /// The models to train, one run each.
    models: fn() -> Vec<ModelConfig>,
    /// A run's name in its status line.
    run_name: fn(&ClassRunView) -> String,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let settings = lab.settings;
    let running = class_lab.running;
    let no_device = move || lab.device.with(|d| d.is_none());
    let has_runs = move || class_lab.runs.with(|r| !r.is_empty());
    let resumable = move || class_lab.runs.with(|r| r.iter().any(|r| r.status == RunStatus::Paused));
    let finished = move || class_lab.runs.with(|r| !r.is_empty() && r.iter().all(|r| matches!(r.status, RunStatus::Finished | RunStatus::Failed(_))));
    view! {
        <section class="panel">
            <div class="controls">
                <NumberField label="Sequences"
                    value=Signal::derive(move || settings.with(|s| s.class_seqs.to_string()))
                    on_input={move |text: String| match text.trim().parse::<usize>() {
                        Ok(n) if (1000..=MAX_CLASS_SEQS).contains(&n) => { settings.update(|s| s.class_seqs = n); None }
                        _ => Some(format!("a whole number from 1,000 to {} ({seed_size})", thousands(MAX_CLASS_SEQS))),
                    }} />
                <NumberField label="Epochs"
                    value=Signal::derive(move || settings.with(|s| s.class_epochs.to_string()))
                    on_input={move |text: String| match text.trim().parse::<usize>() {
                        Ok(n) if (1..=100).contains(&n) => { settings.update(|s| s.class_epochs = n); None }
                        _ => Some("a whole number from 1 to 100".into()),
                    }} />
                <NumberField label="Seed"
                    value=Signal::derive(move || settings.with(|s| s.seed.to_string()))
                    on_input={move |text: String| match text.trim().parse::<u64>() {
                        Ok(n) => { settings.update(|s| s.seed = n); None }
                        Err(_) => Some("a whole number".into()),
                    }} />
            </div>
            <div class="controls buttons">
                <button class="primary" data-testid=format!("{prefix}-train") disabled=move || running.get() || no_device()
                    on:click=move |_| class_lab.play(lab, models())>
                    {move || if resumable() { "Resume".to_string() } else if finished() { format!("{train_label} again") } else { train_label.to_string() }}
                </button>
                <button data-testid=format!("{prefix}-pause") disabled=move || !running.get() on:click=move |_| class_lab.pause()>"Pause"</button>
                <button data-testid=format!("{prefix}-reset") disabled=move || !has_runs() on:click=move |_| class_lab.reset()>"Reset"</button>
                <span class="status">{move || class_lab.data_sizes().map(|(t, v)| format!("{} training and {} validation sequences", thousands(t), thousands(v)))}</span>
            </div>
            {move || class_lab.error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <ul class="status" data-testid=format!("{prefix}-status")>
                {move || class_lab.runs.with(|r| r.iter().map(|r| {
                    let failed = matches!(r.status, RunStatus::Failed(_));
                    view! { <li class:error=failed>{r.status_line(&run_name(r))}</li> }
                }).collect_view())}
            </ul>
            {move || class_lab.runs.with(|r| r.first().map(|r| {
                let total = (r.num_epochs * r.batch.1.max(1)) as f64;
                let done = (r.history.len() * r.batch.1 + r.batch.0) as f64;
                view! { <progress max=total value=done.min(total) aria-label="Training progress"></progress> }
            }))}
        </section>
    }
}

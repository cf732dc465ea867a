//! The control panel of the 200-nt lessons (9 and 10): sequences, epochs, learning rate and
//! seed; Train, Pause and Reset; one status line per run and a progress bar. Every button acts
//! through the run engine and derives its enabled state from the runs' states.

use std::sync::Arc;

use dnaplay_model::models::ModelConfig;
use dnaplay_model::settings::SEED;
use dnaplay_plots::thousands;
use dnaplay_protocol::{Bench, ClassData, RunState};
use leptos::prelude::*;

use crate::components::fields::NumberField;
use crate::components::live::LiveStatus;
use crate::engine::{RunData, RunView, Until};
use crate::lab::Lab;
use crate::training::{class_epochs, class_epochs_mut, epochs_setting, learning_rate, learning_rate_mut, num_seqs, num_seqs_mut, rate_setting, seqs_setting};

/// Train: go on with the paused runs of `bench`, or generate the task from the settings and
/// start one run per model, with the task's seed training and the lesson's epochs and learning
/// rate.
fn train(lab: Lab, bench: Bench, models: Vec<ModelConfig>) -> Result<(), String> {
    let engine = lab.engine;
    if engine.resume(bench, Until::End) {
        return Ok(());
    }
    let kind = bench.class_task().ok_or("not a 200-nt lesson")?;
    let st = lab.settings.get_untracked();
    let data = ClassData::generate(kind, num_seqs(bench, &st), st.seed).map_err(|e| e.to_string())?;
    let config = crate::training::class(bench, kind, &st);
    let specs = models.into_iter().map(|m| (m, config.clone())).collect();
    engine.start(bench, RunData::Class(Arc::new(data)), specs, Until::End).map_err(|e| e.to_string())
}

/// The panel for the runs of `bench`. Buttons and the status list get the test ids
/// `{prefix}-train`, `{prefix}-pause`, `{prefix}-reset` and `{prefix}-status`.
#[component]
pub fn ClassPanel(
    /// The lesson whose runs this panel drives.
    bench: Bench,
    /// Test-id prefix, e.g. "exp".
    prefix: &'static str,
    /// Words for the Train button: "Train both" or "Train".
    train_label: &'static str,
    /// The models to train, one run each.
    models: fn() -> Vec<ModelConfig>,
    /// A run's name in its status line.
    run_name: fn(&RunView) -> String,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let settings = lab.settings;
    let training = move || engine.is_training(bench);
    let no_device = move || engine.device.with(|d| d.is_none());
    let runs = move || engine.runs_of(bench);
    let resumable = move || engine.any(bench, |s| *s == RunState::Paused);
    let ended = move || {
        let r = runs();
        !r.is_empty() && r.iter().all(|r| !r.state.is_live())
    };
    let lr_setting = rate_setting(bench, None);
    let (seqs_setting, epochs_setting) = (seqs_setting(bench), epochs_setting(bench));
    let (error, set_error) = signal(None::<String>);
    let (loading, load) = crate::checkpoints::load_action(lab, bench, "the trained models", set_error);
    view! {
        <section class="panel">
            <div class="controls">
                <NumberField label=seqs_setting.title()
                    value=Signal::derive(move || settings.with(|s| num_seqs(bench, s).to_string()))
                    on_input={move |text: String| seqs_setting.parse_usize(&text).map(|n| settings.update(|s| *num_seqs_mut(bench, s) = n)).err().map(|e| e.to_string())} />
                <NumberField label=epochs_setting.title()
                    value=Signal::derive(move || settings.with(|s| class_epochs(bench, s).to_string()))
                    on_input={move |text: String| epochs_setting.parse_usize(&text).map(|n| settings.update(|s| *class_epochs_mut(bench, s) = n)).err().map(|e| e.to_string())} />
                <NumberField label=lr_setting.title()
                    value=Signal::derive(move || settings.with(|s| learning_rate(bench, s).to_string()))
                    on_input={move |text: String| lr_setting.parse_f64(&text).map(|x| settings.update(|s| *learning_rate_mut(bench, s) = x)).err().map(|e| e.to_string())} />
                <NumberField label=SEED.title()
                    value=Signal::derive(move || settings.with(|s| s.seed.to_string()))
                    on_input={move |text: String| SEED.parse_u64(&text).map(|n| settings.update(|s| s.seed = n)).err().map(|e| e.to_string())} />
            </div>
            <div class="controls buttons">
                <button class="primary" data-testid=format!("{prefix}-train") disabled=move || training() || no_device()
                    on:click=move |_| set_error.set(train(lab, bench, models()).err())>
                    {move || if resumable() { "Resume".to_string() } else if runs().iter().any(|r| r.shipped.is_some()) { "Train your own".to_string() } else if ended() { format!("{train_label} again") } else { train_label.to_string() }}
                </button>
                <button data-testid=format!("{prefix}-load") disabled=move || training() || no_device() || loading.get()
                    title="Show models trained beforehand with these lessons' settings (scripts/checkpoints.sh); Train trains your own from scratch"
                    on:click=load>
                    {move || if loading.get() { "Loading…" } else { "Load the trained models" }}
                </button>
                <button data-testid=format!("{prefix}-pause") disabled=move || !training() on:click=move |_| engine.pause(bench)>"Pause"</button>
                <button data-testid=format!("{prefix}-reset") disabled=move || runs().is_empty()
                    title="Stop and forget these runs" on:click=move |_| { engine.clear(bench); set_error.set(None); }>"Reset"</button>
                <span class="status">{move || runs().first().map(|r| {
                    let (t, v) = r.data.sizes();
                    format!("{} training and {} validation sequences", thousands(t), thousands(v))
                })}</span>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid=format!("{prefix}-error")>{e}</p> })}
            <LiveStatus text=Signal::derive(move || runs().iter().map(|r| r.status_line(&run_name(r))).collect::<Vec<_>>().join("; ")) testid=format!("{prefix}-live") />
            <ul class="status" data-testid=format!("{prefix}-status")>
                {move || runs().iter().map(|r| {
                    let failed = matches!(r.state, RunState::Failed(_));
                    view! { <li class:error=failed>{r.status_line(&run_name(r))}</li> }
                }).collect_view()}
            </ul>
            {move || runs().first().map(|r| {
                let total = (r.config.num_epochs * r.batch.1.max(1)) as f64;
                // A finished run (early stopping, or loaded weights) is complete.
                let done = if r.state == RunState::Finished { total } else { (r.history.len() * r.batch.1 + r.batch.0) as f64 };
                view! { <progress max=total value=done.min(total) aria-label="Training progress"></progress> }
            })}
        </section>
    }
}

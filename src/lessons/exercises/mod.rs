//! Lesson 12: seed 002's three exercises (Questions 1 to 3), each a panel that runs the
//! comparison the question asks for through the run engine, with a short guide to reading it
//! that does not give the answer away.
//!
//! - Q1: the rule with and without position-dependent bonuses: the two score histograms side by
//!   side, then the CNN trained on each.
//! - Q2: one click sweeps Linear and CNN over seed 002's five learning rates
//!   ([`dnaplay_model::sweep::Grid`]); the curves overlaid per model, a summary table, and the
//!   seed's three questions beside the plots.
//! - Q3: the worst-predicted test sequences of a baseline CNN (and whether they hold a motif
//!   twice), one change, a retrain, and the before / after parity plots and error histograms.

mod fig1c;
mod improve;
mod position;
mod sweep;


use dnaplay_model::scoring::PositionEffect;
use dnaplay_model::trainer::TrainConfig;
use dnaplay_plots::{LossOptions, LossSeries, draw_loss_curves, draw_message};
use dnaplay_protocol::{Bench, RunState};
use dnaplay_state::Exercise;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::live::LiveStatus;
use crate::components::plot_canvas::{describe, redraw_exportable};
use crate::engine::{RunData, RunView, Until};
use crate::lab::Lab;
use crate::lessons::train::duration;
use fig1c::Fig1cPanel;
use improve::ImprovePanel;
use position::PositionPanel;
use sweep::SweepPanel;

/// Seed 002's Question 2 learning rates: the lesson's 0.01 with two higher and two lower.
pub const SEED002_SWEEP_RATES: &str = "0.001, 0.005, 0.01, 0.05, 0.1";
/// Most runs one sweep of the page starts (they train side by side in the worker).
pub const MAX_PAGE_SWEEP: usize = 12;

/// Lesson 12's 8-mer training ([`crate::training::seed002_question`]) from the link's settings.
fn kmer_training(lab: &Lab) -> TrainConfig {
    lab.settings.with_untracked(crate::training::seed002_question)
}

#[component]
pub fn ExercisesLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let exercise = move || lab.settings.with(|s| s.exercise);
    view! {
        <p>
            "Seed 002 ends its parts with three questions for the student. Each panel below sets up the comparison a "
            "question asks for and runs it in one click; what it means is for you to work out."
        </p>
        <div class="tabs" role="tablist" aria-label="Exercises" on:keydown=move |ev| tab_keys(&lab, &ev)>
            {Exercise::ALL.into_iter().map(|e| view! {
                <button role="tab" id=tab_id(e) data-testid=tab_id(e) aria-selected=move || (exercise() == e).to_string()
                    tabindex=move || if exercise() == e { "0" } else { "-1" } aria-controls=move || (exercise() == e).then_some(EX_PANEL)
                    class:selected=move || exercise() == e on:click=move |_| lab.settings.update(|s| s.exercise = e)>{e.title()}</button>
            }).collect_view()}
        </div>
        <div role="tabpanel" id=EX_PANEL tabindex="0" aria-labelledby=move || tab_id(exercise())>
            {move || match exercise() {
                Exercise::Position => view! { <PositionPanel /> }.into_any(),
                Exercise::Sweep => view! { <SweepPanel /> }.into_any(),
                Exercise::Improve => view! { <ImprovePanel /> }.into_any(),
                Exercise::Fig1c => view! { <Fig1cPanel /> }.into_any(),
            }}
        </div>
    }
}

/// The id of the open exercise's panel (only the open tab's panel is in the page, so only that
/// tab names it in `aria-controls`).
const EX_PANEL: &str = "ex-panel";

/// The id (and test id) of an exercise's tab, e.g. `ex-tab-q1`.
fn tab_id(e: Exercise) -> String {
    format!("ex-tab-{}", e.slug())
}

/// The ARIA tabs pattern's keys on the exercise tabs: ← and → move to the previous and next tab
/// (round the ends), Home and End to the first and last; the tab moved to is opened and focused.
/// Only the open tab is in the Tab order (`tabindex` 0, the others −1).
fn tab_keys(lab: &Lab, ev: &web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let all = Exercise::ALL;
    let n = all.len();
    let i = all.iter().position(|e| *e == lab.settings.with_untracked(|s| s.exercise)).unwrap_or(0);
    if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
        return;
    }
    let to = match ev.key().as_str() {
        "ArrowRight" => (i + 1) % n,
        "ArrowLeft" => (i + n - 1) % n,
        "Home" => 0,
        "End" => n - 1,
        _ => return,
    };
    ev.prevent_default();
    lab.settings.update(|s| s.exercise = all[to]);
    if let Some(tab) = document().get_element_by_id(&tab_id(all[to])).and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = tab.focus();
    }
}

/// Progress over all the runs of `bench`, with Pause / Resume and Reset, usable at any moment.
#[component]
fn GridProgress(bench: Bench, #[prop(into)] what: String) -> impl IntoView {
    let engine = expect_context::<Lab>().engine;
    let progress = Memo::new(move |_| {
        engine.runs.with(|runs| {
            let mine: Vec<&RunView> = runs.iter().filter(|r| r.bench == bench).collect();
            if mine.is_empty() {
                return None;
            }
            let (mut done, mut total, mut left) = (0.0, 0.0, 0.0);
            let known: Vec<f64> = mine.iter().filter_map(|r| r.seconds_per_epoch).collect();
            let typical = if known.is_empty() { None } else { Some(known.iter().sum::<f64>() / known.len() as f64) };
            for r in &mine {
                let n = r.config.num_epochs as f64;
                total += n;
                if r.state.is_live() {
                    let (b, per) = r.batch;
                    let partial = if per > 0 && r.history.len() < r.config.num_epochs { b as f64 / per as f64 } else { 0.0 };
                    let d = (r.history.len() as f64 + partial).min(n);
                    done += d;
                    left += (n - d) * r.seconds_per_epoch.or(typical).unwrap_or(f64::NAN);
                } else {
                    done += n;
                }
            }
            let ended = mine.iter().filter(|r| !r.state.is_live()).count();
            let failed = mine.iter().filter(|r| matches!(r.state, RunState::Failed(_))).count();
            let paused = mine.iter().any(|r| r.state == RunState::Paused);
            Some((ended, mine.len(), failed, done / total.max(1.0), left, paused))
        })
    });
    let training = move || engine.is_training(bench);
    let paused = move || engine.any(bench, |s| *s == RunState::Paused);
    let text = Memo::new(move |_| {
        progress.get().map(|(ended, n, failed, fraction, left, paused)| {
            let mut s = format!("{ended} of {n} {what} ended · {:.0}% of all epochs", fraction * 100.0);
            if failed > 0 {
                s.push_str(&format!(" · {failed} stopped by an error"));
            }
            if paused {
                s.push_str(" · paused");
            } else if ended < n && left.is_finite() && left > 0.0 {
                s.push_str(&format!(" · about {} left", duration(left)));
            }
            s
        })
    });
    view! {
        <div class="controls buttons">
            <button data-testid="grid-pause" on:click=move |_| engine.pause(bench) disabled=move || !training()>"Pause"</button>
            <button data-testid="grid-resume" on:click=move |_| { engine.resume(bench, Until::End); } disabled=move || !paused()>"▶ Resume"</button>
            <button data-testid="grid-reset" on:click=move |_| engine.clear(bench) disabled=move || progress.with(Option::is_none)
                title="Stop every run of this panel and clear them">"Reset"</button>
        </div>
        <progress max="1" prop:value=move || progress.get().map_or(0.0, |p| p.3) aria-label="Progress over all runs"></progress>
        <LiveStatus text=Signal::derive(move || text.get().unwrap_or_default()) testid="grid-live" />
        <p class="status" data-testid="grid-status">{move || text.get()}</p>
    }
}

/// Curves of `runs` (label, train, val) overlaid on one canvas; a message until the first epoch.
fn draw_curves(canvas: &NodeRef<Canvas>, curves: &[(String, Vec<f32>, Vec<f32>)], title: &str, empty: &str) {
    let series: Vec<LossSeries> = curves.iter().map(|(label, train, val)| LossSeries { label, train, val }).collect();
    let (drawn, title_owned, empty) = (curves.to_vec(), title.to_string(), empty.to_string());
    redraw_exportable(canvas, 560, 360, move |area, theme| {
        if drawn.iter().all(|(_, t, _)| t.is_empty()) {
            let _ = draw_message(area, theme, &empty);
            return;
        }
        let series: Vec<LossSeries> = drawn.iter().map(|(label, train, val)| LossSeries { label, train, val }).collect();
        let opts = LossOptions { log_y: true, title: Some(title_owned.clone()), theme: *theme, ..LossOptions::default() };
        let _ = draw_loss_curves(area, &series, &opts);
    });
    describe(canvas, &format!("{title}. {}", dnaplay_plots::describe::losses(&series, "MSE loss")));
}

/// "seed 002's rule" or "position-dependent", from the run's data.
fn rule_name(r: &RunView) -> String {
    match &r.data {
        RunData::Kmers(d) if d.rule.position != PositionEffect::Uniform => "position-dependent".into(),
        _ => "position-independent".into(),
    }
}

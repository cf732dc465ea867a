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

use std::sync::Arc;

use dnaplay_model::models::{Activation, ModelConfig, ModelKind};
use dnaplay_model::scoring::{PositionEffect, ScoringRule};
use dnaplay_model::settings::{EPOCHS, FILTER_WIDTH, LEARNING_RATE, NUM_FILTERS};
use dnaplay_model::interpret::filter_logos;
use dnaplay_model::sweep::{BoxStats, Grid, RunSummary, parse_list};
use dnaplay_model::tasks::ClassTaskKind;
use dnaplay_model::trainer::{OptimizerKind, TrainConfig};
use dnaplay_plots::{BoxOptions, BoxPanel, BoxSeries, HistogramSeries, Logo, LossOptions, LossSeries, ParityOptions, draw_box_panels, draw_histograms, draw_loss_curves, draw_message, draw_parity, thousands};
use dnaplay_state::Exercise;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::live::LiveStatus;
use crate::components::plot_canvas::{describe, redraw, redraw_logos};
use crate::engine::{Bench, ClassData, RunData, RunSpec, RunState, RunView, Until};
use crate::lab::{Dataset, Lab, RunResults, score_bins};
use crate::lessons::train::duration;

/// Seed 002's Question 2 learning rates: the lesson's 0.01 with two higher and two lower.
pub const SEED002_SWEEP_RATES: &str = "0.001, 0.005, 0.01, 0.05, 0.1";
/// Most runs one sweep of the page starts (they train side by side in the worker).
pub const MAX_PAGE_SWEEP: usize = 12;

/// Seed 002's training of a new 8-mer run with the link's epochs, batch size and seed.
fn kmer_training(lab: &Lab) -> TrainConfig {
    lab.settings.with_untracked(|s| TrainConfig { batch_size: s.batch_size, num_epochs: s.num_epochs, seed: s.seed, ..TrainConfig::default() })
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
        <div class="tabs" role="tablist">
            {Exercise::ALL.into_iter().map(|e| view! {
                <button role="tab" data-testid=format!("ex-tab-{}", e.slug()) aria-selected=move || (exercise() == e).to_string()
                    class:selected=move || exercise() == e on:click=move |_| lab.settings.update(|s| s.exercise = e)>{e.title()}</button>
            }).collect_view()}
        </div>
        {move || match exercise() {
            Exercise::Position => view! { <PositionPanel /> }.into_any(),
            Exercise::Sweep => view! { <SweepPanel /> }.into_any(),
            Exercise::Improve => view! { <ImprovePanel /> }.into_any(),
            Exercise::Fig1c => view! { <Fig1cPanel /> }.into_any(),
        }}
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
    redraw(canvas, 560, 360, |area, theme| {
        if curves.iter().all(|(_, t, _)| t.is_empty()) {
            let _ = draw_message(area, theme, empty);
            return;
        }
        let opts = LossOptions { log_y: true, title: Some(title.to_string()), theme: *theme, ..LossOptions::default() };
        let _ = draw_loss_curves(area, &series, &opts);
    });
    describe(canvas, &format!("{title}. {}", dnaplay_plots::describe::losses(&series, "MSE loss")));
}

/// Question 2: Linear and CNN over a list of learning rates, one click.
#[component]
fn SweepPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let (rates_text, set_rates_text) = signal(SEED002_SWEEP_RATES.to_string());
    let (error, set_error) = signal(None::<String>);
    let rates = move || -> Result<Vec<String>, String> {
        let items = parse_list("learning rates", &rates_text.get()).map_err(|e| e.to_string())?;
        for item in &items {
            LEARNING_RATE.parse_f64(item).map_err(|e| e.to_string())?;
        }
        Ok(items)
    };
    let grid = move || -> Result<Grid, String> {
        let rates = rates()?;
        let g = Grid::new().axis("model", vec!["linear".into(), "cnn".into()]).and_then(|g| g.axis("lr", rates)).map_err(|e| e.to_string())?;
        if g.len() > MAX_PAGE_SWEEP {
            return Err(format!("{} runs is more than the page trains side by side ({MAX_PAGE_SWEEP}); list fewer learning rates", g.len()));
        }
        Ok(g)
    };
    let run = move |_| {
        set_error.set(None);
        let result = grid().and_then(|g| {
            let data = RunData::Kmers(lab.dataset.get_untracked());
            let base = kmer_training(&lab);
            let specs: Vec<RunSpec> = g
                .cells()
                .iter()
                .map(|c| {
                    let kind: ModelKind = c.get("model").and_then(|m| m.parse().ok()).unwrap_or(ModelKind::Cnn);
                    let lr = c.get("lr").and_then(|v| v.parse().ok()).unwrap_or(base.learning_rate);
                    (data.clone(), ModelConfig { kind, ..ModelConfig::cnn(8) }, TrainConfig { learning_rate: lr, ..base.clone() })
                })
                .collect();
            engine.start_many(Bench::Sweep, specs, Until::End)
        });
        set_error.set(result.err());
    };
    let linear_canvas = NodeRef::<Canvas>::new();
    let cnn_canvas = NodeRef::<Canvas>::new();
    let curves = Memo::new(move |_| {
        engine.runs.with(|runs| {
            let of = |kind: ModelKind| {
                runs.iter()
                    .filter(|r| r.bench == Bench::Sweep && r.model.kind == kind)
                    .map(|r| {
                        let (train, val) = r.losses();
                        (format!("lr {}", r.config.learning_rate), train, val)
                    })
                    .collect::<Vec<_>>()
            };
            (of(ModelKind::Linear), of(ModelKind::Cnn))
        })
    });
    Effect::new(move |_| {
        curves.with(|(linear, cnn)| {
            draw_curves(&linear_canvas, linear, "Linear: one curve per learning rate", "Run the sweep: Linear's curves appear here");
            draw_curves(&cnn_canvas, cnn, "CNN: one curve per learning rate", "Run the sweep: the CNN's curves appear here");
        });
    });
    let rows = move || engine.runs_of(Bench::Sweep);
    view! {
        <section class="panel">
            <p>
                "Seed 002, Question 2: \"Compare the performance of the Linear and CNN models by using different learning "
                "rates. First run both models with higher learning rates (0.05, 0.1) and lower learning rates (0.005, 0.001), "
                "then create loss plots.\" One click trains all ten runs side by side, with the lesson's epochs, batch "
                "size and seed (SGD, as seed 002)."
            </p>
            <div class="controls">
                <label class="number">"Learning rates (comma-separated) "
                    <input type="text" class="rates" data-testid="sweep-rates" prop:value=move || rates_text.get_untracked()
                        aria-invalid=move || rates().is_err().to_string() on:input=move |ev| set_rates_text.set(event_target_value(&ev)) />
                    {move || rates().err().map(|p| view! { <span class="field-error" role="alert">{p}</span> })}
                </label>
                <button class="primary" data-testid="sweep-run" on:click=run disabled=move || engine.device.with(Option::is_none) || engine.is_training(Bench::Sweep)>
                    {move || format!("▶ Run the sweep ({} runs)", grid().map(|g| g.len()).unwrap_or(0))}</button>
            </div>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="sweep-error">{m}</p> })}
            <GridProgress bench=Bench::Sweep what="runs" />
        </section>
        <div class="side-by-side">
            <div>
                <canvas role="img" node_ref=linear_canvas data-testid="sweep-linear" aria-label="Linear's loss curves, one colour per learning rate; train dashed, validation solid; log scale"></canvas>
                <canvas role="img" node_ref=cnn_canvas data-testid="sweep-cnn" aria-label="The CNN's loss curves, one colour per learning rate; train dashed, validation solid; log scale"></canvas>
            </div>
            <aside class="card questions" data-testid="sweep-questions">
                <h3>"Seed 002's questions"</h3>
                <ol>
                    <li>"How does changing the learning rate affect convergence for each model?"</li>
                    <li>"Which model is more sensitive to learning rate changes, and why?"</li>
                    <li>"Based on your analysis, what learning rate would you recommend for each model type, and why?"</li>
                </ol>
                <h3>"Reading the curves"</h3>
                <p>"Compare where each curve starts, how steeply it falls in the first few epochs, and where it levels off. "
                   "A curve that jumps, climbs, or stops early (see the table) is worth a second look. The y axis is "
                   "logarithmic: equal heights are equal ratios."</p>
            </aside>
        </div>
        <Show when=move || !rows().is_empty()>
            <ScrollX label="The sweep's runs">
                <table class="runs" data-testid="sweep-table">
                    <thead><tr><th>"Model"</th><th>"Learning rate"</th><th>"Epochs"</th><th>"Final train MSE"</th><th>"Final val MSE"</th><th>"Best val MSE"</th><th>"Test R²"</th><th>"Status"</th></tr></thead>
                    <tbody>{move || rows().into_iter().map(|r| {
                        let last = r.history.last();
                        let best = r.history.iter().map(|h| h.val_loss).fold(f32::INFINITY, f32::min);
                        view! { <tr data-testid="sweep-row">
                            <td>{if r.model.kind == ModelKind::Linear { "Linear".to_string() } else { "CNN".to_string() }}</td>
                            <td>{r.config.learning_rate.to_string()}</td>
                            <td>{r.history.len()}</td>
                            <td>{last.map(|h| format!("{:.3}", h.train_loss)).unwrap_or_default()}</td>
                            <td>{last.map(|h| format!("{:.3}", h.val_loss)).unwrap_or_default()}</td>
                            <td>{best.is_finite().then(|| format!("{best:.3}")).unwrap_or_default()}</td>
                            <td>{r.results.as_ref().map(|x| format!("{:.3}", x.r_squared)).unwrap_or_default()}</td>
                            <td>{r.state.describe()}</td>
                        </tr> }
                    }).collect_view()}</tbody>
                </table>
            </ScrollX>
        </Show>
    }
}

/// `rule` with its bonuses position-independent (`false`) or falling from 1.5× at the start to
/// 0.5× at the end (`true`; seed 002, Question 1).
fn with_position(rule: &ScoringRule, dependent: bool) -> ScoringRule {
    ScoringRule { position: if dependent { PositionEffect::DEFAULT_DECAY } else { PositionEffect::Uniform }, ..rule.clone() }
}

/// Mean and standard deviation, for the histograms' captions.
fn mean_sd(v: &[f32]) -> (f64, f64) {
    let n = v.len().max(1) as f64;
    let mean = v.iter().map(|&x| x as f64).sum::<f64>() / n;
    let var = v.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Question 1: the rule with and without position-dependent bonuses.
#[component]
fn PositionPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    // Lesson 1's rule and seed, as two data sets: without and with the position effect.
    let pair = Memo::new(move |_| {
        let d = lab.dataset.get();
        [false, true].map(|dep| {
            let rule = with_position(&d.rule, dep);
            if rule == d.rule { Ok(d.clone()) } else { Dataset::new(rule, d.seed).map(Arc::new).map_err(|e| e.to_string()) }
        })
    });
    let canvases = [NodeRef::<Canvas>::new(), NodeRef::<Canvas>::new()];
    Effect::new(move |_| {
        pair.with(|p| {
            for (i, (canvas, data)) in canvases.iter().zip(p).enumerate() {
                let title = if i == 0 { "seed 002's rule" } else { "position-dependent" };
                redraw(canvas, 460, 300, |area, theme| match data {
                    Ok(d) => {
                        let s = HistogramSeries { label: title, values: &d.data.targets, alpha: 0.6 };
                        let _ = draw_histograms(area, &[s], score_bins(&d.data.targets), "score", theme);
                    }
                    Err(e) => {
                        let _ = draw_message(area, theme, e);
                    }
                });
                describe(canvas, &match data {
                    Ok(d) => dnaplay_plots::describe::histograms(&[HistogramSeries { label: title, values: &d.data.targets, alpha: 0.6 }], "score"),
                    Err(e) => e.clone(),
                });
            }
        });
    });
    let stats = move |i: usize| {
        pair.with(|p| {
            p[i].as_ref().ok().map(|d| {
                let (m, sd) = mean_sd(&d.data.targets);
                let distinct = {
                    let mut v: Vec<i64> = d.data.targets.iter().map(|&x| (x * 1000.0).round() as i64).collect();
                    v.sort_unstable();
                    v.dedup();
                    v.len()
                };
                format!("mean {m:.2}, sd {sd:.2}, {} distinct scores", thousands(distinct))
            })
        })
    };
    let (error, set_error) = signal(None::<String>);
    let train = move |_| {
        let cfg = kmer_training(&lab);
        let result = pair.with_untracked(|p| -> Result<(), String> {
            let specs: Vec<RunSpec> = p.iter().map(|d| d.clone().map(|d| (RunData::Kmers(d), ModelConfig::cnn(8), cfg.clone()))).collect::<Result<_, _>>()?;
            engine.start_many(Bench::Position, specs, Until::End)
        });
        set_error.set(result.err());
    };
    let loss_canvas = NodeRef::<Canvas>::new();
    let curves = Memo::new(move |_| {
        engine.runs.with(|runs| {
            runs.iter()
                .filter(|r| r.bench == Bench::Position)
                .map(|r| {
                    let (train, val) = r.losses();
                    (rule_name(r), train, val)
                })
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |_| curves.with(|c| draw_curves(&loss_canvas, c, "The CNN on each rule", "Train the CNN on both rules: its curves appear here")));
    let rows = move || engine.runs_of(Bench::Position);
    view! {
        <section class="panel">
            <p>
                "Seed 002, Question 1: \"implement a position-dependent scoring where a motif gets a higher bonus if it "
                "appears at the beginning of the sequence compared to the end. How does this change the distribution of "
                "scores?\" Here the bonus of lesson 1's rule is scaled from 1.5× for a motif at position 1 to 0.5× at the "
                "last position (edit the rule in lesson 1; both histograms follow it)."
            </p>
            <div class="side-by-side">
                <figure><canvas role="img" node_ref=canvases[0] data-testid="q1-hist-uniform" aria-label="Histogram of the scores of every 8-mer under seed 002's rule"></canvas>
                    <figcaption><strong>"Seed 002's rule: the same bonus anywhere. "</strong><span data-testid="q1-stats-uniform">{move || stats(0)}</span></figcaption></figure>
                <figure><canvas role="img" node_ref=canvases[1] data-testid="q1-hist-position" aria-label="Histogram of the scores of every 8-mer with position-dependent bonuses"></canvas>
                    <figcaption><strong>"Position-dependent: 1.5× at the start to 0.5× at the end. "</strong><span data-testid="q1-stats-position">{move || stats(1)}</span></figcaption></figure>
            </div>
            <p class="note">"Reading them: compare the peaks, the gaps between them, and how many distinct scores there are. "
                "Then ask which rule a width-3 filter followed by one dense layer can represent, and check it by training."</p>
            <div class="controls buttons">
                <button class="primary" data-testid="q1-train" on:click=train disabled=move || engine.device.with(Option::is_none) || engine.is_training(Bench::Position)>
                    "▶ Train the CNN on both rules"</button>
            </div>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="q1-error">{m}</p> })}
            <GridProgress bench=Bench::Position what="runs" />
        </section>
        <canvas role="img" node_ref=loss_canvas data-testid="q1-loss" aria-label="The CNN's loss curves on each rule; train dashed, validation solid; log scale"></canvas>
        <Show when=move || !rows().is_empty()>
            <ScrollX label="Both rules' runs">
                <table class="runs" data-testid="q1-table">
                    <thead><tr><th>"Rule"</th><th>"Epochs"</th><th>"Final val MSE"</th><th>"Test R²"</th><th>"Status"</th></tr></thead>
                    <tbody>{move || rows().into_iter().map(|r| view! { <tr data-testid="q1-row">
                        <td>{rule_name(&r)}</td><td>{r.history.len()}</td>
                        <td>{r.history.last().map(|h| format!("{:.3}", h.val_loss)).unwrap_or_default()}</td>
                        <td>{r.results.as_ref().map(|x| format!("{:.3}", x.r_squared)).unwrap_or_default()}</td>
                        <td>{r.state.describe()}</td>
                    </tr> }).collect_view()}</tbody>
                </table>
            </ScrollX>
        </Show>
    }
}

/// "seed 002's rule" or "position-dependent", from the run's data.
fn rule_name(r: &RunView) -> String {
    match &r.data {
        RunData::Kmers(d) if d.rule.position != PositionEffect::Uniform => "position-dependent".into(),
        _ => "position-independent".into(),
    }
}

/// "TAT ×2" for each of `rule`'s motifs that occurs more than once in `seq`.
fn repeated_motifs(rule: &ScoringRule, seq: &str) -> String {
    rule.repeated_motifs(seq).into_iter().map(|(m, n)| format!("{m} ×{n}")).collect::<Vec<_>>().join(", ")
}

/// The one thing Question 3's retrain changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Filters,
    Width,
    Epochs,
    LearningRate,
    Optimizer,
    Activation,
}

impl Change {
    const ALL: [Change; 6] = [Change::Filters, Change::Width, Change::Epochs, Change::LearningRate, Change::Optimizer, Change::Activation];

    fn name(self) -> &'static str {
        match self {
            Change::Filters => "number of filters",
            Change::Width => "filter width",
            Change::Epochs => "training length (epochs)",
            Change::LearningRate => "learning rate",
            Change::Optimizer => "optimizer (sgd or adam)",
            Change::Activation => "first-layer activation",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Change::Filters => "filters",
            Change::Width => "width",
            Change::Epochs => "epochs",
            Change::LearningRate => "lr",
            Change::Optimizer => "optimizer",
            Change::Activation => "activation",
        }
    }

    /// Apply `value` to the baseline's model and training, or say what is wrong with it, in the
    /// setting's own words ([`dnaplay_model::settings`]).
    fn apply(self, value: &str, model: &mut ModelConfig, train: &mut TrainConfig) -> Result<(), String> {
        match self {
            Change::Filters => model.num_filters = NUM_FILTERS.parse_usize(value).map_err(|e| e.to_string())?,
            Change::Width => model.filter_width = FILTER_WIDTH.parse_usize(value).map_err(|e| e.to_string())?,
            Change::Epochs => train.num_epochs = EPOCHS.parse_usize(value).map_err(|e| e.to_string())?,
            Change::LearningRate => train.learning_rate = LEARNING_RATE.parse_f64(value).map_err(|e| e.to_string())?,
            Change::Optimizer => train.optimizer = value.trim().parse::<OptimizerKind>().map_err(|e| e.to_string())?,
            Change::Activation => model.activation = value.trim().parse::<Activation>().map_err(|e| e.to_string())?,
        }
        Ok(())
    }
}

/// Test truth, predictions and sequences of a run's results.
fn test_points(res: &RunResults) -> (Vec<f32>, Vec<f32>, Vec<String>) {
    let test = &res.dataset.split.test;
    let d = &res.dataset.data;
    (test.iter().map(|&i| d.targets[i]).collect(), test.iter().map(|&i| res.all_predictions[i]).collect(), test.iter().map(|&i| d.seqs[i].clone()).collect())
}

/// Question 3: find where the CNN fails, change one thing, retrain, compare.
#[component]
fn ImprovePanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let (error, set_error) = signal(None::<String>);
    let (loading, load_shipped) = crate::checkpoints::load_action(lab, Bench::Improve, "seed 002's trained CNN", set_error);
    // A new baseline starts the comparison over.
    let load = move |ev| {
        engine.clear(Bench::Improve);
        load_shipped(ev);
    };
    let train_baseline = move |_| {
        engine.clear(Bench::Improve);
        let data = RunData::Kmers(lab.dataset.get_untracked());
        set_error.set(engine.start(Bench::Improve, data, vec![(ModelConfig::cnn(8), kmer_training(&lab))], Until::End).err());
    };
    // The baseline: the oldest run of the panel; the retrained one: the newest other.
    let runs = move || engine.runs_of(Bench::Improve);
    let baseline = Memo::new(move |_| runs().into_iter().next());
    let after = Memo::new(move |_| {
        let r = runs();
        if r.len() > 1 { r.into_iter().last() } else { None }
    });
    let worst = Memo::new(move |_| {
        let b = baseline.get()?;
        let res = b.results.as_ref()?;
        let (truth, pred, seqs) = test_points(res);
        let mut idx: Vec<usize> = (0..truth.len()).collect();
        idx.sort_by(|&a, &b| (pred[b] - truth[b]).abs().total_cmp(&(pred[a] - truth[a]).abs()));
        Some(idx.into_iter().take(10).map(|i| (seqs[i].clone(), truth[i], pred[i], repeated_motifs(&res.dataset.rule, &seqs[i]))).collect::<Vec<_>>())
    });
    let (change, set_change) = signal(Change::Filters);
    let (value, set_value) = signal(String::from("64"));
    let retrain = move |_| {
        let Some(b) = baseline.get_untracked() else { return };
        let (mut model, mut train) = (b.model.clone(), b.config.clone());
        let result = change.get_untracked().apply(&value.get_untracked(), &mut model, &mut train).and_then(|()| {
            if model == b.model && train == b.config {
                return Err("that is the baseline's own setting; change it to something else".into());
            }
            engine.start(Bench::Improve, b.data.clone(), vec![(model, train)], Until::End)
        });
        set_error.set(result.err());
    };
    let canvases = [NodeRef::<Canvas>::new(), NodeRef::<Canvas>::new()];
    let hist = NodeRef::<Canvas>::new();
    // Redraw when a model's results arrive, not on every training slice of the retrain.
    let results_of = |run: Memo<Option<RunView>>| Memo::new(move |_| run.with(|r| r.as_ref().and_then(|r| r.results.clone().map(|res| (r.id, r.label(), res)))));
    let (before_results, after_results) = (results_of(baseline), results_of(after));
    Effect::new(move |_| {
        let runs = [before_results.get(), after_results.get()];
        let mut errors: Vec<(String, Vec<f32>)> = Vec::new();
        for (i, (canvas, run)) in canvases.iter().zip(&runs).enumerate() {
            let name = if i == 0 { "Before" } else { "After" };
            redraw(canvas, 420, 420, |area, theme| match run.clone().map(|(_, label, res)| (label, res)) {
                Some((label, res)) => {
                    let (truth, pred, _) = test_points(&res);
                    let opts = ParityOptions { model_name: format!("{name}: {label}"), r_squared: res.r_squared, alpha: 0.2, theme: *theme };
                    let _ = draw_parity(area, &truth, &pred, None, &opts);
                    describe(canvas, &format!("Parity plot, {name}: {label}, R² = {:.3} on {} test sequences", res.r_squared, thousands(truth.len())));
                    errors.push((name.to_string(), pred.iter().zip(&truth).map(|(p, t)| p - t).collect()));
                }
                None => {
                    let msg = if i == 0 { "Load or train the baseline" } else { "Change one thing and retrain" };
                    let _ = draw_message(area, theme, msg);
                    describe(canvas, msg);
                }
            });
        }
        redraw(&hist, 760, 300, |area, theme| {
            if errors.is_empty() {
                let _ = draw_message(area, theme, "Error histograms appear once a model is evaluated");
                return;
            }
            let series: Vec<HistogramSeries> = errors.iter().map(|(n, e)| HistogramSeries { label: n, values: e, alpha: 0.5 }).collect();
            let _ = draw_histograms(area, &series, 80, "prediction − true score", theme);
        });
        let series: Vec<HistogramSeries> = errors.iter().map(|(n, e)| HistogramSeries { label: n, values: e, alpha: 0.5 }).collect();
        describe(&hist, &if errors.is_empty() { "Error histograms appear once a model is evaluated".to_string() } else { dnaplay_plots::describe::histograms(&series, "prediction − true score") });
    });
    let busy = move || engine.is_training(Bench::Improve) || loading.get() || engine.device.with(Option::is_none);
    view! {
        <section class="panel">
            <p>
                "Seed 002, Question 3: \"Design an approach to improve the model's prediction accuracy, particularly focusing "
                "on the sequences where the current model performs poorly.\" Start from a baseline CNN, look at its worst "
                "test predictions, change one thing, retrain, and compare."
            </p>
            <div class="controls buttons">
                <button class="primary" data-testid="q3-load" on:click=load disabled=busy>
                    {move || if loading.get() { "Loading…" } else { "Load seed 002's trained CNN" }}</button>
                <button data-testid="q3-train-baseline" on:click=train_baseline disabled=busy>"Train a baseline here"</button>
            </div>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="q3-error">{m}</p> })}
            <GridProgress bench=Bench::Improve what="runs" />
        </section>
        <Show when=move || worst.with(Option::is_some)>
            <h3>"The baseline's 10 worst test predictions"</h3>
            <ScrollX label="The worst test predictions">
                <table class="runs" data-testid="q3-worst">
                    <thead><tr><th>"Sequence"</th><th>"True score"</th><th>"Predicted"</th><th>"Error"</th><th>"A motif twice?"</th></tr></thead>
                    <tbody>{move || worst.get().unwrap_or_default().into_iter().map(|(seq, t, p, rep)| view! { <tr data-testid="q3-worst-row">
                        <td class="seq">{seq}</td><td>{format!("{t:.3}")}</td><td>{format!("{p:.2}")}</td><td>{format!("{:+.2}", p - t)}</td>
                        <td>{if rep.is_empty() { "no".to_string() } else { rep }}</td>
                    </tr> }).collect_view()}</tbody>
                </table>
            </ScrollX>
            <p class="note">"Reading it: what do these sequences have in common, and what does seed 002's rule (lesson 1) do "
                "with them? Which part of the model could not represent that, and which single change might let it?"</p>
            <div class="controls">
                <label>"Change "
                    <select data-testid="q3-change" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(c) = Change::ALL.into_iter().find(|c| c.slug() == v) { set_change.set(c) }
                    }>
                        {Change::ALL.into_iter().map(|c| view! { <option value=c.slug()>{c.name()}</option> }).collect_view()}
                    </select>
                </label>
                <label>" to "
                    <input type="text" data-testid="q3-value" prop:value=move || value.get() on:input=move |ev| set_value.set(event_target_value(&ev)) /></label>
                <button class="primary" data-testid="q3-retrain" on:click=retrain disabled=busy>"▶ Retrain with this change"</button>
            </div>
        </Show>
        <div class="side-by-side">
            <canvas role="img" node_ref=canvases[0] data-testid="q3-parity-before" aria-label="Parity plot of the baseline on the test split"></canvas>
            <canvas role="img" node_ref=canvases[1] data-testid="q3-parity-after" aria-label="Parity plot of the retrained model on the test split"></canvas>
        </div>
        <canvas role="img" node_ref=hist data-testid="q3-errors" aria-label="Histograms of the test errors before and after the change"></canvas>
        <p class="metric" data-testid="q3-compare">{move || {
            let r2 = |r: Option<RunView>| r.and_then(|r| r.results.map(|x| x.r_squared));
            match (r2(baseline.get()), r2(after.get())) {
                (Some(b), Some(a)) => format!("Test R²: {b:.3} before, {a:.3} after"),
                (Some(b), None) => format!("Test R² of the baseline: {b:.3}"),
                _ => String::new(),
            }
        }}</p>
    }
}

/// The architectures of seed 003's Fig. 1c, top to bottom, with the paper's names.
const FIG1C_MODELS: [(ModelKind, &str); 3] = [(ModelKind::Cnn2, "CNN-2"), (ModelKind::Cnn50, "CNN-50"), (ModelKind::CnnDeep, "CNN-deep")];
/// Its first-layer activations (Fig. 1a's seven), and log-relu with L2 0.2 (Extended Data Fig. 1e).
const FIG1C_ACTIVATIONS: [Activation; 8] =
    [Activation::Relu, Activation::Exp, Activation::Sigmoid, Activation::Tanh, Activation::Softplus, Activation::Linear, Activation::Elu, Activation::LogRelu];
/// The shipped grid, trained natively by `scripts/fig1c.sh` (copied from `assets/fig1c/`).
const FIG1C_SUMMARY: &str = "fig1c/summary.json";
/// Seed 003's L2 penalty for log-relu (Extended Data Fig. 1e); every other cell uses 1e-6.
const LOG_RELU_L2: f64 = 0.2;

/// The shipped runs of one cell.
fn cell_runs<'a>(runs: &'a [RunSummary], kind: ModelKind, act: Activation) -> Vec<&'a RunSummary> {
    RunSummary::select(runs, &[("model", kind.name()), ("activation", act.name())])
}

/// The match fractions of one cell's shipped runs.
fn cell_fractions(runs: &[RunSummary], kind: ModelKind, act: Activation) -> Vec<f64> {
    cell_runs(runs, kind, act).iter().filter_map(|r| r.metrics.get("match_fraction").copied()).collect()
}

/// Seed 003's Fig. 1c: the shipped grid (median match fraction per architecture and
/// activation, and its box plot), and any cell trained live on Task 1 in the page.
#[component]
fn Fig1cPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let (shipped, set_shipped) = signal(None::<Result<Vec<RunSummary>, String>>);
    leptos::task::spawn_local(async move {
        let read = crate::checkpoints::fetch_static(FIG1C_SUMMARY).await.and_then(|b| RunSummary::list_from_json(&String::from_utf8_lossy(&b)).map_err(|e| e.to_string()));
        set_shipped.set(Some(read));
    });
    let (selected, set_selected) = signal((ModelKind::Cnn2, Activation::Exp));
    let (error, set_error) = signal(None::<String>);
    let boxes = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        shipped.with(|s| {
            redraw(&boxes, 760, 620, |area, theme| match s {
                Some(Ok(runs)) => {
                    let panels: Vec<BoxPanel> = FIG1C_MODELS
                        .iter()
                        .map(|&(kind, title)| BoxPanel {
                            title: title.into(),
                            boxes: FIG1C_ACTIVATIONS
                                .iter()
                                .map(|&a| {
                                    let values = cell_fractions(runs, kind, a);
                                    let stats = BoxStats::of(&values).map(|b| [b.min, b.q1, b.median, b.q3, b.max]);
                                    BoxSeries { label: a.name().into(), stats, values }
                                })
                                .collect(),
                        })
                        .collect();
                    let opts = BoxOptions { y_label: "match fraction".into(), y_range: (0.0, 1.0), theme: *theme };
                    let _ = draw_box_panels(area, &panels, &opts);
                    describe(&boxes, &dnaplay_plots::describe::boxes(&panels, "the match fraction of the shipped runs"));
                }
                Some(Err(e)) => {
                    let _ = draw_message(area, theme, e);
                }
                None => {
                    let _ = draw_message(area, theme, "Loading the shipped grid…");
                }
            })
        })
    });
    // The match fraction of a cell's newest live run, read in place (the run list changes every
    // training slice; nothing is cloned).
    let live_fraction = move |kind: ModelKind, act: Activation| {
        engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::Fig1c && r.model.kind == kind && r.model.activation == act).and_then(|r| r.filters.as_ref().map(|f| f.report.match_fraction)))
    };
    let cell_text = move |kind: ModelKind, act: Activation| {
        let shipped_text = shipped.with(|s| match s {
            Some(Ok(runs)) => BoxStats::of(&cell_fractions(runs, kind, act)).map(|b| format!("{:.2}", b.median)).unwrap_or_else(|| "–".into()),
            _ => "…".into(),
        });
        let live_text = live_fraction(kind, act).map(|m| format!(" · live {m:.2}"));
        format!("{shipped_text}{}", live_text.unwrap_or_default())
    };
    let detail = move || {
        let (kind, act) = selected.get();
        let name = FIG1C_MODELS.iter().find(|m| m.0 == kind).map(|m| m.1).unwrap_or("?");
        let shipped_line = shipped.with(|s| match s {
            Some(Ok(runs)) => {
                let r = cell_runs(runs, kind, act);
                let aupr: Vec<f64> = r.iter().filter_map(|r| r.metrics.get("test_aupr").copied()).collect();
                match BoxStats::of(&cell_fractions(runs, kind, act)) {
                    Some(b) if b.n > 1 => format!(
                        "shipped: match fraction median {:.2} [{:.2}, {:.2}] over {} seeds; test AUPR median {:.3} ({} epochs on 30,000 sequences)",
                        b.median, b.q1, b.q3, b.n, BoxStats::of(&aupr).map_or(f64::NAN, |a| a.median), r.first().map_or(0, |r| r.epochs)
                    ),
                    Some(b) => format!("shipped: match fraction {:.2} (1 seed); test AUPR {:.3}", b.median, aupr.first().copied().unwrap_or(f64::NAN)),
                    None => "not in the shipped grid".into(),
                }
            }
            Some(Err(e)) => e.clone(),
            None => "loading…".into(),
        });
        format!("{name} · {act}: {shipped_line}")
    };
    let train = move |_| {
        let (kind, act) = selected.get_untracked();
        let st = lab.settings.get_untracked();
        let result = ClassData::generate(ClassTaskKind::Task1, st.class_seqs, st.seed).map_err(|e| e.to_string()).and_then(|data| {
            let model = ModelConfig::of_kind(kind, 200, act);
            let l2 = if act == Activation::LogRelu { LOG_RELU_L2 } else { TrainConfig::seed003_task1().weight_decay };
            let config = TrainConfig { num_epochs: st.class_epochs, learning_rate: st.exp_lr, seed: st.seed, weight_decay: l2, ..TrainConfig::seed003_task1() };
            engine.start(Bench::Fig1c, RunData::Class(Arc::new(data)), vec![(model, config)], Until::End)
        });
        set_error.set(result.err());
    };
    let logos_canvas = NodeRef::<Canvas>::new();
    let live_filters = Memo::new(move |_| engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::Fig1c).and_then(|r| r.filters.clone().map(|f| (r.label(), f)))));
    Effect::new(move |_| {
        live_filters.with(|f| {
            let logos: Vec<Logo> = f.as_ref().map(|(_, f)| filter_logos(&f.report.pfms, Some(&f.report.matches)).into_iter().map(Logo::from).collect()).unwrap_or_default();
            redraw_logos(&logos_canvas, 760, 4, 180, 110, &logos, "Train a cell live: its 32 first-layer logos appear here after each epoch");
        })
    });
    let status = move || engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::Fig1c).map(|r| r.status_line(&r.label())));
    view! {
        <section class="panel">
            <p>
                "Seed 003's headline figure (Fig. 1c): three architectures trained on Task 1 (200-nt sequences with 1 to 5 "
                "of 12 transcription-factor motifs, one label per factor) with different first-layer activations, and the "
                "fraction of their 32 first-layer filters that match one of the 12 motifs. CNN-50 pools by 50 right after "
                "the first layer, so its filters must learn whole motifs; CNN-2 and CNN-deep pool little and can build "
                "motifs from parts in deeper layers. Each cell shows the median over the shipped runs (trained natively "
                "by scripts/fig1c.sh); click one to see it, and train it live here."
            </p>
            <ScrollX label="Fig. 1c grid">
                <table class="runs fig1c" data-testid="fig1c-grid">
                    <thead><tr><th></th>{FIG1C_ACTIVATIONS.iter().map(|a| view! { <th>{a.name()}</th> }).collect_view()}</tr></thead>
                    <tbody>{FIG1C_MODELS.iter().map(|&(kind, title)| view! { <tr>
                        <th>{title}</th>
                        {FIG1C_ACTIVATIONS.iter().map(|&a| view! { <td>
                            <button data-testid=format!("fig1c-cell-{}-{}", kind.name(), a.name()) class:selected=move || selected.get() == (kind, a)
                                aria-label=format!("{title} with {a}") on:click=move |_| set_selected.set((kind, a))>{move || cell_text(kind, a)}</button>
                        </td> }).collect_view()}
                    </tr> }).collect_view()}</tbody>
                </table>
            </ScrollX>
            <p class="metric" data-testid="fig1c-detail">{detail}</p>
            <p class="note">"Reading it: compare each architecture's relu cell with its exp cell, then the rows with each other. "
                "What does CNN-50's pooling force on its first layer that CNN-2's does not?"</p>
            <div class="controls buttons">
                <button class="primary" data-testid="fig1c-train" on:click=train disabled=move || engine.device.with(Option::is_none) || engine.is_training(Bench::Fig1c)>
                    {move || { let (k, a) = selected.get(); format!("▶ Train {} · {a} live", FIG1C_MODELS.iter().find(|m| m.0 == k).map(|m| m.1).unwrap_or("?")) }}</button>
            </div>
            <p class="note">{move || lab.settings.with(|s| format!("Live: {} sequences, {} epochs, Adam at {} (lesson 9's settings; the shipped grid used 30,000 sequences, 10 epochs, 0.001).", thousands(s.class_seqs), s.class_epochs, s.exp_lr))}</p>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="fig1c-error">{m}</p> })}
            <GridProgress bench=Bench::Fig1c what="runs" />
            <p class="status" data-testid="fig1c-status">{status}</p>
        </section>
        <canvas role="img" node_ref=boxes data-testid="fig1c-boxplot" aria-label="Box plots of the match fraction per activation, one panel per architecture, over the shipped runs"></canvas>
        <canvas role="img" node_ref=logos_canvas data-testid="fig1c-logos" aria-label="Sequence logos of the live run's first-layer filters, labelled with the motif each matches"></canvas>
    }
}

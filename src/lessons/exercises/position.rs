//! Question 1: seed 002's rule with and without position-dependent bonuses: the two score
//! histograms, then the CNN trained on each.

use std::sync::Arc;

use dnaplay_model::models::ModelConfig;
use dnaplay_model::scoring::{PositionEffect, ScoringRule};
use dnaplay_plots::{HistogramSeries, draw_histograms, draw_message, thousands};
use dnaplay_protocol::Bench;
use dnaplay_protocol::Dataset;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::export::PlotExport;
use crate::components::plot_canvas::{describe, redraw_exportable};
use crate::engine::{RunData, RunSpec, Until};
use crate::lab::{Lab, score_bins};
use super::{GridProgress, draw_curves, kmer_training, rule_name};

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
pub(super) fn PositionPanel() -> impl IntoView {
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
                let drawn = data.clone();
                redraw_exportable(canvas, 460, 300, move |area, theme| match &drawn {
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
            engine.start_many(Bench::Position, specs, Until::End).map_err(|e| e.to_string())
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
                <figure><canvas role="img" node_ref=canvases[0] data-testid="q1-hist-uniform" aria-label="Histogram of the scores of every 8-mer under seed 002's rule"></canvas><span class="exports"><PlotExport canvas=canvases[0] name="q1-hist-uniform" title="the scores under seed 002's rule" /></span>
                    <figcaption><strong>"Seed 002's rule: the same bonus anywhere. "</strong><span data-testid="q1-stats-uniform">{move || stats(0)}</span></figcaption></figure>
                <figure><canvas role="img" node_ref=canvases[1] data-testid="q1-hist-position" aria-label="Histogram of the scores of every 8-mer with position-dependent bonuses"></canvas><span class="exports"><PlotExport canvas=canvases[1] name="q1-hist-position" title="the position-dependent scores" /></span>
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
        <p class="exports"><PlotExport canvas=loss_canvas name="q1-loss" title="the CNN's loss curves on each rule" /></p>
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

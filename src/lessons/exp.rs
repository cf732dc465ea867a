//! Lesson 9: why exponential? (seed 003, Koo and Ploenzke 2021). The activation functions
//! (Fig. 1a), then CNN-dist trained on Task 3 twice, relu and exp, side by side and live: loss,
//! validation AUROC, match fraction, and the first-layer logos labelled with the core motif each
//! one matches.

use dnaplay_model::models::{Activation, ModelConfig};
use dnaplay_plots::{Line, LineOptions, LossOptions, LossSeries, Theme, draw_lines, draw_loss_curves, draw_message};
use dnaplay_protocol::Bench;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::class_panel::ClassPanel;
use crate::components::export::{CsvExport, PlotExport, csv_table};
use crate::components::plot_canvas::{describe, redraw_exportable, redraw_logos, snapshot_logos};
use crate::engine::RunView;
use crate::lab::Lab;

/// The two first-layer activations compared, in display order.
const ACTIVATIONS: [Activation; 2] = [Activation::Relu, Activation::Exp];

/// Logos per row in each of the two grids.
const LOGO_COLUMNS: usize = 3;

fn color(a: Activation, theme: &Theme) -> plotters::style::RGBColor {
    theme.series(ACTIVATIONS.iter().position(|&x| x == a).unwrap_or(2))
}

/// Lesson 9's curves of one run: its activation, train and validation losses, validation AUROC
/// and match fraction per epoch.
type Curves = (Activation, Vec<f32>, Vec<f32>, Vec<f64>, Vec<f64>);

/// Each run's validation AUROC (solid) and match fraction (dashed) per epoch.
fn auroc_lines(curves: &[Curves], theme: &Theme) -> Vec<Line> {
    let mut lines = Vec::new();
    for c in curves {
        lines.push(Line { label: format!("{} val AUROC", c.0), points: c.3.iter().enumerate().map(|(e, &v)| (e as f64, v)).collect(), color: color(c.0, theme), dashed: false });
        lines.push(Line { label: format!("{} match fraction", c.0), points: c.4.iter().enumerate().map(|(e, &v)| (e as f64, v)).collect(), color: color(c.0, theme), dashed: true });
    }
    lines
}

#[component]
fn LogoGrid(index: usize) -> impl IntoView {
    let engine = expect_context::<Lab>().engine;
    let canvas = NodeRef::<Canvas>::new();
    let activation = ACTIVATIONS[index];
    // Redraw when this run's filters change (once per epoch), not on every slice.
    let filters = Memo::new(move |_| engine.runs.with(|r| r.iter().filter(|r| r.bench == Bench::Contrast).nth(index).and_then(|r| r.filters.clone())));
    Effect::new(move |_| {
        let logos = filters.with(|f| snapshot_logos(f.as_deref(), true));
        redraw_logos(&canvas, 460, LOGO_COLUMNS, 140, 120, &logos, "Logos appear after the first epoch");
    });
    let heading = move || {
        filters.with(|f| {
            f.as_ref().map(|f| {
                let r = &f.report;
                let n = dnaplay_model::matching::significant_matches(&r.matches);
                format!("match fraction {:.2} ({n} of {} filters) after epoch {}", r.match_fraction, r.pfms.len(), f.epoch)
            })
        })
    };
    view! {
        <div class="card">
            <h3>{format!("CNN-dist, {activation} first layer")}</h3>
            <p class="metric" data-testid=format!("match-{activation}")>{heading}</p>
            <canvas role="img" node_ref=canvas data-testid=format!("logos-{activation}") aria-label=format!("Sequence logos of the {activation} run's 24 first-layer filters, in bits, each labelled with the core motif it matches")></canvas>
            <p class="exports"><PlotExport canvas name=["exp-logos-relu", "exp-logos-exp"][index] title=["the relu run's logos", "the exp run's logos"][index] /></p>
        </div>
    }
}

#[component]
pub fn ExpLesson() -> impl IntoView {
    let engine = expect_context::<Lab>().engine;
    let act_canvas = NodeRef::<Canvas>::new();
    let loss_canvas = NodeRef::<Canvas>::new();
    let auroc_canvas = NodeRef::<Canvas>::new();

    // Seed 003, Fig. 1a.
    let activation_lines = |theme: &Theme| -> Vec<Line> {
        let xs: Vec<f64> = (0..=120).map(|i| -3.0 + i as f64 * 0.05).collect();
        Activation::ALL
            .iter()
            .enumerate()
            .map(|(i, &a)| Line {
                label: a.to_string(),
                points: xs.iter().map(|&x| (x, a.apply_scalar(x as f32) as f64)).collect(),
                color: if a == Activation::Exp { theme.series(1) } else if a == Activation::Relu { theme.series(0) } else { theme.series(i + 2) },
                dashed: !matches!(a, Activation::Exp | Activation::Relu),
            })
            .collect()
    };
    Effect::new(move |_| {
        redraw_exportable(&act_canvas, 640, 320, move |area, theme| {
            let opts = LineOptions { x_label: "input x".into(), y_label: "activation f(x)".into(), y_range: Some((-1.5, 4.0)), x_range: Some((-3.0, 3.0)), theme: *theme, ..LineOptions::default() };
            let _ = draw_lines(area, &activation_lines(theme), &opts);
        });
        describe(&act_canvas, &format!("The activation functions from x = −3 to 3: {}. exp grows fastest for positive x and is near 0 below 0.", Activation::ALL.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ")));
    });

    let curves = Memo::new(move |_| {
        engine.runs.with(|runs| {
            runs.iter()
                .filter(|r| r.bench == Bench::Contrast)
                .map(|r| {
                    let (train, val) = r.losses();
                    (
                        r.model.activation,
                        train,
                        val,
                        r.history.iter().map(|h| h.val_auroc.unwrap_or(f32::NAN) as f64).collect::<Vec<f64>>(),
                        r.match_fractions.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |_| {
        let curves = curves.get();
        let empty = curves.iter().all(|c| c.1.is_empty());
        let drawn = curves.clone();
        redraw_exportable(&loss_canvas, 460, 300, move |area, theme| {
            let curves = &drawn;
            if empty {
                let _ = draw_message(area, theme, "Loss per epoch appears here");
                return;
            }
            let labels: Vec<String> = curves.iter().map(|c| c.0.to_string()).collect();
            let series: Vec<LossSeries> = curves.iter().zip(&labels).map(|(c, l)| LossSeries { label: l, train: &c.1, val: &c.2 }).collect();
            let _ = draw_loss_curves(area, &series, &LossOptions { y_label: "binary cross-entropy".into(), theme: *theme, ..LossOptions::default() });
        });
        let labels: Vec<String> = curves.iter().map(|c| c.0.to_string()).collect();
        let series: Vec<LossSeries> = curves.iter().zip(&labels).map(|(c, l)| LossSeries { label: l, train: &c.1, val: &c.2 }).collect();
        describe(&loss_canvas, &dnaplay_plots::describe::losses(&series, "Binary cross-entropy"));
        let drawn = curves.clone();
        redraw_exportable(&auroc_canvas, 460, 300, move |area, theme| {
            let curves = &drawn;
            if empty {
                let _ = draw_message(area, theme, "Validation AUROC and match fraction appear here");
                return;
            }
            let opts = LineOptions { x_label: "Epoch".into(), y_label: "AUROC / fraction".into(), y_range: Some((0.0, 1.0)), integer_x: true, legend: plotters::chart::SeriesLabelPosition::MiddleRight, theme: *theme, ..LineOptions::default() };
            let _ = draw_lines(area, &auroc_lines(&curves, theme), &opts);
        });
        if !empty {
            describe(&auroc_canvas, &dnaplay_plots::describe::lines(&auroc_lines(&curves, &Theme::default()), "Epoch", "Validation AUROC and match fraction"));
        }
    });


    view! {
        <p>
            "Seed 003 (Koo and Ploenzke, 2021) asks what a CNN's first-layer filters learn. With a relu, a deep CNN "
            "spreads each motif over several filters as fragments, to be put back together by deeper layers. With an "
            "exponential activation the filters learn whole, readable motifs. The plot shows why that could be: "
            <code>"exp"</code>" is tiny for the negative scores of background sequence and grows fast for a good match, "
            "so a filter is pushed to respond to whole motifs and stay quiet elsewhere (Fig. 1a)."
        </p>
        <canvas role="img" node_ref=act_canvas data-testid="activations" aria-label="The seven activation functions from x = -3 to 3"></canvas>
        <p class="exports"><PlotExport canvas=act_canvas name="exp-activations" title="the activation functions" /></p>
        <p>
            "The data is seed 003's Task 3: 200-nt random sequences with 3 to 7 motifs embedded. Positives take "
            "theirs from five core motifs (CEBPB, Gabpa, MAX, SP1, YY1, either strand), negatives from a pool of "
            "background JASPAR motifs. The model is CNN-dist (24 filters of width 7, then three more convolutions "
            "with small max-pools), trained the paper's way: binary cross-entropy, Adam, batches of 100. The paper's "
            "learning rate, 0.001, needs tens of epochs on 20,000 sequences; the lesson starts at 0.01, which shows "
            "the contrast within 10 epochs on 6,000. "
            "Both runs start from the same weights and see the same batches; only the first activation differs. "
            "After every epoch each filter's logo is rebuilt from the validation windows where it reaches at least "
            "half its maximum, and matched against the core motifs (a Tomtom-like test, p ≤ 0.01; \"rc\" marks a "
            "match to the reverse complement)."
        </p>
        <ClassPanel bench=Bench::Contrast prefix="exp" train_label="Train both"
            models={|| ACTIVATIONS.iter().map(|&a| ModelConfig::cnn_dist(200, a)).collect()} run_name={|r: &RunView| r.model.activation.to_string()} />
        <div class="cards">
            <canvas role="img" node_ref=loss_canvas data-testid="exp-loss" aria-label="Training (dashed) and validation (solid) loss per epoch of both runs"></canvas>
            <canvas role="img" node_ref=auroc_canvas data-testid="exp-auroc" aria-label="Validation AUROC (solid) and filter match fraction (dashed) per epoch of both runs"></canvas>
        </div>
        <p class="exports">
            <PlotExport canvas=loss_canvas name="exp-loss" title="the loss curves" />
            <PlotExport canvas=auroc_canvas name="exp-auroc" title="the validation AUROC and match fraction" />
            <CsvExport name="exp-history" title="both runs' loss, validation AUROC and match fraction per epoch" rows=Callback::new(move |()| {
                let rows: Vec<Vec<String>> = engine.runs.with_untracked(|runs| runs.iter().filter(|r| r.bench == Bench::Contrast).flat_map(|r| {
                    r.history.iter().enumerate().map(|(i, h)| vec![
                        r.model.activation.to_string(), h.epoch.to_string(), h.train_loss.to_string(), h.val_loss.to_string(),
                        h.val_auroc.map(|a| a.to_string()).unwrap_or_default(),
                        r.match_fractions.get(i).map(|m| m.to_string()).unwrap_or_default(),
                    ]).collect::<Vec<_>>()
                }).collect());
                (!rows.is_empty()).then(|| csv_table(&["activation", "epoch", "train_bce", "val_bce", "val_auroc", "match_fraction"], rows))
            }) />
        </p>
        <div class="cards" data-testid="exp-logos">
            <LogoGrid index=0 />
            <LogoGrid index=1 />
        </div>
        <p class="note">
            "What to look for: both runs classify about equally well (AUROC), but the exp run's logos sharpen into "
            "whole motifs (GGGGCGGGG is SP1, CCGGAAGT is Gabpa, CACGTG is MAX) and more of them match, while the relu "
            "run's stay partial. Seed 003 reports this contrast over 10 initialisations (Fig. 1c); "
            <code>"scripts/exp-vs-relu.sh"</code>" repeats it from the command line over several seeds."
        </p>
    }
}

//! Lesson 10: classifying 200-nt sequences (seed 000, "Interpretable DNA Motif Detection with a
//! Multi-Scale CNN and Attention"). The data with its planted motifs highlighted, the
//! multi-scale CNN training live, seed 000's classification report and confusion matrix, the
//! score distributions by class, and the attention weights over a chosen test sequence.

use dnaplay_model::deep::MULTISCALE_WIDTHS;
use dnaplay_model::models::{Activation, ModelConfig};
use dnaplay_model::synthetic::{MotifSequence, generate_keras200};
use dnaplay_plots::{Line, LineOptions, LossOptions, LossSeries, Theme, draw_lines, draw_loss_curves, draw_message};
use dnaplay_protocol::Bench;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::binary_report::{BinaryReport, LESSON10};
use crate::components::class_panel::ClassPanel;
use crate::components::export::PlotExport;
use crate::components::plot_canvas::{describe, redraw_exportable};
use crate::engine::RunView;
use crate::lab::Lab;

/// Sequences shown in the data preview, per class.
const PREVIEW_PER_CLASS: usize = 3;

/// A sequence as text with its planted motifs marked.
fn highlighted(s: &MotifSequence) -> impl IntoView + use<> {
    let mut parts = Vec::new();
    let mut at = 0;
    for p in &s.placements {
        if p.start > at {
            parts.push((s.seq[at..p.start].to_string(), false));
        }
        parts.push((s.seq[p.start..p.start + p.width].to_string(), true));
        at = p.start + p.width;
    }
    parts.push((s.seq[at..].to_string(), false));
    parts.into_iter().map(|(text, motif)| if motif { view! { <mark class="motif">{text}</mark> }.into_any() } else { view! { <span>{text}</span> }.into_any() }).collect_view()
}

#[component]
pub fn ClassifyLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let settings = lab.settings;
    // Lesson 10 trains one run at a time: the newest.
    let run = Memo::new(move |_| engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::Keras).cloned()));
    let loss_canvas = NodeRef::<Canvas>::new();
    let att_canvas = NodeRef::<Canvas>::new();

    // The data preview follows the settings (generating 10,000 sequences takes milliseconds).
    // Keyed on (n, seed) alone: other settings changing must not regenerate the data.
    let size_and_seed = Memo::new(move |_| settings.with(|s| (s.keras_seqs, s.seed)));
    let preview = Memo::new(move |_| {
        let (n, seed) = size_and_seed.get();
        generate_keras200(n, 200, seed).ok().map(|seqs| {
            let pos = seqs.iter().filter(|s| s.label).take(PREVIEW_PER_CLASS).cloned();
            let neg = seqs.iter().filter(|s| !s.label && !s.placements.is_empty()).take(PREVIEW_PER_CLASS - 1).cloned();
            let plain = seqs.iter().filter(|s| !s.label && s.placements.is_empty()).take(1).cloned();
            pos.chain(neg).chain(plain).collect::<Vec<_>>()
        })
    });

    let curves = Memo::new(move |_| {
        run.with(|r| r.as_ref().map(RunView::losses))
    });
    Effect::new(move |_| {
        let curves = curves.get();
        let drawn = curves.clone();
        redraw_exportable(&loss_canvas, 460, 300, move |area, theme| match &drawn {
            Some((train, val)) if !train.is_empty() => {
                let _ = draw_loss_curves(area, &[LossSeries { label: "multiscale", train, val }], &LossOptions { y_label: "binary cross-entropy".into(), theme: *theme, ..LossOptions::default() });
            }
            _ => drop(draw_message(area, theme, "Loss per epoch appears here")),
        });
        let series: Vec<LossSeries> = curves.iter().map(|(train, val)| LossSeries { label: "multiscale", train, val }).collect();
        describe(&loss_canvas, &dnaplay_plots::describe::losses(&series, "Binary cross-entropy"));
    });

    let test = Memo::new(move |_| run.with(|r| r.as_ref().and_then(|r| r.test.clone())));

    // Attention over one test sequence, chosen by its index in the test split.
    let (chosen, set_chosen) = signal(0usize);
    let attention = RwSignal::new(None::<Result<Vec<f32>, dnaplay_protocol::RunError>>);
    Effect::new(move |_| {
        let index = chosen.get();
        if test.get().is_none() {
            attention.set(None);
            return;
        }
        let Some(id) = run.with_untracked(|r| r.as_ref().filter(|r| r.data.class().is_some()).map(|r| r.id)) else { return };
        attention.set(None);
        engine.request_attention(id, index);
    });
    // The worker's answer, when it is for the run and the sequence shown.
    Effect::new(move |_| {
        let Some((id, index, result)) = engine.attention.get() else { return };
        if index == chosen.get_untracked() && run.with_untracked(|r| r.as_ref().is_some_and(|r| r.id == id)) {
            attention.set(Some(result));
        }
    });
    let chosen_seq = move || {
        let index = chosen.get();
        run.with(|r| r.as_ref().and_then(|r| r.data.class().and_then(|c| c.task.split.test.get(index).map(|&i| c.task.seqs[i].clone()))))
    };
    Effect::new(move |_| {
        let att = attention.get();
        let seq = chosen_seq();
        let lines = |w: &[f32], len: usize, theme: &Theme| -> Vec<Line> {
            MULTISCALE_WIDTHS
                .iter()
                .enumerate()
                .map(|(k, width)| Line {
                    label: format!("width {width}"),
                    points: (0..len).map(|p| (p as f64, w.get(k * len + p).copied().unwrap_or(f32::NAN) as f64)).collect(),
                    color: theme.series(k),
                    dashed: false,
                })
                .collect()
        };
        if let (Some(Ok(w)), Some(s)) = (&att, &seq) {
            describe(&att_canvas, &dnaplay_plots::describe::lines(&lines(w, s.seq.len(), &Theme::default()), "Position", "Attention weight of each branch"));
        }
        redraw_exportable(&att_canvas, 960, 300, move |area, theme| match (&att, &seq) {
            (Some(Ok(w)), Some(s)) => {
                let len = s.seq.len();
                let lines = lines(w, len, theme);
                let bands = s.placements.iter().map(|p| (p.start as f64 - 0.5, (p.start + p.width) as f64 - 0.5, p.name.clone())).collect();
                let opts = LineOptions { x_label: "Position (nt)".into(), y_label: "attention weight".into(), x_range: Some((-0.5, len as f64 - 0.5)), bands, theme: *theme, legend: plotters::chart::SeriesLabelPosition::UpperRight, ..LineOptions::default() };
                let _ = draw_lines(area, &lines, &opts);
            }
            (Some(Err(e)), _) => drop(draw_message(area, theme, &format!("Could not read the attention weights: {e}"))),
            _ => drop(draw_message(area, theme, "Train the model to see where it attends")),
        });
    });

    // Lesson 11 explains a sequence: the one chosen here, or the first of a confusion-matrix cell.
    let explain = move |k: usize| {
        lab.explain_keras.set(Some(k));
        settings.update(|s| s.lesson = dnaplay_state::Lesson::Explain);
    };
    let explain_cell = Callback::new(move |(truth, predicted): (bool, bool)| {
        let first = test.with_untracked(|t| t.as_ref().and_then(|t| t.labels.iter().zip(&t.probabilities).position(|(&l, &p)| l == truth && (p >= 0.5) == predicted)));
        if let Some(k) = first {
            explain(k);
        }
    });
    let num_test = move || run.with(|r| r.as_ref().and_then(|r| r.data.class().map(|c| c.task.split.test.len())).unwrap_or(0));

    view! {
        <p>
            "Seed 000 builds a classifier for 200-nt sequences. Positives carry one of four short motifs (TATAAA, "
            "CAAT, GGGCGG, TTGACA) at a random position; 30% of the negatives carry a 7-nt run of one base as a "
            "decoy. Planted motifs are highlighted:"
        </p>
        <ScrollX label="Sample sequences" testid="class-samples">
            <table class="samples">
                <tbody>
                    {move || preview.get().unwrap_or_default().into_iter().map(|s| {
                        let label = if s.label { "positive" } else { "negative" };
                        let seq = s.clone();
                        view! { <tr><td class=label>{label}</td><td class="seq">{highlighted(&seq)}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollX>
        <p>
            "The model looks at the sequence at four scales at once: convolutions of width 3, 7, 15 and 25 (64 "
            "filters each). Each branch scores every position (a tanh of a weighted sum of its filters), turns the "
            "scores into weights that sum to 1 (softmax), and keeps the strongest weighted feature: attention "
            "pooling. Dense layers of 256 and 128 units then give the probability of the positive class. Training "
            "is seed 000's: 10,000 sequences, binary cross-entropy, Adam, batches of 64, the learning rate halved "
            "when the validation loss stalls, and the weights of the lowest validation loss kept. Seed 000 runs "
            "Adam at 0.001 for up to 30 epochs; the lesson starts at 0.003 to learn as much in 6."
        </p>
        <p class="note">
            "One step is not seed 000's. Dropout zeroes features in training and scales up the rest, so the dense "
            "layers' inputs spread wider in training than when the model predicts, and the batch-norm averages "
            "learned in training stop fitting (the \"variance shift\" between dropout and batch normalisation). "
            "Left alone, the validation loss climbs while the AUROC improves, and every test sequence ends up "
            "below probability 0.5. So before each validation the page measures those averages again on 512 "
            "training sequences with dropout off. No weight changes."
        </p>
        <ClassPanel bench=Bench::Keras prefix="cls" train_label="Train"
            models={|| vec![ModelConfig::multiscale(200, Activation::Relu)]} run_name={|_: &RunView| "multiscale".to_string()} />
        <div class="cards">
            <canvas role="img" node_ref=loss_canvas data-testid="cls-loss" aria-label="Training (dashed) and validation (solid) loss per epoch"></canvas>
        </div>
        <p class="exports">
            <PlotExport canvas=loss_canvas name="cls-loss" title="the loss curves" />
        </p>
        <BinaryReport eval=test names=LESSON10 on_cell=(explain_cell, "Explain in lesson 11") />
        <p class="note">
            "Why not 100%? CAAT is only 4 bases: it turns up by chance in about half of all random 200-nt "
            "sequences, so a positive whose planted motif is CAAT looks like many negatives. TATAAA, GGGCGG and "
            "TTGACA also occur by chance in about 5% of negatives each. The best possible accuracy on this data "
            "is about 0.84."
        </p>
        <h3>"Where does the model look?"</h3>
        <div class="controls">
            <label>"Test sequence "
                <input type="number" min="0" max=move || num_test().saturating_sub(1).to_string() data-testid="cls-seq"
                    prop:value=move || chosen.get().to_string()
                    on:input={move |ev| if let Ok(v) = event_target_value(&ev).parse::<usize>() { set_chosen.set(v.min(num_test().saturating_sub(1))) }} />
            </label>
            <button data-testid="cls-explain" on:click=move |_| explain(chosen.get_untracked())>"Explain it in lesson 11 →"</button>
            <span class="status">{move || chosen_seq().map(|s| {
                let p = test.with(|t| t.as_ref().and_then(|t| t.probabilities.get(chosen.get()).copied()));
                format!("{} · predicted probability {}", if s.label { "positive" } else { "negative" }, p.map(|p| format!("{p:.3}")).unwrap_or_else(|| "–".into()))
            })}</span>
        </div>
        <ScrollX label="The chosen sequence" class="seq-line">{move || chosen_seq().map(|s| highlighted(&s))}</ScrollX>
        <canvas role="img" node_ref=att_canvas data-testid="cls-attention" aria-label="Attention weight of each branch at each position of the chosen test sequence, planted motifs shaded"></canvas>
        <p class="exports"><PlotExport canvas=att_canvas name="cls-attention" title="the attention weights" /></p>
    }
}

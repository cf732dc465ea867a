//! Lesson 7: the parity plot (seed 002, Part 6): predicted against true score on the test
//! split, with y = x and R²; hovering a point names its sequence.

use dnaplay_plots::{ParityOptions, PlotFrame, draw_message, draw_parity, thousands};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::any_backend::AnyBackend;
use crate::components::export::{CsvExport, PlotExport, csv_table, keep_drawing};
use crate::components::plot_canvas::{backend_point, describe, redraw};
use crate::lab::Lab;
use crate::lessons::RunPicker;

const SIZE: u32 = 560;

#[component]
pub fn ParityLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let canvas = NodeRef::<Canvas>::new();
    let (hover, set_hover) = signal(None::<usize>);
    // How the last press came: a finger (or pen) has no hover, so its first tap on a dot names
    // it and a second tap on the same dot opens lesson 11.
    let touch = StoredValue::new(false);
    let frame = StoredValue::new(None::<PlotFrame>);
    // Truth and predictions of the test split, for the run shown.
    let points = Memo::new(move |_| {
        let run = lab.shown.get()?;
        let res = &run.results;
        let test = &res.dataset.split.test;
        let truth: Vec<f32> = test.iter().map(|&i| res.dataset.data.targets[i]).collect();
        let pred: Vec<f32> = test.iter().map(|&i| res.all_predictions[i]).collect();
        let seqs: Vec<String> = test.iter().map(|&i| res.dataset.data.seqs[i].clone()).collect();
        Some((run.label.clone(), res.r_squared, truth, pred, seqs))
    });
    Effect::new(move |_| {
        let h = hover.get();
        points.with(|p| {
            redraw(&canvas, SIZE, SIZE, |area, theme| match p {
                None => {
                    let _ = draw_message(area, theme, "Train a model to see its parity plot");
                    frame.set_value(None);
                }
                Some((label, r2, truth, pred, _)) => {
                    let opts = ParityOptions { model_name: label.clone(), r_squared: *r2, alpha: 0.2, theme: *theme };
                    frame.set_value(draw_parity(area, truth, pred, h, &opts).ok());
                }
            });
            describe(&canvas, &match p {
                None => "Parity plot: no model trained yet".to_string(),
                Some((label, r2, truth, pred, _)) => {
                    let (lo, hi) = pred.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
                    format!("Parity plot of {label}: {} test sequences, predicted against true score; R² = {r2:.3}; predictions from {lo:.1} to {hi:.1}", thousands(truth.len()))
                }
            });
        });
    });
    // The export draws the points again, without the hover frame's side effect.
    Effect::new(move |_| {
        let shown = points.with(|p| p.as_ref().map(|(label, r2, truth, pred, _)| (label.clone(), *r2, truth.clone(), pred.clone())));
        keep_drawing(&canvas, std::rc::Rc::new(move |area: &plotters::prelude::DrawingArea<AnyBackend<'_>, plotters::coord::Shift>, theme: &dnaplay_plots::Theme| match &shown {
            None => drop(draw_message(area, theme, "Train a model to see its parity plot")),
            Some((label, r2, truth, pred)) => drop(draw_parity(area, truth, pred, None, &ParityOptions { model_name: label.clone(), r_squared: *r2, alpha: 0.2, theme: *theme })),
        }));
    });
    // The dot under the pointer, within 8 CSS pixels.
    let dot_at = move |ev: &web_sys::MouseEvent| -> Option<usize> {
        let f = frame.get_value()?;
        let canvas = canvas.get_untracked()?;
        let at = backend_point(&canvas, ev.offset_x(), ev.offset_y());
        let per_css_px = f64::from(canvas.width()) / canvas.get_bounding_client_rect().width().max(1.0);
        points.with_untracked(|p| p.as_ref().and_then(|(_, _, t, pr, _)| f.nearest(t, pr, at, 8.0 * per_css_px)))
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        // A finger has no hover: the mouse events a tap makes must not name the dot before the
        // tap's own click does.
        if touch.get_value() {
            return;
        }
        let found = dot_at(&ev);
        if found != hover.get_untracked() {
            set_hover.set(found);
        }
    };
    let explain = move |i: usize| {
        let Some(seq) = points.with_untracked(|p| p.as_ref().and_then(|p| p.4.get(i).cloned())) else { return };
        lab.settings.update(|s| {
            s.explain_seq = seq;
            s.lesson = dnaplay_state::Lesson::Explain;
        });
    };
    // A click on a dot opens lesson 11 on its sequence; a tap names it first.
    let on_click = move |ev: web_sys::MouseEvent| {
        let found = dot_at(&ev);
        let named_before = hover.get_untracked();
        if found != named_before {
            set_hover.set(found);
        }
        let Some(i) = found else { return };
        if touch.get_value() && named_before != Some(i) {
            return;
        }
        explain(i);
    };
    view! {
        <p>
            "Each dot is a test 8-mer: its true score across, the model's prediction up. A perfect model puts every dot "
            "on the dashed line y = x. R² is the share of the scores' variance the model explains; seed 002 reaches about "
            "0.95 with the CNN (Part 6). Hover over a dot (or tap it) to see its sequence; click it (or tap it again) "
            "to ask the model why it predicted that (lesson 11)."
        </p>
        <RunPicker />
        <canvas role="img" node_ref=canvas data-testid="parity-chart" on:mousemove=on_move on:click=on_click
            on:pointerdown=move |ev: web_sys::PointerEvent| touch.set_value(ev.pointer_type() != "mouse")
            on:mouseleave=move |_| if !touch.get_value() { set_hover.set(None) }></canvas>
        <p class="exports">
            <PlotExport canvas name="parity" title="the parity plot" />
            <CsvExport name="parity-points" title="the test sequences' true and predicted scores" rows=Callback::new(move |()| {
                points.with_untracked(|p| p.as_ref().map(|(_, _, truth, pred, seqs)| {
                    csv_table(&["sequence", "true_score", "predicted_score"], seqs.iter().zip(truth).zip(pred).map(|((s, t), p)| vec![s.clone(), t.to_string(), p.to_string()]))
                }))
            }) />
        </p>
        <p class="metric" data-testid="parity-hover" aria-live="polite">{move || {
            let i = hover.get()?;
            points.with(|p| p.as_ref().map(|(_, _, t, pr, seqs)| format!("{}: true score {:.3}, predicted {:.2}", seqs[i], t[i], pr[i])))
        }}</p>
        {move || hover.get().map(|i| view! {
            <button data-testid="parity-explain" on:click=move |_| explain(i)>"Why this prediction? (lesson 11)"</button>
        })}
        <p class="metric" data-testid="parity-r2">{move || points.with(|p| p.as_ref().map(|(_, r2, t, _, _)| format!("R² = {r2:.3} on {} test sequences", thousands(t.len()))))}</p>
    }
}

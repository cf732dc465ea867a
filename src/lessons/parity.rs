//! Lesson 7: the parity plot (seed 002, Part 6): predicted against true score on the test
//! split, with y = x and R²; hovering a point names its sequence.

use dnaplay_plots::{ParityOptions, PlotFrame, draw_message, draw_parity, thousands};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::plot_canvas::redraw;
use crate::lab::Lab;
use crate::lessons::RunPicker;

const SIZE: u32 = 560;

#[component]
pub fn ParityLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let canvas = NodeRef::<Canvas>::new();
    let (hover, set_hover) = signal(None::<usize>);
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
            })
        });
    });
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some(f) = frame.get_value() else { return };
        let ratio = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
        let at = (ev.offset_x() as f64 * ratio, ev.offset_y() as f64 * ratio);
        let found = points.with_untracked(|p| p.as_ref().and_then(|(_, _, t, pr, _)| f.nearest(t, pr, at, 8.0 * ratio)));
        if found != hover.get_untracked() {
            set_hover.set(found);
        }
    };
    // Clicking a dot opens lesson 11 on its sequence.
    let on_click = move |ev: web_sys::MouseEvent| {
        on_move(ev);
        let Some(i) = hover.get_untracked() else { return };
        let Some(seq) = points.with_untracked(|p| p.as_ref().and_then(|p| p.4.get(i).cloned())) else { return };
        lab.settings.update(|s| {
            s.explain_seq = seq;
            s.lesson = dnaplay_state::Lesson::Explain;
        });
    };
    view! {
        <p>
            "Each dot is a test 8-mer: its true score across, the model's prediction up. A perfect model puts every dot "
            "on the dashed line y = x. R² is the share of the scores' variance the model explains; seed 002 reaches about "
            "0.95 with the CNN (Part 6). Hover over a dot to see its sequence; click it to ask the model why it "
            "predicted that (lesson 11)."
        </p>
        <RunPicker />
        <canvas node_ref=canvas data-testid="parity-chart" on:mousemove=on_move on:click=on_click on:mouseleave=move |_| set_hover.set(None)
            aria-label="Parity plot: predicted against true score on the test split"></canvas>
        <p class="metric" data-testid="parity-hover">{move || {
            let i = hover.get()?;
            points.with(|p| p.as_ref().map(|(_, _, t, pr, seqs)| format!("{}: true score {:.3}, predicted {:.2}", seqs[i], t[i], pr[i])))
        }}</p>
        <p class="metric" data-testid="parity-r2">{move || points.with(|p| p.as_ref().map(|(_, r2, t, _, _)| format!("R² = {r2:.3} on {} test sequences", thousands(t.len()))))}</p>
    }
}

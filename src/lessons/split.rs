//! Lesson 3: the train, validation and test split (seed 002, Part 2, `quick_split` and
//! `plot_train_test_hist`).

use dnaplay_plots::{HistogramSeries, draw_histograms, thousands};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::export::PlotExport;
use crate::components::plot_canvas::{describe, redraw_exportable};
use crate::lab::{Lab, score_bins};

#[component]
pub fn SplitLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let ds = lab.dataset.get();
        let pick = |idx: &[usize]| idx.iter().map(|&i| ds.data.targets[i]).collect::<Vec<f32>>();
        let (train, val, test) = (pick(&ds.split.train), pick(&ds.split.val), pick(&ds.split.test));
        // The seed's opacities: 0.5, 0.75 and 0.4.
        let series = [
            HistogramSeries { label: "train", values: &train, alpha: 0.5 },
            HistogramSeries { label: "validation", values: &val, alpha: 0.75 },
            HistogramSeries { label: "test", values: &test, alpha: 0.4 },
        ];
        let (bins, drawn) = (score_bins(&ds.data.targets), [train.clone(), val.clone(), test.clone()]);
        redraw_exportable(&canvas, 720, 360, move |area, theme| {
            let [train, val, test] = &drawn;
            let series = [
                HistogramSeries { label: "train", values: train, alpha: 0.5 },
                HistogramSeries { label: "validation", values: val, alpha: 0.75 },
                HistogramSeries { label: "test", values: test, alpha: 0.4 },
            ];
            let _ = draw_histograms(area, &series, bins, "Score", theme);
        });
        describe(&canvas, &dnaplay_plots::describe::histograms(&series, "Score"));
    });
    view! {
        <p>
            "A model is judged on sequences it never trained on. Seed 002 (Part 2) holds out 20% of the 8-mers as the "
            <b>"test"</b>" set, then 20% of the rest as the "<b>"validation"</b>" set, which is scored after every epoch "
            "to watch for overfitting; the model learns from the "<b>"training"</b>" set only. The three score "
            "distributions should look alike: a random split keeps all three peaks in each."
        </p>
        <p class="metric" data-testid="split-sizes">{move || {
            let ds = lab.dataset.get();
            format!("train {} · validation {} · test {}", thousands(ds.split.train.len()), thousands(ds.split.val.len()), thousands(ds.split.test.len()))
        }}</p>
        <canvas role="img" node_ref=canvas data-testid="split-chart" aria-label="Score histograms of the train, validation and test splits"></canvas>
        <p class="exports"><PlotExport canvas name="split-histograms" title="the three splits' score histograms" /></p>
        <p class="note">{move || format!(
            "The split is drawn from seed {} (ChaCha8): the same seed gives the same split in every browser and on the command line. Change the seed on the Training page.",
            lab.dataset.get().seed)}</p>
    }
}

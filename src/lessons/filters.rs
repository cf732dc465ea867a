//! Lesson 8: what the filters learned (seed 002, Part 7): first-layer weight heatmaps, and
//! logos built by aligning the test sequences where each filter responds strongly.
//!
//! Two alignment rules: seed 002's raw convolution output above a threshold (it uses 0 and 1),
//! and seed 003's activation at least 50% of the filter's maximum (Methods, "filter
//! visualization").

use dnaplay_model::interpret::{AlignmentRule, filter_logos};
use dnaplay_model::models::ModelKind;
use dnaplay_plots::{Logo, draw_filter_heatmaps, draw_message};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::export::{CsvExport, PlotExport, csv_table};
use crate::components::plot_canvas::{columns_for, css_width, describe, redraw_logos, redraw_sized_exportable};
use crate::lab::Lab;
use crate::lessons::RunPicker;

/// Heatmaps per row, at most (fewer on a narrow screen: each at least [`HEAT_CELL`] CSS pixels).
const HEAT_COLUMNS: usize = 8;
const HEAT_CELL: u32 = 110;
/// Logos per row: wide enough for "Filter 12" and "TAT · 1,234 sites" on a projector.
const LOGO_COLUMNS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq)]
enum RuleKind {
    Threshold,
    FractionOfMax,
}

#[component]
pub fn FiltersLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (kind, set_kind) = signal(RuleKind::Threshold);
    let (threshold, set_threshold) = signal(1.0f32);
    let (fraction, set_fraction) = signal(0.5f32);
    let heat = NodeRef::<Canvas>::new();
    let logos_canvas = NodeRef::<Canvas>::new();
    let rule = move || match kind.get() {
        RuleKind::Threshold => AlignmentRule::Threshold(threshold.get()),
        RuleKind::FractionOfMax => AlignmentRule::FractionOfMax(fraction.get()),
    };

    Effect::new(move |_| {
        let run = lab.shown.get();
        let weights = run.as_ref().and_then(|r| r.results.weights.clone());
        let columns = |width: u32| columns_for(width, HEAT_CELL, HEAT_COLUMNS);
        let rows = |width: u32| weights.as_ref().map_or(1, |w| w.num_filters.div_ceil(columns(width))) as u32;
        let (has_run, drawn) = (run.is_some(), weights.clone());
        redraw_sized_exportable(&heat, 960, |w| (rows(w) * 95).max(120), move |area, theme| match (has_run, &drawn) {
            (false, _) => drop(draw_message(area, theme, "Train a CNN to see its filters")),
            (true, None) => drop(draw_message(area, theme, "The linear model has no filters: train a CNN")),
            (true, Some(w)) => drop(draw_filter_heatmaps(area, &w.values, w.num_filters, w.width, columns(css_width(area, theme)), theme)),
        });
        describe(&heat, &match (&run, &weights) {
            (None, _) => "Train a CNN to see its filters".to_string(),
            (Some(_), None) => "The linear model has no filters".to_string(),
            (Some(_), Some(w)) => dnaplay_plots::describe::heatmaps(&w.values, w.num_filters, w.width),
        });
    });

    // Logos: re-aligned whenever the rule or the run changes (a few ms for 13,108 sequences).
    let logo_count = RwSignal::new(None::<(usize, usize)>);
    Effect::new(move |_| {
        let rule = rule();
        let run = lab.shown.get();
        let maps = run.as_ref().and_then(|r| r.results.maps.clone());
        let width = run.as_ref().map_or(3, |r| r.model.filter_width);
        let dropped = run.as_ref().is_some_and(|r| r.model.kind == ModelKind::Cnn && r.results.maps.is_none());
        let logos: Vec<Logo> = maps
            .map(|m| {
                let (maps, x) = &*m;
                filter_logos(&maps.align(x, width, rule), None).into_iter().map(Logo::from).collect()
            })
            .unwrap_or_default();
        let with_sites = logos.iter().filter(|l| l.subtitle.as_deref() != Some("no sites")).count();
        logo_count.set(if logos.is_empty() { None } else { Some((with_sites, logos.len())) });
        let empty = if dropped { "Only the two newest runs keep their filter maps (memory): pick one of them, or train again" } else { "Train a CNN to see what its filters learned" };
        // 160 CSS px a logo: two 3-nt logos side by side on a phone.
        redraw_logos(&logos_canvas, 960, LOGO_COLUMNS, 160, 150, if dropped { &[] } else { &logos }, empty);
    });

    view! {
        <p>
            "Each of the CNN's filters is a "<code>"[4, 3]"</code>" matrix of weights, shown first as a heatmap (white is "
            "the filter's largest weight, black its smallest). Easier to read: collect every 3-base window of the test "
            "sequences where a filter responds strongly, stack them, and draw the stack as a sequence logo. A letter's "
            "height is its share of the column times the column's information content, up to 2 bits. Seed 002 "
            "(Part 7) finds filters for "<code>"TAT"</code>" and "<code>"GCG"</code>"."
        </p>
        <RunPicker />
        <canvas role="img" node_ref=heat data-testid="filter-heatmaps" aria-label="First-layer filter weights as heatmaps, rows A, C, G, T"></canvas>
        <p class="exports">
            <PlotExport canvas=heat name="filters-heatmaps" title="the filter heatmaps" />
            <CsvExport name="filters-weights" title="the first-layer filter weights" rows=Callback::new(move |()| {
                let w = lab.shown.with_untracked(|r| r.as_ref().and_then(|r| r.results.weights.clone()))?;
                let rows = (0..w.num_filters).flat_map(|f| {
                    let w = &w;
                    ["A", "C", "G", "T"].into_iter().enumerate().map(move |(b, base)| {
                        let mut row = vec![f.to_string(), base.to_string()];
                        row.extend((0..w.width).map(|j| w.values[(f * 4 + b) * w.width + j].to_string()));
                        row
                    })
                }).collect::<Vec<_>>();
                let mut header = vec!["filter".to_string(), "base".to_string()];
                header.extend((0..w.width).map(|j| format!("position_{}", j + 1)));
                Some(csv_table(&header.iter().map(String::as_str).collect::<Vec<_>>(), rows))
            }) />
        </p>
        <section class="panel">
            <div class="controls">
                <label>"Alignment rule "
                    <select on:change=move |ev| set_kind.set(if event_target_value(&ev) == "fraction" { RuleKind::FractionOfMax } else { RuleKind::Threshold })
                        prop:value=move || if kind.get() == RuleKind::Threshold { "threshold" } else { "fraction" }>
                        <option value="threshold">"raw output above a threshold (seed 002)"</option>
                        <option value="fraction">"activation ≥ a fraction of the maximum (seed 003)"</option>
                    </select>
                </label>
            </div>
            <div class="controls">
                {move || match kind.get() {
                    RuleKind::Threshold => view! {
                        <label>"Threshold "
                            <input type="range" min="-2" max="4" step="0.25" data-testid="threshold"
                                prop:value=move || threshold.get().to_string()
                                on:input=move |ev| if let Ok(v) = event_target_value(&ev).parse() { set_threshold.set(v) } />
                            <output>{move || format!("{:.2}", threshold.get())}</output>
                        </label>
                        <button on:click=move |_| set_threshold.set(0.0)>"0 (seed 002)"</button>
                        <button on:click=move |_| set_threshold.set(1.0)>"1 (seed 002)"</button>
                    }.into_any(),
                    RuleKind::FractionOfMax => view! {
                        <label>"Fraction of maximum "
                            <input type="range" min="0.05" max="0.95" step="0.05" data-testid="threshold"
                                prop:value=move || fraction.get().to_string()
                                on:input=move |ev| if let Ok(v) = event_target_value(&ev).parse() { set_fraction.set(v) } />
                            <output>{move || format!("{:.0}%", fraction.get() * 100.0)}</output>
                        </label>
                        <button on:click=move |_| set_fraction.set(0.5)>"50% (seed 003)"</button>
                    }.into_any(),
                }}
            </div>
            <p class="note">{move || logo_count.get().map(|(n, total)| format!("{n} of {total} filters have aligned sites under this rule."))}</p>
        </section>
        <canvas role="img" node_ref=logos_canvas data-testid="logos" aria-label="Sequence logos of the filters, in bits"></canvas>
        <p class="exports"><PlotExport canvas=logos_canvas name="filters-logos" title="the filters' sequence logos" /></p>
    }
}

//! Seed 003's Fig. 1c: its Task 1 grid (three models × eight activations) from the shipped
//! summaries, and one cell trained live.

use std::sync::Arc;

use dnaplay_model::models::{Activation, ModelConfig, ModelKind};
use dnaplay_model::settings;
use dnaplay_model::sweep::{BoxStats, RunSummary};
use dnaplay_model::tasks::ClassTaskKind;
use dnaplay_model::trainer::TrainConfig;
use dnaplay_plots::{BoxOptions, BoxPanel, BoxSeries, draw_box_panels, draw_message, thousands};
use dnaplay_protocol::{Bench, ClassData};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::export::{CsvExport, PlotExport, csv_table};
use crate::components::plot_canvas::{describe, fitted_height, redraw_filter_grid, redraw_sized_exportable};
use crate::engine::{RunData, Until};
use crate::lab::Lab;
use super::GridProgress;

/// The architectures of seed 003's Fig. 1c, top to bottom, with the paper's names.
const FIG1C_MODELS: [(ModelKind, &str); 3] = [(ModelKind::Cnn2, "CNN-2"), (ModelKind::Cnn50, "CNN-50"), (ModelKind::CnnDeep, "CNN-deep")];
/// Its first-layer activations (Fig. 1a's seven), and log-relu with a first-layer L2 of 0.2 (Extended
/// Data Fig. 1e; [`settings::L2_FIRST`]): every activation, in the model crate's order.
const FIG1C_ACTIVATIONS: &[Activation] = Activation::ALL;
/// The 10-epoch grid, trained natively by `scripts/fig1c.sh` with 10 epochs (copied from
/// `assets/fig1c/`).
const FIG1C_SUMMARY: &str = "fig1c/summary.json";
/// The converged grid so far (`scripts/fig1c.sh`'s recipe: seed 003's Methods, up to 100
/// epochs; `docs/fig1c-converged/summary.json`). Its cells replace the 10-epoch grid's one by
/// one as they finish.
const FIG1C_CONVERGED: &str = "fig1c/converged.json";

/// The shipped runs of both grids.
#[derive(Debug, Clone, PartialEq)]
struct Shipped {
    converged: Vec<RunSummary>,
    ten_epochs: Vec<RunSummary>,
}

impl Shipped {
    /// One cell's shipped runs, the converged grid's when it has any, and whether they are.
    fn cell(&self, kind: ModelKind, act: Activation) -> (Vec<&RunSummary>, bool) {
        let converged = cell_runs(&self.converged, kind, act);
        if converged.is_empty() { (cell_runs(&self.ten_epochs, kind, act), false) } else { (converged, true) }
    }

    /// One metric (`match_fraction`, `test_aupr`) of a cell's shipped runs, and whether they are
    /// the converged grid's.
    fn values(&self, kind: ModelKind, act: Activation, metric: &str) -> (Vec<f64>, bool) {
        let (runs, converged) = self.cell(kind, act);
        (metric_of(&runs, metric), converged)
    }
}

/// One metric (`match_fraction`, `test_aupr`) of each run that records it.
fn metric_of(runs: &[&RunSummary], metric: &str) -> Vec<f64> {
    runs.iter().filter_map(|r| r.metrics.get(metric).copied()).collect()
}

/// The mark of a cell from the 10-epoch grid.
const TEN_EPOCHS_MARK: &str = "†";

/// One Fig. 1c table, architectures down and activations across: each cell's `text`, in a
/// button that selects the cell when `select` is given. Both tables are this one component, so
/// the page's wasm holds its view code once.
#[component]
fn Fig1cTable(
    testid: &'static str,
    /// Prefix of each cell's test id: `{cell_testid}-{model}-{activation}`.
    cell_testid: &'static str,
    caption: &'static str,
    text: Callback<(ModelKind, Activation), String>,
    select: Option<(ReadSignal<(ModelKind, Activation)>, WriteSignal<(ModelKind, Activation)>)>,
) -> impl IntoView {
    view! {
        <ScrollX label=caption class="sticky-caption">
            <table class="runs fig1c" data-testid=testid>
                <caption><span>{caption}</span></caption>
                <thead><tr><th></th>{FIG1C_ACTIVATIONS.iter().map(|a| view! { <th>{a.name()}</th> }).collect_view()}</tr></thead>
                <tbody>{FIG1C_MODELS.iter().map(|&(kind, title)| view! { <tr>
                    <th>{title}</th>
                    {FIG1C_ACTIVATIONS.iter().map(|&a| {
                        let id = format!("{cell_testid}-{}-{}", kind.name(), a.name());
                        let content = move || text.run((kind, a));
                        match select {
                            Some((selected, set_selected)) => view! { <td>
                                <button data-testid=id class:selected=move || selected.get() == (kind, a)
                                    aria-label=format!("{title} with {a}") on:click=move |_| set_selected.set((kind, a))>{content}</button>
                            </td> }.into_any(),
                            None => view! { <td data-testid=id>{content}</td> }.into_any(),
                        }
                    }).collect_view()}
                </tr> }).collect_view()}</tbody>
            </table>
        </ScrollX>
    }
}

/// Fetch and read one shipped summary.
async fn fetch_summary(url: &str) -> Result<Vec<RunSummary>, String> {
    let bytes = crate::checkpoints::fetch_static(url).await.map_err(|e| e.to_string())?;
    RunSummary::list_from_json(&String::from_utf8_lossy(&bytes)).map_err(|e| format!("{url}: {e}"))
}

/// The shipped runs of one cell. Log-relu's cells are the ones trained with seed 003's
/// first-layer penalty ([`settings::L2_FIRST`]); every other cell's runs are those without it
/// (the grid's relu control with the penalty is not a Fig. 1c cell).
fn cell_runs<'a>(runs: &'a [RunSummary], kind: ModelKind, act: Activation) -> Vec<&'a RunSummary> {
    let penalised = |r: &RunSummary| r.cell.contains_key(settings::L2_FIRST.key);
    RunSummary::select(runs, &[("model", kind.name()), ("activation", act.name())])
        .into_iter()
        .filter(|r| act == Activation::LogRelu || !penalised(r))
        .collect()
}

/// Seed 003's Fig. 1c: the shipped grids (median match fraction and test AUPR per architecture
/// and activation, and the box plot of the match fraction), and any cell trained live on Task 1
/// in the page.
#[component]
pub(super) fn Fig1cPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    // Both summaries are fetched at once; the grid shows when both are in, or the first error.
    let (converged, set_converged) = signal(None::<Result<Vec<RunSummary>, String>>);
    let (ten_epochs, set_ten_epochs) = signal(None::<Result<Vec<RunSummary>, String>>);
    leptos::task::spawn_local(async move { set_converged.set(Some(fetch_summary(FIG1C_CONVERGED).await)) });
    leptos::task::spawn_local(async move { set_ten_epochs.set(Some(fetch_summary(FIG1C_SUMMARY).await)) });
    let shipped = Memo::new(move |_| match (converged.get(), ten_epochs.get()) {
        (Some(Err(e)), _) | (_, Some(Err(e))) => Some(Err(e)),
        (Some(Ok(converged)), Some(Ok(ten_epochs))) => Some(Ok(Shipped { converged, ten_epochs })),
        _ => None,
    });
    // Whether any cell shown comes from the 10-epoch grid: the notes on the mark show only then.
    let any_marked = Memo::new(move |_| {
        shipped.with(|s| match s {
            Some(Ok(runs)) => FIG1C_MODELS.iter().any(|&(kind, _)| FIG1C_ACTIVATIONS.iter().any(|&a| matches!(runs.cell(kind, a), (r, false) if !r.is_empty()))),
            _ => false,
        })
    });
    let (selected, set_selected) = signal((ModelKind::Cnn2, Activation::Exp));
    let (error, set_error) = signal(None::<String>);
    let boxes = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let grid = shipped.get();
        let panels = |runs: &Shipped, theme: &dnaplay_plots::Theme| -> (Vec<BoxPanel>, BoxOptions) {
            let panels = FIG1C_MODELS
                .iter()
                .map(|&(kind, title)| BoxPanel {
                    title: title.into(),
                    boxes: FIG1C_ACTIVATIONS
                        .iter()
                        .map(|&a| {
                            let (values, converged) = runs.values(kind, a, "match_fraction");
                            let stats = BoxStats::of(&values).map(|b| [b.min, b.q1, b.median, b.q3, b.max]);
                            let label = if converged || values.is_empty() { a.name().to_string() } else { format!("{a}{TEN_EPOCHS_MARK}") };
                            BoxSeries { label, stats, values }
                        })
                        .collect(),
                })
                .collect();
            (panels, BoxOptions { y_label: "match fraction".into(), y_range: (0.0, 1.0), theme: *theme })
        };
        if let Some(Ok(runs)) = &grid {
            describe(&boxes, &dnaplay_plots::describe::boxes(&panels(runs, &dnaplay_plots::Theme::default()).0, "the match fraction of the shipped runs"));
        }
        // Three panels stacked: on a phone's narrower canvas each keeps about 200 px of height.
        redraw_sized_exportable(&boxes, 760, |w| fitted_height(760, 620, w).max(600), move |area, theme| match &grid {
            Some(Ok(runs)) => {
                let (panels, opts) = panels(runs, theme);
                let _ = draw_box_panels(area, &panels, &opts);
            }
            Some(Err(e)) => {
                let _ = draw_message(area, theme, e);
            }
            None => {
                let _ = draw_message(area, theme, "Loading the shipped grid…");
            }
        });
    });
    // The match fraction of a cell's newest live run, read in place (the run list changes every
    // training slice; nothing is cloned).
    let live_fraction = move |kind: ModelKind, act: Activation| {
        engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::Fig1c && r.model.kind == kind && r.model.activation == act).and_then(|r| r.filters.as_ref().map(|f| f.report.match_fraction)))
    };
    // A cell's shipped median, to `digits` decimals, marked when from the 10-epoch grid.
    let median_text = move |kind: ModelKind, act: Activation, metric: &'static str, digits: usize| {
        shipped.with(|s| match s {
            Some(Ok(runs)) => {
                let (values, converged) = runs.values(kind, act, metric);
                let mark = if converged { String::new() } else { format!(" {TEN_EPOCHS_MARK}") };
                BoxStats::of(&values).map(|b| format!("{:.digits$}{mark}", b.median)).unwrap_or_else(|| "–".into())
            }
            _ => "…".into(),
        })
    };
    let cell_text = move |kind: ModelKind, act: Activation| {
        let shipped_text = median_text(kind, act, "match_fraction", 2);
        let live_text = live_fraction(kind, act).map(|m| format!(" · live {m:.2}"));
        format!("{shipped_text}{}", live_text.unwrap_or_default())
    };
    let detail = move || {
        let (kind, act) = selected.get();
        let name = FIG1C_MODELS.iter().find(|m| m.0 == kind).map(|m| m.1).unwrap_or("?");
        let shipped_line = shipped.with(|s| match s {
            Some(Ok(runs)) => {
                let (r, converged) = runs.cell(kind, act);
                let (fractions, aupr) = (metric_of(&r, "match_fraction"), metric_of(&r, "test_aupr"));
                let epochs = {
                    let (lo, hi) = (r.iter().map(|r| r.epochs).min().unwrap_or(0), r.iter().map(|r| r.epochs).max().unwrap_or(0));
                    if lo == hi { format!("{lo} epochs") } else { format!("{lo} to {hi} epochs") }
                };
                let grid = if converged { format!("{epochs} of seed 003's recipe") } else { format!("{TEN_EPOCHS_MARK} {epochs}, not yet trained to convergence") };
                match (BoxStats::of(&fractions), BoxStats::of(&aupr)) {
                    (Some(b), Some(a)) if b.n > 1 => format!(
                        "shipped: match fraction median {:.2} [{:.2}, {:.2}] over {} seeds; test AUPR median {:.3} [{:.3}, {:.3}] ({grid}, 30,000 sequences)",
                        b.median, b.q1, b.q3, b.n, a.median, a.q1, a.q3
                    ),
                    (Some(b), a) => format!("shipped: match fraction {:.2} (1 seed); test AUPR {:.3} ({grid}, 30,000 sequences)", b.median, a.map_or(f64::NAN, |a| a.median)),
                    (None, _) => "not in the shipped grid".into(),
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
            let config = crate::training::class(Bench::Fig1c, ClassTaskKind::Task1, &st);
            // Seed 003's log-relu penalty, on the first layer's kernel (Extended Data Fig. 1e).
            let config = if act == Activation::LogRelu { TrainConfig { first_layer_l2: settings::L2_FIRST.default, ..config } } else { config };
            engine.start(Bench::Fig1c, RunData::Class(Arc::new(data)), vec![(model, config)], Until::End).map_err(|e| e.to_string())
        });
        set_error.set(result.err());
    };
    let logos_canvas = NodeRef::<Canvas>::new();
    let live_filters = Memo::new(move |_| engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::Fig1c).and_then(|r| r.filters.clone().map(|f| (r.label(), f)))));
    Effect::new(move |_| {
        live_filters.with(|f| {
            redraw_filter_grid(&logos_canvas, f.as_ref().map(|(_, f)| &**f), true, "Train a cell live: its 32 first-layer logos appear here after each epoch");
        })
    });
    // The run's status, and how many of its filters match a planted motif significantly at its
    // last snapshot (the cell's "live" fraction, seed 003's match fraction: matching.rs).
    let status = move || {
        engine.runs.with(|r| {
            r.iter().rev().find(|r| r.bench == Bench::Fig1c).map(|r| {
                let matched = r.filters.as_ref().map(|f| format!(" · {} of {} filters match a planted motif", dnaplay_model::matching::significant_matches(&f.report.matches), f.report.matches.len()));
                format!("{}{}", r.status_line(&r.label()), matched.unwrap_or_default())
            })
        })
    };
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
            <p class="note" data-testid="fig1c-recipe">
                {move || if any_marked.get() { "Unmarked cells were" } else { "Every cell was" }}
                " trained as seed 003 trains them (relu, exp and log-relu over 5 seeds, the "
                "other activations on seed 1; a cell's detail names its runs): Glorot initialisation, "
                "Adam from 0.001 cut by 0.3 after 5 epochs without a better validation AUPR, up to 100 epochs, the best "
                "validation epoch kept."
                {move || any_marked.get().then(|| format!(" Cells marked {TEN_EPOCHS_MARK} come from a 10-epoch grid on seed 1; they are being trained to convergence the same way."))}
            </p>
            <Fig1cTable testid="fig1c-grid" cell_testid="fig1c-cell" caption="Match fraction: the share of the 32 first-layer filters that match a planted motif (median over the shipped runs; click a cell)"
                text=Callback::new(move |(k, a)| cell_text(k, a)) select=Some((selected, set_selected)) />
            <p class="cell-detail" data-testid="fig1c-detail">{detail}</p>
            <Fig1cTable testid="fig1c-aupr" cell_testid="fig1c-aupr" caption="Test AUPR, mean over the 12 labels (median over the shipped runs; the paper's models reach about 0.98)"
                text=Callback::new(move |(k, a)| median_text(k, a, "test_aupr", 3)) select=None />
            <p class="note">"Reading it: compare each architecture's relu cell with its exp cell, then the rows with each other. "
                "What does CNN-50's pooling force on its first layer that CNN-2's does not?"</p>
            <div class="controls buttons">
                <button class="primary" data-testid="fig1c-train" on:click=train disabled=move || engine.device.with(Option::is_none) || engine.is_training(Bench::Fig1c)>
                    {move || { let (k, a) = selected.get(); format!("▶ Train {} · {a} live", FIG1C_MODELS.iter().find(|m| m.0 == k).map(|m| m.1).unwrap_or("?")) }}</button>
            </div>
            <p class="note">{move || lab.settings.with(|s| format!("Live: {} sequences, {} epochs, Adam at {} (lesson 9's settings; the shipped grids used 30,000 sequences and Adam from 0.001). Log-relu trains with seed 003's L2 penalty of {} on the first layer's kernel, which its training loss includes, as the shipped log-relu cells did.", thousands(s.class_seqs), s.class_epochs, s.exp_lr, settings::L2_FIRST.default))}</p>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="fig1c-error">{m}</p> })}
            <GridProgress bench=Bench::Fig1c what="runs" />
            <p class="status" data-testid="fig1c-status">{status}</p>
        </section>
        <canvas role="img" node_ref=boxes data-testid="fig1c-boxplot" aria-label="Box plots of the match fraction per activation, one panel per architecture, over the shipped runs"></canvas>
        <p class="exports">
            <PlotExport canvas=boxes name="fig1c-boxplot" title="the Fig. 1c box plot" />
            <CsvExport name="fig1c-grid" title="the shipped Fig. 1c runs of both grids: match fraction and test AUPR per cell and seed" rows=Callback::new(move |()| {
                let runs = shipped.with_untracked(|s| s.as_ref().and_then(|s| s.as_ref().ok()).cloned())?;
                let rows = [("converged", &runs.converged), ("10 epochs", &runs.ten_epochs)].into_iter().flat_map(|(grid, runs)| runs.iter().map(move |r| {
                    let get = |k: &str| r.cell.get(k).cloned().unwrap_or_default();
                    let metric = |k: &str| r.metrics.get(k).map(|v| v.to_string()).unwrap_or_default();
                    vec![grid.to_string(), get("model"), get("activation"), get(settings::L2_FIRST.key), get("l2"), get("seed"), r.epochs.to_string(), metric("match_fraction"), metric("test_aupr"), metric("test_auroc")]
                }));
                Some(csv_table(&["grid", "model", "activation", "l2first", "l2", "seed", "epochs", "match_fraction", "test_aupr", "test_auroc"], rows))
            }) />
        </p>
        <canvas role="img" node_ref=logos_canvas data-testid="fig1c-logos" aria-label="Sequence logos of the live run's first-layer filters, labelled with the motif each matches"></canvas>
        <p class="exports"><PlotExport canvas=logos_canvas name="fig1c-logos" title="the live run's logos" /></p>
    }
}

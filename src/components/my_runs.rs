//! My runs (issue 27): every run kept in this browser, across lessons: the latest runs of
//! lessons 5 to 10 ([`crate::keep`]) and lesson 13's saved runs
//! ([`crate::lessons::data::saved`]). Any two are set side by side: their loss curves overlaid,
//! their settings and metrics with the differences, and their first-layer logos beside each
//! other. Runs are renamed and deleted here, and exported, one or all, as a zip archive
//! ([`dnaplay_plots::archive`]).

use dnaplay_model::checkpoint::CheckpointMeta;
use dnaplay_plots::archive;
use dnaplay_plots::{LossOptions, LossSeries, draw_loss_curves};
use dnaplay_protocol::{Bench, FilterSnapshot};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::ScrollX;
use crate::components::export::{CsvExport, PlotExport};
use crate::components::plot_canvas::{describe, redraw_exportable, redraw_logos, snapshot_logos};
use crate::keep;
use crate::lessons::data as saved;
use crate::store::StoreError;
use dnaplay_state::compare::{Compared, Row, compare_csv, compare_rows, diff_text, last, metric_label, num};

/// Where a run is kept.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// One of a lesson's latest runs ([`keep::KeptRun`]).
    Kept { bench: Bench, index: usize },
    /// One of lesson 13's saved runs, by its key.
    Saved { key: String },
}

/// A run kept in this browser, as the panel lists it.
#[derive(Debug, Clone, PartialEq)]
struct StoredRun {
    source: Source,
    name: String,
    meta: CheckpointMeta,
    filters: Option<FilterSnapshot>,
}

impl StoredRun {
    /// A key unique among the listed runs, for the choice of two and the test ids.
    fn id(&self) -> String {
        match &self.source {
            Source::Kept { bench, index } => format!("{}-{index}", keep::key(*bench).replace('/', "-")),
            Source::Saved { key } => format!("run-{key}"),
        }
    }

    /// The lesson it was trained in: "Lessons 5–8", "Lesson 9", "Lesson 10", "Lesson 13".
    fn lesson(&self) -> &'static str {
        match &self.source {
            Source::Kept { bench: Bench::Kmers, .. } => "Lessons 5–8",
            Source::Kept { bench: Bench::Contrast, .. } => "Lesson 9",
            Source::Kept { bench: Bench::Keras, .. } => "Lesson 10",
            Source::Kept { .. } => "Lesson 12",
            Source::Saved { .. } => "Lesson 13",
        }
    }

    /// "CNN-dist (exp)", "CNN (relu)".
    fn model(&self) -> String {
        format!("{} ({})", self.meta.model.kind, self.meta.model.activation)
    }

    /// Its data: "8mer, seed 2", "task3, 20000 sequences, seed 1".
    fn data(&self) -> String {
        let m = &self.meta;
        match m.num_seqs {
            Some(n) => format!("{}, {n} sequences, seed {}", m.task, m.seed),
            None => format!("{}, seed {}", m.task, m.seed),
        }
    }

    /// Whether it is a classifier (BCE loss) rather than a regression (MSE loss).
    fn is_classifier(&self) -> bool {
        dnaplay_state::compare::is_classifier(&self.meta)
    }

    /// What the comparison reads of it.
    fn compared(&self) -> Compared<'_> {
        Compared { name: &self.name, lesson: self.lesson(), model: self.model(), data: self.data(), meta: &self.meta }
    }
}

/// Every run kept in this browser: lessons 5 to 10's, then lesson 13's.
async fn list_all() -> Vec<StoredRun> {
    let mut all: Vec<StoredRun> = keep::list_kept()
        .await
        .into_iter()
        .map(|k| StoredRun { source: Source::Kept { bench: k.bench, index: k.index }, name: k.name, meta: k.meta, filters: k.filters })
        .collect();
    for r in saved::get_saved_runs().await.unwrap_or_default() {
        let meta = crate::store::get_meta(&format!("run/{}/meta", r.key)).await;
        let filters = crate::store::get_cbor(&format!("run/{}/filters", r.key)).await;
        if let Some(meta) = meta {
            all.push(StoredRun { source: Source::Saved { key: r.key }, name: r.name, meta, filters });
        }
    }
    all
}

/// Where `run`'s weights are kept in IndexedDB.
fn weights_key(run: &StoredRun) -> String {
    match &run.source {
        Source::Kept { bench, index } => format!("{}/{index}/weights", keep::key(*bench)),
        Source::Saved { key } => format!("run/{key}/weights"),
    }
}

/// `runs` as one zip archive, each in a numbered folder with its description, weights (where
/// kept), loss per epoch and a README naming the page's link; offered as the download `name`.
async fn export_zip(runs: Vec<StoredRun>, name: String) -> Result<String, String> {
    let source = crate::components::export::page_link();
    let mut files = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let weights = crate::store::get_bytes(&weights_key(run)).await.map_err(|e| format!("the weights of \"{}\" could not be read: {e}", run.name))?;
        let folder = archive::folder_name(i + 1, &run.name);
        files.extend(archive::run_files(&folder, &run.name, run.lesson(), &run.meta, weights.as_deref(), &source));
    }
    let bytes = archive::zip_archive(&files).map_err(|e| e.to_string())?;
    crate::download::download(&name, "application/zip", &bytes).map_err(|e| e.to_string())?;
    Ok(format!("Downloaded {name}: {} run{}, {:.1} MB.", runs.len(), if runs.len() == 1 { "" } else { "s" }, bytes.len() as f64 / 1e6))
}

/// Rename `run` to `name` where it is kept.
async fn rename(run: &StoredRun, name: &str) -> Result<(), StoreError> {
    match &run.source {
        Source::Kept { bench, index } => keep::rename_kept(*bench, *index, name).await,
        Source::Saved { key } => {
            let mut list = saved::get_saved_runs().await?;
            if let Some(r) = list.iter_mut().find(|r| &r.key == key) {
                r.name = name.to_string();
            }
            saved::put_saved_runs(&list).await
        }
    }
}

/// Delete `run` from this browser.
async fn delete(run: &StoredRun) -> Result<(), StoreError> {
    match &run.source {
        Source::Kept { bench, index } => keep::delete_kept(*bench, *index).await,
        Source::Saved { key } => {
            let mut list = saved::get_saved_runs().await?;
            list.retain(|r| &r.key != key);
            saved::delete_run(key, &list).await
        }
    }
}

/// The panel, shown while `open`: the list is read from IndexedDB each time it opens.
#[component]
pub fn MyRunsPanel(
    /// Whether the panel is shown (the header's "My runs" button).
    open: RwSignal<bool>,
) -> impl IntoView {
    let runs = RwSignal::new(Option::<Vec<StoredRun>>::None);
    let chosen = RwSignal::new(Vec::<String>::new());
    let (note, set_note) = signal(String::new());
    let heading = NodeRef::<leptos::html::H2>::new();
    let reload = move || {
        spawn_local(async move {
            let all = list_all().await;
            chosen.update(|c| c.retain(|id| all.iter().any(|r| &r.id() == id)));
            runs.set(Some(all));
        })
    };
    Effect::new(move |_| {
        if open.get() {
            reload();
            if let Some(h) = heading.get() {
                let _ = h.focus();
            }
        }
    });
    let choose = move |id: String, on: bool| {
        chosen.update(|c| {
            c.retain(|x| x != &id);
            if on {
                c.push(id);
                // Two at a time: a third choice replaces the oldest.
                if c.len() > 2 {
                    c.remove(0);
                }
            }
        })
    };
    let pair = Memo::new(move |_| {
        let ids = chosen.get();
        runs.with(|rs| {
            let rs = rs.as_ref()?;
            let find = |id: &String| rs.iter().find(|r| &r.id() == id).cloned();
            match &ids[..] {
                [a, b] => Some((find(a)?, find(b)?)),
                _ => None,
            }
        })
    });
    let rename_run = move |run: StoredRun, name: String| {
        let name = name.trim().to_string();
        if name.is_empty() {
            set_note.set(format!("A run needs a name: \"{}\" keeps its name.", run.name));
            return;
        }
        spawn_local(async move {
            match rename(&run, &name).await {
                Ok(()) => set_note.set(format!("Renamed \"{}\" to \"{name}\".", run.name)),
                Err(e) => set_note.set(format!("The new name was not saved: {e}")),
            }
            reload();
        });
    };
    let delete_run = move |run: StoredRun| {
        spawn_local(async move {
            match delete(&run).await {
                Ok(()) => set_note.set(format!("Deleted \"{}\" from this browser.", run.name)),
                Err(e) => set_note.set(format!("\"{}\" could not be deleted: {e}", run.name)),
            }
            reload();
        });
    };
    let zip = move |list: Vec<StoredRun>, name: String| {
        set_note.set(format!("Writing {name}…"));
        spawn_local(async move {
            match export_zip(list, name).await {
                Ok(done) => set_note.set(done),
                Err(e) => set_note.set(format!("The zip archive was not made: {e}")),
            }
        });
    };
    let zip_all = move |_| {
        if let Some(list) = runs.get_untracked().filter(|l| !l.is_empty()) {
            zip(list, "dnaplay-my-runs.zip".into());
        }
    };
    let row = move |r: StoredRun| {
        let id = r.id();
        let (id1, id2) = (id.clone(), id.clone());
        let (r1, r2, r3) = (r.clone(), r.clone(), r.clone());
        let metrics = r.meta.test_metrics.iter().map(|(k, v)| format!("{} {v:.3}", metric_label(k))).collect::<Vec<_>>().join(", ");
        view! {
            <tr data-testid="my-run" data-id=id.clone()>
                <td><input type="checkbox" data-testid=format!("my-run-compare-{id}") aria-label=format!("Compare {}", r.name)
                    prop:checked=move || chosen.with(|c| c.contains(&id1))
                    on:change=move |ev| choose(id2.clone(), event_target_checked(&ev)) /></td>
                <td><input type="text" data-testid="my-run-name" aria-label="Run name" prop:value=r.name.clone()
                    on:change=move |ev| rename_run(r1.clone(), event_target_value(&ev)) /></td>
                <td>{r.lesson()}</td>
                <td>{r.model()}</td>
                <td>{r.meta.history.len()}</td>
                <td>{num(last(&r.meta, |h| Some(h.val_loss)))}</td>
                <td>{metrics}</td>
                <td class="buttons">
                    <button type="button" data-testid="my-run-zip" data-setting="export" aria-label=format!("Download {} as a zip archive", r.name)
                        on:click=move |_| zip(vec![r3.clone()], format!("dnaplay-run-{}.zip", archive::slug(&r3.name)))>"Zip"</button>
                    <button type="button" data-testid="my-run-delete" aria-label=format!("Delete {}", r.name) on:click=move |_| delete_run(r2.clone())>"Delete"</button>
                </td>
            </tr>
        }
    };
    view! {
        <section class="panel my-runs" id="my-runs" data-testid="my-runs" aria-labelledby="my-runs-title" hidden=move || !open.get()>
            <h2 id="my-runs-title" tabindex="-1" node_ref=heading>"My runs"</h2>
            <p class="note">
                "The runs kept in this browser: the latest runs of lessons 5 to 10, kept when they finish, and the "
                "runs lesson 13 saved. Tick two to set them side by side."
            </p>
            <p class="status" role="status" data-testid="my-runs-note">{move || note.get()}</p>
            {move || match runs.get() {
                None => view! { <p class="note">"Reading the runs kept in this browser…"</p> }.into_any(),
                Some(list) if list.is_empty() => view! {
                    <p class="note" data-testid="my-runs-empty">"No run is kept in this browser yet: train in lessons 5 to 10, or save a run in lesson 13."</p>
                }.into_any(),
                Some(list) => view! {
                    <p class="controls buttons" data-setting="export">
                        <button type="button" data-testid="my-runs-zip-all" on:click=zip_all>"Download all runs (zip)"</button>
                        <span class="note">" Each run in a folder: checkpoint.json and model.bpk (as "<code>"dnaplay train --save"</code>" writes them), history.csv and a README."</span>
                    </p>
                    <ScrollX label="My runs" testid="my-runs-table">
                        <table class="runs">
                            <thead><tr><th>"Compare"</th><th>"Name"</th><th>"Lesson"</th><th>"Model"</th><th>"Epochs"</th><th>"Final val loss"</th><th>"Test metrics"</th><th></th></tr></thead>
                            <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </ScrollX>
                }.into_any(),
            }}
            {move || pair.get().map(|(a, b)| view! { <Comparison a b /> })}
        </section>
    }
}

/// Two runs side by side: loss curves overlaid, settings and metrics with B − A, logos.
#[component]
fn Comparison(a: StoredRun, b: StoredRun) -> impl IntoView {
    let loss = NodeRef::<Canvas>::new();
    let (logos_a, logos_b) = (NodeRef::<Canvas>::new(), NodeRef::<Canvas>::new());
    let rows = compare_rows(&a.compared(), &b.compared());
    let csv = compare_csv(&a.compared(), &b.compared());
    let title = format!("\"{}\" (A) and \"{}\" (B)", a.name, b.name);
    let both_logos = a.filters.is_some() || b.filters.is_some();
    let (fa, fb) = (a.filters.clone(), b.filters.clone());
    let classifier = a.is_classifier() && b.is_classifier();
    let regression = !a.is_classifier() && !b.is_classifier();
    let (ma, mb, na, nb) = (a.meta.clone(), b.meta.clone(), format!("A: {}", a.name), format!("B: {}", b.name));
    let (head_a, head_b) = (na.clone(), nb.clone());
    let (cap_a, cap_b) = (na.clone(), nb.clone());
    Effect::new(move |_| {
        let train = |m: &CheckpointMeta| m.history.iter().map(|h| h.train_loss).collect::<Vec<f32>>();
        let val = |m: &CheckpointMeta| m.history.iter().map(|h| h.val_loss).collect::<Vec<f32>>();
        let (ta, va, tb, vb) = (train(&ma), val(&ma), train(&mb), val(&mb));
        let y_label = if classifier { "BCE loss" } else if regression { "MSE loss" } else { "loss (MSE or BCE)" };
        let (na, nb) = (na.clone(), nb.clone());
        {
            let series = [LossSeries { label: &na, train: &ta, val: &va }, LossSeries { label: &nb, train: &tb, val: &vb }];
            describe(&loss, &format!("Loss curves of the two runs, train dashed, validation solid. {}", dnaplay_plots::describe::losses(&series, y_label)));
        }
        redraw_exportable(&loss, 760, 380, move |area, theme| {
            let series = [LossSeries { label: &na, train: &ta, val: &va }, LossSeries { label: &nb, train: &tb, val: &vb }];
            let _ = draw_loss_curves(area, &series, &LossOptions { log_y: regression, y_label: y_label.into(), title: None, theme: *theme });
        });
        if both_logos {
            let none = "No first-layer logos kept for this run";
            redraw_logos(&logos_a, 460, 3, 140, 110, &snapshot_logos(fa.as_ref(), true), none);
            redraw_logos(&logos_b, 460, 3, 140, 110, &snapshot_logos(fb.as_ref(), true), none);
        }
    });
    let table_rows = rows
        .into_iter()
        .map(|row| match row {
            Row::Number { label, a, b, unlike } => {
                let diff = unlike.map_or_else(|| diff_text(a, b), str::to_string);
                view! { <tr><th scope="row">{label}</th><td>{num(a)}</td><td>{num(b)}</td><td data-testid="my-runs-diff">{diff}</td></tr> }.into_any()
            }
            Row::Setting { label, a, b } => {
                let same = if a == b { "same" } else { "differs" };
                view! { <tr><th scope="row">{label}</th><td>{a}</td><td>{b}</td><td>{same}</td></tr> }.into_any()
            }
        })
        .collect_view();
    view! {
        <div class="comparison" data-testid="my-runs-comparison">
            <h3>{format!("Side by side: {title}")}</h3>
            <canvas role="img" node_ref=loss data-testid="my-runs-loss" aria-label="Loss curves of the two runs"></canvas>
            <PlotExport canvas=loss name="my-runs-loss" title="the two runs' loss curves" />
            <ScrollX label="The two runs compared" testid="my-runs-compare-table">
                <table class="runs">
                    <thead><tr><th scope="col">""</th><th scope="col">{head_a}</th><th scope="col">{head_b}</th><th scope="col">"B − A"</th></tr></thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </ScrollX>
            <CsvExport name="my-runs-compare" title="the two runs compared" rows=Callback::new(move |_| Some(csv.clone())) />
            {both_logos.then(|| view! {
                <h4>"First-layer filters (logos, bits)"</h4>
                <div class="cards" data-testid="my-runs-logos">
                    <figure><figcaption>{cap_a}</figcaption>
                        <canvas role="img" node_ref=logos_a aria-label="First-layer logos of run A"></canvas>
                        <PlotExport canvas=logos_a name="my-runs-logos-a" title="run A's logos" />
                    </figure>
                    <figure><figcaption>{cap_b}</figcaption>
                        <canvas role="img" node_ref=logos_b aria-label="First-layer logos of run B"></canvas>
                        <PlotExport canvas=logos_b name="my-runs-logos-b" title="run B's logos" />
                    </figure>
                </div>
            })}
        </div>
    }
}

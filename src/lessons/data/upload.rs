//! Lesson 13's data: paste, pick a file or an example; the parse (in pieces, with progress, a
//! newer Check cancelling an older one; a file over 2 MB in the training worker), the problems
//! named line by line, the fit of unequal lengths, and the data set saved in IndexedDB and
//! restored on the next visit.

use std::sync::Arc;

use dnaplay_model::upload::{self, Fit, Format, Lengths, Parsed, UserData, UserTask};
use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::engine::{Engine, ParseAnswer, UserSet};
use crate::store;
use super::DataState;
use super::saved::get_saved_runs;

/// The shipped examples: (button, file under `examples/`, citation).
const EXAMPLES: [(&str, &str, &str); 2] = [
    ("Seed 002's 8-mers (CSV, regression)", "kmers-seed002.csv", "6,000 8-mers scored by seed 002's rule (A20, C17, G14, T11, TAT +10, GCG −10)"),
    ("JASPAR core motifs (FASTA, binary)", "jaspar-core.fa", "2,000 × 200 nt, seed 003's Task 3: the five JASPAR 2016 core motifs (label 1) against background motifs (label 0)"),
];

/// Bytes parsed between two paints (about 10 to 30 ms of work in the page).
const PARSE_PIECE: usize = 256 * 1024;
/// Longest text shown in the text box; a larger file is parsed but not shown (fix it in the
/// file and pick it again).
const SHOWN_BYTES: usize = 2 * 1024 * 1024;

/// IndexedDB keys.
const KEY_DATA: &str = "data/text";
const KEY_LABELS: &str = "data/labels";
const KEY_NAME: &str = "data/name";
/// A file over [`SHOWN_BYTES`], kept as the file itself (a Blob).
const KEY_FILE: &str = "data/file";



/// Bytes of a file handed to the training worker at a time.
const WORKER_PIECE: f64 = 1024.0 * 1024.0;
/// How long the worker may take to answer about one piece, in milliseconds. It answers between
/// training slices (150 ms at most), so a minute means it is gone.
const WORKER_WAIT_MS: f64 = 60_000.0;

/// Parse `file` in the CPU training worker (issue 27): the page reads it in pieces of
/// [`WORKER_PIECE`] bytes with `Blob.slice` (the browser reads them off this thread) and hands
/// each to the worker, which parses it ([`upload::ByteParser`]) and says how far it got; the next
/// piece goes then. The page's thread only moves bytes and draws the progress, and neither
/// thread holds the whole text. `Ok(None)` when `stale` says a newer parse started.
///
/// # Errors
/// The browser's reason when a piece cannot be read; a worker that does not answer within
/// [`WORKER_WAIT_MS`], or that failed too often to start again.
async fn parse_in_worker(engine: Engine, file: &web_sys::File, format: Option<Format>, labels: Option<String>, progress: impl Fn(f64), stale: impl Fn() -> bool) -> Result<Option<Arc<Parsed>>, String> {
    let size = file.size();
    let key = engine.parse_start(&file.name(), format, labels);
    let mut at = 0.0;
    loop {
        let end = (at + WORKER_PIECE).min(size);
        let blob = file.slice_with_f64_and_f64(at, end).map_err(|e| format!("{e:?}"))?;
        let buf = wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await.map_err(|e| format!("{e:?}"))?;
        engine.parse_piece(key, js_sys::Uint8Array::new(&buf).to_vec(), end >= size);
        at = end;
        let asked = dnaplay_protocol::clock::now_ms();
        loop {
            if stale() {
                return Ok(None);
            }
            match engine.parse_answer(key) {
                Some(ParseAnswer::Done(parsed)) => return Ok(Some(parsed)),
                Some(ParseAnswer::Read(read)) if read >= at => break,
                Some(ParseAnswer::Gone(why)) => return Err(format!("the training worker cannot read it: {why}")),
                _ => {}
            }
            if dnaplay_protocol::clock::now_ms() - asked > WORKER_WAIT_MS {
                return Err(format!("the training worker did not answer within {} s", WORKER_WAIT_MS / 1000.0));
            }
            dnaplay_protocol::clock::sleep_ms(4).await;
        }
        progress(at / size.max(1.0));
    }
}

/// The upload form: examples, file, text box, labels, format and Check, then the reading
/// progress, the summary, the problems, the fit of unequal lengths and the data set made.
#[component]
pub(super) fn UploadForm(
    /// The lesson's shared state.
    state: DataState,
) -> impl IntoView {
    let settings = state.lab.settings;
    let text_area = NodeRef::<Textarea>::new();
    let (name, set_name) = signal("pasted text".to_string());
    let (text, set_text) = signal(String::new());
    let (labels_text, set_labels_text) = signal(String::new());
    let (format, set_format) = signal(None::<Format>);
    let (parsed, set_parsed) = signal(None::<Arc<Parsed>>);
    let (fit, set_fit) = signal(None::<Fit>);
    let (task_override, set_task_override) = state.task_override.split();
    let set_model_kind = state.model_kind.write_only();
    let (reading, set_reading) = signal(None::<String>);
    let set_error = state.error.write_only();
    let set_saved_note = state.saved_note.write_only();
    let (user_set, set_user_set) = state.user_set.split();
    let (parse_ms, set_parse_ms) = signal(None::<f64>);
    // Where the last parse ran: "worker" (a file over SHOWN_BYTES) or "page".
    let (parsed_in, set_parsed_in) = signal(None::<&'static str>);
    let engine = state.lab.engine;

    // Parse: the problems list and the summary. A file over SHOWN_BYTES is parsed in the
    // training worker; a large pasted text here, in pieces of PARSE_PIECE bytes with a paint
    // between them, so the page answers clicks and shows the progress. A newer Check cancels an
    // older one.
    let (progress, set_progress) = signal(None::<f64>);
    let parse_generation = StoredValue::new(0u64);
    // A file over SHOWN_BYTES is read from the file itself, piece by piece, never as one string.
    let big_file = StoredValue::new_local(None::<web_sys::File>);
    let check = move || {
        let labels = labels_text.get_untracked();
        let generation = parse_generation.get_value() + 1;
        parse_generation.set_value(generation);
        let stale = move || parse_generation.get_value() != generation;
        let file = big_file.get_value();
        let t = if file.is_some() { String::new() } else { text.get_untracked() };
        let size = file.as_ref().map_or(t.len() as f64, |f| f.size());
        set_reading.set(Some(if file.is_some() { format!("Reading {:.1} MB in the training worker…", size / 1e6) } else { format!("Reading {:.1} MB…", size / 1e6) }));
        set_progress.set(Some(0.0));
        spawn_local(async move {
            dnaplay_protocol::clock::sleep_ms(16).await;
            let started = dnaplay_protocol::clock::now_ms();
            let labels = (!labels.trim().is_empty()).then_some(labels.as_str());
            let parsed = match file {
                Some(file) => match parse_in_worker(engine, &file, format.get_untracked(), labels.map(str::to_string), |f| set_progress.set(Some(f)), stale).await {
                    Ok(Some(p)) => {
                        set_parsed_in.set(Some("worker"));
                        p
                    }
                    Ok(None) => return,
                    Err(e) => {
                        set_reading.set(None);
                        set_error.set(Some(format!("{} could not be read: {e}", file.name())));
                        return;
                    }
                },
                None if t.len() > upload::MAX_BYTES => Arc::new(upload::parse(&t, Format::Csv, None)),
                None => {
                    let fmt = format.get_untracked().unwrap_or_else(|| Format::detect(Some(&name.get_untracked()), &t));
                    let mut parser = upload::Parser::new(fmt, labels);
                    let mut done = 0;
                    for piece in upload::chunks(&t, PARSE_PIECE) {
                        parser.feed(piece);
                        done += piece.len();
                        if t.len() > PARSE_PIECE {
                            set_progress.set(Some(done as f64 / t.len() as f64));
                            dnaplay_protocol::clock::sleep_ms(0).await;
                            if stale() {
                                return;
                            }
                        }
                    }
                    set_parsed_in.set(Some("page"));
                    Arc::new(parser.finish())
                }
            };
            set_parse_ms.set(Some(dnaplay_protocol::clock::now_ms() - started));
            set_parsed.set(Some(parsed));
            set_reading.set(None);
            set_progress.set(None);
        });
    };
    // The data set the parse gives, with the student's choices; saved when it changes.
    Effect::new(move |_| {
        let Some(p) = parsed.get() else { return };
        let task = task_override.get().unwrap_or_else(|| UserTask::detect(&p.records.iter().map(|r| r.label).collect::<Vec<_>>()));
        let seed = settings.with(|s| s.seed);
        let made = UserData::new(&name.get_untracked(), &p.records, fit.get(), task).map_err(|e| e.to_string()).and_then(|d| UserSet::new(d, seed).map_err(|e| e.to_string()));
        match made {
            Ok(set) => {
                set_error.set(None);
                if user_set.with_untracked(|u| u.as_ref().is_none_or(|u| u.data != set.data || u.seed != set.seed)) {
                    set_user_set.set(Some(Arc::new(set)));
                }
            }
            Err(e) => {
                set_error.set(Some(e));
                set_user_set.set(None);
            }
        }
    });
    // Save the text the student checked, so a reload brings it back.
    let save_text = move || {
        let (t, l, n) = (text.get_untracked(), labels_text.get_untracked(), name.get_untracked());
        spawn_local(async move {
            let r = async {
                store::delete(KEY_FILE).await?;
                store::put(KEY_DATA, &t.into()).await?;
                store::put(KEY_LABELS, &l.into()).await?;
                store::put(KEY_NAME, &n.into()).await
            }
            .await;
            if let Err(e) = r {
                set_saved_note.set(Some(format!("The data was not saved for the next visit ({e}); the runs trained now are kept until the page closes.")));
            }
        });
    };

    // Restore the saved data and runs once, on the first visit of this page load.
    let restored = StoredValue::new(false);
    Effect::new(move |_| {
        if restored.get_value() {
            return;
        }
        restored.set_value(true);
        spawn_local(async move {
            let file = store::get(KEY_FILE).await.ok().and_then(|v| wasm_bindgen::JsCast::dyn_into::<web_sys::File>(v).ok());
            let Ok(Some(t)) = store::get_string(KEY_DATA).await else { return };
            if !text.get_untracked().is_empty() || big_file.with_value(Option::is_some) {
                return;
            }
            if let Some(f) = &file {
                if let Some(el) = text_area.get_untracked() {
                    el.set_placeholder(&format!("{}: {:.1} MB, too large to show here", f.name(), f.size() / 1e6));
                }
            }
            big_file.set_value(file);
            let l = store::get_string(KEY_LABELS).await.ok().flatten().unwrap_or_default();
            let n = store::get_string(KEY_NAME).await.ok().flatten().unwrap_or_else(|| "saved data".into());
            if let Some(el) = text_area.get_untracked() {
                el.set_value(&t);
            }
            set_text.set(t);
            set_labels_text.set(l);
            set_name.set(n);
            check();
            let runs = get_saved_runs().await.unwrap_or_default();
            state.saved_runs.set(runs.clone());
            state.to_restore.set(runs);
        });
    });
    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let file_name = file.name();
        if file.size() > upload::MAX_BYTES as f64 {
            set_error.set(Some(format!("{file_name} is {:.1} MB; at most {} MB are read", file.size() / 1e6, upload::MAX_BYTES / (1024 * 1024))));
            return;
        }
        set_name.set(file_name.clone());
        set_format.set(None);
        if file.size() > SHOWN_BYTES as f64 {
            // Read from the file in pieces; saved as the file itself (a Blob: no copy).
            if let Some(el) = text_area.get_untracked() {
                el.set_value("");
                el.set_placeholder(&format!("{file_name}: {:.1} MB, too large to show here; fix problems in the file and pick it again", file.size() / 1e6));
            }
            set_text.set(String::new());
            big_file.set_value(Some(file.clone()));
            check();
            spawn_local(async move {
                let saved = async {
                    store::put(KEY_FILE, &file.clone().into()).await?;
                    store::put(KEY_DATA, &"".into()).await?;
                    store::put(KEY_NAME, &file.name().into()).await
                }
                .await;
                if let Err(e) = saved {
                    set_saved_note.set(Some(format!("The file was not saved for the next visit ({e}).")));
                }
            });
            return;
        }
        big_file.set_value(None);
        set_reading.set(Some(format!("Reading {file_name} ({:.1} MB)…", file.size() / 1e6)));
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await.map(|v| v.as_string().unwrap_or_default()) {
                Ok(t) => {
                    if let Some(el) = text_area.get_untracked() {
                        el.set_value(&t);
                    }
                    set_text.set(t);
                    check();
                    save_text();
                }
                Err(e) => {
                    set_reading.set(None);
                    set_error.set(Some(format!("{file_name} could not be read: {e:?}")));
                }
            }
        });
    };
    let load_example = move |file: &'static str| {
        spawn_local(async move {
            match crate::checkpoints::fetch_static(&format!("examples/{file}")).await {
                Ok(bytes) => {
                    let t = String::from_utf8_lossy(&bytes).into_owned();
                    if let Some(el) = text_area.get_untracked() {
                        el.set_value(&t);
                    }
                    set_name.set(file.into());
                    set_format.set(None);
                    big_file.set_value(None);
                    set_labels_text.set(String::new());
                    set_model_kind.set(None);
                    set_task_override.set(None);
                    set_fit.set(None);
                    set_text.set(t);
                    check();
                    save_text();
                }
                Err(e) => set_error.set(Some(format!("The example could not be fetched: {e}"))),
            }
        });
    };
    let summary = move || {
        parsed.with(|p| {
            p.as_ref().map(|p| {
                let l = Lengths::of(&p.records);
                let lengths = if l.equal() { format!("{} nt", l.max) } else { format!("{} to {} nt", l.min, l.max) };
                format!(
                    "{} good sequences ({lengths}){}; {} problem{}",
                    dnaplay_plots::thousands(p.records.len()),
                    if p.header { ", after a header row" } else { "" },
                    p.problem_count(),
                    if p.problem_count() == 1 { "" } else { "s" }
                )
            })
        })
    };
    let lengths = move || parsed.with(|p| p.as_ref().map(|p| Lengths::of(&p.records)).filter(|l| !l.equal() && l.max > 0));

    view! {
            <div data-setting="upload">
            <div class="controls buttons">
                {EXAMPLES.iter().map(|&(title, file, _)| view! {
                    <button data-testid=format!("example-{}", file.split('.').next().unwrap_or(file)) on:click=move |_| load_example(file)>{format!("Example: {title}")}</button>
                }).collect_view()}
            </div>
            <ul class="note examples">{EXAMPLES.iter().map(|&(title, _, cite)| view! { <li>{format!("{title}: {cite}.")}</li> }).collect_view()}</ul>
            <label class="file">"File (CSV, TSV or FASTA, up to 64 MB) "
                <input type="file" data-testid="upload-input" accept=".csv,.tsv,.txt,.fa,.fasta,.fna,.tab" on:change=on_file />
            </label>
            <label class="block">"Sequences and labels "<span class="note">{move || format!("({})", name.get())}</span>
                <textarea node_ref=text_area data-testid="upload-text" rows="10" spellcheck="false"
                    placeholder="sequence,label\nACGTTGCA,12.5\n…"
                    on:input=move |ev| { big_file.set_value(None); set_text.set(event_target_value(&ev)); }></textarea>
            </label>
            <details>
                <summary>"Labels file for FASTA without labels in the headers"</summary>
                <textarea data-testid="labels-text" rows="4" spellcheck="false" placeholder="id,label" prop:value=move || labels_text.get()
                    on:input=move |ev| set_labels_text.set(event_target_value(&ev))></textarea>
            </details>
            <div class="controls">
                <label>"Format "
                    <select data-testid="upload-format" on:change=move |ev| set_format.set(match event_target_value(&ev).as_str() {
                        "csv" => Some(Format::Csv), "tsv" => Some(Format::Tsv), "fasta" => Some(Format::Fasta), _ => None })>
                        <option value="auto">"Detect"</option><option value="csv">"CSV"</option><option value="tsv">"TSV"</option><option value="fasta">"FASTA"</option>
                    </select>
                </label>
                <button class="primary" data-testid="upload-check" on:click=move |_| { check(); save_text(); }>"Check the data"</button>
            </div>
            </div>
            {move || reading.get().map(|m| view! { <p class="status" data-testid="upload-reading">
                <progress max="1" prop:value=move || progress.get().unwrap_or(0.0) aria-label="Reading the data"></progress>" "{m}</p> })}
            <p class="status" data-testid="upload-summary" data-parse-ms=move || parse_ms.get().map(|m| format!("{m:.0}")) data-parsed-in=move || parsed_in.get()>{summary}</p>
            <ul class="problems" data-testid="upload-errors" aria-live="polite">
                {move || parsed.with(|p| p.as_ref().map(|p| {
                    let mut items: Vec<_> = p.problems.iter().map(|e| view! { <li class="error" data-testid="upload-error" data-line=e.line>{e.to_string()}</li> }.into_any()).collect();
                    if p.more_problems > 0 {
                        items.push(view! { <li class="error">{format!("… and {} more problems", p.more_problems)}</li> }.into_any());
                    }
                    items
                }))}
            </ul>
            {move || parsed.with(|p| p.as_ref().filter(|p| !p.problems.is_empty()).map(|_| view! {
                <p class="note">"Fix the lines named above in the text box (nothing you typed is lost), then press Check again. Rows with problems are left out until then."</p>
            }))}
            {move || lengths().map(|l| view! {
                <fieldset class="controls" data-testid="upload-fit"><legend>{format!("The sequences have lengths {} to {} nt; a model needs one length.", l.min, l.max)}</legend>
                    {[
                        (Fit::PadWithN, "fit-pad", format!(" Pad with N to {} nt ({} sequences change)", l.max, l.shorter_than_max)),
                        (Fit::Crop, "fit-crop", format!(" Crop to {} nt ({} sequences change)", l.min, l.longer_than_min)),
                    ].into_iter().map(|(choice, id, words)| view! {
                        <label><input type="radio" name="fit" data-testid=id on:change=move |_| set_fit.set(Some(choice)) prop:checked=move || fit.get() == Some(choice) />{words}</label>
                    }).collect_view()}
                </fieldset>
            })}
            {move || user_set.get().map(|u| view! {
                <p class="metric" data-testid="upload-ready" data-task=u.data.task.name()>{format!(
                    "Ready: {} sequences of {} nt, split {} / {} / {} (train / validation / test, seed {}). Task: {}.",
                    dnaplay_plots::thousands(u.data.len()), u.data.length(), u.split.train.len(), u.split.val.len(), u.split.test.len(), u.seed, u.data.task.name())}</p>
            })}
    }
}

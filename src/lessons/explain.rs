//! Lesson 11: why did it predict that? Attribution maps (saliency, in silico mutagenesis,
//! integrated gradients, DeepSHAP) of lesson 9's relu and exp models over a Task 3 sequence, each scored
//! against the planted motifs by its interpretability AUROC (seed 003, Fig. 2 and Extended Data
//! Fig. 2); the 8-mer models over any typed 8-mer; lesson 10's attention beside its saliency;
//! and an in-silico experiment (tangermeme's marginalisation): insert a motif, see the effect.

use std::sync::Arc;

use dnaplay_model::attribution::{INFORMATION_THRESHOLD, Insert, Method, Reference, interpretability};
use dnaplay_model::metrics::{pearson_r, sigmoid};
use dnaplay_model::models::Activation;
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::sequence::one_hot;
use dnaplay_plots::describe::{histograms as describe_histograms, tracks as describe_tracks};
use dnaplay_plots::{HistogramSeries, Track, TrackKind, draw_histograms, draw_tracks, motif_ranges};
use dnaplay_protocol::clock::now_ms;
use dnaplay_protocol::{Bench, RunState};
use dnaplay_protocol::{ExplainRequest, Explanation, InsertRequest, RunError};
use dnaplay_state::explain_seq_problem;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::export::{CsvExport, PlotExport, csv_table};
use crate::components::plot_canvas::{describe, note, redraw_exportable};
use crate::engine::{Engine, Reply, RunView};
use crate::lab::Lab;

/// The methods, in display order (the worker leaves out DeepSHAP for a model it has no rule
/// for: the multi-scale model's attention pooling).
const METHODS: [Method; 4] = [Method::Saliency, Method::Ism, Method::Ig, Method::DeepShap];
/// Width of the map canvases, CSS pixels.
const WIDTH: u32 = 960;

/// The newest idle run of `bench` (finished or paused, with a kept model) that `pick` accepts.
fn idle_run(engine: Engine, bench: Bench, pick: impl Fn(&RunView) -> bool) -> Option<RunView> {
    engine.runs.with(|r| r.iter().rev().find(|r| r.bench == bench && matches!(r.state, RunState::Finished | RunState::Paused) && pick(r)).cloned())
}

/// Ask for maps of `seq` from run `id` and keep the key, so only this request's answer is shown.
pub(crate) fn ask(engine: Engine, id: usize, seq: String, reference: Reference) -> (usize, u64, f64) {
    let request = ExplainRequest { seqs: vec![seq], methods: METHODS.to_vec(), reference, seed: 1 };
    (id, engine.request_explanation(id, request), now_ms())
}

/// The answer to request `(id, key)`, when it has come.
pub(crate) fn answer<T>(replies: &[Reply<T>], (id, key): (usize, u64)) -> Option<Result<Arc<T>, RunError>> {
    replies.iter().find(|(i, k, _)| (*i, *k) == (id, key)).map(|(_, _, r)| r.clone())
}

/// How a map's per-base scores are ranked against the ground truth.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Scored {
    /// As they are (seed 003: the positive class's motifs all raise the logit).
    Signed,
    /// By size (the 8-mer rule's GCG lowers the score: a strongly negative base found it too).
    Magnitude,
}

/// The tracks of one model's maps over `seq`, each labelled with its interpretability AUROC
/// against `information` (when given and the sequence has both motif and background), plus the
/// ground truth. Returns the tracks and each method's AUROC.
pub(crate) fn tracks(e: &Explanation, seq: &str, information: Option<&[f32]>, name: &str, scored: Scored) -> (Vec<Track>, Vec<(Method, Option<f64>)>) {
    let Ok(x) = one_hot(&[seq]) else { return (Vec::new(), Vec::new()) };
    let mut out = Vec::new();
    let mut scores = Vec::new();
    for (method, maps) in &e.maps {
        let mut c = maps.position_scores(&x);
        if scored == Scored::Magnitude {
            c.iter_mut().for_each(|v| *v = v.abs());
        }
        let auroc = information.and_then(|info| interpretability(&c, info)).map(|(a, _)| a);
        out.push(Track { title: format!("{} · {name}", method.label()), label: auroc.map(|a| format!("interpretability AUROC {a:.2}")), kind: TrackKind::Letters(maps.heights(0)) });
        scores.push((*method, auroc));
    }
    if let Some(info) = information {
        out.push(Track { title: "Ground truth: information of the generating model (bits)".into(), label: None, kind: TrackKind::Bars(info.to_vec()) });
    }
    (out, scores)
}

/// Each base's score in each map of `e` over `seq`, as CSV: `position` (from 1), `base`, then
/// one column per method (`Maps::position_scores`: the observed base's score, signed). `None`
/// when `seq` is not A/C/G/T.
pub(crate) fn position_scores_csv(e: &Explanation, seq: &str) -> Option<String> {
    let x = one_hot(&[seq]).ok()?;
    let columns: Vec<Vec<f32>> = e.maps.iter().map(|(_, maps)| maps.position_scores(&x)).collect();
    let mut header = vec!["position".to_string(), "base".to_string()];
    header.extend(e.maps.iter().map(|(m, _)| m.to_string()));
    let rows = seq.chars().enumerate().map(|(i, base)| {
        let mut row = vec![(i + 1).to_string(), base.to_string()];
        row.extend(columns.iter().map(|c| c.get(i).map(|v| v.to_string()).unwrap_or_default()));
        row
    });
    Some(csv_table(&header.iter().map(String::as_str).collect::<Vec<_>>(), rows))
}

/// The 8-mer rule's motifs as ground truth: 2 bits at every base of an occurrence of a motif of
/// `rule` (seed 002's TAT and GCG), 0 elsewhere.
fn rule_information(seq: &str, rule: &ScoringRule) -> Vec<f32> {
    let mut info = vec![0.0; seq.len()];
    for m in &rule.motifs {
        let w = m.motif.len();
        for start in (0..=seq.len().saturating_sub(w)).filter(|&s| seq.get(s..s + w) == Some(m.motif.as_str())) {
            for i in &mut info[start..start + w] {
                *i = 2.0;
            }
        }
    }
    info
}

/// How the student picks a Task 3 sequence.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pick {
    /// The first positive test sequence (the default), or a random one (the count of clicks).
    Random(u64),
    /// The positive the exp model is surest of.
    Confident,
    /// The positive the exp model scores lowest.
    Wrong,
}

/// The test-split index (into the task's sequences) of the pick, among positive test sequences.
fn picked(run: &RunView, pick: Pick) -> Option<usize> {
    let class = run.data.class()?;
    let test = &class.task.split.test;
    let positives: Vec<(usize, usize)> = test.iter().enumerate().filter(|(_, i)| class.task.seqs[**i].label).map(|(k, &i)| (k, i)).collect();
    let prob = |k: usize| run.test.as_ref().and_then(|t| t.probabilities.get(k).copied()).unwrap_or(0.5);
    let chosen = match pick {
        Pick::Random(0) => positives.first(),
        Pick::Random(n) => positives.get((n.wrapping_mul(2_654_435_761) % positives.len().max(1) as u64) as usize),
        Pick::Confident => positives.iter().max_by(|a, b| prob(a.0).total_cmp(&prob(b.0))),
        Pick::Wrong => positives.iter().min_by(|a, b| prob(a.0).total_cmp(&prob(b.0))),
    };
    chosen.map(|&(_, i)| i)
}

#[component]
fn MethodNotes() -> impl IntoView {
    view! {
        <dl class="methods" data-testid="explain-methods">
            {METHODS.iter().map(|m| view! { <dt>{m.label()}</dt><dd>{m.explanation()}</dd> }).collect_view()}
        </dl>
    }
}

/// Lesson 9's pair over one Task 3 sequence.
#[component]
fn Contrast() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let settings = lab.settings;
    let relu = Memo::new(move |_| idle_run(engine, Bench::Contrast, |r| r.model.activation == Activation::Relu));
    let exp = Memo::new(move |_| idle_run(engine, Bench::Contrast, |r| r.model.activation == Activation::Exp));
    let (error, set_error) = signal(None::<String>);
    let (loading, load) = crate::checkpoints::load_action(lab, Bench::Contrast, "lesson 9's trained models", set_error);
    // With no lesson 9 runs at all, load the shipped pair once the device is known (a plain
    // link shows maps); once asked, or when lesson 9 has runs, never again.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let has_runs = engine.runs.with(|r| r.iter().any(|r| r.bench == Bench::Contrast));
        if has_runs {
            return true;
        }
        if engine.device.get().is_none() || loading.get_untracked() {
            return false;
        }
        leptos::task::spawn_local(async move {
            if let Err(e) = crate::checkpoints::load(lab, Bench::Contrast).await {
                set_error.set(Some(format!("Could not load lesson 9's trained models: {e}")));
            }
        });
        true
    });
    let (pick, set_pick) = signal(Pick::Random(0));
    let (clicks, set_clicks) = signal(0u64);
    let reference = Memo::new(move |_| settings.with(|s| s.reference));
    // The sequence: chosen by the exp model's predictions (the relu one's when alone).
    let seq_index = Memo::new(move |_| {
        let p = pick.get();
        exp.with(|e| e.as_ref().and_then(|r| picked(r, p))).or_else(|| relu.with(|r| r.as_ref().and_then(|r| picked(r, p))))
    });
    let sequence = Memo::new(move |_| {
        let i = seq_index.get()?;
        let run = exp.get().or_else(|| relu.get())?;
        let class = run.data.class()?.clone();
        let s = class.task.seqs.get(i)?.clone();
        Some((i, s))
    });
    // One request per model; a new sequence, reference or run asks again (a run's test
    // evaluation arriving does not).
    let ids = Memo::new(move |_| [relu.with(|r| r.as_ref().map(|r| r.id)), exp.with(|r| r.as_ref().map(|r| r.id))]);
    // The requests, and the sequence (task index) they asked about.
    let asked = RwSignal::new((Vec::<(usize, u64, f64)>::new(), None::<usize>));
    Effect::new(move |_| {
        let Some((i, s)) = sequence.get() else { return asked.set((Vec::new(), None)) };
        let r = reference.get();
        asked.set((ids.get().into_iter().flatten().map(|id| ask(engine, id, s.seq.clone(), r)).collect(), Some(i)));
    });
    // The answers, once they are for the sequence shown.
    let answers = Memo::new(move |_| {
        let (asked, about) = asked.get();
        if about != sequence.with(|s| s.as_ref().map(|s| s.0)) {
            return Vec::new();
        }
        engine.explanations.with(|replies| asked.iter().map(|&(id, key, t0)| (id, answer(replies, (id, key)), t0)).collect::<Vec<_>>())
    });
    // From the request to the last answer, and each model's time in the worker.
    let elapsed = Memo::new(move |_| {
        answers.with(|a| {
            (!a.is_empty() && a.iter().all(|(_, r, _)| r.is_some())).then(|| {
                let t0 = a.iter().map(|x| x.2).fold(f64::INFINITY, f64::min);
                let worker: Vec<f64> = a.iter().filter_map(|(_, r, _)| r.as_ref()?.as_ref().ok().map(|e| e.millis)).collect();
                (now_ms() - t0, worker)
            })
        })
    });
    let canvases = [NodeRef::<Canvas>::new(), NodeRef::<Canvas>::new()];
    let scores = RwSignal::new(Vec::<(String, Vec<(Method, Option<f64>)>)>::new());
    Effect::new(move |_| {
        let answers = answers.get();
        let seq = sequence.get();
        let mut table = Vec::new();
        for (k, (run, canvas)) in [relu.get(), exp.get()].into_iter().zip(&canvases).enumerate() {
            let name = ["relu", "exp"][k];
            let reply = run.as_ref().and_then(|run| answers.iter().find(|(id, _, _)| *id == run.id)).and_then(|(_, r, _)| r.clone());
            // What to draw, made once: the export draws it again.
            let (drawing, summary) = match (&reply, &seq) {
                (Some(Ok(e)), Some((_, s))) => {
                    let (t, sc) = tracks(e, &s.seq, Some(&s.information), &format!("CNN-dist, {name}"), Scored::Signed);
                    table.push((name.to_string(), sc));
                    let summary = format!("Attribution maps of the {name} model. {}", describe_tracks(&t));
                    (Ok((t, motif_ranges(&s.information, INFORMATION_THRESHOLD))), summary)
                }
                (Some(Err(e)), _) => (Err(format!("Could not compute the maps: {e}")), String::new()),
                _ if run.is_none() => (Err(format!("Lesson 9's {name} model appears here once trained or loaded")), String::new()),
                _ => (Err("Computing the maps…".to_string()), String::new()),
            };
            let summary = match &drawing { Err(m) => m.clone(), Ok(_) => summary };
            redraw_tracks(canvas, 650, drawing);
            describe(canvas, &summary);
        }
        scores.set(table);
    });
    let seq_line = move || {
        sequence.get().map(|(i, s)| {
            let p = exp.with(|e| e.as_ref().and_then(|r| {
                let class = r.data.class()?;
                let k = class.task.split.test.iter().position(|&t| t == i)?;
                r.test.as_ref()?.probabilities.get(k).copied()
            }));
            let motifs: Vec<String> = s.placements.iter().map(|p| format!("{}{} at {}", p.name, if p.reverse { " (rc)" } else { "" }, p.start + 1)).collect();
            format!("Test sequence #{i} · {} · exp model's probability {} · planted: {}", if s.label { "positive" } else { "negative" }, p.map(|p| format!("{p:.3}")).unwrap_or_else(|| "–".into()), motifs.join(", "))
        })
    };
    view! {
        <h3>"Task 3: relu beside exp"</h3>
        <div class="controls">
            <span>"Pick a positive test sequence: "</span>
            <button data-testid="explain-random" on:click=move |_| { set_clicks.update(|c| *c += 1); set_pick.set(Pick::Random(clicks.get_untracked())); }>"Random"</button>
            <button data-testid="explain-confident" on:click=move |_| set_pick.set(Pick::Confident)>"Most confident"</button>
            <button data-testid="explain-wrong" on:click=move |_| set_pick.set(Pick::Wrong)>"Most wrong"</button>
            <label>" Integrated gradients and DeepSHAP from "
                <select data-testid="explain-reference" prop:value=move || reference.get().to_string()
                    on:change=move |ev| { if let Ok(r) = event_target_value(&ev).parse::<Reference>() { settings.update(|s| s.reference = r) } }>
                    <option value="shuffle">"10 shuffles of the sequence (seed 003)"</option>
                    <option value="zero">"all zeros"</option>
                    <option value="uniform">"0.25 everywhere"</option>
                </select>
            </label>
            <Show when=move || relu.get().is_none() && exp.get().is_none()>
                <button data-testid="explain-load" on:click=load disabled=move || loading.get()>{move || if loading.get() { "Loading…" } else { "Load lesson 9's trained models" }}</button>
            </Show>
        </div>
        {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="explain-error">{e}</p> })}
        <p class="status" data-testid="explain-seq">{seq_line}</p>
        <p class="status" data-testid="explain-time">{move || elapsed.get().map(|(ms, worker)| {
            let each: Vec<String> = worker.iter().map(|w| format!("{:.1} s", w / 1000.0)).collect();
            format!("Maps of both models computed in {:.1} s (in the worker: {})", ms / 1000.0, each.join(" and "))
        })}</p>
        <canvas role="img" node_ref=canvases[0] data-testid="explain-relu" aria-label="Saliency, ISM, integrated-gradients and DeepSHAP maps of the relu model over the chosen sequence, planted motifs shaded, with the ground truth below"></canvas>
        <canvas role="img" node_ref=canvases[1] data-testid="explain-exp" aria-label="The same maps of the exp model"></canvas>
        <p class="exports">
            <PlotExport canvas=canvases[0] name="explain-relu" title="the relu model's attribution maps" />
            <PlotExport canvas=canvases[1] name="explain-exp" title="the exp model's attribution maps" />
            <CsvExport name="explain-scores" title="the interpretability AUROC of each map of this sequence" rows=Callback::new(move |()| {
                let rows: Vec<Vec<String>> = scores.with_untracked(|s| s.iter().map(|(name, sc)| {
                    let mut row = vec![name.clone()];
                    row.extend(METHODS.iter().map(|m| sc.iter().find(|(k, _)| k == m).and_then(|(_, a)| *a).map(|a| a.to_string()).unwrap_or_default()));
                    row
                }).collect());
                let mut header = vec!["model".to_string()];
                header.extend(METHODS.iter().map(|m| m.to_string()));
                (!rows.is_empty()).then(|| csv_table(&header.iter().map(String::as_str).collect::<Vec<_>>(), rows))
            }) />
        </p>
        // The title above the table, not shown in its caption: a caption is as wide as its
        // table and scrolls out of a phone's view with it.
        <p class="note" aria-hidden="true">"Interpretability AUROC of this sequence's maps: 1 when every motif base scores above every background base, 0.5 by chance."</p>
        <ScrollX label="Interpretability AUROC of the maps">
            <table class="runs" data-testid="explain-scores">
                <caption class="sr-only">"Interpretability AUROC of this sequence's maps: 1 when every motif base scores above every background base, 0.5 by chance"</caption>
                <thead><tr><th>"model"</th>{METHODS.iter().map(|m| view! { <th>{m.label()}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {move || scores.get().into_iter().map(|(name, sc)| view! {
                        <tr><td>{name.clone()}</td>{METHODS.iter().map(|m| {
                            let a = sc.iter().find(|(k, _)| k == m).and_then(|(_, a)| *a);
                            view! { <td data-testid=format!("auroc-{name}-{m}")>{a.map(|a| format!("{a:.3}")).unwrap_or_else(|| "–".into())}</td> }
                        }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollX>
    }
}

/// Attribution tracks (or a note) on a map canvas `WIDTH` wide and `height` high, kept for the
/// canvas's SVG export (lessons 11 and 13).
pub(crate) fn redraw_tracks(canvas: &NodeRef<Canvas>, height: u32, drawing: Result<(Vec<Track>, Vec<std::ops::Range<usize>>), String>) {
    redraw_exportable(canvas, WIDTH, height, move |area, theme| match &drawing {
        Ok((t, motifs)) => drop(draw_tracks(area, t, motifs, theme)),
        Err(m) => drop(note(area, theme, m.clone())),
    });
}

/// The 8-mer models over a typed 8-mer.
#[component]
fn Kmers() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let settings = lab.settings;
    let text = RwSignal::new(settings.get_untracked().explain_seq);
    let problem = Memo::new(move |_| text.with(|t| explain_seq_problem(t)));
    Effect::new(move |_| {
        let t = text.get();
        if explain_seq_problem(&t).is_none() {
            settings.update(|s| s.explain_seq = t.trim().to_ascii_uppercase());
        }
    });
    // A link or a parity-plot click changes the setting: show it in the box.
    Effect::new(move |_| {
        let s = settings.with(|s| s.explain_seq.clone());
        if text.with_untracked(|t| t.trim().to_ascii_uppercase() != s) {
            text.set(s);
        }
    });
    let shown = lab.shown;
    // Asked again only when the 8-mer, the reference or the run changes (not any setting).
    let question = Memo::new(move |_| (settings.with(|s| (s.explain_seq.clone(), s.reference)), shown.with(|s| s.as_ref().map(|s| s.id))));
    // The request and the 8-mer it asked about.
    let asked = RwSignal::new(None::<((usize, u64, f64), String)>);
    Effect::new(move |_| {
        let ((seq, r), id) = question.get();
        asked.set(id.map(|id| (ask(engine, id, seq.clone(), r), seq)));
    });
    let canvas = NodeRef::<Canvas>::new();
    let reply = Memo::new(move |_| asked.get().and_then(|((id, key, _), seq)| engine.explanations.with(|r| answer(r, (id, key))).map(|r| (r, seq))));
    let labels = RwSignal::new((String::new(), Vec::<(Method, Option<f64>)>::new()));
    Effect::new(move |_| {
        let (reply, seq) = reply.get().map_or((None, String::new()), |(r, seq)| (Some(r), seq));
        let rule = shown.with(|s| s.as_ref().map(|s| s.results.dataset.rule.clone()));
        let drawing: Result<(Vec<Track>, Vec<std::ops::Range<usize>>), String> = match (&reply, &rule) {
            (Some(Ok(e)), Some(rule)) => {
                let info = rule_information(&seq, rule);
                let (t, sc) = tracks(e, &seq, Some(&info), &shown.with_untracked(|s| s.as_ref().map(|s| s.label.clone()).unwrap_or_default()), Scored::Magnitude);
                labels.set((seq.clone(), sc));
                Ok((t, motif_ranges(&info, 0.0)))
            }
            (Some(Err(e)), _) => Err(format!("Could not compute the maps: {e}")),
            _ if rule.is_none() => Err("Train an 8-mer model in lesson 5 to see its maps".into()),
            _ => Err("Computing the maps…".into()),
        };
        let summary = match &drawing {
            Ok((t, _)) => format!("Attribution maps over {seq}. {}", describe_tracks(t)),
            Err(m) => m.clone(),
        };
        redraw_tracks(&canvas, 540, drawing);
        describe(&canvas, &summary);
    });
    let prediction = move || {
        let (e, seq) = reply.get()?;
        let e = e.ok()?;
        let truth = shown.with(|s| s.as_ref().and_then(|s| s.results.dataset.rule.score(&seq).ok()));
        Some(format!("{seq}: predicted {:.2}{}", e.outputs.first()?, truth.map(|t| format!(", true score {t:.3}")).unwrap_or_default()))
    };
    view! {
        <h3>"The 8-mer models"</h3>
        <p>
            "Type any 8-mer (or click a dot of lesson 7's parity plot). The model is the run lessons 5 to 8 show. "
            "The rule's motifs (TAT adds 10, GCG takes 10 away) are shaded: a model that learned the rule lights them "
            "up, TAT above the axis and GCG below it. Here each AUROC ranks the bases by the size of their score, "
            "since a base that pulls the prediction down matters as much as one that pushes it up."
        </p>
        <div class="controls">
            <label>"8-mer "
                <input type="text" maxlength="8" size="10" data-testid="explain-kmer" class:invalid=move || problem.get().is_some()
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
            </label>
            <span class="status" data-testid="explain-kmer-prediction">{prediction}</span>
        </div>
        {move || problem.get().map(|p| view! { <p class="error" role="alert" data-testid="explain-kmer-error">{p}</p> })}
        <canvas role="img" node_ref=canvas data-testid="explain-kmer-maps" aria-label="Saliency, ISM, integrated-gradients and DeepSHAP maps of the 8-mer model over the typed 8-mer, the rule's motifs shaded"></canvas>
        <p class="exports"><PlotExport canvas name="explain-kmer-maps" title="the 8-mer model's attribution maps" /></p>
        <p class="status" data-testid="explain-kmer-scores">{move || {
            let (seq, l) = labels.get();
            (!l.is_empty()).then(|| format!("{seq} · ") + &l.iter().map(|(m, a)| format!("{}: {}", m.label(), a.map(|a| format!("AUROC {a:.2}")).unwrap_or_else(|| "no motif to score against".into()))).collect::<Vec<_>>().join(" · "))
        }}</p>
    }
}

/// Lesson 10's model: attention beside saliency.
#[component]
fn Attention() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let run = Memo::new(move |_| idle_run(engine, Bench::Keras, |r| r.test.is_some()));
    let index = lab.explain_keras;
    let sequence = Memo::new(move |_| {
        let run = run.get()?;
        let class = run.data.class()?;
        let k = index.get().unwrap_or(0).min(class.task.split.test.len().saturating_sub(1));
        let i = *class.task.split.test.get(k)?;
        Some((k, class.task.seqs[i].clone(), run.test.as_ref().and_then(|t| t.probabilities.get(k).copied())))
    });
    let asked = RwSignal::new(None::<(usize, u64, f64)>);
    Effect::new(move |_| {
        let (Some(run), Some((_, s, _))) = (run.get(), sequence.get()) else { return asked.set(None) };
        let request = ExplainRequest { seqs: vec![s.seq.clone()], methods: vec![Method::Saliency], reference: Reference::Zero, seed: 1 };
        asked.set(Some((run.id, engine.request_explanation(run.id, request), now_ms())));
    });
    let reply = Memo::new(move |_| asked.get().and_then(|(id, key, _)| engine.explanations.with(|r| answer(r, (id, key)))));
    let canvas = NodeRef::<Canvas>::new();
    let correlation = RwSignal::new(None::<f64>);
    Effect::new(move |_| {
        let reply = reply.get();
        let seq = sequence.get();
        let drawing: Result<(Vec<Track>, Vec<std::ops::Range<usize>>), String> = match (&reply, &seq) {
            (Some(Ok(e)), Some((_, s, _))) => match &e.attention {
                None => Err("This model has no attention".into()),
                Some(att) => {
                    let l = s.seq.len();
                    let branches = att.len() / l.max(1);
                    let mean: Vec<f32> = (0..l).map(|i| (0..branches).map(|b| att[b * l + i]).sum::<f32>() / branches.max(1) as f32).collect();
                    let (mut t, _) = tracks(e, &s.seq, Some(&s.information), "multiscale", Scored::Signed);
                    let saliency = one_hot(&[s.seq.as_str()]).ok().map(|x| e.maps[0].1.position_scores(&x)).unwrap_or_default();
                    let magnitude: Vec<f32> = saliency.iter().map(|v| v.abs()).collect();
                    correlation.set(Some(pearson_r(&mean, &magnitude)));
                    t.insert(1, Track { title: format!("Attention, mean of the {branches} branches"), label: None, kind: TrackKind::Line(mean) });
                    Ok((t, motif_ranges(&s.information, INFORMATION_THRESHOLD)))
                }
            },
            (Some(Err(e)), _) => Err(format!("Could not compute the maps: {e}")),
            _ if run.with(Option::is_none) => Err("Train or load lesson 10's model to compare its attention with its saliency".into()),
            _ => Err("Computing…".into()),
        };
        let summary = match &drawing {
            Ok((t, _)) => format!("Saliency and attention of lesson 10's model. {}", describe_tracks(t)),
            Err(m) => m.clone(),
        };
        redraw_tracks(&canvas, 400, drawing);
        describe(&canvas, &summary);
    });
    view! {
        <h3>"Lesson 10's model: attention is not an explanation until it is checked"</h3>
        <p>
            "Seed 000 reads its attention weights as where the model looks. Saliency asks the model directly which "
            "bases move its output. Where the two agree over the planted motif, attention is a fair summary; where "
            "they do not, attention alone would mislead. Pick the sequence in lesson 10 (its test-sequence box, or a "
            "cell of its confusion matrix)."
        </p>
        <p class="status" data-testid="explain-attention-seq">{move || sequence.get().map(|(k, s, p)| format!(
            "Test sequence {k} · {} · predicted probability {}", if s.label { "positive" } else { "negative" }, p.map(|p| format!("{p:.3}")).unwrap_or_else(|| "–".into())))}</p>
        <canvas role="img" node_ref=canvas data-testid="explain-attention" aria-label="Saliency and mean attention of lesson 10's model over the chosen test sequence, the planted motif shaded"></canvas>
        <p class="exports"><PlotExport canvas name="explain-attention" title="the saliency and attention tracks" /></p>
        <p class="status" data-testid="explain-correlation">{move || correlation.get().map(|r| format!("Pearson correlation of the attention with |saliency × input| along the sequence: r = {r:.2}"))}</p>
    }
}

/// The insertion experiment on lesson 9's models.
#[component]
fn Experiment() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let (motif, set_motif) = signal("CACGTG".to_string());
    let (position, set_position) = signal(97usize);
    let (which, set_which) = signal(Activation::Exp);
    let (problem, set_problem) = signal(None::<String>);
    let asked = RwSignal::new(None::<(usize, u64, String)>);
    let run_of = move |a: Activation| idle_run(engine, Bench::Contrast, |r| r.model.activation == a);
    let go = move |_| {
        set_problem.set(None);
        let Some(run) = run_of(which.get_untracked()) else { return set_problem.set(Some("Load or train lesson 9's models first (above).".into())) };
        let text = motif.get_untracked().trim().to_string();
        let insert = Insert::from_text(&text);
        if let Insert::Sequence(seq) = &insert
            && let Some((i, c)) = seq.chars().enumerate().find(|(_, c)| !"ACGTN".contains(*c))
        {
            return set_problem.set(Some(format!("'{c}' at position {} is not A, C, G, T or N, and '{text}' is not a JASPAR 2016 ID or name", i + 1)));
        }
        let w = insert.width();
        let p = position.get_untracked();
        if w == 0 || p + w > run.model.seq_len {
            return set_problem.set(Some(format!("a {w}-nt motif at position {p} does not fit in {} nt", run.model.seq_len)));
        }
        let key = engine.request_insertion(run.id, InsertRequest { motif: insert, position: p, n: 300, seed: 1 });
        asked.set(Some((run.id, key, text)));
    };
    let reply = Memo::new(move |_| asked.get().and_then(|(id, key, _)| engine.insertions.with(|r| answer(r, (id, key)))));
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let reply = reply.get();
        let label = asked.with(|a| a.as_ref().map(|a| a.2.clone()).unwrap_or_default());
        let drawing: Result<(String, Vec<f32>, String, Vec<f32>), String> = match &reply {
            Some(Ok(e)) => Ok((label.clone(), e.motif.deltas.clone(), format!("shuffled ({})", e.control_text), e.control.deltas.clone())),
            Some(Err(e)) => Err(format!("Could not run the experiment: {e}")),
            None if asked.with(Option::is_some) => Err("Running…".into()),
            None => Err("Insert a motif to see its effect".into()),
        };
        const X_LABEL: &str = "Change in the logit when inserted";
        let summary = match &drawing {
            Ok((l, m, c, cd)) => describe_histograms(&[HistogramSeries { label: l, values: m, alpha: 0.6 }, HistogramSeries { label: c, values: cd, alpha: 0.6 }], "the change in the logit when inserted"),
            Err(m) => m.clone(),
        };
        redraw_exportable(&canvas, 640, 300, move |area, theme| match &drawing {
            Ok((l, m, c, cd)) => drop(draw_histograms(area, &[HistogramSeries { label: l, values: m, alpha: 0.6 }, HistogramSeries { label: c, values: cd, alpha: 0.6 }], 30, X_LABEL, theme)),
            Err(m) => drop(note(area, theme, m.clone())),
        });
        describe(&canvas, &summary);
    });
    let summary = move || {
        let e = reply.get()?.ok()?;
        let p = |d: f64| sigmoid(d as f32);
        Some(format!(
            "Mean change in the logit: motif {:+.2} (median {:+.2}), shuffled control {:+.2} (median {:+.2}), over 300 random backgrounds. From a logit of 0, {:+.2} would take the probability from 0.50 to {:.2}.",
            e.motif.delta.mean, e.motif.quartiles[1], e.control.delta.mean, e.control.quartiles[1], e.motif.delta.mean, p(e.motif.delta.mean)
        ))
    };
    view! {
        <h3>"Ask the model: what if I insert a motif here?"</h3>
        <p>
            "Type a motif (CACGTG is MAX's core) or a JASPAR 2016 ID or name (MA0079.3 or SP1, sampled afresh for each "
            "sequence). It is written into 300 random 200-nt backgrounds at the position given, and the model's logit "
            "is compared before and after. The control inserts the same bases shuffled: a motif the model learned "
            "moves the logit far more than its shuffle (tangermeme's marginalisation)."
        </p>
        <div class="controls">
            <label>"Motif " <input type="text" size="14" data-testid="insert-motif" prop:value=move || motif.get() on:input=move |ev| set_motif.set(event_target_value(&ev)) /></label>
            <label>"at position " <input type="number" min="0" max="199" data-testid="insert-position" prop:value=move || position.get().to_string()
                on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() { set_position.set(v.min(199)) } } /></label>
            <label>"model "
                <select data-testid="insert-model" on:change=move |ev| { set_which.set(if event_target_value(&ev) == "relu" { Activation::Relu } else { Activation::Exp }) }>
                    <option value="exp" selected>"exp"</option><option value="relu">"relu"</option>
                </select>
            </label>
            <button data-testid="insert-run" on:click=go>"Insert"</button>
        </div>
        {move || problem.get().map(|p| view! { <p class="error" role="alert" data-testid="insert-error">{p}</p> })}
        <canvas role="img" node_ref=canvas data-testid="insert-chart" aria-label="Histograms of the change in the logit with the motif and with its shuffled control"></canvas>
        <p class="exports"><PlotExport canvas name="insert-chart" title="the motif-insertion histograms" /></p>
        <p class="status" data-testid="insert-summary">{summary}</p>
    }
}

#[component]
pub fn ExplainLesson() -> impl IntoView {
    view! {
        <p>
            "A model that classifies well has learned something. But what? An attribution map asks the model which "
            "bases drove one prediction, and on synthetic data we can check the answer: we know where the motifs were "
            "planted. Seed 003 (Koo and Ploenzke, 2021, Fig. 2 and Extended Data Fig. 2) scores each map by its "
            "interpretability AUROC: how well the per-base scores separate the planted motif's bases from the "
            "background's. Its finding: models that classify equally well can differ sharply here, and exp models "
            "give cleaner maps."
        </p>
        <MethodNotes />
        <Contrast />
        <Experiment />
        <Kmers />
        <Attention />
        <p class="note">
            "What to look for: both models call the sequence positive, but the exp model's saliency, integrated "
            "gradients and DeepSHAP sit on the shaded motifs while the relu model's are spread over the background. ISM, "
            "the slowest method, is the most faithful for both. The reference of integrated gradients and DeepSHAP "
            "changes the map: try all three. "<code>"dnaplay explain --run DIR"</code>" scores 100 test sequences from the command line."
        </p>
    }
}

thread_local! {
    /// The page's engine and the benchmark's request, for [`explain_benchmark`].
    static BENCH: std::cell::Cell<(Option<Engine>, Option<(usize, u64)>)> = const { std::cell::Cell::new((None, None)) };
}

/// Let [`explain_benchmark`] reach the page's engine (called once by the app).
pub fn remember_engine(engine: Engine) {
    BENCH.with(|b| b.set((Some(engine), None)));
}

/// The page's attribution benchmark (`tests/e2e`, `bench_attribution`): ask the worker for
/// `method`'s maps of the first `n` positive test sequences of lesson 9's newest idle exp run.
/// Returns "" when asked, else why not; the time comes from [`explain_benchmark_millis`].
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn explain_benchmark(method: String, n: usize) -> String {
    let Some(engine) = BENCH.with(|b| b.get().0) else { return "the app has not started".into() };
    let Ok(method) = method.parse::<Method>() else { return format!("unknown method {method}") };
    let Some(run) = idle_run(engine, Bench::Contrast, |r| r.model.activation == Activation::Exp) else { return "load lesson 9's models first".into() };
    let Some(class) = run.data.class() else { return "not a 200-nt run".into() };
    let seqs: Vec<String> = class.task.split.test.iter().map(|&i| &class.task.seqs[i]).filter(|s| s.label).take(n).map(|s| s.seq.clone()).collect();
    let key = engine.request_explanation(run.id, ExplainRequest { seqs, methods: vec![method], reference: Reference::Shuffle, seed: 1 });
    BENCH.with(|b| b.set((Some(engine), Some((run.id, key)))));
    String::new()
}

/// Milliseconds the worker spent on the benchmark's request: NaN until it answers, −1 if it
/// failed.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn explain_benchmark_millis() -> f64 {
    let (Some(engine), Some(asked)) = BENCH.with(|b| b.get()) else { return f64::NAN };
    match engine.explanations.with_untracked(|r| answer(r, asked)) {
        Some(Ok(e)) => e.millis,
        Some(Err(_)) => -1.0,
        None => f64::NAN,
    }
}

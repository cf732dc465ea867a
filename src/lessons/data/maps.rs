//! Lesson 13's "Why did it predict that?": lesson 11's attribution maps of one test sequence
//! (the highest prediction, or the largest error) by the newest run.

use dnaplay_model::attribution::Reference;
use dnaplay_model::upload::UserTask;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::export::{CsvExport, PlotExport};
use crate::components::plot_canvas::describe;
use crate::engine::RunData;
use super::DataState;
use super::results::test_pairs;

/// The maps panel.
#[component]
pub(super) fn MapsPanel(
    /// The lesson's shared state.
    state: DataState,
) -> impl IntoView {
    let engine = state.lab.engine;
    let current = move || state.current();
    let set_error = state.error.write_only();
    // Attribution: the newest run's maps of one test sequence (lesson 11's methods).
    let explained = RwSignal::new(None::<(usize, u64, String, String, String)>);
    let explain = move |which: &'static str| {
        let Some(r) = current() else { return };
        let (Some((truth, pred, _)), RunData::User(set)) = (test_pairs(&r), &r.data) else {
            set_error.set(Some("The maps need a run that has ended or paused, with its test predictions".into()));
            return;
        };
        let k = match which {
            // The most wrong: the largest error (for binary, the logit furthest on the wrong side).
            "wrong" => truth.iter().zip(&pred).enumerate().max_by(|a, b| {
                let err = |(t, p): (&f32, &f32)| if set.data.task == UserTask::Binary { if *t > 0.5 { -p } else { *p } } else { (p - t).abs() };
                err(a.1).total_cmp(&err(b.1))
            }),
            _ => pred.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(k, p)| (k, (p, p))),
        }
        .map(|(k, _)| k);
        let Some(k) = k else { return };
        let i = set.split.test[k];
        let seq = set.data.seqs[i].clone();
        let what = format!("{} ({}: label {}, predicted {:.3})", set.data.ids[i], if which == "wrong" { "the largest error" } else { "the highest prediction" }, set.data.labels[i], pred[k]);
        let (id, key, _) = crate::lessons::explain::ask(engine, r.id, seq.clone(), Reference::Shuffle);
        explained.set(Some((id, key, seq, what, format!("run #{}", r.id))));
    };
    let maps_canvas = NodeRef::<Canvas>::new();
    let maps_reply = Memo::new(move |_| explained.get().and_then(|(id, key, seq, _, run)| engine.explanations.with(|r| crate::lessons::explain::answer(r, (id, key))).map(|r| (r, seq, run))));
    Effect::new(move |_| {
        let reply = maps_reply.get();
        let asked = explained.with(Option::is_some);
        let tracks = match &reply {
            Some((Ok(e), seq, run)) => Ok((crate::lessons::explain::tracks(e, seq, None, run, crate::lessons::explain::Scored::Signed).0, run)),
            Some((Err(e), _, _)) => Err(format!("Could not compute the maps: {e}")),
            None if asked => Err("Computing the maps…".to_string()),
            None => Err("Pick a test sequence: its saliency, ISM, integrated-gradients and DeepSHAP maps appear here".to_string()),
        };
        let summary = match &tracks {
            Ok((t, run)) => format!("Attribution maps of {run}. {}", dnaplay_plots::describe::tracks(t)),
            Err(m) => m.clone(),
        };
        crate::lessons::explain::redraw_tracks(&maps_canvas, 440, tracks.map(|(t, _)| (t, Vec::new())));
        describe(&maps_canvas, &summary);
    });

    view! {
        <section class="panel">
            <h3>"Why did it predict that?"</h3>
            <p class="note">"Lesson 11's attribution maps of one test sequence by the newest run: saliency × input, in silico mutagenesis, integrated gradients and DeepSHAP (10 shuffles as the reference). Letters above the axis raise the prediction, below lower it."</p>
            <div class="controls buttons">
                <button data-testid="data-explain-top" on:click=move |_| explain("top")>"The highest prediction"</button>
                <button data-testid="data-explain-wrong" on:click=move |_| explain("wrong")>"The largest error"</button>
            </div>
            <p class="status" data-testid="data-explain-what">{move || explained.with(|e| e.as_ref().map(|e| e.3.clone()))}</p>
            <canvas role="img" node_ref=maps_canvas data-testid="data-maps" aria-label="Attribution maps of one test sequence"></canvas>
            <p class="exports">
                <PlotExport canvas=maps_canvas name="data-maps" title="the attribution maps of this test sequence" />
                <CsvExport name="data-maps-scores" title="each base's score in each attribution map" rows=Callback::new(move |()| {
                    maps_reply.with_untracked(|r| r.as_ref().and_then(|(e, seq, _)| e.as_ref().ok().and_then(|e| crate::lessons::explain::position_scores_csv(e, seq))))
                }) />
            </p>
        </section>
    }
}

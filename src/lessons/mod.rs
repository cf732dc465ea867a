//! The lesson pages, in seed 002's order. Each has short text citing the seed, an interactive
//! element, and the ← / → navigation of the app.

mod classify;
pub mod data;
mod exercises;
mod exp;
pub mod explain;
mod filters;
mod models;
mod onehot;
mod parity;
mod rule;
mod spot;
mod split;
mod train;

use dnaplay_protocol::Bench;
use dnaplay_state::Lesson;
use leptos::prelude::*;

use crate::lab::Lab;

/// The page for `lesson`.
pub fn lesson_view(lesson: Lesson) -> AnyView {
    match lesson {
        Lesson::Rule => view! { <rule::RuleLesson /> }.into_any(),
        Lesson::OneHot => view! { <onehot::OneHotLesson /> }.into_any(),
        Lesson::Split => view! { <split::SplitLesson /> }.into_any(),
        Lesson::Models => view! { <models::ModelsLesson /> }.into_any(),
        Lesson::Train => view! { <train::TrainLesson /> }.into_any(),
        Lesson::Spot => view! { <spot::SpotLesson /> }.into_any(),
        Lesson::Parity => view! { <parity::ParityLesson /> }.into_any(),
        Lesson::Filters => view! { <filters::FiltersLesson /> }.into_any(),
        Lesson::Exp => view! { <exp::ExpLesson /> }.into_any(),
        Lesson::Classify => view! { <classify::ClassifyLesson /> }.into_any(),
        Lesson::Explain => view! { <explain::ExplainLesson /> }.into_any(),
        Lesson::Exercises => view! { <exercises::ExercisesLesson /> }.into_any(),
        Lesson::Data => view! { <data::DataLesson /> }.into_any(),
    }
}

/// Which run the results lessons (spot checks, parity, filters) show.
#[component]
pub fn RunPicker() -> impl IntoView {
    let lab = expect_context::<Lab>();
    // A memo: the run list changes after every training slice, the options only when a run
    // gets results.
    let with_results = Memo::new(move |_| lab.engine.runs.with(|r| r.iter().filter(|r| r.bench == Bench::Kmers && r.results.is_some()).map(|r| (r.id, r.label())).collect::<Vec<_>>()));
    view! {
        <Show when=move || with_results.with(|r| !r.is_empty())>
            <label class="picker">"Run "
                <select data-testid="run-picker" prop:value=move || lab.shown.with(|r| r.as_ref().map(|r| r.id.to_string()).unwrap_or_default())
                    on:change=move |ev| lab.selected.set(event_target_value(&ev).parse().ok())>
                    {move || with_results.get().into_iter().map(|(id, label)| view! { <option value=id.to_string()>{label}</option> }).collect_view()}
                </select>
            </label>
        </Show>
    }
}

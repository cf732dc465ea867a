//! Lesson 6: spot checks (seed 002, Part 5): the seed's table for the shown run, and any
//! 8-mer's prediction against its true score.

use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::export::{CsvExport, csv_table};
use crate::lab::Lab;
use crate::lessons::RunPicker;

#[component]
pub fn SpotLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (query, set_query) = signal("CCCCCTAT".to_string());
    let lookup = move || -> Result<(String, f32, f32), String> {
        let q = query.get().trim().to_ascii_uppercase();
        if let Some((i, c)) = q.chars().enumerate().find(|(_, c)| !matches!(c, 'A' | 'C' | 'G' | 'T')) {
            return Err(format!("'{c}' at position {} is not A, C, G or T", i + 1));
        }
        if q.chars().count() != 8 {
            return Err(format!("an 8-mer has 8 bases; this has {}", q.chars().count()));
        }
        let results = lab.shown.get().ok_or("train a model first (Training page)")?.results;
        let d = &results.dataset;
        let (i, actual) = (d.index_of(&q), d.rule.score(&q));
        let i = i.ok_or("not in the data")?;
        let actual = actual.map_err(|e| e.to_string())?;
        Ok((q, results.all_predictions[i], actual))
    };
    view! {
        <p>
            "Does the model get the rule right? Seed 002 (Part 5) checks a few 8-mers by hand: poly-base sequences, "
            "and sequences with "<code>"TAT"</code>" or "<code>"GCG"</code>". A CNN should be within about 1 of the "
            "true score everywhere; a linear model misses the motif bonuses."
        </p>
        <RunPicker />
        {move || match lab.shown.get() {
            None => view! { <p class="note">"No trained model yet: train one on the Training page, then come back."</p> }.into_any(),
            Some(run) => {
                let rows = run.results.spot_checks.clone();
                view! {
                    <ScrollX label="Spot checks" class="sticky-caption">
                        <table class="spot" data-testid="spot-table">
                            <caption><span>{format!("Spot checks for run {}", run.label)}</span></caption>
                            <thead><tr><th>"Group"</th><th>"8-mer"</th><th>"Predicted"</th><th>"Actual"</th><th>"Difference"</th></tr></thead>
                            <tbody>{rows.into_iter().map(|r| {
                                let class = if r.difference.abs() > 1.0 { "off" } else { "" };
                                view! { <tr class=class><td>{r.group}</td><td><code>{r.seq}</code></td>
                                    <td>{format!("{:.2}", r.prediction)}</td><td>{format!("{:.3}", r.actual)}</td>
                                    <td>{format!("{:+.2}", r.difference)}</td></tr> }
                            }).collect_view()}</tbody>
                        </table>
                    </ScrollX>
                    <p class="exports">
                        <CsvExport name="spot-checks" title="the spot checks" rows=Callback::new(move |()| {
                            let rows = lab.shown.with_untracked(|r| r.as_ref().map(|r| r.results.spot_checks.clone()))?;
                            Some(csv_table(&["group", "kmer", "predicted", "actual", "difference"], rows.into_iter().map(|r| vec![r.group, r.seq, r.prediction.to_string(), r.actual.to_string(), r.difference.to_string()])))
                        }) />
                    </p>
                }.into_any()
            }
        }}
        <section class="panel">
            <label class="wide">"Any 8-mer "
                <input type="text" class="seq-input" data-testid="spot-input" prop:value=move || query.get_untracked()
                    on:input=move |ev| set_query.set(event_target_value(&ev)) spellcheck="false" autocomplete="off" />
            </label>
            <p class="metric" data-testid="spot-result">{move || match lookup() {
                Ok((q, p, a)) => view! { <span>{format!("{q}: predicted {p:.2}, true score {a:.3} (difference {:+.2})", p - a)}</span> }.into_any(),
                Err(e) => view! { <span class="field-error" role="alert">{e}</span> }.into_any(),
            }}</p>
        </section>
    }
}

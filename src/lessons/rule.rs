//! Lesson 1: the scoring rule and the data (seed 001 and seed 002, Part 1; the
//! position-dependent variant is seed 002's Question 1).

use dnaplay_model::scoring::{MotifBonus, PositionEffect, ScoringRule};
use dnaplay_plots::{HistogramSeries, draw_histograms, thousands};
use dnaplay_state::motif_problem;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::fields::NumberField;
use crate::components::export::PlotExport;
use crate::components::plot_canvas::{describe, redraw_exportable};
use crate::lab::{Lab, score_bins};

/// The rule being edited: the text of each field, so nothing typed is lost.
#[derive(Debug, Clone, PartialEq)]
struct MotifRow {
    key: usize,
    motif: String,
    bonus: String,
}

#[component]
pub fn RuleLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let current = lab.settings.with_untracked(|s| s.rule.clone());
    let values = RwSignal::new(current.base_values);
    let rows = RwSignal::new(
        current
            .motifs
            .iter()
            .enumerate()
            .map(|(key, m)| MotifRow { key, motif: m.motif.clone(), bonus: m.bonus.to_string() })
            .collect::<Vec<_>>(),
    );
    let positional = RwSignal::new(current.position != PositionEffect::Uniform);
    let (problem, set_problem) = signal(None::<String>);
    let canvas = NodeRef::<Canvas>::new();

    // The rule the fields describe, or what is wrong with it.
    let draft = move || -> Result<ScoringRule, String> {
        let mut motifs = Vec::new();
        for (i, row) in rows.get().iter().enumerate() {
            if let Some(p) = motif_problem(&row.motif) {
                return Err(format!("Motif {}: {p}.", i + 1));
            }
            let bonus = row.bonus.trim().parse::<f32>().ok().filter(|b| b.is_finite());
            let Some(bonus) = bonus else {
                return Err(format!("Motif {}: bonus '{}' is not a number.", i + 1, row.bonus));
            };
            motifs.push(MotifBonus { motif: row.motif.trim().to_ascii_uppercase(), bonus });
        }
        let position = if positional.get() { PositionEffect::DEFAULT_DECAY } else { PositionEffect::Uniform };
        Ok(ScoringRule { base_values: values.get(), motifs, position })
    };
    // The data follows the rule in the settings (and so in the link); see `App`.
    let regenerate = move |_| match draft().and_then(|rule| rule.validate().map(|_| rule).map_err(|e| e.to_string())) {
        Err(p) => set_problem.set(Some(p)),
        Ok(rule) => {
            set_problem.set(None);
            lab.settings.update(|s| s.rule = rule);
        }
    };
    let restore = move |_| {
        let d = ScoringRule::default();
        values.set(d.base_values);
        rows.set(d.motifs.iter().enumerate().map(|(key, m)| MotifRow { key: key + 100, motif: m.motif.clone(), bonus: m.bonus.to_string() }).collect());
        positional.set(false);
        lab.settings.update(|s| s.rule = d);
        set_problem.set(None);
    };

    Effect::new(move |_| {
        let ds = lab.dataset.get();
        let series = [HistogramSeries { label: "all 8-mers", values: &ds.data.targets, alpha: 0.7 }];
        let drawn = ds.clone();
        redraw_exportable(&canvas, 720, 320, move |area, theme| {
            let series = [HistogramSeries { label: "all 8-mers", values: &drawn.data.targets, alpha: 0.7 }];
            let _ = draw_histograms(area, &series, score_bins(&drawn.data.targets), "Score", theme);
        });
        describe(&canvas, &dnaplay_plots::describe::histograms(&series, "Score"));
    });

    let base_field = move |i: usize, name: &'static str| {
        view! {
            <NumberField label=name value=Signal::derive(move || values.with(|v| v[i].to_string()))
                on_input={move |v: String| match v.trim().parse::<f32>() {
                    Ok(x) if x.is_finite() => { values.update(|vals| vals[i] = x); None }
                    _ => Some(format!("'{v}' is not a number")),
                }} />
        }
    };

    view! {
        <p>
            "Every 8-mer gets a score: the mean of its bases' values, plus a bonus for each motif it contains "
            "(counted once). With seed 002's rule (Part 1) — A = 20, C = 17, G = 14, T = 11, "<code>"TAT"</code>" +10, "
            <code>"GCG"</code>" −10 — "<code>"AAAAAAAA"</code>" scores 20 and "<code>"CCCCCTAT"</code>" scores 25.875. "
            "There are 4⁸ = 65,536 8-mers. Their scores fall in three peaks: with "<code>"GCG"</code>", with neither motif, and with "<code>"TAT"</code>"."
        </p>
        <section class="panel">
            <h3>"The rule"</h3>
            <div class="controls">
                {base_field(0, "A")}{base_field(1, "C")}{base_field(2, "G")}{base_field(3, "T")}
            </div>
            <div class="motifs">
                <For each=move || rows.get() key=|r| r.key let:row>
                    {
                        let key = row.key;
                        let motif_err = move || rows.with(|rs| rs.iter().find(|r| r.key == key).and_then(|r| motif_problem(&r.motif)));
                        view! {
                            <div class="controls motif-row">
                                <label class="number">"Motif "
                                    <input type="text" prop:value=row.motif.clone() aria-invalid=move || motif_err().is_some().to_string()
                                        on:input=move |ev| { let v = event_target_value(&ev); rows.update(|rs| if let Some(r) = rs.iter_mut().find(|r| r.key == key) { r.motif = v; }); } />
                                </label>
                                <label class="number">"Bonus "
                                    <input type="text" inputmode="decimal" prop:value=row.bonus.clone()
                                        on:input=move |ev| { let v = event_target_value(&ev); rows.update(|rs| if let Some(r) = rs.iter_mut().find(|r| r.key == key) { r.bonus = v; }); } />
                                </label>
                                <button on:click=move |_| rows.update(|rs| rs.retain(|r| r.key != key))>"Remove"</button>
                                {move || motif_err().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                            </div>
                        }
                    }
                </For>
            </div>
            <div class="controls">
                <button on:click=move |_| rows.update(|rs| {
                    let key = rs.iter().map(|r| r.key).max().unwrap_or(0) + 1;
                    rs.push(MotifRow { key, motif: "AAA".into(), bonus: "5".into() });
                })>"Add motif"</button>
                <label><input type="checkbox" prop:checked=move || positional.get() on:change=move |ev| positional.set(event_target_checked(&ev)) />
                    " Position-dependent bonus (1.5× at the start to 0.5× at the end; seed 002, Question 1)"</label>
            </div>
            <div class="controls">
                <button class="primary" data-testid="regenerate" on:click=regenerate>"Regenerate the data"</button>
                <button on:click=restore>"Seed 002's rule"</button>
            </div>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </section>
        <canvas role="img" node_ref=canvas data-testid="score-histogram" aria-label="Histogram of the scores of all 8-mers"></canvas>
        <p class="exports"><PlotExport canvas name="rule-histogram" title="the score histogram" /></p>
        <p class="note">{move || {
            let ds = lab.dataset.get();
            let (lo, hi) = ds.data.targets.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
            format!("{} sequences, scores from {lo:.3} to {hi:.3}. New runs train on this data.", thousands(ds.data.len()))
        }}</p>
    }
}

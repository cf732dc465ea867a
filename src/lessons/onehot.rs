//! Lesson 2: one-hot encoding (seed 001, "one-hot encoding"; seed 002, Part 2).

use dnaplay_model::sequence::{ALPHABET, one_hot};
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::lab::Lab;

/// Longest sequence the lesson encodes (the table gets wide beyond that).
const MAX_LEN: usize = 40;

#[component]
pub fn OneHotLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (text, set_text) = signal("CCCCCTAT".to_string());
    let upper = move || text.get().trim().to_ascii_uppercase();
    // Positions (0-based) of characters that are neither A, C, G, T nor N (an unknown base,
    // encoded as an all-zero column).
    let bad = move || upper().chars().enumerate().filter(|(_, c)| !ALPHABET.contains(c) && *c != 'N').map(|(i, _)| i).collect::<Vec<_>>();
    let message = move || {
        let s = upper();
        if s.is_empty() {
            return Some("Type a sequence of A, C, G and T.".to_string());
        }
        if s.chars().count() > MAX_LEN {
            return Some(format!("This lesson shows up to {MAX_LEN} bases; the sequence has {}.", s.chars().count()));
        }
        match one_hot(&[s.as_str()]) {
            Ok(_) => None,
            Err(e) => Some(format!("Not encoded: {e}. A, C, G and T each have a row; N (unknown) is a column of zeros.")),
        }
    };
    let score = move || {
        let s = upper();
        (s.len() == 8 && bad().is_empty()).then(|| lab.dataset.with(|d| d.rule.score(&s).ok())).flatten()
    };

    view! {
        <p>
            "A network takes numbers, not letters. One-hot encoding turns a sequence of length L into a "
            <code>"[4, L]"</code>" matrix: one row per base (A, C, G, T), with a 1 where that base stands and 0 elsewhere "
            "(seed 002, Part 2). A batch of sequences is a "<code>"[batch, 4, L]"</code>" tensor."
        </p>
        <section class="panel">
            <label class="wide">"Sequence "
                <input type="text" class="seq-input" data-testid="onehot-input" prop:value=move || text.get_untracked()
                    aria-invalid=move || (!bad().is_empty()).to_string()
                    on:input=move |ev| set_text.set(event_target_value(&ev)) spellcheck="false" autocomplete="off" />
            </label>
            <p class="seq-echo" aria-label="The sequence, invalid characters marked">
                {move || {
                    let bad = bad();
                    upper().chars().take(MAX_LEN).enumerate().map(|(i, c)| {
                        let class = if bad.contains(&i) { "base bad" } else { "base" };
                        let title = if bad.contains(&i) { format!("position {}: '{c}' is not A, C, G, T or N", i + 1) } else { format!("position {}", i + 1) };
                        view! { <span class=class title=title>{c.to_string()}</span> }
                    }).collect_view()
                }}
            </p>
            {move || message().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <ScrollX label="One-hot matrix">
                <table class="onehot" data-testid="onehot-matrix">
                    <thead><tr><th scope="col">"base \\ position"</th>
                        {move || upper().chars().take(MAX_LEN).enumerate().map(|(i, _)| view! { <th scope="col">{i + 1}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {ALPHABET.iter().map(|&b| view! {
                            <tr><th scope="row" class=format!("b{b}")>{b.to_string()}</th>
                                {move || upper().chars().take(MAX_LEN).map(|c| {
                                    let (v, class) = if c == 'N' { ("0", "zero") } else if !ALPHABET.contains(&c) { ("?", "bad") } else if c == b { ("1", "one") } else { ("0", "zero") };
                                    view! { <td class=class>{v}</td> }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollX>
            <p class="note">{move || {
                let n = upper().chars().count().min(MAX_LEN);
                let ones = upper().chars().take(MAX_LEN).filter(|c| ALPHABET.contains(c)).count();
                let mut s = format!("Shape [4, {n}]: {} numbers, {ones} of them 1.", 4 * n);
                if let Some(v) = score() {
                    s.push_str(&format!(" Its score under the current rule: {v:.3}."));
                }
                s
            }}</p>
        </section>
    }
}

//! What a screen reader hears while a run trains. The visible status lines change after every
//! training slice (about 40 times a second); a live region that changed as often would talk
//! over itself. [`LiveStatus`] keeps a hidden, polite live region that takes the latest text at
//! most once per [`LIVE_INTERVAL_MS`], and at once when the text says a run ended.

use leptos::prelude::*;

/// The least time between two announcements, in milliseconds.
pub const LIVE_INTERVAL_MS: f64 = 5_000.0;

/// Words after which a status is announced without waiting: a run ended or failed.
const AT_ONCE: [&str; 5] = ["finished", "failed", "stopped", "paused", "error"];

/// A visually hidden `role="status"` region (polite) that announces `text`, throttled.
#[component]
pub fn LiveStatus(
    /// The status to announce, e.g. the run's status line; empty says nothing.
    #[prop(into)]
    text: Signal<String>,
    /// `data-testid` of the region, for the browser tests.
    #[prop(into, optional)]
    testid: Option<String>,
) -> impl IntoView {
    let (spoken, set_spoken) = signal(String::new());
    let last = StoredValue::new(f64::NEG_INFINITY);
    let waiting = StoredValue::new(false);
    Effect::new(move |_| {
        let now_text = text.get();
        if now_text == spoken.get_untracked() {
            return;
        }
        let now = dnaplay_protocol::clock::now_ms();
        let urgent = AT_ONCE.iter().any(|w| now_text.contains(w));
        if urgent || now - last.get_value() >= LIVE_INTERVAL_MS {
            last.set_value(now);
            set_spoken.set(now_text);
        } else if !waiting.get_value() {
            // The latest text, once the interval has passed.
            waiting.set_value(true);
            let wait = (LIVE_INTERVAL_MS - (now - last.get_value())).max(0.0) as i32;
            leptos::task::spawn_local(async move {
                dnaplay_protocol::clock::sleep_ms(wait).await;
                // The lesson may have closed meanwhile: every handle is tried, none assumed.
                waiting.try_set_value(false);
                last.try_set_value(dnaplay_protocol::clock::now_ms());
                if let Some(t) = text.try_get_untracked() {
                    set_spoken.try_set(t);
                }
            });
        }
    });
    view! { <p class="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid=testid>{spoken}</p> }
}

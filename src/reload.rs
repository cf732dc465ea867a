//! The first visit to a host that sends no isolation headers: `assets/coi-serviceworker.js`
//! installs its service worker and reloads the page once, isolated, so it trains on every core.
//! Whatever the student did before that reload would be lost (a file picked in lesson 13, a
//! field typed in), so the page holds its controls until it knows whether it reloads, and says
//! so. If the reload has not come within [`RELOAD_WAIT_MS`], the page gives it up for this visit
//! and trains on one thread; the next visit starts isolated.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The longest the page holds its controls for the first visit's reload, in milliseconds.
pub const RELOAD_WAIT_MS: i32 = 10_000;

/// True while the page may still reload itself (`window.dnaplayReloadPending`, set by
/// `coi-serviceworker.js`; false when that script did not run).
fn reload_pending() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"dnaplayReloadPending".into()).is_ok_and(|v| v.is_truthy())
}

/// Give up the reload for this visit (`window.dnaplayCancelReload()`).
fn cancel_reload() {
    let global = js_sys::global();
    if let Ok(f) = js_sys::Reflect::get(&global, &"dnaplayCancelReload".into()).and_then(|f| f.dyn_into::<js_sys::Function>()) {
        let _ = f.call0(&global);
    }
}

/// A signal that is true while the page holds its controls for the first visit's reload; it
/// turns false when the service worker script settles without reloading, or after
/// [`RELOAD_WAIT_MS`] (the reload is then given up).
pub fn holding_for_reload() -> ReadSignal<bool> {
    let (holding, set_holding) = signal(reload_pending());
    if holding.get_untracked() {
        let handle = window_event_listener_untyped("dnaplay-reload-settled", move |_| set_holding.set(false));
        // The app lives as long as the page: the listener is never removed.
        std::mem::forget(handle);
        leptos::task::spawn_local(async move {
            dnaplay_protocol::clock::sleep_ms(RELOAD_WAIT_MS).await;
            if reload_pending() {
                cancel_reload();
            }
            set_holding.set(false);
        });
    }
    holding
}

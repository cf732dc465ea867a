//! Time and yielding that work on the page's thread and in the training worker alike: both
//! look up `performance` and `setTimeout` on the global object (`Window` or
//! `DedicatedWorkerGlobalScope`), not on `window`, which a worker has none of.

use wasm_bindgen::JsCast;

/// Milliseconds since the page (or the worker) started (`performance.now()`).
pub fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// `setTimeout(f, ms)` on the global object.
fn set_timeout(f: &js_sys::Function, ms: i32) {
    let global = js_sys::global();
    if let Ok(set) = js_sys::Reflect::get(&global, &"setTimeout".into()).and_then(|s| s.dyn_into::<js_sys::Function>()) {
        let _ = set.call2(&global, f, &ms.into());
    }
}

/// Resolve after `ms` milliseconds (`setTimeout`).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| set_timeout(&resolve, ms));
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolve once the event loop has run its pending tasks (input and rendering on the page,
/// incoming messages in the worker), without the 4 ms clamp of nested `setTimeout(0)` (HTML
/// spec, "timers"): a `MessageChannel` round trip.
pub async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Ok(channel) = web_sys::MessageChannel::new() else {
            set_timeout(&resolve, 0);
            return;
        };
        let on_message = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        channel.port1().set_onmessage(Some(on_message.unchecked_ref()));
        let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

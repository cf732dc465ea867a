//! Time and yielding that work on the page's thread and in the training worker alike: both
//! look up `performance` and `setTimeout` on the global object (`Window` or
//! `DedicatedWorkerGlobalScope`), not on `window`, which a worker has none of.

use wasm_bindgen::JsCast;

thread_local! {
    /// The global `performance`, looked up once: the trainer's profile reads the clock about
    /// seven times per batch.
    static PERFORMANCE: Option<web_sys::Performance> =
        js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok().and_then(|p| p.dyn_into::<web_sys::Performance>().ok());
}

/// Milliseconds since the page (or the worker) started (`performance.now()`; 0 where there is
/// none). A [`dnaplay_model::trainer::Clock`].
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, web_sys::Performance::now))
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

/// A fallback for [`yield_now`]: its promise also resolves after this many milliseconds, should
/// the channel's message never come.
const YIELD_FALLBACK_MS: i32 = 100;

/// The one `MessageChannel` every [`yield_now`] posts through, and the promises waiting on it.
///
/// One channel for the thread's lifetime, held here, rather than one per call: a channel made
/// per call is reachable from nothing once posted, and WebKit sometimes collected it with its
/// message undelivered, so the worker's loop waited for ever (a run's results never came;
/// seen in CI at lesson 9's "Load the trained models", WebKitGTK 2.50; core-js issue 464 saw
/// the same of `setImmediate` in Safari's workers).
struct Channel {
    channel: web_sys::MessageChannel,
    waiting: std::rc::Rc<std::cell::RefCell<Vec<js_sys::Function>>>,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

thread_local! {
    static CHANNEL: Option<Channel> = web_sys::MessageChannel::new().ok().map(|channel| {
        let waiting = std::rc::Rc::new(std::cell::RefCell::new(Vec::<js_sys::Function>::new()));
        let w = waiting.clone();
        // Every message releases every waiter: a message lost or merged cannot strand one.
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            for resolve in w.take() {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        channel.port1().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Channel { channel, waiting, _on_message: on_message }
    });
}

/// Resolve once the event loop has run its pending tasks (input and rendering on the page,
/// incoming messages in the worker), without the 4 ms clamp of nested `setTimeout(0)` (HTML
/// spec, "timers"): a round trip through one kept `MessageChannel`, with a
/// [`YIELD_FALLBACK_MS`] timer behind it.
pub async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let posted = CHANNEL.with(|c| match c {
            Some(c) => {
                let posted = c.channel.port2().post_message(&wasm_bindgen::JsValue::NULL).is_ok();
                if posted {
                    c.waiting.borrow_mut().push(resolve.clone());
                }
                posted
            }
            None => false,
        });
        set_timeout(&resolve, if posted { YIELD_FALLBACK_MS } else { 0 });
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

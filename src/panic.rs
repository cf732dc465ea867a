//! The last resort. A panic in WebAssembly stops the app for good: the page would freeze with
//! its last picture. The hook below logs the panic to the console (console_error_panic_hook)
//! and lays a message over the page that says the app stopped, why, and that the link still
//! holds every setting, so a reload starts again where the student was.

use wasm_bindgen::JsCast;

/// Install the hook; call once, before mounting the app.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn show(reason: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    let element = |tag: &str, text: &str| {
        let e = doc.create_element(tag).ok()?;
        // Text, never HTML: the reason may quote a value from the link.
        e.set_text_content(Some(text));
        Some(e)
    };
    let Some(overlay) = element("div", "") else { return };
    overlay.set_class_name("crash");
    let _ = overlay.set_attribute("role", "alert");
    let _ = overlay.set_attribute("data-testid", "crash");
    let reload = element("a", "Reload the page");
    if let Some(a) = &reload {
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        let _ = a.set_attribute("href", &href);
    }
    let parts = [
        element("h2", "DNA Playground stopped"),
        element("p", &format!("Reason: {reason}")),
        element("p", "The address bar still holds every setting of this page: reload it, or share the link, to start again where you were. Runs in progress are lost."),
        reload,
    ];
    for part in parts.into_iter().flatten() {
        let _ = overlay.append_child(&part);
    }
    if let Ok(node) = overlay.dyn_into::<web_sys::Node>() {
        let _ = body.append_child(&node);
    }
}

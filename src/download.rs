//! Files a student takes away (issue 13's export): any bytes as a download, a canvas as PNG.

use wasm_bindgen::JsCast;

/// Offer `bytes` as a download named `name` of type `mime`.
///
/// # Errors
/// The browser's refusal, as text.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &options).map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    click_link(name, &url)?;
    // The click has started the download; the URL can go once it has been read.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}

fn click_link(name: &str, href: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(|e| format!("{e:?}"))?.unchecked_into();
    a.set_href(href);
    a.set_download(name);
    a.set_attribute("data-testid", "download-link").ok();
    a.set_attribute("data-name", name).ok();
    let body = document.body().ok_or("no body")?;
    body.append_child(&a).map_err(|e| format!("{e:?}"))?;
    a.click();
    let _ = body.remove_child(&a);
    Ok(())
}

/// Offer the picture on `canvas` as a PNG download named `name`.
///
/// # Errors
/// The browser's refusal (e.g. a canvas with no size).
pub fn canvas_png(canvas: &web_sys::HtmlCanvasElement, name: &str) -> Result<(), String> {
    let url = canvas.to_data_url_with_type("image/png").map_err(|e| format!("{e:?}"))?;
    click_link(name, &url)
}

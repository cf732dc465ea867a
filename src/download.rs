//! Files a student takes away (issue 13's export): any bytes as a download, a canvas as PNG.

use wasm_bindgen::JsCast;

/// Why a file could not be offered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownloadError {
    /// The page has no document or body to hold the link.
    #[error("no {0}")]
    NoPage(&'static str),
    /// The browser refused (a blob, an object URL, a canvas with no size): its exception.
    #[error("{0}")]
    Browser(String),
}

fn refused(e: wasm_bindgen::JsValue) -> DownloadError {
    DownloadError::Browser(format!("{e:?}"))
}

/// Offer `bytes` as a download named `name` of type `mime`.
///
/// # Errors
/// [`DownloadError::Browser`]: the browser's refusal.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), DownloadError> {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &options).map_err(refused)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(refused)?;
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

fn click_link(name: &str, href: &str) -> Result<(), DownloadError> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or(DownloadError::NoPage("document"))?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(refused)?.unchecked_into();
    a.set_href(href);
    a.set_download(name);
    a.set_attribute("data-testid", "download-link").ok();
    a.set_attribute("data-name", name).ok();
    let body = document.body().ok_or(DownloadError::NoPage("body"))?;
    body.append_child(&a).map_err(refused)?;
    a.click();
    let _ = body.remove_child(&a);
    Ok(())
}

/// Offer the picture on `canvas` as a PNG download named `name`.
///
/// # Errors
/// [`DownloadError::Browser`]: the browser's refusal (e.g. a canvas with no size).
pub fn canvas_png(canvas: &web_sys::HtmlCanvasElement, name: &str) -> Result<(), DownloadError> {
    let url = canvas.to_data_url_with_type("image/png").map_err(refused)?;
    click_link(name, &url)
}

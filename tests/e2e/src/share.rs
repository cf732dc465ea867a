//! The Share panel's checks (issue 27), shared by `tests/share.rs` (each engine) and
//! `tests/access.rs` (axe, phones and tablets):
//! build a link in the panel, read its QR code back from a screenshot, and check what a link
//! restores.

use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use crate::{Result, click, js, lesson_title, text, wait_until};

/// The settings the check opens the page with, and the link the panel must build from them:
/// lessons 1, 5 and 7 listed, the optimizer and device controls hidden, high contrast.
pub const SHARE_FROM: &str = "/?lesson=train&model=linear&lr=0.05&seed=3&device=cpu";
/// The query [`build_share_link`]'s choices give (`Settings::to_query`'s order).
pub const SHARE_QUERY: &str = "?lesson=train&model=linear&act=relu&opt=sgd&lr=0.05&bs=128&epochs=50&seed=3&device=cpu&hide=opt,device&lessons=rule,train,parity&contrast=1";

/// Every QR code found in a PNG (an element's screenshot), decoded (`png`, `rqrr`).
///
/// # Errors
/// When the PNG does not decode, or a code is found but does not decode.
pub fn decode_qr_png(png_bytes: &[u8]) -> Result<Vec<String>> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("the PNG is too large")?];
    let info = reader.next_frame(&mut buf)?;
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let luma = |x: usize, y: usize| {
        let p = &buf[(y * w + x) * channels..];
        if channels >= 3 { ((u16::from(p[0]) * 3 + u16::from(p[1]) * 6 + u16::from(p[2])) / 10) as u8 } else { p[0] }
    };
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, luma);
    prepared.detect_grids().iter().map(|g| Ok(g.decode().map_err(|e| format!("a QR code that does not decode: {e}"))?.1)).collect()
}

/// The value of the input `data-testid=id`.
async fn value(client: &Client, id: &str) -> Result<String> {
    let v = js(client, &format!("const e = document.querySelector('[data-testid={id}]'); return e ? e.value : null")).await?;
    Ok(v.as_str().ok_or_else(|| format!("no input [data-testid={id}]"))?.to_string())
}

/// Open the Share panel, by keyboard when `by_keyboard` (Enter on the focused Share button), and
/// check that focus moved to its heading.
///
/// # Errors
/// When the panel does not open or focus stays behind.
pub async fn open_share_panel(client: &Client, by_keyboard: bool) -> Result<()> {
    if by_keyboard {
        js(client, "document.querySelector('[data-testid=share-toggle]').focus()").await?;
        client.active_element().await?.send_keys(&Key::Enter.to_string()).await?;
    } else {
        click(client, "share-toggle").await?;
    }
    wait_until("the Share panel and focus on its heading", Duration::from_secs(10), || async {
        let v = js(client, "const p = document.querySelector('[data-testid=share-panel]'); return !!p && !p.hidden && document.activeElement && document.activeElement.id").await.ok()?;
        (v.as_str() == Some("share-title")).then_some(())
    })
    .await
}

/// On the page at `base` opened with [`SHARE_FROM`]: open the Share panel, tick lessons 1, 5
/// and 7, hide the optimizer and the device, turn on high contrast, and check the link is
/// [`SHARE_QUERY`] on this page's address. Then read the QR code back from a screenshot of it
/// (it must decode to the link), show it full screen (at least 80% of the window's smaller
/// side, less 100 px for its caption) and close that with Escape, and press Copy (the clipboard, or the fallback's words).
/// Returns the link.
///
/// # Errors
/// When a step fails or what the page shows differs.
pub async fn build_share_link(client: &Client, base: &str, by_keyboard: bool) -> Result<String> {
    client.goto(&format!("{base}{SHARE_FROM}")).await?;
    wait_until("lesson 5", Duration::from_secs(30), || async { lesson_title(client).await.starts_with("5.").then_some(()) }).await?;
    open_share_panel(client, by_keyboard).await?;
    click(client, "share-lessons-none").await?;
    wait_until("the empty list's refusal", Duration::from_secs(10), || async { text(client, "share-error").await.contains("at least one lesson").then_some(()) }).await?;
    for id in ["share-lesson-rule", "share-lesson-train", "share-lesson-parity", "share-hide-opt", "share-hide-device", "share-contrast"] {
        click(client, id).await?;
    }
    let expected = format!("{base}/{SHARE_QUERY}");
    let link = match wait_until("the link", Duration::from_secs(10), || async { value(client, "share-link").await.ok().filter(|l| *l == expected) }).await {
        Ok(l) => l,
        Err(e) => return Err(format!("{e}: the panel shows {:?}, not {expected}", value(client, "share-link").await?).into()),
    };

    let qr = client.find(Locator::Css("[data-testid=share-qr]")).await?;
    let mut decoded = decode_qr_png(&qr.screenshot().await?)?;
    if decoded.is_empty() {
        // WebKitWebDriver (WebKitGTK 2.50 under Xvfb) returns element screenshots all black:
        // read the code from the window's screenshot instead, with the code scrolled into view.
        js(client, "document.querySelector('[data-testid=share-qr]').scrollIntoView()").await?;
        decoded = decode_qr_png(&client.screenshot().await?)?;
    }
    assert_eq!(decoded, vec![link.clone()], "the QR code reads back to the link");

    click(client, "share-projector").await?;
    const SIZE: &str = "const r = document.querySelector('[data-testid=share-qr]').getBoundingClientRect(); return [r.width, Math.min(innerWidth, innerHeight), getComputedStyle(document.querySelector('[data-testid=share-qr-figure]')).position]";
    let full = wait_until("the code full screen", Duration::from_secs(10), || async {
        let size = js(client, SIZE).await.ok()?;
        let (width, side) = (size[0].as_f64()?, size[1].as_f64()?);
        (width >= 0.8 * side - 100.0 && size[2] == "fixed").then_some(())
    })
    .await;
    if let Err(e) = full {
        return Err(format!("{e}: [code width, smaller side, position] {}", js(client, SIZE).await?).into());
    }
    // Full screen is modal: Tab and Shift+Tab stay on its Close button.
    for keys in [Key::Tab.to_string(), format!("{}{}", Key::Shift, Key::Tab), Key::Tab.to_string()] {
        client.active_element().await?.send_keys(&keys).await?;
        let focused = js(client, "return document.activeElement && document.activeElement.dataset.testid").await?;
        assert_eq!(focused, "share-projector", "Tab stays in the full-screen code");
    }
    // Escape with the focus off the code (on the page's body) leaves full screen too.
    js(client, "document.activeElement && document.activeElement.blur()").await?;
    client.active_element().await?.send_keys(&Key::Escape.to_string()).await?;
    wait_until("Escape to close the full-screen code", Duration::from_secs(10), || async {
        js(client, "return document.querySelector('[data-testid=share-projector]').getAttribute('aria-expanded')").await.ok()?.as_str().filter(|p| *p == "false").map(|_| ())
    })
    .await?;

    click(client, "share-copy").await?;
    let copied = wait_until("Copy's answer", Duration::from_secs(10), || async { Some(text(client, "share-copied").await).filter(|t| !t.is_empty()) }).await?;
    if copied != "Link copied." {
        assert!(copied.contains("press Ctrl+C"), "{copied}");
        // The fallback: the whole link selected, in the focused field, ready for Ctrl+C.
        let sel = js(client, "const e = document.activeElement; return [e && e.dataset.testid, e && e.selectionStart, e && e.selectionEnd, e && e.value.length]").await?;
        assert!(sel[0] == "share-link" && sel[1] == 0 && sel[2] == sel[3], "the link is selected in the focused field: {sel}");
    }
    Ok(link)
}

/// On a page opened with a link [`build_share_link`] built: the page restores what the panel
/// showed. The address keeps the query, the lesson is 5, three lessons are listed, the
/// optimizer and device controls are hidden, high contrast is on, and this page's own Share
/// panel starts from the same choices, so it builds the same link.
///
/// # Errors
/// When any of these differs.
pub async fn check_shared_link(client: &Client, link: &str) -> Result<()> {
    client.goto(link).await?;
    wait_until("lesson 5", Duration::from_secs(30), || async { lesson_title(client).await.starts_with("5.").then_some(()) }).await?;
    let state = js(
        client,
        "return [location.search, document.querySelectorAll('nav.lessons li').length, document.documentElement.getAttribute('data-contrast'),
                 getComputedStyle(document.querySelector('[data-setting=device]')).display,
                 [...document.querySelectorAll('[data-setting=opt]')].map(e => getComputedStyle(e).display)]",
    )
    .await?;
    let query = &link[link.find('?').ok_or("a link without a query")?..];
    assert_eq!(state[0], query, "the address keeps the link's query: {state}");
    assert_eq!(state[1], 3, "three lessons listed: {state}");
    assert_eq!(state[2], "1", "high contrast: {state}");
    assert_eq!(state[3], "none", "the device control hidden: {state}");
    let opt = state[4].as_array().ok_or("no optimizer control")?;
    assert!(!opt.is_empty() && opt.iter().all(|d| d == "none"), "the optimizer control hidden: {state}");
    open_share_panel(client, false).await?;
    assert_eq!(value(client, "share-link").await?, link, "the reopened page's Share panel builds the same link");
    Ok(())
}

//! Tablets, phones and accessibility (issue 23), in Chromium:
//! - no lesson scrolls sideways on a phone (390 × 844) or an iPad in portrait (768 × 1024),
//!   every target is at least 24 × 24 CSS pixels, and a tap on lesson 7's parity plot names
//!   the sequence as hover does;
//! - axe-core finds no violation of the WCAG 2.1 A/AA rules on any lesson, after training where
//!   the lesson trains, and every plot has a text alternative;
//! - every control is reached by Tab, and Train, Pause, Reset, the pager, the upload and the
//!   export menu work from the keyboard; the training status is a polite live region that
//!   speaks at most every few seconds;
//! - high contrast reaches the canvases; `prefers-reduced-motion` stops the transitions.
//!
//! Needs `dist/`, chromium and chromium-driver, and npm's axe-core (`scripts/test.sh`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use dnaplay_e2e::*;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;

/// Every lesson's `lesson=` name, in order.
const LESSONS: [&str; 13] = ["rule", "onehot", "split", "models", "train", "spot", "parity", "filters", "exp", "classify", "explain", "exercises", "data"];

/// Open the lesson `slug` from the lesson list, as a student would (the runs stay).
async fn open_lesson(client: &Client, slug: &str) -> Result<()> {
    let index = LESSONS.iter().position(|l| *l == slug).ok_or("no such lesson")? + 1;
    client.find(Locator::Css(&format!("nav.lessons a[href='?lesson={slug}']"))).await?.click().await?;
    wait_until("the lesson", Duration::from_secs(20), || async { lesson_title(client).await.starts_with(&format!("{index}.")).then_some(()) }).await?;
    // Plots redraw in effects after the lesson mounts.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}

/// Bring every lesson to its state after training: lesson 5 trains 2 epochs (lessons 6 to 8
/// and 11 read it), lessons 9 and 10 load their trained models, lesson 11 computes its maps,
/// lesson 12's first question trains on both rules, lesson 13 trains on its example.
async fn train_every_lesson(client: &Client, base: &str) -> Result<()> {
    client.goto(&format!("{base}/?lesson=train&device=cpu&epochs=2&cepochs=1&n=1000")).await?;
    device_is(client, "CPU").await?;
    click(client, "train").await?;
    wait_for_r2(client, Duration::from_secs(120)).await?;
    open_lesson(client, "exp").await?;
    click(client, "exp-load").await?;
    wait_until("lesson 9's models", Duration::from_secs(60), || async { text(client, "match-exp").await.starts_with("match fraction").then_some(()) }).await?;
    open_lesson(client, "classify").await?;
    click(client, "cls-load").await?;
    wait_for_text(client, "cls-accuracy", "lesson 10's report", Duration::from_secs(60)).await?;
    open_lesson(client, "explain").await?;
    wait_for_text(client, "auroc-exp-ig", "lesson 11's maps", Duration::from_secs(90)).await?;
    open_lesson(client, "exercises").await?;
    click(client, "q1-train").await?;
    wait_until("both rules' runs", Duration::from_secs(120), || async {
        let rows = client.find_all(Locator::Css("[data-testid=q1-row]")).await.ok()?;
        let mut done = 0;
        for r in rows {
            if r.text().await.ok()?.contains("finished") {
                done += 1;
            }
        }
        (done == 2).then_some(())
    })
    .await?;
    open_lesson(client, "data").await?;
    click(client, "example-kmers-seed002").await?;
    wait_for_text(client, "upload-ready", "the example", Duration::from_secs(20)).await?;
    click(client, "data-train").await?;
    wait_until("lesson 13's metrics", Duration::from_secs(120), || async { text(client, "data-metrics").await.contains("test").then_some(()) }).await?;
    Ok(())
}

/// The axe-core script: `AXE_CORE`, else npm's copy in the tools folder.
fn axe_source() -> Result<String> {
    let path = std::env::var_os("AXE_CORE").map(PathBuf::from).unwrap_or_else(|| {
        let tools = std::env::var_os("DNAPLAY_TOOLS").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/dna-playground/tools"));
        tools.join("node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path).map_err(|e| format!("cannot read axe-core at {}: {e} (npm install axe-core, which scripts/test.sh does)", path.display()).into())
}

/// axe-core's violations of the WCAG 2.1 A and AA rules on the page as it is, one line each:
/// rule, impact, and the elements it names.
async fn axe_violations(client: &Client, axe: &str) -> Result<Vec<String>> {
    js(client, &format!("if (!window.axe) {{ {axe} }} return 0")).await?;
    let v = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` + v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160)).join(' | '))),
                     e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await?;
    Ok(v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default())
}

#[tokio::test(flavor = "current_thread")]
async fn axe_finds_no_wcag_violation_on_any_lesson_and_every_plot_has_a_text_alternative() -> Result<()> {
    let axe = axe_source()?;
    session(false, async |client: &Client, base: &str| {
        train_every_lesson(client, base).await?;
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for slug in LESSONS {
            open_lesson(client, slug).await?;
            let violations = axe_violations(client, &axe).await?;
            // Every canvas is an image with a name: the plot's summary, with its numbers.
            let unnamed = js(client, "return [...document.querySelectorAll('canvas')].filter(c => c.getAttribute('role') !== 'img' || !(c.getAttribute('aria-label') || '').trim()).map(c => c.dataset.testid)").await?;
            let mut problems = violations;
            if unnamed.as_array().is_some_and(|a| !a.is_empty()) {
                problems.push(format!("canvases without a text alternative: {unnamed}"));
            }
            println!("lesson {slug}: {} problems", problems.len());
            if !problems.is_empty() {
                found.insert(slug.to_string(), problems);
            }
        }
        // The same in high contrast (its colours are checked too).
        client.goto(&format!("{base}/?lesson=train&contrast=1")).await?;
        wait_until("lesson 5", Duration::from_secs(20), || async { lesson_title(client).await.starts_with("5.").then_some(()) }).await?;
        let v = axe_violations(client, &axe).await?;
        if !v.is_empty() {
            found.insert("train, high contrast".into(), v);
        }
        // The Share panel open, with its QR code.
        dnaplay_e2e::share::open_share_panel(client, false).await?;
        let v = axe_violations(client, &axe).await?;
        if !v.is_empty() {
            found.insert("the Share panel".into(), v);
        }
        // My runs open, two of the runs kept above side by side.
        click(client, "my-runs-toggle").await?;
        wait_until("two kept runs in My runs", Duration::from_secs(30), || async {
            js(client, "return document.querySelectorAll('[data-testid=my-run]').length").await.ok()?.as_u64().filter(|n| *n >= 2)
        })
        .await?;
        js(client, "[...document.querySelectorAll('[data-testid^=my-run-compare-]')].slice(0, 2).forEach(c => c.click())").await?;
        wait_until("the comparison", Duration::from_secs(10), || async { (!text(client, "my-runs-compare-table").await.is_empty()).then_some(()) }).await?;
        let v = axe_violations(client, &axe).await?;
        if !v.is_empty() {
            found.insert("My runs, two side by side".into(), v);
        }
        assert!(found.is_empty(), "axe-core and text alternatives: {found:#?}");
        Ok(())
    })
    .await
}

/// A trained plot's summary names its numbers.
#[tokio::test(flavor = "current_thread")]
async fn plots_describe_their_numbers_and_redraw_in_high_contrast() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=train&device=cpu&epochs=2")).await?;
        device_is(client, "CPU").await?;
        click(client, "train").await?;
        wait_for_r2(client, Duration::from_secs(120)).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let label = js(client, "return document.querySelector('[data-testid=loss-chart]').getAttribute('aria-label')").await?;
        let label = label.as_str().unwrap_or_default();
        assert!(label.contains("MSE loss per epoch, 1 run. #1 CNN") && label.contains("2 epochs, validation loss from "), "{label}");
        // Pixels of tab10's blue (the first run) before, of the high-contrast blue after.
        let count = |rgb: [u8; 3]| async move {
            js(client, &format!(
                "const c = document.querySelector('[data-testid=loss-chart]'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
                 for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - {}) < 30 && Math.abs(d[i+1] - {}) < 30 && Math.abs(d[i+2] - {}) < 30) n++; return n;",
                rgb[0], rgb[1], rgb[2]
            ))
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
        };
        let (tab10, contrast) = ([0x1f, 0x77, 0xb4], [0x00, 0x33, 0xcc]);
        assert!(count(tab10).await > 200 && count(contrast).await < 50, "the plot starts in tab10");
        click(client, "contrast-toggle").await?;
        wait_until("the plot in the high-contrast palette", Duration::from_secs(10), || async { (count(contrast).await > 200).then_some(()) }).await?;
        assert!(count(tab10).await < 50, "no tab10 blue left in high contrast");
        // Reduced motion: transitions stop.
        cdp(client, "Emulation.setEmulatedMedia", json!({ "features": [{ "name": "prefers-reduced-motion", "value": "reduce" }] })).await?;
        let duration = js(client, "return parseFloat(getComputedStyle(document.querySelector('[data-testid=train]')).transitionDuration)").await?;
        assert!(duration.as_f64().is_some_and(|d| d < 0.001), "transition {duration}");
        Ok(())
    })
    .await
}

/// Emulate a device `width` × `height` CSS pixels wide, with touch (Chromium's device mode).
async fn emulate_device(client: &Client, width: u32, height: u32) -> Result<()> {
    cdp(client, "Emulation.setDeviceMetricsOverride", json!({ "width": width, "height": height, "deviceScaleFactor": 2, "mobile": true })).await?;
    cdp(client, "Emulation.setTouchEmulationEnabled", json!({ "enabled": true, "maxTouchPoints": 5 })).await?;
    // Resize events and the plots' redraws.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(())
}

/// Elements wider than the device (not inside a box that scrolls on its own), and the page's
/// width beyond the device's `width`, in CSS pixels. Not `innerWidth`: in device mode the layout
/// viewport grows to fit content wider than the screen, as a phone's browser zooms out.
async fn sideways(client: &Client, width: u32) -> Result<(f64, Vec<String>)> {
    let v = js(
        client,
        &(format!("const w = {width};") + "
         const inScroller = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
         const wide = [...document.querySelectorAll('body *')].filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 1 && !inScroller(e); })
           .map(e => `${e.tagName.toLowerCase()}${e.dataset.testid ? '[' + e.dataset.testid + ']' : ''}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`).slice(0, 8);
         return [document.documentElement.scrollWidth - w, wide];"),
    )
    .await?;
    let over = v[0].as_f64().unwrap_or(0.0);
    let wide = v[1].as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default();
    Ok((over, wide))
}

/// Targets smaller than 24 × 24 CSS pixels (WCAG 2.5.8), except links inside a sentence.
async fn small_targets(client: &Client) -> Result<Vec<String>> {
    let v = js(
        client,
        "const inText = e => e.tagName === 'A' && e.closest('p, li:not(nav li), td, figcaption, dd, caption') && !e.closest('nav');
         return [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex=\"-1\"])')]
           .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && !e.closest('.sr-only') && (!e.checkVisibility || e.checkVisibility({ visibilityProperty: true })); })
           .filter(e => { const r = e.getBoundingClientRect(); return (r.width < 24 || r.height < 24) && !inText(e); })
           .map(e => `${e.tagName.toLowerCase()}${e.type ? '[type=' + e.type + ']' : ''}${e.dataset.testid ? '[' + e.dataset.testid + ']' : ''} '${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}' ${Math.round(e.getBoundingClientRect().width)}×${Math.round(e.getBoundingClientRect().height)}`);",
    )
    .await?;
    Ok(v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default())
}

/// A full-page screenshot (Chromium's DevTools Protocol) as `DNAPLAY_SCREENSHOTS/<name>.png`.
async fn page_screenshot(client: &Client, name: &str) -> Result<()> {
    let Some(dir) = std::env::var_os("DNAPLAY_SCREENSHOTS") else { return Ok(()) };
    let size = js(client, "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]").await?;
    let (w, h) = (size[0].as_f64().unwrap_or(390.0), size[1].as_f64().unwrap_or(844.0).min(6000.0));
    let shot = cdp(client, "Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true, "clip": { "x": 0, "y": 0, "width": w, "height": h, "scale": 1 } })).await?;
    use base64::Engine as _;
    let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().ok_or("no screenshot")?)?;
    std::fs::create_dir_all(&dir)?;
    std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png)?;
    Ok(())
}

#[tokio::test(flavor = "current_thread")]
async fn no_lesson_scrolls_sideways_on_a_phone_or_a_tablet_and_every_target_is_large_enough() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        train_every_lesson(client, base).await?;
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (device, width, height) in [("phone", 390, 844), ("tablet", 768, 1024)] {
            emulate_device(client, width, height).await?;
            for slug in LESSONS {
                open_lesson(client, slug).await?;
                if slug == "explain" {
                    // The maps are computed again for the new width's sequence view.
                    wait_for_text(client, "auroc-exp-ig", "lesson 11's maps", Duration::from_secs(90)).await?;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                let (over, wide) = sideways(client, width).await?;
                if over > 0.5 {
                    found.insert(format!("{device} {slug}: {over} px too wide"), wide);
                }
                let small = small_targets(client).await?;
                if !small.is_empty() {
                    found.insert(format!("{device} {slug}: targets under 24 × 24"), small);
                }
                if ["train", "filters", "exp", "explain", "data"].contains(&slug) {
                    let n = LESSONS.iter().position(|l| *l == slug).unwrap_or(0) + 1;
                    page_screenshot(client, &format!("{width}-{n}-{slug}")).await?;
                }
            }
            // The Share panel, open on the last lesson.
            dnaplay_e2e::share::open_share_panel(client, false).await?;
            let (over, wide) = sideways(client, width).await?;
            if over > 0.5 {
                found.insert(format!("{device} Share panel: {over} px too wide"), wide);
            }
            let small = small_targets(client).await?;
            if !small.is_empty() {
                found.insert(format!("{device} Share panel: targets under 24 × 24"), small);
            }
            page_screenshot(client, &format!("{width}-share")).await?;
            click(client, "share-toggle").await?;
        }
        assert!(found.is_empty(), "{found:#?}");
        Ok(())
    })
    .await
}

/// Tap at (x, y) CSS pixels of the viewport (touch start and end: the browser makes the click).
async fn tap(client: &Client, x: f64, y: f64) -> Result<()> {
    let point = json!([{ "x": x, "y": y }]);
    cdp(client, "Input.dispatchTouchEvent", json!({ "type": "touchStart", "touchPoints": point })).await?;
    cdp(client, "Input.dispatchTouchEvent", json!({ "type": "touchEnd", "touchPoints": [] })).await?;
    tokio::time::sleep(Duration::from_millis(150)).await;
    Ok(())
}

#[tokio::test(flavor = "current_thread")]
async fn a_tap_on_the_parity_plot_names_the_sequence_and_a_second_tap_explains_it() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=train&device=cpu")).await?;
        device_is(client, "CPU").await?;
        click(client, "load-trained").await?;
        wait_for_r2(client, Duration::from_secs(60)).await?;
        emulate_device(client, 390, 844).await?;
        open_lesson(client, "parity").await?;
        js(client, "document.querySelector('[data-testid=parity-chart]').scrollIntoView({ block: 'center' }); return 0").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let rect = js(client, "const r = document.querySelector('[data-testid=parity-chart]').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]").await?;
        let (left, top, w, h) = (rect[0].as_f64().unwrap_or(0.0), rect[1].as_f64().unwrap_or(0.0), rect[2].as_f64().unwrap_or(0.0), rect[3].as_f64().unwrap_or(0.0));
        let mut named = None;
        for step in 0..40 {
            let t = 0.15 + 0.7 * f64::from(step) / 40.0;
            let (x, y) = (left + w * t, top + h * (1.0 - t));
            tap(client, x, y).await?;
            let hovered = text(client, "parity-hover").await;
            if !hovered.is_empty() {
                named = Some((x, y, hovered));
                break;
            }
        }
        let (x, y, hovered) = named.ok_or("no tap along the diagonal named a dot")?;
        assert!(hovered.contains(": true score") && hovered.contains("predicted"), "{hovered}");
        assert!(lesson_title(client).await.starts_with("7."), "the first tap names the dot and stays");
        screenshot(client, "390-7-parity-tap").await?;
        tap(client, x, y).await?;
        wait_until("lesson 11 after a second tap", Duration::from_secs(10), || async { lesson_title(client).await.starts_with("11.").then_some(()) }).await?;
        Ok(())
    })
    .await
}

/// Press Tab until the element `id` has the focus (at most 150 times); the page's own order.
async fn tab_to(client: &Client, id: &str) -> Result<()> {
    for _ in 0..150 {
        let focused = js(client, "return document.activeElement ? (document.activeElement.dataset.testid || '') : ''").await?;
        if focused.as_str() == Some(id) {
            return Ok(());
        }
        press(client, Key::Tab).await?;
    }
    Err(format!("Tab never reached [data-testid={id}]").into())
}

/// Press `key` on the keyboard, wherever the focus is (WebDriver's key actions: sending keys to
/// a focused file field would type a file name instead).
async fn press(client: &Client, key: Key) -> Result<()> {
    let k: char = key.into();
    let actions = KeyActions::new("keyboard".into()).then(KeyAction::Down { value: k }).then(KeyAction::Up { value: k });
    client.perform_actions(actions).await?;
    Ok(())
}

/// Tab once round the page: every visible control that is enabled is reached.
async fn every_control_is_reached_by_tab(client: &Client) -> Result<Vec<String>> {
    let count = js(
        client,
        "let i = 0; for (const e of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
           const r = e.getBoundingClientRect();
           const shown = e.checkVisibility ? e.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true }) : true;
           const usable = shown && r.width > 0 && r.height > 0 && !e.disabled && e.tabIndex >= 0 && !e.closest('[inert]');
           e.dataset.tabI = usable ? String(i++) : '';
         }
         document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); return i;",
    )
    .await?
    .as_u64()
    .unwrap_or(0);
    press(client, Key::Tab).await?;
    let mut reached = std::collections::BTreeSet::new();
    for _ in 0..(count + 20) {
        let i = js(client, "return document.activeElement && document.activeElement.dataset.tabI || ''").await?;
        if let Some(i) = i.as_str().and_then(|s| s.parse::<u64>().ok()) {
            reached.insert(i);
        }
        press(client, Key::Tab).await?;
    }
    let missed = js(client, &format!(
        "const reached = new Set({:?}); return [...document.querySelectorAll('[data-tab-i]')].filter(e => e.dataset.tabI !== '' && !reached.has(Number(e.dataset.tabI))).map(e => e.outerHTML.slice(0, 120));",
        reached.iter().collect::<Vec<_>>()
    ))
    .await?;
    Ok(missed.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default())
}

#[tokio::test(flavor = "current_thread")]
async fn every_control_works_from_the_keyboard_and_the_status_speaks_politely() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("dnaplay-keyboard-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("kmers.csv");
    {
        let rule = dnaplay_model::scoring::ScoringRule::default();
        let mut text = String::from("sequence,score\n");
        for s in dnaplay_model::scoring::kmers(8)?.into_iter().step_by(97).take(600) {
            text += &format!("{s},{}\n", rule.score(&s)?);
        }
        std::fs::write(&csv, text)?;
    }
    session(false, async |client: &Client, base: &str| {
        // 1,000 epochs: the run must still train while the test presses Pause.
        client.goto(&format!("{base}/?lesson=train&device=cpu&epochs=1000")).await?;
        device_is(client, "CPU").await?;
        // Every lesson: Tab reaches every control.
        let mut missed = BTreeMap::new();
        for slug in LESSONS {
            open_lesson(client, slug).await?;
            let m = every_control_is_reached_by_tab(client).await?;
            if !m.is_empty() {
                missed.insert(slug, m);
            }
        }
        assert!(missed.is_empty(), "controls Tab does not reach: {missed:#?}");

        // Lesson 5 by keyboard: Train, Pause, Reset.
        open_lesson(client, "train").await?;
        tab_to(client, "train").await?;
        press(client, Key::Enter).await?;
        wait_until("training", Duration::from_secs(30), || async { (!text(client, "epoch").await.contains("batch 0 of")).then_some(()) }).await?;
        // The status line changes every slice; its live region at most every 5 s.
        js(client, "window.__spoken = 0; window.__shown = 0;
            new MutationObserver(() => window.__spoken++).observe(document.querySelector('[data-testid=train-live]'), { childList: true, subtree: true, characterData: true });
            new MutationObserver(() => window.__shown++).observe(document.querySelector('[data-testid=epoch]'), { childList: true, subtree: true, characterData: true }); return 0").await?;
        tokio::time::sleep(Duration::from_secs(6)).await;
        let (spoken, shown) = (js(client, "return window.__spoken").await?.as_u64().unwrap_or(0), js(client, "return window.__shown").await?.as_u64().unwrap_or(0));
        println!("in 6 s of training the status changed {shown} times; its live region {spoken} times");
        assert!(shown > 10 && spoken <= 3, "throttled: shown {shown}, spoken {spoken}");
        let live = js(client, "const e = document.querySelector('[data-testid=train-live]'); return [e.getAttribute('role'), e.getAttribute('aria-live'), e.textContent]").await?;
        assert_eq!((live[0].as_str(), live[1].as_str()), (Some("status"), Some("polite")));
        assert!(live[2].as_str().is_some_and(|t| t.contains("epoch")), "{live}");
        tab_to(client, "pause").await?;
        press(client, Key::Enter).await?;
        wait_until("the run paused", Duration::from_secs(20), || async { text(client, "runs").await.lines().any(|l| l.ends_with("paused")).then_some(()) }).await?;
        tab_to(client, "reset").await?;
        press(client, Key::Space).await?;
        wait_until("the run stopped", Duration::from_secs(20), || async { text(client, "runs").await.contains("stopped (reset)").then_some(()) }).await?;
        // The pager.
        tab_to(client, "next").await?;
        press(client, Key::Enter).await?;
        wait_until("lesson 6", Duration::from_secs(10), || async { lesson_title(client).await.starts_with("6.").then_some(()) }).await?;

        // Lesson 13 by keyboard: the file field (WebDriver types the path, as the file dialog
        // would), Train, and an export.
        client.goto(&format!("{base}/?lesson=data&device=cpu&epochs=20")).await?;
        device_is(client, "CPU").await?;
        js(client, CATCH_DOWNLOADS).await?;
        tab_to(client, "upload-input").await?;
        client.active_element().await?.send_keys(&csv.display().to_string()).await?;
        wait_for_text(client, "upload-ready", "the data set", Duration::from_secs(20)).await?;
        tab_to(client, "data-train").await?;
        press(client, Key::Enter).await?;
        wait_until("lesson 13's metrics", Duration::from_secs(180), || async { text(client, "data-metrics").await.contains("test").then_some(()) }).await?;
        tab_to(client, "export-predictions").await?;
        press(client, Key::Enter).await?;
        let names = wait_until("the download", Duration::from_secs(10), || async {
            let v = js(client, "return window.__downloads.map(d => d.name)").await.ok()?;
            v.as_array().filter(|a| !a.is_empty()).cloned()
        })
        .await?;
        assert!(names.iter().any(|n| n.as_str().is_some_and(|n| n.ends_with("-predictions.csv"))), "{names:?}");

        // My runs by keyboard: a second run, the panel, two runs ticked with Space, the
        // comparison, and the zip of all runs.
        js(client, FOCUS_FIRST).await?;
        tab_to(client, "data-train").await?;
        press(client, Key::Enter).await?;
        wait_until("lesson 13's two saved runs", Duration::from_secs(180), || async {
            let n = js(client, "return document.querySelectorAll('[data-testid=saved-run]').length").await.ok()?.as_u64()?;
            (n >= 2).then_some(())
        })
        .await?;
        // From the top of the page: the header's My runs button comes first.
        js(client, FOCUS_FIRST).await?;
        tab_to(client, "my-runs-toggle").await?;
        press(client, Key::Enter).await?;
        wait_until("the panel's heading to take the focus", Duration::from_secs(5), || async {
            let focused = js(client, "return document.activeElement && document.activeElement.id").await.ok()?;
            (focused.as_str() == Some("my-runs-title")).then_some(())
        })
        .await?;
        wait_until("My runs' list", Duration::from_secs(20), || async {
            js(client, "return document.querySelectorAll('[data-testid=my-run]').length").await.ok()?.as_u64().filter(|n| *n >= 2)
        })
        .await?;
        tab_to(client, "my-runs-zip-all").await?;
        press(client, Key::Enter).await?;
        wait_for_contains(client, "my-runs-note", "Downloaded dnaplay-my-runs.zip").await?;
        let first = tab_to_prefix(client, "my-run-compare-", "").await?;
        press(client, Key::Space).await?;
        tab_to_prefix(client, "my-run-compare-", &first).await?;
        press(client, Key::Space).await?;
        let table = wait_for_contains(client, "my-runs-compare-table", "final validation loss").await?;
        assert!(table.contains("Lesson 13"), "{table}");
        println!("My runs by keyboard: all runs zipped, two of lesson 13's runs compared");
        Ok(())
    })
    .await
}

/// Focus the page's first control, as a fresh page's first Tab does: the start of a keyboard
/// walk from the top (a blur alone leaves Chromium's starting point where the focus was).
const FOCUS_FIRST: &str = "document.querySelector('a[href], button, input, select, textarea').focus(); window.scrollTo(0, 0); return 0";

/// Press Tab until the focused element's test id starts with `prefix` and is not `not`; returns
/// that test id.
async fn tab_to_prefix(client: &Client, prefix: &str, not: &str) -> Result<String> {
    for _ in 0..150 {
        press(client, Key::Tab).await?;
        let focused = js(client, "return document.activeElement ? (document.activeElement.dataset.testid || '') : ''").await?;
        if let Some(id) = focused.as_str().filter(|id| id.starts_with(prefix) && *id != not) {
            return Ok(id.to_string());
        }
    }
    Err(format!("Tab never reached a [data-testid^={prefix}] other than {not:?}").into())
}

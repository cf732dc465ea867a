//! A fallback for every capability (issue 23), one test per row of docs/browsers.md's fallback
//! table that Chromium can stand in for: a capability taken away before the page's scripts run
//! (`SharedArrayBuffer`, a large shared memory, wasm atomics), a threaded worker that does not
//! load, a WebGPU worker that does not load, and the first visit to a host without the
//! isolation headers (the page holds its controls until its one reload). In each, the page
//! trains on the next kind of worker and says which and why; "training is unavailable" never
//! shows. The rows for Firefox and WebKit are `tests/engines.rs`; the host without headers and
//! without a service worker is `tests/robust.rs`.
//!
//! Needs `dist/`, chromium and chromium-driver (`scripts/test.sh`).

use std::time::Duration;

use dnaplay_e2e::*;
use fantoccini::Client;

/// Open lesson 5, check the header's threads and note, train 1 epoch.
async fn trains_on_one_thread_because(client: &Client, base: &str, why: &str) -> Result<()> {
    client.goto(&format!("{base}/?lesson=train&device=cpu&epochs=1&seed=17")).await?;
    let (threads, cores) = cpu_threads(client).await?;
    assert_eq!(threads, 1, "one thread");
    if cores > 1 {
        let note = wait_for_text(client, "threads-note", "the reason for one thread", Duration::from_secs(30)).await?;
        assert!(note.starts_with("One thread: ") && note.contains(why), "note: {note}, expected it to contain {why:?}");
    }
    assert!(text(client, "worker-note").await.is_empty(), "no worker failure shown: {}", text(client, "worker-note").await);
    click(client, "train").await?;
    let r2 = wait_for_r2(client, Duration::from_secs(120)).await?;
    assert!(r2 > 0.0, "R² {r2} after 1 epoch on one thread");
    assert_alive(client).await
}

#[tokio::test(flavor = "current_thread")]
async fn without_shared_array_buffer_the_page_trains_on_one_thread_and_says_why() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        before_page_scripts(client, "delete window.SharedArrayBuffer;").await?;
        trains_on_one_thread_because(client, base, "this browser has no SharedArrayBuffer").await
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn a_refused_shared_memory_falls_back_to_one_thread() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        // As mobile Safari refuses large shared memories.
        before_page_scripts(
            client,
            "const Real = WebAssembly.Memory;
             WebAssembly.Memory = function (d) { if (d && d.shared && d.maximum > 16384) throw new RangeError('Out of memory'); return new Real(d); };
             WebAssembly.Memory.prototype = Real.prototype;",
        )
        .await?;
        trains_on_one_thread_because(client, base, "refused a 2 GiB shared WebAssembly memory (RangeError: Out of memory)").await
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn without_wasm_atomics_the_page_trains_on_one_thread() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        before_page_scripts(
            client,
            "const real = WebAssembly.validate;
             WebAssembly.validate = (bytes) => { const b = new Uint8Array(bytes); for (let i = 0; i + 1 < b.length; i++) if (b[i] === 0xfe && b[i + 1] === 0x10) return false; return real(bytes); };",
        )
        .await?;
        trains_on_one_thread_because(client, base, "cannot compile WebAssembly with atomics").await
    })
    .await
}

/// The threaded worker's script is missing (a deploy without it, a blocked request): the runs
/// go to the one-thread worker at once, and it is not retried.
#[tokio::test(flavor = "current_thread")]
async fn a_threaded_worker_that_does_not_load_falls_back_to_one_thread() -> Result<()> {
    // `with_browser`, not `session`: the browser logs the missing script as an error.
    with_browser(false, async |client: &Client, base: &str| {
        before_page_scripts(
            client,
            "const Real = window.Worker; window.__module_workers = 0;
             window.Worker = function (url, options) { if (options && options.type === 'module') { window.__module_workers++; return new Real('./no-such-threaded-worker.js', options); } return new Real(url, options); };",
        )
        .await?;
        trains_on_one_thread_because(client, base, "the threaded worker did not start").await?;
        assert_eq!(js(client, "return window.__module_workers").await?.as_u64(), Some(1), "the threaded worker was tried once");
        let errors = errors(client).await?;
        assert!(errors.iter().all(|e| e.contains("no-such-threaded-worker.js")), "console errors other than the missing script: {errors:#?}");
        Ok(())
    })
    .await
}

/// WebGPU's worker does not load: WebGPU, asked for, falls back to the CPU with the reason.
#[tokio::test(flavor = "current_thread")]
async fn a_webgpu_worker_that_does_not_load_falls_back_to_the_cpu() -> Result<()> {
    with_browser(true, async |client: &Client, base: &str| {
        // On an isolated page the CPU trains in the threaded (module) worker; the classic one
        // holds WebGPU.
        before_page_scripts(
            client,
            "const Real = window.Worker;
             window.Worker = function (url, options) { if (!(options && options.type === 'module')) return new Real('./no-such-webgpu-worker.js', options); return new Real(url, options); };",
        )
        .await?;
        client.goto(&format!("{base}/?lesson=train&device=webgpu&epochs=1&seed=17")).await?;
        device_is(client, "CPU").await?;
        let note = wait_until("WebGPU's failure to be explained", Duration::from_secs(30), || async {
            let t = js(client, "const d = document.querySelector('[data-testid=device-note]'); return d ? d.textContent : ''").await.ok()?;
            t.as_str().filter(|t| t.contains("WebGPU's worker did not load")).map(String::from)
        })
        .await?;
        assert!(note.contains("training runs on the CPU"), "{note}");
        assert!(text(client, "worker-note").await.is_empty(), "training is not unavailable");
        click(client, "train").await?;
        let r2 = wait_for_r2(client, Duration::from_secs(120)).await?;
        assert!(r2 > 0.0);
        assert!(text(client, "runs").await.contains("CPU"), "trained on the CPU");
        assert_alive(client).await
    })
    .await
}

/// The first visit to a host without the isolation headers: the page holds its controls (the
/// lesson is inert, a line says why) until its one reload, then trains on every core.
#[tokio::test(flavor = "current_thread")]
async fn the_first_visits_reload_holds_the_controls_until_it_comes() -> Result<()> {
    session_on(DistServer::start_unisolated()?, false, async |client: &Client, base: &str| {
        // A service worker that takes 3 s to register (a slow network), so that the app mounts
        // before the reload; and, across the reload, whether the hold showed over an inert lesson.
        before_page_scripts(
            client,
            "if (navigator.serviceWorker) { const register = navigator.serviceWorker.register.bind(navigator.serviceWorker);
               navigator.serviceWorker.register = (...a) => new Promise(r => setTimeout(r, 3000)).then(() => register(...a)); }
             if (!self.crossOriginIsolated) new MutationObserver(() => {
                 const hold = document.querySelector('[data-testid=reload-hold]');
                 const main = document.querySelector('main.lesson');
                 if (hold && main && main.inert) sessionStorage.setItem('held', hold.textContent);
             }).observe(document, { childList: true, subtree: true });",
        )
        .await?;
        client.goto(&format!("{base}?lesson=data&device=cpu")).await?;
        wait_until("the reloaded page to be isolated", Duration::from_secs(60), || async {
            js(client, "return self.crossOriginIsolated").await.ok()?.as_bool()?.then_some(())
        })
        .await?;
        let held = js(client, "return sessionStorage.getItem('held')").await?;
        assert!(held.as_str().is_some_and(|h| h.contains("reloads once")), "the first page held its controls and said why: {held}");
        // After the reload nothing is held, and the page trains on every core.
        wait_until("the lesson", Duration::from_secs(30), || async { lesson_title(client).await.starts_with("13.").then_some(()) }).await?;
        assert!(text(client, "reload-hold").await.is_empty(), "no hold after the reload");
        assert_eq!(js(client, "return document.querySelector('main.lesson').inert").await?.as_bool(), Some(false));
        let (threads, cores) = cpu_threads(client).await?;
        assert_eq!(threads, cores);
        Ok(())
    })
    .await
}

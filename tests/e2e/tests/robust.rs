//! The page cannot be crashed: one test per fault found in issue 9 (controls clicked in the
//! wrong order mid-run, device races, GPU buffer limits, hostile links). Each ends by checking
//! that the page is alive (no crash message, a lesson change still works) and, through
//! `session`, that the console has no error.
//!
//! Needs `dist/`, chromium and chromium-driver (`scripts/test.sh` provides all three).

use std::time::Duration;

use dnaplay_e2e::*;
use fantoccini::{Client, Locator};

/// Wait until every run of a 200-nt lesson has trained a batch.
async fn wait_training(client: &Client, prefix: &str, runs: usize) -> Result<()> {
    wait_until("the runs to train a batch", Duration::from_secs(120), || async {
        let s = status_lines(client, prefix).await;
        (s.len() == runs && s.iter().all(|l| l.contains("batch") && !l.contains("batch 0 of"))).then_some(())
    })
    .await
}

/// Select `value` in the `<select data-testid=id>` as a student would (a change event).
async fn select(client: &Client, id: &str, value: &str) -> Result<()> {
    js(client, &format!("const s = document.querySelector('[data-testid={id}]'); s.value = '{value}'; s.dispatchEvent(new Event('change', {{ bubbles: true }}));")).await?;
    Ok(())
}

#[tokio::test(flavor = "current_thread")]
async fn reset_then_train_again_while_lessons_9_and_10_train() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        // Lesson 10: Train, Reset mid-run, Train again at once (the wasm used to panic with
        // "index out of bounds" in the evaluation after the loop).
        client.goto(&format!("{base}/?lesson=classify&device=cpu&kn=1000&kepochs=20")).await?;
        device_is(client, "CPU").await?;
        click(client, "cls-train").await?;
        wait_training(client, "cls", 1).await?;
        click(client, "cls-reset").await?;
        assert!(status_lines(client, "cls").await.is_empty(), "Reset forgets the runs");
        click(client, "cls-train").await?;
        wait_training(client, "cls", 1).await?;
        click(client, "cls-pause").await?;
        let paused = wait_until("the run to pause with a report", Duration::from_secs(120), || async {
            let s = status_lines(client, "cls").await;
            (s.len() == 1 && s[0].ends_with("paused") && !text(client, "cls-accuracy").await.is_empty()).then_some(())
        })
        .await;
        if paused.is_err() {
            eprintln!("status: {:?} · accuracy: {:?} · errors: {:?}", status_lines(client, "cls").await, text(client, "cls-accuracy").await, errors(client).await?);
            screenshot(client, "debug-reset-train").await?;
        }
        paused?;
        assert_alive(client).await?;

        // Lesson 9: Reset then Train while both runs train; the new pair trains from epoch 1.
        client.goto(&format!("{base}/?lesson=exp&device=cpu&n=1000&cepochs=2")).await?;
        device_is(client, "CPU").await?;
        click(client, "exp-train").await?;
        wait_training(client, "exp", 2).await?;
        click(client, "exp-reset").await?;
        click(client, "exp-train").await?;
        wait_training(client, "exp", 2).await?;
        let s = status_lines(client, "exp").await;
        assert!(s.iter().all(|l| l.contains("of 2 ·")), "{s:?}");
        click(client, "exp-pause").await?;
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn clear_runs_while_training_leaves_no_ghost_run() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=train&device=cpu&epochs=50")).await?;
        device_is(client, "CPU").await?;
        click(client, "train").await?;
        wait_until("an epoch", Duration::from_secs(60), || async { (!epoch_losses(client).await.is_empty()).then_some(()) }).await?;
        click(client, "clear-runs").await?;
        assert_eq!(text(client, "runs").await, "", "the run table is empty");
        // The next Train starts a new run from epoch 0; the cleared one does not come back.
        click(client, "train").await?;
        wait_until("the new run's first epoch", Duration::from_secs(60), || async { (!epoch_losses(client).await.is_empty()).then_some(()) }).await?;
        click(client, "pause").await?;
        let runs = text(client, "runs").await;
        let rows: Vec<&str> = runs.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(rows.len(), 1, "one run: {runs}");
        assert!(rows[0].starts_with("#2"), "{runs}");
        let log = text(client, "epoch-log").await;
        assert!(log.starts_with("E0 |"), "the new run starts at epoch 0: {log}");
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn a_seed_change_mid_run_leaves_the_run_on_its_own_split() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=train&device=cpu&epochs=3&seed=17")).await?;
        device_is(client, "CPU").await?;
        click(client, "train").await?;
        // Change the seed while the run trains: the data of the next run changes, this one's not.
        // (The lesson's field, not the closed Share panel's "Seed" checkbox.)
        let field = client.find(Locator::XPath("//label[contains(., 'Seed') and not(ancestor::*[@data-testid='share-panel'])]/input")).await?;
        field.clear().await?;
        field.send_keys("5").await?;
        let r2 = wait_for_r2(client, Duration::from_secs(180)).await?;
        let (mut trainer, test) = seed_trainer_and_test(17, 3);
        while !trainer.is_finished() {
            trainer.step_epoch().await.expect("epoch");
        }
        let native = trainer.evaluate(&test).await.expect("evaluate").r_squared;
        eprintln!("page R² {r2} · native R² {native:.4} (seed 17, its own test split)");
        assert!((r2 - native).abs() < 2e-3, "page R² {r2} vs native {native} on the run's own split");
        assert!(client.current_url().await?.query().is_some_and(|q| q.contains("seed=5")), "the new seed is in the link");
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn cpu_chosen_during_webgpu_initialisation_stays_chosen() -> Result<()> {
    session(true, async |client: &Client, base: &str| {
        // Before the app's own scripts: as soon as the device menu exists (the app has mounted
        // and WebGPU's initialisation has only just started), choose CPU, WebGPU, CPU in one go.
        before_page_scripts(
            client,
            "const t = setInterval(() => {
                 const s = document.querySelector('[data-testid=device-select]');
                 if (!s) return;
                 clearInterval(t);
                 window.deviceWhenChosen = document.querySelector('[data-testid=device]').textContent;
                 for (const v of ['cpu', 'webgpu', 'cpu']) { s.value = v; s.dispatchEvent(new Event('change', { bubbles: true })); }
             }, 0);",
        )
        .await?;
        // The link asks for WebGPU, so the page waits for it ("starting…"); "Fastest" would
        // start on the CPU at once.
        client.goto(&format!("{base}/?lesson=train&epochs=1&bs=2048&device=webgpu")).await?;
        let during = wait_until("the device menu to be used", Duration::from_secs(30), || async {
            js(client, "return window.deviceWhenChosen || null").await.ok().filter(|v| !v.is_null())
        })
        .await?;
        assert_eq!(during.as_str(), Some("starting…"), "the CPU was chosen while WebGPU was still initialising");
        // Give WebGPU's initialisation time to finish: it must not override the choice.
        tokio::time::sleep(Duration::from_secs(8)).await;
        device_is(client, "CPU").await?;
        // WebGPU, asked for again, comes from the one initialisation.
        select(client, "device-select", "webgpu").await?;
        device_is(client, "WebGPU").await?;
        select(client, "device-select", "cpu").await?;
        device_is(client, "CPU").await?;
        click(client, "train").await?;
        let r2 = wait_for_r2(client, Duration::from_secs(120)).await?;
        assert!(r2.is_finite());
        assert!(text(client, "runs").await.contains("CPU"), "trained on the CPU");
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

/// Training on WebGPU (Chromium's software adapter): the validation loss falls and the plots
/// draw. Pause, then Train in the same task, while a read-back may be in flight: one loop runs,
/// each epoch once. (One session for both: SwiftShader compiles the kernels for half a minute.)
#[tokio::test(flavor = "current_thread")]
async fn trains_on_webgpu_and_pause_then_train_at_once_runs_one_loop() -> Result<()> {
    session(true, async |client: &Client, base: &str| {
        // Few, large batches: SwiftShader runs WebGPU on the CPU, slowly.
        client.goto(&format!("{base}/?lesson=train&model=cnn&opt=adam&lr=0.005&bs=2048&epochs=2&seed=17&device=webgpu")).await?;
        device_is(client, "WebGPU").await?;
        click(client, "train").await?;
        wait_until("a batch", Duration::from_secs(300), || async {
            let t = text(client, "epoch").await;
            (!t.contains("batch 0 of")).then_some(())
        })
        .await?;
        js(client, "document.querySelector('[data-testid=pause]').click(); setTimeout(() => document.querySelector('[data-testid=train]').click(), 0);").await?;
        let r2 = wait_for_r2(client, Duration::from_secs(400)).await?;
        let losses = epoch_losses(client).await;
        assert_eq!(losses.len(), 2, "two epochs, each once: {losses:?}");
        assert!(losses[1].1 < losses[0].1, "validation loss falls on WebGPU: {losses:?}");
        let runs = text(client, "runs").await;
        let rows: Vec<&str> = runs.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(rows.len(), 1, "one run: {runs}");
        assert!(rows[0].contains(" 2 ") && rows[0].ends_with("finished"), "{runs}");
        assert!(r2.is_finite(), "R² shown: {r2}");
        assert!(coloured_pixels(client, "loss-chart").await? > 300, "loss curves drawn");
        screenshot(client, "webgpu-train").await?;
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn lesson_10_at_14000_sequences_evaluates_on_webgpu_in_chunks() -> Result<()> {
    session(true, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=classify&device=webgpu&kn=14000&kepochs=1&seed=3")).await?;
        device_is(client, "WebGPU").await?;
        click(client, "cls-train").await?;
        wait_training(client, "cls", 1).await?;
        // Pausing evaluates the 2,800 test sequences: [2800, 64, 200] f32 would be 143 MB in
        // one buffer, above WebGPU's 128 MiB; the engine evaluates in chunks of 1,310.
        click(client, "cls-pause").await?;
        let accuracy: f64 = wait_until("the report", Duration::from_secs(500), || async {
            let s = status_lines(client, "cls").await;
            assert!(!s.iter().any(|l| l.contains("failed")), "{s:?}");
            text(client, "cls-accuracy").await.parse().ok()
        })
        .await?;
        let caption = text(client, "cls-report").await;
        assert!(caption.contains("2,800 test sequences"), "{caption}");
        assert!((0.0..=1.0).contains(&accuracy));
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_links_are_refused_with_notices_and_the_page_answers() -> Result<()> {
    session(false, async |client: &Client, base: &str| hostile_links(client, base).await).await
}

/// Every worker the page creates gets a script that is not there (a failed deploy, a blocked
/// request): the page reports it, stops trying after a few, and answers Train with the reason.
#[tokio::test(flavor = "current_thread")]
async fn a_training_worker_that_does_not_load_is_reported_and_the_page_answers() -> Result<()> {
    // `with_browser`, not `session`: the browser logs each missing script as an error.
    with_browser(false, async |client: &Client, base: &str| {
        before_page_scripts(client, "const Real = window.Worker; window.Worker = function (url, options) { return new Real('./no-such-worker.js', options); };").await?;
        client.goto(&format!("{base}?lesson=train&device=cpu&epochs=1")).await?;
        let note = wait_until("the worker's failure to be reported", Duration::from_secs(30), || async {
            let t = text(client, "worker-note").await;
            t.contains("unavailable").then_some(t)
        })
        .await?;
        assert!(note.contains("did not load") && note.contains("Reload"), "{note}");
        // Train answers with the reason instead of waiting for ever; the page still works.
        click(client, "train").await?;
        let error = wait_for_text(client, "train-error", "Train's error", Duration::from_secs(10)).await?;
        assert!(error.contains("did not load"), "{error}");
        assert_alive(client).await?;
        let errors = errors(client).await?;
        assert!(errors.iter().all(|e| e.contains("no-such-worker.js")), "console errors other than the missing script: {errors:#?}");
        Ok(())
    })
    .await
}

/// The page's own wasm does not load (a failed deploy, a blocked request): the shell that the
/// first paint shows says so, instead of "Loading the lessons…" for ever.
#[tokio::test(flavor = "current_thread")]
async fn a_page_whose_wasm_does_not_load_says_so_in_its_shell() -> Result<()> {
    // `with_browser`, not `session`: the failed start is logged as an error.
    with_browser(false, async |client: &Client, base: &str| {
        before_page_scripts(client, &fetch_override(r"/dna-playground-[0-9a-f]+_bg\.wasm/", "Promise.reject(new TypeError('blocked by the test'))")).await?;
        client.goto(&format!("{base}?lesson=train")).await?;
        let said = wait_until("the shell's message", Duration::from_secs(30), || async {
            let t = js(client, "const s = document.getElementById('app-shell-status'); return s ? s.textContent : ''").await.ok()?;
            t.as_str().filter(|t| t.contains("could not start")).map(str::to_string)
        })
        .await?;
        println!("the shell, the wasm blocked: {said}");
        assert!(said.contains("blocked by the test") && said.contains("Reload"), "{said}");
        Ok(())
    })
    .await
}

/// The motif file's fetch never answers (a stalled host): the app still mounts after its 4 s
/// wait (src/main.rs, `MOTIF_WAIT_MS`) instead of leaving the shell up, and lesson 9's Train,
/// which generates seed 003's Task 3 from the motifs, says the file did not load.
#[tokio::test(flavor = "current_thread")]
async fn a_stalled_motif_file_does_not_keep_the_app_from_starting() -> Result<()> {
    with_browser(false, async |client: &Client, base: &str| {
        before_page_scripts(client, &fetch_override(r"/motifs\/.*\.jaspar/", "new Promise(() => {})")).await?;
        let started = std::time::Instant::now();
        client.goto(&format!("{base}/?lesson=exp&device=cpu")).await?;
        let title = wait_until("the app to mount", Duration::from_secs(30), || async { Some(lesson_title(client).await).filter(|t| !t.is_empty()) }).await?;
        let waited = started.elapsed().as_secs_f64();
        assert_eq!(js(client, "return !!document.getElementById('app-shell')").await?.as_bool(), Some(false), "the shell gave way");
        assert!(waited >= 3.5, "the app waited for the motifs first: mounted after {waited:.1} s");
        click(client, "exp-train").await?;
        let said = wait_until("lesson 9 to name the missing file", Duration::from_secs(30), || async {
            let t = js(client, "return document.querySelector('main').textContent").await.ok()?;
            t.as_str().filter(|t| t.contains("did not load")).map(str::to_string)
        })
        .await?;
        println!("the motif fetch stalled: {title} mounted after {waited:.1} s; lesson 9 says the motifs did not load");
        assert!(said.contains("JASPAR"), "{said}");
        Ok(())
    })
    .await
}

/// The worker dies mid-run (as a panic in it would: an `error` event on the page's `Worker`):
/// the run fails with the reason, its epochs stay, and the next Train runs on a fresh worker.
#[tokio::test(flavor = "current_thread")]
async fn a_worker_that_dies_mid_run_fails_the_run_and_a_fresh_one_trains_the_next() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        before_page_scripts(client, "const Real = window.Worker; window.__workers = []; window.Worker = function (url, options) { const w = new Real(url, options); window.__workers.push(w); return w; };").await?;
        // 200 epochs (about 6 s on 2 cores): the run must still train when the worker dies.
        client.goto(&format!("{base}?lesson=train&device=cpu&epochs=200&seed=17")).await?;
        device_is(client, "CPU").await?;
        click(client, "train").await?;
        wait_until("a batch", Duration::from_secs(60), || async { (!text(client, "epoch").await.contains("batch 0 of")).then_some(()) }).await?;
        js(client, "window.__workers[0].dispatchEvent(new ErrorEvent('error', { message: 'RuntimeError: unreachable (simulated)' })); return 0").await?;
        let failed = wait_for_text(client, "run-error", "the run to fail", Duration::from_secs(10)).await?;
        assert!(failed.contains("the training worker stopped (RuntimeError: unreachable (simulated))"), "{failed}");
        assert!(text(client, "worker-note").await.contains("a fresh worker was started"));
        // A fresh worker trains the next run to the end.
        click(client, "train").await?;
        let r2 = wait_for_r2(client, Duration::from_secs(120)).await?;
        assert!(r2 > 0.3, "R² {r2} after 200 epochs on the fresh worker");
        assert_eq!(js(client, "return window.__workers.length").await?.as_u64(), Some(2), "one fresh worker");
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

/// A static host that sends no cross-origin isolation headers, in a browser where the app's
/// service worker is off: the page trains on one thread, says why, and trains to the end.
#[tokio::test(flavor = "current_thread")]
async fn without_cross_origin_isolation_the_page_trains_on_one_thread_and_says_why() -> Result<()> {
    session_on(DistServer::start_unisolated()?, false, async |client: &Client, base: &str| {
        before_page_scripts(client, "window.dnaplayNoServiceWorker = true;").await?;
        client.goto(&format!("{base}?lesson=train&device=cpu&epochs=2&seed=17")).await?;
        let (threads, cores) = cpu_threads(client).await?;
        assert_eq!(threads, 1, "one thread without isolation");
        if cores > 1 {
            let note = text(client, "threads-note").await;
            assert!(note.contains("not cross-origin isolated"), "{note}");
        }
        click(client, "train").await?;
        let r2 = wait_for_r2(client, Duration::from_secs(120)).await?;
        assert!(r2 > 0.3, "R² {r2} after 2 epochs on one thread");
        assert_alive(client).await
    })
    .await
}

/// The same host with the service worker on (assets/coi-serviceworker.js): it adds the headers
/// and reloads the page once, which then trains on every core.
#[tokio::test(flavor = "current_thread")]
async fn the_service_worker_isolates_a_host_without_headers() -> Result<()> {
    session_on(DistServer::start_unisolated()?, false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}?lesson=train&device=cpu&epochs=1&seed=17")).await?;
        wait_until("the reloaded page to be isolated", Duration::from_secs(30), || async {
            js(client, "return self.crossOriginIsolated").await.ok()?.as_bool()?.then_some(())
        })
        .await?;
        let (threads, cores) = cpu_threads(client).await?;
        assert_eq!(threads, cores, "threads training on the CPU behind the service worker");
        click(client, "train").await?;
        let r2 = wait_for_r2(client, Duration::from_secs(120)).await?;
        assert!(r2 > 0.0, "R² {r2} after 1 epoch");
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn memory_stays_bounded_over_30_train_reset_cycles() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=train&device=cpu&epochs=50")).await?;
        device_is(client, "CPU").await?;
        let cycle = async || -> Result<()> {
            click(client, "train").await?;
            wait_until("a batch", Duration::from_secs(30), || async { (!text(client, "epoch").await.contains("batch 0 of")).then_some(()) }).await?;
            click(client, "reset").await?;
            Ok(())
        };
        let start = wasm_memory(client).await?;
        cycle().await?;
        let after_one = wasm_memory(client).await?;
        let worker_after_one = worker_memory(client).await?;
        // 30 cycles: the 8-run cap is reached after 8, and memory must level off after it
        // (100 cycles gave the same plateau: docs/performance.md).
        for _ in 1..10 {
            cycle().await?;
        }
        // The worker's high-water mark after the first cycle depends on how many batches ran
        // before Reset (14.0 to 22.9 MB seen), so its plateau is judged from cycle 10 on.
        let worker_after_ten = worker_memory(client).await?;
        for _ in 10..30 {
            cycle().await?;
        }
        let after_thirty = wasm_memory(client).await?;
        let worker_after_thirty = worker_memory(client).await?;
        let runs = text(client, "runs").await.lines().filter(|l| l.starts_with('#')).count();
        eprintln!(
            "wasm memory: page {:.1} MB at start, {:.1} MB after 1 Train/Reset cycle, {:.1} MB after 30; training worker {:.1} MB after 1, {:.1} MB after 10, {:.1} MB after 30 ({runs} runs kept)",
            start / 1e6,
            after_one / 1e6,
            after_thirty / 1e6,
            worker_after_one / 1e6,
            worker_after_ten / 1e6,
            worker_after_thirty / 1e6
        );
        assert!(runs <= 8, "at most 8 runs kept: {runs}");
        assert!(after_thirty <= after_one * 1.5, "page memory grew from {after_one} to {after_thirty} bytes");
        assert!(worker_after_one > 0.0, "the worker reports its memory");
        assert!(worker_after_thirty <= worker_after_ten * 1.5, "worker memory grew from {worker_after_ten} to {worker_after_thirty} bytes over cycles 10 to 30");
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

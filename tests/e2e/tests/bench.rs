//! Benchmark of the built app (not a test: it prints figures and asserts nothing about speed).
//!
//! ```sh
//! trunk build --release
//! cargo test --release -p dnaplay-e2e --features bench --test bench -- --ignored --nocapture
//! ```
//!
//! Prints the wasm bundle's size (raw and gzip -9), the time to first paint and to the first
//! lesson on 127.0.0.1, and seed 002's full 50-epoch CNN run on the CPU device in the page
//! (seconds per epoch, wall time, test R²) beside the same run natively (burn-flex).
//! `bench_responsiveness` prints input-to-next-paint and pause latency while lessons 9 and 10
//! train with their defaults (the Event Timing API, measured in the page). `bench_plain_links`
//! times lessons 9 and 10 opened with their plain links, from Train to their results.
//! `bench_simd_builds` sets the threaded worker's relaxed-SIMD build against its baseline build on
//! CNN-dist, alternating. `bench_attribution` times lesson 11's plain link (CPU and WebGPU) and each attribution method
//! on 100 Task 3 sequences in the page's worker beside the same natively.

use std::io::Write;
use std::time::{Duration, Instant};

use dnaplay_e2e::*;
use dnaplay_model::attribution::{Method, Output, Reference, explain, test_positives};
use dnaplay_model::checkpoint::{CheckpointMeta, load_weights};
use dnaplay_model::models::{Activation, ModelConfig};
use dnaplay_model::tasks::{ClassTask, ClassTaskKind};
use dnaplay_model::trainer::{TrainConfig, Trainer};
use fantoccini::Client;
use serde_json::Value;
use flate2::Compression;
use flate2::write::GzEncoder;

/// Raw and gzip -9 bytes of each `.wasm` and `.js` in dist/: the page's and the worker's.
fn bundle_sizes() -> Result<Vec<(String, u64, u64)>> {
    let mut sizes = Vec::new();
    for path in std::fs::read_dir(dist_dir())?.filter_map(|e| e.ok().map(|e| e.path())) {
        if !path.extension().is_some_and(|e| e == "wasm" || e == "js") {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(&bytes)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        sizes.push((name, bytes.len() as u64, gz.finish()?.len() as u64));
    }
    sizes.sort();
    Ok(sizes)
}

/// One epoch of CNN-dist on seed 003's Task 3 (20,000 sequences, seed 1, seed 003's training)
/// natively on burn-flex, in seconds.
async fn native_cnn_dist_seconds(activation: Activation) -> f64 {
    let task = ClassTask::generate(ClassTaskKind::Task3, 20_000, 1).expect("Task 3");
    let (train, val, _) = task.data();
    let config = TrainConfig { num_epochs: 1, seed: 1, ..ClassTaskKind::Task3.default_training() };
    let device = dnaplay_model::burn::tensor::Device::flex();
    let mut trainer = Trainer::new(ModelConfig::cnn_dist(200, activation), config, &train, &val, &device).expect("valid settings");
    let start = Instant::now();
    trainer.step_epoch().await.expect("an epoch");
    start.elapsed().as_secs_f64()
}

/// [`with_browser`], or with DNAPLAY_BENCH_UNISOLATED=1 the app served without the isolation
/// headers and with the service worker off, so the one-thread worker trains: figures side by side
/// with the threaded ones.
async fn with_bench_server<F>(webgpu: bool, test: F) -> Result<()>
where
    F: AsyncFn(&Client, &str) -> Result<()>,
{
    if std::env::var_os("DNAPLAY_BENCH_UNISOLATED").is_none() {
        return with_browser(webgpu, test).await;
    }
    with_server(DistServer::start_unisolated()?, webgpu, async |client: &Client, base: &str| {
        before_page_scripts(client, "window.dnaplayNoServiceWorker = true;").await?;
        test(client, base).await
    })
    .await
}

async fn native_seconds_per_epoch(epochs: usize) -> f64 {
    let mut trainer = seed_trainer(17, epochs + 1);
    trainer.step_epoch().await.expect("warm-up epoch");
    let start = Instant::now();
    for _ in 0..epochs {
        trainer.step_epoch().await.expect("epoch");
    }
    start.elapsed().as_secs_f64() / epochs as f64
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_page() -> Result<()> {
    let sizes = bundle_sizes()?;
    for (name, raw, gz) in &sizes {
        println!("{name}: {:.3} MB raw, {:.3} MB gzip -9", *raw as f64 / 1e6, *gz as f64 / 1e6);
    }
    // The page; the threaded CPU worker (dnaplay-worker-mt*); the one-thread worker with WebGPU.
    let part = |which: fn(&str) -> bool| sizes.iter().filter(|(n, ..)| which(n)).map(|(_, _, gz)| *gz).sum::<u64>() as f64 / 1e6;
    let page = part(|n| !n.starts_with("dnaplay-worker"));
    let threaded = part(|n| n.starts_with("dnaplay-worker-mt"));
    let webgpu = part(|n| n.starts_with("dnaplay-worker") && !n.starts_with("dnaplay-worker-mt"));
    println!(
        "gzip -9: the page's wasm and JS {page:.3} MB; the threaded CPU worker's {threaded:.3} MB; the one-thread WebGPU worker's {webgpu:.3} MB; \
         page + threaded worker (an isolated page without WebGPU) {:.3} MB; page + one-thread worker (a page without isolation) {:.3} MB; all three {:.3} MB",
        page + threaded, page + webgpu, page + threaded + webgpu
    );

    with_bench_server(false, async |client: &Client, base: &str| {
        // 1,000 epochs for the pause's figures: 50 now end within the 2 s before Pause.
        client.goto(&format!("{}/?lesson=train&model=cnn&epochs=1000&seed=17&device=cpu", base)).await?;
        wait_until("the lesson", Duration::from_secs(30), || async { (!text(client, "lesson-title").await.is_empty()).then_some(()) }).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let paint = js(
            client,
            "const p = performance.getEntriesByName('first-contentful-paint')[0]; \
             const m = performance.getEntriesByName('dnaplay-mounted')[0]; \
             const n = performance.getEntriesByType('navigation')[0]; \
             return [p ? p.startTime : -1, m ? m.startTime : -1, n ? n.domContentLoadedEventEnd : -1];",
        )
        .await?;
        let ms = |i: usize| paint[i].as_f64().unwrap_or(-1.0);
        println!(
            "first contentful paint: {:.0} ms; app mounted (first lesson in the DOM): {:.0} ms; DOMContentLoaded: {:.0} ms (localhost, headless Chromium, cold cache)",
            ms(0), ms(1), ms(2)
        );

        // Pause latency: click Pause 2 s into a run, then watch when the progress text last
        // changed (it changes once per ~25 ms slice while training).
        click(client, "train").await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let pause_ms = pause_latency_ms(client, "pause", "epoch").await?;
        println!("pause: last progress update {pause_ms:.0} ms after the click handler ran");
        // From Pause to the Train button being enabled again: the paused run's results
        // (predictions for all 65,536 8-mers and the filter maps) are computed in between.
        let t0 = Instant::now();
        wait_until("Train enabled again", Duration::from_secs(30), || async {
            client.find(fantoccini::Locator::Css("[data-testid=train]:not([disabled])")).await.ok()
        })
        .await?;
        println!("pause: Train enabled again {:.0} ms after Pause returned (WebDriver polling, ±200 ms)", t0.elapsed().as_secs_f64() * 1e3);
        // The full 50-epoch run, from a fresh load of its link.
        client.goto(&format!("{}/?lesson=train&model=cnn&epochs=50&seed=17&device=cpu", base)).await?;
        wait_until("the lesson", Duration::from_secs(30), || async { client.find(fantoccini::Locator::Css("[data-testid=train]:not([disabled])")).await.ok() }).await?;
        click(client, "train").await?;
        let start = Instant::now();
        let r2 = wait_until("test R²", Duration::from_secs(600), || async {
            let t = text(client, "r2").await;
            t.split("test R² = ").nth(1).and_then(|v| v.split_whitespace().next()).and_then(|v| v.parse::<f64>().ok())
        })
        .await?;
        let wall = start.elapsed().as_secs_f64();
        let status = js(client, "return document.querySelector('.status').innerText").await?;
        println!("page, CPU device, 50 epochs: {wall:.1} s wall (training and evaluation), test R² = {r2:.3}; status: {}", status.as_str().unwrap_or(""));
        // textContent, cell by cell: innerText is empty inside a closed <details>.
        let breakdown = js(client, "return Array.from(document.querySelectorAll('[data-testid=time-breakdown] tr')).map(r => Array.from(r.cells).map(c => c.textContent).join(' | ')).join('\\n')").await?;
        println!("the worker's breakdown of an epoch (ms per epoch, share of the wall time):\n{}", breakdown.as_str().unwrap_or(""));
        Ok(())
    })
    .await?;
    let native = native_seconds_per_epoch(10).await;
    println!("native burn-flex in this process: {native:.3} s per epoch");
    Ok(())
}

/// The machine, for the figures: the CPU's model name and how many cores it offers.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|c| c.lines().find_map(|l| l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_string()))).unwrap_or_else(|| "unknown CPU".into());
    format!("{cpu}, {} cores", std::thread::available_parallelism().map_or(0, |n| n.get()))
}

/// First contentful paint over 6 cold loads (issue 26: ≤ 300 ms in at least 5 of 6), each in a
/// fresh browser profile: an empty HTTP cache and no service worker yet, as a student's first
/// visit from a static host.
#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_first_paint() -> Result<()> {
    let mut paints: Vec<f64> = Vec::new();
    for load in 1..=6 {
        let paint = std::cell::Cell::new(-1.0);
        with_bench_server(false, async |client: &Client, base: &str| {
            client.goto(&format!("{base}/?lesson=train")).await?;
            wait_until("the lesson", Duration::from_secs(30), || async { (!text(client, "lesson-title").await.is_empty()).then_some(()) }).await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let v = js(client, "const p = performance.getEntriesByName('first-contentful-paint')[0]; const m = performance.getEntriesByName('dnaplay-mounted')[0]; return [p ? p.startTime : -1, m ? m.startTime : -1];").await?;
            let ms = |i: usize| v[i].as_f64().unwrap_or(-1.0);
            println!("cold load {load}: first contentful paint {:.0} ms, app mounted {:.0} ms", ms(0), ms(1));
            paint.set(ms(0));
            Ok(())
        })
        .await?;
        paints.push(paint.get());
    }
    let met = paints.iter().filter(|p| (0.0..=300.0).contains(*p)).count();
    let mut sorted = paints.clone();
    sorted.sort_by(f64::total_cmp);
    println!("first contentful paint, 6 cold loads, localhost, headless Chromium: {} ms; ≤ 300 ms in {met} of 6 ({})", sorted.iter().map(|p| format!("{p:.0}")).collect::<Vec<_>>().join(", "), machine());
    Ok(())
}

/// Lesson 9 at seed 003's full size in the page: CNN-dist relu and exp on 14,000 training
/// sequences, one epoch each, seconds per epoch as the page reports it (each run's own slices).
/// DNAPLAY_BENCH_WEBGPU=1 runs it on WebGPU (Chromium's software adapter here).
#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_exp_lesson() -> Result<()> {
    let webgpu = std::env::var_os("DNAPLAY_BENCH_WEBGPU").is_some();
    with_bench_server(webgpu, async |client: &Client, base: &str| {
        let device = if webgpu { "&device=webgpu" } else { "&device=cpu" };
        client.goto(&format!("{base}?lesson=exp&n=20000&cepochs=1&seed=1{device}")).await?;
        wait_until("the device", Duration::from_secs(60), || async { (!text(client, "device").await.starts_with("starting")).then_some(()) }).await?;
        let started = Instant::now();
        click(client, "exp-train").await?;
        let lines = wait_until("both runs to finish one epoch", Duration::from_secs(1800), || async {
            let s: Vec<String> = text(client, "exp-status").await.lines().map(str::to_string).collect();
            (s.len() == 2 && s.iter().all(|l| l.contains("finished"))).then_some(s)
        })
        .await?;
        println!("page, device {}: CNN-dist on Task 3 (14,000 training sequences), wall {:.1} s for both runs", text(client, "device").await, started.elapsed().as_secs_f64());
        for l in lines {
            println!("  {l}");
        }
        // The same epoch natively (burn-flex, rayon on every core), right after.
        for activation in [Activation::Relu, Activation::Exp] {
            println!("  native {activation}: {:.1} s per epoch", native_cnn_dist_seconds(activation).await);
        }
        Ok(())
    })
    .await
}

/// Lessons 9 and 10 as a student opens them: the plain links with only `device=cpu` (the
/// lesson's defaults otherwise), timed from Train. Lesson 9: when both runs first show
/// validation AUROC ≥ 0.9 with exp's match fraction ≥ 0.4 and relu's ≤ 0.15 (issue 10's
/// target), then the end; the logo grids are screenshotted at both moments
/// (`DNAPLAY_SCREENSHOTS`). Lesson 10: the end and the test AUROC.
#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_plain_links() -> Result<()> {
    with_bench_server(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}?lesson=exp&device=cpu")).await?;
        device_is(client, "CPU").await?;
        let started = Instant::now();
        click(client, "exp-train").await?;
        let mut reached = None;
        let lines = loop {
            let s = status_lines(client, "exp").await;
            assert!(!s.iter().any(|l| l.contains("failed") || l.contains("stopped")), "a run failed: {s:?}");
            let aurocs: Vec<f64> = s.iter().filter_map(|l| number_after(l, "AUROC")).collect();
            let (relu, exp) = (number_after(&text(client, "match-relu").await, "fraction"), number_after(&text(client, "match-exp").await, "fraction"));
            if reached.is_none() && aurocs.len() == 2 && aurocs.iter().all(|&a| a >= 0.9) && exp.is_some_and(|m| m >= 0.4) && relu.is_some_and(|m| m <= 0.15) {
                let at = started.elapsed().as_secs_f64();
                println!("lesson 9: target reached {at:.1} s after Train: {s:?}, match fractions relu {relu:?}, exp {exp:?}");
                screenshot_of(client, "exp-logos", "9-plain-link-target").await?;
                reached = Some(at);
            }
            if s.len() == 2 && s.iter().all(|l| l.contains("finished")) {
                break s;
            }
            assert!(started.elapsed() < Duration::from_secs(1200), "lesson 9 still training after 20 minutes: {s:?}");
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        let elapsed = started.elapsed().as_secs_f64();
        println!("lesson 9, plain link (device=cpu), {}: {elapsed:.1} s from Train to both runs finished; target {}", text(client, "device").await, reached.map(|t| format!("reached at {t:.1} s")).unwrap_or_else(|| "not reached".into()));
        for l in lines {
            println!("  {l}");
        }
        for act in ["relu", "exp"] {
            println!("  {act}: {}", text(client, &format!("match-{act}")).await);
        }
        screenshot_of(client, "exp-logos", "9-plain-link-logos").await?;
        client.goto(&format!("{base}?lesson=classify&device=cpu")).await?;
        device_is(client, "CPU").await?;
        let started = Instant::now();
        click(client, "cls-train").await?;
        let line = wait_until("lesson 10's run to finish", Duration::from_secs(1200), || async {
            let s = text(client, "cls-status").await;
            s.contains("finished").then_some(s)
        })
        .await?;
        let elapsed = started.elapsed().as_secs_f64();
        let auroc = wait_until("the report", Duration::from_secs(60), || async { text(client, "cls-auroc").await.parse::<f64>().ok() }).await?;
        println!("lesson 10, plain link (device=cpu): {elapsed:.1} s from Train to finished; test AUROC {auroc:.3}, accuracy {}\n  {line}", text(client, "cls-accuracy").await);
        screenshot(client, "10-plain-link").await?;
        Ok(())
    })
    .await
}

/// Seconds natively (burn-flex, the CLI's CPU features) for each attribution method on the first
/// `n` positive test sequences of lesson 9's shipped exp checkpoint.
async fn native_attribution_seconds(n: usize) -> Vec<(Method, f64)> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/checkpoints/lesson9-exp");
    let meta = CheckpointMeta::from_json(&std::fs::read_to_string(dir.join("checkpoint.json")).expect("shipped")).expect("a description");
    let device = dnaplay_model::burn::tensor::Device::flex();
    let model = load_weights(&meta.model, &std::fs::read(dir.join("model.bpk")).expect("shipped"), &device).expect("weights");
    let task = ClassTask::generate(ClassTaskKind::Task3, meta.num_seqs.expect("200-nt"), meta.seed).expect("Task 3");
    let (_, x, _) = test_positives(&task, n).expect("positives");
    let mut out = Vec::new();
    for &m in Method::ALL {
        let start = Instant::now();
        explain(&model, &x, m, Reference::Shuffle, 1, Output::Probability, &device).await.expect("maps");
        out.push((m, start.elapsed().as_secs_f64()));
    }
    out
}

/// The page's time for lesson 11's plain link, then each method on 100 sequences in the worker
/// (`explain_benchmark`), beside the same natively.
#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_attribution() -> Result<()> {
    const N: usize = 100;
    let native = native_attribution_seconds(N).await;
    for webgpu in [false, true] {
        with_bench_server(webgpu, async |client: &Client, base: &str| {
            let device = if webgpu { "webgpu" } else { "cpu" };
            let started = Instant::now();
            client.goto(&format!("{base}?lesson=explain&device={device}")).await?;
            let cells = wait_for_text(client, "explain-time", "both models' maps", Duration::from_secs(600)).await?;
            println!("lesson 11 plain link on {}: both models' maps {:.2} s after opening the link (checkpoint load included); {cells}", text(client, "device").await, started.elapsed().as_secs_f64());
            if webgpu {
                screenshot(client, "11-plain-link-webgpu").await?;
                return Ok(());
            }
            for &(method, native_s) in &native {
                let asked = js(client, &format!("return window.wasmBindings.explain_benchmark('{method}', {N})")).await?;
                assert_eq!(asked.as_str(), Some(""), "the benchmark asks: {asked}");
                let ms = wait_until("the benchmark's maps", Duration::from_secs(900), || async {
                    js(client, "return window.wasmBindings.explain_benchmark_millis()").await.ok()?.as_f64().filter(|v| v.is_finite())
                })
                .await?;
                assert!(ms >= 0.0, "the benchmark failed");
                println!("  {method:<9} on {N} sequences of 200 nt: page (worker) {:.2} s, native {native_s:.2} s, ratio {:.2}", ms / 1000.0, ms / 1000.0 / native_s);
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// How long an input waits while `prefix`'s runs train with the lesson's defaults: a timer
/// set every 10 ms records how late it fires (the time the page's thread was busy: what a click
/// or a key press would wait before its handler runs, and the next paint later still), over
/// `seconds` of training. Then Pause: milliseconds from the click until the batch counter stops.
async fn responsiveness(client: &Client, base: &str, query: &str, prefix: &str, seconds: u64) -> Result<()> {
    client.goto(&format!("{base}?{query}")).await?;
    device_is(client, "CPU").await?;
    click(client, &format!("{prefix}-train")).await?;
    wait_until("a batch trained", Duration::from_secs(120), || async {
        let s = text(client, &format!("{prefix}-status")).await;
        (s.contains("batch") && !s.contains("batch 0 of")).then_some(())
    })
    .await?;
    let lags = input_waits(client, seconds).await?;
    let q = |p: f64| quantile(&lags, p);
    // Pause: click in the page, then watch the status's batch counter until it stops moving.
    let pause = pause_latency_ms(client, &format!("{prefix}-pause"), &format!("{prefix}-status")).await?;
    println!(
        "{query}: {} samples over {seconds} s of training: input waits p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms; Pause: the batch counter last moved {pause:.0} ms after the click",
        lags.len(), q(0.5), q(0.95), q(1.0)
    );
    click(client, &format!("{prefix}-reset")).await?;
    Ok(())
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_responsiveness() -> Result<()> {
    with_browser(false, async |client: &Client, base: &str| {
        responsiveness(client, base, "lesson=exp&device=cpu", "exp", 10).await?;
        responsiveness(client, base, "lesson=classify&device=cpu", "cls", 10).await?;
        Ok(())
    })
    .await
}

/// Lesson 13 reading a 50 MB FASTA (224,714 records of 200 nt) picked in its file input: the
/// time from the pick to the summary, the parse alone (in 256 KB pieces between paints), how
/// late a 10 ms timer fires and the longest gap between two frames while it reads (what a click
/// or a paint waits), the step after the parse (building and splitting the data set), and the
/// page's memory.
#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_upload_50mb() -> Result<()> {
    let path = std::env::temp_dir().join("dnaplay-bench-50mb.fa");
    let mut fasta = String::with_capacity(50_000_300);
    let (mut x, mut n) = (13u64, 0usize);
    while fasta.len() < 50_000_000 {
        fasta.push_str(&format!(">seq{n} label={}\n", n % 2));
        for _ in 0..4 {
            for _ in 0..50 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                fasta.push(['A', 'C', 'G', 'T'][(x >> 62) as usize]);
            }
            fasta.push('\n');
        }
        n += 1;
    }
    std::fs::write(&path, &fasta)?;
    drop(fasta);
    with_browser(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=data&device=cpu")).await?;
        device_is(client, "CPU").await?;
        js(
            client,
            "window.__lags = []; window.__gaps = []; let due = performance.now() + 10; \
             window.__probe = setInterval(() => { const t = performance.now(); window.__lags.push(Math.max(0, t - due)); due = t + 10; }, 10); \
             let last = performance.now(); window.__frames = true; \
             const f = (t) => { if (!window.__frames) return; window.__gaps.push(t - last); last = t; requestAnimationFrame(f); }; requestAnimationFrame(f); return 0",
        )
        .await?;
        let started = Instant::now();
        let input = client.find(fantoccini::Locator::Css("[data-testid=upload-input]")).await?;
        input.send_keys(&path.display().to_string()).await?;
        let summary = wait_until("the summary", Duration::from_secs(300), || async {
            let t = text(client, "upload-summary").await;
            t.contains("good sequences").then_some(t)
        })
        .await?;
        let to_summary = started.elapsed().as_secs_f64();
        let parse_ms = js(client, "return document.querySelector('[data-testid=upload-summary]').getAttribute('data-parse-ms')").await?;
        let parsed_in = js(client, "return document.querySelector('[data-testid=upload-summary]').getAttribute('data-parsed-in') || 'page'").await?;
        let ready = wait_until("the data set", Duration::from_secs(300), || async { (!text(client, "upload-ready").await.is_empty()).then_some(()) }).await;
        let to_ready = started.elapsed().as_secs_f64();
        let probe = js(client, "clearInterval(window.__probe); window.__frames = false; return [window.__lags, window.__gaps]").await?;
        let sorted = |v: &Value| {
            let mut x: Vec<f64> = v.as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
            x.sort_by(f64::total_cmp);
            x
        };
        let (lags, gaps) = (sorted(&probe[0]), sorted(&probe[1]));
        let heap = js(client, "return performance.memory ? performance.memory.usedJSHeapSize : null").await?;
        println!("50 MB FASTA ({n} records): summary {to_summary:.1} s after the pick (parse {} ms in the {}), data set ready {to_ready:.1} s ({})", parse_ms.as_str().unwrap_or("?"), parsed_in.as_str().unwrap_or("?"), if ready.is_ok() { "ok" } else { "not ready" });
        println!("  {summary}");
        println!(
            "  while reading: timer lateness p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms ({} samples); frame gaps p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms ({} frames)",
            quantile(&lags, 0.5), quantile(&lags, 0.95), quantile(&lags, 1.0), lags.len(), quantile(&gaps, 0.5), quantile(&gaps, 0.95), quantile(&gaps, 1.0), gaps.len()
        );
        println!("  page memory: wasm {:.0} MB, JS heap {:.0} MB", wasm_memory(client).await? / 1e6, heap.as_f64().unwrap_or(f64::NAN) / 1e6);
        Ok(())
    })
    .await?;
    let _ = std::fs::remove_file(&path);
    Ok(())
}

/// Seconds per epoch of the run on the Training page, unrounded: the `data-seconds` of the
/// figure it shows ("… · 0.16 s per epoch").
async fn page_seconds_per_epoch(client: &Client) -> Option<f64> {
    let seconds = js(client, "const e = document.querySelector('[data-testid=seconds-per-epoch]'); return e ? e.dataset.seconds : null").await.ok()?;
    seconds.as_str()?.parse().ok()
}

/// One engine's figures, measured in one session: the 8-mer CNN's seconds per epoch (the last
/// of 10 epochs of seed 002's run in lesson 5, or `DNAPLAY_BENCH_EPOCHS`), lesson 9's "Load the trained models" until both match
/// fractions show, and lesson 9's plain link from Train until its contrast shows (both runs at
/// val AUROC ≥ 0.9, exp's match fraction ≥ 0.4, relu's ≤ 0.15), when `plain_link`.
async fn engine_figures(browser: Browser, plain_link: bool) -> Result<String> {
    // `with_engine` may run the session twice (a crashed renderer), so the closure is `Fn`.
    let line = std::cell::RefCell::new(String::new());
    with_engine(browser, DistServer::start()?, async |client: &Client, base: &str| {
        let epochs: usize = std::env::var("DNAPLAY_BENCH_EPOCHS").ok().and_then(|e| e.parse().ok()).unwrap_or(10);
        client.goto(&format!("{base}/?lesson=train&device=cpu&epochs={epochs}&seed=17")).await?;
        device_is(client, "CPU").await?;
        let device = text(client, "device").await;
        let started = Instant::now();
        click(client, "train").await?;
        wait_for_r2(client, Duration::from_secs(900)).await?;
        let wall = started.elapsed().as_secs_f64();
        let per_epoch = page_seconds_per_epoch(client).await.unwrap_or(f64::NAN);
        client.goto(&format!("{base}/?lesson=exp&device=cpu")).await?;
        device_is(client, "CPU").await?;
        let started = Instant::now();
        click(client, "exp-load").await?;
        wait_until("lesson 9's checkpoints", Duration::from_secs(300), || async {
            (text(client, "match-relu").await.starts_with("match fraction") && text(client, "match-exp").await.starts_with("match fraction")).then_some(())
        })
        .await?;
        let load = started.elapsed().as_secs_f64();
        let mut contrast = "not run".to_string();
        if plain_link {
            client.goto(&format!("{base}/?lesson=exp&device=cpu")).await?;
            device_is(client, "CPU").await?;
            let started = Instant::now();
            click(client, "exp-train").await?;
            contrast = loop {
                let s = status_lines(client, "exp").await;
                let aurocs: Vec<f64> = s.iter().filter_map(|l| number_after(l, "AUROC")).collect();
                let (relu, exp) = (number_after(&text(client, "match-relu").await, "fraction"), number_after(&text(client, "match-exp").await, "fraction"));
                if aurocs.len() == 2 && aurocs.iter().all(|&a| a >= 0.9) && exp.is_some_and(|m| m >= 0.4) && relu.is_some_and(|m| m <= 0.15) {
                    break format!("{:.1} s", started.elapsed().as_secs_f64());
                }
                if s.len() == 2 && s.iter().all(|l| l.contains("finished")) {
                    break format!("not reached ({:.1} s to the end)", started.elapsed().as_secs_f64());
                }
                if started.elapsed() > Duration::from_secs(1800) {
                    break "over 30 minutes".into();
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            };
        }
        *line.borrow_mut() = format!("| {} | {device} | {per_epoch:.3} | {wall:.1} | {load:.2} | {contrast} |", browser.name());
        Ok(())
    })
    .await?;
    Ok(line.into_inner())
}

/// docs/performance.md's table of speed per engine, side by side in one run: Chromium, Firefox,
/// WebKit without SharedArrayBuffer and WebKit with it (each cross-origin isolated). Lesson 9's
/// plain link is timed when DNAPLAY_BENCH_PLAIN_LINK=1 (minutes per engine). Extra JSC options for
/// WebKit can be passed in the environment (`JSC_<option>=…`); they reach its web process.
#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_engines() -> Result<()> {
    let plain_link = std::env::var_os("DNAPLAY_BENCH_PLAIN_LINK").is_some();
    let only = std::env::var("DNAPLAY_BENCH_ENGINES").ok();
    let mut rows = vec![
        "| engine | in use | 8-mer CNN s/epoch | all epochs, wall s | lesson 9 checkpoints, s | lesson 9 plain link to contrast |".to_string(),
        "|---|---|---|---|---|---|".to_string(),
    ];
    for browser in [Browser::CHROMIUM, Browser::Firefox, Browser::WebKit { sab: false }, Browser::WebKit { sab: true }] {
        if only.as_deref().is_some_and(|o| !o.split(',').any(|n| n == browser.name())) {
            continue;
        }
        let row = engine_figures(browser, plain_link).await.unwrap_or_else(|e| format!("| {} | failed: {e} |", browser.name()));
        println!("{row}");
        rows.push(row);
    }
    println!("\n{}", rows.join("\n"));
    Ok(())
}

/// `bench/tfjs`, TensorFlow.js's reference page, with its packages installed (`npm ci`, from
/// its package-lock.json) and seed 002's split written as its `data.bin` (the model crate's
/// seed 002 data, split with `seed`; the format in `bench/tfjs/bench.js`).
fn tfjs_reference(seed: u64) -> Result<std::path::PathBuf> {
    use dnaplay_model::data::{RegressionData, SplitFractions, split};
    use dnaplay_model::scoring::ScoringRule;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/tfjs");
    if !root.join("node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js").is_file() {
        let status = std::process::Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&root).status().map_err(|e| format!("npm ci in {}: {e} (install Node and npm)", root.display()))?;
        if !status.success() {
            return Err(format!("npm ci in {} failed: {status}", root.display()).into());
        }
    }
    let data = RegressionData::kmer_task(8, &ScoringRule::default())?;
    let s = split(data.len(), SplitFractions::default(), seed)?;
    let mut bytes = Vec::new();
    let (train, val) = (data.subset(&s.train), data.subset(&s.val));
    let length = train.seqs[0].len();
    for n in [train.len(), val.len(), length, 0] {
        bytes.extend((n as u32).to_le_bytes());
    }
    for part in [&train, &val] {
        // The model crate's one-hot is [rows, 4, length]; TensorFlow.js's conv1d reads
        // [rows, length, 4].
        let x = part.one_hot()?;
        for row in 0..x.batch {
            let seq = x.sequence(row);
            for position in 0..length {
                for base in 0..4 {
                    bytes.extend(seq[base * length + position].to_le_bytes());
                }
            }
        }
        for t in &part.targets {
            bytes.extend(t.to_le_bytes());
        }
    }
    std::fs::write(root.join("data.bin"), bytes)?;
    Ok(root)
}

/// Median of `values` (NaN when empty).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Seed 002's 8-mer CNN per epoch, side by side in one run (issue 26): TensorFlow.js 4.22's wasm
/// backend (`bench/tfjs`, pinned by its package-lock.json) in headless Chromium; the page's
/// lesson 5 on the CPU in the threaded worker (an isolated page; its relaxed-SIMD build where
/// Chromium has relaxed SIMD, then its baseline build), in the one-thread worker (a page without
/// isolation); and natively (burn-flex, this process's rayon threads).
/// `DNAPLAY_BENCH_EPOCHS` epochs each (default 10). TensorFlow.js runs twice, on its own choice
/// of threads and on all the cores, and the faster is the reference; its figure is the median
/// epoch after its first, the page's what it shows, native's the mean after a warm-up epoch.
#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_tfjs() -> Result<()> {
    let epochs: usize = std::env::var("DNAPLAY_BENCH_EPOCHS").ok().and_then(|e| e.parse().ok()).unwrap_or(10);
    let root = tfjs_reference(17)?;
    // TensorFlow.js's own thread count (half the cores: 1 here), then all the cores.
    let mut tfjs_runs = Vec::new();
    for threads in [None, std::thread::available_parallelism().ok().map(|n| n.get())] {
        let result = std::cell::RefCell::new(Value::Null);
        let query = threads.map_or(String::new(), |t| format!("&threads={t}"));
        with_engine(Browser::CHROMIUM, DistServer::serve_dir(root.clone(), true)?, async |client: &Client, base: &str| {
            client.goto(&format!("{base}/index.html?epochs={epochs}{query}")).await?;
            let r = wait_until("TensorFlow.js's run", Duration::from_secs(900), || async {
                js(client, "return window.tfjsResult || null").await.ok().filter(|v| !v.is_null())
            })
            .await?;
            if let Some(e) = r.get("error") {
                return Err(format!("TensorFlow.js failed: {e}").into());
            }
            *result.borrow_mut() = r;
            Ok(())
        })
        .await?;
        let result = result.into_inner();
        println!("TensorFlow.js: {result}");
        let seconds: Vec<f64> = result["secondsPerEpoch"].as_array().map(|a| a.iter().skip(1).filter_map(Value::as_f64).collect()).unwrap_or_default();
        tfjs_runs.push((median(seconds), result));
    }
    // The faster of the two is the reference.
    let (tfjs_s, tfjs) = tfjs_runs.iter().min_by(|a, b| a.0.total_cmp(&b.0)).cloned().ok_or("no TensorFlow.js run")?;

    let page = async |server: DistServer, isolated: bool| -> Result<(f64, String)> {
        let figure = std::cell::RefCell::new((f64::NAN, String::new()));
        with_engine(Browser::CHROMIUM, server, async |client: &Client, base: &str| {
            if !isolated {
                before_page_scripts(client, "window.dnaplayNoServiceWorker = true;").await?;
            }
            client.goto(&format!("{base}/?lesson=train&device=cpu&epochs={epochs}&seed=17")).await?;
            device_is(client, "CPU").await?;
            let device = text(client, "device").await;
            click(client, "train").await?;
            wait_for_r2(client, Duration::from_secs(900)).await?;
            *figure.borrow_mut() = (page_seconds_per_epoch(client).await.unwrap_or(f64::NAN), device);
            Ok(())
        })
        .await?;
        Ok(figure.into_inner())
    };
    let (threaded, threaded_device) = page(DistServer::start()?, true).await?;
    let baseline_dist = baseline_simd_dist()?;
    let (baseline, baseline_device) = page(DistServer::serve_dir(baseline_dist.0.clone(), true)?, true).await?;
    drop(baseline_dist);
    let (one, one_device) = page(DistServer::start_unisolated()?, false).await?;
    let native = native_seconds_per_epoch(epochs).await;

    println!("\n| seed 002's 8-mer CNN, {epochs} epochs | s per epoch | ÷ native | TensorFlow.js ÷ this |");
    println!("|---|---|---|---|");
    for (seconds, run) in &tfjs_runs {
        println!(
            "| TensorFlow.js {} wasm backend (SIMD {}, {} threads; {}), Chromium | {seconds:.3} | {:.1} | {:.1} |",
            run["version"].as_str().unwrap_or("?"),
            run["simd"],
            run["threads"],
            run["layer"].as_str().unwrap_or("?"),
            seconds / native,
            tfjs_s / seconds
        );
    }
    println!("| the page, isolated: {threaded_device} | {threaded:.3} | {:.2} | {:.1} |", threaded / native, tfjs_s / threaded);
    println!("| the page, isolated, the baseline build: {baseline_device} | {baseline:.3} | {:.2} | {:.1} |", baseline / native, tfjs_s / baseline);
    println!("| the page, not isolated: {one_device} | {one:.3} | {:.2} | {:.1} |", one / native, tfjs_s / one);
    println!("| native, burn-flex, {} rayon threads | {native:.3} | 1.00 | {:.1} |", std::thread::available_parallelism().map_or(0, |n| n.get()), tfjs_s / native);
    println!("TensorFlow.js validation R² after {epochs} epochs: {:.3}", tfjs["valR2"].as_f64().unwrap_or(f64::NAN));
    Ok(())
}

/// A copy of dist/ whose `relaxed/` holds the threaded worker's baseline build, so that an engine
/// with relaxed SIMD loads the baseline: the two builds side by side in one browser. The folder is
/// removed when the returned guard drops, whether the bench passes or fails.
fn baseline_simd_dist() -> Result<RemovedOnDrop> {
    fn copy(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), target)?;
            }
        }
        Ok(())
    }
    let dist = dist_dir();
    let guard = RemovedOnDrop(std::env::temp_dir().join(format!("dnaplay-dist-baseline-simd-{}", std::process::id())));
    let out = guard.0.clone();
    let _ = std::fs::remove_dir_all(&out);
    copy(&dist, &out)?;
    let relaxed = out.join("relaxed");
    std::fs::remove_dir_all(&relaxed).map_err(|e| format!("{} has no relaxed/ build: {e}", dist.display()))?;
    std::fs::create_dir_all(&relaxed)?;
    for name in ["dnaplay-worker-mt.js", "dnaplay-worker-mt_bg.wasm"] {
        std::fs::copy(dist.join(name), relaxed.join(name))?;
    }
    copy(&dist.join("snippets"), &relaxed.join("snippets"))?;
    Ok(guard)
}

/// A temporary folder, removed with everything in it when this drops.
struct RemovedOnDrop(std::path::PathBuf);

impl Drop for RemovedOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The threaded worker's two builds side by side in Chromium (issue 26): relaxed SIMD (fused
/// multiply-adds in gemm's microkernel) against the baseline (SIMD128), on lesson 9's CNN-dist at
/// seed 003's size (14,000 training sequences, one epoch each of relu and exp, as
/// [`bench_exp_lesson`]), alternating builds over `DNAPLAY_BENCH_ROUNDS` rounds (default 2); then
/// the same epochs natively (burn-flex, every core). Prints seconds per epoch as the page reports
/// them, and each build's ratio to native.
#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
async fn bench_simd_builds() -> Result<()> {
    let rounds: usize = std::env::var("DNAPLAY_BENCH_ROUNDS").ok().and_then(|e| e.parse().ok()).unwrap_or(2);
    let baseline_dist = baseline_simd_dist()?;
    let mut rows: Vec<(String, String, Vec<f64>)> = Vec::new();
    for round in 1..=rounds {
        for (build, dir) in [("relaxed SIMD", dist_dir()), ("baseline", baseline_dist.0.clone())] {
            let seen = std::cell::RefCell::new((String::new(), Vec::new()));
            with_engine(Browser::CHROMIUM, DistServer::serve_dir(dir, true)?, async |client: &Client, base: &str| {
                client.goto(&format!("{base}/?lesson=exp&n=20000&cepochs=1&seed=1&device=cpu")).await?;
                device_is(client, "CPU").await?;
                let device = text(client, "device").await;
                click(client, "exp-train").await?;
                let lines = wait_until("both runs to finish one epoch", Duration::from_secs(1800), || async {
                    let s = status_lines(client, "exp").await;
                    (s.len() == 2 && s.iter().all(|l| l.contains("finished"))).then_some(s)
                })
                .await?;
                let seconds = lines.iter().filter_map(|l| l.split(" · ").find(|p| p.ends_with("s per epoch")).and_then(|p| p.split_whitespace().next()?.parse().ok())).collect();
                *seen.borrow_mut() = (device, seconds);
                Ok(())
            })
            .await?;
            let (device, seconds) = seen.into_inner();
            println!("round {round}, {build}: {device}: CNN-dist relu and exp, s per epoch {seconds:?}");
            rows.push((build.to_string(), device, seconds));
        }
    }
    drop(baseline_dist);
    let native: Vec<f64> = vec![native_cnn_dist_seconds(Activation::Relu).await, native_cnn_dist_seconds(Activation::Exp).await];
    println!("native burn-flex, {} threads: relu {:.1}, exp {:.1} s per epoch", std::thread::available_parallelism().map_or(0, |n| n.get()), native[0], native[1]);
    println!("\n| CNN-dist, Task 3, 14,000 sequences ({}) | round | relu s/epoch | exp s/epoch | ÷ native |", machine());
    println!("|---|---|---|---|---|");
    for (i, (build, device, seconds)) in rows.iter().enumerate() {
        let ratio = seconds.iter().zip(&native).map(|(p, n)| p / n).sum::<f64>() / seconds.len().max(1) as f64;
        let at = |k: usize| seconds.get(k).map_or("?".to_string(), |s| format!("{s:.1}"));
        println!("| the page, {build} ({device}) | {} | {} | {} | {ratio:.2} |", i / 2 + 1, at(0), at(1));
    }
    println!("| native, burn-flex | | {:.1} | {:.1} | 1.00 |", native[0], native[1]);
    Ok(())
}

//! Lesson 13, your own sequences (issue 13), in the built page:
//! - a CSV with 3 bad rows has all 3 named; fixed in place, it trains, its predictions and
//!   weights export, the run survives a reload (IndexedDB), and the exported weights loaded
//!   into a fresh browser give the same predictions within 1e-5;
//! - after one visit the app loads and trains with the server stopped (the service worker);
//! - hostile files and wrong-order clicks; `hide=`, `lessons=` and `contrast=1` links;
//! - a binary upload trained with the multi-scale CNN, with lesson 10's full report (issue 27).
//!
//! Downloads are caught in the page: `URL.createObjectURL` and the anchor's click are wrapped
//! before the page's scripts run, so the test reads each file's name and bytes.
//!
//! Needs `dist/`, chromium and chromium-driver (`scripts/test.sh`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dnaplay_e2e::*;
use dnaplay_model::scoring::{ScoringRule, kmers};
use fantoccini::{Client, Locator};

/// A folder for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dnaplay-data-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// 2,000 of seed 002's 8-mers with their scores, every 29th k-mer.
fn good_rows() -> Vec<(String, f32)> {
    let rule = ScoringRule::default();
    kmers(8).expect("8-mers").into_iter().step_by(29).take(2000).map(|s| {
        let y = rule.score(&s).expect("a score");
        (s, y)
    }).collect()
}

/// The CSV with 3 bad rows: line 5 has an X, line 9 no label, line 14 a word for a label.
fn csv_with_bad_rows(rows: &[(String, f32)]) -> String {
    let mut lines = vec!["sequence,score".to_string()];
    for (i, (s, y)) in rows.iter().enumerate() {
        let line = i + 2;
        lines.push(match line {
            5 => format!("{}X{},{y}", &s[..3], &s[4..]),
            9 => format!("{s},"),
            14 => format!("{s},high"),
            _ => format!("{s},{y}"),
        });
    }
    lines.join("\n") + "\n"
}

fn parse_predictions(csv: &[u8]) -> Vec<(String, f32)> {
    String::from_utf8_lossy(csv).lines().skip(1).map(|l| {
        let f: Vec<&str> = l.split(',').collect();
        (f[1].to_string(), f[3].parse().expect("a prediction"))
    }).collect()
}

async fn upload(client: &Client, id: &str, paths: &[&Path]) -> Result<()> {
    let input = client.find(Locator::Css(&format!("[data-testid={id}]"))).await?;
    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    input.send_keys(&list.join("\n")).await?;
    Ok(())
}

async fn error_lines(client: &Client) -> Vec<String> {
    match client.find_all(Locator::Css("[data-testid=upload-errors] [data-testid=upload-error]")).await {
        Ok(items) => {
            let mut out = Vec::new();
            for e in items {
                out.push(e.text().await.unwrap_or_default());
            }
            out
        }
        Err(_) => Vec::new(),
    }
}

async fn metrics(client: &Client, limit: Duration) -> Result<String> {
    wait_until("the run's test metrics", limit, || async {
        let t = text(client, "data-metrics").await;
        t.contains("test R²").then_some(t)
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn a_csv_with_bad_rows_is_fixed_trained_exported_saved_and_reloaded() -> Result<()> {
    let dir = scratch("csv");
    let rows = good_rows();
    let bad = dir.join("kmers.csv");
    std::fs::write(&bad, csv_with_bad_rows(&rows))?;
    session(false, async |client: &Client, base: &str| {
        before_page_scripts(client, CATCH_DOWNLOADS).await?;
        let url = format!("{base}/?lesson=data&device=cpu&epochs=30");
        client.goto(&url).await?;
        device_is(client, "CPU").await?;
        // Train is disabled until there is data.
        let train = client.find(Locator::Css("[data-testid=data-train]")).await?;
        assert!(train.attr("disabled").await?.is_some(), "nothing to train on yet");
        upload(client, "upload-input", &[&bad]).await?;
        let problems = wait_until("the 3 problems", Duration::from_secs(20), || async {
            let e = error_lines(client).await;
            (e.len() == 3).then_some(e)
        })
        .await?;
        println!("named: {problems:#?}");
        assert_eq!(problems[0], "line 5: 'X' at position 4 of the sequence is not A, C, G, T or N");
        assert_eq!(problems[1], "line 9: the label is missing");
        assert_eq!(problems[2], "line 14: label 'high' is not a number");
        assert!(text(client, "upload-summary").await.starts_with("1,997 good sequences (8 nt), after a header row; 3 problems"));
        screenshot(client, "13-upload-errors").await?;
        // Fix the three lines in place, in the text box, and check again.
        let fixed = {
            let mut l: Vec<String> = csv_with_bad_rows(&rows).lines().map(String::from).collect();
            for line in [5usize, 9, 14] {
                let (s, y) = &rows[line - 2];
                l[line - 1] = format!("{s},{y}");
            }
            l.join("\n") + "\n"
        };
        std::fs::write(dir.join("fixed.csv"), &fixed)?;
        js(client, &format!("const t = document.querySelector('[data-testid=upload-text]'); t.value = {fixed:?}; t.dispatchEvent(new Event('input', {{ bubbles: true }}));")).await?;
        click(client, "upload-check").await?;
        // The first upload's 1,997 good rows stand ready until the check of the fixed text ends
        // (parsed in the worker; ci41 read them under load): wait for the 2,000.
        let ready = wait_until("the fixed data set", Duration::from_secs(20), || async { Some(text(client, "upload-ready").await).filter(|t| t.contains("2,000 sequences")) }).await?;
        assert!(error_lines(client).await.is_empty());
        assert!(ready.contains("2,000 sequences of 8 nt, split 1280 / 320 / 400") && ready.contains("Task: regression"), "{ready}");
        let started = Instant::now();
        click(client, "data-train").await?;
        let m = metrics(client, Duration::from_secs(120)).await?;
        println!("trained in {:.1} s: {m}", started.elapsed().as_secs_f64());
        println!("runs: {}", text(client, "saved-runs").await);
        let r2: f64 = m.split("test R² ").nth(1).and_then(|t| t.split(',').next()).and_then(|t| t.parse().ok()).ok_or("an R²")?;
        assert!(r2 > 0.3, "the CNN learns seed 002's rule from 1,280 sequences: R² {r2}");
        // Attribution on one's own data: the maps of the highest-scoring test sequence.
        click(client, "data-explain-top").await?;
        let what = wait_for_text(client, "data-explain-what", "the sequence explained", Duration::from_secs(10)).await?;
        assert!(what.contains("the highest prediction"), "{what}");
        wait_until("the maps drawn", Duration::from_secs(60), || async { (coloured_pixels(client, "data-maps").await.ok()? > 2_000).then_some(()) }).await?;
        screenshot_of(client, "data-maps", "13-maps").await?;
        // The maps export: the figure as SVG and each base's scores as CSV.
        click(client, "data-maps-svg").await?;
        let svg = String::from_utf8(wait_until("the maps' SVG", Duration::from_secs(20), || async { downloaded(client, "dnaplay-data-maps.svg").await.ok() }).await?)?;
        let doc = roxmltree::Document::parse(&svg).map_err(|e| format!("the maps' SVG does not parse: {e}"))?;
        let drawn = doc.root_element().descendants().filter(|n| matches!(n.tag_name().name(), "rect" | "path" | "polyline" | "polygon" | "line" | "text")).count();
        assert!(drawn >= 40, "the maps' SVG draws four tracks of letters: {drawn} elements");
        click(client, "data-maps-scores-csv").await?;
        let scores = String::from_utf8(wait_until("the maps' CSV", Duration::from_secs(20), || async { downloaded(client, "dnaplay-data-maps-scores.csv").await.ok() }).await?)?;
        let lines: Vec<&str> = scores.lines().collect();
        println!("the maps' scores:\n{scores}");
        assert!(lines[0].starts_with("# DNA Playground: ") && lines[1].starts_with("# made by DNA Playground: "), "{scores}");
        assert!(lines[2].starts_with("position,base,") && lines[2].split(',').count() == 6, "four maps: {}", lines[2]);
        assert_eq!(lines.len(), 3 + 8, "one row per base of the 8-mer");
        assert!(lines[3..].iter().all(|l| l.split(',').skip(2).all(|v| v.parse::<f32>().is_ok_and(f32::is_finite))), "{scores}");
        // Export predictions and weights.
        click(client, "export-predictions").await?;
        let csv = downloaded(client, "-predictions.csv").await?;
        assert_eq!(parse_predictions(&csv).len(), 400, "one row per test sequence");
        std::fs::write(dir.join("predictions.csv"), &csv)?;
        wait_until("the run saved", Duration::from_secs(30), || async { text(client, "saved-note").await.contains("saved in this browser").then_some(()) }).await?;
        click(client, "export-weights").await?;
        println!("after export-weights: {:?} {:?}", text(client, "data-error").await, js(client, "return window.__downloads.map(d => d.name)").await?);
        let weights = downloaded(client, "model.bpk").await?;
        let meta = downloaded(client, "checkpoint.json").await?;
        assert!(weights.len() > 609 * 4, "{} bytes for the 609 parameters", weights.len());
        std::fs::write(dir.join("model.bpk"), &weights)?;
        std::fs::write(dir.join("checkpoint.json"), &meta)?;
        for (button, name) in [("export-meme", "-filters.meme"), ("export-report", "-report.html"), ("export-loss-svg", "-loss.svg"), ("export-result-svg", "-test.svg")] {
            click(client, button).await?;
            let bytes = downloaded(client, name).await?;
            assert!(bytes.len() > 500, "{name}: {} bytes", bytes.len());
            std::fs::write(dir.join(format!("run{name}")), &bytes)?;
        }
        let meme = std::fs::read_to_string(dir.join("run-filters.meme"))?;
        assert_eq!(meme.matches("MOTIF filter").count(), 32, "32 first-layer filters");
        assert!(std::fs::read_to_string(dir.join("run-report.html"))?.contains("<svg"), "the report holds its plots");
        click(client, "export-pytorch").await?;
        std::fs::write(dir.join("train.py"), downloaded(client, "train.py").await?)?;
        std::fs::write(dir.join("data.csv"), downloaded(client, "data.csv").await?)?;
        click(client, "export-loss-png").await?;
        assert!(downloaded(client, "-loss.png").await?.len() > 1000);
        screenshot_of(client, "export-menu", "13-export-menu").await?;
        screenshot(client, "13-trained").await?;
        // The lesson printed (A4): its text and plots, none of the controls' chrome.
        if let Some(dir) = std::env::var_os("DNAPLAY_SCREENSHOTS") {
            let pdf = cdp(client, "Page.printToPDF", serde_json::json!({ "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": false })).await?;
            std::fs::write(Path::new(&dir).join("13-print-a4.pdf.b64"), pdf["data"].as_str().ok_or("a PDF")?)?;
        }
        // Reload: the data and the run come back from IndexedDB.
        client.goto(&url).await?;
        let m2 = metrics(client, Duration::from_secs(60)).await?;
        let saved = client.find_all(Locator::Css("[data-testid=saved-run]")).await?.len();
        assert_eq!(saved, 1, "one saved run listed");
        let table = text(client, "saved-runs").await;
        assert!(table.contains("finished"), "the run after a reload: {table}");
        println!("after a reload: {m2}");
        assert_eq!(m.split(" on ").next(), m2.split(" on ").next(), "the same R² and MSE after a reload");
        Ok(())
    })
    .await?;
    println!("files in {}", dir.display());

    // A fresh browser (a new profile, no saved work): the same data, the exported weights.
    session(false, async |client: &Client, base: &str| {
        before_page_scripts(client, CATCH_DOWNLOADS).await?;
        client.goto(&format!("{base}/?lesson=data&device=cpu")).await?;
        device_is(client, "CPU").await?;
        assert!(client.find_all(Locator::Css("[data-testid=saved-run]")).await?.is_empty(), "a fresh profile has no saved runs");
        upload(client, "upload-input", &[&dir.join("fixed.csv")]).await?;
        wait_for_text(client, "upload-ready", "the data set", Duration::from_secs(20)).await?;
        upload(client, "load-weights-input", &[&dir.join("model.bpk"), &dir.join("checkpoint.json")]).await?;
        let m = metrics(client, Duration::from_secs(60)).await?;
        println!("loaded weights: {m}");
        click(client, "export-predictions").await?;
        let again = parse_predictions(&downloaded(client, "-predictions.csv").await?);
        let before = parse_predictions(&std::fs::read(dir.join("predictions.csv"))?);
        assert_eq!(again.len(), before.len());
        let worst = before.iter().zip(&again).map(|((s1, a), (s2, b))| {
            assert_eq!(s1, s2, "the same test sequences in the same order");
            (a - b).abs()
        }).fold(0.0f32, f32::max);
        println!("largest difference between the predictions: {worst:e}");
        assert!(worst <= 1e-5, "the loaded weights predict the same: {worst}");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn after_one_visit_the_app_loads_and_trains_with_the_server_stopped() -> Result<()> {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = DistServer::start()?;
    let driver = Driver::start()?;
    let client = browser(&driver, false).await?;
    let result = async {
        let url = format!("{}/?lesson=train&device=cpu&epochs=2", server.base);
        client.goto(&url).await?;
        device_is(&client, "CPU").await?;
        wait_until("the service worker to control the page", Duration::from_secs(60), || async {
            js(&client, "return !!navigator.serviceWorker.controller").await.ok()?.as_bool().filter(|b| *b)
        })
        .await?;
        let stored = wait_until("the offline cache", Duration::from_secs(60), || async {
            let v = client
                .execute_async("const d = arguments[arguments.length - 1]; caches.open('dnaplay-offline-v1').then(c => c.keys()).then(k => d(k.map(r => r.url)), () => d([]))", vec![])
                .await
                .ok()?;
            let urls: Vec<String> = v.as_array()?.iter().filter_map(|u| u.as_str().map(String::from)).collect();
            (urls.iter().any(|u| u.ends_with("dnaplay-worker_bg.wasm")) && urls.iter().any(|u| u.contains("dna-playground-") && u.ends_with("_bg.wasm"))).then_some(urls)
        })
        .await?;
        println!("{} files stored for offline use", stored.len());
        let served = server.served();
        server.stop();
        let started = Instant::now();
        client.goto(&url).await?;
        device_is(&client, "CPU").await?;
        click(&client, "train").await?;
        let r2 = wait_for_r2(&client, Duration::from_secs(120)).await?;
        println!("offline: the page loaded and trained 2 epochs of the CNN in {:.1} s, test R² {r2:.3}", started.elapsed().as_secs_f64());
        assert_eq!(server.served(), served, "nothing was served after the server stopped");
        // Lesson 13's example comes from the cache only if it was fetched before; the lesson
        // itself opens.
        client.goto(&format!("{}/?lesson=data", server.base)).await?;
        wait_until("lesson 13 offline", Duration::from_secs(30), || async { (lesson_title(&client).await == "13. Your own sequences").then_some(()) }).await?;
        screenshot(&client, "13-offline").await?;
        let errors = errors(&client).await?;
        assert!(errors.iter().all(|e| e.contains("Failed to load resource") || e.contains("net::")), "console errors: {errors:#?}");
        Ok(())
    }
    .await;
    client.close().await?;
    result
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_files_and_wrong_order_clicks_are_named_not_fatal() -> Result<()> {
    let dir = scratch("hostile");
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=data&device=cpu")).await?;
        device_is(client, "CPU").await?;
        // Binary garbage: named, nothing trains.
        let garbage: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        std::fs::write(dir.join("garbage.csv"), &garbage)?;
        upload(client, "upload-input", &[&dir.join("garbage.csv")]).await?;
        wait_until("the garbage's problems", Duration::from_secs(20), || async { (!error_lines(client).await.is_empty()).then_some(()) }).await?;
        let summary = text(client, "upload-summary").await;
        assert!(summary.starts_with("0 good sequences"), "{summary}");
        assert!(text(client, "data-error").await.contains("too few"), "{}", text(client, "data-error").await);
        // FASTA with unequal lengths: padding and cropping say how many change.
        let starts = kmers(8).expect("8-mers");
        let fasta: String = (0..40).map(|i| format!(">s{i} label={}\n{}{}\n", i % 2, starts[i * 101], "ACGT".repeat(3 + i % 3))).collect();
        js(client, &format!("const t = document.querySelector('[data-testid=upload-text]'); t.value = {fasta:?}; t.dispatchEvent(new Event('input', {{ bubbles: true }}));")).await?;
        click(client, "upload-check").await?;
        let fit = wait_for_text(client, "upload-fit", "the length choice", Duration::from_secs(20)).await?;
        assert!(fit.contains("Pad with N to 28 nt (27 sequences change)") && fit.contains("Crop to 20 nt (26 sequences change)"), "{fit}");
        assert!(text(client, "data-error").await.contains("pad with N"), "no data set until a choice");
        click(client, "fit-crop").await?;
        let ready = wait_for_text(client, "upload-ready", "the cropped data", Duration::from_secs(20)).await?;
        assert!(ready.contains("40 sequences of 20 nt") && ready.contains("binary classification"), "{ready}");
        // Regression labels forced to binary: refused by line.
        let csv: String = (0..30).map(|i| format!("{},{}.5\n", "ACGTACGT".chars().cycle().skip(i % 4).take(6 + i).collect::<String>(), i)).collect();
        js(client, &format!("const t = document.querySelector('[data-testid=upload-text]'); t.value = {csv:?}; t.dispatchEvent(new Event('input', {{ bubbles: true }}));")).await?;
        click(client, "upload-check").await?;
        js(client, "const s = document.querySelector('[data-testid=upload-task]'); s.value = 'binary'; s.dispatchEvent(new Event('change', { bubbles: true }));").await?;
        let e = wait_for_text(client, "data-error", "the refusal", Duration::from_secs(10)).await?;
        assert!(e.contains("binary classification needs labels 0 or 1; line 1 has 0.5"), "{e}");
        // The example, Train, then Reset and Train again at once, mid-run.
        click(client, "example-kmers-seed002").await?;
        wait_for_text(client, "upload-ready", "the example", Duration::from_secs(20)).await?;
        js(client, "const s = document.querySelector('[data-testid=upload-task]'); s.value = 'auto'; s.dispatchEvent(new Event('change', { bubbles: true }));").await?;
        let ready = wait_until("the example as regression", Duration::from_secs(10), || async {
            let t = text(client, "upload-ready").await;
            t.contains("regression").then_some(t)
        })
        .await?;
        assert!(ready.contains("6,000 sequences of 8 nt"), "{ready}");
        click(client, "data-train").await?;
        wait_until("a batch", Duration::from_secs(30), || async { text(client, "data-status").await.contains("batch").then_some(()) }).await?;
        click(client, "data-reset").await?;
        click(client, "data-train").await?;
        wait_until("the new run training", Duration::from_secs(30), || async {
            let s = text(client, "data-status").await;
            (s.starts_with("#2") && s.contains("epoch")).then_some(())
        })
        .await?;
        click(client, "data-pause").await?;
        wait_until("the paused run's predictions", Duration::from_secs(30), || async { text(client, "data-metrics").await.contains("test R²").then_some(()) }).await?;
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn links_hide_controls_limit_lessons_and_switch_to_high_contrast() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=train&device=cpu&hide=opt,lr,device,share,export&lessons=rule,train,parity,data")).await?;
        // Whether a label starting with `label` is shown (the closed Share panel lists the same
        // names among the controls a link can hide).
        let visible = |label: &'static str| async move {
            js(client, &format!("return [...document.querySelectorAll('label')].some(l => l.textContent.trim().startsWith({label:?}) && l.offsetParent !== null)")).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
        };
        wait_until("the lesson", Duration::from_secs(20), || async { (lesson_title(client).await == "5. Training").then_some(()) }).await?;
        assert!(!visible("Optimizer").await && !visible("Learning rate").await && !visible("Device").await, "hidden by the link");
        assert!(visible("Batch size").await && visible("Model").await, "the rest stay");
        let shown = |id: &'static str| async move { js(client, &format!("const e = document.querySelector('[data-testid={id}]'); return !!e && e.offsetParent !== null")).await.ok().and_then(|v| v.as_bool()) };
        assert_eq!((shown("share-toggle").await, shown("train-loss-png").await, shown("contrast-toggle").await), (Some(false), Some(false), Some(true)), "Share and the exports hidden, High contrast kept");
        let items = js(client, "return [...document.querySelectorAll('nav.lessons li')].map(l => l.textContent)").await?;
        let items: Vec<&str> = items.as_array().ok_or("a list")?.iter().filter_map(|v| v.as_str()).collect();
        assert_eq!(items, ["1. The scoring rule and the data", "5. Training", "7. Parity plot", "13. Your own sequences"]);
        click(client, "next").await?;
        assert_eq!(lesson_title(client).await, "7. Parity plot", "Next skips the lessons left out");
        assert!(client.current_url().await?.as_str().contains("hide=opt,lr,device,share,export&lessons=rule,train,parity,data"), "the link keeps its shape");
        screenshot(client, "13-hidden-controls").await?;
        // High contrast: the toggle, and its link.
        click(client, "contrast-toggle").await?;
        let on = js(client, "return document.documentElement.getAttribute('data-contrast')").await?;
        assert_eq!(on.as_str(), Some("1"));
        assert!(client.current_url().await?.as_str().contains("contrast=1"));
        client.goto(&format!("{base}/?lesson=data&contrast=1")).await?;
        wait_until("lesson 13", Duration::from_secs(20), || async { (lesson_title(client).await == "13. Your own sequences").then_some(()) }).await?;
        let on = js(client, "return document.documentElement.getAttribute('data-contrast')").await?;
        assert_eq!(on.as_str(), Some("1"), "contrast=1 in a link");
        screenshot(client, "13-high-contrast").await?;
        // Keyboard: Tab reaches the skip link first, then the controls, with a visible ring.
        client.goto(&format!("{base}/?lesson=train")).await?;
        wait_until("the lesson", Duration::from_secs(20), || async { (lesson_title(client).await == "5. Training").then_some(()) }).await?;
        let body = client.find(Locator::Css("body")).await?;
        body.send_keys("\u{E004}").await?;
        let first = js(client, "return document.activeElement.textContent").await?;
        assert_eq!(first.as_str(), Some("Skip to the lesson"));
        let ring = js(client, "return getComputedStyle(document.activeElement).outlineStyle").await?;
        assert_eq!(ring.as_str(), Some("solid"), "a visible focus ring");
        // Print: the lesson's text and plots, without the controls' chrome.
        cdp(client, "Emulation.setEmulatedMedia", serde_json::json!({ "media": "print" })).await?;
        let nav = js(client, "return getComputedStyle(document.querySelector('nav.lessons')).display").await?;
        assert_eq!(nav.as_str(), Some("none"), "the lesson list is not printed");
        Ok(())
    })
    .await
}

/// Issue 27: a binary upload trained with seed 000's multi-scale CNN gets lesson 10's full
/// report: the classification report, a confusion matrix that adds up to the test split, the
/// ROC and precision-recall curves and the score histograms, each drawn; its CSV parses back.
#[tokio::test(flavor = "current_thread")]
async fn a_binary_upload_trains_the_multiscale_cnn_and_gets_the_full_report() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        before_page_scripts(client, CATCH_DOWNLOADS).await?;
        client.goto(&format!("{base}/?lesson=data&device=cpu&cepochs=2")).await?;
        device_is(client, "CPU").await?;
        click(client, "example-jaspar-core").await?;
        let ready = wait_for_text(client, "upload-ready", "the example", Duration::from_secs(30)).await?;
        assert!(ready.contains("2,000 sequences of 200 nt") && ready.contains("binary classification"), "{ready}");
        let options = js(client, "return [...document.querySelectorAll('[data-testid=upload-model] option')].map(o => o.value)").await?;
        for model in ["multiscale", "cnn-2", "cnn-50", "cnn-deep"] {
            assert!(options.as_array().is_some_and(|o| o.iter().any(|v| v == model)), "{model} offered: {options}");
        }
        js(client, "const s = document.querySelector('[data-testid=upload-model]'); s.value = 'multiscale'; s.dispatchEvent(new Event('change', { bubbles: true }));").await?;
        click(client, "data-train").await?;
        let started = Instant::now();
        let metrics = wait_until("the test metrics", Duration::from_secs(300), || async { Some(text(client, "data-metrics").await).filter(|t| t.contains("test AUROC")) }).await?;
        println!("multiscale, 2 epochs on the JASPAR example: {metrics} after {:.1} s", started.elapsed().as_secs_f64());
        assert!(text(client, "data-status").await.contains("multiscale"), "the run is the multi-scale CNN");
        // The report: the test split is 400 sequences (2,000 · 0.2), and the confusion matrix holds all of them.
        let report = wait_for_text(client, "data-report", "the classification report", Duration::from_secs(10)).await?;
        assert!(report.contains("Classification report on 400 test sequences"), "{report}");
        let cells = js(client, "return ['00','01','10','11'].map(k => Number(document.querySelector(`[data-testid=data-cell-${k}]`).textContent.replace(/,/g, '')))").await?;
        let counts: Vec<u64> = cells.as_array().map(|a| a.iter().filter_map(|v| v.as_u64()).collect()).unwrap_or_default();
        assert_eq!(counts.iter().sum::<u64>(), 400, "the confusion matrix adds up to the test split: {counts:?}");
        let accuracy: f64 = text(client, "data-accuracy").await.parse()?;
        assert!((accuracy - (counts[0] + counts[3]) as f64 / 400.0).abs() < 1e-3, "accuracy {accuracy} from {counts:?}");
        for plot in ["data-roc", "data-pr", "data-scores"] {
            assert!(coloured_pixels(client, plot).await? > 500, "{plot} is drawn");
        }
        let roc = js(client, "return document.querySelector('[data-testid=data-roc]').getAttribute('aria-label')").await?;
        assert!(roc.as_str().is_some_and(|l| l.contains("AUROC") && l.contains("chance 0.5")), "the ROC curve describes itself: {roc}");
        // The multi-scale CNN has no one first layer: the logos' place says so once it ended.
        let logos = js(client, "return document.querySelector('[data-testid=data-logos]').getAttribute('aria-label')").await?;
        assert!(logos.as_str().is_some_and(|l| l.contains("four branches of different widths")), "{logos}");
        screenshot_of(client, "data-report", "13-binary-report").await?;
        screenshot(client, "13-binary-report-page").await?;
        // The report's CSV: its comment lines, the header, 2 classes, accuracy, AUROC, AUPR, 4 cells.
        click(client, "data-report-csv").await?;
        let csv = String::from_utf8(wait_until("the report's CSV", Duration::from_secs(10), || async { downloaded(client, "data-report.csv").await.ok() }).await?)?;
        let rows: Vec<&str> = csv.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(rows[0], "row,precision,recall,f1_or_value,support_or_count", "{csv}");
        assert_eq!(rows.len(), 1 + 9, "{csv}");
        assert!(rows.iter().any(|r| r.starts_with("confusion: true 1 predicted 1,") && r.ends_with(&format!(",{}", counts[3]))), "{csv}");
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

/// A storage quota in the page's IndexedDB calls: `window.__quota` bytes (unlimited until set),
/// counted over the values stored (a string's UTF-16 bytes, an array's bytes) and freed by
/// deletes; a put past it throws the browser's `QuotaExceededError`. Chromium's own override
/// (DevTools' `Storage.overrideQuotaForOrigin`) left `navigator.storage.estimate()`'s quota at
/// 10.8 GB here, so the test sets the quota in the page.
const QUOTA: &str = r#"(() => {
    const sizes = new Map();
    window.__quota = Infinity;
    const size = v => typeof v === 'string' ? 2 * v.length : (v && v.byteLength) || 0;
    window.__used = () => [...sizes.values()].reduce((a, b) => a + b, 0);
    const put = IDBObjectStore.prototype.put, del = IDBObjectStore.prototype.delete;
    IDBObjectStore.prototype.put = function (value, key) {
        if (window.__used() - (sizes.get(key) || 0) + size(value) > window.__quota) {
            throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        sizes.set(key, size(value));
        return put.call(this, value, key);
    };
    IDBObjectStore.prototype.delete = function (key) { sizes.delete(key); return del.call(this, key); };
})();"#;

/// Issue 27: a full storage. Once run #1 is saved, the quota is set to what is stored plus
/// 200 bytes, less than a run: run #2's save fails with `QuotaExceededError`. The page says so
/// with the storage's use, the run stays in the table and still exports, nothing of it is left
/// half-written, and one button deletes the oldest saved run (run #1), which makes room, and
/// saves run #2.
#[tokio::test(flavor = "current_thread")]
async fn a_full_storage_is_named_the_run_is_kept_and_room_is_made_from_the_oldest_runs() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        before_page_scripts(client, CATCH_DOWNLOADS).await?;
        before_page_scripts(client, QUOTA).await?;
        client.goto(&format!("{base}/?lesson=data&device=cpu&epochs=1")).await?;
        device_is(client, "CPU").await?;
        click(client, "example-kmers-seed002").await?;
        wait_for_text(client, "upload-ready", "the example", Duration::from_secs(30)).await?;
        click(client, "data-train").await?;
        wait_until("run #1 saved", Duration::from_secs(120), || async { text(client, "saved-note").await.contains("Run #1 saved").then_some(()) }).await?;
        let usage = wait_for_text(client, "saved-usage", "the storage's use", Duration::from_secs(10)).await?;
        assert!(usage.starts_with("The storage holds ") && usage.contains(" of ") && usage.ends_with("B."), "{usage}");
        let keys = |client: &Client| {
            let client = client.clone();
            async move { js(&client, "return new Promise(done => { const r = indexedDB.open('dnaplay'); r.onsuccess = () => { const k = r.result.transaction('work').objectStore('work').getAllKeys(); k.onsuccess = () => done(k.result.filter(k => k.startsWith('run/')).length); }; })").await.ok().and_then(|v| v.as_u64()).unwrap_or(0) }
        };
        assert_eq!(keys(client).await, 3, "run #1's weights, description and first-layer filters");
        let used = js(client, "window.__quota = window.__used() + 200; return window.__used()").await?;
        println!("stored {used} B; quota set 200 B above it");
        click(client, "data-train").await?;
        let note = wait_until("run #2's refused save", Duration::from_secs(120), || async { Some(text(client, "saved-note").await).filter(|t| t.contains("Run #2")) }).await?;
        println!("full storage: {note}");
        assert!(note.contains("Run #2 was NOT saved (QuotaExceededError") && note.contains("it stays on this page") && note.contains(" KB) and history") && note.contains("The storage holds"), "{note}");
        assert_eq!(keys(client).await, 3, "nothing of run #2 is left half-written");
        let status = text(client, "data-status").await;
        assert!(status.starts_with("#2") && client.find_all(Locator::Css("[data-testid=user-run]")).await?.len() == 1, "the run just finished is kept in the table: {status}");
        click(client, "export-predictions").await?;
        let predictions = wait_until("run #2's predictions", Duration::from_secs(10), || async { downloaded(client, "predictions.csv").await.ok() }).await?;
        assert_eq!(String::from_utf8_lossy(&predictions).lines().filter(|l| !l.starts_with('#')).count(), 1201, "run #2 exports its 1,200 test predictions");
        screenshot_of(client, "saved-runs", "13-storage-full").await?;
        assert_eq!(saved_names(&client.find_all(Locator::Css("[data-testid=saved-run]")).await?).await.len(), 1, "run #1 is saved");
        click(client, "saved-make-room").await?;
        let note = wait_until("the outcome", Duration::from_secs(30), || async { Some(text(client, "saved-note").await).filter(|t| !t.contains("NOT saved")) }).await?;
        println!("after making room: {note}");
        assert!(note.starts_with("Run #2 saved in this browser after deleting the oldest saved run(s): run #1"), "{note}");
        let names = saved_names(&client.find_all(Locator::Css("[data-testid=saved-run]")).await?).await;
        assert!(names.len() == 1 && names[0].starts_with("run #2 "), "run #1 deleted, run #2 saved: {names:?}");
        assert_eq!(keys(client).await, 3, "run #2's weights, description and filters; run #1's gone");
        wait_until("the button gone", Duration::from_secs(5), || async { client.find(Locator::Css("[data-testid=saved-make-room]")).await.is_err().then_some(()) }).await?;
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

/// The names in the saved runs' name fields.
async fn saved_names(items: &[fantoccini::elements::Element]) -> Vec<String> {
    let mut names = Vec::new();
    for item in items {
        if let Ok(input) = item.find(Locator::Css("input")).await {
            names.push(input.prop("value").await.ok().flatten().unwrap_or_default());
        }
    }
    names
}

/// Issue 27: 5-kb sequences (the longest an upload takes, [`dnaplay_model::upload::MAX_LENGTH`])
/// train in the browser. 200 sequences of 5,000 nt, half with AP-1's site (TGACTCA) planted
/// eight times, pasted as CSV (1 MB); the default model trains 1 epoch and is evaluated on its
/// 40 test sequences.
#[tokio::test(flavor = "current_thread")]
async fn five_kb_sequences_train_in_the_browser() -> Result<()> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut csv = String::from("id,sequence,label\n");
    for i in 0..200 {
        let mut seq: Vec<u8> = (0..5000).map(|_| b"ACGT"[(next() % 4) as usize]).collect();
        let positive = i % 2 == 0;
        if positive {
            for _ in 0..8 {
                let at = (next() % (5000 - 7)) as usize;
                seq[at..at + 7].copy_from_slice(b"TGACTCA");
            }
        }
        csv += &format!("s{i},{},{}\n", String::from_utf8(seq)?, u8::from(positive));
    }
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=data&device=cpu&cepochs=1")).await?;
        device_is(client, "CPU").await?;
        js(client, &format!("const t = document.querySelector('[data-testid=upload-text]'); t.value = {csv:?}; t.dispatchEvent(new Event('input', {{ bubbles: true }}));")).await?;
        click(client, "upload-check").await?;
        let ready = wait_for_text(client, "upload-ready", "the 5-kb data set", Duration::from_secs(60)).await?;
        assert!(ready.contains("200 sequences of 5000 nt") && ready.contains("binary classification"), "{ready}");
        let model = js(client, "return document.querySelector('[data-testid=upload-model]').value").await?;
        let started = Instant::now();
        click(client, "data-train").await?;
        let metrics = wait_until("the test metrics", Duration::from_secs(400), || async { Some(text(client, "data-metrics").await).filter(|t| t.contains("test AUROC")) }).await?;
        let seconds = started.elapsed().as_secs_f64();
        println!("5-kb sequences, {model}, 1 epoch: {metrics} after {seconds:.1} s");
        let report = wait_for_text(client, "data-report", "the classification report", Duration::from_secs(30)).await?;
        assert!(report.contains("Classification report on 40 test sequences"), "{report}");
        let auroc = number_after(&metrics, "test AUROC").ok_or(format!("an AUROC in {metrics}"))?;
        assert!((0.0..=1.0).contains(&auroc), "{metrics}");
        assert!(text(client, "run-error").await.is_empty(), "no run error");
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

/// Issue 27: a 50 MB file is parsed in the training worker, and the page keeps painting. The
/// file has 240,000 rows of 200 nt with 0/1 labels and ten bad rows. Every frame's gap is
/// recorded (`requestAnimationFrame`) while the file is read, and printed: the page's thread only
/// reads the file's pieces and draws the progress, so its frames stay short; the long ones are
/// the result's arrival (its rows unpacked on the page).
#[tokio::test(flavor = "current_thread")]
async fn a_50_mb_file_is_parsed_in_the_worker_while_the_page_paints() -> Result<()> {
    let dir = scratch("50mb");
    let path = dir.join("big.csv");
    {
        use std::io::Write;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path)?);
        writeln!(w, "id,sequence,label")?;
        let mut seq = [0u8; 200];
        for i in 0..240_000u32 {
            for b in seq.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = b"ACGT"[(state >> 33) as usize % 4];
            }
            if i % 24_000 == 7 {
                seq[100] = b'X';
            }
            writeln!(w, "r{i},{},{}", std::str::from_utf8(&seq)?, i % 2)?;
        }
    }
    let size = std::fs::metadata(&path)?.len();
    assert!(size > 50_000_000, "{size} bytes");
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=data&device=cpu")).await?;
        device_is(client, "CPU").await?;
        js(client, "window.__gaps = []; let last = performance.now(); window.__frames = true;
            const tick = t => { window.__gaps.push([t, t - last]); last = t; if (window.__frames) requestAnimationFrame(tick); };
            requestAnimationFrame(tick);
            window.__readEnd = null; window.__long = [];
            new PerformanceObserver(l => l.getEntries().forEach(e => window.__long.push([e.startTime, e.duration]))).observe({ type: 'longtask' });
            new MutationObserver(() => { if (!document.querySelector('[data-testid=upload-reading]') && window.__readStart && !window.__readEnd) window.__readEnd = performance.now();
                if (document.querySelector('[data-testid=upload-reading]') && !window.__readStart) window.__readStart = performance.now(); })
              .observe(document.body, { childList: true, subtree: true }); return 0").await?;
        upload(client, "upload-input", &[&path]).await?;
        let summary = wait_until("the parse", Duration::from_secs(300), || async {
            let t = text(client, "upload-summary").await;
            t.contains("good sequences").then_some(t)
        })
        .await?;
        let ready = wait_for_text(client, "upload-ready", "the data set", Duration::from_secs(300)).await?;
        js(client, "window.__frames = false; return 0").await?;
        let where_ = js(client, "return document.querySelector('[data-testid=upload-summary]').dataset.parsedIn").await?;
        let parse_ms: f64 = js(client, "return Number(document.querySelector('[data-testid=upload-summary]').dataset.parseMs)").await?.as_f64().unwrap_or(f64::NAN);
        let gaps = js(client, "return window.__gaps.filter(([t]) => t >= window.__readStart && t <= (window.__readEnd || Infinity)).map(([, g]) => g)").await?;
        let mut gaps: Vec<f64> = gaps.as_array().map(|a| a.iter().filter_map(|g| g.as_f64()).collect()).unwrap_or_default();
        gaps.sort_by(f64::total_cmp);
        let n = gaps.len();
        let pct = |p: f64| gaps.get(((n as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN);
        let over_50 = gaps.iter().filter(|g| **g > 50.0).count();
        println!("50 MB ({size} bytes) parsed in the {where_} in {parse_ms:.0} ms: {summary}");
        println!("frames while reading: {n}; gap median {:.1} ms, 95th percentile {:.1} ms, longest {:.1}, {:.1}, {:.1} ms; {over_50} over 50 ms", pct(0.5), pct(0.95), gaps.last().copied().unwrap_or(f64::NAN), pct((n as f64 - 2.0) / (n as f64 - 1.0).max(1.0)), pct((n as f64 - 3.0) / (n as f64 - 1.0).max(1.0)));
        // The long tasks (over 50 ms) from the pick on, each as its start (ms after the reading
        // began, negative before) and duration: where the long frames come from.
        let long = js(client, "return window.__long.filter(([t]) => t >= window.__readStart - 100).map(([t, d]) => [Math.round(t - window.__readStart), Math.round(d)])").await?;
        let read_ms = js(client, "return Math.round((window.__readEnd || NaN) - window.__readStart)").await?;
        println!("long tasks [start, duration] (ms after the reading began; it ended at {read_ms} ms): {long}");
        println!("{ready}");
        assert_eq!(where_.as_str(), Some("worker"), "a file over 2 MB is parsed in the worker");
        assert!(summary.contains("239,990 good sequences") && summary.contains("10 problems"), "{summary}");
        assert_eq!(error_lines(client).await.len(), 10, "each bad row named");
        assert!(n >= 20, "the page painted while the worker read: {n} frames");
        assert!(pct(0.95) < 50.0, "95% of the frames while reading within 50 ms: {gaps:?}");
        // Measured here: 178 frames, median 16.7 ms, the longest 83, 67 and 50 ms (the result's
        // 15 parts arriving, and the summary's first render).
        assert!(over_50 <= 4, "only the result's arrival makes long frames: {gaps:?}");
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

//! Trained weights and the device choice, in the page (issue 10):
//! - "Load the trained models" shows the shipped checkpoints' logos, match fractions, report
//!   and parity results, with the same test metrics the CLI recorded for the same weights;
//! - with the device on "Fastest", the first training of a model times the CPU and WebGPU and
//!   shows both figures;
//! - the latest runs of lessons 5, 9 and 10 survive a reload (issue 27).
//!
//! Needs `dist/` (with `checkpoints/`), chromium and chromium-driver (`scripts/test.sh`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use dnaplay_e2e::*;
use dnaplay_model::checkpoint::CheckpointMeta;
use fantoccini::Client;

/// The test metric `key` the CLI recorded in the shipped checkpoint `name`.
fn recorded(name: &str, key: &str) -> f64 {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/checkpoints").join(name).join("checkpoint.json");
    let meta = CheckpointMeta::from_json(&std::fs::read_to_string(&path).expect("the checkpoint is shipped")).expect("a valid description");
    meta.test_metrics[key]
}

/// The full-precision value a metric element carries in `data-value`.
async fn value(client: &Client, id: &str) -> Option<f64> {
    js(client, &format!("const e = document.querySelector('[data-testid={id}]'); return e ? e.getAttribute('data-value') : null")).await.ok()?.as_str()?.parse().ok()
}

/// "match fraction 0.54 (13 of 24 filters) after epoch 20" → 0.54.
fn match_fraction(heading: &str) -> Option<f64> {
    heading.strip_prefix("match fraction ")?.split_whitespace().next()?.parse().ok()
}

/// Wait for both lesson 9 runs' match fractions (relu, exp).
async fn match_fractions(client: &Client) -> Result<(f64, f64)> {
    wait_until("both runs' logos and match fractions", Duration::from_secs(60), || async {
        let (r, e) = (text(client, "match-relu").await, text(client, "match-exp").await);
        Some((match_fraction(&r)?, match_fraction(&e)?))
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn lesson_9_shows_the_shipped_models_at_once() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=exp&device=cpu")).await?;
        device_is(client, "CPU").await?;
        let started = Instant::now();
        click(client, "exp-load").await?;
        let (relu, exp) = match_fractions(client).await?;
        println!("lesson 9: logos and match fractions {:.2} s after \"Load the trained models\"; relu {relu:.2}, exp {exp:.2}", started.elapsed().as_secs_f64());
        assert!(exp >= 0.4 && relu <= 0.15, "exp's filters match whole motifs, relu's do not: relu {relu}, exp {exp}");
        let status = status_lines(client, "exp").await;
        assert_eq!(status.iter().filter(|l| l.contains("trained weights loaded")).count(), 2, "{status:?}");
        assert!(status.iter().all(|l| l.contains("best val AUROC 0.9")), "{status:?}");
        assert!(coloured_pixels(client, "logos-exp").await? > 5_000, "the exp logos are drawn");
        assert!(coloured_pixels(client, "exp-loss").await? > 2_000, "the shipped history is drawn");
        screenshot_of(client, "exp-logos", "9-shipped-logos").await?;
        screenshot(client, "9-shipped").await?;
        // The fields now hold the checkpoints' data, so "Train both" trains on the same data.
        let n = js(client, "return [...document.querySelectorAll('input')].map(i => i.value).join(' ')").await?;
        assert!(n.as_str().unwrap_or_default().contains("20000"), "the sequences field shows the checkpoints' 20,000: {n}");
        click(client, "exp-train").await?;
        wait_until("a live run from scratch", Duration::from_secs(60), || async { text(client, "exp-status").await.contains("epoch 1 of").then_some(()) }).await?;
        // The new pair replaces the loaded one: the grids, curves and status show one pair.
        let status = status_lines(client, "exp").await;
        assert_eq!(status.len(), 2, "{status:?}");
        assert!(!status.iter().any(|l| l.contains("trained weights loaded")), "{status:?}");
        assert!(text(client, "match-exp").await.is_empty(), "the logos are the new run's (none yet), not the loaded run's");
        click(client, "exp-reset").await?;
        assert_alive(client).await
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn lessons_5_and_10_load_with_the_clis_test_metrics() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=classify&device=cpu")).await?;
        device_is(client, "CPU").await?;
        let started = Instant::now();
        click(client, "cls-load").await?;
        let auroc = wait_until("lesson 10's test report", Duration::from_secs(60), || async { value(client, "cls-auroc").await }).await?;
        println!("lesson 10: report {:.2} s after loading; test AUROC {auroc:.5}", started.elapsed().as_secs_f64());
        let cli = recorded("lesson10-multiscale", "auroc");
        assert!((auroc - cli).abs() <= 1e-4, "the page's test AUROC {auroc} equals the CLI's {cli} for the same weights");
        screenshot(client, "10-shipped").await?;

        client.goto(&format!("{base}/?lesson=train&device=cpu")).await?;
        device_is(client, "CPU").await?;
        let started = Instant::now();
        click(client, "load-trained").await?;
        let r2 = wait_until("lesson 5's R²", Duration::from_secs(60), || async { value(client, "r2").await }).await?;
        println!("lesson 5: R² {:.2} s after loading; test R² {r2:.5}", started.elapsed().as_secs_f64());
        let cli = recorded("lesson5-cnn", "r_squared");
        assert!((r2 - cli).abs() <= 1e-4, "the page's test R² {r2} equals the CLI's {cli}");
        assert!(text(client, "epoch").await.starts_with("epoch 50 of 50"), "the shipped history is shown");
        assert_alive(client).await
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn fastest_times_both_devices_on_the_first_training() -> Result<()> {
    // Chromium's software WebGPU (SwiftShader): slow, so the CPU should win or WebGPU time out.
    session(true, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=train&epochs=1&bs=1024")).await?;
        device_is(client, "CPU").await?;
        let select = js(client, "return document.querySelector('[data-testid=device-select]').value").await?;
        assert_eq!(select.as_str(), Some("auto"), "a plain link picks the faster device");
        // Train at once: the engine waits for WebGPU's adapter before timing both devices.
        click(client, "train").await?;
        let timing = wait_until("the device timing", Duration::from_secs(60), || async {
            let t = text(client, "device-timing").await;
            (t.contains("→")).then_some(t)
        })
        .await?;
        println!("device timing: {timing}");
        // The CPU's figure names the threads it trained on, as the header does: every core here
        // (served isolated), timed in the threaded worker and WebGPU in the one-thread worker.
        let (threads, _) = cpu_threads(client).await?;
        let plural = if threads == 1 { "" } else { "s" };
        assert!(timing.starts_with(&format!("cnn on 8 nt, batches of 1024: CPU, {threads} thread{plural} ")), "{timing}");
        assert!(timing.contains(" ms per batch · WebGPU "), "both figures (or why WebGPU has none): {timing}");
        wait_for_r2(client, Duration::from_secs(120)).await?;
        screenshot(client, "device-timing").await?;
        assert_alive(client).await
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn loading_twice_at_once_keeps_one_pair_and_a_missing_file_is_reported() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=exp&device=cpu")).await?;
        device_is(client, "CPU").await?;
        // Two clicks in one task, before the button can disable itself.
        js(client, "const b = document.querySelector('[data-testid=exp-load]'); b.click(); b.click(); return 0").await?;
        match_fractions(client).await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let status = status_lines(client, "exp").await;
        assert_eq!(status.len(), 2, "one pair of runs, not two: {status:?}");

        // A checkpoint the host does not have: the lesson says which file and why, and trains on.
        before_page_scripts(client, &fetch_override("/lesson10/", "Promise.resolve(new Response('', { status: 404 }))")).await?;
        client.goto(&format!("{base}/?lesson=classify&device=cpu&kn=1000&kepochs=1")).await?;
        device_is(client, "CPU").await?;
        click(client, "cls-load").await?;
        let error = wait_for_text(client, "cls-error", "the error", Duration::from_secs(30)).await?;
        assert!(error.contains("checkpoints/lesson10-multiscale/checkpoint.json: HTTP 404"), "{error}");
        assert!(status_lines(client, "cls").await.is_empty(), "no half-loaded run");
        click(client, "cls-train").await?;
        wait_until("a run of its own", Duration::from_secs(120), || async { text(client, "cls-status").await.contains("finished after 1 epoch").then_some(()) }).await?;
        // The test report comes after the run's end (the worker predicts the test split first),
        // and its tables push the pager down: a click aimed before that lands elsewhere (ci38's
        // failure under load). Wait for it, as a student would see it.
        wait_until("the test report", Duration::from_secs(60), || async { text(client, "cls-accuracy").await.parse::<f64>().ok() }).await?;
        assert_alive(client).await
    })
    .await
}

/// Issue 27: the latest runs of lessons 5, 9 and 10 survive a reload. Each lesson's runs are
/// kept in IndexedDB when they have all finished, and after a reload they are back as finished
/// runs with their history, evaluated again on their data to the same test metrics. Then My
/// runs lists them, sets two side by side, renames one and deletes another.
#[tokio::test(flavor = "current_thread")]
async fn runs_of_lessons_5_9_and_10_survive_a_reload() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        // Lesson 5: 2 epochs of the CNN.
        let lesson5 = format!("{base}/?lesson=train&device=cpu&epochs=2");
        client.goto(&lesson5).await?;
        device_is(client, "CPU").await?;
        click(client, "train").await?;
        let r2 = wait_for_r2(client, Duration::from_secs(120)).await?;
        wait_until("lesson 5's run kept", Duration::from_secs(30), || async { kept_runs(client, "keep/kmers").await }).await?;
        // Lesson 9: relu and exp, 2 epochs on 1,000 sequences (two points to a loss curve).
        let lesson9 = format!("{base}/?lesson=exp&device=cpu&n=1000&cepochs=2&seed=1");
        client.goto(&lesson9).await?;
        device_is(client, "CPU").await?;
        click(client, "exp-train").await?;
        let finished = |lines: &[String]| lines.len() == 2 && lines.iter().all(|l| l.contains("finished after 2 epochs"));
        let before9 = wait_until("lesson 9's runs", Duration::from_secs(300), || async { Some(status_lines(client, "exp").await).filter(|s| finished(s)) }).await?;
        assert_eq!(wait_until("lesson 9's runs kept", Duration::from_secs(30), || async { kept_runs(client, "keep/contrast").await }).await?, 2);
        // Lesson 10: the multi-scale CNN, 1 epoch on 1,000 sequences.
        let lesson10 = format!("{base}/?lesson=classify&device=cpu&kn=1000&kepochs=1&seed=3");
        client.goto(&lesson10).await?;
        device_is(client, "CPU").await?;
        click(client, "cls-train").await?;
        let accuracy: f64 = wait_until("lesson 10's report", Duration::from_secs(300), || async { text(client, "cls-accuracy").await.parse().ok() }).await?;
        let report = (text(client, "cls-auroc").await, text(client, "cls-aupr").await);
        wait_until("lesson 10's run kept", Duration::from_secs(30), || async { kept_runs(client, "keep/keras").await }).await?;

        // Reload each lesson: the runs are back without training.
        client.goto(&lesson10).await?;
        let again: f64 = wait_until("lesson 10's kept run evaluated", Duration::from_secs(60), || async { text(client, "cls-accuracy").await.parse().ok() }).await?;
        assert_eq!((again, (text(client, "cls-auroc").await, text(client, "cls-aupr").await)), (accuracy, report.clone()), "lesson 10's test report after the reload");
        assert!(text(client, "cls-status").await.contains("kept from your last visit (1 epoch)"), "{}", text(client, "cls-status").await);
        println!("lesson 10 after a reload: accuracy {again}, AUROC and AUPR {report:?}");
        client.goto(&lesson9).await?;
        let after9 = wait_until("lesson 9's kept runs", Duration::from_secs(60), || async { Some(status_lines(client, "exp").await).filter(|s| s.len() == 2) }).await?;
        println!("lesson 9 before: {before9:?}\nlesson 9 after a reload: {after9:?}");
        for (b, a) in before9.iter().zip(&after9) {
            let auroc = |l: &str| l.split("best val AUROC ").nth(1).and_then(|v| v.split_whitespace().next()).map(str::to_string);
            assert!(auroc(b).is_some() && auroc(b) == auroc(a), "the same history: {b} / {a}");
        }
        client.goto(&lesson5).await?;
        let again = wait_for_r2(client, Duration::from_secs(60)).await?;
        assert!((again - r2).abs() < 1e-3, "lesson 5's test R² {r2} before, {again} after the reload");
        println!("lesson 5 after a reload: test R² {again} (before: {r2})");
        screenshot(client, "5-kept-after-reload").await?;

        // My runs lists the four kept runs across lessons; lesson 9's two are set side by side.
        click(client, "my-runs-toggle").await?;
        let rows = "return document.querySelectorAll('[data-testid=my-run]').length";
        let n = wait_until("My runs' list", Duration::from_secs(20), || async { js(client, rows).await.ok()?.as_u64().filter(|n| *n >= 4) }).await?;
        assert_eq!(n, 4, "lesson 5's run, lesson 9's two and lesson 10's");
        click(client, "my-run-compare-keep-contrast-0").await?;
        click(client, "my-run-compare-keep-contrast-1").await?;
        let table = wait_for_contains(client, "my-runs-compare-table", "test AUROC").await?;
        println!("My runs, lesson 9's two runs side by side:\n{table}");
        assert!(table.contains("model") && table.contains("cnn-dist (relu)") && table.contains("cnn-dist (exp)") && table.contains("differs"), "{table}");
        assert!(table.contains("best validation AUROC") && table.contains("final match fraction"), "{table}");
        screenshot_of(client, "my-runs", "27-my-runs-side-by-side").await?;
        let diffs = js(client, "return [...document.querySelectorAll('[data-testid=my-runs-diff]')].map(e => e.textContent)").await?;
        assert!(diffs.as_array().is_some_and(|d| d.iter().any(|v| v.as_str().is_some_and(|v| v.starts_with('+') || v.starts_with('-')))), "some difference B − A: {diffs}");
        assert!(coloured_pixels(client, "my-runs-loss").await? > 2_000, "the overlaid loss curves are drawn");
        assert_eq!(js(client, "return document.querySelectorAll('[data-testid=my-runs-logos] canvas').length").await?.as_u64(), Some(2), "logos beside each other");
        // All four runs as one zip archive, and one run alone: each folder holds what
        // `dnaplay train --save` writes, with the history and a README.
        js(client, CATCH_DOWNLOADS).await?;
        click(client, "my-runs-zip-all").await?;
        let said = wait_for_contains(client, "my-runs-note", "Downloaded").await?;
        let all = zip::ZipArchive::new(std::io::Cursor::new(downloaded(client, "dnaplay-my-runs.zip").await?))?;
        let names: Vec<String> = all.file_names().map(|n| n.map(|n| n.into_owned())).collect::<std::result::Result<_, _>>()?;
        println!("My runs' zip: {said} {names:?}");
        let mut all = all;
        for place in 1..=4 {
            let folder = names.iter().find(|n| n.starts_with(&format!("{place:02}-")) && n.ends_with("/checkpoint.json")).ok_or(format!("run {place}'s checkpoint.json in {names:?}"))?.trim_end_matches("checkpoint.json").to_string();
            for file in ["model.bpk", "history.csv", "README.txt"] {
                assert!(names.contains(&format!("{folder}{file}")), "{folder}{file} in {names:?}");
            }
            let mut text = String::new();
            std::io::Read::read_to_string(&mut all.by_name(&format!("{folder}checkpoint.json"))?, &mut text)?;
            let meta = CheckpointMeta::from_json(&text)?;
            let mut history = String::new();
            std::io::Read::read_to_string(&mut all.by_name(&format!("{folder}history.csv"))?, &mut history)?;
            assert_eq!(history.lines().filter(|l| !l.starts_with('#')).count(), meta.history.len() + 1, "{folder}history.csv: a header and one row per epoch\n{history}");
            assert!(history.starts_with("# DNA Playground: ") && history.contains("made by DNA Playground: http"), "{history}");
            assert!(all.by_name(&format!("{folder}model.bpk"))?.size() > 1000, "{folder}'s weights");
        }
        click(client, "my-run-zip").await?;
        wait_for_contains(client, "my-runs-note", "1 run,").await?;
        let one = zip::ZipArchive::new(std::io::Cursor::new(downloaded(client, ".zip").await?))?;
        assert_eq!(one.len(), 4, "one run's four files: {:?}", one.file_names_raw().map(String::from_utf8_lossy).collect::<Vec<_>>());

        // A third choice replaces the oldest: still two side by side.
        click(client, "my-run-compare-keep-keras-0").await?;
        let header = wait_for_contains(client, "my-runs-comparison", "Lesson 10").await?;
        assert!(header.contains("Lesson 9") && header.contains("Lesson 10"), "{header}");

        // Rename lesson 9's relu run and delete lesson 10's: after a reload, My runs shows both.
        js(client, "const i = document.querySelector('[data-id=keep-contrast-0] [data-testid=my-run-name]'); i.value = 'relu baseline'; i.dispatchEvent(new Event('change', { bubbles: true }));").await?;
        wait_for_contains(client, "my-runs-note", "Renamed").await?;
        js(client, "document.querySelector('[data-id=keep-keras-0] [data-testid=my-run-delete]').click()").await?;
        wait_for_contains(client, "my-runs-note", "Deleted").await?;
        assert_eq!(kept_runs(client, "keep/keras").await, None, "lesson 10 has no kept run left");
        client.goto(&lesson5).await?;
        wait_until("lesson 5 after a reload", Duration::from_secs(30), || async { (!lesson_title(client).await.is_empty()).then_some(()) }).await?;
        click(client, "my-runs-toggle").await?;
        let n = wait_until("My runs after a reload", Duration::from_secs(20), || async { js(client, rows).await.ok()?.as_u64().filter(|n| *n >= 3) }).await?;
        assert_eq!(n, 3, "lesson 10's run deleted");
        let name = js(client, "return document.querySelector('[data-id=keep-contrast-0] [data-testid=my-run-name]').value").await?;
        assert_eq!(name.as_str(), Some("relu baseline"));
        assert_alive(client).await?;
        Ok(())
    })
    .await
}

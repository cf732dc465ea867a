//! Lesson 11, "Why did it predict that?" (issue 11), in the page:
//! - a click on a dot of lesson 7's parity plot opens lesson 11 on that 8-mer, with its maps
//!   drawn and scored;
//! - the plain link shows lesson 9's shipped relu and exp models' four maps (saliency, ISM,
//!   integrated gradients, DeepSHAP) over a Task 3 sequence, each labelled with its
//!   interpretability AUROC, and times it;
//! - the insertion experiment moves the exp model's logit more with CACGTG than its shuffle;
//! - a bad 8-mer is named and kept; lesson 10's confusion matrix opens its sequence here.
//!
//! Needs `dist/` (with `checkpoints/`), chromium and chromium-driver (`scripts/test.sh`).

use std::time::{Duration, Instant};

use dnaplay_e2e::*;
use fantoccini::{Client, Locator};

/// The AUROC a score cell shows, e.g. "0.912".
async fn auroc(client: &Client, name: &str, method: &str) -> Option<f64> {
    text(client, &format!("auroc-{name}-{method}")).await.parse().ok()
}

/// Wait for both models' four AUROC cells; returns `[relu, exp]` × `[saliency, ism, ig,
/// deepshap]`.
async fn both_maps(client: &Client, limit: Duration) -> Result<[[f64; 4]; 2]> {
    wait_until("both models' maps and their AUROC labels", limit, || async {
        let mut out = [[0.0; 4]; 2];
        for (i, name) in ["relu", "exp"].iter().enumerate() {
            for (j, m) in ["saliency", "ism", "ig", "deepshap"].iter().enumerate() {
                out[i][j] = auroc(client, name, m).await?;
            }
        }
        Some(out)
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn a_parity_plot_click_opens_lesson_11_with_scored_maps() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=train&device=cpu")).await?;
        device_is(client, "CPU").await?;
        click(client, "load-trained").await?;
        wait_for_r2(client, Duration::from_secs(60)).await?;
        next_lesson(client).await?;
        next_lesson(client).await?;
        assert!(lesson_title(client).await.starts_with("7."), "on the parity plot");
        // Hover along the diagonal until a dot is under the pointer, then click it there.
        let mut hovered = String::new();
        for step in 0..40 {
            let t = 0.15 + 0.7 * step as f64 / 40.0;
            let at = format!(
                "const c = document.querySelector('[data-testid=parity-chart]'); const r = c.getBoundingClientRect();
                 const o = {{ bubbles: true, clientX: r.left + r.width * {t}, clientY: r.top + r.height * {} }};",
                1.0 - t
            );
            js(client, &format!("{at} c.dispatchEvent(new MouseEvent('mousemove', o));")).await?;
            hovered = text(client, "parity-hover").await;
            if !hovered.is_empty() {
                js(client, &format!("{at} c.dispatchEvent(new MouseEvent('click', o));")).await?;
                break;
            }
        }
        let seq = hovered.split(':').next().unwrap_or_default().to_string();
        assert_eq!(seq.len(), 8, "a hovered 8-mer: '{hovered}'");
        wait_until("lesson 11", Duration::from_secs(10), || async { lesson_title(client).await.starts_with("11.").then_some(()) }).await?;
        let url = client.current_url().await?;
        assert!(url.query().is_some_and(|q| q.contains("lesson=explain") && q.contains(&format!("xseq={seq}"))), "the link holds the clicked 8-mer: {url}");
        let box_value = js(client, "return document.querySelector('[data-testid=explain-kmer]').value").await?;
        assert_eq!(box_value.as_str(), Some(seq.as_str()));
        let prediction = wait_for_text(client, "explain-kmer-prediction", "the 8-mer's maps", Duration::from_secs(30)).await?;
        assert!(prediction.starts_with(&format!("{seq}: predicted")) && prediction.contains("true score"), "{prediction}");
        let labels = text(client, "explain-kmer-scores").await;
        assert!(labels.starts_with(&format!("{seq} · Saliency × input: ")) && labels.contains("Integrated gradients: "), "{labels}");
        wait_until("the 8-mer maps drawn", Duration::from_secs(30), || async { (coloured_pixels(client, "explain-kmer-maps").await.ok()? > 1_000).then_some(()) }).await?;

        // The seed's motifs light up: TAT above the axis and scored by its AUROC.
        let input = client.find(Locator::Css("[data-testid=explain-kmer]")).await?;
        input.clear().await?;
        input.send_keys("GCGACTAT").await?;
        let labels = wait_until("GCGACTAT's scores", Duration::from_secs(30), || async {
            let l = text(client, "explain-kmer-scores").await;
            l.starts_with("GCGACTAT · ").then_some(l)
        })
        .await?;
        println!("GCGACTAT with the shipped 8-mer CNN: {labels}");
        // ISM finds both motifs, and nothing else: its AUROC is 1.
        assert!(labels.contains("In silico mutagenesis (L2): AUROC 1.00"), "{labels}");
        wait_until("GCGACTAT's maps drawn", Duration::from_secs(30), || async { (coloured_pixels(client, "explain-kmer-maps").await.ok()? > 1_000).then_some(()) }).await?;
        screenshot_of(client, "explain-kmer-maps", "11-kmer-maps").await?;
        // A bad 8-mer is named, and what was typed stays.
        input.clear().await?;
        input.send_keys("GCGXCTA").await?;
        assert_eq!(text(client, "explain-kmer-error").await, "'X' at position 4 is not A, C, G or T");
        let kept = js(client, "return document.querySelector('[data-testid=explain-kmer]').value").await?;
        assert_eq!(kept.as_str(), Some("GCGXCTA"));

        // The Task 3 pair loaded itself: four maps each, with their AUROC labels.
        let scores = both_maps(client, Duration::from_secs(60)).await?;
        println!("lesson 11's default sequence, interpretability AUROC (saliency, ISM, IG, DeepSHAP): relu {:?}, exp {:?}", scores[0], scores[1]);
        assert!(scores.iter().flatten().all(|a| (0.0..=1.0).contains(a)));
        for id in ["explain-relu", "explain-exp"] {
            assert!(coloured_pixels(client, id).await? > 5_000, "{id} drawn");
        }
        screenshot(client, "11-from-parity").await?;
        assert_alive(client).await
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn the_plain_link_shows_both_models_maps_and_the_experiment() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        let started = Instant::now();
        client.goto(&format!("{base}/?lesson=explain&device=cpu")).await?;
        device_is(client, "CPU").await?;
        let scores = both_maps(client, Duration::from_secs(60)).await?;
        let shown = started.elapsed().as_secs_f64();
        let worker = text(client, "explain-time").await;
        println!("lesson 11 plain link: both models' maps {shown:.2} s after opening the link (load included); {worker}");
        println!("AUROC (saliency, ISM, IG, DeepSHAP): relu {:?}, exp {:?}", scores[0], scores[1]);
        assert!(text(client, "explain-seq").await.starts_with("Test sequence #"), "the sequence is named");
        screenshot(client, "11-plain-link").await?;
        screenshot_of(client, "explain-exp", "11-exp-maps").await?;
        screenshot_of(client, "explain-relu", "11-relu-maps").await?;

        // Picking another sequence and another reference asks again.
        click(client, "explain-wrong").await?;
        wait_until("the most wrong positive", Duration::from_secs(30), || async { text(client, "explain-time").await.starts_with("Maps").then_some(()) }).await?;
        js(client, "const s = document.querySelector('[data-testid=explain-reference]'); s.value = 'zero'; s.dispatchEvent(new Event('change', { bubbles: true })); return 0").await?;
        wait_until("the zero reference in the link", Duration::from_secs(10), || async {
            client.current_url().await.ok()?.query()?.contains("igref=zero").then_some(())
        })
        .await?;
        both_maps(client, Duration::from_secs(60)).await?;

        // The experiment: CACGTG (MAX) against its shuffle, on the exp model.
        click(client, "insert-run").await?;
        let summary = wait_for_text(client, "insert-summary", "the experiment", Duration::from_secs(60)).await?;
        println!("insertion: {summary}");
        let mean = |label: &str| -> f64 { summary.split(label).nth(1).and_then(|s| s.trim_start().split_whitespace().next()).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN) };
        let (motif, control) = (mean("motif"), mean("control"));
        assert!(motif > control + 0.5, "CACGTG moves the logit more than its shuffle: {motif} vs {control}");
        assert!(coloured_pixels(client, "insert-chart").await? > 2_000, "the histograms are drawn");
        // A motif that does not fit is refused by name.
        let m = client.find(Locator::Css("[data-testid=insert-position]")).await?;
        m.clear().await?;
        m.send_keys("199").await?;
        click(client, "insert-run").await?;
        assert_eq!(text(client, "insert-error").await, "a 6-nt motif at position 199 does not fit in 200 nt");
        screenshot(client, "11-experiment").await?;
        assert_alive(client).await
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn lesson_10s_confusion_matrix_opens_a_sequence_in_lesson_11() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=classify&device=cpu")).await?;
        device_is(client, "CPU").await?;
        click(client, "cls-load").await?;
        wait_for_text(client, "cls-auroc", "lesson 10's report", Duration::from_secs(60)).await?;
        click(client, "cls-cell-11").await?;
        wait_until("lesson 11", Duration::from_secs(10), || async { lesson_title(client).await.starts_with("11.").then_some(()) }).await?;
        let r = wait_for_text(client, "explain-correlation", "the correlation of attention and saliency", Duration::from_secs(60)).await?;
        println!("lesson 10's first true positive: {} · {r}", text(client, "explain-attention-seq").await);
        assert!(text(client, "explain-attention-seq").await.contains("positive"), "a true positive");
        assert!(coloured_pixels(client, "explain-attention").await? > 2_000);
        screenshot_of(client, "explain-attention", "11-attention").await?;
        assert_alive(client).await
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn lesson_11_while_lesson_9_trains_waits_then_loads_on_request() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        client.goto(&format!("{base}/?lesson=exp&device=cpu&n=2000&cepochs=50")).await?;
        device_is(client, "CPU").await?;
        click(client, "exp-train").await?;
        wait_until("lesson 9 training", Duration::from_secs(60), || async { text(client, "exp-status").await.contains("epoch").then_some(()) }).await?;
        next_lesson(client).await?;
        next_lesson(client).await?;
        assert!(lesson_title(client).await.starts_with("11."));
        // No idle pair while both train: a message, no request, and the trained runs stay.
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(text(client, "explain-scores").await.lines().count() <= 2, "no maps of a training model");
        assert!(text(client, "explain-time").await.is_empty());
        // Asking for the shipped pair replaces the training runs (as lesson 9's own button does).
        click(client, "explain-load").await?;
        both_maps(client, Duration::from_secs(60)).await?;
        assert_alive(client).await
    })
    .await
}

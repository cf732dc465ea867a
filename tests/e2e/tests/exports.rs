//! Export from every lesson (issue 27), in Chromium: from lessons 5 to 12 a plot as PNG and as
//! SVG and a table as CSV (lesson 6: its table only), each file parsed back. The PNG decodes (`png`)
//! and carries the link that made it in an `iTXt` chunk; the SVG parses as XML (`roxmltree`),
//! draws something, and names the link in its `<metadata>`; the CSV starts with its two comment
//! lines, then its header and rows.
//!
//! Needs `dist/`, chromium and chromium-driver (`scripts/test.sh`).

use std::time::Duration;

use dnaplay_e2e::*;
use fantoccini::{Client, Locator};

/// Go to lesson `slug` through the lesson list (no reload: the runs stay).
async fn go_to(client: &Client, slug: &str, title: &str) -> Result<()> {
    client.find(Locator::Css(&format!("nav.lessons a[href='?lesson={slug}']"))).await?.click().await?;
    wait_until(title, Duration::from_secs(10), || async { lesson_title(client).await.starts_with(title).then_some(()) }).await?;
    // The plots draw in the next frame.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(())
}

/// Open `query` and get ready to catch downloads.
async fn open_at(client: &Client, base: &str, query: &str, title: &str) -> Result<()> {
    client.goto(&format!("{base}/{query}")).await?;
    wait_until(title, Duration::from_secs(30), || async { lesson_title(client).await.starts_with(title).then_some(()) }).await?;
    js(client, CATCH_DOWNLOADS).await?;
    Ok(())
}

#[tokio::test(flavor = "current_thread")]
async fn lessons_5_to_12_export_png_svg_and_csv_that_parse_back() -> Result<()> {
    session(false, async |client: &Client, base: &str| {
        // Lesson 5: two epochs of the CNN; its loss curves and per-epoch history.
        open_at(client, base, "?lesson=train&device=cpu&epochs=2", "5.").await?;
        device_is(client, "CPU").await?;
        click(client, "train").await?;
        wait_for_r2(client, Duration::from_secs(180)).await?;
        check_plot(client, "train", "train-loss", 20).await?;
        check_csv(client, "train", "train-history", "run,label,epoch,train_mse,val_mse", 2).await?;

        // Lessons 6, 7 and 8, in the same page (the run stays): the spot checks, the parity
        // plot and its points, the heatmaps, the logos and the weights.
        go_to(client, "spot", "6.").await?;
        let spots = check_csv(client, "spot", "spot-checks", "group,kmer,predicted,actual,difference", 10).await?;
        // CCTATCCC has CCCCCTAT's bases and its TAT: seed 002 scores both 25.875.
        assert!(spots.iter().any(|r| r.contains(",CCTATCCC,") && r.contains(",25.875,")), "CCTATCCC's true score is 25.875: {spots:?}");
        go_to(client, "parity", "7.").await?;
        check_plot(client, "parity", "parity", 100).await?;
        check_csv(client, "parity", "parity-points", "sequence,true_score,predicted_score", 10_000).await?;
        go_to(client, "filters", "8.").await?;
        check_plot(client, "filters", "filters-heatmaps", 32).await?;
        check_plot(client, "filters", "filters-logos", 32).await?;
        // 32 filters × 4 bases, a column per position of the width-3 filters.
        let rows = check_csv(client, "filters", "filters-weights", "filter,base,position_1,position_2,position_3", 128).await?;
        assert_eq!(rows.len(), 128);

        // Lesson 9: the shipped relu and exp runs; loss curves, logos and the per-epoch table.
        open_at(client, base, "?lesson=exp&device=cpu", "9.").await?;
        click(client, "exp-load").await?;
        wait_until("both runs' logos", Duration::from_secs(180), || async { (!text(client, "match-exp").await.is_empty() && !text(client, "match-relu").await.is_empty()).then_some(()) }).await?;
        check_plot(client, "exp", "exp-loss", 4).await?;
        check_plot(client, "exp", "exp-logos-exp", 24).await?;
        check_csv(client, "exp", "exp-history", "activation,epoch,train_bce,val_bce,val_auroc,match_fraction", 2).await?;

        // Lesson 10: the shipped model; its score histograms and the report with the matrix.
        open_at(client, base, "?lesson=classify&device=cpu", "10.").await?;
        click(client, "cls-load").await?;
        wait_until("the report", Duration::from_secs(180), || async { text(client, "cls-accuracy").await.parse::<f64>().ok() }).await?;
        check_plot(client, "classify", "cls-scores", 10).await?;
        let report = check_csv(client, "classify", "cls-report", "row,precision,recall,f1_or_value,support_or_count", 9).await?;
        let counts: u64 = report.iter().filter(|r| r.starts_with("confusion:")).filter_map(|r| r.rsplit(',').next()?.parse::<u64>().ok()).sum();
        let support: u64 = report.iter().find(|r| r.starts_with("accuracy")).and_then(|r| r.rsplit(',').next()?.parse().ok()).unwrap_or(0);
        assert_eq!(counts, support, "the confusion matrix counts every test sequence: {report:?}");

        // Lesson 11's plain link: both models' maps and their scores.
        open_at(client, base, "?lesson=explain&device=cpu", "11.").await?;
        wait_until("the maps' scores", Duration::from_secs(240), || async { text(client, "auroc-exp-deepshap").await.parse::<f64>().ok() }).await?;
        check_plot(client, "explain", "explain-exp", 50).await?;
        check_csv(client, "explain", "explain-scores", "model,saliency,ism,ig,deepshap", 2).await?;

        // Lesson 12, Fig. 1c: the shipped grid's box plot and its runs.
        open_at(client, base, "?lesson=exercises&ex=fig1c", "12.").await?;
        wait_until("the shipped grid", Duration::from_secs(30), || async { text(client, "fig1c-detail").await.contains("shipped: match fraction").then_some(()) }).await?;
        check_plot(client, "exercises", "fig1c-boxplot", 20).await?;
        check_csv(client, "exercises", "fig1c-grid", "grid,model,activation,l2first,l2,seed,epochs,match_fraction,test_aupr,test_auroc", 60).await?;
        Ok(())
    })
    .await
}

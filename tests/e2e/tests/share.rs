//! The Share panel (issue 27) in Chromium, Firefox and WebKit: a link built in the panel (opened
//! by keyboard), its QR code read back from a screenshot, and the link opened in a fresh profile
//! (a new session), which must restore what the panel showed.

use dnaplay_e2e::share::{build_share_link, check_shared_link};
use dnaplay_e2e::{Browser, DistServer, Result, with_engine_at};

async fn built_then_reopened(browser: Browser) -> Result<()> {
    let server = DistServer::start()?;
    let mut link = String::new();
    with_engine_at(browser, &server.base, async |client, base| {
        link = build_share_link(client, base, true).await?;
        Ok(())
    })
    .await?;
    println!("{}: the Share panel built {link}", browser.name());
    // A new session: a fresh profile, with nothing of the first one's.
    with_engine_at(browser, &server.base, async |client, _| check_shared_link(client, &link).await).await
}

#[tokio::test(flavor = "current_thread")]
async fn chromium_a_link_built_in_the_share_panel_reopens_the_same_page_in_a_fresh_profile() -> Result<()> {
    built_then_reopened(Browser::Chromium { webgpu: false }).await
}

#[tokio::test(flavor = "current_thread")]
async fn firefox_a_link_built_in_the_share_panel_reopens_the_same_page_in_a_fresh_profile() -> Result<()> {
    built_then_reopened(Browser::Firefox).await
}

#[tokio::test(flavor = "current_thread")]
async fn webkit_a_link_built_in_the_share_panel_reopens_the_same_page_in_a_fresh_profile() -> Result<()> {
    built_then_reopened(Browser::WebKit { sab: false }).await
}

//! Helpers for the end-to-end tests: serve the built `dist/` on 127.0.0.1, start chromedriver,
//! open headless Chromium through WebDriver (fantoccini), and read what the page shows.
//!
//! Paths and programs come from the environment, with the defaults the test script sets up:
//! `DNAPLAY_DIST` (default `<workspace>/dist`), `CHROMEDRIVER` (`/usr/bin/chromedriver`),
//! `CHROME` (`/usr/bin/chromium`), and `DNAPLAY_SCREENSHOTS` (a folder for PNGs; none if unset).

use std::net::TcpListener;
use std::sync::Mutex;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dnaplay_model::data::{RegressionData, SplitFractions, split};
use dnaplay_model::models::ModelConfig;
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::trainer::{TrainConfig, Trainer};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// A boxed error, with a message that says what failed.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// Result of a test step.
pub type Result<T> = std::result::Result<T, Error>;

/// The subpath the app is also served under, to check a static host's subfolder works.
pub const SUBPATH: &str = "/course/dna-playground/";

/// The built app, served over HTTP on a free port of 127.0.0.1, at `/` and at [`SUBPATH`].
/// [`DistServer::start`] sends the cross-origin isolation headers, as `trunk serve` does
/// (Trunk.toml), so the page trains on every core; [`DistServer::start_unisolated`] serves like a
/// static host that sends none.
pub struct DistServer {
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// The built app: `DNAPLAY_DIST`, else the workspace's `dist/`.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("DNAPLAY_DIST").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist"))
}

impl DistServer {
    /// Serve [`dist_dir`].
    ///
    /// # Errors
    /// When `dist/index.html` is missing (build it first: `trunk build --release`).
    pub fn start() -> Result<DistServer> {
        Self::serve(true)
    }

    /// Serve [`dist_dir`] without the cross-origin isolation headers.
    ///
    /// # Errors
    /// As [`DistServer::start`].
    pub fn start_unisolated() -> Result<DistServer> {
        Self::serve(false)
    }

    fn serve(isolated: bool) -> Result<DistServer> {
        let dist = dist_dir();
        if !dist.join("index.html").is_file() {
            return Err(format!("{} has no index.html: build the app first (`trunk build --release`, which scripts/test.sh runs)", dist.display()).into());
        }
        let server = tiny_http::Server::http("127.0.0.1:0").map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        let port = server.server_addr().to_ip().map(|a| a.port()).ok_or("no port")?;
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let url = request.url().split('?').next().unwrap_or("/").to_string();
                let rel = url.strip_prefix(SUBPATH).or_else(|| url.strip_prefix('/')).unwrap_or("");
                let rel = if rel.is_empty() { "index.html" } else { rel };
                let path = dist.join(rel);
                let response = if rel.contains("..") || !path.is_file() {
                    request.respond(tiny_http::Response::from_string("not found").with_status_code(404))
                } else {
                    let body = std::fs::read(&path).unwrap_or_default();
                    let header = |name: &str, value: &str| tiny_http::Header::from_bytes(name, value).expect("valid header");
                    let mut response = tiny_http::Response::from_data(body).with_header(header("Content-Type", mime(&path)));
                    if isolated {
                        response.add_header(header("Cross-Origin-Opener-Policy", "same-origin"));
                        response.add_header(header("Cross-Origin-Embedder-Policy", "require-corp"));
                    }
                    request.respond(response)
                };
                let _ = response;
            }
        });
        Ok(DistServer { base: format!("http://127.0.0.1:{port}") })
    }
}

/// A chromedriver process, killed on drop.
pub struct Driver {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Driver {
    /// Start chromedriver on a free port and wait until it answers.
    ///
    /// # Errors
    /// When chromedriver is missing or does not start within 20 s.
    pub fn start() -> Result<Driver> {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {program}: {e} (apt-get install chromium-driver, or set CHROMEDRIVER)"))?;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(20) {
                return Err(format!("{program} did not listen on port {port} within 20 s").into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Driver { child, url: format!("http://127.0.0.1:{port}") })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Open headless Chromium. With `webgpu`, Chromium's software WebGPU adapter (SwiftShader) is
/// enabled by `--enable-unsafe-webgpu`.
///
/// # Errors
/// When the session cannot start.
pub async fn browser(driver: &Driver, webgpu: bool) -> Result<Client> {
    // A fresh profile per session: a browser left open by a failed test must not block the next.
    static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = std::env::temp_dir().join(format!("dnaplay-e2e-{}-{n}-{webgpu}", std::process::id()));
    let mut args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--disable-quic".into(),
        "--disable-dev-shm-usage".into(),
        "--window-size=1280,1600".into(),
        "--force-device-scale-factor=1".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    if webgpu {
        args.push("--enable-unsafe-webgpu".into());
    }
    let binary = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), json!({ "binary": binary, "args": args }));
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    Ok(ClientBuilder::new(connector).capabilities(caps).connect(&driver.url).await?)
}

/// Serve the app, start chromedriver and Chromium (see [`browser`]), run `test` with the client
/// and the server's base URL, and close the browser whether `test` passed or not.
///
/// # Errors
/// What `test` returns, or a failure to start or close the browser.
pub async fn with_browser<F>(webgpu: bool, test: F) -> Result<()>
where
    F: AsyncFnOnce(&Client, &str) -> Result<()>,
{
    with_server(DistServer::start()?, webgpu, test).await
}

/// [`with_browser`] with the app served by `server`.
///
/// # Errors
/// As [`with_browser`].
pub async fn with_server<F>(server: DistServer, webgpu: bool, test: F) -> Result<()>
where
    F: AsyncFnOnce(&Client, &str) -> Result<()>,
{
    let driver = Driver::start()?;
    let client = browser(&driver, webgpu).await?;
    let result = test(&client, &server.base).await;
    client.close().await?;
    result
}

/// Seed 002's CNN run set up natively on burn-flex with `seed` for the split, weights and
/// shuffles: the same run the page trains with that seed (SGD, lr 0.01, batch 128).
pub fn seed_trainer(seed: u64, num_epochs: usize) -> Trainer {
    let data = RegressionData::kmer_task(8, &ScoringRule::default()).expect("seed 002's rule is valid");
    let s = split(data.len(), SplitFractions::default(), seed).expect("65,536 8-mers split");
    let config = TrainConfig { num_epochs, seed, ..TrainConfig::default() };
    let device = dnaplay_model::burn::tensor::Device::flex();
    Trainer::new(ModelConfig::cnn(8), config, &data.subset(&s.train), &data.subset(&s.val), &device).expect("seed 002's settings are valid")
}

/// Chromedriver's browser log (`POST /session/{id}/se/log`): console messages and page errors.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// A Chrome DevTools Protocol command through chromedriver (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

/// Run the DevTools Protocol command `cmd` with `params` and return its result.
///
/// # Errors
/// When chromedriver or the browser refuses the command.
pub async fn cdp(client: &Client, cmd: &'static str, params: Value) -> Result<Value> {
    Ok(client.issue_cmd(Cdp { cmd, params }).await?)
}

/// Run `source` in every page the browser opens from now on, before the page's own scripts
/// (CDP `Page.addScriptToEvaluateOnNewDocument`).
///
/// # Errors
/// When chromedriver refuses the command.
pub async fn before_page_scripts(client: &Client, source: &str) -> Result<()> {
    client.issue_cmd(Cdp { cmd: "Page.addScriptToEvaluateOnNewDocument", params: json!({ "source": source }) }).await?;
    Ok(())
}

/// The browser log entries since the last call, as `(level, message)`.
///
/// # Errors
/// When chromedriver does not answer.
pub async fn console(client: &Client) -> Result<Vec<(String, String)>> {
    let v = client.issue_cmd(BrowserLog).await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .map(|e| (e["level"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default())
}

/// The text of the element with `data-testid=id`, or "" when it is not on the page.
pub async fn text(client: &Client, id: &str) -> String {
    match client.find(Locator::Css(&format!("[data-testid={id}]"))).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Poll `check` every 200 ms until it returns `Some`, for at most `limit`.
///
/// # Errors
/// When `limit` passes; the message names `what`.
pub async fn wait_until<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return Ok(v);
        }
        if start.elapsed() > limit {
            return Err(format!("timed out after {:.0} s waiting for {what}", limit.as_secs_f64()).into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Wait until the element with `data-testid=id` shows some text, and return it.
///
/// # Errors
/// When `limit` passes; the message names `what`.
pub async fn wait_for_text(client: &Client, id: &str, what: &str, limit: Duration) -> Result<String> {
    wait_until(what, limit, || async {
        let t = text(client, id).await;
        (!t.is_empty()).then_some(t)
    })
    .await
}

/// Click the element with `data-testid=id`.
///
/// # Errors
/// When it is not on the page.
pub async fn click(client: &Client, id: &str) -> Result<()> {
    client
        .find(Locator::Css(&format!("[data-testid={id}]")))
        .await
        .map_err(|e| format!("no element [data-testid={id}]: {e}"))?
        .click()
        .await?;
    Ok(())
}

/// Pixels of the canvas `data-testid=id` that are clearly coloured (a channel spread above 60):
/// plot lines, dots and logo letters, not the white background, grey grid or black text.
///
/// # Errors
/// When the canvas is missing.
pub async fn coloured_pixels(client: &Client, id: &str) -> Result<u64> {
    let script = r#"
        const c = document.querySelector(`[data-testid="${arguments[0]}"]`);
        if (!c) return -1;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
            const mx = Math.max(d[i], d[i+1], d[i+2]), mn = Math.min(d[i], d[i+1], d[i+2]);
            if (d[i+3] > 0 && mx - mn > 60) n++;
        }
        return n;"#;
    let v = client.execute(script, vec![json!(id)]).await?;
    match v.as_i64() {
        Some(n) if n >= 0 => Ok(n as u64),
        _ => Err(format!("no canvas [data-testid={id}] on the page").into()),
    }
}

/// Train and validation loss of each line of the per-epoch log (`E0 | train loss: … | val loss:
/// …`, the seed's format) of the run shown on the Training page.
pub async fn epoch_losses(client: &Client) -> Vec<(f32, f32)> {
    text(client, "epoch-log")
        .await
        .lines()
        .filter_map(|l| {
            let train = l.split("train loss:").nth(1)?.split('|').next()?.trim().parse().ok()?;
            let val = l.split("val loss:").nth(1)?.trim().parse().ok()?;
            Some((train, val))
        })
        .collect()
}

/// Save a screenshot as `DNAPLAY_SCREENSHOTS/<name>.png`, when that variable is set.
///
/// # Errors
/// When the screenshot or the file fails.
pub async fn screenshot(client: &Client, name: &str) -> Result<()> {
    let Some(dir) = std::env::var_os("DNAPLAY_SCREENSHOTS") else { return Ok(()) };
    std::fs::create_dir_all(&dir)?;
    let png = client.screenshot().await?;
    std::fs::write(Path::new(&dir).join(format!("{name}.png")), png)?;
    Ok(())
}

/// Run a script and return its value.
///
/// # Errors
/// When the script throws.
pub async fn js(client: &Client, script: &str) -> Result<Value> {
    Ok(client.execute(script, vec![]).await?)
}

/// Save a screenshot of one element as `DNAPLAY_SCREENSHOTS/<name>.png`, when that variable is
/// set.
///
/// # Errors
/// When the element is missing or the screenshot or the file fails.
pub async fn screenshot_of(client: &Client, id: &str, name: &str) -> Result<()> {
    let Some(dir) = std::env::var_os("DNAPLAY_SCREENSHOTS") else { return Ok(()) };
    std::fs::create_dir_all(&dir)?;
    let element = client.find(fantoccini::Locator::Css(&format!("[data-testid=\"{id}\"]"))).await?;
    let png = element.screenshot().await?;
    std::fs::write(Path::new(&dir).join(format!("{name}.png")), png)?;
    Ok(())
}

/// The tests train models: one at a time, so their timings do not fight over the CPU.
/// One browser test at a time (they share the two cores).
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Console entries at level SEVERE (errors, uncaught exceptions, panics), as text.
///
/// # Errors
/// When chromedriver does not answer.
pub async fn errors(client: &Client) -> Result<Vec<String>> {
    Ok(console(client).await?.into_iter().filter(|(level, _)| level == "SEVERE").map(|(_, m)| m).collect())
}

/// One test's browser session: one at a time, in headless Chromium (with WebGPU when `webgpu`),
/// and after `test` passes, a console without errors.
///
/// # Errors
/// What `test` returns, or a failure to start the browser.
pub async fn session<F>(webgpu: bool, test: F) -> Result<()>
where
    F: AsyncFnOnce(&Client, &str) -> Result<()>,
{
    session_on(DistServer::start()?, webgpu, test).await
}

/// [`session`] with the app served by `server` (e.g. [`DistServer::start_unisolated`]).
///
/// # Errors
/// As [`session`].
pub async fn session_on<F>(server: DistServer, webgpu: bool, test: F) -> Result<()>
where
    F: AsyncFnOnce(&Client, &str) -> Result<()>,
{
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    with_server(server, webgpu, async |client: &Client, base: &str| {
        test(client, base).await?;
        let errors = errors(client).await?;
        assert!(errors.is_empty(), "console errors: {errors:#?}");
        Ok(())
    })
    .await
}

/// The status lines of a 200-nt lesson's runs (`prefix` "exp" or "cls"), one per run.
pub async fn status_lines(client: &Client, prefix: &str) -> Vec<String> {
    text(client, &format!("{prefix}-status")).await.lines().map(str::to_string).filter(|l| !l.trim().is_empty()).collect()
}

/// The first number after `key` in `line`, e.g. 0.912 from `number_after("relu: epoch 3 of 10 ·
/// val AUROC 0.912 · …", "AUROC")`; spaces between them are skipped.
pub fn number_after(line: &str, key: &str) -> Option<f64> {
    line.split(key).nth(1)?.trim_start().split(|c: char| !(c.is_ascii_digit() || c == '.')).next()?.parse().ok()
}

/// The lesson's title, e.g. "5. Training".
pub async fn lesson_title(client: &Client) -> String {
    text(client, "lesson-title").await
}

/// Wait until the device shown is `expected`.
///
/// # Errors
/// When no device is shown within 60 s; panics when another is.
pub async fn device_is(client: &Client, expected: &str) -> Result<()> {
    let seen = wait_until("the device to be known", Duration::from_secs(60), || async {
        let d = text(client, "device").await;
        (!d.is_empty() && d != "starting…").then_some(d)
    })
    .await?;
    // The CPU is shown with its threads: "CPU, 1 thread (of 8)".
    assert!(seen == expected || seen.starts_with(&format!("{expected},")), "device shown: {seen}, expected {expected}");
    Ok(())
}

/// The CPU threads the header shows ("CPU, 2 threads (of 2)"), once the worker said, and the
/// browser's logical processors (`navigator.hardwareConcurrency`).
///
/// # Errors
/// When the header shows no CPU threads within 60 s.
pub async fn cpu_threads(client: &Client) -> Result<(u64, u64)> {
    let shown = wait_until("the CPU's threads to be shown", Duration::from_secs(60), || async {
        let d = text(client, "device").await;
        let n = d.strip_prefix("CPU, ")?.split(' ').next()?.parse::<u64>().ok()?;
        Some(n)
    })
    .await?;
    let cores = js(client, "return navigator.hardwareConcurrency").await?.as_u64().unwrap_or(1);
    Ok((shown, cores))
}

/// Wait for the Training lesson's "test R² = …" line and return R².
///
/// # Errors
/// When it does not appear within `limit`.
pub async fn wait_for_r2(client: &Client, limit: Duration) -> Result<f64> {
    wait_until("test R² after training", limit, || async {
        let t = text(client, "r2").await;
        t.split("test R² = ").nth(1).and_then(|v| v.split_whitespace().next()).and_then(|v| v.parse::<f64>().ok())
    })
    .await
}

/// The page is alive: no crash message, and a lesson change still works (the "Next" button
/// changes the title).
///
/// # Errors
/// When the page does not answer.
pub async fn assert_alive(client: &Client) -> Result<()> {
    let crashed = js(client, "return document.querySelector('[data-testid=crash]') ? document.querySelector('[data-testid=crash]').textContent : ''").await?;
    assert_eq!(crashed.as_str(), Some(""), "the app stopped");
    let before = lesson_title(client).await;
    let to = if before.starts_with("1.") { "next" } else { "prev" };
    click(client, to).await?;
    wait_until("the lesson to change", Duration::from_secs(10), || async { (lesson_title(client).await != before).then_some(()) }).await?;
    Ok(())
}

/// Bytes of the training worker's WebAssembly memory at its latest report
/// (`worker_memory_bytes`, exported by the page), after waiting 0.5 s for the report.
///
/// # Errors
/// When the page has no such export.
pub async fn worker_memory(client: &Client) -> Result<f64> {
    tokio::time::sleep(Duration::from_millis(500)).await;
    js(client, "return window.wasmBindings.worker_memory_bytes()").await?.as_f64().ok_or_else(|| "no worker_memory_bytes export".into())
}

/// Bytes of the app's WebAssembly memory (`wasm_memory_bytes`, exported by the app).
///
/// # Errors
/// When the page has no such export.
pub async fn wasm_memory(client: &Client) -> Result<f64> {
    js(client, "return window.wasmBindings.wasm_memory_bytes()").await?.as_f64().ok_or_else(|| "no wasm_memory_bytes export".into())
}

/// Seed 002's CNN run set up natively with `seed`, and that seed's test split: the same run and
/// test sequences the page uses.
pub fn seed_trainer_and_test(seed: u64, num_epochs: usize) -> (Trainer, RegressionData) {
    let data = RegressionData::kmer_task(8, &ScoringRule::default()).expect("seed 002's rule is valid");
    let s = split(data.len(), SplitFractions::default(), seed).expect("65,536 8-mers split");
    (seed_trainer(seed, num_epochs), data.subset(&s.test))
}

/// Press → on the page body (lesson navigation).
///
/// # Errors
/// When the page has no body.
pub async fn next_lesson(client: &Client) -> Result<()> {
    let body = client.find(Locator::Css("body")).await?;
    body.send_keys(&fantoccini::key::Key::Right.to_string()).await?;
    Ok(())
}

/// How late a 10 ms timer fires on the page's thread over `seconds`, sorted (milliseconds): what a
/// click or a key press would wait before its handler runs while the page does other work.
///
/// # Errors
/// When the page does not answer.
pub async fn input_waits(client: &Client, seconds: u64) -> Result<Vec<f64>> {
    js(
        client,
        "window.__lags = []; let due = performance.now() + 10; \
         window.__probe = setInterval(() => { const t = performance.now(); window.__lags.push(Math.max(0, t - due)); due = t + 10; }, 10); return 0",
    )
    .await?;
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let lags = js(client, "clearInterval(window.__probe); return window.__lags").await?;
    let mut lags: Vec<f64> = lags.as_array().map(|a| a.iter().filter_map(|v| v.as_f64()).collect()).unwrap_or_default();
    lags.sort_by(f64::total_cmp);
    Ok(lags)
}

/// The `p` quantile (0 to 1) of sorted `values`, NaN when empty.
pub fn quantile(values: &[f64], p: f64) -> f64 {
    values.get(((values.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(f64::NAN)
}

/// Click the button `pause_id` from inside the page and return the milliseconds from the click until
/// the element `status_id` last changed (the batch counter: the worker's last report before it
/// stopped), watched for 1.5 s.
///
/// # Errors
/// When the page does not answer.
pub async fn pause_latency_ms(client: &Client, pause_id: &str, status_id: &str) -> Result<f64> {
    let script = format!(
        "const done = arguments[arguments.length - 1]; \
         const el = document.querySelector('[data-testid={status_id}]'); \
         let last = el.textContent, changed = performance.now(); \
         const t0 = performance.now(); changed = t0; \
         document.querySelector('[data-testid={pause_id}]').click(); \
         const timer = setInterval(() => {{ \
           if (el.textContent !== last) {{ last = el.textContent; changed = performance.now(); }} \
           if (performance.now() - t0 > 1500) {{ clearInterval(timer); done(changed - t0); }} \
         }}, 2);"
    );
    Ok(client.execute_async(&script, vec![]).await?.as_f64().unwrap_or(f64::NAN))
}

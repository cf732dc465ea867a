//! DNA Playground's web app: a Leptos single-page app over the `dnaplay-model` crate.
//!
//! The page is a sequence of lessons (seed 002's parts, in order). The URL holds the lesson and
//! every setting (`dnaplay-state`), so a link restores the page. Training state lives in the
//! [`lab::Lab`], shared by all lessons, so a run keeps going while the student moves on.

pub mod capabilities;
pub mod checkpoints;
pub mod components;
pub mod download;
pub mod engine;
pub mod keep;
pub mod lab;
pub mod lessons;
pub mod panic;
pub mod reload;
pub mod store;
pub mod training;

use dnaplay_model::BackendChoice;
use dnaplay_protocol::timing::CpuBuild;
use dnaplay_state::Settings;
use leptos::ev;
use leptos::prelude::*;

use crate::engine::Engine;
use crate::lab::Lab;

/// Bytes of the app's WebAssembly memory (64 KiB pages × 65,536), for the page's memory
/// benchmark (`tests/e2e`): it grows and never shrinks, so it is the high-water mark.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return (core::arch::wasm32::memory_size(0) * 65_536) as f64;
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}

/// The page's query string, e.g. `?lesson=train&model=cnn`.
fn location_query() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Put `query` in the address bar without reloading, so the link always restores the page.
fn replace_query(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{query}")));
    }
}

/// True when a key press belongs to a control that uses the arrow keys itself: typing, moving a
/// slider, choosing in a list, moving between tabs (the ARIA tabs pattern; lesson 12's exercise
/// tabs), or scrolling a wide table or sequence sideways (`ScrollX`'s region, or a control in
/// it). A plain button elsewhere has no use for them, so with one focused (say the Train or
/// export button just clicked) the arrows still turn the lesson.
fn typing_in_control(ev: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| {
        matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
            || e.get_attribute("role").as_deref() == Some("tab")
            || e.closest(components::SCROLL_X_SELECTOR).ok().flatten().is_some()
    })
}

/// Where Index.html ships the JASPAR 2016 file, relative to the page.
pub const MOTIF_FILE: &str = "motifs/JASPAR2016_CORE_vertebrates_non-redundant.jaspar";

/// Fetch the JASPAR 2016 file and give it to the model crate
/// ([`dnaplay_model::tasks::set_jaspar`]): the page builds the crate without the motifs built in
/// (its `jaspar` feature), which keeps the page's wasm under 1 MB gzip. Index.html preloads the
/// file while the wasm loads. When the fetch fails, the console says why, and the lessons that
/// need it (9's Task 3, 11's named motifs, 12's Task 1) say the file did not load.
pub async fn load_motifs() {
    match checkpoints::fetch_static(MOTIF_FILE).await {
        Ok(bytes) => dnaplay_model::tasks::set_jaspar(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) => web_sys::console::warn_1(&format!("DNA Playground: the JASPAR 2016 motifs did not load: {e}").into()),
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let (initial, notices) = Settings::from_query(&location_query());
    let settings = RwSignal::new(initial);
    let (notices, set_notices) = signal(notices);
    Effect::new(move |_| replace_query(&settings.with(Settings::to_query)));

    // Before the engine: on a first visit that will reload, the controls wait.
    let holding = reload::holding_for_reload();
    let engine = Engine::new();
    lessons::explain::remember_engine(engine);
    let lab = Lab::new(settings, engine);
    provide_context(lab);
    // Lessons 5 to 10's latest runs come back after a reload (issue 27).
    keep::keep_runs(lab);
    keep::restore_runs(lab);

    // The data follows the rule and the seed of the settings; runs keep the data they started on.
    let rule_and_seed = Memo::new(move |_| settings.with(|s| (s.rule.clone(), s.seed)));
    Effect::new(move |_| {
        let (rule, seed) = rule_and_seed.get();
        if lab.dataset.with_untracked(|d| d.rule != rule || d.seed != seed)
            && let Ok(d) = dnaplay_protocol::Dataset::new(rule, seed)
        {
            lab.dataset.set(std::sync::Arc::new(d));
        }
    });

    engine.choose_device(settings.get_untracked().device);

    // A memo, so only a change of lesson (not of any other setting) rebuilds the page.
    let lesson = Memo::new(move |_| settings.with(|s| s.lesson));
    let lesson = move || lesson.get();
    let step = move |delta: isize| settings.with(|s| s.step_lesson(delta));
    let go = move |delta: isize| {
        if let Some(l) = settings.with_untracked(|s| s.step_lesson(delta)) {
            settings.update(|s| s.lesson = l);
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        }
    };
    // The app lives as long as the page, so the listener is never removed.
    let _keys = window_event_listener(ev::keydown, move |ev| {
        if typing_in_control(&ev) || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        match ev.key().as_str() {
            "ArrowLeft" => go(-1),
            "ArrowRight" => go(1),
            _ => {}
        }
    });

    // Every canvas follows the contrast setting and the window's width.
    let contrast = Memo::new(move |_| settings.with(|s| s.contrast));
    components::plot_canvas::provide_plot_env(contrast.into());

    // High contrast and large text for projectors: a class on the root element (style/main.css).
    Effect::new(move |_| {
        let on = settings.with(|s| s.contrast);
        if let Some(root) = document().document_element() {
            let _ = if on { root.set_attribute("data-contrast", "1") } else { root.remove_attribute("data-contrast") };
        }
    });
    // The Share panel (issue 27), opened from the header.
    let share_open = RwSignal::new(false);
    // My runs (issue 27): the runs kept in this browser, across lessons.
    let runs_open = RwSignal::new(false);
    // The controls a link hides (`hide=`): every control carries its key in `data-setting`.
    let hidden_css = move || settings.with(|s| s.hide.iter().map(|k| format!("[data-setting=\"{k}\"]{{display:none !important}}")).collect::<String>());

    view! {
        <style data-testid="hidden-controls">{hidden_css}</style>
        <a class="skip" href="#lesson">"Skip to the lesson"</a>
        {move || holding.get().then(|| view! {
            <div class="reload-hold" role="status" data-testid="reload-hold">
                "Setting up training on every core: this page reloads once in a moment. The link keeps your settings; the controls wait until then."
            </div>
        })}
        <header class="top" inert=move || holding.get()>
            <div class="brand">
                <h1>"DNA Playground"</h1>
                <p class="tagline">"Learn deep learning on DNA, in your browser."</p>
            </div>
            <button class="share-toggle" data-testid="share-toggle" data-setting="share" aria-controls="share" aria-expanded=move || share_open.get().to_string()
                title="Build a link to these lessons and settings, with a QR code for the projector"
                on:click=move |_| share_open.update(|o| *o = !*o)>"Share"</button>
            <button class="share-toggle" data-testid="my-runs-toggle" data-setting="runs" aria-controls="my-runs" aria-expanded=move || runs_open.get().to_string()
                title="The runs kept in this browser, across lessons: compare two, rename or delete them"
                on:click=move |_| runs_open.update(|o| *o = !*o)>"My runs"</button>
            <button class="contrast-toggle" data-testid="contrast-toggle" aria-pressed=move || settings.with(|s| s.contrast).to_string()
                title="High contrast and large text, for a projector (contrast=1 in the link)"
                on:click=move |_| settings.update(|s| s.contrast = !s.contrast)>"High contrast"</button>
            <div class="device-box" data-setting="device">
                <label>"Device "
                    <select data-testid="device-select" prop:value=move || match settings.with(|s| s.device) { None => "auto", Some(d) if d.is_cpu() => "cpu", Some(_) => "webgpu" }
                        title="Changing the device stops the runs in progress; their metrics stay"
                        on:change=move |ev| {
                            let pref = match event_target_value(&ev).as_str() { "cpu" => Some(BackendChoice::Flex), "webgpu" => Some(BackendChoice::Wgpu), _ => None };
                            settings.update(|s| s.device = pref);
                            engine.choose_device(pref);
                        }>
                        <option value="auto">"Fastest (timed on first training)"</option>
                        <option value="webgpu">"WebGPU (CPU if unavailable)"</option>
                        <option value="cpu">"CPU"</option>
                    </select>
                </label>
                <span class="device">"In use: "<b data-testid="device">{move || match (engine.device.get(), engine.cpu.get()) {
                    (Some(k), Some(cpu)) if k.is_cpu() => cpu.label(),
                    (Some(k), Some(_)) => k.label().to_string(),
                    _ => "starting…".into(),
                }}</b></span>
                {move || engine.cpu_note.get().filter(|_| engine.cpu.get().is_some_and(|c| c.threads == 1) && dnaplay_protocol::timing::hardware_threads().is_some_and(|n| n > 1)).map(|why| view! {
                    <span class="device" data-testid="threads-note">{format!("One thread: {why}")}</span>
                })}
                {move || engine.probing.get().map(|_| view! { <span class="device" data-testid="device-probing">"Timing the CPU and WebGPU on a few batches…"</span> })}
                {move || engine.timings.with(|t| t.last().map(|t| view! { <span class="device timing" data-testid="device-timing">{t.describe(engine.cpu.get().unwrap_or(CpuBuild { threads: 1, relaxed_simd: false }))}</span> }))}
            </div>
        </header>
        <div inert=move || holding.get()><components::share::SharePanel settings open=share_open /></div>
        <div inert=move || holding.get()><components::my_runs::MyRunsPanel open=runs_open /></div>
        <nav class="lessons" aria-label="Lessons" inert=move || holding.get()>
            <ol>
                {move || settings.with(|s| s.visible_lessons()).into_iter().map(|l| view! {
                    <li><a href=format!("?lesson={}", l.slug()) aria-current=move || (lesson() == l).then_some("page")
                        on:click=move |ev| { ev.prevent_default(); settings.update(|s| s.lesson = l); }>
                        {format!("{}. {}", l.index() + 1, l.title())}</a></li>
                }).collect_view()}
            </ol>
        </nav>
        <main class="lesson" id="lesson" tabindex="-1" inert=move || holding.get()>
            {move || (!notices.get().is_empty()).then(|| view! {
                <div class="notices" role="status" data-testid="notices">
                    <ul>{notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                    <button on:click=move |_| set_notices.set(Vec::new())>"Dismiss"</button>
                </div>
            })}
            {move || engine.worker_note.get().map(|n| view! {
                <div class="notices" role="alert" data-testid="worker-note">
                    <p class="error">{n}</p>
                    <button on:click=move |_| engine.worker_note.set(None)>"Dismiss"</button>
                </div>
            })}
            {move || engine.device_note.get().map(|n| view! {
                <details class="note" data-testid="device-note">
                    <summary>"Training runs on the CPU (WebAssembly): WebGPU is not available."</summary>
                    <p>{n}</p>
                </details>
            })}
            {move || {
                let l = lesson();
                view! {
                    <h2 data-testid="lesson-title">{format!("{}. {}", l.index() + 1, l.title())}</h2>
                    {lessons::lesson_view(l)}
                }
            }}
            <nav class="pager" aria-label="Previous and next lesson">
                <button data-testid="prev" on:click=move |_| go(-1) disabled=move || step(-1).is_none()>
                    {move || step(-1).map(|l| format!("← {}", l.title())).unwrap_or_else(|| "←".into())}
                </button>
                <span class="hint">"← / → keys"</span>
                <button data-testid="next" class="primary" on:click=move |_| go(1) disabled=move || step(1).is_none()>
                    {move || step(1).map(|l| format!("{} →", l.title())).unwrap_or_else(|| "→".into())}
                </button>
            </nav>
        </main>
        <footer class="foot">
            "Lessons 1–8 after E. Wilson's "<i>"Modeling DNA Sequences with PyTorch"</i>" (seeds 001, 002); lesson 9 after Koo and Ploenzke, "
            <i>"Nature Machine Intelligence"</i>" 2021 (seed 003); lesson 10 after seed 000's multi-scale CNN tutorial; lesson 11 after seed 003's Fig. 2 and tangermeme; motifs from JASPAR 2016. "
            "Everything runs in this page; nothing is uploaded."
        </footer>
    }
}

//! DNA Playground's web app: a Leptos single-page app over the `dnaplay-model` crate.

pub mod components;
pub mod device;
pub mod training;

use dnaplay_model::burn::tensor::Device;
use dnaplay_state::{DevicePref, Settings};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device::{DeviceKind, cpu, init_webgpu};
use crate::training::TrainingPanel;

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

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let (initial, notices) = Settings::from_query(&location_query());
    let settings = RwSignal::new(initial);
    let (notices, set_notices) = signal(notices);
    Effect::new(move |_| replace_query(&settings.with(Settings::to_query)));

    let (device, set_device) = signal(None::<(DeviceKind, Device)>);
    let (device_note, set_device_note) = signal(None::<String>);
    // `init_async` may run only once per page: keep the WebGPU device (or why there is none).
    let webgpu: StoredValue<Option<Result<Device, String>>> = StoredValue::new(None);
    let choose = move |pref: Option<DevicePref>| {
        spawn_local(async move {
            if pref == Some(DevicePref::Cpu) {
                set_device_note.set(None);
                set_device.set(Some((DeviceKind::Cpu, cpu())));
                return;
            }
            if webgpu.with_value(Option::is_none) {
                let result = init_webgpu().await;
                webgpu.set_value(Some(result));
            }
            match webgpu.get_value().expect("WebGPU was just asked for") {
                Ok(d) => {
                    set_device_note.set(None);
                    set_device.set(Some((DeviceKind::WebGpu, d)));
                }
                Err(reason) => {
                    set_device_note.set(Some(reason));
                    set_device.set(Some((DeviceKind::Cpu, cpu())));
                }
            }
        });
    };
    choose(settings.get_untracked().device);

    view! {
        <header class="top">
            <h1>"DNA Playground"</h1>
            <p class="tagline">"Learn deep learning on DNA, in your browser."</p>
        </header>
        <main class="lesson">
            {move || (!notices.get().is_empty()).then(|| view! {
                <div class="notices" role="status">
                    <ul>{notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                    <button on:click=move |_| set_notices.set(Vec::new())>"Dismiss"</button>
                </div>
            })}
            <h2>"Train a model on every 8-mer"</h2>
            <p>
                "Each 8-mer is scored by a simple rule (seed 002, Part 1): the mean of A = 20, C = 17, G = 14, T = 11, "
                <code>"TAT"</code>" +10, "<code>"GCG"</code>" −10. A linear model sees single bases; a CNN with "
                "32 filters of width 3 can learn the motifs."
            </p>
            <label class="device-choice">
                "Device "
                <select prop:value={move || if settings.with(|s| s.device) == Some(DevicePref::Cpu) { "cpu" } else { "webgpu" }}
                    on:change=move |ev| {
                        let pref = if event_target_value(&ev) == "cpu" { DevicePref::Cpu } else { DevicePref::WebGpu };
                        settings.update(|s| s.device = Some(pref));
                        choose(Some(pref));
                    }>
                    <option value="webgpu">"WebGPU (CPU if unavailable)"</option>
                    <option value="cpu">"CPU"</option>
                </select>
            </label>
            {move || device_note.get().map(|n| view! {
                <details class="note">
                    <summary>"No WebGPU here, so training runs on the CPU (WebAssembly)."</summary>
                    <p>{n}</p>
                </details>
            })}
            <TrainingPanel device=device settings=settings />
        </main>
    }
}

//! DNA Playground's web app: a Leptos single-page app over the `dnaplay-model` crate.

pub mod components;
pub mod device;
pub mod training;

use dnaplay_model::burn::tensor::Device;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device::{DeviceKind, cpu, init_webgpu};
use crate::training::TrainingPanel;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let (device, set_device) = signal(None::<(DeviceKind, Device)>);
    let (device_note, set_device_note) = signal(None::<String>);
    spawn_local(async move {
        match init_webgpu().await {
            Ok(d) => set_device.set(Some((DeviceKind::WebGpu, d))),
            Err(reason) => {
                set_device_note.set(Some(reason));
                set_device.set(Some((DeviceKind::Cpu, cpu())));
            }
        }
    });
    view! {
        <header class="top">
            <h1>"DNA Playground"</h1>
            <p class="tagline">"Learn deep learning on DNA, in your browser."</p>
        </header>
        <main class="lesson">
            <h2>"Train a model on every 8-mer"</h2>
            <p>
                "Each 8-mer is scored by a simple rule (seed 002, Part 1): the mean of A = 20, C = 17, G = 14, T = 11, "
                <code>"TAT"</code>" +10, "<code>"GCG"</code>" −10. A linear model sees single bases; a CNN with "
                "32 filters of width 3 can learn the motifs."
            </p>
            {move || device_note.get().map(|n| view! {
                <details class="note">
                    <summary>"No WebGPU here, so training runs on the CPU (WebAssembly)."</summary>
                    <p>{n}</p>
                </details>
            })}
            <TrainingPanel device=device />
        </main>
    }
}

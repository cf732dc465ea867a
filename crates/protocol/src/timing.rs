//! The faster device, measured: on the first training of a model with the device set to
//! "Fastest", the run engine times a few batches on the CPU and on WebGPU and trains on the
//! faster. Small models often train faster on the CPU than through WebGPU, whose every batch
//! pays for kernel launches and a read-back.

use dnaplay_model::BackendChoice;
use dnaplay_model::models::ModelConfig;

use crate::run::RunError;

/// Batches timed per device, after one warm-up batch (which compiles WebGPU's kernels).
pub const TIMED_BATCHES: usize = 3;

/// The longest the choice waits for WebGPU's warm-up and timed batches, in milliseconds. A
/// software adapter, or a first compilation of the kernels, can take minutes; the runs then
/// start on the CPU and WebGPU's figure is shown when it arrives.
pub const GPU_WAIT_MS: f64 = 10_000.0;

/// Why WebGPU has no figure when the choice is made: it took longer than [`GPU_WAIT_MS`].
pub fn gpu_not_timed() -> RunError {
    RunError::Unavailable(format!("not timed within {:.0} s (WebGPU compiles its kernels on first use)", GPU_WAIT_MS / 1000.0))
}

/// Why WebGPU is not used when the browser lacks it.
pub const NO_WEBGPU: &str = "this browser has no WebGPU (navigator.gpu is missing)";

/// True when `navigator.gpu` exists (on the window, or in a worker).
pub fn browser_has_webgpu() -> bool {
    let Ok(navigator) = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()) else { return false };
    js_sys::Reflect::get(&navigator, &"gpu".into()).is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
}

/// True when the page is cross-origin isolated (`crossOriginIsolated`), so a wasm memory can
/// be shared with other workers: the condition for training on more than one thread.
pub fn cross_origin_isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into()).is_ok_and(|v| v.is_truthy())
}

/// Logical processors the browser reports (`navigator.hardwareConcurrency`), when it does.
pub fn hardware_threads() -> Option<usize> {
    let n = web_sys::window()?.navigator().hardware_concurrency();
    (n >= 1.0).then_some(n as usize)
}

/// What the CPU trains on, for the page: "CPU, 1 thread (of 8)", or "CPU, 8 threads (of 8),
/// relaxed SIMD", given what the training worker reported ([`crate::message::Event::Ready`]).
pub fn cpu_label(threads: usize, relaxed_simd: bool) -> String {
    let threads = if threads == 1 { "1 thread".to_string() } else { format!("{threads} threads") };
    let simd = if relaxed_simd { ", relaxed SIMD" } else { "" };
    match hardware_threads() {
        Some(n) => format!("CPU, {threads} (of {n}){simd}"),
        None => format!("CPU, {threads}{simd}"),
    }
}

/// The model a timing is for: its kind, input length and the batch size, e.g. "cnn-dist on 200
/// nt, batches of 100". A model with these three trains at the same speed.
pub fn timing_key(model: &ModelConfig, batch_size: usize) -> String {
    format!("{} on {} nt, batches of {batch_size}", model.kind, model.seq_len)
}

/// One measurement of both devices for one model.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DeviceTiming {
    /// [`timing_key`] of the model.
    pub model: String,
    /// Milliseconds per batch on the CPU, or why it could not be timed.
    pub cpu_ms: Result<f64, RunError>,
    /// Milliseconds per batch on WebGPU, `None` while it is still being measured.
    pub gpu_ms: Option<Result<f64, RunError>>,
    /// The device the runs of this model train on, once chosen.
    pub chosen: Option<BackendChoice>,
    /// WebGPU's figure came after the choice (which stands).
    pub late: bool,
}

impl DeviceTiming {
    /// The device to train on: the faster, the CPU when WebGPU failed or was not timed in time.
    pub fn choose(cpu_ms: &Result<f64, RunError>, gpu_ms: &Result<f64, RunError>) -> BackendChoice {
        match (cpu_ms, gpu_ms) {
            (Ok(c), Ok(g)) if g < c => BackendChoice::Wgpu,
            (Err(_), Ok(_)) => BackendChoice::Wgpu,
            _ => BackendChoice::Flex,
        }
    }

    /// One line for the page, e.g. "cnn-dist on 200 nt, batches of 100: CPU, 1 thread (of 8)
    /// 130 ms per batch · WebGPU 65 ms per batch → WebGPU", for a CPU of `threads` threads (and
    /// relaxed SIMD where `relaxed_simd`, as in [`cpu_label`]).
    pub fn describe(&self, threads: usize, relaxed_simd: bool) -> String {
        let figure = |r: &Result<f64, RunError>| match r {
            Ok(ms) => format!("{ms:.0} ms per batch"),
            Err(e) => e.to_string(),
        };
        let gpu = match &self.gpu_ms {
            None => "being timed…".to_string(),
            Some(r) => figure(r),
        };
        let chosen = match self.chosen {
            Some(c) if c.is_cpu() => " → CPU".to_string(),
            Some(c) => format!(" → {}", c.label()),
            None => String::new(),
        };
        let late = if self.late { " (WebGPU's figure came after the choice)" } else { "" };
        format!("{}: {} {} · WebGPU {gpu}{chosen}{late}", self.model, cpu_label(threads, relaxed_simd), figure(&self.cpu_ms))
    }
}

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

/// The CPU worker's build, as it reports it once up ([`crate::message::Event::Ready`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CpuBuild {
    /// Threads the worker trains on: 1, or as many as the browser reports in a cross-origin
    /// isolated page.
    pub threads: usize,
    /// The threaded worker's second build, with relaxed SIMD's fused multiply-adds in the
    /// matrix products (`relaxed/` in dist, picked by its loader where the browser validates
    /// relaxed SIMD; crates/patched/README.md).
    pub relaxed_simd: bool,
}

impl CpuBuild {
    /// What the CPU trains on, for the page: "CPU, 1 thread (of 8)", or "CPU, 8 threads (of
    /// 8), relaxed SIMD", with the processors the browser reports ([`hardware_threads`]).
    pub fn label(&self) -> String {
        self.label_with(hardware_threads())
    }

    /// [`CpuBuild::label`] given the logical processors `hardware` (none where unknown).
    pub fn label_with(&self, hardware: Option<usize>) -> String {
        let threads = if self.threads == 1 { "1 thread".to_string() } else { format!("{} threads", self.threads) };
        let simd = if self.relaxed_simd { ", relaxed SIMD" } else { "" };
        match hardware {
            Some(n) => format!("CPU, {threads} (of {n}){simd}"),
            None => format!("CPU, {threads}{simd}"),
        }
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
    /// 130 ms per batch · WebGPU 65 ms per batch → WebGPU", the CPU named by `cpu`'s
    /// [`CpuBuild::label`].
    pub fn describe(&self, cpu: CpuBuild) -> String {
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
        format!("{}: {} {} · WebGPU {gpu}{chosen}{late}", self.model, cpu.label(), figure(&self.cpu_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cpu_build_is_labelled_with_its_threads_and_simd() {
        let one = CpuBuild { threads: 1, relaxed_simd: false };
        assert_eq!(one.label_with(Some(8)), "CPU, 1 thread (of 8)");
        assert_eq!(one.label_with(None), "CPU, 1 thread");
        let relaxed = CpuBuild { threads: 2, relaxed_simd: true };
        assert_eq!(relaxed.label_with(Some(2)), "CPU, 2 threads (of 2), relaxed SIMD");
        assert_eq!(relaxed.label_with(None), "CPU, 2 threads, relaxed SIMD");
    }

    #[test]
    fn the_ready_event_carries_the_build_over_the_wire() {
        let build = CpuBuild { threads: 4, relaxed_simd: true };
        match crate::from_cbor::<crate::Event>(&crate::to_cbor(&crate::Event::Ready(build))) {
            Ok(crate::Event::Ready(back)) => assert_eq!(back, build),
            other => panic!("decoded {other:?}"),
        }
    }
}

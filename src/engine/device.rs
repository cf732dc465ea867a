//! The device runs train on: the student's choice, WebGPU's initialisation, and "Fastest",
//! which times a model on both devices before its first runs start ([`dnaplay_protocol::timing`]).

use dnaplay_model::BackendChoice;
use dnaplay_model::models::ModelConfig;
use dnaplay_model::trainer::TrainConfig;
use dnaplay_protocol::clock::{now_ms, sleep_ms};
use dnaplay_protocol::timing::{DeviceTiming, GPU_WAIT_MS, NO_WEBGPU, browser_has_webgpu, gpu_not_timed};
use dnaplay_protocol::{Bench, Command, Timed};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Engine;
use super::link::Role;
use super::run::{RunData, RunSpec, Until};

/// WebGPU in the worker: `init_async` may run only once per worker.
#[derive(Clone, PartialEq)]
pub(super) enum Gpu {
    /// Not initialised yet.
    NotAsked,
    /// Initialising.
    Pending,
    /// Initialised: runs may train on it.
    Ready,
    /// Failed, lost, or missing: why, for the page.
    Failed(String),
}

/// A start that waits for WebGPU or for the device timing.
pub(super) struct PendingStart {
    pub(super) bench: Bench,
    pub(super) specs: Vec<RunSpec>,
    pub(super) until: Until,
    /// The timing it waits for; `None` while it waits for WebGPU to initialise.
    pub(super) key: Option<String>,
}

impl Engine {
    /// The timing under `key` has its choice: start the runs that waited for it.
    pub(super) fn timing_decided(&self, key: &str) {
        let waiting = self.pending.with_value(|p| p.as_ref().is_some_and(|p| p.key.as_deref() == Some(key)));
        if !waiting {
            return;
        }
        self.probing.set(None);
        if let Some(p) = self.pending.try_update_value(Option::take).flatten() {
            // With the timing recorded, start uses its choice; if the student picked a device
            // meanwhile, that one.
            if let Err(e) = self.start_many(p.bench, p.specs, p.until) {
                self.device_note.set(Some(format!("The runs could not start after timing the devices: {e}")));
            }
        }
    }

    /// Time a model on both devices. One worker times both and chooses; with the threaded CPU
    /// worker, each worker times its own device and the page chooses, waiting for WebGPU's
    /// figure at most [`GPU_WAIT_MS`] after the CPU's, as the one worker does.
    pub(super) fn time_devices(&self, key: String, run_data: &RunData, model: ModelConfig, config: TrainConfig) {
        let data = run_data.spec();
        self.send_data(Role::Cpu, run_data);
        if !self.split {
            self.send(Role::Cpu, Command::Time { key, data, model, config, devices: Timed::Both });
            return;
        }
        self.send_data(Role::Gpu, run_data);
        self.gpu_times.update_value(|g| g.retain(|(k, _)| *k != key));
        self.send(Role::Gpu, Command::Time { key: key.clone(), data: data.clone(), model: model.clone(), config: config.clone(), devices: Timed::Gpu });
        self.send(Role::Cpu, Command::Time { key: key.clone(), data, model, config, devices: Timed::Cpu });
        let engine = *self;
        spawn_local(async move {
            let still_waiting = || engine.pending.with_value(|p| p.as_ref().is_some_and(|p| p.key.as_deref() == Some(key.as_str())));
            let has_cpu = || engine.timings.with_untracked(|t| t.iter().any(|t| t.model == key));
            while still_waiting() && !has_cpu() {
                sleep_ms(50).await;
            }
            let begun = now_ms();
            let gpu = || engine.gpu_times.with_value(|g| g.iter().find(|(k, _)| *k == key).map(|(_, r)| r.clone()));
            while still_waiting() && gpu().is_none() && now_ms() - begun < GPU_WAIT_MS {
                sleep_ms(50).await;
            }
            if !still_waiting() {
                return;
            }
            let gpu_ms = gpu().unwrap_or_else(|| Err(gpu_not_timed()));
            engine.timings.update(|t| {
                if let Some(t) = t.iter_mut().find(|t| t.model == key) {
                    t.chosen = Some(DeviceTiming::choose(&t.cpu_ms, &gpu_ms));
                    t.gpu_ms = Some(gpu_ms);
                }
            });
            engine.timing_decided(&key);
        });
    }
    /// Change the device runs start on. Live runs (their weights live on the old device) are
    /// stopped, keeping their metrics; so are the kept models of ended runs.
    pub fn set_device(&self, kind: BackendChoice) {
        if self.device.get_untracked() != Some(kind) {
            self.stop_where(|r| r.device != kind, "the device changed");
            let other: Vec<usize> = self.runs.with_untracked(|r| r.iter().filter(|r| r.device != kind).map(|r| r.id).collect());
            self.drop_runs(other);
        }
        self.device.set(Some(kind));
    }

    /// Use the device the student asked for: `Some(Flex)` for the CPU, otherwise WebGPU when
    /// the browser has it. WebGPU is initialised once per worker however often it is asked
    /// for; an answer that arrives after the student chose the CPU does not override that
    /// choice, and a WebGPU that failed (or was lost) is not asked again.
    ///
    /// `None` is "Fastest": the CPU at once, WebGPU initialised in the background, and each
    /// model timed on both when it first trains ([`Engine::start`]).
    pub fn choose_device(&self, pref: Option<BackendChoice>) {
        self.wanted.set_value(pref);
        if pref.is_some_and(BackendChoice::is_cpu) {
            self.device_note.set(None);
            self.set_device(BackendChoice::Flex);
            return;
        }
        let auto = pref.is_none();
        if auto && self.device.get_untracked() != Some(BackendChoice::Flex) {
            self.set_device(BackendChoice::Flex);
        }
        match self.gpu.get_value() {
            Gpu::Ready if auto => self.device_note.set(None),
            Gpu::Ready => {
                self.device_note.set(None);
                self.set_device(BackendChoice::Wgpu);
            }
            Gpu::Failed(reason) => {
                self.device_note.set(Some(reason));
                self.set_device(BackendChoice::Flex);
            }
            Gpu::Pending => {}
            // A split page would start a second worker only to hear there is no WebGPU.
            Gpu::NotAsked if self.split && !browser_has_webgpu() => {
                self.gpu.set_value(Gpu::Failed(NO_WEBGPU.into()));
                self.choose_device(pref);
            }
            Gpu::NotAsked => {
                self.gpu.set_value(Gpu::Pending);
                self.send(self.gpu_role(), Command::InitGpu);
            }
        }
    }
}

//! "Fastest": a model timed on the CPU and on WebGPU before its first runs start
//! ([`dnaplay_protocol::timing`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dnaplay_model::BackendChoice;
use dnaplay_model::Error;
use dnaplay_model::models::ModelConfig;
use dnaplay_model::trainer::{TrainConfig, Trainer};
use dnaplay_protocol::clock::{now_ms, sleep_ms};
use dnaplay_protocol::timing::{DeviceTiming, GPU_WAIT_MS, TIMED_BATCHES, gpu_not_timed};
use dnaplay_protocol::{DataSpec, Event, RunError, Timed};
use wasm_bindgen_futures::spawn_local;

use crate::worker::{WorkerData, data_for, device_of, send};

/// Train one warm-up batch, then time [`TIMED_BATCHES`] more: milliseconds per batch.
async fn time_batches(trainer: &mut Trainer, device: BackendChoice) -> Result<f64, RunError> {
    let on_webgpu = device == BackendChoice::Wgpu;
    let failed = |e: Error| RunError::from_training(&e, on_webgpu);
    trainer.step_batch().await.map_err(failed)?;
    let start = now_ms();
    for _ in 0..TIMED_BATCHES {
        trainer.step_batch().await.map_err(failed)?;
    }
    Ok((now_ms() - start) / TIMED_BATCHES as f64)
}

/// Time a model on the devices `devices` names. Both: the CPU, then WebGPU in a task of its
/// own; after [`GPU_WAIT_MS`] the CPU is chosen and WebGPU's figure is reported when it comes
/// (marked late). One device: its figure alone, for the page to choose.
pub(crate) async fn time_devices(key: String, spec: DataSpec, model: ModelConfig, config: TrainConfig, devices: Timed) {
    let data = match data_for(&spec) {
        Ok(d) => d,
        Err(e) => {
            let e = RunError::Refused(e.to_string());
            return match devices {
                Timed::Gpu => send(&Event::GpuTime { key, result: Err(e) }),
                _ => send(&Event::Timing(DeviceTiming { model: key, cpu_ms: Err(e.clone()), gpu_ms: Some(Err(e)), chosen: Some(BackendChoice::Flex), late: false })),
            };
        }
    };
    if devices == Timed::Gpu {
        return send(&Event::GpuTime { key, result: time_on(&data, model, config, BackendChoice::Wgpu).await });
    }
    let cpu_ms = time_on(&data, model.clone(), config.clone(), BackendChoice::Flex).await;
    send(&Event::Timing(DeviceTiming { model: key.clone(), cpu_ms: cpu_ms.clone(), gpu_ms: None, chosen: None, late: false }));
    if devices == Timed::Cpu {
        return;
    }
    let gpu_result: Rc<RefCell<Option<Result<f64, RunError>>>> = Default::default();
    let chosen_cell: Rc<Cell<Option<BackendChoice>>> = Default::default();
    {
        let (cell, chosen_cell, data, cpu_ms, key) = (gpu_result.clone(), chosen_cell.clone(), data.clone(), cpu_ms.clone(), key.clone());
        spawn_local(async move {
            let result = time_on(&data, model, config, BackendChoice::Wgpu).await;
            *cell.borrow_mut() = Some(result.clone());
            // A late figure is shown; the choice already made stands.
            if let Some(chosen) = chosen_cell.get() {
                send(&Event::Timing(DeviceTiming { model: key, cpu_ms, gpu_ms: Some(result), chosen: Some(chosen), late: true }));
            }
        });
    }
    let start = now_ms();
    while gpu_result.borrow().is_none() && now_ms() - start < GPU_WAIT_MS {
        sleep_ms(50).await;
    }
    let gpu_ms = gpu_result.borrow().clone().unwrap_or_else(|| Err(gpu_not_timed()));
    let chosen = DeviceTiming::choose(&cpu_ms, &gpu_ms);
    chosen_cell.set(Some(chosen));
    send(&Event::Timing(DeviceTiming { model: key, chosen: Some(chosen), cpu_ms, gpu_ms: Some(gpu_ms), late: false }));
}

/// Milliseconds per batch of `model` on `device`.
async fn time_on(data: &WorkerData, model: ModelConfig, config: TrainConfig, device: BackendChoice) -> Result<f64, RunError> {
    match data.trainer(model, config, &device_of(device)?) {
        Ok(mut t) => time_batches(&mut t, device).await,
        Err(e) => Err(RunError::Refused(e.to_string())),
    }
}


//! The worker's reports ([`Event`]) applied to the runs' views. A report about a run that is no
//! longer live (reset, cleared, failed) is ignored, so no report can revive a run a control
//! ended.

use std::sync::Arc;

use dnaplay_model::BackendChoice;
use dnaplay_protocol::{Event, FilterSnapshot, RunError, RunState};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::{Engine, ParseAnswer};
use super::device::Gpu;
use super::link::Role;
use super::run::{RunData, RunResults, RunView};

/// The answer to an attention request: run id, test sequence index, and the weights
/// (`[branches, length]` flat) or why not.
pub type AttentionReply = (usize, usize, Result<Vec<f32>, RunError>);

/// An answer from the worker to a question about run `id`'s model, under the request's key.
pub type Reply<T> = (usize, u64, Result<Arc<T>, RunError>);

/// Answers kept per kind (lesson 11 asks two models at a time).
const REPLIES_KEPT: usize = 8;

impl Engine {
    pub(super) fn on_event(&self, role: Role, event: Event) {
        match event {
            Event::Ready(build) => {
                let queued = self.links.try_update_value(|l| {
                    l[role as usize].ready = true;
                    std::mem::take(&mut l[role as usize].queue)
                });
                if role == Role::Cpu {
                    self.cpu.set(Some(build));
                }
                for c in queued.into_iter().flatten() {
                    self.send(role, c);
                }
            }
            Event::Gpu(result) => {
                self.gpu.set_value(match result {
                    Ok(()) => Gpu::Ready,
                    Err(e) => Gpu::Failed(e.to_string()),
                });
                // Apply only if the student still wants WebGPU (or the fastest device).
                if !self.wanted.get_value().is_some_and(BackendChoice::is_cpu) {
                    self.choose_device(self.wanted.get_value());
                }
            }
            Event::Timing(timing) => {
                let (key, decided) = (timing.model.clone(), timing.chosen.is_some() && !timing.late);
                self.timings.update(|t| match t.iter_mut().find(|t| t.model == key) {
                    Some(old) => *old = timing,
                    None => t.push(timing),
                });
                if decided {
                    self.timing_decided(&key);
                }
            }
            Event::GpuTime { key, result } => {
                // A figure after the page chose is shown as late; the choice stands.
                self.timings.update(|t| {
                    if let Some(t) = t.iter_mut().find(|t| t.model == key && t.chosen.is_some()) {
                        t.gpu_ms = Some(result.clone());
                        t.late = true;
                    }
                });
                self.gpu_times.update_value(|g| g.push((key, result)));
            }
            Event::Progress { id, batch } => self.update_live(id, |r| {
                r.batch = batch;
                r.state.started();
            }),
            Event::Epoch { id, record, seconds_per_epoch, filters, profile } => self.update_live(id, |r| {
                r.history.push(record);
                r.seconds_per_epoch = Some(seconds_per_epoch);
                r.profile.merge(&profile);
                match filters {
                    Some(Ok(f)) => {
                        r.match_fractions.push(f.report.match_fraction);
                        r.filters = Some(Arc::new(f));
                    }
                    Some(Err(e)) => r.state = RunState::Failed(e.prefixed("could not read the filters: ")),
                    None => {}
                }
            }),
            Event::Ended { id, how } => self.update_live(id, |r| r.state.end(how)),
            Event::Failed { id, error } => {
                self.update(id, |r| r.state.fail(error.clone()));
                if let RunError::DeviceFault(message) = error {
                    let why = format!("The WebGPU device failed during run #{id} ({message}); the page switched to the CPU. The epochs recorded so far are kept; press Train to start a new run.");
                    self.gpu.set_value(Gpu::Failed(why.clone()));
                    self.device_note.set(Some(why));
                    self.set_device(BackendChoice::Flex);
                }
            }
            Event::Filters { id, snapshot } => self.update(id, |r| r.filters = Some(Arc::new(FilterSnapshot { epoch: r.history.len(), ..snapshot }))),
            Event::KmerResults { id, results } => {
                self.update(id, |r| {
                    let RunData::Kmers(dataset) = &r.data else { return };
                    // Epochs as the run counts them (a loaded model's trainer has stepped none).
                    match RunResults::new(r.history.len(), dataset.clone(), *results) {
                        Ok(res) => r.results = Some(Arc::new(res)),
                        Err(e) => r.state = RunState::Failed(RunError::Evaluation(format!("could not evaluate the model: {e}"))),
                    }
                });
                self.release_maps();
            }
            Event::Test { id, evaluation } => self.update(id, |r| r.test = Some(Arc::new(evaluation))),
            Event::EvaluationFailed { id, error } => self.update(id, |r| r.state = RunState::Failed(error)),
            Event::Attention { id, index, result } => self.attention.set(Some((id, index, result))),
            Event::Explained { id, key, result } => keep_reply(self.explanations, (id, key, result.map(Arc::new))),
            Event::Inserted { id, key, result } => keep_reply(self.insertions, (id, key, result.map(Arc::new))),
            Event::Predictions { id, predictions } => self.update(id, |r| r.predictions = Some(Arc::new(predictions))),
            Event::Weights { id, result } => match result {
                Ok(bytes) => self.update(id, |r| r.weights = Some(Arc::new(bytes.into_vec()))),
                Err(e) => self.weights_error.set(Some(format!("Run #{id}'s weights could not be read: {e}"))),
            },
            Event::Memory { bytes } => WORKER_MEMORY.with(|m| m[role as usize].set(bytes)),
            Event::Parsing { key, bytes } => self.parse.set_value(Some((key, ParseAnswer::Read(bytes)))),
            Event::Parsed { key, parsed, last } => self.parse.update_value(|p| {
                let mut whole = match p.take() {
                    Some((k, ParseAnswer::Receiving(w))) if k == key => w,
                    _ => Box::default(),
                };
                whole.append((*parsed).into());
                *p = Some((key, if last { ParseAnswer::Done(Arc::new(*whole)) } else { ParseAnswer::Receiving(whole) }));
            }),
        }
    }


    pub(super) fn update(&self, id: usize, f: impl FnOnce(&mut RunView)) {
        self.runs.update(|runs| {
            if let Some(r) = runs.iter_mut().find(|r| r.id == id) {
                f(r)
            }
        });
    }

    /// Apply a worker report to run `id` only while it is live: a run reset, cleared or failed
    /// meanwhile stays as it is.
    pub(super) fn update_live(&self, id: usize, f: impl FnOnce(&mut RunView)) {
        self.update(id, |r| {
            if r.state.is_live() {
                f(r)
            }
        });
    }
}

/// Add `reply` to `replies`, keeping the newest [`REPLIES_KEPT`].
fn keep_reply<T: Send + Sync + 'static>(replies: RwSignal<Vec<Reply<T>>>, reply: Reply<T>) {
    replies.update(|r| {
        r.push(reply);
        let extra = r.len().saturating_sub(REPLIES_KEPT);
        r.drain(..extra);
    });
}

thread_local! {
    /// Each worker's latest memory report ([`Event::Memory`]), by [`Role`], for
    /// [`worker_memory_bytes`].
    static WORKER_MEMORY: [std::cell::Cell<f64>; 2] = const { [std::cell::Cell::new(0.0), std::cell::Cell::new(0.0)] };
}

/// Bytes of the training worker's WebAssembly memory at its latest report (0 before any): a
/// high-water mark, for the page's memory test (`tests/e2e`).
#[wasm_bindgen]
pub fn worker_memory_bytes() -> f64 {
    WORKER_MEMORY.with(|m| m.iter().map(std::cell::Cell::get).sum())
}

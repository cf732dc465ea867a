//! The training workers seen from the page: starting them, sending them commands (queued until
//! a worker is ready), and what happens when one fails to load or dies.

use dnaplay_model::BackendChoice;
use dnaplay_protocol::clock::sleep_ms;
use dnaplay_protocol::{Command, Event, RunError, RunState, Uploads, decode, encode};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::capabilities::js_text;
use super::device::Gpu;
use super::run::RunData;
use super::{Engine, THREADED_START_MS, THREADED_WORKER_SCRIPT, WORKER_RESTARTS, WORKER_SCRIPT};

/// Which build trains on the CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CpuWorker {
    /// The threaded worker: one rayon thread per logical processor, no WebGPU.
    Threaded,
    /// The one-thread worker (which also holds WebGPU when it is the only worker).
    OneThread,
}


/// A training worker's job. A page that is not cross-origin isolated has one worker, which
/// trains on one CPU thread and on WebGPU. An isolated page trains on the CPU in the threaded
/// worker, which cannot hold WebGPU (cubecl-wgpu's types are not `Send` under wasm atomics), and
/// starts the one-thread worker beside it for WebGPU when the browser has WebGPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// The CPU's worker (threaded or one-thread).
    Cpu = 0,
    /// WebGPU's own worker, beside the threaded CPU worker.
    Gpu = 1,
}

/// A training worker and the messages waiting for it to start.
#[derive(Default)]
pub(super) struct Link {
    pub(super) worker: Option<web_sys::Worker>,
    pub(super) ready: bool,
    pub(super) queue: Vec<Command>,
    /// Workers started so far.
    pub(super) started: usize,
    /// Why training is unavailable, once the workers have failed too often.
    pub(super) gone: Option<String>,
    /// The students' uploads this worker has or will have once its queue is sent, oldest first
    /// ([`Command::UserData`]): the worker's own list, kept by the same rule
    /// ([`Uploads`]); emptied with the queue when a worker is replaced.
    pub(super) uploads: Uploads<()>,
}

impl Engine {
    /// The worker that trains on `device`.
    pub(super) fn role_of(&self, device: BackendChoice) -> Role {
        if self.split && !device.is_cpu() { Role::Gpu } else { Role::Cpu }
    }

    /// The worker that holds WebGPU.
    pub(super) fn gpu_role(&self) -> Role {
        self.role_of(BackendChoice::Wgpu)
    }

    /// Start the training worker for `role` and listen to it. Messages sent before it says it
    /// is ready wait.
    pub(super) fn spawn_worker(&self, role: Role) {
        let threaded = role == Role::Cpu && self.cpu_worker.get_value() == CpuWorker::Threaded;
        let started = if threaded {
            let options = web_sys::WorkerOptions::new();
            options.set_type(web_sys::WorkerType::Module);
            web_sys::Worker::new_with_options(THREADED_WORKER_SCRIPT, &options)
        } else {
            web_sys::Worker::new(WORKER_SCRIPT)
        };
        let worker = match started {
            Ok(w) => w,
            Err(e) => {
                // Not a worker that died: the browser would not create one. The next kind, if any.
                self.links.update_value(|l| l[role as usize].started += 1);
                self.failed_to_load(role, format!("the browser refused to start it ({})", js_text(&e)));
                return;
            }
        };
        let engine = *self;
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| match decode::<Event>(&event.data()) {
            Ok(e) => engine.on_event(role, e),
            Err(e) => web_sys::console::error_1(&format!("DNA Playground ignored {e} from its worker").into()),
        });
        // An `ErrorEvent` for an error thrown in the worker; a plain `Event` when its script
        // could not be fetched, which has no message.
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            let message = js_sys::Reflect::get(&event, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
            engine.worker_died(role, message);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // Each worker's handlers live as long as it does; a page starts at most a few.
        on_message.forget();
        on_error.forget();
        let generation = self.links.try_update_value(|l| {
            let l = &mut l[role as usize];
            l.worker = Some(worker);
            l.ready = false;
            l.started += 1;
            l.started
        });
        if threaded && let Some(generation) = generation {
            // A pool that never starts may hang without an error: after a while, one thread.
            spawn_local(async move {
                sleep_ms(THREADED_START_MS).await;
                let hung = engine.links.with_value(|l| l[role as usize].started == generation && !l[role as usize].ready && l[role as usize].worker.is_some());
                if hung {
                    engine.worker_died(role, format!("it did not start within {} s", THREADED_START_MS / 1000));
                }
            });
        }
    }

    /// The worker for `role` failed before it was ready: its script, its WebAssembly or its
    /// start. Move to the next kind (the threaded CPU worker to the one-thread worker, the WebGPU
    /// worker to the CPU), or, when the one-thread worker itself cannot load, say that training
    /// is unavailable. Nothing is retried.
    pub(super) fn failed_to_load(&self, role: Role, why: String) {
        if let Some(w) = self.links.try_update_value(|l| l[role as usize].worker.take()).flatten() {
            w.terminate();
        }
        if role == Role::Cpu && self.cpu_worker.get_value() == CpuWorker::Threaded {
            // Commands waiting for it (runs queued, a timing) go to the one-thread worker.
            web_sys::console::warn_1(&format!("DNA Playground trains on one thread: the threaded training worker did not load ({why})").into());
            self.cpu_worker.set_value(CpuWorker::OneThread);
            self.cpu_note.set(Some(format!("the threaded worker did not start ({why})")));
            self.spawn_worker(role);
            return;
        }
        let reason = format!("the training worker did not load ({why})");
        web_sys::console::warn_1(&reason.clone().into());
        self.links.update_value(|l| {
            l[role as usize].queue.clear();
            l[role as usize].uploads.clear();
        });
        self.fail_runs_of(role, &reason);
        if role == Role::Gpu {
            // The CPU still trains.
            let why = format!("WebGPU's worker did not load ({why}); training runs on the CPU.");
            self.gpu.set_value(Gpu::Failed(why.clone()));
            self.links.update_value(|l| l[role as usize].gone = Some(why.clone()));
            if !self.wanted.get_value().is_some_and(BackendChoice::is_cpu) {
                self.device_note.set(Some(why));
            }
            self.set_device(BackendChoice::Flex);
            return;
        }
        let why = format!("{}; training is unavailable in this page. Reload it to try again.", capitalised(&reason));
        self.links.update_value(|l| l[role as usize].gone = Some(why.clone()));
        self.probing.set(None);
        self.pending.set_value(None);
        self.worker_note.set(Some(why));
    }

    /// The worker for `role` died: fail its live runs with the reason, forget what it held,
    /// and start a fresh one (or give up after [`WORKER_RESTARTS`]).
    pub(super) fn worker_died(&self, role: Role, message: String) {
        let was_ready = self.links.with_value(|l| l[role as usize].ready);
        if !was_ready {
            let why = match message.trim() {
                "" => "its script or WebAssembly could not be fetched or compiled".to_string(),
                m => m.to_string(),
            };
            self.failed_to_load(role, why);
            return;
        }
        let reason = match message.trim() {
            "" => "the training worker stopped".to_string(),
            m => format!("the training worker stopped ({m})"),
        };
        web_sys::console::warn_1(&reason.clone().into());
        if let Some(w) = self.links.try_update_value(|l| l[role as usize].worker.take()).flatten() {
            w.terminate();
        }
        self.fail_runs_of(role, &reason);
        if role == Role::Cpu {
            self.probing.set(None);
            self.pending.set_value(None);
            self.cpu.set(None);
        }
        if role == self.gpu_role() {
            self.gpu.set_value(Gpu::NotAsked);
        }
        let restarts = self.links.with_value(|l| l[role as usize].started);
        if restarts > WORKER_RESTARTS {
            let why = format!("{}, {restarts} times; training is unavailable in this page. Reload it to try again.", capitalised(&reason));
            self.links.update_value(|l| {
                l[role as usize].gone = Some(why.clone());
                l[role as usize].queue.clear();
                l[role as usize].uploads.clear();
            });
            self.worker_note.set(Some(why.clone()));
            if role != Role::Cpu {
                // The CPU worker still trains.
                self.gpu.set_value(Gpu::Failed(why));
                self.set_device(BackendChoice::Flex);
            }
            return;
        }
        self.worker_note.set(Some(format!("{}; a fresh worker was started. Runs that were training failed; finished runs keep their results.", capitalised(&reason))));
        // Commands queued for the dead worker do not carry over, except WebGPU's start.
        self.links.update_value(|l| {
            l[role as usize].queue.clear();
            l[role as usize].uploads.clear();
        });
        self.spawn_worker(role);
        self.choose_device(self.wanted.get_value());
    }

    /// Fail the runs the worker for `role` held and will not finish, saying `reason`: the live
    /// ones, and the loaded ones whose results it had not sent yet (they never come).
    fn fail_runs_of(&self, role: Role, reason: &str) {
        self.runs.update(|runs| {
            for r in runs.iter_mut().filter(|r| self.role_of(r.device) == role) {
                if r.state.is_live() {
                    r.state = RunState::Failed(RunError::WorkerDied(format!("{reason}; press Train to start again")));
                } else if r.awaits_evaluation() {
                    r.state = RunState::Failed(RunError::WorkerDied(format!("{reason}; load the weights again")));
                }
            }
        });
    }

    /// Send `command` to the worker for `role`, or queue it until that worker is ready. The
    /// WebGPU worker of a threaded page starts on its first command.
    pub(super) fn send(&self, role: Role, command: Command) {
        if self.links.with_value(|l| l[role as usize].started == 0) {
            self.spawn_worker(role);
        }
        let ready = self.links.with_value(|l| l[role as usize].ready && l[role as usize].worker.is_some());
        if !ready {
            self.links.update_value(|l| l[role as usize].queue.push(command));
            return;
        }
        self.links.with_value(|l| {
            if let Some(w) = &l[role as usize].worker {
                let (bytes, transfer) = encode(&command);
                if let Err(e) = w.post_message_with_transfer(&bytes, &transfer) {
                    web_sys::console::error_1(&e);
                }
            }
        });
    }

    /// Send `data`'s upload to the worker for `role` unless it has it: a run on a student's
    /// data names it by its key ([`dnaplay_protocol::DataSpec::User`]), so the sequences cross
    /// to each worker once. Call before a command that names `data`.
    pub(super) fn send_data(&self, role: Role, data: &RunData) {
        let RunData::User(set) = data else { return };
        if self.links.try_update_value(|l| l[role as usize].uploads.add(set.key, ())) == Some(true) {
            self.send(role, Command::UserData { key: set.key, data: set.data.clone() });
        }
    }

    /// Send `command` to every worker started (run controls: a worker ignores ids it does not
    /// hold).
    pub(super) fn broadcast(&self, command: Command) {
        if self.split && self.links.with_value(|l| l[Role::Gpu as usize].started > 0 && l[Role::Gpu as usize].gone.is_none()) {
            self.send(Role::Gpu, command.clone());
        }
        self.send(Role::Cpu, command);
    }

    /// Why training is unavailable, when the workers failed too often.
    pub(super) fn unavailable(&self) -> Option<String> {
        self.links.with_value(|l| l[Role::Cpu as usize].gone.clone())
    }
}

/// `text` with its first letter in upper case, for a sentence of its own.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

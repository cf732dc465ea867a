//! The run engine: every training in the page goes through here (lesson 5's runs, lesson 9's
//! relu/exp pair, lesson 10's multi-scale CNN, and later sweeps).
//!
//! The training itself happens in a dedicated Web Worker (`crates/worker`), so the page's
//! thread keeps only the interface and the drawing. The engine keeps every run's view and its
//! state machine ([`RunState`]): queued → training ⇄ paused → finished, or stopped (reset,
//! device change) or failed (divergence, a device fault, a worker that died, with the reason).
//! The views of every run live in one signal, [`Engine::runs`]. Controls act on a lesson's runs
//! ([`Bench`]) at once, in the page, and are sent to the worker ([`Command`]); the worker's
//! reports ([`Event`]) update the views:
//!
//! - the worker trains every run in state training, round robin, and reads the page's
//!   messages between slices of about 25 ms, so Pause takes effect
//!   within a slice;
//! - a report about a run that is no longer live (reset, cleared, failed) is ignored, so no
//!   report can revive a run a control ended;
//! - a run holds an `Arc` of the data it trains on ([`RunData`]); the worker generates the same
//!   data from its description ([`RunData::spec`]), and the run's results are computed on it,
//!   whatever the page's settings are now;
//! - divergence (a NaN or infinite loss) fails the run at the batch where it happens; a failed
//!   run is never evaluated;
//! - a device fault on WebGPU fails the run, marks WebGPU as failed for this page, and moves
//!   the page to the CPU; every metric recorded so far stays;
//! - a worker that dies (a crash, a script that does not load) fails the live runs with the
//!   reason, and a fresh worker takes the next runs (at most [`WORKER_RESTARTS`] times);
//! - where the browser can run threads ([`Capabilities::no_threads`]), the page trains on the
//!   CPU in the threaded worker (every core) and on WebGPU in a one-thread worker beside it;
//!   elsewhere the one-thread worker does both, and [`Engine::cpu_note`] says why. Run controls
//!   go to both; each ignores runs it lacks;
//! - a worker that fails to load or start moves to the next kind at once, never retried: the
//!   threaded worker to the one-thread worker (the runs waiting for it start there), the WebGPU
//!   worker to the CPU. Training is unavailable only when the one-thread worker cannot load.
//!
//! Memory is bounded: a lesson keeps at most [`MAX_RUNS_PER_BENCH`] runs (the oldest ended runs
//! go first), and the 8-mer filter maps (about 20 MB a run) are kept for the newest
//! [`MAPS_KEPT`] runs; the worker keeps trainers only for live runs and the newest ended run of
//! a 200-nt lesson.

use std::sync::Arc;

use dnaplay_model::BackendChoice;
use dnaplay_model::Error;
use dnaplay_model::checkpoint::CheckpointMeta;
use dnaplay_model::data::Split;
use dnaplay_model::upload::UserData;
use dnaplay_model::models::ModelConfig;
use dnaplay_model::tasks::{ClassTask, ClassTaskKind, FilterReport};
use dnaplay_model::trainer::{ClassEvaluation, EpochRecord, TrainConfig};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::clock::{now_ms, sleep_ms};
use crate::lab::{Dataset, RunResults};
use crate::protocol::{Command, DataSpec, Ended, Event, ExplainRequest, Explanation, InsertRequest, Timed, decode, encode};
use dnaplay_model::attribution::Experiment;
use crate::capabilities::{Capabilities, NoThreads, js_text};
use crate::timing::{DeviceTiming, GPU_WAIT_MS, NO_WEBGPU, browser_has_webgpu, gpu_not_timed, timing_key};

/// Most runs a lesson keeps; starting more drops the oldest ended ones.
pub const MAX_RUNS_PER_BENCH: usize = 8;
/// 8-mer runs whose first-layer maps are kept (the newest); older runs keep their other results.
pub const MAPS_KEPT: usize = 2;
/// The one-thread training worker's script, beside the page (`assets/dnaplay-worker-loader.js`,
/// copied by Trunk): it loads the worker that the `data-bin="dnaplay-worker"` link in
/// `Index.html` builds, which has WebGPU.
pub const WORKER_SCRIPT: &str = "./dnaplay-worker-loader.js";
/// The threaded CPU worker's script (`assets/dnaplay-worker-mt-loader.js`, a module worker): it
/// loads the build of `scripts/build-worker-threads.sh` and starts one rayon thread per logical
/// processor. Used when the page is cross-origin isolated.
pub const THREADED_WORKER_SCRIPT: &str = "./dnaplay-worker-mt-loader.js";
/// Fresh workers the page starts after one that had been working dies, before it gives up
/// training. A worker that never loaded is not restarted: the next kind takes over.
pub const WORKER_RESTARTS: usize = 3;
/// How long the threaded worker may take to say it is ready (its wasm compiled, its thread pool
/// started) before the page trains on one thread instead, in milliseconds. A browser that
/// cannot start the pool's workers may hang rather than fail.
pub const THREADED_START_MS: i32 = 30_000;

/// Which build trains on the CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CpuWorker {
    /// The threaded worker: one rayon thread per logical processor, no WebGPU.
    Threaded,
    /// The one-thread worker (which also holds WebGPU when it is the only worker).
    OneThread,
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    /// Set up, waiting for its first slice.
    Queued,
    /// Training, or waiting for its next slice.
    Training,
    /// Paused by the student (or after "Step one epoch"); can go on.
    Paused,
    /// All epochs done (or early-stopped).
    Finished,
    /// Closed before its last epoch; its metrics stay. The reason, e.g. "reset".
    Stopped(String),
    /// Stopped by an error; the message says what happened and what to try.
    Failed(String),
}

impl RunState {
    /// Queued, training or paused: the run has a trainer and can go on.
    pub fn is_live(&self) -> bool {
        matches!(self, RunState::Queued | RunState::Training | RunState::Paused)
    }

    /// Queued or training: the loop will step it.
    pub fn is_active(&self) -> bool {
        matches!(self, RunState::Queued | RunState::Training)
    }

    /// Words for the run table: "training", "stopped (reset)", or the failure.
    pub fn describe(&self) -> String {
        match self {
            RunState::Queued => "queued".into(),
            RunState::Training => "training".into(),
            RunState::Paused => "paused".into(),
            RunState::Finished => "finished".into(),
            RunState::Stopped(why) => format!("stopped ({why})"),
            RunState::Failed(m) => m.clone(),
        }
    }
}

/// The lesson a run belongs to; its controls act on its own runs only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Bench {
    /// Lessons 5 to 8: seed 002's 8-mer regression.
    Kmers,
    /// Lesson 9: CNN-dist with relu and exp on seed 003's Task 3.
    Contrast,
    /// Lesson 10: seed 000's multi-scale CNN.
    Keras,
    /// Lesson 12, Question 2: a sweep of 8-mer runs (Linear and CNN × learning rates).
    Sweep,
    /// Lesson 12, Question 1: the CNN on seed 002's rule and on its position-dependent twin.
    Position,
    /// Lesson 12, Question 3: a baseline CNN and its retrained variants.
    Improve,
    /// Lesson 12, Fig. 1c: one cell of seed 003's Task 1 grid trained live.
    Fig1c,
    /// Lesson 13: the student's own sequences.
    User,
}

impl Bench {
    /// The 200-nt task of a classification lesson.
    pub fn class_task(self) -> Option<ClassTaskKind> {
        match self {
            Bench::Kmers | Bench::Sweep | Bench::Position | Bench::Improve | Bench::User => None,
            Bench::Contrast => Some(ClassTaskKind::Task3),
            Bench::Keras => Some(ClassTaskKind::Keras200),
            Bench::Fig1c => Some(ClassTaskKind::Task1),
        }
    }
}

/// A generated 200-nt task (the training worker one-hot encodes its splits; the page shows
/// its sequences).
#[derive(Debug)]
pub struct ClassData {
    /// The sequences, split and ground truth. Every run on it is evaluated on the test split
    /// when it pauses or ends (lesson 10's report; lesson 11 picks sequences by these
    /// predictions).
    pub task: ClassTask,
}

impl ClassData {
    /// Generate `num_seqs` sequences of `kind` from `seed`.
    ///
    /// # Errors
    /// The generator's errors.
    pub fn generate(kind: ClassTaskKind, num_seqs: usize, seed: u64) -> Result<ClassData, Error> {
        Ok(ClassData { task: ClassTask::generate(kind, num_seqs, seed)? })
    }
}

/// The data a run trains on, shared by the runs started together. Two values are equal when
/// they are the same data (`Arc::ptr_eq`).
#[derive(Debug, Clone)]
pub enum RunData {
    /// All 8-mers under one rule and split.
    Kmers(Arc<Dataset>),
    /// A 200-nt classification task.
    Class(Arc<ClassData>),
    /// A student's own sequences and their split.
    User(Arc<UserSet>),
}

/// A student's data set with the split its runs train on.
#[derive(Debug)]
pub struct UserSet {
    /// The sequences and labels.
    pub data: UserData,
    /// The seed of the split.
    pub seed: u64,
    /// Train, validation and test indices (seed 002's fractions, [`UserData::split`]).
    pub split: Split,
}

impl UserSet {
    /// Split `data` by `seed`.
    ///
    /// # Errors
    /// Too few sequences to split.
    pub fn new(data: UserData, seed: u64) -> Result<UserSet, Error> {
        let split = data.split(seed)?;
        Ok(UserSet { data, seed, split })
    }
}

impl PartialEq for RunData {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (RunData::Kmers(a), RunData::Kmers(b)) => Arc::ptr_eq(a, b),
            (RunData::Class(a), RunData::Class(b)) => Arc::ptr_eq(a, b),
            (RunData::User(a), RunData::User(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl RunData {
    /// How the training worker generates the same data ([`DataSpec`]).
    pub fn spec(&self) -> DataSpec {
        match self {
            RunData::Kmers(d) => DataSpec::Kmers { rule: d.rule.clone(), seed: d.seed },
            RunData::Class(c) => DataSpec::Class { kind: c.task.kind, num_seqs: c.task.seqs.len(), seed: c.task.seed },
            RunData::User(u) => DataSpec::User { data: u.data.clone(), seed: u.seed },
        }
    }

    /// Check `model` and `config` against this data without building a trainer (no one-hot
    /// encoding): the refusals a student can cause ([`ModelConfig::validate`],
    /// [`TrainConfig::validate`]).
    ///
    /// # Errors
    /// As those two.
    pub fn check(&self, model: &ModelConfig, config: &TrainConfig) -> Result<(), Error> {
        model.validate()?;
        config.validate(self.sizes().0)
    }

    /// Sizes of the training and validation splits.
    pub fn sizes(&self) -> (usize, usize) {
        match self {
            RunData::Kmers(d) => (d.split.train.len(), d.split.val.len()),
            RunData::Class(c) => (c.task.split.train.len(), c.task.split.val.len()),
            RunData::User(u) => (u.split.train.len(), u.split.val.len()),
        }
    }

    /// The 200-nt task, for classification runs.
    pub fn class(&self) -> Option<&Arc<ClassData>> {
        match self {
            RunData::Class(c) => Some(c),
            RunData::Kmers(_) | RunData::User(_) => None,
        }
    }
}

/// The filters of a run after an epoch: logos and their matches.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FilterSnapshot {
    /// Epochs trained when it was taken.
    pub epoch: usize,
    /// Logos (count matrices), matches and the match fraction.
    pub report: FilterReport,
}

/// One run, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    /// 1-based run number, unique in the page, shown in legends.
    pub id: usize,
    /// Its lesson.
    pub bench: Bench,
    /// The model trained.
    pub model: ModelConfig,
    /// The training settings.
    pub config: TrainConfig,
    /// The device it trains on.
    pub device: BackendChoice,
    /// The data it trains on.
    pub data: RunData,
    /// One record per finished epoch.
    pub history: Vec<EpochRecord>,
    /// Match fraction of the first-layer filters after each epoch (200-nt runs).
    pub match_fractions: Vec<f64>,
    /// Batches done in the current epoch, and batches per epoch.
    pub batch: (usize, usize),
    /// Seconds of training per epoch (pauses and filter matching excluded).
    pub seconds_per_epoch: Option<f64>,
    /// Where it stands.
    pub state: RunState,
    /// Pause when this many epochs are done ("Step one epoch").
    pub pause_at: Option<usize>,
    /// 8-mer runs: predictions, R², spot checks and filters, once paused or ended.
    pub results: Option<Arc<RunResults>>,
    /// 200-nt runs: the latest filters.
    pub filters: Option<Arc<FilterSnapshot>>,
    /// 200-nt runs of lesson 10: the test-split evaluation, once paused or ended.
    pub test: Option<Arc<ClassEvaluation>>,
    /// A shipped checkpoint's name when the weights were loaded rather than trained here.
    pub shipped: Option<&'static str>,
    /// Lesson 13's runs: predictions on the test split, in split order, once paused or ended.
    pub predictions: Option<Arc<Vec<f32>>>,
    /// Lesson 13's runs: the weights (burnpack), once asked for ([`Engine::request_weights`]).
    pub weights: Option<Arc<Vec<u8>>>,
}

impl RunView {
    /// A queued run `id` of `model` with `config` on `data` and `device`, with no epochs yet.
    pub fn queued(id: usize, bench: Bench, model: ModelConfig, config: TrainConfig, device: BackendChoice, data: RunData) -> RunView {
        // The trainer's batches per epoch (`Trainer::batches_per_epoch`), until the worker reports.
        let batches = data.sizes().0.div_ceil(config.batch_size.max(1));
        RunView {
            id,
            bench,
            model,
            config,
            device,
            data,
            history: Vec::new(),
            match_fractions: Vec::new(),
            batch: (0, batches),
            seconds_per_epoch: None,
            state: RunState::Queued,
            pause_at: None,
            results: None,
            filters: None,
            test: None,
            shipped: None,
            predictions: None,
            weights: None,
        }
    }

    /// Train and validation loss per epoch, the two curves of a loss chart.
    pub fn losses(&self) -> (Vec<f32>, Vec<f32>) {
        (self.history.iter().map(|h| h.train_loss).collect(), self.history.iter().map(|h| h.val_loss).collect())
    }

    /// Legend label, e.g. "#2 CNN (exp), adam lr 0.001".
    pub fn label(&self) -> String {
        use dnaplay_model::models::ModelKind;
        let model = match self.model.kind {
            ModelKind::Linear => "Linear".to_string(),
            ModelKind::Cnn => format!("CNN ({})", self.model.activation),
            other => format!("{other} ({})", self.model.activation),
        };
        format!("#{} {model}, {} lr {}", self.id, self.config.optimizer, self.config.learning_rate)
    }

    /// One status line of a 200-nt run, e.g. "relu: epoch 3 of 10 · batch 12 of 28 · val
    /// AUROC 0.912 · 4.1 s per epoch", naming the run `name`.
    pub fn status_line(&self, name: &str) -> String {
        let done = self.history.len();
        let total = self.config.num_epochs;
        let spe = self.seconds_per_epoch.map(|x| format!(" · {x:.1} s per epoch")).unwrap_or_default();
        let best = || self.history.iter().filter_map(|h| h.val_auroc).reduce(f32::max).map(|a| format!(" · best val AUROC {a:.3}")).unwrap_or_default();
        let epochs = if done == 1 { "1 epoch".to_string() } else { format!("{done} epochs") };
        match &self.state {
            RunState::Finished if self.shipped.is_some() => format!("{name}: trained weights loaded ({epochs}, by scripts/checkpoints.sh){}", best()),
            RunState::Finished => format!("{name}: finished after {epochs}{}{spe}", best()),
            RunState::Failed(e) => format!("{name}: failed: {e}"),
            RunState::Stopped(why) => format!("{name}: stopped ({why}) after {epochs}"),
            state => {
                let mut s = format!("{name}: epoch {} of {total} · batch {} of {}", (done + 1).min(total), self.batch.0, self.batch.1);
                if let Some(a) = self.history.last().and_then(|h| h.val_auroc) {
                    s.push_str(&format!(" · val AUROC {a:.3}"));
                }
                s.push_str(&spe);
                match state {
                    RunState::Paused => s.push_str(" · paused"),
                    RunState::Queued => s.push_str(" · queued"),
                    _ => {}
                }
                s
            }
        }
    }
}

/// What [`Engine::start`] and [`Engine::resume`] train until.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// The last epoch.
    End,
    /// The end of the current epoch.
    NextEpoch,
}

/// WebGPU in the worker: `init_async` may run only once per worker.
#[derive(Clone, PartialEq)]
enum Gpu {
    NotAsked,
    Pending,
    Ready,
    Failed(String),
}

/// A training worker's job. A page that is not cross-origin isolated has one worker, which
/// trains on one CPU thread and on WebGPU. An isolated page trains on the CPU in the threaded
/// worker, which cannot hold WebGPU (cubecl-wgpu's types are not `Send` under wasm atomics), and
/// starts the one-thread worker beside it for WebGPU when the browser has WebGPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Cpu = 0,
    Gpu = 1,
}

/// A training worker and the messages waiting for it to start.
#[derive(Default)]
struct Link {
    worker: Option<web_sys::Worker>,
    ready: bool,
    queue: Vec<Command>,
    /// Workers started so far.
    started: usize,
    /// Why training is unavailable, once the workers have failed too often.
    gone: Option<String>,
}

/// One run to start: its data, model and settings.
pub type RunSpec = (RunData, ModelConfig, TrainConfig);

/// A start that waits for WebGPU or for the device timing.
struct PendingStart {
    bench: Bench,
    specs: Vec<RunSpec>,
    until: Until,
    /// The timing it waits for; `None` while it waits for WebGPU to initialise.
    key: Option<String>,
}

/// The answer to an attention request: run id, test sequence index, and the weights
/// (`[branches, length]` flat) or why not.
pub type AttentionReply = (usize, usize, Result<Vec<f32>, String>);

/// An answer from the worker to a question about run `id`'s model, under the request's key.
pub type Reply<T> = (usize, u64, Result<Arc<T>, String>);

/// Answers kept per kind (lesson 11 asks two models at a time).
const REPLIES_KEPT: usize = 8;

/// The page's one run engine. Cheap to copy: all fields are reactive handles.
#[derive(Clone, Copy)]
pub struct Engine {
    /// Every run of every lesson, oldest first.
    pub runs: RwSignal<Vec<RunView>>,
    /// The device runs start on, once known.
    pub device: RwSignal<Option<BackendChoice>>,
    /// Why the page is not on the device the student asked for, when it is not.
    pub device_note: RwSignal<Option<String>>,
    /// Device timings, one per model timed ("Fastest"), newest last.
    pub timings: RwSignal<Vec<DeviceTiming>>,
    /// The lesson whose runs wait while the devices are timed.
    pub probing: RwSignal<Option<Bench>>,
    /// Threads the worker trains on with the CPU, once it is up.
    pub threads: RwSignal<Option<usize>>,
    /// What happened to the training worker, when it died.
    pub worker_note: RwSignal<Option<String>>,
    /// The latest attention answer ([`Engine::request_attention`]).
    pub attention: RwSignal<Option<AttentionReply>>,
    /// Attribution maps, newest last ([`Engine::request_explanation`]).
    pub explanations: RwSignal<Vec<Reply<Explanation>>>,
    /// Insertion experiments, newest last ([`Engine::request_insertion`]).
    pub insertions: RwSignal<Vec<Reply<Experiment>>>,
    /// Why the last weights asked for could not be read.
    pub weights_error: RwSignal<Option<String>>,
    /// Why the CPU trains on one thread, when the browser has more than one processor and the
    /// threaded worker cannot run or did not start; `None` while it trains on every core.
    pub cpu_note: RwSignal<Option<String>>,
    /// Whether WebGPU has a worker of its own ([`Role::Gpu`]): decided at start-up, true when
    /// the browser can run the threaded worker, which cannot hold WebGPU.
    split: bool,
    cpu_worker: StoredValue<CpuWorker, LocalStorage>,
    links: StoredValue<[Link; 2], LocalStorage>,
    /// WebGPU's figures from the WebGPU worker, by timing key, for the choice the page makes
    /// when the workers are split.
    gpu_times: StoredValue<Vec<(String, Result<f64, String>)>, LocalStorage>,
    next_id: StoredValue<usize, LocalStorage>,
    next_key: StoredValue<u64, LocalStorage>,
    gpu: StoredValue<Gpu, LocalStorage>,
    wanted: StoredValue<Option<BackendChoice>, LocalStorage>,
    pending: StoredValue<Option<PendingStart>, LocalStorage>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// No runs; the CPU as the device; the training worker starting.
    pub fn new() -> Engine {
        let engine = Engine {
            runs: RwSignal::new(Vec::new()),
            device: RwSignal::new(None),
            device_note: RwSignal::new(None),
            timings: RwSignal::new(Vec::new()),
            probing: RwSignal::new(None),
            threads: RwSignal::new(None),
            worker_note: RwSignal::new(None),
            attention: RwSignal::new(None),
            explanations: RwSignal::new(Vec::new()),
            insertions: RwSignal::new(Vec::new()),
            weights_error: RwSignal::new(None),
            cpu_note: RwSignal::new(None),
            split: false,
            cpu_worker: StoredValue::new_local(CpuWorker::OneThread),
            links: StoredValue::new_local(Default::default()),
            gpu_times: StoredValue::new_local(Vec::new()),
            next_id: StoredValue::new_local(1),
            next_key: StoredValue::new_local(1),
            gpu: StoredValue::new_local(Gpu::NotAsked),
            wanted: StoredValue::new_local(None),
            pending: StoredValue::new_local(None),
        };
        let engine = match Capabilities::detect().no_threads() {
            None => {
                engine.cpu_worker.set_value(CpuWorker::Threaded);
                Engine { split: true, ..engine }
            }
            Some(NoThreads::OneProcessor) => engine,
            Some(why) => {
                engine.cpu_note.set(Some(why.to_string()));
                engine
            }
        };
        engine.spawn_worker(Role::Cpu);
        engine
    }

    /// The worker that trains on `device`.
    fn role_of(&self, device: BackendChoice) -> Role {
        if self.split && !device.is_cpu() { Role::Gpu } else { Role::Cpu }
    }

    /// The worker that holds WebGPU.
    fn gpu_role(&self) -> Role {
        self.role_of(BackendChoice::Wgpu)
    }

    /// Start the training worker for `role` and listen to it. Messages sent before it says it
    /// is ready wait.
    fn spawn_worker(&self, role: Role) {
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
    fn failed_to_load(&self, role: Role, why: String) {
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
        self.links.update_value(|l| l[role as usize].queue.clear());
        self.runs.update(|runs| {
            for r in runs.iter_mut().filter(|r| r.state.is_live() && self.role_of(r.device) == role) {
                r.state = RunState::Failed(format!("{reason}; press Train to start again"));
            }
        });
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
    fn worker_died(&self, role: Role, message: String) {
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
        self.runs.update(|runs| {
            for r in runs.iter_mut().filter(|r| r.state.is_live() && self.role_of(r.device) == role) {
                r.state = RunState::Failed(format!("{reason}; press Train to start again"));
            }
        });
        if role == Role::Cpu {
            self.probing.set(None);
            self.pending.set_value(None);
            self.threads.set(None);
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
        self.links.update_value(|l| l[role as usize].queue.clear());
        self.spawn_worker(role);
        self.choose_device(self.wanted.get_value());
    }

    /// Send `command` to the worker for `role`, or queue it until that worker is ready. The
    /// WebGPU worker of a threaded page starts on its first command.
    fn send(&self, role: Role, command: Command) {
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

    /// Send `command` to every worker started (run controls: a worker ignores ids it does not
    /// hold).
    fn broadcast(&self, command: Command) {
        if self.split && self.links.with_value(|l| l[Role::Gpu as usize].started > 0 && l[Role::Gpu as usize].gone.is_none()) {
            self.send(Role::Gpu, command.clone());
        }
        self.send(Role::Cpu, command);
    }

    /// Why training is unavailable, when the workers failed too often.
    fn unavailable(&self) -> Option<String> {
        self.links.with_value(|l| l[Role::Cpu as usize].gone.clone())
    }

    fn on_event(&self, role: Role, event: Event) {
        match event {
            Event::Ready { threads } => {
                let queued = self.links.try_update_value(|l| {
                    l[role as usize].ready = true;
                    std::mem::take(&mut l[role as usize].queue)
                });
                if role == Role::Cpu {
                    self.threads.set(Some(threads));
                }
                for c in queued.into_iter().flatten() {
                    self.send(role, c);
                }
            }
            Event::Gpu(result) => {
                self.gpu.set_value(match result {
                    Ok(()) => Gpu::Ready,
                    Err(e) => Gpu::Failed(e),
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
                if r.state == RunState::Queued {
                    r.state = RunState::Training;
                }
            }),
            Event::Epoch { id, record, seconds_per_epoch, filters } => self.update_live(id, |r| {
                r.history.push(record);
                r.seconds_per_epoch = Some(seconds_per_epoch);
                match filters {
                    Some(Ok(f)) => {
                        r.match_fractions.push(f.report.match_fraction);
                        r.filters = Some(Arc::new(f));
                    }
                    Some(Err(e)) => r.state = RunState::Failed(format!("could not read the filters: {e}")),
                    None => {}
                }
            }),
            Event::Ended { id, how } => self.update_live(id, |r| match how {
                Ended::Finished => r.state = RunState::Finished,
                Ended::Paused if r.state.is_active() => r.state = RunState::Paused,
                Ended::Paused => {}
            }),
            Event::Failed { id, message, device_fault } => {
                self.update(id, |r| {
                    if !matches!(r.state, RunState::Stopped(_) | RunState::Failed(_)) {
                        r.state = RunState::Failed(message.clone());
                    }
                });
                if device_fault {
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
                        Err(e) => r.state = RunState::Failed(format!("could not evaluate the model: {e}")),
                    }
                });
                self.release_maps();
            }
            Event::Test { id, evaluation } => self.update(id, |r| r.test = Some(Arc::new(evaluation))),
            Event::EvaluationFailed { id, message } => self.update(id, |r| r.state = RunState::Failed(message)),
            Event::Attention { id, index, result } => self.attention.set(Some((id, index, result))),
            Event::Explained { id, key, result } => keep_reply(self.explanations, (id, key, result.map(Arc::new))),
            Event::Inserted { id, key, result } => keep_reply(self.insertions, (id, key, result.map(Arc::new))),
            Event::Predictions { id, predictions } => self.update(id, |r| r.predictions = Some(Arc::new(predictions))),
            Event::Weights { id, result } => match result {
                Ok(bytes) => self.update(id, |r| r.weights = Some(Arc::new(bytes.into_vec()))),
                Err(e) => self.weights_error.set(Some(format!("Run #{id}'s weights could not be read: {e}"))),
            },
            Event::Memory { bytes } => WORKER_MEMORY.with(|m| m[role as usize].set(bytes)),
        }
    }

    /// The runs of `bench`, oldest first (tracked).
    pub fn runs_of(&self, bench: Bench) -> Vec<RunView> {
        self.runs.with(|r| r.iter().filter(|r| r.bench == bench).cloned().collect())
    }

    /// Whether any run of `bench` is in a state `pred` accepts (tracked).
    pub fn any(&self, bench: Bench, pred: impl Fn(&RunState) -> bool) -> bool {
        self.runs.with(|r| r.iter().any(|r| r.bench == bench && pred(&r.state)))
    }

    /// True while a run of `bench` trains or waits to, or its devices are being timed.
    pub fn is_training(&self, bench: Bench) -> bool {
        self.probing.get() == Some(bench) || self.any(bench, RunState::is_active)
    }

    /// True while any run of any lesson trains.
    pub fn any_training(&self) -> bool {
        self.runs.with(|r| r.iter().any(|r| r.state.is_active()))
    }

    fn update(&self, id: usize, f: impl FnOnce(&mut RunView)) {
        self.runs.update(|runs| {
            if let Some(r) = runs.iter_mut().find(|r| r.id == id) {
                f(r)
            }
        });
    }

    /// Apply a worker report to run `id` only while it is live: a run reset, cleared or failed
    /// meanwhile stays as it is.
    fn update_live(&self, id: usize, f: impl FnOnce(&mut RunView)) {
        self.update(id, |r| {
            if r.state.is_live() {
                f(r)
            }
        });
    }

    fn drop_runs(&self, ids: Vec<usize>) {
        if !ids.is_empty() {
            self.broadcast(Command::Drop { ids });
        }
    }

    /// The timing under `key` has its choice: start the runs that waited for it.
    fn timing_decided(&self, key: &str) {
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
    fn time_devices(&self, key: String, data: DataSpec, model: ModelConfig, config: TrainConfig) {
        if !self.split {
            self.send(Role::Cpu, Command::Time { key, data, model, config, devices: Timed::Both });
            return;
        }
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

    /// Start one run per `(model, settings)` on `data`, on the current device. Live runs of
    /// `bench` are stopped first, so two starts never overlap; in lessons 9 and 10 the new runs
    /// replace the old ones ([`Engine::replace_runs`]).
    ///
    /// # Errors
    /// No device yet, training unavailable (the worker failed), or the refusal of the settings
    /// ([`RunData::check`], shown to the student).
    ///
    /// With the device set to "Fastest" and WebGPU ready, the first start of a model times it on
    /// both devices first ([`crate::timing`]); the runs then start on the faster one.
    pub fn start(&self, bench: Bench, data: RunData, specs: Vec<(ModelConfig, TrainConfig)>, until: Until) -> Result<(), String> {
        self.start_many(bench, specs.into_iter().map(|(m, c)| (data.clone(), m, c)).collect(), until)
    }

    /// Start one run per [`RunSpec`], each on its own data (a sweep's cells, or lesson 12's
    /// runs on two rules), as [`Engine::start`] does.
    ///
    /// # Errors
    /// As [`Engine::start`].
    pub fn start_many(&self, bench: Bench, specs: Vec<RunSpec>, until: Until) -> Result<(), String> {
        if let Some(why) = self.unavailable() {
            return Err(why);
        }
        if self.probing.get_untracked().is_some() {
            return Err("the devices are being timed; the runs start in a moment".into());
        }
        if specs.is_empty() {
            return Err("there is nothing to train".into());
        }
        for (data, model, config) in &specs {
            data.check(model, config).map_err(|e| e.to_string())?;
        }
        if self.wanted.get_value().is_none() {
            match self.gpu.get_value() {
                Gpu::Pending => {
                    // WebGPU is still starting: wait for it (at most GPU_WAIT_MS) before choosing.
                    self.probing.set(Some(bench));
                    self.pending.set_value(Some(PendingStart { bench, specs, until, key: None }));
                    let engine = *self;
                    spawn_local(async move {
                        let begun = now_ms();
                        while engine.gpu.get_value() == Gpu::Pending && now_ms() - begun < GPU_WAIT_MS {
                            sleep_ms(50).await;
                        }
                        let Some(p) = engine.pending.try_update_value(|p| if p.as_ref().is_some_and(|p| p.key.is_none()) { p.take() } else { None }).flatten() else { return };
                        engine.probing.set(None);
                        let started = if engine.gpu.get_value() == Gpu::Pending { engine.start_on_device(p.bench, p.specs, p.until) } else { engine.start_many(p.bench, p.specs, p.until) };
                        if let Err(e) = started {
                            engine.device_note.set(Some(format!("The runs could not start: {e}")));
                        }
                    });
                    return Ok(());
                }
                Gpu::Ready => {
                    if let Some((data, model, config)) = specs.first().cloned() {
                        let key = timing_key(&model, config.batch_size);
                        match self.timings.with_untracked(|t| t.iter().find(|t| t.model == key).and_then(|t| t.chosen)) {
                            Some(choice) => self.device.set(Some(choice)),
                            None => {
                                self.probing.set(Some(bench));
                                self.time_devices(key.clone(), data.spec(), model, config);
                                self.pending.set_value(Some(PendingStart { bench, specs, until, key: Some(key) }));
                                return Ok(());
                            }
                        }
                    }
                }
                Gpu::NotAsked | Gpu::Failed(_) => {}
            }
        }
        self.start_on_device(bench, specs, until)
    }

    fn start_on_device(&self, bench: Bench, specs: Vec<RunSpec>, until: Until) -> Result<(), String> {
        let Some(device) = self.device.get_untracked() else {
            return Err("the device is still starting; try again in a moment".into());
        };
        self.replace_runs(bench);
        self.prune(bench, specs.len());
        for (data, model, config) in specs {
            let id = self.new_id();
            let pause_at = (until == Until::NextEpoch).then_some(1);
            self.send(self.role_of(device), Command::Start { id, bench, data: data.spec(), model: model.clone(), config: config.clone(), device, pause_at });
            let run = RunView { pause_at, ..RunView::queued(id, bench, model, config, device, data.clone()) };
            self.runs.update(|r| r.push(run));
        }
        Ok(())
    }

    fn new_id(&self) -> usize {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        id
    }

    /// Add one finished run per checkpoint `(name, description, weights)` on `data`, on the
    /// current device, replacing runs of `bench` as [`Engine::start`] does. Their history is the
    /// checkpoint's; the worker loads the weights and computes the filters, results and test
    /// report on `data` at once, as for a run that ended here. Weights that do not fit the model
    /// fail their run with burn's reason.
    ///
    /// # Errors
    /// No device yet, or training unavailable (the worker failed).
    pub fn load(&self, bench: Bench, data: RunData, checkpoints: Vec<(&'static str, CheckpointMeta, Vec<u8>)>) -> Result<(), String> {
        if let Some(why) = self.unavailable() {
            return Err(why);
        }
        let Some(device) = self.device.get_untracked() else {
            return Err("the device is still starting; try again in a moment".into());
        };
        self.replace_runs(bench);
        self.prune(bench, checkpoints.len());
        for (name, meta, weights) in checkpoints {
            let id = self.new_id();
            self.send(self.role_of(device), Command::Load { id, bench, data: data.spec(), model: meta.model.clone(), config: meta.train.clone(), device, weights: serde_bytes::ByteBuf::from(weights) });
            let run = RunView {
                history: meta.history,
                match_fractions: meta.match_fractions,
                state: RunState::Finished,
                shipped: Some(name),
                ..RunView::queued(id, bench, meta.model, meta.train, device, data.clone())
            };
            self.runs.update(|r| r.push(run));
        }
        Ok(())
    }

    /// Go on with the paused runs of `bench`. Returns false when there are none.
    pub fn resume(&self, bench: Bench, until: Until) -> bool {
        let mut resumed = Vec::new();
        self.runs.update(|runs| {
            for r in runs.iter_mut().filter(|r| r.bench == bench && r.state == RunState::Paused) {
                r.state = RunState::Training;
                r.pause_at = (until == Until::NextEpoch).then_some(r.history.len() + 1);
                resumed.push((r.id, r.pause_at));
            }
        });
        let any = !resumed.is_empty();
        if any {
            self.broadcast(Command::Resume { runs: resumed });
        }
        any
    }

    /// Pause the training runs of `bench`; the worker evaluates them on their own data.
    pub fn pause(&self, bench: Bench) {
        let mut paused = Vec::new();
        self.runs.update(|runs| {
            for r in runs.iter_mut().filter(|r| r.bench == bench && r.state.is_active()) {
                r.state = RunState::Paused;
                paused.push(r.id);
            }
        });
        if !paused.is_empty() {
            self.broadcast(Command::Pause { ids: paused });
        }
    }

    /// Close the live runs of `bench` (their metrics stay) and drop their trainers.
    pub fn reset(&self, bench: Bench) {
        self.stop_where(|r| r.bench == bench, "reset");
    }

    /// Make room for new runs of `bench`: the 8-mer lesson stops its live run and keeps the
    /// ended ones to compare; lessons 9 and 10 show one set of runs (a pair, or one run), so
    /// the new set replaces the old.
    fn replace_runs(&self, bench: Bench) {
        if matches!(bench, Bench::Kmers | Bench::Improve) {
            self.reset(bench);
        } else {
            self.clear(bench);
        }
    }

    /// Remove every run of `bench`, live or not.
    pub fn clear(&self, bench: Bench) {
        let ids: Vec<usize> = self.runs.with_untracked(|r| r.iter().filter(|r| r.bench == bench).map(|r| r.id).collect());
        self.drop_runs(ids);
        self.runs.update(|r| r.retain(|r| r.bench != bench));
    }

    fn stop_where(&self, pred: impl Fn(&RunView) -> bool, why: &str) {
        let mut stopped = Vec::new();
        self.runs.update(|runs| {
            for r in runs.iter_mut().filter(|r| pred(r) && r.state.is_live()) {
                r.state = RunState::Stopped(why.into());
                stopped.push(r.id);
            }
        });
        self.drop_runs(stopped);
    }

    /// Keep at most [`MAX_RUNS_PER_BENCH`] runs of `bench` once `adding` more arrive: drop the
    /// oldest ended ones.
    fn prune(&self, bench: Bench, adding: usize) {
        let ended: Vec<usize> = self.runs.with_untracked(|r| r.iter().filter(|r| r.bench == bench && !r.state.is_live()).map(|r| r.id).collect());
        let count = self.runs.with_untracked(|r| r.iter().filter(|r| r.bench == bench).count());
        let excess = (count + adding).saturating_sub(MAX_RUNS_PER_BENCH).min(ended.len());
        if excess > 0 {
            let gone = ended[..excess].to_vec();
            self.runs.update(|r| r.retain(|r| !gone.contains(&r.id)));
            self.drop_runs(gone);
        }
    }

    /// Keep the 8-mer filter maps of the newest [`MAPS_KEPT`] runs only.
    fn release_maps(&self) {
        self.runs.update(|runs| {
            let with_maps: Vec<usize> = runs.iter().filter(|r| r.results.as_ref().is_some_and(|x| x.maps.is_some())).map(|r| r.id).collect();
            let drop_maps = &with_maps[..with_maps.len().saturating_sub(MAPS_KEPT)];
            for r in runs.iter_mut().filter(|r| drop_maps.contains(&r.id)) {
                if let Some(res) = &r.results {
                    r.results = Some(Arc::new(RunResults { maps: None, ..(**res).clone() }));
                }
            }
        });
    }

    /// Ask the worker for the multi-scale model's attention over test sequence `index` of run
    /// `id`; the answer arrives in [`Engine::attention`].
    pub fn request_attention(&self, id: usize, index: usize) {
        self.send(self.role_of(self.device_of(id)), Command::Attention { id, index });
    }

    /// Ask the worker for attribution maps of run `id`'s model; the answer arrives in
    /// [`Engine::explanations`] under the returned key.
    pub fn request_explanation(&self, id: usize, request: ExplainRequest) -> u64 {
        let key = self.fresh_key();
        self.send(self.role_of(self.device_of(id)), Command::Explain { id, key, request });
        key
    }

    /// Ask the worker for the insertion experiment on run `id`'s model; the answer arrives in
    /// [`Engine::insertions`] under the returned key.
    pub fn request_insertion(&self, id: usize, request: InsertRequest) -> u64 {
        let key = self.fresh_key();
        self.send(self.role_of(self.device_of(id)), Command::Insert { id, key, request });
        key
    }

    /// Ask the worker for run `id`'s weights; they arrive in its [`RunView::weights`].
    pub fn request_weights(&self, id: usize) {
        self.send(self.role_of(self.device_of(id)), Command::Weights { id });
    }

    fn fresh_key(&self) -> u64 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        key
    }

    /// The device run `id` trains on (the CPU for a run no longer listed).
    fn device_of(&self, id: usize) -> BackendChoice {
        self.runs.with_untracked(|r| r.iter().find(|r| r.id == id).map(|r| r.device)).unwrap_or(BackendChoice::Flex)
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

/// `text` with its first letter in upper case, for a sentence of its own.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

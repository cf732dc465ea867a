//! The run engine: every training in the page goes through here (lesson 5's runs, lesson 9's
//! relu/exp pair, lesson 10's multi-scale CNN, and later sweeps).
//!
//! The training itself happens in a dedicated Web Worker (`crates/worker`), so the page's
//! thread keeps only the interface and the drawing. The engine keeps every run's view, and moves
//! it through the state machine the worker uses too ([`RunState`], in `dnaplay-protocol`):
//! queued → training ⇄ paused → finished, or stopped (reset, device change) or failed (a typed
//! [`RunError`]: divergence, a device fault, a worker that died, with the reason). The views of
//! every run live in one signal, [`Engine::runs`]. Controls act on a lesson's runs ([`Bench`]) at
//! once, in the page, and are sent to the worker ([`Command`]); the worker's reports
//! ([`Event`](dnaplay_protocol::Event), [`events`]) update the views:
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

mod device;
mod events;
mod link;
mod run;

use std::sync::Arc;

use dnaplay_model::BackendChoice;
use dnaplay_model::checkpoint::CheckpointMeta;
use dnaplay_model::models::ModelConfig;
use dnaplay_model::trainer::TrainConfig;
use dnaplay_protocol::clock::{now_ms, sleep_ms};
use dnaplay_protocol::timing::{CpuBuild, DeviceTiming, GPU_WAIT_MS, timing_key};
use dnaplay_protocol::{Bench, Command, ExplainRequest, Explanation, InsertRequest, RunError, RunState};
use dnaplay_model::attribution::Experiment;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::capabilities::{Capabilities, NoThreads};
use device::{Gpu, PendingStart};
use link::{CpuWorker, Link, Role};

pub use events::{AttentionReply, Reply, worker_memory_bytes};

pub use run::{RunData, RunResults, RunSpec, RunView, Until, UserSet};

/// Why runs could not start ([`Engine::start`], [`Engine::load`]); its words are shown to the
/// student.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StartError {
    /// The training workers failed too often: why, and to reload.
    #[error("{0}")]
    Unavailable(String),
    /// The devices are being timed for an earlier start ("Fastest").
    #[error("the devices are being timed; the runs start in a moment")]
    Timing,
    /// No runs were asked for.
    #[error("there is nothing to train")]
    Nothing,
    /// The model or the training settings were refused ([`RunData::check`]).
    #[error(transparent)]
    Refused(#[from] dnaplay_model::Error),
    /// The device is not known yet (the worker is starting).
    #[error("the device is still starting; try again in a moment")]
    NoDevice,
}

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
    /// The CPU worker's build (its threads, and whether relaxed SIMD), once it is up.
    pub cpu: RwSignal<Option<CpuBuild>>,
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
    gpu_times: StoredValue<Vec<(String, Result<f64, RunError>)>, LocalStorage>,
    next_id: StoredValue<usize, LocalStorage>,
    next_key: StoredValue<u64, LocalStorage>,
    gpu: StoredValue<Gpu, LocalStorage>,
    wanted: StoredValue<Option<BackendChoice>, LocalStorage>,
    pending: StoredValue<Option<PendingStart>, LocalStorage>,
    /// The worker's latest answer about a file it parses ([`Engine::parse_piece`]): its key and
    /// the bytes read, or the result.
    parse: StoredValue<Option<(u64, ParseAnswer)>, LocalStorage>,
}

/// What the worker said about a file it parses.
#[derive(Debug)]
pub enum ParseAnswer {
    /// Bytes read so far.
    Read(f64),
    /// The result's parts received so far ([`dnaplay_protocol::Event::Parsed`]).
    Receiving(Box<dnaplay_model::upload::Parsed>),
    /// The parse, once its last piece was read.
    Done(std::sync::Arc<dnaplay_model::upload::Parsed>),
    /// The CPU worker failed too often to be started again: why (the parse is lost).
    Gone(String),
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
            cpu: RwSignal::new(None),
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
            parse: StoredValue::new_local(None),
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


    pub(super) fn drop_runs(&self, ids: Vec<usize>) {
        if !ids.is_empty() {
            self.broadcast(Command::Drop { ids });
        }
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
    /// both devices first ([`dnaplay_protocol::timing`]); the runs then start on the faster one.
    pub fn start(&self, bench: Bench, data: RunData, specs: Vec<(ModelConfig, TrainConfig)>, until: Until) -> Result<(), StartError> {
        self.start_many(bench, specs.into_iter().map(|(m, c)| (data.clone(), m, c)).collect(), until)
    }

    /// Start one run per [`RunSpec`], each on its own data (a sweep's cells, or lesson 12's
    /// runs on two rules), as [`Engine::start`] does.
    ///
    /// # Errors
    /// As [`Engine::start`].
    pub fn start_many(&self, bench: Bench, specs: Vec<RunSpec>, until: Until) -> Result<(), StartError> {
        if let Some(why) = self.unavailable() {
            return Err(StartError::Unavailable(why));
        }
        if self.probing.get_untracked().is_some() {
            return Err(StartError::Timing);
        }
        if specs.is_empty() {
            return Err(StartError::Nothing);
        }
        for (data, model, config) in &specs {
            data.check(model, config, crate::training::rate_setting(bench, data.user_task()))?;
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
                                self.time_devices(key.clone(), &data, model, config);
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

    pub(super) fn start_on_device(&self, bench: Bench, specs: Vec<RunSpec>, until: Until) -> Result<(), StartError> {
        let device = self.open_runs(bench, specs.len())?;
        for (data, model, config) in specs {
            let id = self.new_id();
            let pause_at = (until == Until::NextEpoch).then_some(1);
            self.send_data(self.role_of(device), &data);
            self.send(self.role_of(device), Command::Start { id, bench, data: data.spec(), model: model.clone(), config: config.clone(), device, pause_at });
            let run = RunView { pause_at, ..RunView::queued(id, bench, model, config, device, data.clone()) };
            self.runs.update(|r| r.push(run));
        }
        Ok(())
    }

    /// The device new runs of `bench` start on, once `count` of them have room: live runs of
    /// `bench` are stopped or cleared ([`Engine::replace_runs`]) and old ended ones pruned.
    ///
    /// # Errors
    /// [`StartError::Unavailable`] (the workers failed), [`StartError::NoDevice`].
    fn open_runs(&self, bench: Bench, count: usize) -> Result<BackendChoice, StartError> {
        if let Some(why) = self.unavailable() {
            return Err(StartError::Unavailable(why));
        }
        let device = self.device.get_untracked().ok_or(StartError::NoDevice)?;
        self.replace_runs(bench);
        self.prune(bench, count);
        Ok(device)
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
    /// [`StartError::NoDevice`] or [`StartError::Unavailable`] (the worker failed).
    pub fn load(&self, bench: Bench, data: RunData, checkpoints: Vec<(&'static str, CheckpointMeta, Vec<u8>)>) -> Result<(), StartError> {
        let device = self.open_runs(bench, checkpoints.len())?;
        for (name, meta, weights) in checkpoints {
            let id = self.new_id();
            self.send_data(self.role_of(device), &data);
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
                r.state.resume();
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
            for r in runs.iter_mut().filter(|r| r.bench == bench) {
                if r.state.pause() {
                    paused.push(r.id);
                }
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

    /// Start parsing a file in the CPU worker (lesson 13, a file over 2 MB): `name` (for the
    /// format's detection), `format` when chosen, FASTA's `labels`. Returns the parse's key; its
    /// bytes follow in [`Engine::parse_piece`], and the answers arrive in [`Engine::parse_answer`].
    pub fn parse_start(&self, name: &str, format: Option<dnaplay_model::upload::Format>, labels: Option<String>) -> u64 {
        let key = self.fresh_key();
        self.parse.set_value(None);
        self.send(self.role_of(BackendChoice::Flex), Command::Parse { key, name: name.to_string(), format, labels });
        key
    }

    /// Send the next `bytes` of parse `key`'s file, `last` with its end.
    pub fn parse_piece(&self, key: u64, bytes: Vec<u8>, last: bool) {
        self.send(self.role_of(BackendChoice::Flex), Command::ParsePiece { key, bytes: serde_bytes::ByteBuf::from(bytes), last });
    }

    /// The worker's latest answer about parse `key`, if any; the result is handed over once
    /// (not kept here as well). [`ParseAnswer::Gone`] when the CPU worker can no longer start.
    pub fn parse_answer(&self, key: u64) -> Option<ParseAnswer> {
        if let Some(why) = self.unavailable() {
            return Some(ParseAnswer::Gone(why));
        }
        self.parse
            .try_update_value(|p| match p {
                Some((k, ParseAnswer::Done(_))) if *k == key => p.take().map(|(_, a)| a),
                Some((k, ParseAnswer::Read(read))) if *k == key => Some(ParseAnswer::Read(*read)),
                _ => None,
            })
            .flatten()
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

}

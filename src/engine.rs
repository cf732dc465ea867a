//! The run engine: every training in the page goes through here (lesson 5's runs, lesson 9's
//! relu/exp pair, lesson 10's multi-scale CNN, and later sweeps).
//!
//! A run is a small state machine ([`RunState`]): queued → training ⇄ paused → finished, or
//! stopped (reset, device change) or failed (divergence, a device fault, with the reason). The
//! views of every run live in one signal, [`Engine::runs`]; the trainers live beside them in
//! slots keyed by run id, never by position, so no handler can index a list another handler
//! has emptied. Controls act on a lesson's runs ([`Bench`]) and are legal at every moment:
//!
//! - one loop trains every run in state training, round robin, a slice of about [`SLICE_MS`]
//!   each, then yields to the browser; a second loop is never started while one runs;
//! - the loop takes a run's trainer out of its slot for a slice and puts it back only if the
//!   slot still exists, so Reset or Clear during a slice drops the trainer instead of reviving
//!   it;
//! - a run holds an `Arc` of the data it trains on ([`RunData`]), and its results are computed
//!   on that data, whatever the page's settings are now;
//! - divergence (a NaN or infinite loss) fails the run at the batch where it happens
//!   ([`Trainer::step_batch`]); a failed run is never evaluated;
//! - a device fault on WebGPU fails the run, marks WebGPU as failed for this page, and moves
//!   the page to the CPU; every metric recorded so far stays.
//!
//! Memory is bounded: a lesson keeps at most [`MAX_RUNS_PER_BENCH`] runs (the oldest ended runs
//! go first); trainers (weights, optimizer state, the one-hot training split) exist only for
//! live runs and for the newest ended run of a 200-nt lesson, whose model the attention map
//! reads; the 8-mer filter maps (about 20 MB a run) are kept for the newest [`MAPS_KEPT`] runs.

use std::collections::VecDeque;
use std::sync::Arc;

use dnaplay_model::BackendChoice;
use dnaplay_model::Error;
use dnaplay_model::checkpoint::CheckpointMeta;
use dnaplay_model::burn::tensor::Device;
use dnaplay_model::matching::MatchConfig;
use dnaplay_model::models::{Model, ModelConfig};
use dnaplay_model::sequence::OneHot;
use dnaplay_model::tasks::{ClassTask, ClassTaskKind, FilterReport, SEED003_ALIGNMENT, filter_report};
use dnaplay_model::trainer::{ClassEvaluation, EpochRecord, StepOutcome, TrainConfig, Trainer, predict};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::lab::{Dataset, RunResults, compute_results};
use crate::timing::{DeviceTiming, GPU_WAIT_MS, sleep_ms, time_batches, timing_key};

/// Milliseconds of training between two yields to the browser.
pub const SLICE_MS: f64 = 25.0;
/// Most runs a lesson keeps; starting more drops the oldest ended ones.
pub const MAX_RUNS_PER_BENCH: usize = 8;
/// 8-mer runs whose first-layer maps are kept (the newest); older runs keep their other results.
pub const MAPS_KEPT: usize = 2;

/// Milliseconds since the page opened (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Resolve once the browser has run its pending tasks (input, rendering), without the 4 ms
/// clamp of nested `setTimeout(0)` (HTML spec, "timers"): a `MessageChannel` round trip.
pub async fn yield_to_browser() {
    use wasm_bindgen::JsCast;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Ok(channel) = web_sys::MessageChannel::new() else {
            let _ = web_sys::window().map(|w| w.set_timeout_with_callback(resolve.unchecked_ref()));
            return;
        };
        let on_message = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        channel.port1().set_onmessage(Some(on_message.unchecked_ref()));
        let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bench {
    /// Lessons 5 to 8: seed 002's 8-mer regression.
    Kmers,
    /// Lesson 9: CNN-dist with relu and exp on seed 003's Task 3.
    Contrast,
    /// Lesson 10: seed 000's multi-scale CNN.
    Keras,
}

impl Bench {
    /// The 200-nt task of a classification lesson.
    pub fn class_task(self) -> Option<ClassTaskKind> {
        match self {
            Bench::Kmers => None,
            Bench::Contrast => Some(ClassTaskKind::Task3),
            Bench::Keras => Some(ClassTaskKind::Keras200),
        }
    }
}

/// A generated 200-nt task with its validation and test splits one-hot encoded once.
#[derive(Debug)]
pub struct ClassData {
    /// The sequences, split and ground truth.
    pub task: ClassTask,
    /// The validation split, `[val, 4, 200]`, for the filter logos after each epoch.
    pub val_x: OneHot,
    /// The test split, `[test, 4, 200]`.
    pub test_x: OneHot,
    /// Evaluate on the test split when a run pauses or ends (lesson 10's report).
    pub evaluate_test: bool,
}

impl ClassData {
    /// Generate `num_seqs` sequences of `kind` from `seed`.
    ///
    /// # Errors
    /// The generator's or the one-hot encoder's errors.
    pub fn generate(kind: ClassTaskKind, num_seqs: usize, seed: u64, evaluate_test: bool) -> Result<ClassData, Error> {
        let task = ClassTask::generate(kind, num_seqs, seed)?;
        let (_, val, test) = task.data();
        Ok(ClassData { val_x: val.one_hot()?, test_x: test.one_hot()?, task, evaluate_test })
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
}

impl PartialEq for RunData {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (RunData::Kmers(a), RunData::Kmers(b)) => Arc::ptr_eq(a, b),
            (RunData::Class(a), RunData::Class(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl RunData {
    /// A trainer for `model` with `config` on this data's training and validation splits.
    fn trainer(&self, model: ModelConfig, config: TrainConfig, device: &Device) -> Result<Trainer, Error> {
        match self {
            RunData::Kmers(d) => Trainer::new(model, config, &d.data.subset(&d.split.train), &d.data.subset(&d.split.val), device),
            RunData::Class(c) => {
                let (train, val, _) = c.task.data();
                Trainer::new(model, config, &train, &val, device)
            }
        }
    }

    /// Check `model` and `config` against this data without building a trainer (no one-hot
    /// encoding): the refusals a student can cause ([`ModelConfig::validate`],
    /// [`TrainConfig::validate`]).
    ///
    /// # Errors
    /// As those two.
    fn check(&self, model: &ModelConfig, config: &TrainConfig) -> Result<(), Error> {
        model.validate()?;
        config.validate(self.sizes().0)
    }

    /// Sizes of the training and validation splits.
    pub fn sizes(&self) -> (usize, usize) {
        match self {
            RunData::Kmers(d) => (d.split.train.len(), d.split.val.len()),
            RunData::Class(c) => (c.task.split.train.len(), c.task.split.val.len()),
        }
    }

    /// The 200-nt task, for classification runs.
    pub fn class(&self) -> Option<&Arc<ClassData>> {
        match self {
            RunData::Class(c) => Some(c),
            RunData::Kmers(_) => None,
        }
    }
}

/// The filters of a run after an epoch: logos and their matches.
#[derive(Debug, Clone, PartialEq)]
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
}

impl RunView {
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
        match &self.state {
            RunState::Finished if self.shipped.is_some() => format!("{name}: trained weights loaded ({done} epochs, by scripts/checkpoints.sh){}", best()),
            RunState::Finished => format!("{name}: finished after {done} epochs{}{spe}", best()),
            RunState::Failed(e) => format!("{name}: failed: {e}"),
            RunState::Stopped(why) => format!("{name}: stopped ({why}) after {done} epochs"),
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

/// The WebGPU device of this page: `init_async` may run only once per page.
#[derive(Clone)]
enum Gpu {
    NotAsked,
    Pending,
    Ready(Device),
    Failed(String),
}

/// A run's trainer and the time it has trained. `trainer` is `None` while the loop steps it.
struct Slot {
    id: usize,
    trainer: Option<Trainer>,
    busy_ms: f64,
}

/// The page's one run engine. Cheap to copy: all fields are reactive handles.
#[derive(Clone, Copy)]
pub struct Engine {
    /// Every run of every lesson, oldest first.
    pub runs: RwSignal<Vec<RunView>>,
    /// The device runs start on, once known.
    pub device: RwSignal<Option<(BackendChoice, Device)>>,
    /// Why the page is not on the device the student asked for, when it is not.
    pub device_note: RwSignal<Option<String>>,
    slots: StoredValue<Vec<Slot>, LocalStorage>,
    to_evaluate: StoredValue<VecDeque<usize>, LocalStorage>,
    looping: StoredValue<bool, LocalStorage>,
    next_id: StoredValue<usize, LocalStorage>,
    gpu: StoredValue<Gpu, LocalStorage>,
    wanted: StoredValue<Option<BackendChoice>, LocalStorage>,
    /// Device timings, one per model timed ("Fastest"), newest last.
    pub timings: RwSignal<Vec<DeviceTiming>>,
    /// The lesson whose runs wait while the devices are timed.
    pub probing: RwSignal<Option<Bench>>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// No runs, no device yet.
    pub fn new() -> Engine {
        Engine {
            runs: RwSignal::new(Vec::new()),
            device: RwSignal::new(None),
            device_note: RwSignal::new(None),
            slots: StoredValue::new_local(Vec::new()),
            to_evaluate: StoredValue::new_local(VecDeque::new()),
            looping: StoredValue::new_local(false),
            next_id: StoredValue::new_local(1),
            gpu: StoredValue::new_local(Gpu::NotAsked),
            wanted: StoredValue::new_local(None),
            timings: RwSignal::new(Vec::new()),
            probing: RwSignal::new(None),
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

    fn state(&self, id: usize) -> Option<RunState> {
        self.runs.with_untracked(|r| r.iter().find(|r| r.id == id).map(|r| r.state.clone()))
    }

    fn take_trainer(&self, id: usize) -> Option<Trainer> {
        self.slots.try_update_value(|s| s.iter_mut().find(|s| s.id == id).and_then(|s| s.trainer.take())).flatten()
    }

    /// Put a trainer back; dropped when its slot is gone (the run was reset or cleared).
    fn put_back(&self, id: usize, trainer: Trainer, busy_ms: f64) {
        self.slots.update_value(|s| {
            if let Some(slot) = s.iter_mut().find(|s| s.id == id) {
                slot.trainer = Some(trainer);
                slot.busy_ms += busy_ms;
            }
        });
    }

    fn drop_slots(&self, ids: &[usize]) {
        self.slots.update_value(|s| s.retain(|s| !ids.contains(&s.id)));
        self.to_evaluate.update_value(|q| q.retain(|id| !ids.contains(id)));
    }

    /// Start one run per `(model, settings)` on `data`, on the current device. Live runs of
    /// `bench` are stopped first, so two starts never overlap; in lessons 9 and 10 the new runs
    /// replace the old ones ([`Engine::replace_runs`]).
    ///
    /// # Errors
    /// No device yet, or the trainer's refusal of the settings (shown to the student).
    ///
    /// With the device set to "Fastest" and WebGPU ready, the first start of a model times it on
    /// both devices first ([`crate::timing`]); the runs then start on the faster one.
    pub fn start(&self, bench: Bench, data: RunData, specs: Vec<(ModelConfig, TrainConfig)>, until: Until) -> Result<(), String> {
        if self.probing.get_untracked().is_some() {
            return Err("the devices are being timed; the runs start in a moment".into());
        }
        if self.wanted.get_value().is_none() && matches!(self.gpu.get_value(), Gpu::Pending) {
            // WebGPU is still starting: wait for it (at most GPU_WAIT_MS) before choosing. The
            // settings are checked now, so a refusal is shown at once.
            for (model, config) in &specs {
                data.check(model, config).map_err(|e| e.to_string())?;
            }
            self.probing.set(Some(bench));
            let engine = *self;
            spawn_local(async move {
                let begun = now_ms();
                while matches!(engine.gpu.get_value(), Gpu::Pending) && now_ms() - begun < GPU_WAIT_MS {
                    sleep_ms(50).await;
                }
                engine.probing.set(None);
                let started = if matches!(engine.gpu.get_value(), Gpu::Pending) { engine.start_on_device(bench, data, specs, until) } else { engine.start(bench, data, specs, until) };
                if let Err(e) = started {
                    engine.device_note.set(Some(format!("The runs could not start: {e}")));
                }
            });
            return Ok(());
        }
        if let (None, Gpu::Ready(gpu), Some((model, config))) = (self.wanted.get_value(), self.gpu.get_value(), specs.first().cloned()) {
            let key = timing_key(&model, config.batch_size);
            match self.timings.with_untracked(|t| t.iter().find(|t| t.model == key).and_then(|t| t.chosen)) {
                Some(BackendChoice::Wgpu) => self.device.set(Some((BackendChoice::Wgpu, gpu))),
                Some(_) => self.device.set(Some((BackendChoice::Flex, Device::flex()))),
                None => {
                    // Checked on the CPU now, so a refusal is shown at once.
                    let cpu = data.trainer(model.clone(), config.clone(), &Device::flex()).map_err(|e| e.to_string())?;
                    self.probing.set(Some(bench));
                    let engine = *self;
                    spawn_local(async move {
                        engine.time_devices(key, cpu, &data, (model, config), gpu).await;
                        engine.probing.set(None);
                        // With the timing recorded, start uses its choice; if the student picked
                        // a device meanwhile, that one.
                        if let Err(e) = engine.start(bench, data, specs, until) {
                            engine.device_note.set(Some(format!("The runs could not start after timing the devices: {e}")));
                        }
                    });
                    return Ok(());
                }
            }
        }
        self.start_on_device(bench, data, specs, until)
    }

    /// Time a model on the CPU (`cpu`, a trainer of it) and on `gpu`, and record the figures and
    /// the faster device in [`Engine::timings`]. WebGPU is timed in a task of its own: after
    /// [`GPU_WAIT_MS`] the CPU is chosen and WebGPU's figure is filled in when it comes.
    async fn time_devices(&self, key: String, mut cpu: Trainer, data: &RunData, spec: (ModelConfig, TrainConfig), gpu: Device) {
        let cpu_ms = time_batches(&mut cpu).await;
        drop(cpu);
        self.timings.update(|t| t.push(DeviceTiming { model: key.clone(), cpu_ms: cpu_ms.clone(), gpu_ms: None, chosen: None, late: false }));
        let gpu_result: std::rc::Rc<std::cell::RefCell<Option<Result<f64, String>>>> = Default::default();
        {
            let (engine, cell, data, key) = (*self, gpu_result.clone(), data.clone(), key.clone());
            spawn_local(async move {
                let result = match data.trainer(spec.0, spec.1, &gpu) {
                    Ok(mut t) => time_batches(&mut t).await,
                    Err(e) => Err(e.to_string()),
                };
                *cell.borrow_mut() = Some(result.clone());
                // A late figure is shown; the choice already made stands.
                engine.timings.update(|t| {
                    if let Some(t) = t.iter_mut().find(|t| t.model == key) {
                        t.late = t.chosen.is_some();
                        t.gpu_ms = Some(result);
                    }
                });
            });
        }
        let start = now_ms();
        while gpu_result.borrow().is_none() && now_ms() - start < GPU_WAIT_MS {
            sleep_ms(50).await;
        }
        let gpu_ms = gpu_result.borrow().clone().unwrap_or_else(|| Err(format!("not timed within {:.0} s (WebGPU compiles its kernels on first use)", GPU_WAIT_MS / 1000.0)));
        let chosen = DeviceTiming::choose(&cpu_ms, &gpu_ms);
        self.timings.update(|t| {
            if let Some(t) = t.iter_mut().find(|t| t.model == key) {
                t.gpu_ms = Some(gpu_ms);
                t.chosen = Some(chosen);
            }
        });
    }

    fn start_on_device(&self, bench: Bench, data: RunData, specs: Vec<(ModelConfig, TrainConfig)>, until: Until) -> Result<(), String> {
        let Some((kind, device)) = self.device.get_untracked() else {
            return Err("the device is still starting; try again in a moment".into());
        };
        let trainers = specs
            .into_iter()
            .map(|(model, config)| data.trainer(model.clone(), config.clone(), &device).map(|t| (model, config, t)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        self.replace_runs(bench);
        self.prune(bench, trainers.len());
        for (model, config, trainer) in trainers {
            self.add_run(trainer, |id, batches| RunView {
                id,
                bench,
                model,
                config,
                device: kind,
                data: data.clone(),
                history: Vec::new(),
                match_fractions: Vec::new(),
                batch: (0, batches),
                seconds_per_epoch: None,
                state: RunState::Queued,
                pause_at: (until == Until::NextEpoch).then_some(1),
                results: None,
                filters: None,
                test: None,
                shipped: None,
            });
        }
        self.ensure_loop();
        Ok(())
    }

    /// Add one finished run per checkpoint `(name, description, weights)` on `data`, on the
    /// current device, replacing runs of `bench` as [`Engine::start`] does. Their history is the checkpoint's;
    /// filters, results and the test report are computed on `data` at once, as for a run that
    /// ended here.
    ///
    /// # Errors
    /// No device yet, or weights that do not fit the model (shown to the student).
    pub fn load(&self, bench: Bench, data: RunData, checkpoints: Vec<(&'static str, CheckpointMeta, Vec<u8>)>) -> Result<(), String> {
        let Some((kind, device)) = self.device.get_untracked() else {
            return Err("the device is still starting; try again in a moment".into());
        };
        let trainers = checkpoints
            .into_iter()
            .map(|(name, meta, weights)| {
                let mut trainer = data.trainer(meta.model.clone(), meta.train.clone(), &device)?;
                trainer.load_weights(&weights)?;
                Ok((name, meta, trainer))
            })
            .collect::<Result<Vec<_>, Error>>()
            .map_err(|e| e.to_string())?;
        self.replace_runs(bench);
        self.prune(bench, trainers.len());
        let ids: Vec<usize> = trainers
            .into_iter()
            .map(|(name, meta, trainer)| {
                self.add_run(trainer, |id, batches| RunView {
                    id,
                    bench,
                    model: meta.model,
                    config: meta.train,
                    device: kind,
                    data: data.clone(),
                    history: meta.history,
                    match_fractions: meta.match_fractions,
                    batch: (0, batches),
                    seconds_per_epoch: None,
                    state: RunState::Finished,
                    pause_at: None,
                    results: None,
                    filters: None,
                    test: None,
                    shipped: Some(name),
                })
            })
            .collect();
        self.evaluate_later(&ids);
        Ok(())
    }

    /// Go on with the paused runs of `bench`. Returns false when there are none.
    pub fn resume(&self, bench: Bench, until: Until) -> bool {
        let mut any = false;
        self.runs.update(|runs| {
            for r in runs.iter_mut().filter(|r| r.bench == bench && r.state == RunState::Paused) {
                r.state = RunState::Training;
                r.pause_at = (until == Until::NextEpoch).then_some(r.history.len() + 1);
                any = true;
            }
        });
        if any {
            self.ensure_loop();
        }
        any
    }

    /// Pause the training runs of `bench`; they are evaluated on their own data.
    pub fn pause(&self, bench: Bench) {
        let mut paused = Vec::new();
        self.runs.update(|runs| {
            for r in runs.iter_mut().filter(|r| r.bench == bench && r.state.is_active()) {
                r.state = RunState::Paused;
                paused.push(r.id);
            }
        });
        self.evaluate_later(&paused);
    }

    /// Close the live runs of `bench` (their metrics stay) and drop their trainers.
    pub fn reset(&self, bench: Bench) {
        self.stop_where(|r| r.bench == bench, "reset");
    }

    /// Give `trainer` a new run id, show the run `view(id, batches per epoch)` builds, and keep
    /// the trainer in that run's slot. Returns the id.
    fn add_run(&self, trainer: Trainer, view: impl FnOnce(usize, usize) -> RunView) -> usize {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let run = view(id, trainer.batches_per_epoch());
        self.runs.update(|r| r.push(run));
        self.slots.update_value(|s| s.push(Slot { id, trainer: Some(trainer), busy_ms: 0.0 }));
        id
    }

    /// Make room for new runs of `bench`: the 8-mer lesson stops its live run and keeps the
    /// ended ones to compare; lessons 9 and 10 show one set of runs (a pair, or one run), so
    /// the new set replaces the old.
    fn replace_runs(&self, bench: Bench) {
        if bench == Bench::Kmers {
            self.reset(bench);
        } else {
            self.clear(bench);
        }
    }

    /// Remove every run of `bench`, live or not.
    pub fn clear(&self, bench: Bench) {
        let ids: Vec<usize> = self.runs.with_untracked(|r| r.iter().filter(|r| r.bench == bench).map(|r| r.id).collect());
        self.drop_slots(&ids);
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
        self.drop_slots(&stopped);
    }

    /// Keep at most [`MAX_RUNS_PER_BENCH`] runs of `bench` once `adding` more arrive: drop the
    /// oldest ended ones.
    fn prune(&self, bench: Bench, adding: usize) {
        let ended: Vec<usize> = self.runs.with_untracked(|r| r.iter().filter(|r| r.bench == bench && !r.state.is_live()).map(|r| r.id).collect());
        let count = self.runs.with_untracked(|r| r.iter().filter(|r| r.bench == bench).count());
        let excess = (count + adding).saturating_sub(MAX_RUNS_PER_BENCH).min(ended.len());
        if excess > 0 {
            let gone = &ended[..excess];
            self.drop_slots(gone);
            self.runs.update(|r| r.retain(|r| !gone.contains(&r.id)));
        }
    }

    fn evaluate_later(&self, ids: &[usize]) {
        if ids.is_empty() {
            return;
        }
        self.to_evaluate.update_value(|q| {
            for &id in ids {
                if !q.contains(&id) {
                    q.push_back(id);
                }
            }
        });
        self.ensure_loop();
    }

    fn ensure_loop(&self) {
        if self.looping.get_value() {
            return;
        }
        self.looping.set_value(true);
        let engine = *self;
        spawn_local(async move { engine.run_loop().await });
    }

    /// The one loop: evaluations first, then one slice of each training run in turn.
    async fn run_loop(self) {
        let mut last = 0;
        loop {
            if let Some(id) = self.to_evaluate.try_update_value(VecDeque::pop_front).flatten() {
                self.evaluate(id).await;
                continue;
            }
            let next = self.runs.with_untracked(|runs| {
                let active = || runs.iter().filter(|r| r.state.is_active()).map(|r| r.id);
                active().filter(|&id| id > last).min().or_else(|| active().min())
            });
            let Some(id) = next else { break };
            last = id;
            self.slice(id).await;
            yield_to_browser().await;
        }
        // No await since the last check: nothing can have been queued in between.
        self.looping.set_value(false);
    }

    /// Train run `id` for one slice (or to the end of its epoch).
    async fn slice(&self, id: usize) {
        let Some(mut trainer) = self.take_trainer(id) else {
            self.update(id, |r| r.state = RunState::Failed("its model was lost (an internal error); press Train to start again".into()));
            return;
        };
        self.update(id, |r| {
            if r.state == RunState::Queued {
                r.state = RunState::Training
            }
        });
        let start = now_ms();
        let mut epoch = None;
        let mut failure = None;
        while self.state(id) == Some(RunState::Training) && !trainer.is_finished() {
            match trainer.step_batch().await {
                Ok(StepOutcome::Batch { .. }) if now_ms() - start < SLICE_MS => {}
                Ok(StepOutcome::Batch { .. }) => break,
                Ok(StepOutcome::Epoch(record)) => {
                    epoch = Some(record);
                    break;
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        let busy = now_ms() - start;
        if let Some(error) = failure {
            // Divergence or a device fault: the run stops here and is never evaluated.
            self.fail(id, &error);
            return;
        }
        let trained_ms = self.slots.with_value(|s| s.iter().find(|s| s.id == id).map_or(0.0, |s| s.busy_ms)) + busy;
        let (batch, batches) = (trainer.batch_in_epoch(), trainer.batches_per_epoch());
        let snapshot = match (&epoch, self.runs.with_untracked(|r| r.iter().find(|r| r.id == id).and_then(|r| r.data.class().cloned()))) {
            (Some(_), Some(class)) => Some(snapshot(&trainer, &class, trainer.epoch()).await),
            _ => None,
        };
        let finished = trainer.is_finished();
        let mut evaluate = false;
        self.update(id, |r| {
            r.batch = (batch, batches);
            if let Some(record) = epoch {
                r.history.push(record);
                r.seconds_per_epoch = Some(trained_ms / 1000.0 / r.history.len() as f64);
            }
            match snapshot {
                Some(Ok(Some(f))) => {
                    r.match_fractions.push(f.report.match_fraction);
                    r.filters = Some(Arc::new(f));
                }
                Some(Err(e)) => r.state = RunState::Failed(format!("could not read the filters: {e}")),
                _ => {}
            }
            if r.state == RunState::Training {
                if finished {
                    r.state = RunState::Finished;
                    evaluate = true;
                } else if r.pause_at.is_some_and(|n| r.history.len() >= n) {
                    r.state = RunState::Paused;
                    evaluate = true;
                }
            }
        });
        self.put_back(id, trainer, busy);
        if evaluate {
            self.evaluate_later(&[id]);
        }
    }

    /// Fail run `id` with `error`; a device fault on WebGPU moves the page to the CPU.
    fn fail(&self, id: usize, error: &Error) {
        self.update(id, |r| r.state = RunState::Failed(error.to_string()));
        self.drop_slots(&[id]);
        let on_gpu = self.runs.with_untracked(|r| r.iter().any(|r| r.id == id && r.device == BackendChoice::Wgpu));
        if on_gpu && matches!(error, Error::Device(_)) {
            let why = format!("The WebGPU device failed during run #{id} ({error}); the page switched to the CPU. The epochs recorded so far are kept; press Train to start a new run.");
            self.gpu.set_value(Gpu::Failed(why.clone()));
            self.device_note.set(Some(why));
            self.set_device(BackendChoice::Flex, Device::flex());
        }
    }

    /// Compute run `id`'s results on its own data: the 8-mer results, or lesson 10's test
    /// evaluation. Skipped for runs that failed or were stopped meanwhile.
    async fn evaluate(&self, id: usize) {
        let Some(view) = self.runs.with_untracked(|r| r.iter().find(|r| r.id == id).cloned()) else { return };
        if !matches!(view.state, RunState::Paused | RunState::Finished) {
            return;
        }
        let Some(trainer) = self.take_trainer(id) else { return };
        if trainer.diverged() {
            self.put_back(id, trainer, 0.0);
            return;
        }
        // A run loaded from a checkpoint has no filters yet: read them now.
        if let (RunData::Class(class), None, Some(_)) = (&view.data, &view.filters, view.shipped) {
            match snapshot(&trainer, class, view.history.len()).await {
                Ok(Some(f)) => self.update(id, |r| r.filters = Some(Arc::new(f))),
                Ok(None) => {}
                Err(e) => self.update(id, |r| r.state = RunState::Failed(format!("could not read the filters: {e}"))),
            }
        }
        match &view.data {
            RunData::Kmers(dataset) => match compute_results(&trainer, dataset.clone()).await {
                // Epochs as the run counts them (a loaded model's trainer has stepped none).
                Ok(results) => self.update(id, |r| r.results = Some(Arc::new(RunResults { epochs: r.history.len(), ..results }))),
                Err(e) => self.update(id, |r| r.state = RunState::Failed(format!("could not evaluate the model: {e}"))),
            },
            RunData::Class(class) if class.evaluate_test => {
                let labels = class.task.subset(&class.task.split.test).targets;
                match predict(&trainer.inference_model(), &class.test_x, &trainer.device()).await {
                    Ok(logits) => self.update(id, |r| r.test = Some(Arc::new(ClassEvaluation::new(&labels, &logits)))),
                    Err(e) => self.update(id, |r| r.state = RunState::Failed(format!("could not evaluate the model: {e}"))),
                }
            }
            RunData::Class(_) => {}
        }
        self.put_back(id, trainer, 0.0);
        self.release_ended(view.bench);
    }

    /// Free what ended runs no longer need: 8-mer trainers (their results are computed), the
    /// trainers of all but the newest ended 200-nt run, and the filter maps of all but the
    /// newest [`MAPS_KEPT`] 8-mer runs.
    fn release_ended(&self, bench: Bench) {
        let ended: Vec<usize> = self.runs.with_untracked(|r| {
            r.iter().filter(|r| r.bench == bench && matches!(r.state, RunState::Finished)).map(|r| r.id).collect()
        });
        let keep_newest = if bench == Bench::Kmers { 0 } else { 1 };
        let release = &ended[..ended.len().saturating_sub(keep_newest)];
        self.slots.update_value(|s| s.retain(|s| !release.contains(&s.id)));
        if bench == Bench::Kmers {
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
    }

    /// The trained model of run `id` for inference, when its trainer is kept and not in a
    /// slice: a paused run, or the newest ended 200-nt run.
    pub fn inference_model(&self, id: usize) -> Option<(Model, Device)> {
        self.slots.with_value(|s| s.iter().find(|s| s.id == id).and_then(|s| s.trainer.as_ref()).map(|t| (t.inference_model(), t.device())))
    }

    /// Change the device runs start on. Live runs (their weights live on the old device) are
    /// stopped, keeping their metrics; so are the kept models of ended runs.
    pub fn set_device(&self, kind: BackendChoice, device: Device) {
        if self.device.with_untracked(|d| d.as_ref().map(|(k, _)| *k)) != Some(kind) {
            self.stop_where(|r| r.device != kind, "the device changed");
            let other: Vec<usize> = self.runs.with_untracked(|r| r.iter().filter(|r| r.device != kind).map(|r| r.id).collect());
            self.drop_slots(&other);
        }
        self.device.set(Some((kind, device)));
    }

    /// Use the device the student asked for: `Some(Flex)` for the CPU, otherwise WebGPU when
    /// the browser has it. WebGPU is initialised once per page however often it is asked for;
    /// an answer that arrives after the student chose the CPU does not override that choice,
    /// and a WebGPU that failed (or was lost) is not asked again.
    ///
    /// `None` is "Fastest": the CPU at once, WebGPU initialised in the background, and each
    /// model timed on both when it first trains ([`Engine::start`]).
    pub fn choose_device(&self, pref: Option<BackendChoice>) {
        self.wanted.set_value(pref);
        if pref.is_some_and(BackendChoice::is_cpu) {
            self.device_note.set(None);
            self.set_device(BackendChoice::Flex, Device::flex());
            return;
        }
        let auto = pref.is_none();
        if auto && self.device.with_untracked(|d| d.as_ref().is_none_or(|(k, _)| *k != BackendChoice::Flex)) {
            self.set_device(BackendChoice::Flex, Device::flex());
        }
        match self.gpu.get_value() {
            Gpu::Ready(_) if auto => self.device_note.set(None),
            Gpu::Ready(d) => {
                self.device_note.set(None);
                self.set_device(BackendChoice::Wgpu, d);
            }
            Gpu::Failed(reason) => {
                self.device_note.set(Some(reason));
                self.set_device(BackendChoice::Flex, Device::flex());
            }
            Gpu::Pending => {}
            Gpu::NotAsked => {
                self.gpu.set_value(Gpu::Pending);
                let engine = *self;
                spawn_local(async move {
                    let result = crate::device::init_webgpu().await;
                    engine.gpu.set_value(match &result {
                        Ok(d) => Gpu::Ready(d.clone()),
                        Err(e) => Gpu::Failed(e.clone()),
                    });
                    // Apply only if the student still wants WebGPU.
                    if !engine.wanted.get_value().is_some_and(BackendChoice::is_cpu) {
                        engine.choose_device(engine.wanted.get_value());
                    }
                });
            }
        }
    }
}

/// The filters of `trainer`'s model on the validation split, labelled as after `epoch` epochs.
async fn snapshot(trainer: &Trainer, class: &ClassData, epoch: usize) -> Result<Option<FilterSnapshot>, Error> {
    let model = trainer.inference_model();
    let report = filter_report(&model, &class.val_x, SEED003_ALIGNMENT, &class.task.targets, &MatchConfig::default(), &trainer.device()).await?;
    Ok(report.map(|report| FilterSnapshot { epoch, report }))
}

//! The training worker: burn, the trainers and the devices, in a dedicated Web Worker (built by
//! Trunk from this crate as `data-type="worker"`), so the page's thread keeps only the interface
//! and the drawing.
//!
//! It steps the runs the page starts, round robin, a slice each (from [`SLICE_MS`] to
//! [`MAX_SLICE_MS`], longer where a look at the messages is slow), and reads its messages between
//! slices, so Pause takes effect within one slice (and the batch in flight). It reports progress, epochs, filters, results and failures as [`Event`]s; the page
//! keeps every run's view; both move a run through the one state machine of
//! [`dnaplay_protocol::RunState`]. A run the page dropped is forgotten here; an event about it
//! that crosses the drop is ignored there. Failures cross as typed [`RunError`]s.
//!
//! Timing the devices lives in [`crate::timing`], questions about a model (weights, attention,
//! maps, the insertion experiment) in [`crate::questions`].
//!
//! Memory is bounded as on the page before: trainers exist for live runs, for the newest ended
//! run of each 200-nt lesson (its model answers attention requests), and for paused runs.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

use dnaplay_model::BackendChoice;
use dnaplay_model::Error;
use dnaplay_model::burn::tensor::Device;
use dnaplay_model::data::Split;
use dnaplay_model::matching::MatchConfig;
use dnaplay_model::metrics::{r_squared, spot_check_sequences, spot_checks};
use dnaplay_model::models::ModelConfig;
use dnaplay_model::sequence::OneHot;
use dnaplay_model::tasks::{SEED003_ALIGNMENT, filter_report};
use dnaplay_model::trainer::{ClassEvaluation, StepOutcome, TrainConfig, Trainer, filter_maps, filter_weights, predict};
use dnaplay_model::upload::{ByteParser, PackedParse, UserData};
use dnaplay_protocol::clock::{now_ms, yield_now};
use dnaplay_protocol::timing::CpuBuild;
use dnaplay_protocol::{Bench, ClassData, Command, DataSpec, Dataset, Ended, EpochProfile, Event, FilterSnapshot, KmerResults, RunError, RunState, Uploads, UserDataKey, decode, encode};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::questions;

/// Milliseconds of training between two looks at the worker's messages, at least.
pub const SLICE_MS: f64 = 25.0;
/// Milliseconds of training between two looks, at most: Pause waits no longer than this (and
/// the batch in flight).
pub const MAX_SLICE_MS: f64 = 150.0;
/// A slice is at least this many times as long as a look at the messages takes, so that looking
/// costs at most 2.5% of the time. A `MessageChannel` round trip takes about 0.05 ms in a
/// Chromium or Firefox worker and 4.2 ms in WebKitGTK's (measured 2026-12-02), where 25-ms
/// slices lost 17% of the time to looking.
const SLICE_PER_YIELD: f64 = 40.0;
/// Rows in each part of a parse's result sent to the page ([`Event::Parsed`]): 16,000 rows of
/// 200 nt are 3.2 MB, a few milliseconds for the page to unpack between two frames.
const PARSED_PART_ROWS: usize = 16_000;
/// Data sets kept for reuse (a lesson's pair of runs, the timing before a start).
const DATA_KEPT: usize = 3;

/// A run's data in the worker: the page's plain data plus what only training needs.
pub(crate) enum WorkerData {
    Kmers(Arc<Dataset>),
    Class { class: Arc<ClassData>, val_x: OneHot, test_x: OneHot },
    User { data: Rc<UserData>, split: Split, test_x: OneHot },
}

impl WorkerData {
    /// Generate the data `spec` describes.
    fn generate(spec: &DataSpec) -> Result<WorkerData, Error> {
        Ok(match spec {
            DataSpec::Kmers { rule, seed } => WorkerData::Kmers(Arc::new(Dataset::new(rule.clone(), *seed)?)),
            DataSpec::Class { kind, num_seqs, seed } => {
                let class = ClassData::generate(*kind, *num_seqs, *seed)?;
                let (_, val, test) = class.task.data();
                WorkerData::Class { val_x: val.one_hot()?, test_x: test.one_hot()?, class: Arc::new(class) }
            }
            DataSpec::User { key, seed } => {
                let data = upload(*key).ok_or_else(|| Error::UserData("the uploaded data set did not reach the training worker; load it again".into()))?;
                let split = data.split(*seed)?;
                let test_x = data.subset(&split.test).one_hot()?;
                WorkerData::User { data, split, test_x }
            }
        })
    }

    pub(crate) fn trainer(&self, model: ModelConfig, config: TrainConfig, device: &Device) -> Result<Trainer, Error> {
        match self {
            WorkerData::Kmers(d) => Trainer::new(model, config, &d.data.subset(&d.split.train), &d.data.subset(&d.split.val), device),
            WorkerData::Class { class, .. } => {
                let (train, val, _) = class.task.data();
                Trainer::new(model, config, &train, &val, device)
            }
            WorkerData::User { data, split, .. } => Trainer::new(model, config, &data.subset(&split.train), &data.subset(&split.val), device),
        }
    }
}

/// One run the worker holds.
pub(crate) struct Run {
    pub(crate) id: usize,
    bench: Bench,
    pub(crate) data: Rc<WorkerData>,
    device: BackendChoice,
    /// `None` while a slice or an evaluation has it.
    pub(crate) trainer: Option<Trainer>,
    busy_ms: f64,
    /// Training, paused or finished (the page's run state; a failed or dropped run is gone).
    pub(crate) state: RunState,
    pause_at: Option<usize>,
    /// Loaded from a checkpoint: filters are read at its evaluation.
    loaded: bool,
    /// Milliseconds of this epoch's slices so far (for [`EpochProfile`]).
    slices_ms: f64,
    /// Milliseconds between this epoch's slices so far, while the run was active.
    between_ms: f64,
    /// When its last slice ended, while it is active (a pause clears it: paused time is not
    /// the worker's).
    last_slice_end: Option<f64>,
}

/// WebGPU in this worker (`None` in [`State`] until asked).
#[derive(Clone)]
enum Gpu {
    Pending,
    Ready(Device),
    Failed(RunError),
}

/// Everything the worker holds.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) runs: Vec<Run>,
    data: VecDeque<(DataSpec, Rc<WorkerData>)>,
    uploads: Uploads<Rc<UserData>>,
    to_evaluate: VecDeque<usize>,
    looping: bool,
    gpu: Option<Gpu>,
    /// How long a look at the messages takes, in milliseconds (a moving average).
    yield_ms: f64,
    /// The student's file being parsed here, under its key ([`Command::Parse`]).
    parse: Option<(u64, ByteParser)>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

pub(crate) fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// Post `event` to the page.
pub(crate) fn send(event: &Event) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let (bytes, transfer) = encode(event);
    if let Err(e) = scope.post_message_with_transfer(&bytes, &transfer) {
        web_sys::console::error_1(&e);
    }
}

/// Report the worker's WebAssembly memory ([`Event::Memory`]).
fn send_memory() {
    #[cfg(target_arch = "wasm32")]
    send(&Event::Memory { bytes: (core::arch::wasm32::memory_size(0) * 65_536) as f64 });
}

/// Threads the CPU backend trains on in this worker: the rayon pool's in the threaded build
/// (1 when the page could not start one), else 1.
pub fn cpu_threads() -> usize {
    #[cfg(feature = "threads")]
    return rayon::current_num_threads();
    #[cfg(not(feature = "threads"))]
    1
}

/// The worker's entry point: listen to the page, then say so.
pub fn start() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| match decode::<Command>(&event.data()) {
        Ok(command) => handle(command),
        Err(e) => web_sys::console::error_1(&format!("DNA Playground's worker ignored {e}").into()),
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page.
    on_message.forget();
    send(&Event::Ready(CpuBuild { threads: cpu_threads(), relaxed_simd: cfg!(target_feature = "relaxed-simd") }));
}

/// The data `spec` describes, generated once and kept for the next runs.
pub(crate) fn data_for(spec: &DataSpec) -> Result<Rc<WorkerData>, Error> {
    if let Some(d) = with(|s| s.data.iter().find(|(k, _)| k == spec).map(|(_, d)| d.clone())) {
        return Ok(d);
    }
    let data = Rc::new(WorkerData::generate(spec)?);
    with(|s| {
        s.data.push_back((spec.clone(), data.clone()));
        while s.data.len() > DATA_KEPT {
            s.data.pop_front();
        }
    });
    Ok(data)
}

/// The student's upload under `key`, when it arrived.
fn upload(key: UserDataKey) -> Option<Rc<UserData>> {
    with(|s| s.uploads.get(key).cloned())
}

pub(crate) fn device_of(kind: BackendChoice) -> Result<Device, RunError> {
    if kind.is_cpu() {
        return Ok(Device::flex());
    }
    match with(|s| s.gpu.clone()) {
        Some(Gpu::Ready(d)) => Ok(d),
        // Refused, not a fault of its own: the page already moved to the CPU for the fault.
        Some(Gpu::Failed(e)) => Err(RunError::Refused(e.to_string())),
        _ => Err(RunError::Refused("WebGPU is not ready in the worker".into())),
    }
}

/// The data `spec` describes and a trainer of `model` with `config` on it, on `device`.
///
/// # Errors
/// [`RunError::Refused`]: the generator's or the trainer's refusal, or a device that is not
/// ready.
fn new_trainer(spec: &DataSpec, model: ModelConfig, config: TrainConfig, device: BackendChoice) -> Result<(Rc<WorkerData>, Trainer), RunError> {
    let refused = |e: Error| RunError::Refused(e.to_string());
    let data = data_for(spec).map_err(refused)?;
    let trainer = data.trainer(model, config, &device_of(device)?).map_err(refused)?;
    Ok((data, trainer))
}

/// A run the worker holds from now on: training (a start), or finished (weights loaded from a
/// checkpoint, whose filters are read at its evaluation).
fn hold(id: usize, bench: Bench, data: Rc<WorkerData>, device: BackendChoice, mut trainer: Trainer, state: RunState, pause_at: Option<usize>) {
    let loaded = state == RunState::Finished;
    trainer.profile_with(now_ms);
    with(|s| s.runs.push(Run { id, bench, data, device, trainer: Some(trainer), busy_ms: 0.0, state, pause_at, loaded, slices_ms: 0.0, between_ms: 0.0, last_slice_end: None }));
}

fn handle(command: Command) {
    match command {
        Command::InitGpu => init_gpu(),
        Command::UserData { key, data } => {
            with(|s| s.uploads.add(key, Rc::new(data)));
        }
        Command::Time { key, data, model, config, devices } => spawn_local(crate::timing::time_devices(key, data, model, config, devices)),
        Command::Start { id, bench, data, model, config, device, pause_at } => {
            match new_trainer(&data, model, config, device) {
                Ok((data, trainer)) => {
                    send(&Event::Progress { id, batch: (0, trainer.batches_per_epoch()) });
                    hold(id, bench, data, device, trainer, RunState::Training, pause_at);
                    ensure_loop();
                }
                Err(error) => send(&Event::Failed { id, error }),
            }
        }
        Command::Load { id, bench, data, model, config, device, weights } => {
            let result = new_trainer(&data, model, config, device).and_then(|(data, mut trainer)| {
                trainer.load_weights(&weights).map_err(|e| RunError::Refused(e.to_string()))?;
                Ok((data, trainer))
            });
            match result {
                Ok((data, trainer)) => {
                    hold(id, bench, data, device, trainer, RunState::Finished, None);
                    evaluate_later(&[id]);
                }
                Err(error) => send(&Event::Failed { id, error }),
            }
        }
        Command::Pause { ids } => {
            let paused: Vec<usize> = with(|s| {
                s.runs
                    .iter_mut()
                    .filter(|r| ids.contains(&r.id))
                    .filter_map(|r| {
                        r.last_slice_end = None;
                        r.state.pause().then_some(r.id)
                    })
                    .collect()
            });
            evaluate_later(&paused);
        }
        Command::Resume { runs } => {
            with(|s| {
                for (id, pause_at) in runs {
                    if let Some(r) = s.runs.iter_mut().find(|r| r.id == id)
                        && r.state.resume()
                    {
                        r.pause_at = pause_at;
                    }
                }
            });
            ensure_loop();
        }
        Command::Drop { ids } => {
            drop_runs(&ids);
            send_memory();
        }
        Command::Attention { id, index } => spawn_local(questions::attention(id, index)),
        Command::Weights { id } => spawn_local(questions::weights(id)),
        Command::Explain { id, key, request } => spawn_local(questions::explain(id, key, request)),
        Command::Insert { id, key, request } => spawn_local(questions::insert(id, key, request)),
        Command::Parse { key, name, format, labels } => {
            with(|s| s.parse = Some((key, ByteParser::new(&name, format, labels.as_deref()))));
        }
        Command::ParsePiece { key, bytes, last } => parse_piece(key, &bytes, last),
    }
}

/// Read the next piece of the file parse `key` reads (an older parse's pieces are ignored), and
/// answer with the bytes read so far, or after the last piece with the result.
fn parse_piece(key: u64, bytes: &[u8], last: bool) {
    let Some((current, mut parser)) = with(|s| s.parse.take()) else { return };
    if current != key {
        with(|s| s.parse = Some((current, parser)));
        return;
    }
    parser.feed(bytes);
    if last {
        let parts = PackedParse::parts(parser.finish(), PARSED_PART_ROWS);
        let n = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            send(&Event::Parsed { key, parsed: Box::new(part), last: i + 1 == n });
        }
    } else {
        send(&Event::Parsing { key, bytes: parser.bytes() as f64 });
        with(|s| s.parse = Some((key, parser)));
    }
}

fn init_gpu() {
    // Asked before: answer with what is known (a pending answer comes when ready).
    match with(|s| s.gpu.clone()) {
        Some(Gpu::Ready(_)) => return send(&Event::Gpu(Ok(()))),
        Some(Gpu::Failed(e)) => return send(&Event::Gpu(Err(e))),
        Some(Gpu::Pending) => return,
        None => {}
    }
    with(|s| s.gpu = Some(Gpu::Pending));
    spawn_local(async {
        let result = crate::device::init_webgpu().await;
        with(|s| {
            s.gpu = Some(match &result {
                Ok(d) => Gpu::Ready(d.clone()),
                Err(e) => Gpu::Failed(e.clone()),
            })
        });
        send(&Event::Gpu(result.map(|_| ())));
    });
}

fn take_trainer(id: usize) -> Option<Trainer> {
    with(|s| s.runs.iter_mut().find(|r| r.id == id).and_then(|r| r.trainer.take()))
}

/// Put a trainer back; dropped when its run is gone (the page dropped it meanwhile).
pub(crate) fn put_back(id: usize, trainer: Trainer, busy_ms: f64) {
    with(|s| {
        if let Some(r) = s.runs.iter_mut().find(|r| r.id == id) {
            r.trainer = Some(trainer);
            r.busy_ms += busy_ms;
        }
    });
}

/// Forget runs `ids` and their trainers, and their pending evaluations.
fn drop_runs(ids: &[usize]) {
    with(|s| {
        s.runs.retain(|r| !ids.contains(&r.id));
        s.to_evaluate.retain(|id| !ids.contains(id));
    });
}

fn evaluate_later(ids: &[usize]) {
    if ids.is_empty() {
        return;
    }
    with(|s| {
        for &id in ids {
            if !s.to_evaluate.contains(&id) {
                s.to_evaluate.push_back(id);
            }
        }
    });
    ensure_loop();
}

fn ensure_loop() {
    if with(|s| std::mem::replace(&mut s.looping, true)) {
        return;
    }
    spawn_local(run_loop());
}

/// Let the event loop run (the page's messages) and time it: [`slice_ms`] follows.
async fn timed_yield() {
    let start = now_ms();
    yield_now().await;
    let took = now_ms() - start;
    with(|s| s.yield_ms = if s.yield_ms == 0.0 { took } else { 0.9 * s.yield_ms + 0.1 * took });
}

/// How long a slice trains: [`SLICE_PER_YIELD`] times a look at the messages, between
/// [`SLICE_MS`] and [`MAX_SLICE_MS`].
fn slice_ms() -> f64 {
    with(|s| (s.yield_ms * SLICE_PER_YIELD).clamp(SLICE_MS, MAX_SLICE_MS))
}

/// The one loop: evaluations first, then one slice of each active run in turn.
async fn run_loop() {
    let mut last = 0;
    loop {
        if let Some(id) = with(|s| s.to_evaluate.pop_front()) {
            evaluate(id).await;
            timed_yield().await;
            continue;
        }
        let next = with(|s| {
            let active = || s.runs.iter().filter(|r| r.state.is_active() && r.trainer.is_some()).map(|r| r.id);
            active().filter(|&id| id > last).min().or_else(|| active().min())
        });
        let Some(id) = next else { break };
        last = id;
        slice(id).await;
        timed_yield().await;
    }
    // No await since the last check: nothing can have been queued in between.
    with(|s| s.looping = false);
}

fn is_active(id: usize) -> bool {
    with(|s| s.runs.iter().any(|r| r.id == id && r.state.is_active()))
}

/// Train run `id` for one slice (or to the end of its epoch).
async fn slice(id: usize) {
    let Some(mut trainer) = take_trainer(id) else { return };
    let start = now_ms();
    with(|s| {
        if let Some(r) = s.runs.iter_mut().find(|r| r.id == id)
            && let Some(end) = r.last_slice_end.take()
        {
            r.between_ms += start - end;
        }
    });
    // Where this slice's share of the epoch's profile starts (moved on at an epoch's end).
    let mut mark = start;
    let length = slice_ms();
    let mut epoch = None;
    let mut failure = None;
    while is_active(id) && !trainer.is_finished() {
        match trainer.step_batch().await {
            Ok(StepOutcome::Batch { .. }) if now_ms() - start < length => {}
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
    let Some((data, device, pause_at, busy_before)) = with(|s| s.runs.iter().find(|r| r.id == id).map(|r| (r.data.clone(), r.device, r.pause_at, r.busy_ms))) else {
        return; // dropped meanwhile
    };
    if let Some(error) = failure {
        // Divergence or a device fault: the run stops here and is never evaluated.
        let error = RunError::from_training(&error, device == BackendChoice::Wgpu);
        drop_runs(&[id]);
        if let RunError::DeviceFault(_) = error {
            with(|s| s.gpu = Some(Gpu::Failed(error.clone())));
        }
        send(&Event::Failed { id, error });
        return;
    }
    send(&Event::Progress { id, batch: (trainer.batch_in_epoch(), trainer.batches_per_epoch()) });
    let epochs = trainer.epoch();
    let epoch_ended = epoch.is_some();
    if let Some(record) = epoch {
        let filters = match &*data {
            WorkerData::Class { class, val_x, .. } => snapshot(&trainer, class, val_x, epochs).await.map_err(|e| RunError::Evaluation(e.to_string())).transpose(),
            WorkerData::Kmers(_) | WorkerData::User { .. } => None,
        };
        let seconds_per_epoch = (busy_before + busy) / 1000.0 / epochs.max(1) as f64;
        let now = now_ms();
        let phases = trainer.take_profile();
        let (slices_ms, between_ms) = with(|s| s.runs.iter_mut().find(|r| r.id == id).map(|r| (std::mem::take(&mut r.slices_ms), std::mem::take(&mut r.between_ms)))).unwrap_or_default();
        let worker_ms = (slices_ms + now - mark - phases.total_ms()).max(0.0);
        mark = now;
        send(&Event::Epoch { id, record, seconds_per_epoch, filters, profile: EpochProfile { phases, worker_ms, between_ms } });
    }
    let finished = trainer.is_finished();
    let paused = !finished && epoch_ended && pause_at.is_some_and(|n| epochs >= n);
    put_back(id, trainer, busy);
    let end = now_ms();
    with(|s| {
        if let Some(r) = s.runs.iter_mut().find(|r| r.id == id) {
            r.slices_ms += end - mark;
            r.last_slice_end = (r.state.is_active() && !paused && !finished).then_some(end);
        }
    });
    if finished || paused {
        with(|s| {
            if let Some(r) = s.runs.iter_mut().find(|r| r.id == id) {
                r.state.end(if finished { Ended::Finished } else { Ended::Paused });
            }
        });
        send(&Event::Ended { id, how: if finished { Ended::Finished } else { Ended::Paused } });
        evaluate_later(&[id]);
    }
}

/// Compute run `id`'s results on its own data: the 8-mer results, a 200-nt run's test
/// evaluation (lesson 10's report, lesson 11's choice of sequence), and a loaded run's filters. Skipped for runs dropped meanwhile, and for runs
/// resumed before their evaluation came up (Pause then Train at once): they are evaluated when
/// they pause or end again.
async fn evaluate(id: usize) {
    let Some((data, bench, loaded)) = with(|s| s.runs.iter().find(|r| r.id == id && !r.state.is_active()).map(|r| (r.data.clone(), r.bench, r.loaded))) else { return };
    // A question about the model (lesson 11) may hold the trainer: wait for it.
    let Ok(trainer) = questions::trainer_when_free(id).await else { return };
    if trainer.diverged() {
        put_back(id, trainer, 0.0);
        return;
    }
    let fail = |message: String| send(&Event::EvaluationFailed { id, error: RunError::Evaluation(message) });
    match &*data {
        WorkerData::Kmers(dataset) => match kmer_results(&trainer, dataset, bench != Bench::Sweep).await {
            Ok(results) => send(&Event::KmerResults { id, results: Box::new(results) }),
            Err(e) => fail(format!("could not evaluate the model: {e}")),
        },
        WorkerData::Class { class, val_x, test_x } => {
            if loaded {
                match snapshot(&trainer, class, val_x, 0).await {
                    Ok(Some(snapshot)) => send(&Event::Filters { id, snapshot }),
                    Ok(None) => {}
                    Err(e) => fail(format!("could not read the filters: {e}")),
                }
            }
            let labels = class.task.subset(&class.task.split.test).targets;
            match predict(&trainer.inference_model(), test_x, &trainer.device()).await {
                Ok(logits) => send(&Event::Test { id, evaluation: ClassEvaluation::multitask(&labels, &logits, trainer.model_config().num_outputs()) }),
                Err(e) => fail(format!("could not evaluate the model: {e}")),
            }
        }
        WorkerData::User { test_x, .. } => {
            // The first-layer filters as PFMs aligned on the test split (seed 003's rule), with
            // no planted motifs to match: the logos and the MEME export.
            let model = trainer.inference_model();
            match filter_report(&model, test_x, SEED003_ALIGNMENT, &[], &MatchConfig::default(), &trainer.device()).await {
                Ok(Some(report)) => send(&Event::Filters { id, snapshot: FilterSnapshot { epoch: 0, report } }),
                Ok(None) => {}
                Err(e) => fail(format!("could not read the filters: {e}")),
            }
            match predict(&model, test_x, &trainer.device()).await {
                Ok(predictions) => send(&Event::Predictions { id, predictions }),
                Err(e) => fail(format!("could not evaluate the model: {e}")),
            }
        }
    }
    put_back(id, trainer, 0.0);
    release_ended(bench);
    send_memory();
}

/// Free the trainers ended runs no longer need: all but the newest two finished 8-mer runs',
/// all but lesson 9's newest pair, and all but lesson 10's newest run.
fn release_ended(bench: Bench) {
    with(|s| {
        let finished: Vec<usize> = s.runs.iter().filter(|r| r.bench == bench && r.state == RunState::Finished).map(|r| r.id).collect();
        let release = &finished[..finished.len().saturating_sub(bench.models_kept())];
        s.runs.retain(|r| !release.contains(&r.id));
    });
}

/// Predictions for every 8-mer, test R², spot checks and filters of `trainer`'s model; the
/// first-layer maps (about 20 MB) only `with_maps` (a sweep's runs do without).
async fn kmer_results(trainer: &Trainer, dataset: &Dataset, with_maps: bool) -> Result<KmerResults, Error> {
    let model = trainer.inference_model();
    let device = trainer.device();
    let x = dataset.data.one_hot()?;
    let all_predictions = predict(&model, &x, &device).await?;
    let test = &dataset.split.test;
    let truth: Vec<f32> = test.iter().map(|&i| dataset.data.targets[i]).collect();
    let pred: Vec<f32> = test.iter().map(|&i| all_predictions[i]).collect();
    let spot_seqs = spot_check_sequences();
    let spot_pred: Vec<f32> = spot_seqs.iter().map(|s| dataset.index_of(s).map_or(f32::NAN, |i| all_predictions[i])).collect();
    let spot_actual = dataset.rule.score_all(&spot_seqs)?;
    let weights = filter_weights(&model).await?;
    let maps = if with_maps { filter_maps(&model, &x.gather(test), &device).await? } else { None };
    Ok(KmerResults { r_squared: r_squared(&truth, &pred), spot_checks: spot_checks(&spot_pred, &spot_actual), all_predictions, weights, maps })
}

/// The filters of `trainer`'s model on the validation split, labelled as after `epoch` epochs.
async fn snapshot(trainer: &Trainer, class: &ClassData, val_x: &OneHot, epoch: usize) -> Result<Option<FilterSnapshot>, Error> {
    let model = trainer.inference_model();
    let report = filter_report(&model, val_x, SEED003_ALIGNMENT, &class.task.targets, &MatchConfig::default(), &trainer.device()).await?;
    Ok(report.map(|report| FilterSnapshot { epoch, report }))
}

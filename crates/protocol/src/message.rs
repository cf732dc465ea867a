//! The messages between the page and the training worker (`crates/worker`).
//!
//! The page keeps the interface and the drawing; the worker holds burn, the trainers and the
//! devices. Messages carry settings, per-epoch metrics and small read-backs, never whole data
//! sets: a run names its data by a [`DataSpec`] (rule or task, size, seed), and the worker
//! generates the same data from it with the same model crate. The largest message is an 8-mer
//! run's results once it pauses or ends (predictions for 65,536 8-mers and the first-layer maps
//! over the test split).
//!
//! Every message is one CBOR document (RFC 8949, through `ciborium`, serde's CBOR format) in a
//! transferred `ArrayBuffer`, so nothing is copied twice.

use dnaplay_model::BackendChoice;
use dnaplay_model::attribution::{Experiment, Insert, Maps, Method, Reference};
use dnaplay_model::interpret::{FilterMaps, FilterWeights};
use dnaplay_model::metrics::SpotCheck;
use dnaplay_model::models::ModelConfig;
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::tasks::ClassTaskKind;
use dnaplay_model::trainer::{ClassEvaluation, EpochRecord, Phase, StepProfile, TrainConfig};
use dnaplay_model::upload::{Format, PackedParse, UserData};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::data::UserDataKey;
use crate::run::{Bench, FilterSnapshot, RunError};
use crate::timing::{CpuBuild, DeviceTiming};

/// How to generate a run's data; the page and the worker generate the same from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataSpec {
    /// All 8-mers scored by `rule`, split by `seed` ([`crate::Dataset::new`]).
    Kmers { rule: ScoringRule, seed: u64 },
    /// A 200-nt task ([`crate::ClassData::generate`]).
    Class { kind: ClassTaskKind, num_seqs: usize, seed: u64 },
    /// A student's own sequences (lesson 13), named by their key (sent once before, in
    /// [`Command::UserData`]), split by `seed` ([`UserData::split`]).
    User { key: UserDataKey, seed: u64 },
}

/// What the page asks of the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Command {
    /// Initialise WebGPU (once per worker); answered by [`Event::Gpu`].
    InitGpu,
    /// A student's data set (lesson 13), under its key, for the runs that name it by
    /// [`DataSpec::User`]; sent to each worker once, before the first command that names it.
    UserData { key: UserDataKey, data: UserData },
    /// Time `model` on the devices `devices` names ([`crate::timing`]); answered by
    /// [`Event::Timing`] updates under `key` (the CPU, or both) or [`Event::GpuTime`] (WebGPU
    /// alone).
    Time { key: String, data: DataSpec, model: ModelConfig, config: TrainConfig, devices: Timed },
    /// Start run `id` on `device`; it pauses after `pause_at` epochs when given.
    Start { id: usize, bench: Bench, data: DataSpec, model: ModelConfig, config: TrainConfig, device: BackendChoice, pause_at: Option<usize> },
    /// Add finished run `id` with the given weights (burnpack bytes, [`dnaplay_model::checkpoint`])
    /// and evaluate it.
    Load { id: usize, bench: Bench, data: DataSpec, model: ModelConfig, config: TrainConfig, device: BackendChoice, weights: serde_bytes::ByteBuf },
    /// Stop stepping these runs and evaluate them.
    Pause { ids: Vec<usize> },
    /// Step these paused runs again; each pauses after the given number of epochs when given.
    Resume { runs: Vec<(usize, Option<usize>)> },
    /// Forget these runs and their trainers (reset, clear, device change, pruning).
    Drop { ids: Vec<usize> },
    /// The multi-scale model's attention over test sequence `index` of run `id`.
    Attention { id: usize, index: usize },
    /// Attribution maps of run `id`'s model (lesson 11); answered by [`Event::Explained`]
    /// with the same `key`.
    Explain { id: usize, key: u64, request: ExplainRequest },
    /// The in-silico insertion experiment on run `id`'s model; answered by [`Event::Inserted`].
    Insert { id: usize, key: u64, request: InsertRequest },
    /// Run `id`'s weights as burnpack bytes ([`dnaplay_model::checkpoint::save_weights`]);
    /// answered by [`Event::Weights`].
    Weights { id: usize },
    /// Parse a student's file here (lesson 13, a file over 2 MB): `name` (for the format's
    /// detection), `format` when chosen, FASTA's `labels` text. Its bytes follow in
    /// [`Command::ParsePiece`]s under the same `key`; a newer `Parse` abandons an older one.
    Parse { key: u64, name: String, format: Option<Format>, labels: Option<String> },
    /// The next bytes of parse `key`'s file, `last` with its end ([`dnaplay_model::upload::ByteParser`]);
    /// answered by [`Event::Parsing`], or after the last by [`Event::Parsed`].
    ParsePiece { key: u64, bytes: serde_bytes::ByteBuf, last: bool },
}

/// What lesson 11 asks of a model: maps of `seqs` (equal length, the model's) by `methods`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplainRequest {
    /// The sequences, A/C/G/T.
    pub seqs: Vec<String>,
    /// The methods, in display order.
    pub methods: Vec<Method>,
    /// The reference of integrated gradients and DeepSHAP.
    pub reference: Reference,
    /// Seed of the shuffled references.
    pub seed: u64,
}

/// The answer to an [`ExplainRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// One map per method asked, `[batch, 4, length]` each.
    pub maps: Vec<(Method, Maps)>,
    /// The model's output (logit or score) for each sequence.
    pub outputs: Vec<f32>,
    /// The multi-scale model's attention, `[branches, batch, length]` flat; `None` for others.
    pub attention: Option<Vec<f32>>,
    /// Milliseconds the worker spent computing.
    pub millis: f64,
}

/// The insertion experiment: `motif` at `position` of `n` uniform random backgrounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsertRequest {
    /// The motif: typed, or a probability matrix.
    pub motif: Insert,
    /// 0-based position of its first base.
    pub position: usize,
    /// Background sequences.
    pub n: usize,
    /// Seed of the backgrounds, the motif's samples and the control's shuffle.
    pub seed: u64,
}

/// Which devices a [`Command::Time`] times. One worker times both and chooses; with the
/// threaded CPU worker and a separate WebGPU worker, each times its own and the page chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Timed {
    /// The CPU, then WebGPU (waiting at most [`crate::timing::GPU_WAIT_MS`]), then the choice.
    Both,
    /// The CPU alone: one [`Event::Timing`] with no WebGPU figure and no choice.
    Cpu,
    /// WebGPU alone: one [`Event::GpuTime`], however long it takes.
    Gpu,
}

/// An 8-mer run's results, computed in the worker (the page's `RunResults` without the data,
/// which the page already has).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KmerResults {
    /// A prediction for every 8-mer of the dataset, in its order.
    pub all_predictions: Vec<f32>,
    /// Test R².
    pub r_squared: f64,
    /// Seed 002's spot checks.
    pub spot_checks: Vec<SpotCheck>,
    /// CNN only: first-layer weights.
    pub weights: Option<FilterWeights>,
    /// CNN only: first-layer responses over the test split.
    pub maps: Option<FilterMaps>,
}

/// How a run stopped stepping on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ended {
    /// All epochs done (or stopped early).
    Finished,
    /// Reached its `pause_at` ("Step one epoch").
    Paused,
}

/// Where a run's time went, in milliseconds (issue 26): the trainer's phases, the worker's own
/// share of its slices, and the time between them. One epoch's in [`Event::Epoch`]; the page
/// adds them up over the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EpochProfile {
    /// The trainer's phases, timed with `performance.now()` ([`StepProfile`]).
    pub phases: StepProfile,
    /// Inside the worker's slices but outside the trainer: the loop's checks, the progress and
    /// epoch messages, and 200-nt runs' filter snapshots after each epoch.
    pub worker_ms: f64,
    /// Between the run's slices: yields to the event loop (the page's messages), and other
    /// runs' slices and evaluations.
    pub between_ms: f64,
}

impl EpochProfile {
    /// Add `other` (the next epoch's profile).
    pub fn merge(&mut self, other: &EpochProfile) {
        self.phases.merge(&other.phases);
        self.worker_ms += other.worker_ms;
        self.between_ms += other.between_ms;
    }

    /// Milliseconds in all, from the first slice's start to the last one's end.
    pub fn wall_ms(&self) -> f64 {
        self.phases.total_ms() + self.worker_ms + self.between_ms
    }

    /// Each row of a breakdown table: its name, milliseconds per epoch, and share of the wall
    /// time (0 to 1): the trainer's phases, then the worker and the time between slices.
    pub fn rows(&self) -> Vec<(&'static str, f64, f64)> {
        let wall = self.wall_ms();
        let epochs = self.phases.epochs.max(1) as f64;
        let share = |ms: f64| if wall > 0.0 { ms / wall } else { 0.0 };
        Phase::ALL
            .iter()
            .map(|&p| (p.label(), self.phases.of(p)))
            .chain([("worker: messages, checks, snapshots", self.worker_ms), ("between slices: yields, other work", self.between_ms)])
            .map(|(name, ms)| (name, ms / epochs, share(ms)))
            .collect()
    }
}

/// What the worker tells the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Event {
    /// The worker is up, and trains on the CPU as its build says.
    Ready(CpuBuild),
    /// WebGPU's initialisation: ready, or why not.
    Gpu(Result<(), RunError>),
    /// A device timing, new or updated.
    Timing(DeviceTiming),
    /// Milliseconds per batch on WebGPU for the timing under `key` ([`Timed::Gpu`]), or why not.
    GpuTime { key: String, result: Result<f64, RunError> },
    /// Batches done in the current epoch of run `id`, and batches per epoch.
    Progress { id: usize, batch: (usize, usize) },
    /// Run `id` finished an epoch: its record, training seconds per epoch so far, the filters
    /// read after it (200-nt runs; an error when the read-back failed), and where the epoch's
    /// time went.
    Epoch { id: usize, record: EpochRecord, seconds_per_epoch: f64, filters: Option<Result<FilterSnapshot, RunError>>, profile: EpochProfile },
    /// Run `id` stopped stepping on its own.
    Ended { id: usize, how: Ended },
    /// Run `id` failed: refused settings or weights, divergence, or a device fault.
    Failed { id: usize, error: RunError },
    /// Run `id`'s filters, read once its weights were loaded.
    Filters { id: usize, snapshot: FilterSnapshot },
    /// Run `id`'s 8-mer results.
    KmerResults { id: usize, results: Box<KmerResults> },
    /// Run `id`'s test-split evaluation (lesson 10).
    Test { id: usize, evaluation: ClassEvaluation },
    /// Run `id` could not be evaluated ([`RunError::Evaluation`]).
    EvaluationFailed { id: usize, error: RunError },
    /// The answer to [`Command::Attention`]: `[branches, length]` flat.
    Attention { id: usize, index: usize, result: Result<Vec<f32>, RunError> },
    /// The answer to [`Command::Explain`].
    Explained { id: usize, key: u64, result: Result<Explanation, RunError> },
    /// The answer to [`Command::Insert`].
    Inserted { id: usize, key: u64, result: Result<Experiment, RunError> },
    /// Run `id`'s predictions on its test split, in split order (lesson 13): scores for
    /// regression, logits for binary classification.
    Predictions { id: usize, predictions: Vec<f32> },
    /// The answer to [`Command::Weights`].
    Weights { id: usize, result: Result<serde_bytes::ByteBuf, RunError> },
    /// Bytes of the worker's WebAssembly memory (a high-water mark), after it dropped or
    /// evaluated runs: what the memory test watches.
    Memory { bytes: f64 },
    /// Parse `key` has read `bytes` bytes of its file: the page sends the next piece.
    Parsing { key: u64, bytes: f64 },
    /// Part of parse `key`'s result, once its last piece was read: its rows in parts
    /// ([`PackedParse::parts`]), so that each is a short step for the page; `last` with the
    /// last part.
    Parsed { key: u64, parsed: Box<PackedParse>, last: bool },
}

/// Encode a message as CBOR in a fresh `Uint8Array`, with the transfer list that hands its
/// buffer over: the two arguments of `postMessage`.
pub fn encode<T: Serialize>(message: &T) -> (js_sys::Uint8Array, js_sys::Array) {
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail, and every message type serialises.
    if let Err(e) = ciborium::into_writer(message, &mut bytes) {
        web_sys::console::error_1(&format!("DNA Playground could not encode a message: {e}").into());
    }
    let array = js_sys::Uint8Array::from(&bytes[..]);
    let transfer = js_sys::Array::of1(&array.buffer());
    (array, transfer)
}

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The message's data is not a `Uint8Array`.
    #[error("a message that is not bytes")]
    NotBytes,
    /// The bytes are not one CBOR message of the expected type (ciborium's reason).
    #[error("a message that does not decode: {0}")]
    Cbor(String),
}

/// Decode a message from a `MessageEvent`'s data.
///
/// # Errors
/// [`DecodeError`]: data that is not a `Uint8Array` holding one CBOR message of type `T`.
pub fn decode<T: for<'de> Deserialize<'de>>(data: &JsValue) -> Result<T, DecodeError> {
    use wasm_bindgen::JsCast;
    let array = data.dyn_ref::<js_sys::Uint8Array>().ok_or(DecodeError::NotBytes)?;
    from_cbor(&array.to_vec())
}

/// `value` as one CBOR document, the messages' own format: what the page stores beside a run
/// (its filters), so the page's wasm needs no second serde format for it.
pub fn to_cbor<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail, and every message type serialises.
    let _ = ciborium::into_writer(value, &mut bytes);
    bytes
}

/// Read a value written by [`to_cbor`] (or a message's bytes).
///
/// # Errors
/// [`DecodeError::Cbor`] with ciborium's reason when `bytes` are not one CBOR document of type `T`.
pub fn from_cbor<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, DecodeError> {
    ciborium::from_reader(bytes).map_err(|e| DecodeError::Cbor(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dnaplay_model::upload::{UserData, UserTask};

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(message: &T) -> T {
        let mut bytes = Vec::new();
        ciborium::into_writer(message, &mut bytes).unwrap();
        ciborium::from_reader(&bytes[..]).unwrap()
    }

    #[test]
    fn an_epochs_profile_crosses_the_wire_and_adds_up_over_a_run() {
        let one = EpochProfile { phases: StepProfile { ms: [5.0, 30.0, 1.0, 28.0, 6.0, 0.0, 10.0], batches: 328, epochs: 1 }, worker_ms: 4.0, between_ms: 16.0 };
        assert_eq!(round_trip(&one), one);
        let mut run = EpochProfile::default();
        run.merge(&one);
        run.merge(&one);
        assert_eq!(run.wall_ms(), 200.0);
        let rows = run.rows();
        assert_eq!(rows.len(), 9);
        assert_eq!(rows[1], ("forward + loss", 30.0, 0.3), "milliseconds per epoch, share of the wall time");
        assert_eq!(rows[8], ("between slices: yields, other work", 16.0, 0.16));
        assert!((rows.iter().map(|r| r.2).sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_failure_crosses_the_wire_typed() {
        let event = Event::Failed { id: 7, error: RunError::DeviceFault("the device was lost".into()) };
        match round_trip(&event) {
            Event::Failed { id: 7, error: RunError::DeviceFault(m) } => assert_eq!(m, "the device was lost"),
            other => panic!("decoded as {other:?}"),
        }
    }

    #[test]
    fn a_run_on_an_upload_names_it_by_key_and_the_data_crosses_once() {
        let seqs: Vec<String> = (0..40).map(|i| if i % 2 == 0 { "ACGTACGT".into() } else { "TTTTCCCC".into() }).collect();
        let labels: Vec<f32> = (0..40).map(|i| i as f32).collect();
        let data = UserData { name: "pasted text".into(), ids: (0..40).map(|i| format!("s{i}")).collect(), seqs, labels, task: UserTask::Regression };
        let key = UserDataKey::of(&data);
        let spec = DataSpec::User { key, seed: 1 };
        let mut bytes = Vec::new();
        ciborium::into_writer(&spec, &mut bytes).unwrap();
        assert!(bytes.len() < 40, "the spec is {} bytes: the key, not the sequences", bytes.len());
        assert_eq!(round_trip(&spec), spec);
        match round_trip(&Command::UserData { key, data: data.clone() }) {
            Command::UserData { key: k, data: d } => assert_eq!((k, d), (key, data)),
            other => panic!("decoded as {other:?}"),
        }
    }

    #[test]
    fn a_file_parsed_in_the_worker_crosses_as_pieces_and_comes_back_in_parts() {
        use dnaplay_model::upload::{ByteParser, PackedParse, Parsed, parse};
        let text = "id,sequence,label\na,ACGT,1\nb,ACGX,0\nc,TTGA,0\nd,GGCC,1\n";
        // The page's pieces, as the worker receives them.
        let mut worker = ByteParser::new("mine.csv", None, None);
        for piece in text.as_bytes().chunks(9) {
            match round_trip(&Command::ParsePiece { key: 3, bytes: serde_bytes::ByteBuf::from(piece.to_vec()), last: false }) {
                Command::ParsePiece { key: 3, bytes, .. } => worker.feed(&bytes),
                other => panic!("decoded as {other:?}"),
            }
        }
        // Its answer in parts of two rows, as the page puts them together.
        let parts = PackedParse::parts(worker.finish(), 2);
        assert_eq!(parts.len(), 2);
        let mut page = Parsed::default();
        for (i, part) in parts.into_iter().enumerate() {
            match round_trip(&Event::Parsed { key: 3, parsed: Box::new(part), last: i == 1 }) {
                Event::Parsed { key: 3, parsed, .. } => page.append((*parsed).into()),
                other => panic!("decoded as {other:?}"),
            }
        }
        assert_eq!(page, parse(text, dnaplay_model::upload::Format::Csv, None));
        assert_eq!(page.records.len(), 3);
        assert_eq!(page.problems.len(), 1);
    }
}

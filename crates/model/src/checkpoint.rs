//! Trained weights to start from: a model's parameters in burn's own record format
//! (burnpack, through `Module::into_record` / `ModuleRecord::into_bytes`), plus a JSON
//! description of how they were made.
//!
//! A checkpoint is two byte strings, so the crate stays free of file I/O: the CLI writes them
//! to `DIR/model.bpk` and `DIR/checkpoint.json` ([`WEIGHTS_FILE`], [`META_FILE`]) and the web
//! app fetches them as static assets. Both read the same bytes on every platform (burnpack is
//! little-endian, f32 as trained).
//!
//! The description ([`CheckpointMeta`]) holds the model's hyperparameters, the data it was
//! trained on (task, sequences, seed), its training settings and history, and the test metrics
//! the CLI measured when it saved them, so a loader can regenerate the same data and check that
//! it gets the same numbers.

#[cfg(feature = "burn")]
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
#[cfg(feature = "burn")]
use burn::store::ModuleRecord;
#[cfg(feature = "burn")]
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::models::ModelConfig;
#[cfg(feature = "burn")]
use crate::models::Model;
use crate::trainer::{EpochRecord, TrainConfig};

/// The weights' file name in a checkpoint folder.
pub const WEIGHTS_FILE: &str = "model.bpk";
/// The description's file name in a checkpoint folder.
pub const META_FILE: &str = "checkpoint.json";
/// Version of [`CheckpointMeta`]'s layout; a loader refuses any other.
pub const FORMAT_VERSION: u32 = 1;

/// How a checkpoint was made. Serialised as JSON ([`CheckpointMeta::to_json`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointMeta {
    /// [`FORMAT_VERSION`] when written.
    pub format: u32,
    /// The task's name as the CLI's `--task` takes it: `8mer`, `task3` or `keras200`.
    pub task: String,
    /// Sequences generated for a 200-nt task (`None` for the 8-mer task, which uses every k-mer).
    pub num_seqs: Option<usize>,
    /// Seed of the data, the split and the initial weights (`--seed`).
    pub seed: u64,
    /// The model's hyperparameters; the weights fit exactly this model.
    pub model: ModelConfig,
    /// The training settings.
    pub train: TrainConfig,
    /// One record per epoch trained.
    pub history: Vec<EpochRecord>,
    /// Match fraction of the first-layer filters after each epoch, on the validation split
    /// (200-nt tasks; empty otherwise).
    #[serde(default)]
    pub match_fractions: Vec<f64>,
    /// Test-split metrics measured with these weights when they were saved, by name:
    /// `auroc`, `aupr`, `accuracy`, `match_fraction` (classification) or `mse`, `r_squared`,
    /// `pearson_r` (regression).
    pub test_metrics: std::collections::BTreeMap<String, f64>,
}

impl CheckpointMeta {
    /// The description as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a checkpoint description always serialises")
    }

    /// Read a description.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] for text that is not a description (naming serde's line and column)
    /// or one of another [`FORMAT_VERSION`].
    pub fn from_json(text: &str) -> Result<Self> {
        let meta: CheckpointMeta = serde_json::from_str(text).map_err(|e| Error::Checkpoint(format!("{META_FILE} is not a checkpoint description: {e}")))?;
        if meta.format != FORMAT_VERSION {
            return Err(Error::Checkpoint(format!("{META_FILE} has format {}, but this version reads format {FORMAT_VERSION}", meta.format)));
        }
        meta.model.validate()?;
        Ok(meta)
    }
}

/// The weights of `model` as burnpack bytes (burn's `ModuleRecord::into_bytes`).
///
/// The parameters are read back synchronously, so `model` must be on a CPU device (natively
/// any device works); batch norm's running statistics are included.
///
/// # Errors
/// [`Error::Checkpoint`] with burn's message if the record cannot be written.
#[cfg(feature = "burn")]
pub fn save_weights(model: &Model) -> Result<Vec<u8>> {
    let bytes = model.clone().into_record().into_bytes().map_err(|e| Error::Checkpoint(format!("could not write the weights: {e}")))?;
    Ok(bytes.to_vec())
}

/// The weights of `model` as burnpack bytes, like [`save_weights`], for a model on any device:
/// each parameter and running statistic is read back with burn's `into_data_async` and placed
/// on `cpu` before the record is written. A browser cannot read WebGPU buffers synchronously,
/// so a WebGPU model's weights must come through here. `cpu` must be a CPU device.
///
/// The bytes are the same as [`save_weights`] gives for the same model (tested).
///
/// # Errors
/// [`Error::Device`] when a read-back fails; [`Error::Checkpoint`] as for [`save_weights`].
#[cfg(feature = "burn")]
pub async fn save_weights_async(model: &Model, cpu: &Device) -> Result<Vec<u8>> {
    /// Every float tensor of a module, flattened, in visiting order.
    struct Collect(Vec<Tensor<1>>);
    impl ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let t = param.val();
            let n = t.shape().num_elements();
            self.0.push(t.reshape([n]));
        }
    }
    /// Put the read-back values in place of a module's float tensors, in the same order, on `device`.
    struct Place<'a> {
        values: std::vec::IntoIter<TensorData>,
        device: &'a Device,
    }
    impl ModuleMapper for Place<'_> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let data = self.values.next().expect("the module should have as many tensors as were visited");
            param.map(|t| Tensor::<1>::from_data(data, self.device).reshape(t.shape()))
        }
    }
    let mut collect = Collect(Vec::new());
    model.visit(&mut collect);
    let mut values = Vec::with_capacity(collect.0.len());
    for t in collect.0 {
        values.push(t.into_data_async().await.map_err(|e| Error::Device(format!("could not read the weights back: {e:?}")))?);
    }
    let on_cpu = model.clone().map(&mut Place { values: values.into_iter(), device: cpu });
    save_weights(&on_cpu)
}

/// Build the model `config` describes on `device` and load `bytes` (from [`save_weights`])
/// into it. Every parameter must be present with its saved shape, and nothing else.
///
/// # Errors
/// [`Error::Hyperparameter`] for an invalid `config`; [`Error::Checkpoint`] for bytes that are
/// not a burnpack record, or a record that does not fit the model (burn names the parameter).
#[cfg(feature = "burn")]
pub fn load_weights(config: &ModelConfig, bytes: &[u8], device: &Device) -> Result<Model> {
    let fresh = config.init(device, 0)?;
    let record = ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| Error::Checkpoint(format!("{WEIGHTS_FILE} is not a burn record: {e}")))?;
    fresh.try_load_record(record).map_err(|e| Error::Checkpoint(format!("{WEIGHTS_FILE} does not fit {} for {} nt: {e}", config.kind, config.seq_len)))
}

#[cfg(feature = "burn")]
#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_device;
    use crate::models::{Activation, ModelKind};
    use crate::sequence::one_hot;
    use crate::trainer::predict;

    fn outputs(model: &Model, seqs: &[&str], device: &Device) -> Vec<f32> {
        pollster::block_on(predict(model, &one_hot(seqs).unwrap(), device)).unwrap()
    }

    #[test]
    fn weights_round_trip_to_the_same_predictions_for_every_kind() {
        let device = test_device();
        let seq200: String = "ACGTTGCA".repeat(25);
        for kind in [ModelKind::Linear, ModelKind::Cnn, ModelKind::CnnLocal, ModelKind::CnnDist, ModelKind::CnnDistCode, ModelKind::MultiScale] {
            let (len, seqs): (usize, Vec<&str>) = if kind.is_classifier() { (200, vec![&seq200]) } else { (8, vec!["CCCCCTAT", "ACGTACGT"]) };
            let config = ModelConfig::of_kind(kind, len, Activation::Exp);
            let model = config.init(&device, 5).unwrap();
            let bytes = save_weights(&model).unwrap();
            let loaded = load_weights(&config, &bytes, &device).unwrap();
            let (a, b) = (outputs(&model, &seqs, &device), outputs(&loaded, &seqs, &device));
            assert_eq!(a, b, "{kind}: loaded weights must predict bit for bit the same");
            // And differently from a fresh model of another seed, so the load did something.
            let other = outputs(&config.init(&device, 6).unwrap(), &seqs, &device);
            assert_ne!(a, other, "{kind}");
        }
    }

    #[test]
    fn weights_read_back_asynchronously_are_the_same_bytes_for_every_kind() {
        let device = test_device();
        // Every kind, batch norm's running statistics (CNN-deep, multi-scale) included.
        for kind in ModelKind::ALL.iter().copied() {
            let len = if kind.is_classifier() { 200 } else { 8 };
            let model = ModelConfig::of_kind(kind, len, Activation::Exp).init(&device, 3).unwrap();
            let read = pollster::block_on(save_weights_async(&model, &device)).unwrap();
            assert_eq!(read, save_weights(&model).unwrap(), "{kind}");
        }
    }

    #[test]
    fn weights_for_another_model_are_refused_with_the_reason() {
        let device = test_device();
        let bytes = save_weights(&ModelConfig::cnn(8).init(&device, 1).unwrap()).unwrap();
        let wider = ModelConfig { num_filters: 16, ..ModelConfig::cnn(8) };
        let err = load_weights(&wider, &bytes, &device).unwrap_err().to_string();
        assert!(err.contains("does not fit cnn for 8 nt"), "{err}");
        let err = load_weights(&ModelConfig::linear(8), &bytes, &device).unwrap_err().to_string();
        assert!(err.contains("does not fit linear"), "{err}");
        let err = load_weights(&ModelConfig::cnn(8), b"not a record", &device).unwrap_err().to_string();
        assert!(err.contains("model.bpk is not a burn record"), "{err}");
    }

    #[test]
    fn the_description_round_trips_and_refuses_other_formats() {
        let meta = CheckpointMeta {
            format: FORMAT_VERSION,
            task: "task3".into(),
            num_seqs: Some(2000),
            seed: 3,
            model: ModelConfig::cnn_dist(200, Activation::Exp),
            train: TrainConfig::seed003(),
            history: vec![EpochRecord { epoch: 0, train_loss: 0.6, val_loss: 0.5, val_auroc: Some(0.9), val_aupr: None, learning_rate: 1e-3 }],
            match_fractions: vec![0.5],
            test_metrics: [("auroc".to_string(), 0.93)].into(),
        };
        assert_eq!(CheckpointMeta::from_json(&meta.to_json()).unwrap(), meta);
        let future = meta.to_json().replace("\"format\": 1", "\"format\": 2");
        assert!(CheckpointMeta::from_json(&future).unwrap_err().to_string().contains("format 2"));
        assert!(CheckpointMeta::from_json("{").unwrap_err().to_string().contains("line 1"));
    }
}

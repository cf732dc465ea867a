//! Read-backs from the device, all asynchronous (a synchronous read panics on WebGPU), in chunks
//! that keep every buffer under WebGPU's storage-binding limit.

use burn::tensor::{Device, Tensor, TensorData};

use crate::error::{Error, Result};
use crate::interpret::{FilterMaps, FilterWeights};
use crate::models::{Batch, Model};
use crate::sequence::OneHot;

/// Most sequences per forward pass when evaluating (no gradients), to bound memory and keep a
/// small model's activations in cache: the 8-mer CNN's validation pass took 10.5 ms per epoch
/// in chunks of 4,096 and of 2,048, and 1.9 ms in chunks of 1,024, 512 or 256 (`dnaplay bench
/// --profile`, burn-flex, 2 threads, the 2-core dev box; issue 26).
pub const EVAL_BATCH: usize = 1024;

/// WebGPU's default `maxStorageBufferBindingSize`, 128 MiB (WebGPU spec, "Limits"): burn-wgpu
/// asks the browser for the default limits, so no buffer may be larger. Evaluation chunks are
/// sized to keep the widest activation under half of it.
pub const MAX_BUFFER_BYTES: usize = 128 << 20;

/// Sequences per evaluation chunk for `model` on sequences of `length`: at most [`EVAL_BATCH`],
/// and few enough that the widest activation (`[chunk, channels, length]` f32) stays under half
/// of [`MAX_BUFFER_BYTES`]. Seed 000's multi-scale CNN gets 1,024 on 200-nt sequences and 262 on
/// 1,000-nt uploads.
pub fn eval_chunk(model: &Model, length: usize) -> usize {
    let per_sequence = model.widest_channels() * length.max(1) * 4;
    (MAX_BUFFER_BYTES / 2 / per_sequence).clamp(1, EVAL_BATCH)
}

/// `x`'s sequences at `idx` as one input tensor on `device`, `[idx.len(), 4, x.length]`.
pub(crate) fn gathered(x: &OneHot, idx: &[usize], device: &Device) -> Tensor<3> {
    let chunk = x.gather(idx);
    let shape = chunk.shape();
    Tensor::from_data(TensorData::new(chunk.values, shape), device)
}

/// Predict with a model (use an inference model, e.g. [`Trainer::inference_model`]).
///
/// Input `[batch, 4, length]`; output `batch × outputs` values, the model's `[batch, outputs]`
/// row-major ([`ModelKind::outputs`](crate::models::ModelKind::outputs)): one score (regression)
/// or logit (classification) per sequence, or 12 logits per sequence for seed 003's Task 1
/// models. Runs in chunks of [`eval_chunk`] sequences, so no buffer exceeds WebGPU's limit,
/// and reads back asynchronously.
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn predict(model: &Model, x: &OneHot, device: &Device) -> Result<Vec<f32>> {
    predict_with_codes(model, x, None, device).await
}

/// [`predict`], given `x`'s base codes (`[batch, length]`) where the model takes them
/// ([`Model::forward_train`]): the trainer's validation pass, whose sequences it encoded once.
/// The single-output CNN scores them on the host ([`crate::cnn_step::CnnParams::forward`]).
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub(crate) async fn predict_with_codes(model: &Model, x: &OneHot, codes: Option<&[u8]>, device: &Device) -> Result<Vec<f32>> {
    // The single-output CNN scores its codes on the host, as its training step does.
    if let (Some(codes), Model::Cnn(cnn)) = (codes, model) {
        if cnn.outputs() == 1 {
            return Ok(cnn.host_params().await?.forward(codes, x.length));
        }
    }
    let mut out = Vec::with_capacity(x.batch);
    let chunk = eval_chunk(model, x.length);
    for start in (0..x.batch).step_by(chunk) {
        let end = (start + chunk).min(x.batch);
        let input = match codes {
            Some(c) => Batch::Codes { codes: &c[start * x.length..end * x.length], length: x.length, device },
            None => Batch::OneHot(gathered(x, &(start..end).collect::<Vec<_>>(), device)),
        };
        let data = model.forward_train(input).into_data_async().await.map_err(device_error)?;
        out.extend(data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))?);
    }
    Ok(out)
}

/// First-layer responses of a CNN for `x` (`[batch, 4, length]`), read back to the host.
/// Returns `None` for models without one first layer to interpret (linear, multi-scale).
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn filter_maps(model: &Model, x: &OneHot, device: &Device) -> Result<Option<FilterMaps>> {
    if model.first_layer_weight().is_none() {
        return Ok(None);
    }
    let (mut pre, mut post) = (Vec::new(), Vec::new());
    let (mut num_filters, mut positions) = (0, 0);
    let step = eval_chunk(model, x.length);
    for start in (0..x.batch).step_by(step) {
        let idx: Vec<usize> = (start..(start + step).min(x.batch)).collect();
        let (a, b) = model.first_layer(gathered(x, &idx, device)).expect("checked above");
        [_, num_filters, positions] = a.dims();
        for (t, dst) in [(a, &mut pre), (b, &mut post)] {
            let data = t.into_data_async().await.map_err(device_error)?;
            dst.extend(data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))?);
        }
    }
    Ok(Some(FilterMaps { pre, post, batch: x.batch, num_filters, positions }))
}

/// Attention weights of the multi-scale model for `x` (`[batch, 4, length]`), read back as
/// `[branches, batch, length]` flat (branches in [`crate::deep::MULTISCALE_WIDTHS`] order; each
/// row sums to 1). `None` for the other models.
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn attention_maps(model: &Model, x: &OneHot, device: &Device) -> Result<Option<Vec<f32>>> {
    let xs = Tensor::<3>::from_data(TensorData::new(x.values.clone(), x.shape()), device);
    let Some(a) = model.attention(xs) else { return Ok(None) };
    let data = a.into_data_async().await.map_err(device_error)?;
    Ok(Some(data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))?))
}

/// First-layer weights of a CNN, `[num_filters, 4, width]`; `None` as for [`filter_maps`].
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn filter_weights(model: &Model) -> Result<Option<FilterWeights>> {
    let Some(w) = model.first_layer_weight() else { return Ok(None) };
    let [num_filters, _, width] = w.dims();
    let data = w.into_data_async().await.map_err(device_error)?;
    let values = data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))?;
    Ok(Some(FilterWeights { values, num_filters, width }))
}

pub(super) fn device_error(e: impl std::fmt::Display) -> Error {
    Error::Device(e.to_string())
}

/// Read a tensor back to the host as a flat `Vec<f32>`, asynchronously.
///
/// # Errors
/// [`Error::Device`] when the read-back fails.
pub(crate) async fn read_vec<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>> {
    let data = t.into_data_async().await.map_err(device_error)?;
    data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))
}

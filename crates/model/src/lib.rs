//! DNA Playground's model crate: the data, one-hot encoding, models, trainer, metrics and
//! interpretation shared by the web app and the `dnaplay` CLI.
//!
//! Pure: no web code, no file I/O, no printing, no clock. Tensors are burn 0.22's `Tensor<D>`
//! on a runtime [`burn::tensor::Device`]; every read-back is asynchronous so the same code runs
//! on WebGPU in a browser.

pub mod attribution;
pub mod backend;
pub mod checkpoint;
pub mod cnn_step;
mod choice;
pub mod data;
pub mod deep;
#[cfg(feature = "burn")]
mod dropout;
pub mod error;
pub mod interpret;
mod layers;
pub mod matching;
pub mod metrics;
pub mod models;
pub mod motifs;
pub mod pytorch;
pub mod scoring;
pub mod sequence;
pub mod settings;
pub mod sweep;
pub mod synthetic;
pub mod tasks;
pub mod trainer;
pub mod upload;

pub use backend::BackendChoice;
#[cfg(feature = "burn")]
pub use burn;
pub use error::{Error, Result};

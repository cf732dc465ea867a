//! What the page (the `dna-playground` crate) and the training worker (`crates/worker`) share,
//! with no Leptos and no burn backend: the messages between them ([`message`]), the state of a
//! run ([`run`]), the data a run names ([`data`]), the device timing ([`timing`]), and the
//! clock and constructors both wasm instances need ([`clock`], [`ctors`]).
//!
//! The dependency graph goes one way: `dnaplay-model` (pure) ← `dnaplay-protocol` ← the page
//! and the worker, neither of which depends on the other.

pub mod clock;
pub mod ctors;
pub mod data;
pub mod message;
pub mod run;
pub mod timing;

pub use data::{ClassData, Dataset, UPLOADS_KEPT, Uploads, UserDataKey};
pub use message::{Command, DataSpec, DecodeError, Ended, EpochProfile, Event, ExplainRequest, Explanation, InsertRequest, KmerResults, Timed, decode, encode, from_cbor, to_cbor};
pub use run::{Bench, FilterSnapshot, RunError, RunState};
pub use timing::DeviceTiming;

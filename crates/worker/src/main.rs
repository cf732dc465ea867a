//! DNA Playground's training worker: burn, the trainers and WebGPU, off the page's thread. The
//! page talks to it through `dnaplay_protocol`.
//!
//! Two builds of this crate ship:
//! - the plain one (Trunk builds it as `data-type="worker"`, Index.html): one thread, with
//!   WebGPU; it starts listening as soon as it loads;
//! - the threaded one (`--features threads`, scripts/build-worker-threads.sh): burn-flex's
//!   rayon kernels on every core, without WebGPU (cubecl-wgpu's types are not `Send` under
//!   wasm atomics). Its loader (assets/dnaplay-worker-mt.js) starts the rayon pool with
//!   `initThreadPool` first, then calls [`start_training_worker`].

mod device;
mod questions;
mod timing;
mod worker;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

fn main() {
    dnaplay_protocol::ctors::run_once();
    std::panic::set_hook(Box::new(console_error_panic_hook::hook));
    #[cfg(not(feature = "threads"))]
    worker::start();
}

/// Listen to the page and say so: the threaded build's entry point, called once the rayon pool
/// is up (or without one, when the page is not cross-origin isolated: training then runs on
/// this one thread).
#[cfg(feature = "threads")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start_training_worker() {
    worker::start();
}

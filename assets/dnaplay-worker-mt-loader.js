// Starts DNA Playground's threaded training worker (crates/worker with --features threads, built
// by scripts/build-worker-threads.sh as dnaplay-worker-mt.js and dnaplay-worker-mt_bg.wasm). The
// page (src/engine.rs) creates it as a module worker, only when it is cross-origin isolated:
// wasm-bindgen-rayon's pool shares this worker's memory with one Web Worker per thread, and a
// shared memory can be posted to another worker only under isolation.
//
// The pool gets one thread per logical processor (navigator.hardwareConcurrency); the worker's
// own thread waits on it while a batch trains. A failure to load is rethrown from a task, where
// it reaches the page's Worker.onerror (a rejected promise in a worker never does).
import init, { initThreadPool, start_training_worker } from "./dnaplay-worker-mt.js";

try {
  await init({ module_or_path: new URL("./dnaplay-worker-mt_bg.wasm", import.meta.url) });
  await initThreadPool(Math.max(1, navigator.hardwareConcurrency || 1));
  start_training_worker();
} catch (e) {
  setTimeout(() => {
    throw new Error("its threaded WebAssembly did not start: " + e);
  });
}

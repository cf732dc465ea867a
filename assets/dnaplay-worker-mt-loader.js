// Starts DNA Playground's threaded training worker (crates/worker with --features threads, built
// by scripts/build-worker-threads.sh as dnaplay-worker-mt.js and dnaplay-worker-mt_bg.wasm). The
// page (src/engine.rs) creates it as a module worker, only when it is cross-origin isolated:
// wasm-bindgen-rayon's pool shares this worker's memory with one Web Worker per thread, and a
// shared memory can be posted to another worker only under isolation.
//
// Two builds of it: relaxed/ (relaxed SIMD: fused multiply-adds in the matrix products,
// crates/patched/README.md) where this engine validates a module that uses f32x4.relaxed_madd
// (Chromium, Firefox), and the baseline (SIMD128) beside this file otherwise (WebKit). A module
// with an instruction the engine lacks fails to compile, so the choice is made before loading.
//
// The pool gets one thread per logical processor (navigator.hardwareConcurrency); the worker's
// own thread waits on it while a batch trains. A failure to load is rethrown from a task, where
// it reaches the page's Worker.onerror (a rejected promise in a worker never does).

// (module (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0)))):
// 82 bytes; relaxed_madd is 0xfd 0x105 (LEB128 0x85 0x02).
const zero = [0xfd, 0x0c, ...new Array(16).fill(0)];
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b, // code section
]);

function relaxedSimd() {
  try {
    return WebAssembly.validate(RELAXED_SIMD_PROBE);
  } catch {
    return false;
  }
}

try {
  const dir = relaxedSimd() ? "./relaxed/" : "./";
  const { default: init, initThreadPool, start_training_worker } = await import(new URL(dir + "dnaplay-worker-mt.js", import.meta.url).href);
  await init({ module_or_path: new URL(dir + "dnaplay-worker-mt_bg.wasm", import.meta.url) });
  await initThreadPool(Math.max(1, navigator.hardwareConcurrency || 1));
  start_training_worker();
} catch (e) {
  setTimeout(() => {
    throw new Error("its threaded WebAssembly did not start: " + e);
  });
}

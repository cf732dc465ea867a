// Starts DNA Playground's training worker (crates/worker; src/engine.rs creates it with this
// script). Trunk builds the worker's JavaScript and WebAssembly beside the page as
// dnaplay-worker.js and dnaplay-worker_bg.wasm (Index.html, data-type="worker").
//
// A wasm that cannot be fetched or compiled rejects a promise, and a rejected promise in a worker
// never reaches the page. Rethrown from a task, the error does: the page's Worker.onerror reports
// it and the page carries on.
importScripts("./dnaplay-worker.js");
wasm_bindgen({ module_or_path: "./dnaplay-worker_bg.wasm" }).catch((e) => {
  setTimeout(() => {
    throw new Error("its WebAssembly did not load: " + e);
  });
});

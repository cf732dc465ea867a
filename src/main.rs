//! Mounts the app; everything else lives in the library.

// Constructors (the `inventory` registrations of cubecl's `pliron` IR, present in the
// WebGPU build) must run once per instance. When no code calls `__wasm_call_ctors`, wasm-ld
// treats the module as a "command" and wraps *every* export in a call to it, so each
// wasm-bindgen call from JavaScript re-ran all registrations: that made CPU training in the
// page 4× slower (profiled: 30% of samples in `__wasm_call_ctors` and `inventory::submit`).
// Calling it here, from `main`, turns the wrapping off (inventory 0.3 docs, "WebAssembly").
#[cfg(target_family = "wasm")]
unsafe extern "C" {
    fn __wasm_call_ctors();
}

fn main() {
    #[cfg(target_family = "wasm")]
    // SAFETY: called once, first thing after instantiation, before any other Rust code runs;
    // the constructors only register static items (inventory's documented pattern).
    unsafe {
        __wasm_call_ctors();
    }
    dna_playground::panic::install();
    leptos::mount::mount_to_body(dna_playground::App);
    // For the page benchmark (tests/e2e/tests/bench.rs): when the first lesson is on screen.
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("dnaplay-mounted");
    }
}

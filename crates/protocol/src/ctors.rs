//! Wasm constructors, run once per instance, by the page's `main` and the training worker's.
//!
//! Constructors (the `inventory` registrations of cubecl's `pliron` IR, in the worker's build)
//! must run once per instance. When no code calls `__wasm_call_ctors`, wasm-ld treats the module
//! as a "command" and wraps *every* export in a call to it, so each wasm-bindgen call from
//! JavaScript re-ran all registrations: that made CPU training 4× slower (profiled: 30% of
//! samples in `__wasm_call_ctors` and `inventory::submit`). Calling it once, first thing, turns
//! the wrapping off (inventory 0.3 docs, "WebAssembly").

#[cfg(target_family = "wasm")]
unsafe extern "C" {
    fn __wasm_call_ctors();
}

/// Run the constructors. Call once, first thing in `main`, before any other Rust code.
pub fn run_once() {
    #[cfg(target_family = "wasm")]
    // SAFETY: called once, first thing after instantiation (the documented contract of this
    // function); the constructors only register static items (inventory's documented pattern).
    unsafe {
        __wasm_call_ctors();
    }
}

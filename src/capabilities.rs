//! What this browser can do, tested rather than assumed, and the training workers that follow
//! from it.
//!
//! The threaded CPU worker (every core) needs all of: a cross-origin isolated page,
//! `SharedArrayBuffer` defined (WebKitGTK leaves it undefined even when isolated), a shared
//! `WebAssembly.Memory` as large as the worker asks for (mobile Safari refuses large shared
//! memories), and a WebAssembly module with atomics that validates. Each is tested on its own,
//! after wasm-feature-detect's approach (`WebAssembly.validate` on a tiny module per feature),
//! and the first that fails names why the CPU trains on one thread. The run engine then tries
//! the workers in order (threads, then one thread; WebGPU, then the CPU) and a worker that fails
//! to load moves it to the next ([`crate::engine`]).

use wasm_bindgen::JsCast;

/// Largest size of the threaded worker's shared memory, in 64 KiB pages: 2 GiB, as
/// `scripts/build-worker-threads.sh` links it (`--max-memory=2147483648`). wasm-bindgen's glue
/// creates `new WebAssembly.Memory({ initial, maximum: 32768, shared: true })`.
pub const THREADED_MEMORY_MAX_PAGES: u32 = 32_768;

/// Pages the probe allocates at first (1 MiB): what a browser refuses is the reservation of the
/// maximum, which a shared memory makes up front.
const PROBE_INITIAL_PAGES: u32 = 16;

/// wasm-feature-detect's `threads` module: a shared memory of one page and one
/// `i32.atomic.load` (opcode `0xfe 0x10`).
const ATOMICS_MODULE: [u8; 37] = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11,
];

/// One capability the threaded worker needs, in the order they are tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoThreads {
    /// `crossOriginIsolated` is false: the host sent no isolation headers and the service
    /// worker has not added them (yet).
    NotIsolated,
    /// `SharedArrayBuffer` is undefined although the page is isolated (WebKitGTK without
    /// `JSC_useSharedArrayBuffer=1`, some embedded browsers).
    NoSharedArrayBuffer,
    /// `new WebAssembly.Memory({ shared: true, maximum })` threw: the browser's message.
    SharedMemoryRefused(String),
    /// `WebAssembly.validate` refused a module with atomics.
    NoWasmAtomics,
    /// The browser reports one logical processor: one thread is all there is.
    OneProcessor,
}

impl std::fmt::Display for NoThreads {
    /// The reason as the page's header says it after "One thread: ".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoThreads::NotIsolated => f.write_str("this page is not cross-origin isolated"),
            NoThreads::NoSharedArrayBuffer => f.write_str("this browser has no SharedArrayBuffer"),
            NoThreads::SharedMemoryRefused(why) => write!(f, "this browser refused a {} GiB shared WebAssembly memory ({why})", THREADED_MEMORY_MAX_PAGES / 16_384),
            NoThreads::NoWasmAtomics => f.write_str("this browser cannot compile WebAssembly with atomics"),
            NoThreads::OneProcessor => f.write_str("this device reports one processor"),
        }
    }
}

/// The browser's capabilities that decide which training workers run, read once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// `crossOriginIsolated`.
    pub isolated: bool,
    /// `SharedArrayBuffer` is defined.
    pub shared_array_buffer: bool,
    /// A shared memory of [`THREADED_MEMORY_MAX_PAGES`] could be made, or the browser's refusal.
    pub shared_memory: Result<(), String>,
    /// A module with atomics validates.
    pub wasm_atomics: bool,
    /// `navigator.gpu` exists.
    pub webgpu: bool,
    /// `navigator.serviceWorker` exists and the page is a secure context.
    pub service_worker: bool,
    /// `navigator.hardwareConcurrency`, when the browser tells.
    pub processors: Option<usize>,
}

impl Capabilities {
    /// Test each capability in this page (a few milliseconds; the probe memory is dropped at
    /// once).
    pub fn detect() -> Capabilities {
        let global = js_sys::global();
        let defined = |name: &str| js_sys::Reflect::get(&global, &name.into()).is_ok_and(|v| !v.is_undefined() && !v.is_null());
        let shared_array_buffer = defined("SharedArrayBuffer");
        let window = web_sys::window();
        let service_worker = window.as_ref().is_some_and(|w| w.is_secure_context() && js_sys::Reflect::has(&w.navigator(), &"serviceWorker".into()).unwrap_or(false));
        Capabilities {
            isolated: dnaplay_protocol::timing::cross_origin_isolated(),
            shared_array_buffer,
            // Without SharedArrayBuffer a shared memory cannot exist; do not ask.
            shared_memory: if shared_array_buffer { probe_shared_memory() } else { Err("no SharedArrayBuffer".into()) },
            wasm_atomics: js_sys::WebAssembly::validate(&js_sys::Uint8Array::from(&ATOMICS_MODULE[..]).into()).unwrap_or(false),
            webgpu: dnaplay_protocol::timing::browser_has_webgpu(),
            service_worker,
            processors: dnaplay_protocol::timing::hardware_threads(),
        }
    }

    /// Why the threaded worker cannot run here (the first capability missing), or `None`
    /// when it can.
    pub fn no_threads(&self) -> Option<NoThreads> {
        if !self.isolated {
            Some(NoThreads::NotIsolated)
        } else if !self.shared_array_buffer {
            Some(NoThreads::NoSharedArrayBuffer)
        } else if let Err(why) = &self.shared_memory {
            Some(NoThreads::SharedMemoryRefused(why.clone()))
        } else if !self.wasm_atomics {
            Some(NoThreads::NoWasmAtomics)
        } else if self.processors == Some(1) {
            Some(NoThreads::OneProcessor)
        } else {
            None
        }
    }
}

/// Make (and drop) a shared memory as large as the threaded worker's.
fn probe_shared_memory() -> Result<(), String> {
    let descriptor = js_sys::Object::new();
    let set = |key: &str, value: wasm_bindgen::JsValue| js_sys::Reflect::set(&descriptor, &key.into(), &value).map(|_| ());
    set("initial", PROBE_INITIAL_PAGES.into()).and_then(|()| set("maximum", THREADED_MEMORY_MAX_PAGES.into())).and_then(|()| set("shared", true.into())).map_err(|e| js_text(&e))?;
    js_sys::WebAssembly::Memory::new(&descriptor).map(drop).map_err(|e| js_text(&e))
}

/// A JavaScript error as text: its message, or its string form.
pub fn js_text(value: &wasm_bindgen::JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", String::from(e.name()), String::from(e.message())))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

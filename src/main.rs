//! Mounts the app; everything else lives in the library.

use std::cell::Cell;
use std::rc::Rc;

/// How long the app waits for the motif file before it mounts without it (ms). A slow or
/// stalled fetch must not keep the static shell up: the lessons that need the motifs say the
/// file did not load, and the fetch goes on, so they have it when it arrives.
const MOTIF_WAIT_MS: i32 = 4000;

fn main() {
    dnaplay_protocol::ctors::run_once();
    dna_playground::panic::install();
    let mounted = Rc::new(Cell::new(false));
    // wasm-bindgen-futures, not Leptos' spawner: Leptos sets its executor up when it mounts.
    // The motifs first (preloaded by Index.html while the wasm loaded, so this is quick): lessons
    // 9, 11 and 12 generate their data from them as they mount.
    let m = mounted.clone();
    wasm_bindgen_futures::spawn_local(async move {
        dna_playground::load_motifs().await;
        mount_once(&m);
    });
    wasm_bindgen_futures::spawn_local(async move {
        dnaplay_protocol::clock::sleep_ms(MOTIF_WAIT_MS).await;
        if !mounted.get() {
            web_sys::console::warn_1(&format!("DNA Playground: the motif file took over {MOTIF_WAIT_MS} ms; the lessons start without it").into());
        }
        mount_once(&mounted);
    });
}

/// Mount the app, the first time only.
fn mount_once(mounted: &Cell<bool>) {
    if mounted.replace(true) {
        return;
    }
    // The static shell Index.html paints before the wasm arrives gives way to the app, in the same
    // task, so no frame shows both.
    if let Some(shell) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app-shell")) {
        shell.remove();
    }
    leptos::mount::mount_to_body(dna_playground::App);
    // For the page benchmark (tests/e2e/tests/bench.rs): when the first lesson is on screen.
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("dnaplay-mounted");
    }
}

//! Mounts the app; everything else lives in the library.

fn main() {
    dnaplay_protocol::ctors::run_once();
    dna_playground::panic::install();
    // wasm-bindgen-futures, not Leptos' spawner: Leptos sets its executor up when it mounts.
    wasm_bindgen_futures::spawn_local(async {
        // The motifs first (preloaded by Index.html while the wasm loaded, so this is quick):
        // lessons 9, 11 and 12 generate their data from them as they mount.
        dna_playground::load_motifs().await;
        // The static shell Index.html paints before the wasm arrives gives way to the app, in
        // the same task, so no frame shows both.
        if let Some(shell) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app-shell")) {
            shell.remove();
        }
        leptos::mount::mount_to_body(dna_playground::App);
        // For the page benchmark (tests/e2e/tests/bench.rs): when the first lesson is on screen.
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark("dnaplay-mounted");
        }
    });
}

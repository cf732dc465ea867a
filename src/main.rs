//! Mounts the app; everything else lives in the library.

fn main() {
    dnaplay_protocol::ctors::run_once();
    dna_playground::panic::install();
    leptos::mount::mount_to_body(dna_playground::App);
    // For the page benchmark (tests/e2e/tests/bench.rs): when the first lesson is on screen.
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("dnaplay-mounted");
    }
}

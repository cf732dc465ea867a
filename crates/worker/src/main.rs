//! DNA Playground's training worker (Trunk builds it as `data-type="worker"`, Index.html): burn,
//! the trainers and WebGPU, off the page's thread. The page talks to it through
//! `dna_playground::protocol`.

mod device;
mod worker;

fn main() {
    dna_playground::ctors::run_once();
    std::panic::set_hook(Box::new(console_error_panic_hook::hook));
    worker::start();
}

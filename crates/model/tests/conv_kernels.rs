//! Benchmark (ignored; prints figures): CNN-dist's convolutions with burn's `Conv1d` against
//! two replacements, natively (`common/conv_bench.rs`).
//!
//! `cargo test --release -p dnaplay-model --test conv_kernels -- --ignored --nocapture`
#![cfg(not(target_family = "wasm"))]

mod common {
    pub mod conv_bench;
}

#[test]
#[ignore = "benchmark: prints figures; run with --ignored --nocapture"]
fn conv_kernels() {
    let start = std::time::Instant::now();
    common::conv_bench::bench(move || start.elapsed().as_secs_f64() * 1000.0, |line| println!("{line}"));
}

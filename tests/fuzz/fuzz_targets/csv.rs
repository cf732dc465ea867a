//! Fuzz target: see `dnaplay_state::fuzz::csv` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dnaplay_state::fuzz::csv(data));

//! Fuzz target: see `dnaplay_state::fuzz::tsv` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dnaplay_state::fuzz::tsv(data));

//! Fuzz target: see `dnaplay_state::fuzz::fasta` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dnaplay_state::fuzz::fasta(data));

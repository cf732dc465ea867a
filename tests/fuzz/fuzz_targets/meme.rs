//! Fuzz target: see `dnaplay_state::fuzz::meme` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dnaplay_state::fuzz::meme(data));

//! Replays the fuzz corpora (`tests/fuzz/corpus/<target>/`) through the properties the fuzz
//! targets check (`dnaplay_state::fuzz`), so every input a fuzzer ever kept, and every crash it
//! found, stays a test that runs in seconds without nightly.

use std::path::Path;

#[test]
fn every_corpus_input_keeps_its_parsers_properties() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fuzz/corpus");
    let mut total = 0;
    for (name, check) in dnaplay_state::fuzz::TARGETS {
        let dir = root.join(name);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()));
        let mut count = 0;
        for entry in entries {
            let path = entry.expect("a corpus entry").path();
            let data = std::fs::read(&path).expect("a corpus file");
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{name}: {} breaks a property", path.display());
            count += 1;
        }
        assert!(count > 0, "corpus {name} is empty");
        total += count;
    }
    eprintln!("replayed {total} corpus inputs");
}

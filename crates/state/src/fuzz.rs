//! What every parser of user text must keep, whatever the bytes: no panic, bounded output, and
//! what it accepts reads back the same. The fuzz targets in `tests/fuzz` (cargo-fuzz) call
//! these on generated input; `tests/fuzz_corpora.rs` replays the saved corpora through them as
//! an ordinary test.
//!
//! Each function panics when a property fails, which is what a fuzzer reports.

use dnaplay_model::motifs::{parse_jaspar, parse_meme};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::sequence::one_hot;
use dnaplay_model::upload::{self, Fit, Format, MAX_LENGTH, MAX_PROBLEMS, UserData, UserTask};

use crate::{MAX_NOTICES, Settings, format_rule, parse_rule};

/// The fuzz targets, by name: the folder of each corpus under `tests/fuzz/corpus/`.
pub const TARGETS: [(&str, fn(&[u8])); 8] = [
    ("url_query", url_query),
    ("rule", rule),
    ("sequences", sequences),
    ("jaspar", jaspar),
    ("meme", meme),
    ("csv", csv),
    ("tsv", tsv),
    ("fasta", fasta),
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// A link's query string: at most [`MAX_NOTICES`] notices, each short; the settings it gives
/// write a query that reads back to the same settings without a notice.
pub fn url_query(data: &[u8]) {
    let (settings, notices) = Settings::from_query(&text(data));
    assert!(notices.len() <= MAX_NOTICES, "{} notices", notices.len());
    assert!(notices.iter().all(|n| n.len() < 600), "a notice repeats its input: {notices:?}");
    let query = settings.to_query();
    let (again, notices) = Settings::from_query(&query);
    assert!(notices.is_empty(), "{query} gave {notices:?}");
    assert_eq!(again, settings, "{query} does not read back");
}

/// A scoring rule as written in a link: an accepted rule is valid, writes back to itself, and
/// scores an 8-mer to a finite number.
pub fn rule(data: &[u8]) {
    let Ok(rule) = parse_rule(&text(data)) else { return };
    rule.validate().expect("an accepted rule is valid");
    let again = parse_rule(&format_rule(&rule)).expect("a written rule reads back");
    assert_eq!(again, ScoringRule { position: again.position, ..rule.clone() });
    let score = rule.score("ACGTTATG").expect("an 8-mer scores");
    assert!(score.is_finite(), "score {score}");
}

/// Sequences, one per line: accepted ones encode to `[batch, 4, length]` with columns summing
/// to 0 (N) or 1, and decode back; refused ones name the fault.
pub fn sequences(data: &[u8]) {
    let text = text(data);
    let seqs: Vec<&str> = text.lines().collect();
    match one_hot(&seqs) {
        Ok(x) => {
            assert_eq!(x.batch, seqs.len());
            assert_eq!(x.values.len(), x.batch * 4 * x.length);
            for b in 0..x.batch {
                let m = x.sequence(b);
                for p in 0..x.length {
                    let sum: f32 = (0..4).map(|c| m[c * x.length + p]).sum();
                    assert!(sum == 0.0 || sum == 1.0, "column {p} of sequence {b} sums to {sum}");
                }
            }
            assert_eq!(x.decode().len(), x.batch);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// A JASPAR file: accepted motifs have positions with finite counts ≥ 0; errors name a line
/// inside the file.
pub fn jaspar(data: &[u8]) {
    motif_file(&text(data), parse_jaspar);
}

/// A MEME file, as [`jaspar`].
pub fn meme(data: &[u8]) {
    motif_file(&text(data), parse_meme);
}

fn motif_file(text: &str, parse: fn(&str) -> dnaplay_model::Result<Vec<dnaplay_model::motifs::Motif>>) {
    match parse(text) {
        Ok(motifs) => {
            for m in motifs {
                assert!(m.pfm.width() > 0);
                assert!(m.pfm.counts.iter().flatten().all(|c| c.is_finite() && *c >= 0.0), "{m:?}");
                let ppm = m.pfm.to_ppm(0.0);
                assert_eq!(ppm.information_content().len(), m.pfm.width());
                assert_eq!(m.reverse_complement().reverse_complement(), m);
            }
        }
        Err(dnaplay_model::Error::MotifFile { line, .. }) => assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "line {line}"),
        Err(e) => panic!("a motif file error that names no line: {e}"),
    }
}

/// A CSV upload ([`upload::parse`]): see [`upload_text`].
pub fn csv(data: &[u8]) {
    upload_text(&text(data), Format::Csv, None);
}

/// A TSV upload: see [`upload_text`].
pub fn tsv(data: &[u8]) {
    upload_text(&text(data), Format::Tsv, None);
}

/// A FASTA upload; the input after the first NUL byte, if any, is its labels file.
pub fn fasta(data: &[u8]) {
    let t = text(data);
    match t.split_once('\0') {
        Some((fasta, labels)) => upload_text(fasta, Format::Fasta, Some(labels)),
        None => upload_text(&t, Format::Fasta, None),
    }
}

/// An upload never panics; every accepted row holds 1 to [`MAX_LENGTH`] of A/C/G/T/N and a
/// finite label, once each; problems are bounded and name a line inside the text; and a data
/// set built from what was accepted writes CSV that reads back to the same sequences and labels.
fn upload_text(text: &str, format: Format, labels: Option<&str>) {
    let parsed = upload::parse(text, format, labels);
    assert!(parsed.problems.len() <= MAX_PROBLEMS);
    let lines = text.lines().count().max(labels.map_or(0, |l| l.lines().count())) + 1;
    for p in &parsed.problems {
        assert!(p.line <= lines, "problem on line {} of {lines}: {p}", p.line);
        assert!(p.message.len() < 600, "a problem repeats its input: {p}");
    }
    let mut seen = std::collections::HashSet::new();
    for r in &parsed.records {
        assert!(!r.seq.is_empty() && r.seq.len() <= MAX_LENGTH, "length {}", r.seq.len());
        assert!(r.seq.bytes().all(|b| b"ACGTN".contains(&b)), "{}", r.seq);
        assert!(r.label.is_finite());
        assert!(seen.insert(r.seq.clone()), "duplicate {} kept", r.seq);
    }
    // Fed in pieces (as the page reads a large file), the text parses the same; a quoted CSV
    // field may hold a line end, so pieces are compared only for text without quotes.
    if format == Format::Fasta || !text.contains('"') {
        let mut parser = upload::Parser::new(format, labels);
        for piece in upload::chunks(text, 1 + text.len() % 23) {
            parser.feed(piece);
        }
        assert_eq!(parser.finish(), parsed, "the text parses differently in pieces");
    }
    let task = UserTask::detect(&parsed.records.iter().map(|r| r.label).collect::<Vec<_>>());
    if let Ok(data) = UserData::new("fuzz", &parsed.records, Some(Fit::PadWithN), task) {
        let back = upload::parse(&data.to_csv(), Format::Csv, None);
        let ids_ok = back.records.iter().zip(&data.seqs).all(|(r, s)| &r.seq == s);
        // Padding can make two sequences equal (ACG and ACGN); those come back as duplicates.
        if back.problems.is_empty() {
            let lost: Vec<_> = data.seqs.iter().zip(&data.ids).filter(|(s, _)| !back.records.iter().any(|r| &r.seq == *s)).collect();
            assert!(ids_ok && back.records.len() == data.len(), "{} of {} rows read back; lost {lost:?}", back.records.len(), data.len());
            assert!(back.records.iter().zip(&data.labels).all(|(r, y)| r.label == *y));
        }
    }
}

//! Benchmark: parse a 50 MB FASTA as lesson 13 does (`dnaplay_model::upload`), whole and in the
//! page's 256 KB pieces. Prints the parse times and the process's peak memory (VmHWM); asserts
//! nothing about speed.
//!
//! `cargo run --release -p dnaplay-cli --example parse_bench [MB]`

use std::time::Instant;

use dnaplay_model::upload::{self, Format, Parser};

fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let mb: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    // 200-nt records with a label in the header, from a fixed linear congruential sequence.
    let mut x: u64 = 13;
    let mut text = String::with_capacity(mb * 1_000_000 + 300);
    let mut n = 0;
    while text.len() < mb * 1_000_000 {
        text.push_str(&format!(">seq{n} label={}\n", n % 2));
        for line in 0..4 {
            for _ in 0..50 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                text.push(['A', 'C', 'G', 'T'][(x >> 62) as usize]);
            }
            let _ = line;
            text.push('\n');
        }
        n += 1;
    }
    let before = peak_mb();
    println!("{:.1} MB of FASTA, {n} records of 200 nt; peak memory before parsing {before:.0} MB", text.len() as f64 / 1e6);
    let t = Instant::now();
    let whole = upload::parse(&text, Format::Fasta, None);
    let whole_s = t.elapsed().as_secs_f64();
    println!("whole: {whole_s:.2} s, {} records, {} problems; peak memory {:.0} MB", whole.records.len(), whole.problem_count(), peak_mb());
    drop(whole);
    let t = Instant::now();
    let mut parser = Parser::new(Format::Fasta, None);
    let mut slowest = 0.0f64;
    let pieces = upload::chunks(&text, 256 * 1024);
    for piece in &pieces {
        let p = Instant::now();
        parser.feed(piece);
        slowest = slowest.max(p.elapsed().as_secs_f64());
    }
    let f = Instant::now();
    let parsed = parser.finish();
    let finish_s = f.elapsed().as_secs_f64();
    println!(
        "in {} pieces of 256 KB: {:.2} s, slowest piece {:.1} ms, finish (duplicates) {:.0} ms, {} records; peak memory {:.0} MB",
        pieces.len(),
        t.elapsed().as_secs_f64(),
        slowest * 1e3,
        finish_s * 1e3,
        parsed.records.len(),
        peak_mb()
    );
}

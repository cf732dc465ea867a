//! Writes lesson 13's two example uploads into `assets/examples/` (see its README):
//!
//! - `kmers-seed002.csv`: 6,000 8-mers drawn without replacement (seed 13) from all 65,536,
//!   scored by seed 002's rule (`ScoringRule::default`); `id,sequence,score`.
//! - `jaspar-core.fa`: 2,000 × 200 nt from seed 003's Task 3 generator (seed 13): label 1 holds
//!   one of the five JASPAR 2016 core motifs, label 0 only background motifs; FASTA with
//!   `>id label=1` headers.
//!
//! Run from the repository root: `cargo run --release -p dnaplay-cli --example upload_examples`.

use std::fmt::Write as _;

use dnaplay_model::data::{SplitFractions, split};
use dnaplay_model::motifs::parse_jaspar;
use dnaplay_model::scoring::{ScoringRule, kmers};
use dnaplay_model::synthetic::{Task3Config, generate_task3};
use dnaplay_model::tasks::JASPAR_2016_VERTEBRATES;

fn main() -> anyhow::Result<()> {
    let all = kmers(8)?;
    // A seeded draw of 6,000: the first 6,000 of a seeded shuffle (the split's own shuffle).
    let order = split(all.len(), SplitFractions { test: 6_000.0 / 65_536.0, val_of_rest: 0.5 }, 13)?.test;
    let rule = ScoringRule::default();
    let mut csv = String::from("id,sequence,score\n");
    for (n, &i) in order.iter().take(6_000).enumerate() {
        writeln!(csv, "kmer{n},{},{}", all[i], rule.score(&all[i])?)?;
    }
    std::fs::write("assets/examples/kmers-seed002.csv", csv)?;

    let motifs = parse_jaspar(JASPAR_2016_VERTEBRATES)?;
    let seqs = generate_task3(&motifs, &Task3Config { num_seqs: 2_000, seed: 13, ..Task3Config::default() })?;
    let mut fa = String::new();
    for (n, s) in seqs.iter().enumerate() {
        writeln!(fa, ">seq{n} label={}\n{}", u8::from(s.label), s.seq)?;
    }
    std::fs::write("assets/examples/jaspar-core.fa", fa)?;
    println!("wrote assets/examples/kmers-seed002.csv (6,000 rows) and assets/examples/jaspar-core.fa ({} records)", seqs.len());
    Ok(())
}

//! A student's own sequences: CSV, TSV or FASTA text read into labelled sequences, with every
//! bad row named, the task detected from the labels, and unequal lengths padded or cropped.
//!
//! Formats (issue 13):
//! - **CSV / TSV** (the `csv` crate): one sequence per row, `sequence,label` or
//!   `id,sequence,label`. A first row whose label is not a number is a header; its names then
//!   pick the columns (`seq`/`sequence`/`kmer`, `label`/`score`/`target`/`y`/`value`, `id`/`name`).
//! - **FASTA**: `>id label=3.2` headers (or `score=`, `y=`), the sequence on the lines below.
//!   Without labels in the headers, a separate labels text gives `id label` per line (comma,
//!   tab or space separated).
//!
//! Bases are A, C, G, T and N, either case ([`crate::sequence::base_index`]); N is an all-zero
//! one-hot column. Every problem is reported with its 1-based line number, and parsing goes on
//! past it, so one pass lists every bad row ([`Parsed::problems`]).
//!
//! The module's parts: [`check`] (one sequence, one label), the CSV/TSV reader (`table`), the
//! FASTA reader (`fasta`), and [`user`] (the data set made of the good rows: its task, lengths
//! and CSV exports).

mod check;
mod fasta;
mod pieces;
mod table;
pub mod user;

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use check::{UploadError, check_sequence};
pub use pieces::{ByteParser, PackedParse};
pub use user::{Fit, Lengths, MIN_SEQS, UserData, UserTask, data_csv_with_split, predictions_csv};

use fasta::{Entry, parse_labels};
use table::Columns;

/// Longest sequence accepted, in bases: 5 kb holds a promoter or an enhancer with its
/// flanks. Every model's largest training tensor then fits one WebGPU storage binding
/// ([`crate::trainer::MAX_BUFFER_BYTES`]): the multi-scale CNN's branch output, `[100, 64,
/// 5000]` f32 at the binary batch of 100, is 128 MB; the 8-mer CNN's unfolded windows, `[128,
/// 4998, 12]` at batch 128, are 31 MB (issue 27; the 0/1 unfolding matrix that capped it at
/// 1,000 nt is gone).
pub const MAX_LENGTH: usize = 5_000;
/// Problems listed one by one; the rest are counted ([`Parsed::more_problems`]).
pub const MAX_PROBLEMS: usize = 200;
/// Largest text read, in bytes (issue 13: files up to 50 MB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// The text's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// FASTA, labels in the headers or in a separate labels text.
    Fasta,
}

impl Format {
    /// The format of `text`: from its first non-blank line when that says (`>` is FASTA, a tab
    /// TSV, a comma CSV), else from the file name's extension, else CSV. The content comes first
    /// so that text pasted over a loaded file is read as what it is.
    pub fn detect(file_name: Option<&str>, text: &str) -> Format {
        let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        if first.starts_with('>') {
            return Format::Fasta;
        }
        if first.contains('\t') {
            return Format::Tsv;
        }
        if first.contains(',') {
            return Format::Csv;
        }
        let ext = file_name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("fa" | "fasta" | "fna" | "fas") => Format::Fasta,
            Some("tsv" | "tab") => Format::Tsv,
            _ => Format::Csv,
        }
    }

    /// "CSV", "TSV", "FASTA".
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Fasta => "FASTA",
        }
    }
}

/// One reported problem: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// 1-based line of the text (of the labels text when `in_labels`).
    pub line: usize,
    /// What is wrong, e.g. "'X' at position 7 is not A, C, G, T or N".
    pub message: String,
    /// The problem is in the separate labels text.
    pub in_labels: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let within = if self.in_labels { "labels line" } else { "line" };
        write!(f, "{within} {}: {}", self.line, self.message)
    }
}

/// One good row: a sequence (uppercase) with its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// 1-based line where it starts.
    pub line: usize,
    /// Its id: the FASTA header's first word or an `id` column, else `seq<line>`.
    pub id: String,
    /// A, C, G, T, N only.
    pub seq: String,
    /// The label: a score (regression) or 0/1 (binary classification).
    pub label: f32,
}

/// What a parse found: the good rows and every problem.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Parsed {
    /// Rows with no problem, in text order.
    pub records: Vec<Record>,
    /// The first [`MAX_PROBLEMS`] problems, in text order.
    pub problems: Vec<Problem>,
    /// Problems past [`MAX_PROBLEMS`], counted only.
    pub more_problems: usize,
    /// The text had a header row (CSV / TSV).
    pub header: bool,
}

impl Parsed {
    /// Add `part`'s rows and problems after this parse's (the parts of
    /// [`PackedParse::parts`], in order).
    pub fn append(&mut self, part: Parsed) {
        self.records.extend(part.records);
        self.problems.extend(part.problems);
        self.more_problems += part.more_problems;
        self.header |= part.header;
    }

    fn problem(&mut self, line: usize, message: String) {
        self.push_problem(Problem { line, message, in_labels: false });
    }

    fn push_problem(&mut self, p: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more_problems += 1;
        }
    }

    /// All problems, listed and counted.
    pub fn problem_count(&self) -> usize {
        self.problems.len() + self.more_problems
    }

}

/// Parse `text` in `format`; FASTA may take its labels from `labels` (see the module docs).
/// Never fails: what cannot be read is listed in [`Parsed::problems`]. The same as feeding the
/// text to a [`Parser`] in one piece.
pub fn parse(text: &str, format: Format, labels: Option<&str>) -> Parsed {
    if text.len() > MAX_BYTES {
        let mut p = Parsed::default();
        p.problem(1, format!("the text is {:.1} MB; at most {} MB are read", text.len() as f64 / 1e6, MAX_BYTES / (1024 * 1024)));
        return p;
    }
    let mut parser = Parser::new(format, labels);
    parser.feed(text);
    parser.finish()
}

/// `text` cut into pieces of about `bytes` bytes, each ending at a line end (the last at the
/// text's end), for a [`Parser`] fed piece by piece between paints.
pub fn chunks(text: &str, bytes: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = bytes.max(1).min(rest.len());
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let end = rest[cut..].find('\n').map_or(rest.len(), |i| cut + i + 1);
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

/// An incremental parse: [`Parser::feed`] whole lines, in order, as often as needed (a large
/// file in pieces, with the page painting between them), then [`Parser::finish`]. Line numbers
/// run on across pieces; a FASTA record may span pieces.
pub struct Parser {
    format: Format,
    parsed: Parsed,
    /// Lines fed so far.
    lines: usize,
    columns: Option<Columns>,
    labels: Option<HashMap<String, f32>>,
    entry: Option<Entry>,
    stopped: bool,
    /// The first record with each hash of a sequence: duplicates are found as they come. (One
    /// flat map, cheap to drop; records whose sequences differ but share a hash go to
    /// `collisions`.)
    seen: HashMap<u64, usize>,
    collisions: Vec<(u64, usize)>,
}

impl Parser {
    /// A parse of `format`; FASTA reads its labels from `labels` when the headers have none.
    pub fn new(format: Format, labels: Option<&str>) -> Parser {
        let mut parsed = Parsed::default();
        let labels = labels.map(|t| parse_labels(t, &mut parsed));
        Parser { format, parsed, lines: 0, columns: None, labels, entry: None, stopped: false, seen: HashMap::new(), collisions: Vec::new() }
    }

    /// Read the next whole lines.
    pub fn feed(&mut self, text: &str) {
        if !self.stopped {
            match self.format {
                Format::Csv => self.table(text, b','),
                Format::Tsv => self.table(text, b'\t'),
                Format::Fasta => self.fasta(text),
            }
        }
        self.lines += text.matches('\n').count();
    }

    /// Keep a good row, or name it as a duplicate of the first row with its sequence.
    fn push_record(&mut self, r: Record) {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let h = BuildHasherDefault::<DefaultHasher>::default().hash_one(&r.seq);
        let records = &self.parsed.records;
        let same = |i: &usize| records[*i].seq == r.seq;
        let found = match self.seen.get(&h) {
            None => None,
            Some(i) if same(i) => Some(*i),
            Some(_) => self.collisions.iter().filter(|(k, _)| *k == h).map(|(_, i)| *i).find(same),
        };
        if let Some(i) = found {
            let first = self.parsed.records[i].line;
            self.parsed.problem(r.line, format!("duplicate sequence: the same as line {first}"));
            return;
        }
        let index = self.parsed.records.len();
        if self.seen.contains_key(&h) {
            self.collisions.push((h, index));
        } else {
            self.seen.insert(h, index);
        }
        self.parsed.records.push(r);
    }

    /// Good rows so far.
    pub fn records(&self) -> usize {
        self.parsed.records.len()
    }

    /// The result: every good row (each sequence once) and every problem, in line order.
    pub fn finish(mut self) -> Parsed {
        if let Some(e) = self.entry.take() {
            self.finish_entry(e);
        }
        if self.parsed.records.is_empty() && self.parsed.problems.is_empty() {
            self.parsed.problem(1, "no sequences found".into());
        }
        self.parsed.problems.sort_by_key(|p| (p.in_labels, p.line));
        self.parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(p: &Parsed) -> Vec<usize> {
        p.problems.iter().map(|p| p.line).collect()
    }

    #[test]
    fn three_bad_csv_rows_are_named_and_the_rest_kept() {
        let text = "sequence,score\nCCCCCTAT,25.875\nACGTXCGT,3\nAAAAAAAA,\nGGGGGGGG,high\nTTTTTTTT,11\n";
        let p = parse(text, Format::Csv, None);
        assert!(p.header);
        assert_eq!(p.records.len(), 2);
        assert_eq!((p.records[0].seq.as_str(), p.records[0].label, p.records[0].line), ("CCCCCTAT", 25.875, 2));
        assert_eq!(lines(&p), vec![3, 4, 5]);
        assert_eq!(p.problems[0].to_string(), "line 3: 'X' at position 5 of the sequence is not A, C, G, T or N");
        assert_eq!(p.problems[1].to_string(), "line 4: the label is missing");
        assert_eq!(p.problems[2].to_string(), "line 5: label 'high' is not a number");
    }

    #[test]
    fn columns_ids_tsv_and_duplicates() {
        let p = parse("a\tacgt\t1\nb\tACGT\t0\nc\tTTGA\t1\n", Format::Tsv, None);
        assert!(!p.header);
        assert_eq!(p.records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["a", "c"]);
        assert_eq!(p.problems[0].to_string(), "line 2: duplicate sequence: the same as line 1");
        let p = parse("label,id,seq\n2.5,x,ACG\n", Format::Csv, None);
        assert_eq!((p.records[0].id.as_str(), p.records[0].seq.as_str(), p.records[0].label), ("x", "ACG", 2.5));
        let p = parse("ACGT,1\nACGTT\n", Format::Csv, None);
        assert_eq!(p.problems[0].to_string(), "line 2: expected 2 comma-separated columns (sequence, label), found 1 (no comma found)");
        let p = parse("#1,ACGT,2\n#2,TTTT,3\n", Format::Csv, None);
        assert_eq!(p.records[0].id, "#1", "a '#' starts an id, not a comment");
        let p = parse("ACGT,inf\n", Format::Csv, None);
        assert_eq!(p.problems[0].message, "label 'inf' is not a finite number");
        assert_eq!(parse("", Format::Csv, None).problems[0].message, "no sequences found");
    }

    #[test]
    fn fasta_labels_in_headers_or_a_labels_file() {
        let text = ">s1 label=3.2\nACGT\nacgt\n>s2 label=1\nTTTTNNNN\n>s3\nGGGG\n>s4 label=2\nACXT\n";
        let p = parse(text, Format::Fasta, None);
        assert_eq!(p.records.len(), 2);
        assert_eq!((p.records[0].seq.as_str(), p.records[0].label), ("ACGTACGT", 3.2));
        assert_eq!(p.problems[0].to_string(), "line 6: the label is missing: write it in the header as >id label=3.2, or give a labels file");
        assert_eq!(p.problems[1].to_string(), "line 9: 'X' at position 3 of 's4' is not A, C, G, T or N");
        let p = parse(">a\nACGT\n>b\nTTTT\n>c\nGGGG\n", Format::Fasta, Some("id,label\na,1\nb 0\nz,q\n"));
        assert_eq!(p.records.iter().map(|r| r.label).collect::<Vec<_>>(), vec![1.0, 0.0]);
        assert_eq!(p.problems.iter().map(ToString::to_string).collect::<Vec<_>>(), vec!["line 5: 'c' has no label in the labels file", "labels line 4: label 'q' is not a number"]);
        assert_eq!(parse("ACGT\n>a label=1\nAC\n", Format::Fasta, None).problems[0].to_string(), "line 1: sequence text before the first '>' header");
    }

    #[test]
    fn formats_are_detected_by_content_then_name() {
        assert_eq!(Format::detect(Some("x.fa"), "a,b"), Format::Csv, "pasted CSV over a FASTA file");
        assert_eq!(Format::detect(Some("x.fa"), "ACGT"), Format::Fasta);
        assert_eq!(Format::detect(Some("x.TSV"), ""), Format::Tsv);
        assert_eq!(Format::detect(None, "\n>a\nACGT"), Format::Fasta);
        assert_eq!(Format::detect(Some("data.txt"), "ACGT\t1"), Format::Tsv);
        assert_eq!(Format::detect(None, "ACGT,1"), Format::Csv);
    }

    fn records(seqs: &[&str], labels: &[f32]) -> Vec<Record> {
        seqs.iter().zip(labels).enumerate().map(|(i, (s, &y))| Record { line: i + 1, id: format!("s{i}"), seq: s.to_string(), label: y }).collect()
    }

    #[test]
    fn task_detection_and_override() {
        assert_eq!(UserTask::detect(&[0.0, 1.0, 1.0]), UserTask::Binary);
        assert_eq!(UserTask::detect(&[1.0, 1.0]), UserTask::Regression, "one class is not a classification");
        assert_eq!(UserTask::detect(&[0.0, 0.5]), UserTask::Regression);
        let r = records(&["A", "C"], &[0.0, 2.5]);
        assert_eq!(UserTask::Binary.problem(&r).unwrap(), "binary classification needs labels 0 or 1; line 2 has 2.5");
        assert_eq!(UserTask::Regression.problem(&r), None);
    }

    #[test]
    fn unequal_lengths_pad_or_crop_and_say_how_many_change() {
        let seqs: Vec<String> = (0..30).map(|i| "ACGT".repeat(2 + i % 3)).collect();
        let refs: Vec<&str> = seqs.iter().map(String::as_str).collect();
        let r = records(&refs, &[1.0; 30]);
        let l = Lengths::of(&r);
        assert_eq!((l.min, l.max, l.shorter_than_max, l.longer_than_min), (8, 16, 20, 20));
        let err = UserData::new("x", &r, None, UserTask::Regression).unwrap_err().to_string();
        assert!(err.contains("lengths 8 to 16; pad with N (20 change) or crop (20 change)"), "{err}");
        let padded = UserData::new("x", &r, Some(Fit::PadWithN), UserTask::Regression).unwrap();
        assert_eq!((padded.length(), padded.seqs[0].as_str()), (16, "ACGTACGTNNNNNNNN"));
        let cropped = UserData::new("x", &r, Some(Fit::Crop), UserTask::Regression).unwrap();
        assert_eq!((cropped.length(), cropped.seqs[2].as_str()), (8, "ACGTACGT"));
        assert!(UserData::new("x", &r[..5], None, UserTask::Regression).unwrap_err().to_string().contains("5 good sequences are too few"));
    }

    #[test]
    fn csv_round_trips_and_splits_by_seed() {
        let seqs: Vec<String> = crate::scoring::kmers(4).unwrap().into_iter().take(50).collect();
        let refs: Vec<&str> = seqs.iter().map(String::as_str).collect();
        let labels: Vec<f32> = (0..50).map(|i| i as f32 / 4.0).collect();
        let d = UserData::new("k", &records(&refs, &labels), None, UserTask::Regression).unwrap();
        let back = parse(&d.to_csv(), Format::Csv, None);
        assert!(back.problems.is_empty(), "{:?}", back.problems);
        assert_eq!(back.records.iter().map(|r| (r.id.clone(), r.seq.clone(), r.label)).collect::<Vec<_>>(), d.ids.iter().cloned().zip(d.seqs.clone()).zip(d.labels.clone()).map(|((a, b), c)| (a, b, c)).collect::<Vec<_>>());
        let s = d.split(17).unwrap();
        assert_eq!((s.train.len(), s.val.len(), s.test.len()), (32, 8, 10));
        assert_eq!(d.split(17).unwrap(), s);
        let csv = predictions_csv(&d, &s.test[..2], &[1.5, 2.0]);
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.starts_with("id,sequence,label,prediction\n"), "{csv}");
    }

    #[test]
    fn a_text_fed_in_pieces_parses_as_a_whole() {
        let csv = "sequence,score\nACGT,1\nACXT,2\nTTTT,3\n\nGGGG,x\nACGT,5\nCCCC,6";
        let fasta = ">a label=1\nACGT\nAC\n>b label=0\nTTXT\n>c label=1\nGG\nGG\n>d\nAAAA\n";
        for (text, format) in [(csv, Format::Csv), (fasta, Format::Fasta)] {
            let whole = parse(text, format, None);
            for bytes in [1, 3, 7, 12, 1000] {
                let pieces = chunks(text, bytes);
                assert_eq!(pieces.concat(), text);
                assert!(pieces.iter().take(pieces.len() - 1).all(|p| p.ends_with('\n')));
                let mut parser = Parser::new(format, None);
                for p in &pieces {
                    parser.feed(p);
                }
                assert_eq!(parser.finish(), whole, "{format:?} in pieces of {bytes} bytes");
            }
        }
        let p = parse(csv, Format::Csv, None);
        assert_eq!(p.problems.iter().map(ToString::to_string).collect::<Vec<_>>(), vec![
            "line 3: 'X' at position 3 of the sequence is not A, C, G, T or N",
            "line 6: label 'x' is not a number",
            "line 7: duplicate sequence: the same as line 2",
        ]);
    }

    #[test]
    fn hostile_text_is_bounded() {
        let p = parse(&"ACGT,x\n".repeat(1000), Format::Csv, None);
        assert_eq!(p.problem_count(), 1000);
        assert_eq!(p.problems.len(), MAX_PROBLEMS);
        let long = format!("{},1\n", "A".repeat(MAX_LENGTH + 5));
        assert!(parse(&long, Format::Csv, None).problems[0].message.contains("longer than 5000 bases"));
        let p = parse(&format!(">a label=1\n{}\n", "C".repeat(MAX_LENGTH + 1)), Format::Fasta, None);
        assert!(p.problems[0].message.contains("longer than 5000 bases"), "{:?}", p.problems);
        let p = parse(&format!(">a label=1\n{}\n>b label=0\n{}\n", "C".repeat(MAX_LENGTH), "G".repeat(MAX_LENGTH)), Format::Fasta, None);
        assert!(p.problems.is_empty() && p.records.len() == 2, "5,000 nt is accepted: {:?}", p.problems);
        let p = parse("\"unterminated,1\nACGT,2\n", Format::Csv, None);
        assert!(p.records.is_empty() || !p.problems.is_empty());
    }
}

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

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::data::{RegressionData, Split, SplitFractions, split};
use crate::error::{Error, Result};
use crate::models::ModelKind;
use crate::trainer::{LossKind, Monitor, TrainConfig};

/// Longest sequence accepted, in bases: the longest seed 003's models train on in class time.
pub const MAX_LENGTH: usize = 1_000;
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

/// Check one sequence: uppercase A/C/G/T/N of 1 to [`MAX_LENGTH`] bases.
///
/// # Errors
/// A message naming the first invalid character and its 1-based position, an empty sequence,
/// or one longer than [`MAX_LENGTH`].
pub fn check_sequence(seq: &str) -> std::result::Result<String, String> {
    if seq.is_empty() {
        return Err("the sequence is empty".into());
    }
    let mut out = String::with_capacity(seq.len());
    for (i, c) in seq.chars().enumerate() {
        match c.to_ascii_uppercase() {
            b @ ('A' | 'C' | 'G' | 'T' | 'N') => out.push(b),
            _ => return Err(format!("'{}' at position {} of the sequence is not A, C, G, T or N", c.escape_debug(), i + 1)),
        }
        if i + 1 > MAX_LENGTH {
            return Err(format!("the sequence is longer than {MAX_LENGTH} bases, the longest accepted"));
        }
    }
    Ok(out)
}

/// Read a label: a finite number.
fn check_label(text: &str) -> std::result::Result<f32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("the label is missing".into());
    }
    match t.parse::<f32>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(format!("label '{}' is not a finite number", crate::settings::shortened(t))),
        Err(_) => Err(format!("label '{}' is not a number", crate::settings::shortened(t))),
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

/// A FASTA record being read.
struct Entry {
    line: usize,
    id: String,
    label: Option<std::result::Result<f32, String>>,
    seq: String,
    bad: Option<(usize, String)>,
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

    fn table(&mut self, text: &str, delimiter: u8) {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
        let sep = if delimiter == b'\t' { "tab" } else { "comma" };
        // The csv crate's line of a record that follows a blank line is that line's; the true
        // line is counted here from the record's byte offset, past blank lines, with a cursor
        // that only moves forward. (No comment lines: an id may start with '#'.)
        let bytes = text.as_bytes();
        let mut cursor = (0usize, self.lines + 1);
        let mut line_of = |byte: u64| -> usize {
            let mut b = (byte as usize).min(bytes.len()).max(cursor.0);
            while b < bytes.len() && (bytes[b] == b'\n' || bytes[b] == b'\r') {
                b += 1;
            }
            cursor.1 += bytes[cursor.0..b].iter().filter(|&&c| c == b'\n').count();
            cursor.0 = b;
            cursor.1
        };
        for row in reader.records() {
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    let line = line_of(e.position().map_or(0, |p| p.byte()));
                    self.parsed.problem(line, format!("cannot be read: {e}"));
                    continue;
                }
            };
            let line = line_of(row.position().map_or(0, |p| p.byte()));
            let fields: Vec<&str> = row.iter().collect();
            if fields.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let cols = match &self.columns {
                Some(c) => c,
                None => {
                    // The first row: a header when its last field is not a number.
                    let last = fields.last().copied().unwrap_or("");
                    if check_label(last).is_err() && check_sequence(fields.first().copied().unwrap_or("").trim()).is_err() || Columns::by_header(&fields).is_some() {
                        match Columns::by_header(&fields) {
                            Some(c) => self.columns = Some(c),
                            None if fields.len() >= 2 => self.columns = Some(Columns::by_count(fields.len())),
                            None => {
                                self.parsed.problem(line, format!("the header names no sequence and label columns; expected e.g. sequence{}label", if delimiter == b'\t' { "\\t" } else { "," }));
                                self.stopped = true;
                                return;
                            }
                        }
                        self.parsed.header = true;
                        continue;
                    }
                    self.columns = Some(Columns::by_count(fields.len()));
                    self.columns.as_ref().expect("just set")
                }
            };
            if fields.len() != cols.count {
                let what = if cols.id.is_some() { "id, sequence, label" } else { "sequence, label" };
                let hint = if fields.len() == 1 && cols.count > 1 { format!(" (no {sep} found)") } else { String::new() };
                let m = format!("expected {} {sep}-separated columns ({what}), found {}{hint}", cols.count, fields.len());
                self.parsed.problem(line, m);
                continue;
            }
            let seq = match check_sequence(fields[cols.seq].trim()) {
                Ok(s) => s,
                Err(m) => {
                    self.parsed.problem(line, m);
                    continue;
                }
            };
            let label = match check_label(fields[cols.label]) {
                Ok(x) => x,
                Err(m) => {
                    self.parsed.problem(line, m);
                    continue;
                }
            };
            let id = cols.id.map_or_else(|| format!("seq{line}"), |i| fields[i].trim().to_string());
            self.push_record(Record { line, id, seq, label });
        }
    }

    fn finish_entry(&mut self, e: Entry) {
        let parsed = &mut self.parsed;
        if let Some((line, m)) = e.bad {
            return parsed.problem(line, m);
        }
        if e.seq.is_empty() {
            return parsed.problem(e.line, format!("record '{}' has no sequence", crate::settings::shortened(&e.id)));
        }
        if e.seq.len() > MAX_LENGTH {
            return parsed.problem(e.line, format!("the sequence is longer than {MAX_LENGTH} bases, the longest accepted"));
        }
        let label = match (&self.labels, e.label) {
            (_, Some(Ok(x))) => x,
            (_, Some(Err(m))) => return parsed.problem(e.line, m),
            (Some(map), None) => match map.get(&e.id) {
                Some(&x) => x,
                None => return parsed.problem(e.line, format!("'{}' has no label in the labels file", crate::settings::shortened(&e.id))),
            },
            (None, None) => return parsed.problem(e.line, "the label is missing: write it in the header as >id label=3.2, or give a labels file".into()),
        };
        self.push_record(Record { line: e.line, id: e.id, seq: e.seq, label });
    }

    fn fasta(&mut self, text: &str) {
        for (i, raw) in text.lines().enumerate() {
            let n = self.lines + i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with(';') {
                continue;
            }
            if let Some(header) = line.strip_prefix('>') {
                if let Some(e) = self.entry.take() {
                    self.finish_entry(e);
                }
                let (id, label) = header_label(header);
                let id = if id.is_empty() { format!("seq{n}") } else { id };
                self.entry = Some(Entry { line: n, id, label, seq: String::new(), bad: None });
                continue;
            }
            let Some(e) = self.entry.as_mut() else {
                self.parsed.problem(n, "sequence text before the first '>' header".into());
                continue;
            };
            if e.bad.is_some() {
                continue;
            }
            for c in line.chars() {
                match c.to_ascii_uppercase() {
                    b @ ('A' | 'C' | 'G' | 'T' | 'N') if e.seq.len() <= MAX_LENGTH => e.seq.push(b),
                    'A' | 'C' | 'G' | 'T' | 'N' => {}
                    _ => {
                        let m = format!("'{}' at position {} of '{}' is not A, C, G, T or N", c.escape_debug(), e.seq.len() + 1, crate::settings::shortened(&e.id));
                        e.bad = Some((n, m));
                        break;
                    }
                }
            }
        }
    }
}

/// Which columns hold the id, the sequence and the label.
struct Columns {
    id: Option<usize>,
    seq: usize,
    label: usize,
    count: usize,
}

impl Columns {
    fn by_count(count: usize) -> Columns {
        match count {
            3 => Columns { id: Some(0), seq: 1, label: 2, count },
            _ => Columns { id: None, seq: 0, label: 1, count: count.max(2) },
        }
    }

    /// Columns named by a header row, or `None` when its names are not the known ones.
    fn by_header(names: &[&str]) -> Option<Columns> {
        let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.trim().to_ascii_lowercase().as_str()));
        let seq = find(&["seq", "sequence", "sequences", "kmer", "dna"])?;
        let label = find(&["label", "labels", "score", "target", "y", "value", "class", "activity"])?;
        Some(Columns { id: find(&["id", "name", "seq_id"]), seq, label, count: names.len() })
    }
}

/// A FASTA header's id and label: `>id label=3.2` (also `score=`, `y=`, `label:3.2`).
fn header_label(header: &str) -> (String, Option<std::result::Result<f32, String>>) {
    let mut words = header.split_whitespace();
    let id = words.next().unwrap_or("").to_string();
    for w in words {
        let lower = w.to_ascii_lowercase();
        for key in ["label=", "score=", "y=", "label:", "class="] {
            if lower.starts_with(key) {
                return (id, Some(check_label(&w[key.len()..])));
            }
        }
    }
    (id, None)
}

/// `id label` lines: the labels file of a FASTA without labels in its headers.
fn parse_labels(text: &str, parsed: &mut Parsed) -> HashMap<String, f32> {
    let mut out = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split(|c: char| c == ',' || c == '\t' || c.is_whitespace()).filter(|s| !s.is_empty());
        let (Some(id), Some(label)) = (parts.next(), parts.next()) else {
            parsed.push_problem(Problem { line: i + 1, message: "expected an id and a label".into(), in_labels: true });
            continue;
        };
        let id = id.trim_start_matches('>');
        match check_label(label) {
            Ok(x) => {
                out.insert(id.to_string(), x);
            }
            // A header line ("id,label") is skipped.
            Err(_) if i == 0 => {}
            Err(m) => parsed.push_problem(Problem { line: i + 1, message: m, in_labels: true }),
        }
    }
    out
}

/// What the labels say the task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum UserTask {
    /// Any numbers: mean squared error, R², a parity plot.
    #[default]
    Regression,
    /// Labels 0 and 1 only: binary cross-entropy, AUROC and AUPR.
    Binary,
}

impl UserTask {
    /// Regression, unless every label is 0 or 1 and both occur.
    pub fn detect(labels: &[f32]) -> UserTask {
        let binary = labels.iter().all(|&y| y == 0.0 || y == 1.0) && labels.contains(&0.0) && labels.contains(&1.0);
        if binary { UserTask::Binary } else { UserTask::Regression }
    }

    /// "regression", "binary classification".
    pub fn name(self) -> &'static str {
        match self {
            UserTask::Regression => "regression",
            UserTask::Binary => "binary classification",
        }
    }

    /// The training settings a data set of this task starts from: seed 002's (SGD, lr 0.01,
    /// batch 128, 50 epochs, MSE) for regression; for binary classification seed 003's Adam,
    /// batch 100 and binary cross-entropy, with lesson 9's learning rate (0.01, `elr`) and
    /// lesson 10's 10 epochs, without early stopping or learning-rate schedule (short runs).
    pub fn default_training(self) -> TrainConfig {
        match self {
            UserTask::Regression => TrainConfig::default(),
            UserTask::Binary => TrainConfig {
                learning_rate: crate::settings::EXP_LR.default,
                num_epochs: crate::settings::CLASS_EPOCHS.default_usize(),
                early_stopping: None,
                reduce_lr: None,
                loss: LossKind::BinaryCrossEntropy,
                monitor: Monitor::ValAuroc,
                ..TrainConfig::seed003()
            },
        }
    }

    /// Why `records` cannot be this task, naming the first row that does not fit.
    pub fn problem(self, records: &[Record]) -> Option<String> {
        match self {
            UserTask::Regression => None,
            UserTask::Binary => records
                .iter()
                .find(|r| r.label != 0.0 && r.label != 1.0)
                .map(|r| format!("binary classification needs labels 0 or 1; line {} has {}", r.line, r.label)),
        }
    }
}

/// The lengths of the sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lengths {
    /// Shortest.
    pub min: usize,
    /// Longest.
    pub max: usize,
    /// Sequences shorter than the longest: what padding changes.
    pub shorter_than_max: usize,
    /// Sequences longer than the shortest: what cropping changes.
    pub longer_than_min: usize,
}

impl Lengths {
    /// The lengths of `records`.
    pub fn of(records: &[Record]) -> Lengths {
        let min = records.iter().map(|r| r.seq.len()).min().unwrap_or(0);
        let max = records.iter().map(|r| r.seq.len()).max().unwrap_or(0);
        Lengths { min, max, shorter_than_max: records.iter().filter(|r| r.seq.len() < max).count(), longer_than_min: records.iter().filter(|r| r.seq.len() > min).count() }
    }

    /// Every sequence has one length.
    pub fn equal(&self) -> bool {
        self.min == self.max
    }
}

/// How to make unequal lengths equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fit {
    /// Pad every sequence with N on the right to the longest.
    PadWithN,
    /// Crop every sequence on the right to the shortest.
    Crop,
}

/// A student's data set, ready to split and train on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserData {
    /// The file's name, or "pasted text".
    pub name: String,
    /// One id per sequence.
    pub ids: Vec<String>,
    /// Uppercase sequences of one length.
    pub seqs: Vec<String>,
    /// One label per sequence.
    pub labels: Vec<f32>,
    /// The task the labels are trained as.
    pub task: UserTask,
}

/// Fewest sequences accepted: enough for three non-empty splits with room to learn.
pub const MIN_SEQS: usize = 20;

impl UserData {
    /// The data set of `records`, with unequal lengths made equal by `fit`, trained as `task`.
    ///
    /// # Errors
    /// [`Error::UserData`] for fewer than [`MIN_SEQS`] sequences, unequal lengths and no `fit`,
    /// or labels that do not fit `task` ([`UserTask::problem`]).
    pub fn new(name: &str, records: &[Record], fit: Option<Fit>, task: UserTask) -> Result<UserData> {
        if records.len() < MIN_SEQS {
            return Err(Error::UserData(format!("{} good sequences are too few; give at least {MIN_SEQS}", records.len())));
        }
        if let Some(p) = task.problem(records) {
            return Err(Error::UserData(p));
        }
        let lengths = Lengths::of(records);
        let seqs: Vec<String> = match (lengths.equal(), fit) {
            (true, _) => records.iter().map(|r| r.seq.clone()).collect(),
            (false, None) => {
                return Err(Error::UserData(format!(
                    "the sequences have lengths {} to {}; pad with N ({} change) or crop ({} change)",
                    lengths.min, lengths.max, lengths.shorter_than_max, lengths.longer_than_min
                )));
            }
            (false, Some(Fit::PadWithN)) => records.iter().map(|r| format!("{:N<width$}", r.seq, width = lengths.max)).collect(),
            (false, Some(Fit::Crop)) => records.iter().map(|r| r.seq[..lengths.min].to_string()).collect(),
        };
        Ok(UserData { name: name.into(), ids: records.iter().map(|r| r.id.clone()).collect(), seqs, labels: records.iter().map(|r| r.label).collect(), task })
    }

    /// The model a data set gets by default: seed 002's CNN (32 filters of width 3) for
    /// sequences under 100 nt, seed 003's CNN-dist for longer ones.
    pub fn default_model(&self) -> ModelKind {
        if self.length() >= 100 { ModelKind::CnnDist } else { ModelKind::Cnn }
    }

    /// Bases per sequence.
    pub fn length(&self) -> usize {
        self.seqs.first().map_or(0, String::len)
    }

    /// Number of sequences.
    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    /// No sequences.
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// Seed 002's split (64 / 16 / 20, [`SplitFractions::default`]) by `seed`.
    ///
    /// # Errors
    /// As [`split`].
    pub fn split(&self, seed: u64) -> Result<Split> {
        split(self.len(), SplitFractions::default(), seed)
    }

    /// The sequences at `indices` as training data.
    pub fn subset(&self, indices: &[usize]) -> RegressionData {
        RegressionData { seqs: indices.iter().map(|&i| self.seqs[i].clone()).collect(), targets: indices.iter().map(|&i| self.labels[i]).collect() }
    }

    /// A cheap fingerprint of the data (FNV-1a over names, sequences and labels), to tell two
    /// data sets apart in saved work and checkpoints.
    pub fn fingerprint(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for &b in bytes {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for (s, y) in self.seqs.iter().zip(&self.labels) {
            eat(s.as_bytes());
            eat(&y.to_le_bytes());
        }
        eat(&[self.task as u8]);
        h
    }

    /// The data as CSV, `id,sequence,label`: what [`parse`] reads back.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["id", "sequence", "label"]);
        for ((id, s), y) in self.ids.iter().zip(&self.seqs).zip(&self.labels) {
            let _ = w.write_record([id.as_str(), s.as_str(), &y.to_string()]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// The data as CSV with a `split` column (`id,sequence,label,split`, split `train`, `val` or
/// `test`): what the exported PyTorch script reads ([`crate::pytorch::script`]), and what
/// [`parse`] reads back (the extra column is ignored).
pub fn data_csv_with_split(data: &UserData, split: &Split) -> String {
    let mut which = vec!["train"; data.len()];
    for &i in &split.val {
        which[i] = "val";
    }
    for &i in &split.test {
        which[i] = "test";
    }
    let mut out = String::from("id,sequence,label,split\n");
    for i in 0..data.len() {
        let id = data.ids[i].replace([',', '"', '\n'], "_");
        out.push_str(&format!("{id},{},{},{}\n", data.seqs[i], data.labels[i], which[i]));
    }
    out
}

/// Predictions as CSV: `id,sequence,label,prediction`, one row per `indices` entry (e.g. the
/// test split), predictions in the same order.
pub fn predictions_csv(data: &UserData, indices: &[usize], predictions: &[f32]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["id", "sequence", "label", "prediction"]);
    for (&i, p) in indices.iter().zip(predictions) {
        let _ = w.write_record([data.ids[i].as_str(), data.seqs[i].as_str(), &data.labels[i].to_string(), &p.to_string()]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
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
        assert!(parse(&long, Format::Csv, None).problems[0].message.contains("longer than 1000"));
        let p = parse(&format!(">a label=1\n{}\n", "C".repeat(5000)), Format::Fasta, None);
        assert!(p.problems[0].message.contains("longer than 1000"), "{:?}", p.problems);
        let p = parse("\"unterminated,1\nACGT,2\n", Format::Csv, None);
        assert!(p.records.is_empty() || !p.problems.is_empty());
    }
}

//! FASTA text: `>id label=3.2` headers and the sequence on the lines below, with the labels in
//! the headers or in a separate `id label` text.

use std::collections::HashMap;

use super::check::{UploadError, check_label};
use super::{MAX_LENGTH, Parsed, Parser, Problem, Record};

/// A FASTA record being read.
pub(super) struct Entry {
    /// 1-based line of the header.
    line: usize,
    id: String,
    /// The header's label, read or refused; `None` when the header has none.
    label: Option<Result<f32, UploadError>>,
    seq: String,
    /// The first bad base: its line and what is wrong.
    bad: Option<(usize, UploadError)>,
}

impl Parser {
    /// Keep a finished record, or name what is wrong with it.
    pub(super) fn finish_entry(&mut self, e: Entry) {
        let parsed = &mut self.parsed;
        if let Some((line, m)) = e.bad {
            return parsed.problem(line, m.to_string());
        }
        if e.seq.is_empty() {
            return parsed.problem(e.line, format!("record '{}' has no sequence", crate::settings::shortened(&e.id)));
        }
        if e.seq.len() > MAX_LENGTH {
            return parsed.problem(e.line, UploadError::TooLong.to_string());
        }
        let label = match (&self.labels, e.label) {
            (_, Some(Ok(x))) => x,
            (_, Some(Err(m))) => return parsed.problem(e.line, m.to_string()),
            (Some(map), None) => match map.get(&e.id) {
                Some(&x) => x,
                None => return parsed.problem(e.line, format!("'{}' has no label in the labels file", crate::settings::shortened(&e.id))),
            },
            (None, None) => return parsed.problem(e.line, "the label is missing: write it in the header as >id label=3.2, or give a labels file".into()),
        };
        self.push_record(Record { line: e.line, id: e.id, seq: e.seq, label });
    }

    /// Read FASTA lines: headers start records, sequence lines extend them.
    pub(super) fn fasta(&mut self, text: &str) {
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
                        e.bad = Some((n, UploadError::InvalidBaseIn { base: c, position: e.seq.len() + 1, id: e.id.clone() }));
                        break;
                    }
                }
            }
        }
    }
}

/// A FASTA header's id and label: `>id label=3.2` (also `score=`, `y=`, `label:3.2`).
///
/// The label, when the header has one, is read or refused ([`UploadError`]).
fn header_label(header: &str) -> (String, Option<Result<f32, UploadError>>) {
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
pub(super) fn parse_labels(text: &str, parsed: &mut Parsed) -> HashMap<String, f32> {
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
            Err(m) => parsed.push_problem(Problem { line: i + 1, message: m.to_string(), in_labels: true }),
        }
    }
    out
}

//! CSV and TSV text (the `csv` crate): one sequence per row, `sequence,label` or
//! `id,sequence,label`, with an optional header row naming the columns.

use super::check::{check_label, check_sequence};
use super::{Parser, Record};

impl Parser {
    /// Read CSV (`delimiter` b',') or TSV (b'\t') rows: each good row is kept, each bad one
    /// named by its line.
    pub(super) fn table(&mut self, text: &str, delimiter: u8) {
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
                    self.parsed.problem(line, m.to_string());
                    continue;
                }
            };
            let label = match check_label(fields[cols.label]) {
                Ok(x) => x,
                Err(m) => {
                    self.parsed.problem(line, m.to_string());
                    continue;
                }
            };
            let id = cols.id.map_or_else(|| format!("seq{line}"), |i| fields[i].trim().to_string());
            self.push_record(Record { line, id, seq, label });
        }
    }
}

/// Which columns hold the id, the sequence and the label.
pub(super) struct Columns {
    id: Option<usize>,
    seq: usize,
    label: usize,
    count: usize,
}

impl Columns {
    pub(super) fn by_count(count: usize) -> Columns {
        match count {
            3 => Columns { id: Some(0), seq: 1, label: 2, count },
            _ => Columns { id: None, seq: 0, label: 1, count: count.max(2) },
        }
    }

    /// Columns named by a header row, or `None` when its names are not the known ones.
    pub(super) fn by_header(names: &[&str]) -> Option<Columns> {
        let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.trim().to_ascii_lowercase().as_str()));
        let seq = find(&["seq", "sequence", "sequences", "kmer", "dna"])?;
        let label = find(&["label", "labels", "score", "target", "y", "value", "class", "activity"])?;
        Some(Columns { id: find(&["id", "name", "seq_id"]), seq, label, count: names.len() })
    }
}

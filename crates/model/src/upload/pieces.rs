//! A large file parsed where it is read: bytes in pieces of any size ([`ByteParser`], the
//! training worker's parse of a file over 2 MB, issue 27), and the result packed for the message
//! back to the page ([`PackedParse`]): a handful of long strings and arrays instead of one
//! string pair per row, so the page's thread decodes it in one short step.

use serde::{Deserialize, Serialize};

use super::{Format, Parsed, Parser, Problem, Record};

/// A parse of a file's bytes as they arrive in pieces of any size. Each piece is cut at its last
/// line end and the rest carried into the next (a UTF-8 character never spans a line end, so no
/// character is split); the format is the one given, else detected from the first piece and the
/// file's name ([`Format::detect`]). Invalid UTF-8 reads as U+FFFD, which the sequence check
/// names.
pub struct ByteParser {
    name: String,
    format: Option<Format>,
    labels: Option<String>,
    parser: Option<Parser>,
    carry: Vec<u8>,
    bytes: u64,
}

impl ByteParser {
    /// A parse of the file `name` in `format` (detected when `None`), with FASTA's labels text.
    pub fn new(name: &str, format: Option<Format>, labels: Option<&str>) -> ByteParser {
        ByteParser { name: name.to_string(), format, labels: labels.map(str::to_string), parser: None, carry: Vec::new(), bytes: 0 }
    }

    /// Read the next bytes of the file: every whole line among them is parsed now.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.bytes += bytes.len() as u64;
        self.carry.extend_from_slice(bytes);
        let Some(cut) = self.carry.iter().rposition(|&b| b == b'\n').map(|i| i + 1) else { return };
        let lines: Vec<u8> = self.carry.drain(..cut).collect();
        self.parse(&lines);
    }

    fn parse(&mut self, lines: &[u8]) {
        let text = String::from_utf8_lossy(lines);
        let (name, format, labels) = (&self.name, self.format, self.labels.as_deref());
        self.parser.get_or_insert_with(|| Parser::new(format.unwrap_or_else(|| Format::detect(Some(name), &text)), labels)).feed(&text);
    }

    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The result, once the file's last bytes were fed: its last line, if it has no line end,
    /// is parsed too.
    pub fn finish(mut self) -> Parsed {
        let rest = std::mem::take(&mut self.carry);
        if !rest.is_empty() || self.parser.is_none() {
            self.parse(&rest);
        }
        self.parser.map(Parser::finish).unwrap_or_default()
    }
}

/// A [`Parsed`] packed for a message: every sequence in one string with their ends, every id
/// likewise, and the lines and labels as arrays.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PackedParse {
    seqs: String,
    seq_ends: Vec<u32>,
    ids: String,
    id_ends: Vec<u32>,
    lines: Vec<u32>,
    labels: Vec<f32>,
    problems: Vec<Problem>,
    more_problems: usize,
    header: bool,
}

impl PackedParse {
    /// `p` packed in parts of at most `rows` rows each (at least one part), so that each part
    /// is a short step to unpack: the first carries the problems and the header flag.
    pub fn parts(p: Parsed, rows: usize) -> Vec<PackedParse> {
        let Parsed { records, problems, more_problems, header } = p;
        let mut parts: Vec<PackedParse> = Vec::new();
        let mut records = records.into_iter().peekable();
        let mut head = Some((problems, more_problems, header));
        loop {
            let chunk: Vec<Record> = records.by_ref().take(rows.max(1)).collect();
            let (problems, more_problems, header) = head.take().unwrap_or_default();
            parts.push(Parsed { records: chunk, problems, more_problems, header }.into());
            if records.peek().is_none() {
                return parts;
            }
        }
    }

    /// Good rows packed.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// No good row.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

impl From<Parsed> for PackedParse {
    /// Pack `p`. Offsets are `u32`: a text is at most [`super::MAX_BYTES`] (64 MB).
    fn from(p: Parsed) -> PackedParse {
        let mut out = PackedParse { problems: p.problems, more_problems: p.more_problems, header: p.header, ..PackedParse::default() };
        for r in p.records {
            out.seqs.push_str(&r.seq);
            out.seq_ends.push(out.seqs.len() as u32);
            out.ids.push_str(&r.id);
            out.id_ends.push(out.ids.len() as u32);
            out.lines.push(r.line as u32);
            out.labels.push(r.label);
        }
        out
    }
}

impl From<PackedParse> for Parsed {
    /// Unpack `p`. Packed data that does not hold together (ends out of order or past the text,
    /// arrays of unequal lengths) gives the rows that do.
    fn from(p: PackedParse) -> Parsed {
        let n = p.labels.len().min(p.seq_ends.len()).min(p.id_ends.len()).min(p.lines.len());
        let mut records = Vec::with_capacity(n);
        let (mut seq_at, mut id_at) = (0usize, 0usize);
        for i in 0..n {
            let (seq_end, id_end) = (p.seq_ends[i] as usize, p.id_ends[i] as usize);
            let (Some(seq), Some(id)) = (p.seqs.get(seq_at..seq_end), p.ids.get(id_at..id_end)) else { break };
            records.push(Record { line: p.lines[i] as usize, id: id.to_string(), seq: seq.to_string(), label: p.labels[i] });
            (seq_at, id_at) = (seq_end, id_end);
        }
        Parsed { records, problems: p.problems, more_problems: p.more_problems, header: p.header }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    /// A CSV with a header, ids, a bad row, a duplicate, a non-ASCII id and no final line end.
    const CSV: &str = "id,sequence,label\nα1,ACGTACGT,1.5\nb2,ACGTXCGT,2\nc3,TTTTAAAA,0.25\nd4,ACGTACGT,3\ne5,GGGGCCCC,7";

    #[test]
    fn pieces_of_any_size_parse_as_the_whole_text_does() {
        let whole = parse(CSV, Format::Csv, None);
        assert_eq!(whole.records.len(), 3);
        assert_eq!(whole.problems.len(), 2);
        for size in [1, 2, 3, 5, 7, 16, 64, 1000] {
            let mut p = ByteParser::new("mine.csv", None, None);
            for piece in CSV.as_bytes().chunks(size) {
                p.feed(piece);
            }
            assert_eq!(p.bytes(), CSV.len() as u64);
            assert_eq!(p.finish(), whole, "pieces of {size} bytes");
        }
    }

    #[test]
    fn the_format_comes_from_the_first_piece_or_the_choice() {
        let fasta = ">a label=1\nACGT\n>b label=0\nTTGA\n";
        let mut p = ByteParser::new("reads.fa", None, None);
        p.feed(fasta.as_bytes());
        assert_eq!(p.finish(), parse(fasta, Format::Fasta, None));
        // Told TSV, a CSV's rows are one column each: no row is good, whatever the name says.
        let mut p = ByteParser::new("x.csv", Some(Format::Tsv), None);
        p.feed(b"ACGT,1\nTTGA,0\n");
        let told = p.finish();
        assert!(told.records.is_empty() && !told.problems.is_empty(), "{told:?}");
        assert_eq!(told, parse("ACGT,1\nTTGA,0\n", Format::Tsv, None));
        // Nothing fed: no sequences found.
        assert_eq!(ByteParser::new("empty.csv", None, None).finish().problems[0].to_string(), "line 1: no sequences found");
    }

    #[test]
    fn a_parse_in_parts_appends_to_itself() {
        let parsed = parse(CSV, Format::Csv, None);
        for rows in [1, 2, 3, 100] {
            let parts = PackedParse::parts(parsed.clone(), rows);
            assert_eq!(parts.len(), 3usize.div_ceil(rows), "{rows} rows a part");
            let mut whole = Parsed::default();
            for part in parts {
                whole.append(part.into());
            }
            assert_eq!(whole, parsed, "{rows} rows a part");
        }
        // No good row: one part with the problems.
        let none = parse("ACGX,1\n", Format::Csv, None);
        let parts = PackedParse::parts(none.clone(), 10);
        assert_eq!(parts.len(), 1);
        assert_eq!(Parsed::from(parts[0].clone()), none);
    }

    #[test]
    fn a_parse_packs_and_unpacks_to_itself() {
        let parsed = parse(CSV, Format::Csv, None);
        let packed = PackedParse::from(parsed.clone());
        assert_eq!(packed.len(), 3);
        assert_eq!(Parsed::from(packed.clone()), parsed);
        // Ends past the text keep the rows before them.
        let mut broken = packed;
        broken.seq_ends[1] = 10_000;
        assert_eq!(Parsed::from(broken).records, parsed.records[..1]);
    }
}

//! Motif files: JASPAR count matrices and MEME letter-probability matrices, read from text (the
//! caller reads the file; this crate does no I/O).
//!
//! Formats:
//! - JASPAR (as `../shared/data/JASPAR2016_CORE_vertebrates_non-redundant.jaspar`, the 519
//!   matrices seed 003 samples from): a header `>ID<TAB or space>NAME`, then four rows
//!   `A  [ 287 234 ... ]` for A, C, G and T (the brackets are optional), counts per position.
//! - MEME minimal motif format (MEME Suite documentation, "MEME Motif Format"): `MOTIF id [name]`,
//!   then `letter-probability matrix: alength= 4 w= W ...` and W rows of 4 probabilities.
//!   The alphabet must be ACGT. Probabilities are kept as a [`Pfm`] with the `nsites=` count when
//!   given (else 1 site per row sum), so both formats give count matrices.

use crate::error::{Error, Result};
use crate::interpret::Pfm;

/// A named position frequency matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Motif {
    /// Matrix ID, e.g. `MA0466.2`.
    pub id: String,
    /// Name, e.g. `CEBPB` (empty when the file gives none).
    pub name: String,
    /// Counts of A, C, G, T at each position.
    pub pfm: Pfm,
}

impl Motif {
    /// The reverse complement: positions reversed, A↔T and C↔G swapped.
    pub fn reverse_complement(&self) -> Motif {
        let counts = self.pfm.counts.iter().rev().map(|c| [c[3], c[2], c[1], c[0]]).collect();
        Motif { id: self.id.clone(), name: self.name.clone(), pfm: Pfm { counts } }
    }
}

/// Write motifs in MEME minimal motif format (version 4, ACGT, uniform background), ready for
/// Tomtom: one `MOTIF id name` block per motif with `nsites=` its site count and one row of
/// probabilities per position. Motifs with no sites are written as uniform rows with
/// `nsites= 0`. [`parse_meme`] reads the file back to the same counts (to 6 decimals).
pub fn to_meme(motifs: &[Motif]) -> String {
    let mut out = String::from("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\nBackground letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n");
    for m in motifs {
        let sites = m.pfm.num_sites();
        let name = if m.name.is_empty() { String::new() } else { format!(" {}", m.name.replace(char::is_whitespace, "_")) };
        out.push_str(&format!("MOTIF {}{name}\n", m.id.replace(char::is_whitespace, "_")));
        out.push_str(&format!("letter-probability matrix: alength= 4 w= {} nsites= {} E= 0\n", m.pfm.counts.len(), sites.round() as u64));
        for c in &m.pfm.counts {
            let total: f32 = c.iter().sum();
            let row: Vec<String> = c.iter().map(|&x| format!("{:.6}", if total > 0.0 { x / total } else { 0.25 })).collect();
            out.push_str(&row.join(" "));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// First-layer filters as motifs for [`to_meme`]: `filter0`, `filter1`, … in order, each named
/// by its consensus ([`Ppm::consensus`](crate::interpret::Ppm::consensus) of the probabilities
/// without pseudocounts), e.g. `MOTIF filter0 TAT`.
pub fn filter_motifs(pfms: &[Pfm]) -> Vec<Motif> {
    pfms.iter().enumerate().map(|(i, p)| Motif { id: format!("filter{i}"), name: p.to_ppm(0.0).consensus(), pfm: p.clone() }).collect()
}

fn bad(format: &'static str, line: usize, reason: impl Into<String>) -> Error {
    Error::MotifFile { format, line, reason: reason.into() }
}

/// Parse a JASPAR-format file.
///
/// # Errors
/// [`Error::MotifFile`] naming the 1-based line: a row before any header, a row label other
/// than the expected A, C, G, T in order, a count that is not a finite number ≥ 0, rows of
/// different lengths, a motif with fewer than four rows or no positions, or no motif at all.
pub fn parse_jaspar(text: &str) -> Result<Vec<Motif>> {
    const F: &str = "JASPAR";
    let mut motifs: Vec<Motif> = Vec::new();
    // Rows of the motif being read, and the line of its header.
    let mut rows: Vec<Vec<f32>> = Vec::new();
    let mut header_line = 0;
    let finish = |motifs: &mut Vec<Motif>, rows: &mut Vec<Vec<f32>>, header_line: usize| -> Result<()> {
        if let Some(m) = motifs.last_mut() {
            if rows.len() != 4 {
                return Err(bad(F, header_line, format!("motif {} has {} rows; expected 4 (A, C, G, T)", m.id, rows.len())));
            }
            m.pfm.counts = (0..rows[0].len()).map(|j| [rows[0][j], rows[1][j], rows[2][j], rows[3][j]]).collect();
            if m.pfm.counts.is_empty() {
                return Err(bad(F, header_line, format!("motif {} has no positions", m.id)));
            }
        }
        rows.clear();
        Ok(())
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let n = i + 1;
        if line.is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix('>') {
            finish(&mut motifs, &mut rows, header_line)?;
            let mut parts = header.split_whitespace();
            let id = parts.next().ok_or_else(|| bad(F, n, "a '>' header needs a matrix ID"))?.to_string();
            let name = parts.collect::<Vec<_>>().join(" ");
            motifs.push(Motif { id, name, pfm: Pfm { counts: Vec::new() } });
            header_line = n;
            continue;
        }
        let Some(motif) = motifs.last() else {
            return Err(bad(F, n, "a count row before the first '>' header"));
        };
        let expected = ['A', 'C', 'G', 'T'].get(rows.len()).copied();
        let label = line.chars().next().map(|c| c.to_ascii_uppercase());
        if expected.is_none() {
            return Err(bad(F, n, format!("motif {} has more than 4 rows", motif.id)));
        }
        if label != expected {
            return Err(bad(F, n, format!("expected the {} row of motif {}, found '{}'", expected.unwrap_or('?'), motif.id, line.chars().next().unwrap_or(' '))));
        }
        let body = line[1..].trim().trim_start_matches('[').trim_end_matches(']');
        let mut values = Vec::new();
        for token in body.split_whitespace() {
            match token.parse::<f32>() {
                Ok(v) if v.is_finite() && v >= 0.0 => values.push(v),
                _ => return Err(bad(F, n, format!("'{token}' is not a count (a number ≥ 0)"))),
            }
        }
        if let Some(first) = rows.first()
            && first.len() != values.len()
        {
            return Err(bad(F, n, format!("row has {} positions but the A row of motif {} has {}", values.len(), motif.id, first.len())));
        }
        rows.push(values);
    }
    finish(&mut motifs, &mut rows, header_line)?;
    if motifs.is_empty() {
        return Err(bad(F, 1, "no motif found (expected lines like '>MA0466.2 CEBPB')"));
    }
    Ok(motifs)
}

/// Parse a MEME-format file (DNA, ACGT).
///
/// # Errors
/// [`Error::MotifFile`] naming the 1-based line: an alphabet other than ACGT, a matrix header
/// without `w=`, a row without exactly four probabilities, a probability outside 0..=1, a row
/// that does not sum to about 1 (±0.02), fewer rows than `w=`, or no motif at all.
pub fn parse_meme(text: &str) -> Result<Vec<Motif>> {
    const F: &str = "MEME";
    let lines: Vec<&str> = text.lines().collect();
    let mut motifs = Vec::new();
    let mut current: Option<(String, String)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let n = i + 1;
        i += 1;
        if let Some(alphabet) = line.strip_prefix("ALPHABET=") {
            if alphabet.trim() != "ACGT" {
                return Err(bad(F, n, format!("alphabet '{}' is not supported; expected ACGT", alphabet.trim())));
            }
        } else if let Some(rest) = line.strip_prefix("MOTIF") {
            let mut parts = rest.split_whitespace();
            let id = parts.next().ok_or_else(|| bad(F, n, "MOTIF needs an identifier"))?.to_string();
            current = Some((id, parts.collect::<Vec<_>>().join(" ")));
        } else if let Some(rest) = line.strip_prefix("letter-probability matrix:") {
            let (id, name) = current.take().ok_or_else(|| bad(F, n, "a letter-probability matrix before its MOTIF line"))?;
            let field = |key: &str| {
                let mut it = rest.split_whitespace();
                while let Some(t) = it.next() {
                    if let Some(v) = t.strip_prefix(key) {
                        return if v.is_empty() { it.next().map(str::to_string) } else { Some(v.to_string()) };
                    }
                }
                None
            };
            let w: usize = field("w=").and_then(|v| v.parse().ok()).filter(|&w| w > 0).ok_or_else(|| bad(F, n, format!("motif {id}: the matrix header needs w= (its width)")))?;
            // A width beyond the lines left is refused before anything is allocated for it (the
            // fuzzer's w= 16397105843297379214 asked for an impossible allocation).
            let left = lines.len() - i;
            if w > left {
                return Err(bad(F, n, format!("motif {id}: w= {w} but the file has only {left} more lines")));
            }
            let nsites: f32 = field("nsites=").and_then(|v| v.parse().ok()).filter(|v: &f32| v.is_finite() && *v > 0.0).unwrap_or(1.0);
            let mut counts = Vec::with_capacity(w);
            while counts.len() < w {
                let Some(row) = lines.get(i) else {
                    return Err(bad(F, n, format!("motif {id}: w= {w} but the file ends after {} rows", counts.len())));
                };
                let rn = i + 1;
                i += 1;
                let row = row.trim();
                if row.is_empty() {
                    continue;
                }
                let probs: Vec<f32> = row.split_whitespace().map(|t| t.parse::<f32>().map_err(|_| bad(F, rn, format!("'{t}' is not a probability")))).collect::<Result<_>>()?;
                if probs.len() != 4 {
                    return Err(bad(F, rn, format!("motif {id}: a row needs 4 probabilities (A C G T), found {}", probs.len())));
                }
                if let Some(p) = probs.iter().find(|p| !(0.0..=1.0).contains(*p)) {
                    return Err(bad(F, rn, format!("motif {id}: probability {p} is outside 0 to 1")));
                }
                let sum: f32 = probs.iter().sum();
                if (sum - 1.0).abs() > 0.02 {
                    return Err(bad(F, rn, format!("motif {id}: the row sums to {sum}, not 1")));
                }
                counts.push([probs[0] * nsites, probs[1] * nsites, probs[2] * nsites, probs[3] * nsites]);
            }
            motifs.push(Motif { id, name, pfm: Pfm { counts } });
        }
    }
    if motifs.is_empty() {
        return Err(bad(F, 1, "no motif found (expected 'MOTIF' and 'letter-probability matrix:' lines)"));
    }
    Ok(motifs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two small matrices: bracketed rows with a tab in the header, and bare rows.
    const TWO: &str = ">MA0466.2\tCEBPB\nA  [ 1 2 3 ]\nC  [ 4 5 6 ]\nG  [ 7 8 9 ]\nT  [ 10 11 12 ]\n\n>MA0004.1 Arnt\nA 4 19 0\nC 16 0 20\nG 0 1 0\nT 0 0 0\n";

    #[test]
    fn jaspar_reads_ids_names_and_columns() {
        let m = parse_jaspar(TWO).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].id.as_str(), m[0].name.as_str()), ("MA0466.2", "CEBPB"));
        assert_eq!(m[0].pfm.counts, vec![[1.0, 4.0, 7.0, 10.0], [2.0, 5.0, 8.0, 11.0], [3.0, 6.0, 9.0, 12.0]]);
        assert_eq!(m[1].name, "Arnt");
        assert_eq!(m[1].pfm.counts[1], [19.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn a_width_beyond_the_file_is_refused_not_allocated() {
        // Found by the `meme` fuzz target: a capacity-overflow panic.
        let text = "MOTIF flt\nletter-probability matrix: alength= 4 w= 16397105843297379214 nsites= 110\n0.0 0.0 0.0 1.0\n";
        let e = parse_meme(text).unwrap_err().to_string();
        assert_eq!(e, "invalid MEME file, line 2: motif flt: w= 16397105843297379214 but the file has only 1 more lines");
        assert!(parse_meme("MOTIF a\nletter-probability matrix: w= 3\n0.25 0.25 0.25 0.25\n").unwrap_err().to_string().contains("w= 3 but the file has only 1 more lines"));
    }

    /// The file seed 003 samples from, shipped in assets/motifs (compiled in; no I/O).
    const JASPAR_2016: &str = include_str!("../../../assets/motifs/JASPAR2016_CORE_vertebrates_non-redundant.jaspar");

    #[test]
    fn the_jaspar_2016_file_has_seed_003s_core_motifs() {
        let all = parse_jaspar(JASPAR_2016).unwrap();
        assert_eq!(all.len(), 519, "the README of shared/data says 519 matrices");
        for (id, name) in [("MA0466.2", "CEBPB"), ("MA0062.2", "Gabpa"), ("MA0058.3", "MAX"), ("MA0079.3", "SP1"), ("MA0095.2", "YY1")] {
            let m = all.iter().find(|m| m.id == id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!(m.name, name);
            assert!(m.pfm.width() >= 6 && m.pfm.num_sites() > 0.0, "{id}: width {}", m.pfm.width());
        }
        // RUNX1, the file's first matrix: its first column as printed.
        assert_eq!(all[0].pfm.counts[0], [287.0, 496.0, 696.0, 521.0]);
    }

    #[test]
    fn reverse_complement_reverses_and_swaps() {
        let m = &parse_jaspar(TWO).unwrap()[0];
        let rc = m.reverse_complement();
        assert_eq!(rc.pfm.counts[0], [12.0, 9.0, 6.0, 3.0]);
        assert_eq!(rc.reverse_complement(), *m);
    }

    #[test]
    fn bad_jaspar_files_name_the_line() {
        let msg = |t: &str| parse_jaspar(t).unwrap_err().to_string();
        assert_eq!(msg("A [ 1 2 ]"), "invalid JASPAR file, line 1: a count row before the first '>' header");
        assert!(msg(">M1 x\nA [1 2]\nG [1 2]\n").contains("line 3: expected the C row of motif M1, found 'G'"));
        assert!(msg(">M1 x\nA [1 2]\nC [1 x]\n").contains("line 3: 'x' is not a count"));
        assert!(msg(">M1 x\nA [1 2]\nC [1 -2]\n").contains("'-2' is not a count"));
        assert!(msg(">M1 x\nA [1 2]\nC [1 2 3]\n").contains("line 3: row has 3 positions but the A row of motif M1 has 2"));
        assert!(msg(">M1 x\nA [1 2]\nC [1 2]\n>M2\n").contains("line 1: motif M1 has 2 rows; expected 4"));
        assert!(msg("").contains("no motif found"));
    }

    #[test]
    fn meme_reads_probabilities_as_counts() {
        let text = "MEME version 4\n\nALPHABET= ACGT\n\nMOTIF filter0 TAT\nletter-probability matrix: alength= 4 w= 2 nsites= 10 E= 0\n 0.1 0.2 0.3 0.4\n1 0 0 0\n\nMOTIF f1\nletter-probability matrix: alength= 4 w= 1\n0.25 0.25 0.25 0.25\n";
        let m = parse_meme(text).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].id.as_str(), m[0].name.as_str()), ("filter0", "TAT"));
        assert_eq!(m[0].pfm.counts, vec![[1.0, 2.0, 3.0, 4.0], [10.0, 0.0, 0.0, 0.0]]);
        assert_eq!(m[1].pfm.counts, vec![[0.25; 4]]);
    }

    #[test]
    fn meme_export_reads_back() {
        let motifs = vec![
            Motif { id: "filter0".into(), name: "TAT like".into(), pfm: Pfm { counts: vec![[0.0, 0.0, 0.0, 20.0], [15.0, 5.0, 0.0, 0.0]] } },
            Motif { id: "filter1".into(), name: String::new(), pfm: Pfm { counts: vec![[0.0; 4]] } },
        ];
        let text = to_meme(&motifs);
        assert!(text.contains("MOTIF filter0 TAT_like\nletter-probability matrix: alength= 4 w= 2 nsites= 20 E= 0\n0.000000 0.000000 0.000000 1.000000\n0.750000 0.250000 0.000000 0.000000\n"), "{text}");
        let back = parse_meme(&text).unwrap();
        assert_eq!(back[0].pfm.counts, vec![[0.0, 0.0, 0.0, 20.0], [15.0, 5.0, 0.0, 0.0]]);
        assert_eq!((back[1].id.as_str(), back[1].pfm.counts.len()), ("filter1", 1));
    }

    #[test]
    fn bad_meme_files_name_the_line() {
        let msg = |t: &str| parse_meme(t).unwrap_err().to_string();
        assert!(msg("ALPHABET= ACDEFGHIKLMNPQRSTVWY\n").contains("line 1: alphabet 'ACDEFGHIKLMNPQRSTVWY' is not supported"));
        assert!(msg("MOTIF a\nletter-probability matrix: alength= 4\n").contains("line 2: motif a: the matrix header needs w="));
        assert!(msg("MOTIF a\nletter-probability matrix: w= 2\n0.5 0.5 0 0\n").contains("line 2: motif a: w= 2 but the file has only 1 more lines"));
        assert!(msg("MOTIF a\nletter-probability matrix: w= 1\n0.5 0.5 0\n").contains("line 3: motif a: a row needs 4 probabilities"));
        assert!(msg("MOTIF a\nletter-probability matrix: w= 1\n0.5 0.6 0 0\n").contains("sums to 1.1"));
        assert!(msg("letter-probability matrix: w= 1\n").contains("before its MOTIF line"));
        assert!(msg("MEME version 4\n").contains("no motif found"));
    }
}

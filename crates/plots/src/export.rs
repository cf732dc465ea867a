//! What an exported figure says about where it came from (issue 27): the link that made it, as
//! metadata a figure keeps when it leaves the page. SVG gets `<title>` and `<metadata>`
//! elements; PNG gets `iTXt` chunks (PNG specification, 3rd edition, §11.3.3.5), which image
//! viewers and `exiftool` show.

/// Why a PNG could not be given its text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PngTextError {
    /// The bytes do not start with a PNG signature and an `IHDR` chunk.
    #[error("not a PNG: it does not start with the PNG signature and its IHDR chunk")]
    NotPng,
    /// A keyword this writer refuses: it takes 1 to 79 printable ASCII characters (PNG allows
    /// Latin-1).
    #[error("'{0}' is not a PNG text keyword (1 to 79 printable ASCII characters)")]
    Keyword(String),
}

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// `png` with one uncompressed `iTXt` chunk per `(keyword, text)` right after its `IHDR`
/// (UTF-8 text, no language tag). Standard keywords include `Title`, `Source`, `Software` and
/// `Comment` (PNG specification §11.3.3.2).
///
/// # Errors
/// [`PngTextError::NotPng`] when `png` has no signature and `IHDR`;
/// [`PngTextError::Keyword`] for an empty, long or non-ASCII keyword.
pub fn png_with_text(png: &[u8], entries: &[(&str, &str)]) -> Result<Vec<u8>, PngTextError> {
    // Signature, then IHDR: length 13, type, 13 bytes of data, CRC.
    const IHDR_END: usize = 8 + 4 + 4 + 13 + 4;
    if png.len() < IHDR_END || png[..8] != SIGNATURE || &png[12..16] != b"IHDR" {
        return Err(PngTextError::NotPng);
    }
    let mut out = Vec::with_capacity(png.len() + entries.iter().map(|(k, t)| k.len() + t.len() + 17).sum::<usize>());
    out.extend_from_slice(&png[..IHDR_END]);
    for (keyword, text) in entries {
        if keyword.is_empty() || keyword.len() > 79 || !keyword.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(PngTextError::Keyword((*keyword).to_string()));
        }
        // keyword, NUL, compression flag 0, method 0, language tag "" NUL, translated keyword "" NUL, text.
        let mut data = Vec::with_capacity(keyword.len() + text.len() + 5);
        data.extend_from_slice(keyword.as_bytes());
        data.extend_from_slice(&[0, 0, 0, 0, 0]);
        data.extend_from_slice(text.as_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(b"iTXt");
        crc.update(&data);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(b"iTXt");
        out.extend_from_slice(&data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    out.extend_from_slice(&png[IHDR_END..]);
    Ok(out)
}

/// `svg` (a document from plotters' SVG backend) with a `<title>` and a `<metadata>` element
/// holding `source` (the page's link) right after its opening `<svg …>` tag. Text is escaped.
/// A string with no `<svg` tag is returned unchanged.
pub fn svg_with_metadata(svg: &str, title: &str, source: &str) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let Some(open) = svg.find("<svg") else { return svg.to_string() };
    let Some(end) = svg[open..].find('>').map(|i| open + i + 1) else { return svg.to_string() };
    format!(
        "{}\n<title>{}</title>\n<metadata><source xmlns=\"https://dna-playground.invalid/export\">{}</source></metadata>{}",
        &svg[..end],
        esc(title),
        esc(source),
        &svg[end..]
    )
}

/// The header comment of an exported CSV table: `# ` lines naming the table and the link that
/// made it, which `pandas.read_csv(..., comment="#")` and R's `read.csv(comment.char = "#")`
/// skip.
pub fn csv_header(title: &str, source: &str) -> String {
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    format!("# {}\n# made by DNA Playground: {}\n", one_line(title), one_line(source))
}

/// An exported file's name, `dnaplay-<lesson>-<name>.<extension>`, saying the lesson once where
/// `name` already starts with it: `dnaplay-train-loss.png` for lesson `train` and name
/// `train-loss`, `dnaplay-explain-ism.csv` for `explain` and `ism`.
pub fn file_name(lesson: &str, name: &str, extension: &str) -> String {
    let rest = name.strip_prefix(lesson).and_then(|r| r.strip_prefix('-')).filter(|r| !r.is_empty()).unwrap_or(name);
    format!("dnaplay-{lesson}-{rest}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1 × 1 grey PNG, encoded by the `png` crate.
    fn tiny_png() -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, 1, 1);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.write_header().unwrap().write_image_data(&[128]).unwrap();
        bytes
    }

    #[test]
    fn a_png_keeps_its_picture_and_gains_its_text() {
        let link = "http://127.0.0.1:8080/?lesson=train&lr=0.05";
        let out = png_with_text(&tiny_png(), &[("Title", "Loss curves · R² 0.95"), ("Source", link)]).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&out));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        assert_eq!(buf[0], 128, "the picture is unchanged");
        let text: Vec<(String, String)> = reader.info().utf8_text.iter().map(|t| (t.keyword.clone(), t.get_text().unwrap())).collect();
        assert_eq!(text, vec![("Title".into(), "Loss curves · R² 0.95".into()), ("Source".into(), link.into())]);
    }

    #[test]
    fn bad_pngs_and_keywords_are_refused() {
        assert_eq!(png_with_text(b"GIF89a not a png at all, no", &[]), Err(PngTextError::NotPng));
        assert_eq!(png_with_text(&tiny_png(), &[("", "x")]), Err(PngTextError::Keyword(String::new())));
        assert_eq!(png_with_text(&tiny_png(), &[("Légende", "x")]), Err(PngTextError::Keyword("Légende".into())));
    }

    #[test]
    fn an_svg_gains_a_title_and_its_source() {
        let svg = "<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>";
        let out = svg_with_metadata(svg, "Loss <log>", "http://x/?a=1&b=2");
        assert!(out.starts_with("<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>Loss &lt;log&gt;</title>"), "{out}");
        assert!(out.contains(">http://x/?a=1&amp;b=2</source></metadata>\n<rect/></svg>"), "{out}");
        assert_eq!(svg_with_metadata("no svg here", "t", "s"), "no svg here");
    }

    #[test]
    fn a_csv_header_is_two_comment_lines() {
        assert_eq!(csv_header("Loss per epoch\nrun 1", "http://x/?lesson=train"), "# Loss per epoch run 1\n# made by DNA Playground: http://x/?lesson=train\n");
    }

    #[test]
    fn a_file_name_says_its_lesson_once() {
        assert_eq!(file_name("train", "train-loss", "png"), "dnaplay-train-loss.png");
        assert_eq!(file_name("explain", "ism", "csv"), "dnaplay-explain-ism.csv");
        // Only a whole word is dropped: "trainer" is not lesson "train" said twice.
        assert_eq!(file_name("train", "trainer-loss", "svg"), "dnaplay-train-trainer-loss.svg");
        assert_eq!(file_name("train", "train", "svg"), "dnaplay-train-train.svg");
    }
}

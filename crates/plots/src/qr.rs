//! A QR code of a link, drawn as SVG for the Share panel (issue 27): the `qrcode` crate encodes,
//! this module only draws the modules.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code on each side: the quiet zone ISO/IEC 18004 asks for.
pub const QUIET_ZONE: usize = 4;

/// Why a text has no QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// The text does not fit the largest QR code (version 40) at error correction level M.
    #[error("the link is {bytes} bytes, more than a QR code holds (2,331 bytes at level M); list fewer settings")]
    TooLong {
        /// The text's length in bytes.
        bytes: usize,
    },
}

/// `text` as a QR code (error correction level M, which recovers about 15% of its codewords):
/// an SVG of `(w + 8) × (w + 8)` user units, one per module with the 4-module quiet zone, dark
/// modules black on white whatever the page's colours (scanners expect dark on light). It
/// scales to any size (`shape-rendering="crispEdges"`), and it carries `label` as its title and
/// accessible name.
///
/// # Errors
/// [`QrError::TooLong`] when `text` does not fit a QR code.
pub fn qr_svg(text: &str, label: &str) -> Result<String, QrError> {
    let code = QrCode::with_error_correction_level(text, EcLevel::M).map_err(|_| QrError::TooLong { bytes: text.len() })?;
    let w = code.width();
    let side = w + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut path = String::new();
    for (y, row) in colors.chunks(w).enumerate() {
        let mut x = 0;
        while x < w {
            if row[x] == Color::Dark {
                let run = row[x..].iter().take_while(|&&c| c == Color::Dark).count();
                let _ = write!(path, "M{} {}h{run}v1h-{run}z", x + QUIET_ZONE, y + QUIET_ZONE);
                x += run;
            } else {
                x += 1;
            }
        }
    }
    let label = label.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\"><title>{label}</title><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rasterise [`qr_svg`]'s path (`M x y h n v1 h-n z` runs) at `scale` pixels per module.
    fn raster(svg: &str, scale: usize) -> (usize, Vec<u8>) {
        let side: usize = svg.split("viewBox=\"0 0 ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        let d = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let px = side * scale;
        let mut img = vec![255u8; px * px];
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let (xy, rest) = run.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y, n): (usize, usize, usize) = (x.parse().unwrap(), y.parse().unwrap(), rest.split('v').next().unwrap().parse().unwrap());
            for row in y * scale..(y + 1) * scale {
                img[row * px + x * scale..row * px + (x + n) * scale].fill(0);
            }
        }
        (px, img)
    }

    #[test]
    fn the_drawn_code_decodes_back_to_the_link() {
        let link = "https://example.org/dna/?lesson=train&model=linear&act=relu&opt=sgd&lr=0.05&bs=128&epochs=50&seed=3&hide=opt,device&lessons=rule,train,parity&contrast=1";
        let svg = qr_svg(link, "QR code of the link <shared>").unwrap();
        assert!(svg.contains("<title>QR code of the link &lt;shared&gt;</title>"));
        let (px, img) = raster(&svg, 4);
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(px, px, |x, y| img[y * px + x]);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, text) = grids[0].decode().unwrap();
        assert_eq!(text, link);
    }

    #[test]
    fn a_text_too_long_for_any_code_is_refused_with_its_length() {
        let long = "a".repeat(5000);
        assert_eq!(qr_svg(&long, "x"), Err(QrError::TooLong { bytes: 5000 }));
        assert!(QrError::TooLong { bytes: 5000 }.to_string().starts_with("the link is 5000 bytes"));
    }
}

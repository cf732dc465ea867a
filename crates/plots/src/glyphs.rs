//! Vector outlines of A, C, G and T in a unit box (x and y from 0 to 1, y up), drawn as filled
//! polygons so that a letter can be stretched to any height, as sequence logos need.

use std::f64::consts::PI;

/// A letter as polygons in the unit box.
pub(crate) type Glyph = Vec<Vec<(f64, f64)>>;

fn arc(from_deg: f64, to_deg: f64, outer: (f64, f64), inner: (f64, f64)) -> Vec<(f64, f64)> {
    let steps = 28;
    let point = |deg: f64, (rx, ry): (f64, f64)| {
        let a = deg * PI / 180.0;
        (0.5 + rx * a.cos(), 0.5 + ry * a.sin())
    };
    let angles: Vec<f64> = (0..=steps).map(|i| from_deg + (to_deg - from_deg) * i as f64 / steps as f64).collect();
    let mut pts: Vec<(f64, f64)> = angles.iter().map(|&d| point(d, outer)).collect();
    pts.extend(angles.iter().rev().map(|&d| point(d, inner)));
    pts
}

const OUTER: (f64, f64) = (0.5, 0.5);
const INNER: (f64, f64) = (0.31, 0.32);

/// The outline of `letter` (A, C, G or T; anything else gives no polygons).
pub(crate) fn glyph(letter: char) -> Glyph {
    match letter {
        'A' => vec![
            vec![(0.0, 0.0), (0.2, 0.0), (0.6, 1.0), (0.4, 1.0)],
            vec![(0.8, 0.0), (1.0, 0.0), (0.6, 1.0), (0.4, 1.0)],
            vec![(0.25, 0.24), (0.75, 0.24), (0.69, 0.4), (0.31, 0.4)],
        ],
        'C' => vec![arc(42.0, 318.0, OUTER, INNER)],
        'G' => vec![
            arc(42.0, 360.0, OUTER, INNER),
            vec![(0.55, 0.4), (1.0, 0.4), (1.0, 0.56), (0.55, 0.56)],
            vec![(0.81, 0.0), (1.0, 0.0), (1.0, 0.5), (0.81, 0.5)],
        ],
        'T' => vec![
            vec![(0.0, 0.83), (1.0, 0.83), (1.0, 1.0), (0.0, 1.0)],
            vec![(0.4, 0.0), (0.6, 0.0), (0.6, 0.83), (0.4, 0.83)],
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyphs_stay_in_the_unit_box() {
        for c in ['A', 'C', 'G', 'T'] {
            let g = glyph(c);
            assert!(!g.is_empty(), "{c}");
            for &(x, y) in g.iter().flatten() {
                assert!((-1e-9..=1.0 + 1e-9).contains(&x) && (-1e-9..=1.0 + 1e-9).contains(&y), "{c}: ({x}, {y})");
            }
        }
        assert!(glyph('N').is_empty());
    }
}

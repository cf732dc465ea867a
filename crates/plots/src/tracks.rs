//! Tracks along one sequence, stacked one above the other on a shared position axis: attribution
//! maps as logos (letter height is the score; negative scores are drawn below the axis, as
//! logomaker draws them), lines (attention), and the ground truth (the generating model's
//! information, bits), with the planted motifs shaded behind every track.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::glyphs::glyph;
use crate::{DrawResult, Theme};

/// What one track draws.
#[derive(Debug, Clone, PartialEq)]
pub enum TrackKind {
    /// Signed letter heights, `[position][base]` (bases A, C, G, T): positives stacked up from
    /// the axis, negatives down from it, biggest farthest out.
    Letters(Vec<[f32; 4]>),
    /// One value per position, drawn as a line (e.g. attention weights).
    Line(Vec<f32>),
    /// One value per position, drawn as bars from 0 (e.g. the generating model's bits).
    Bars(Vec<f32>),
}

/// One track: a title on its left, a label on its right (e.g. "AUROC 0.93").
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// Shown above the track on the left, e.g. "Saliency × input · exp".
    pub title: String,
    /// Shown above the track on the right, e.g. "interpretability AUROC 0.93".
    pub label: Option<String>,
    /// What it draws.
    pub kind: TrackKind,
}

impl TrackKind {
    fn len(&self) -> usize {
        match self {
            TrackKind::Letters(v) => v.len(),
            TrackKind::Line(v) | TrackKind::Bars(v) => v.len(),
        }
    }

    /// The y range: symmetric around 0 for letters with negatives, from 0 otherwise.
    fn y_range(&self) -> (f64, f64) {
        let (lo, hi) = match self {
            TrackKind::Letters(v) => v.iter().fold((0.0f64, 0.0f64), |(lo, hi), h| {
                let up: f32 = h.iter().filter(|&&x| x > 0.0).sum();
                let down: f32 = h.iter().filter(|&&x| x < 0.0).sum();
                (lo.min(down as f64), hi.max(up as f64))
            }),
            TrackKind::Line(v) | TrackKind::Bars(v) => v.iter().filter(|x| x.is_finite()).fold((0.0f64, 0.0f64), |(lo, hi), &x| (lo.min(x as f64), hi.max(x as f64))),
        };
        let hi = if hi <= 0.0 && lo >= 0.0 { 1.0 } else { hi };
        (lo * 1.05, hi * 1.05)
    }
}

/// Height of the shared position axis under the last track, in CSS pixels.
const X_AXIS_PX: f64 = 40.0;

/// Draw `tracks` stacked on a shared position axis (1-based labels). `motifs` are the ranges of
/// positions to shade (the planted motifs), behind every track.
pub fn draw_tracks<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, tracks: &[Track], motifs: &[std::ops::Range<usize>], theme: &Theme) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    if tracks.is_empty() {
        return Ok(());
    }
    let length = tracks.iter().map(|t| t.kind.len()).max().unwrap_or(1).max(1);
    // Equal rows for the tracks' bodies; the last row also holds the position axis, so it is
    // that much taller (split evenly, the ground truth's bars were squeezed to a few pixels on
    // a phone, where its title wraps).
    let (_, height) = area.dim_in_pixel();
    let row = height.saturating_sub(theme.px(X_AXIS_PX)) / tracks.len() as u32;
    let mut rest = area.clone();
    for (i, track) in tracks.iter().enumerate() {
        let last = i + 1 == tracks.len();
        if last {
            draw_track(&rest, track, length, motifs, true, theme)?;
        } else {
            let (top, bottom) = rest.split_vertically(row);
            draw_track(&top, track, length, motifs, false, theme)?;
            rest = bottom;
        }
    }
    Ok(())
}

fn draw_track<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, track: &Track, length: usize, motifs: &[std::ops::Range<usize>], x_axis: bool, t: &Theme) -> DrawResult<DB> {
    let (w, _) = area.dim_in_pixel();
    // The title on the left and the label on the right of one line when both fit; on a narrow
    // plot (a phone) the title wraps and the label takes a line of its own below it.
    let font = t.label_font();
    let text_width = |s: &str| area.estimate_text_size(s, &font).map_or(0, |(tw, _)| tw);
    let (left, line) = (t.px(52.0), t.px(18.0));
    let room = w.saturating_sub(left + t.px(8.0)).max(1);
    let label_width = track.label.as_deref().map_or(0, |l| text_width(l) + t.px(12.0));
    let one_line = text_width(&track.title) + label_width <= room;
    let mut lines = if one_line { vec![track.title.clone()] } else { crate::wrap_text(area, &track.title, &font, room) };
    if let (false, Some(label)) = (one_line, &track.label) {
        lines.push(label.clone());
    }
    let (head, body) = area.split_vertically(line * lines.len().max(1) as u32);
    for (i, text) in lines.iter().enumerate() {
        head.draw_text(text, &font, (left as i32, 2 + (line * i as u32) as i32))?;
    }
    if let (true, Some(label)) = (one_line, &track.label) {
        head.draw_text(label, &font, (w as i32 - text_width(label) as i32 - t.px(8.0) as i32, 2))?;
    }
    let (lo, hi) = track.kind.y_range();
    let mut chart = ChartBuilder::on(&body)
        .margin_right(t.px(8.0))
        .x_label_area_size(if x_axis { t.px(X_AXIS_PX) } else { 0 })
        .y_label_area_size(t.px(52.0))
        .build_cartesian_2d(-0.5..(length as f64 - 0.5), lo..hi)?;
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh().disable_y_mesh().y_labels(3).label_style(t.tick_font()).y_label_formatter(&|v| format!("{v:.2}"));
    if x_axis {
        mesh.x_labels(11).x_label_formatter(&|v| format!("{}", v.round() as i64 + 1)).x_desc("position (nt)").axis_desc_style(t.tick_font());
    } else {
        mesh.x_labels(0);
    }
    mesh.draw()?;
    let shade = RGBColor(255, 214, 102).mix(0.35).filled();
    chart.draw_series(motifs.iter().map(|r| Rectangle::new([(r.start as f64 - 0.5, lo), (r.end as f64 - 0.5, hi)], shade)))?;
    chart.draw_series(std::iter::once(PathElement::new(vec![(-0.5, 0.0), (length as f64 - 0.5, 0.0)], RGBColor(150, 150, 150))))?;
    match &track.kind {
        TrackKind::Letters(heights) => {
            for (pos, h) in heights.iter().enumerate() {
                let mut order: Vec<usize> = (0..4).collect();
                order.sort_by(|&a, &b| h[a].abs().total_cmp(&h[b].abs()));
                let (mut up, mut down) = (0.0f64, 0.0f64);
                let x0 = pos as f64 - 0.45;
                for base in order {
                    let height = h[base] as f64;
                    if height.abs() < 1e-6 * (hi - lo) {
                        continue;
                    }
                    let letter = glyph(['A', 'C', 'G', 'T'][base]);
                    let color = t.bases()[base].filled();
                    // Below the axis the letter is drawn upside down (logomaker's flip_below).
                    let (y0, flip) = if height > 0.0 { (up, false) } else { (down, true) };
                    chart.draw_series(letter.into_iter().map(|poly| {
                        Polygon::new(
                            poly.into_iter().map(|(u, v)| (x0 + 0.9 * u, if flip { y0 + height * (1.0 - v) } else { y0 + height * v })).collect::<Vec<_>>(),
                            color,
                        )
                    }))?;
                    if height > 0.0 {
                        up += height;
                    } else {
                        down += height;
                    }
                }
            }
        }
        TrackKind::Line(values) => {
            let style = t.series(0).stroke_width(t.stroke(1.5));
            chart.draw_series(LineSeries::new(values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| (i as f64, v as f64)), style))?;
        }
        TrackKind::Bars(values) => {
            let fill = RGBColor(90, 90, 90).filled();
            chart.draw_series(values.iter().enumerate().filter(|(_, v)| **v > 0.0).map(|(i, &v)| Rectangle::new([(i as f64 - 0.45, 0.0), (i as f64 + 0.45, v as f64)], fill)))?;
        }
    }
    Ok(())
}

/// Runs of positions where `information` exceeds `threshold` (bits): the motifs to shade.
pub fn motif_ranges(information: &[f32], threshold: f32) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, &b) in information.iter().enumerate() {
        if b > threshold {
            match out.last_mut() {
                Some(r) if r.end == i => r.end = i + 1,
                _ => out.push(i..i + 1),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render_svg;

    #[test]
    fn letters_go_above_and_below_the_axis_with_the_motif_shaded() {
        let tracks = vec![
            Track { title: "Saliency × input".into(), label: Some("AUROC 0.93".into()), kind: TrackKind::Letters(vec![[0.5, 0.0, 0.0, 0.0], [0.0, -0.3, 0.0, 0.0], [0.0; 4]]) },
            Track { title: "Ground truth (bits)".into(), label: None, kind: TrackKind::Bars(vec![0.0, 1.5, 2.0]) },
        ];
        let svg = render_svg(600, 300, |a| draw_tracks(a, &tracks, &motif_ranges(&[0.0, 1.5, 2.0], 0.01), &Theme::default()).unwrap());
        assert!(svg.contains("Saliency × input") && svg.contains("AUROC 0.93") && svg.contains("position (nt)"));
        // A = 3 polygons, C = 1 (drawn below the axis).
        assert_eq!(svg.matches("<polygon").count(), 3 + 1, "{svg}");
        assert!(svg.to_uppercase().contains("#0000FF"), "C in blue");
        assert_eq!(motif_ranges(&[0.0, 1.5, 2.0, 0.0, 0.5], 0.01), vec![1..3, 4..5]);
    }

    /// The (x, y) and text of each `<text>` in `svg`.
    fn texts(svg: &str) -> Vec<(i32, i32, String)> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let attr = |name: &str| t.split(&format!("{name}=\"")).nth(1)?.split('"').next()?.parse::<f64>().ok();
                Some((attr("x")? as i32, attr("y")? as i32, t.split('>').nth(1)?.split('<').next()?.trim().to_string()))
            })
            .collect()
    }

    #[test]
    fn on_a_narrow_plot_the_title_wraps_and_the_label_takes_its_own_line() {
        let track = |title: &str| Track { title: title.into(), label: Some("CNN-dist, relu".into()), kind: TrackKind::Letters(vec![[0.5, 0.0, 0.0, 0.0]; 10]) };
        let long = "Saliency × input · interpretability AUROC 0.61";
        // Wide: one line, the label at the right.
        let wide = texts(&render_svg(900, 200, |a| draw_tracks(a, &[track(long)], &[], &Theme::default()).unwrap()));
        let (title, label) = (wide.iter().find(|t| t.2 == long).unwrap(), wide.iter().find(|t| t.2 == "CNN-dist, relu").unwrap());
        assert!(title.1 == label.1 && label.0 > title.0, "{wide:?}");
        // A phone's 340 px: no line overlaps another, every word is there, the label below.
        let narrow = texts(&render_svg(340, 200, |a| draw_tracks(a, &[track(long)], &[], &Theme::default()).unwrap()));
        let head: Vec<_> = narrow.iter().filter(|t| t.0 == wide.iter().find(|t| t.2 == long).unwrap().0 && !t.2.starts_with('-') && t.2.parse::<f64>().is_err()).collect();
        assert!(head.len() >= 3, "{narrow:?}");
        assert!(head.windows(2).all(|p| p[1].1 > p[0].1), "lines one below another: {head:?}");
        assert_eq!(head.last().unwrap().2, "CNN-dist, relu");
        assert_eq!(head[..head.len() - 1].iter().map(|t| t.2.as_str()).collect::<Vec<_>>().join(" "), long);
    }
}

//! Filter weight heatmaps: each first-layer filter as a 4 × width image, rows A, C, G, T,
//! grey-scaled from its own minimum (black) to maximum (white), as matplotlib's
//! `imshow(cmap='gray')` draws them in seed 002, Part 7 (`view_filters`).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{DrawResult, Theme};

/// Draw `num_filters` filters of `width` positions from `[num_filters, 4, width]` weights, in a
/// grid of `columns` columns.
pub fn draw_filter_heatmaps<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    weights: &[f32],
    num_filters: usize,
    width: usize,
    columns: usize,
    theme: &Theme,
) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    if num_filters == 0 || width == 0 {
        return Ok(());
    }
    assert_eq!(weights.len(), num_filters * 4 * width, "weights should be [num_filters, 4, width]");
    let columns = columns.clamp(1, num_filters);
    let cells = area.split_evenly((num_filters.div_ceil(columns), columns));
    for (f, cell) in cells.iter().take(num_filters).enumerate() {
        let w = &weights[f * 4 * width..(f + 1) * 4 * width];
        let (lo, hi) = w.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        let span = if hi > lo { hi - lo } else { 1.0 };
        let mut chart = ChartBuilder::on(cell)
            .margin(theme.px(4.0))
            .caption(format!("Filter {f}"), theme.tick_font())
            .x_label_area_size(theme.px(18.0))
            .y_label_area_size(theme.px(18.0))
            // plotters treats an integer range as inclusive: 0..width - 1 holds `width` cells.
            .build_cartesian_2d((0..width - 1).into_segmented(), (0..3usize).into_segmented())?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(width)
            .y_labels(4)
            .label_style(theme.tick_font())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => format!("{}", i + 1),
                _ => String::new(),
            })
            .y_label_formatter(&|v| match v {
                // Row A at the top, as imshow puts row 0 there.
                SegmentValue::CenterOf(r) => ["T", "G", "C", "A"].get(*r).copied().unwrap_or("").to_string(),
                _ => String::new(),
            })
            .draw()?;
        chart.draw_series((0..4).flat_map(|base| {
            (0..width).map(move |i| {
                let g = (255.0 * (w[base * width + i] - lo) / span).round() as u8;
                let row = 3 - base;
                Rectangle::new(
                    [(SegmentValue::Exact(i), SegmentValue::Exact(row)), (SegmentValue::Exact(i + 1), SegmentValue::Exact(row + 1))],
                    RGBColor(g, g, g).filled(),
                )
            })
        }))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render_svg;

    #[test]
    fn each_filter_is_a_grey_grid() {
        // Two filters of width 2: filter 0 has A at position 1 maximal.
        let mut w = vec![0.0f32; 2 * 4 * 2];
        w[0] = 1.0;
        w[8 + 7] = -1.0;
        let svg = render_svg(400, 200, |a| draw_filter_heatmaps(a, &w, 2, 2, 2, &Theme::default()).unwrap());
        assert!(svg.contains("Filter 0") && svg.contains("Filter 1"));
        assert!(svg.to_uppercase().contains("#FFFFFF") && svg.to_uppercase().contains("#000000"));
    }
}

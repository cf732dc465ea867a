//! Sequence logos: at each position the letters are stacked, smallest at the bottom, each as
//! tall as its height in bits (logomaker's default `stack_order='big_on_top'`), with
//! logomaker's classic colours and a y axis in bits from 0 to 2.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::glyphs::glyph;
use crate::{DrawResult, Theme};

/// logomaker's classic colours for A, C, G, T: (0, 0.5, 0), (0, 0, 1), (1, 0.65, 0), (1, 0, 0).
pub const LOGO_COLORS: [RGBColor; 4] = [RGBColor(0, 128, 0), RGBColor(0, 0, 255), RGBColor(255, 166, 0), RGBColor(255, 0, 0)];

/// One logo to draw.
#[derive(Debug, Clone)]
pub struct Logo {
    /// Title, e.g. "Filter 3".
    pub title: String,
    /// Optional second line under the title, e.g. "TAT · 412 sites".
    pub subtitle: Option<String>,
    /// Letter heights in bits, `heights[position][base]` with bases A, C, G, T.
    pub heights: Vec<[f32; 4]>,
    /// 0-based position of the first column in the filter (non-zero for a trimmed logo); the
    /// x labels count from it, 1-based.
    pub start: usize,
}

impl From<dnaplay_model::interpret::FilterLogo> for Logo {
    fn from(l: dnaplay_model::interpret::FilterLogo) -> Self {
        Logo { title: l.title, subtitle: Some(l.subtitle), heights: l.heights, start: l.start }
    }
}

/// Draw logos in a grid of `columns` columns. The y axis of every logo runs from 0 to 2 bits;
/// every logo has the x scale of the widest, so trimmed logos keep their letters' width.
pub fn draw_logos<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, logos: &[Logo], columns: usize, theme: &Theme) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    if logos.is_empty() {
        return Ok(());
    }
    let columns = columns.clamp(1, logos.len());
    let rows = logos.len().div_ceil(columns);
    let cells = area.split_evenly((rows, columns));
    let widest = logos.iter().map(|l| l.heights.len()).max().unwrap_or(1);
    for (i, (logo, cell)) in logos.iter().zip(&cells).enumerate() {
        draw_logo(cell, logo, widest, i % columns == 0, theme)?;
    }
    Ok(())
}

/// The longest caption that fits the cell: "Filter 3 · MAX (rc) · p = 0.005", else without the
/// p-value, else without the word "Filter" ("3 · MAX (rc)").
fn caption<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, logo: &Logo, t: &Theme) -> String {
    let Some(sub) = &logo.subtitle else { return logo.title.clone() };
    let short = sub.split(" · p").next().unwrap_or(sub);
    let number = logo.title.strip_prefix("Filter ").unwrap_or(&logo.title);
    let candidates = [format!("{} · {sub}", logo.title), format!("{} · {short}", logo.title), format!("{number} · {short}")];
    let room = area.dim_in_pixel().0.saturating_sub(2 * t.px(6.0));
    let fits = |c: &String| area.estimate_text_size(c, &t.label_font()).is_ok_and(|(w, _)| w <= room);
    candidates.iter().find(|c| fits(c)).unwrap_or(&candidates[2]).clone()
}

/// How many positions apart two x labels must be to hold the widest number (`last`) with room
/// to spare, and the label step: the smallest of 1, 2, 5, 10, 20, 50, … at least that far.
/// Below it, numbers run together ("23456789101112") in a small logo grid.
fn label_spacing<DB: DrawingBackend, C: CoordTranslate>(plot: &DrawingArea<DB, C>, positions: usize, last: usize, t: &Theme) -> (i64, i64) {
    let per_position = plot.dim_in_pixel().0 as f64 / positions.max(1) as f64;
    let label = plot.estimate_text_size(&last.to_string(), &t.tick_font()).map_or(t.px(14.0), |(w, _)| w) as f64;
    let gap = ((label + t.px(4.0) as f64) / per_position.max(1e-3)).ceil().max(1.0) as i64;
    let step = [1, 2, 5, 10, 20, 50, 100, 200, 500].into_iter().find(|&s| s >= gap).unwrap_or(1000);
    (gap, step)
}

fn draw_logo<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, logo: &Logo, widest: usize, y_title: bool, t: &Theme) -> DrawResult<DB> {
    let width = logo.heights.len().max(1);
    let start = logo.start as i64;
    let caption = caption(area, logo, t);
    let mut chart = ChartBuilder::on(area)
        .margin(t.px(6.0))
        .caption(caption, t.label_font())
        .x_label_area_size(t.px(22.0))
        .y_label_area_size(t.px(if y_title { 46.0 } else { 30.0 }))
        .build_cartesian_2d(-0.5..(widest.max(width) as f64 - 0.5), 0.0..2.0)?;
    // Multiples of the step, and the first position where the next multiple is far enough away.
    let (gap, step) = label_spacing(chart.plotting_area(), widest.max(width), start as usize + width, t);
    let first = start + 1;
    let x_label = move |v: &f64| {
        let n = v.round() as i64 + start + 1;
        let shown = n % step == 0 || (n == first && (first / step + 1) * step - first >= gap);
        if v.round() < width as f64 && shown { format!("{n}") } else { String::new() }
    };
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .disable_y_mesh()
        .x_labels(widest.max(width))
        .y_labels(3)
        .label_style(t.tick_font())
        .axis_desc_style(t.tick_font())
        .x_label_formatter(&x_label)
        .y_label_formatter(&|v| format!("{v:.0}"));
    if y_title {
        mesh.y_desc("bits");
    }
    mesh.draw()?;
    for (pos, h) in logo.heights.iter().enumerate() {
        let mut order: Vec<usize> = (0..4).collect();
        order.sort_by(|&a, &b| h[a].total_cmp(&h[b]));
        let mut y0 = 0.0f64;
        let x0 = pos as f64 - 0.45;
        for base in order {
            let height = h[base].max(0.0) as f64;
            if height < 1e-4 {
                continue;
            }
            let color = t.bases()[base].filled();
            let letter = glyph(['A', 'C', 'G', 'T'][base]);
            chart.draw_series(letter.into_iter().map(|poly| {
                Polygon::new(poly.into_iter().map(|(u, v)| (x0 + 0.9 * u, y0 + height * v)).collect::<Vec<_>>(), color)
            }))?;
            y0 += height;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{render_svg, svg_texts};

    #[test]
    fn letters_are_stacked_with_classic_colours() {
        // Position 1: T only (2 bits); position 2: A 1 bit over G 0.5 bit; position 3: empty.
        let logo = Logo { title: "Filter 0".into(), subtitle: Some("TAT".into()), heights: vec![[0.0, 0.0, 0.0, 2.0], [1.0, 0.0, 0.5, 0.0], [0.0; 4]], start: 0 };
        let svg = render_svg(300, 200, |a| draw_logos(a, &[logo], 1, &Theme::default()).unwrap());
        assert!(svg.contains("Filter 0 · TAT") && svg.contains("bits"));
        let polys = svg.matches("<polygon").count();
        // T = 2 polygons, A = 3, G = 3.
        assert_eq!(polys, 2 + 3 + 3, "{svg}");
        assert!(svg.to_uppercase().contains("#FF0000"), "T in red");
        assert!(svg.to_uppercase().contains("#008000"), "A in green");
        assert!(svg.to_uppercase().contains("#FFA600"), "G in orange");
    }

    /// The numbers among the SVG's texts (the axes' labels), in the order drawn.
    fn numbers(svg: &str) -> Vec<u32> {
        svg_texts(svg).iter().filter_map(|t| t.parse().ok()).collect()
    }

    #[test]
    fn position_numbers_thin_out_when_they_would_run_together() {
        let logo = Logo { title: "Filter 1".into(), subtitle: None, heights: vec![[0.0, 0.0, 2.0, 0.0]; 19], start: 0 };
        let wide = render_svg(900, 160, |a| draw_logos(a, std::slice::from_ref(&logo), 1, &Theme::default()).unwrap());
        let all: Vec<u32> = numbers(&wide).into_iter().filter(|&n| n > 2).collect();
        assert_eq!(all, (3..=19).collect::<Vec<_>>(), "every position numbered when there is room: {wide}");
        // Lesson 12's grid: eight 19-wide logos across 760 px, under 20 px a position.
        let small = render_svg(760, 120, |a| draw_logos(a, &vec![logo.clone(); 8], 8, &Theme::default()).unwrap());
        let labels: Vec<u32> = numbers(&small).into_iter().filter(|&n| n > 2).take_while(|&n| n <= 19).collect();
        assert!(!labels.is_empty() && labels.len() < 10, "fewer labels than positions: {labels:?}");
        let step = labels[0];
        assert!(labels.iter().all(|n| n % step == 0), "labels at multiples of one step: {labels:?}");
        let ones = numbers(&small).iter().filter(|&&n| n == 1).count();
        assert_eq!(ones, 2 * 8, "each logo's y axis has 1 bit and its x axis position 1, the next label being {step} away");
    }

    #[test]
    fn a_caption_too_wide_for_its_cell_drops_the_p_value_then_the_word_filter() {
        let logo = Logo { title: "Filter 11".into(), subtitle: Some("Gabpa (rc) · p = 0.005".into()), heights: vec![[0.0, 0.0, 2.0, 0.0]; 7], start: 0 };
        let wide = render_svg(400, 120, |a| draw_logos(a, std::slice::from_ref(&logo), 1, &Theme::default()).unwrap());
        assert!(wide.contains("Filter 11 · Gabpa (rc) · p = 0.005"), "the whole caption when it fits");
        let narrow = render_svg(460, 120, |a| draw_logos(a, &[logo.clone(), logo.clone(), logo.clone()], 3, &Theme::default()).unwrap());
        assert!(!narrow.contains("p = 0.005") && narrow.contains("Gabpa (rc)"), "the match stays, the p-value goes");
    }
}

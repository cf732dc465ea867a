//! Text alternatives of the drawings: a short summary with each plot's key numbers, for a
//! screen reader (the page sets it as the canvas's accessible name) and for anyone who would
//! rather read than look. Each function takes what its drawing takes.

use crate::{BoxPanel, HistogramSeries, Line, Logo, LossSeries, Track, TrackKind, thousands};

/// Most series, logos or boxes a summary names; the rest are counted.
const NAMED: usize = 8;

/// A number in three significant figures, without trailing noise: 14.2, 0.931, 2,405.
pub fn short(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() { "undefined".into() } else if v > 0.0 { "infinity".into() } else { "minus infinity".into() };
    }
    let a = v.abs();
    if a >= 1000.0 {
        let s = thousands(a.round() as usize);
        return if v < 0.0 { format!("−{s}") } else { s };
    }
    let decimals = if a >= 100.0 { 0 } else if a >= 10.0 { 1 } else if a >= 1.0 { 2 } else { 3 };
    let s = format!("{a:.decimals$}");
    if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') { format!("−{s}") } else { s }
}

/// "and 3 more" after the first [`NAMED`] of `total` items, or nothing.
fn more(total: usize) -> String {
    if total > NAMED { format!("; and {} more", total - NAMED) } else { String::new() }
}

fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.filter(|v| v.is_finite()).fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Loss curves: per run, the epochs and the validation loss from the first epoch to the last,
/// with its lowest, e.g. "MSE loss per epoch, 1 run. CNN #1: 50 epochs, validation loss from
/// 14.2 to 0.93 (lowest 0.91 at epoch 48), train loss 0.95 at the end."
pub fn losses(runs: &[LossSeries], y_label: &str) -> String {
    let with_epochs: Vec<&LossSeries> = runs.iter().filter(|r| !r.train.is_empty() || !r.val.is_empty()).collect();
    if with_epochs.is_empty() {
        return format!("{y_label} per epoch: no epochs yet");
    }
    let parts: Vec<String> = with_epochs
        .iter()
        .take(NAMED)
        .map(|r| {
            let epochs = r.train.len().max(r.val.len());
            let mut s = format!("{}: {epochs} epoch{}", r.label, if epochs == 1 { "" } else { "s" });
            if let (Some(first), Some(last)) = (r.val.first(), r.val.last()) {
                s += &format!(", validation loss from {} to {}", short(f64::from(*first)), short(f64::from(*last)));
                if let Some((best, at)) = r.val.iter().enumerate().filter(|(_, v)| v.is_finite()).min_by(|a, b| a.1.total_cmp(b.1)).map(|(i, v)| (*v, i))
                    && at + 1 != r.val.len()
                {
                    s += &format!(" (lowest {} at epoch {})", short(f64::from(best)), at + 1);
                }
            }
            if let Some(last) = r.train.last() {
                s += &format!(", train loss {} at the end", short(f64::from(*last)));
            }
            s
        })
        .collect();
    let n = with_epochs.len();
    format!("{y_label} per epoch, {n} run{}. {}{}.", if n == 1 { "" } else { "s" }, parts.join("; "), more(n))
}

/// Histograms: per series, how many values, their range and mean, e.g. "Histogram of Score.
/// all 8-mers: 65,536 values from 2.5 to 30.1, mean 15.6."
pub fn histograms(series: &[HistogramSeries], x_label: &str) -> String {
    let parts: Vec<String> = series
        .iter()
        .map(|s| {
            let finite: Vec<f64> = s.values.iter().map(|&v| f64::from(v)).filter(|v| v.is_finite()).collect();
            match range(finite.iter().copied()) {
                None => format!("{}: no values", s.label),
                Some((lo, hi)) => {
                    let mean = finite.iter().sum::<f64>() / finite.len() as f64;
                    format!("{}: {} values from {} to {}, mean {}", s.label, thousands(finite.len()), short(lo), short(hi), short(mean))
                }
            }
        })
        .collect();
    format!("Histogram of {x_label}. {}.", parts.join("; "))
}

/// Lines: per line, its range of y and its last value, e.g. "val AUROC against Epoch. relu:
/// from 0.61 to 0.93, 0.93 at the end."
pub fn lines(lines: &[Line], x_label: &str, y_label: &str) -> String {
    let parts: Vec<String> = lines
        .iter()
        .take(NAMED)
        .map(|l| match range(l.points.iter().map(|p| p.1)) {
            None => format!("{}: no values", l.label),
            Some((lo, hi)) => {
                let last = l.points.iter().rev().map(|p| p.1).find(|v| v.is_finite()).unwrap_or(hi);
                let peak = l.points.iter().filter(|p| p.1.is_finite()).max_by(|a, b| a.1.total_cmp(&b.1)).map_or(0.0, |p| p.0);
                let peak = if peak.fract() == 0.0 && peak.abs() < 1e9 { format!("{peak:.0}") } else { short(peak) };
                format!("{}: from {} to {} (highest at {x_label} {peak}), {} at the end", l.label, short(lo), short(hi), short(last))
            }
        })
        .collect();
    format!("{y_label} against {x_label}. {}{}.", parts.join("; "), more(lines.len()))
}

/// The consensus of a logo: per position the tallest letter, in capitals where the column
/// holds at least 1 bit, in lower case from 0.5 bit, `n` below.
pub fn consensus(heights: &[[f32; 4]]) -> String {
    heights
        .iter()
        .map(|h| {
            let total: f32 = h.iter().map(|v| v.max(0.0)).sum();
            let best = (0..4).max_by(|&a, &b| h[a].total_cmp(&h[b])).unwrap_or(0);
            let letter = ['A', 'C', 'G', 'T'][best];
            if total >= 1.0 {
                letter
            } else if total >= 0.5 {
                letter.to_ascii_lowercase()
            } else {
                'n'
            }
        })
        .collect()
}

/// Sequence logos: how many, and per logo its title, consensus ([`consensus`]) and information
/// content, e.g. "Sequence logos of 32 filters, in bits. Filter 1 · TAT: consensus TAT, 5.1 bits."
pub fn logos(logos: &[Logo]) -> String {
    if logos.is_empty() {
        return "Sequence logos: none yet".into();
    }
    let parts: Vec<String> = logos
        .iter()
        .take(NAMED)
        .map(|l| {
            let bits: f32 = l.heights.iter().flatten().map(|v| v.max(0.0)).sum();
            let title = match &l.subtitle {
                Some(s) => format!("{} · {s}", l.title),
                None => l.title.clone(),
            };
            format!("{title}: consensus {}, {} bits", consensus(&l.heights), short(f64::from(bits)))
        })
        .collect();
    let n = logos.len();
    format!("Sequence logos of {n} filter{}, in bits. {}{}.", if n == 1 { "" } else { "s" }, parts.join("; "), more(n))
}

/// Stacked tracks over a sequence (attribution maps): per track, its extreme values and where
/// the largest is, e.g. "3 tracks over 200 positions. saliency: largest 0.41 at position 57."
pub fn tracks(tracks: &[Track]) -> String {
    let parts: Vec<String> = tracks
        .iter()
        .take(NAMED)
        .map(|t| {
            let per_position: Vec<f64> = match &t.kind {
                TrackKind::Letters(h) => h.iter().map(|c| c.iter().map(|v| f64::from(*v)).sum()).collect(),
                TrackKind::Line(v) | TrackKind::Bars(v) => v.iter().map(|v| f64::from(*v)).collect(),
            };
            let name = t.label.clone().unwrap_or_else(|| t.title.clone());
            match per_position.iter().enumerate().filter(|(_, v)| v.is_finite()).max_by(|a, b| a.1.abs().total_cmp(&b.1.abs())) {
                None => format!("{name}: no values"),
                Some((i, v)) => format!("{name}: largest {} at position {}", short(*v), i + 1),
            }
        })
        .collect();
    let length = tracks.iter().map(|t| match &t.kind {
        TrackKind::Letters(h) => h.len(),
        TrackKind::Line(v) | TrackKind::Bars(v) => v.len(),
    });
    format!("{} track{} over {} positions. {}{}.", tracks.len(), if tracks.len() == 1 { "" } else { "s" }, length.max().unwrap_or(0), parts.join("; "), more(tracks.len()))
}

/// Box plots: per box, its median and the number of values, e.g. "match fraction by model.
/// CNN-2 · relu: median 0.08 over 3 runs."
pub fn boxes(panels: &[BoxPanel], y_label: &str) -> String {
    let parts: Vec<String> = panels
        .iter()
        .flat_map(|p| {
            p.boxes.iter().map(move |b| match b.stats {
                Some([_, _, median, _, _]) => format!("{} · {}: median {} over {} run{}", p.title, b.label, short(median), b.values.len(), if b.values.len() == 1 { "" } else { "s" }),
                None => format!("{} · {}: no runs", p.title, b.label),
            })
        })
        .collect();
    format!("Box plots of {y_label}. {}.", parts.join("; "))
}

/// Heatmaps of first-layer filters, `[filters, 4, width]` flat: how many, and the range of the
/// weights.
pub fn heatmaps(values: &[f32], num_filters: usize, width: usize) -> String {
    match range(values.iter().map(|&v| f64::from(v))) {
        None => "Filter heatmaps: no weights".into(),
        Some((lo, hi)) => format!("Heatmaps of {num_filters} first-layer filters, rows A, C, G, T by {width} positions; weights from {} to {}.", short(lo), short(hi)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_signed() {
        assert_eq!(short(14.234), "14.2");
        assert_eq!(short(0.93051), "0.931");
        assert_eq!(short(2405.2), "2,405");
        assert_eq!(short(-1.5), "−1.50");
        assert_eq!(short(-0.0001), "0.000");
        assert_eq!(short(f64::NAN), "undefined");
    }

    #[test]
    fn loss_summary_names_first_last_and_lowest() {
        let run = LossSeries { label: "CNN #1", train: &[20.0, 2.0, 1.0], val: &[14.2, 0.91, 0.93] };
        let s = losses(&[run], "MSE loss");
        assert_eq!(s, "MSE loss per epoch, 1 run. CNN #1: 3 epochs, validation loss from 14.2 to 0.930 (lowest 0.910 at epoch 2), train loss 1.00 at the end.");
        assert_eq!(losses(&[], "MSE loss"), "MSE loss per epoch: no epochs yet");
    }

    #[test]
    fn histogram_summary_counts_values() {
        // Seed 002's scores of AAAAAAAA, ACAAAAAA and CCCCCTAT.
        let s = histograms(&[HistogramSeries { label: "all 8-mers", values: &[20.0, 19.625, 25.875], alpha: 0.7 }], "Score");
        assert_eq!(s, "Histogram of Score. all 8-mers: 3 values from 19.6 to 25.9, mean 21.8.");
    }

    #[test]
    fn consensus_follows_information_content() {
        // T at 2 bits, A at 1 bit over G at 0.5 bit, G at 0.6 bit, nothing.
        let h = [[0.0, 0.0, 0.0, 2.0], [1.0, 0.0, 0.5, 0.0], [0.0, 0.0, 0.6, 0.0], [0.0; 4]];
        assert_eq!(consensus(&h), "TAgn");
        let logo = Logo { title: "Filter 1".into(), subtitle: Some("TAT".into()), heights: h.to_vec(), start: 0 };
        assert_eq!(logos(&[logo]), "Sequence logos of 1 filter, in bits. Filter 1 · TAT: consensus TAgn, 4.10 bits.");
    }

    #[test]
    fn track_summary_finds_the_largest_position() {
        let t = Track { title: "saliency".into(), label: None, kind: TrackKind::Line(vec![0.1, -0.7, 0.3]) };
        assert_eq!(tracks(&[t]), "1 track over 3 positions. saliency: largest −0.700 at position 2.");
    }

    #[test]
    fn many_items_are_counted_not_listed() {
        let l: Vec<Line> = (0..10).map(|i| Line { label: format!("l{i}"), points: vec![(0.0, 1.0), (1.0, 2.0)], color: crate::TAB10[0], dashed: false }).collect();
        let s = lines(&l, "Epoch", "AUROC");
        assert!(s.ends_with("; and 2 more."), "{s}");
        assert!(s.contains("l0: from 1.00 to 2.00 (highest at Epoch 1), 2.00 at the end"), "{s}");
    }
}

//! Sweeps: a grid of run settings (learning rates × models × activations × seeds, or any other
//! setting), the order its cells run in, and the statistics that compare them.
//!
//! Plain data: the CLI's `dnaplay sweep` and the page's sweep panels build their runs from a
//! [`Grid`], each [`Cell`] naming the values it sets by the settings' own keys
//! ([`crate::settings`]: `lr`, `seed`; plus `model`, `activation`, `l2`), so a cell reads the same
//! in a folder name, a link and a summary table. [`BoxStats`] gives the medians and quartiles of
//! seed 003's box plots (Fig. 1c: "box represents first and third quartile and the red line
//! represents the median").

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{Error, Result};

/// One axis of a grid: a setting and the values it takes, in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Axis {
    /// The setting's key, e.g. `lr`, `model`, `activation`, `seed`.
    pub key: String,
    /// Its values as text, e.g. `["0.001", "0.01"]`.
    pub values: Vec<String>,
}

/// A grid of run settings: every combination of its axes' values.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grid {
    /// The axes; the first varies slowest.
    pub axes: Vec<Axis>,
}

/// One combination of a grid: a value for each axis.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    /// 0-based position in the grid's order.
    pub index: usize,
    /// `(key, value)` for each axis, in the grid's axis order.
    pub values: Vec<(String, String)>,
}

impl Cell {
    /// The value of axis `key`, if the grid has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// A name safe for a folder, e.g. `model=cnn-2_activation=exp_seed=1`.
    pub fn folder(&self) -> String {
        self.values
            .iter()
            .map(|(k, v)| format!("{k}={}", v.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') { c } else { '_' }).collect::<String>()))
            .collect::<Vec<_>>()
            .join("_")
    }

    /// This cell's values except axis `key`: the group it is compared within (for example every
    /// seed of one model and activation).
    pub fn without(&self, key: &str) -> Vec<(String, String)> {
        self.values.iter().filter(|(k, _)| k != key).cloned().collect()
    }
}

impl fmt::Display for Cell {
    /// `model cnn-2 · activation exp · seed 1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.values.iter().map(|(k, v)| format!("{k} {v}")).collect();
        f.write_str(&parts.join(" · "))
    }
}

/// Most cells a grid may have: the full Fig. 1c grid (3 architectures × 8 activations × 10
/// seeds = 240) with room to spare.
pub const MAX_CELLS: usize = 1000;

impl Grid {
    /// An empty grid (one cell with no values).
    pub fn new() -> Self {
        Grid::default()
    }

    /// Add an axis.
    ///
    /// # Errors
    /// [`Error::Setting`] when `values` is empty, repeats a value, `key` is already an axis, or
    /// the grid would exceed [`MAX_CELLS`].
    pub fn axis(mut self, key: &str, values: Vec<String>) -> Result<Self> {
        if values.is_empty() {
            return Err(Error::Setting(format!("the sweep over {key} has no values")));
        }
        if self.axes.iter().any(|a| a.key == key) {
            return Err(Error::Setting(format!("the sweep names {key} twice")));
        }
        if let Some(v) = values.iter().enumerate().find_map(|(i, v)| values[..i].contains(v).then_some(v)) {
            return Err(Error::Setting(format!("the sweep over {key} lists {v} twice")));
        }
        let cells = self.len().saturating_mul(values.len());
        if cells > MAX_CELLS {
            return Err(Error::Setting(format!("the sweep would have {cells} runs; at most {MAX_CELLS} are allowed")));
        }
        self.axes.push(Axis { key: key.into(), values });
        Ok(self)
    }

    /// Number of cells: the product of the axes' lengths (1 for no axes).
    pub fn len(&self) -> usize {
        self.axes.iter().map(|a| a.values.len()).product()
    }

    /// True when some axis has no values (never, for a grid built by [`Grid::axis`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every cell, the first axis varying slowest and the last fastest.
    pub fn cells(&self) -> Vec<Cell> {
        (0..self.len()).map(|i| self.cell(i)).collect()
    }

    /// Cell `index` of [`Grid::cells`]'s order.
    ///
    /// # Panics
    /// When `index` is not below [`Grid::len`].
    pub fn cell(&self, index: usize) -> Cell {
        assert!(index < self.len(), "cell {index} of a grid of {}", self.len());
        let mut rest = index;
        let mut values = vec![(String::new(), String::new()); self.axes.len()];
        for (slot, axis) in values.iter_mut().zip(&self.axes).rev() {
            let n = axis.values.len();
            *slot = (axis.key.clone(), axis.values[rest % n].clone());
            rest /= n;
        }
        Cell { index, values }
    }
}

/// One finished run of a sweep, as `dnaplay sweep` writes it to `summary.json` and the page
/// reads it back (lesson 12 shows the shipped Fig. 1c grid from it).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunSummary {
    /// The cell's values by key (`model`, `activation`, `l2`, `lr`, `seed`).
    pub cell: BTreeMap<String, String>,
    /// `finished` or `diverged`.
    pub status: String,
    /// Epochs trained.
    pub epochs: usize,
    /// Test metrics by name (`test_aupr`, `match_fraction`, `test_r2` ...).
    pub metrics: BTreeMap<String, f64>,
}

impl RunSummary {
    /// Read `summary.json`.
    ///
    /// # Errors
    /// [`Error::Setting`] naming what in the text is not a list of run summaries.
    pub fn list_from_json(text: &str) -> Result<Vec<RunSummary>> {
        serde_json::from_str(text).map_err(|e| Error::Setting(format!("the sweep summary is not readable: {e}")))
    }

    /// The summaries whose cell has `key` = `value` for every pair of `filter`.
    pub fn select<'a>(runs: &'a [RunSummary], filter: &[(&str, &str)]) -> Vec<&'a RunSummary> {
        runs.iter().filter(|r| filter.iter().all(|(k, v)| r.cell.get(*k).map(String::as_str) == Some(*v))).collect()
    }
}

/// Split a comma-separated list, trimming each item (`"0.001, 0.01"` → two items).
///
/// # Errors
/// [`Error::Setting`] naming `what` when the list or an item is empty.
pub fn parse_list(what: &str, text: &str) -> Result<Vec<String>> {
    let items: Vec<String> = text.split(',').map(|s| s.trim().to_string()).collect();
    if let Some(i) = items.iter().position(String::is_empty) {
        return Err(Error::Setting(format!("{what} '{text}': item {} is empty", i + 1)));
    }
    Ok(items)
}

/// Seeds from a list of numbers and inclusive ranges: `"1-5"`, `"1,2,7"`, `"1-3,10"`.
///
/// # Errors
/// [`Error::Setting`] naming the item that is not a number or a range `a-b` with `a ≤ b`, or a
/// list of more than [`MAX_CELLS`] seeds.
pub fn parse_seeds(text: &str) -> Result<Vec<u64>> {
    let mut seeds = Vec::new();
    for item in parse_list("seeds", text)? {
        let bad = || Error::Setting(format!("seeds '{text}': '{item}' is neither a seed (e.g. 7) nor a range (e.g. 1-5)"));
        let (from, to) = match item.split_once('-') {
            Some((a, b)) => (a.trim().parse::<u64>().map_err(|_| bad())?, b.trim().parse::<u64>().map_err(|_| bad())?),
            None => {
                let s = item.parse::<u64>().map_err(|_| bad())?;
                (s, s)
            }
        };
        if from > to || to - from >= MAX_CELLS as u64 || seeds.len() + (to - from) as usize >= MAX_CELLS {
            return Err(bad());
        }
        seeds.extend(from..=to);
    }
    Ok(seeds)
}

/// Median, quartiles and range of some values: one box of a box plot. Quartiles interpolate
/// linearly between order statistics (NumPy's default `percentile`, which matplotlib's `boxplot`
/// uses for seed 003's figures).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BoxStats {
    /// Values summarised (NaNs are left out).
    pub n: usize,
    /// Smallest value.
    pub min: f64,
    /// First quartile (25th percentile).
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile (75th percentile).
    pub q3: f64,
    /// Largest value.
    pub max: f64,
}

impl BoxStats {
    /// The box of `values`; `None` when none is a number.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let pos = q * (v.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
        };
        Some(BoxStats { n: v.len(), min: v[0], q1: at(0.25), median: at(0.5), q3: at(0.75), max: v[v.len() - 1] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_grid_runs_every_combination_last_axis_fastest() {
        let grid = Grid::new().axis("model", strings(&["linear", "cnn"])).unwrap().axis("lr", strings(&["0.001", "0.005", "0.01", "0.05", "0.1"])).unwrap();
        assert_eq!(grid.len(), 10);
        let cells = grid.cells();
        assert_eq!(cells[0].values, vec![("model".into(), "linear".into()), ("lr".into(), "0.001".into())]);
        assert_eq!(cells[6].get("model"), Some("cnn"));
        assert_eq!(cells[6].get("lr"), Some("0.005"));
        assert_eq!(cells[6].folder(), "model=cnn_lr=0.005");
        assert_eq!(cells[6].to_string(), "model cnn · lr 0.005");
        assert_eq!(cells[9].without("lr"), vec![("model".to_string(), "cnn".to_string())]);
        assert_eq!(Grid::new().len(), 1);
    }

    #[test]
    fn bad_grids_are_refused_by_name() {
        assert!(Grid::new().axis("lr", vec![]).unwrap_err().to_string().contains("lr has no values"));
        assert!(Grid::new().axis("lr", strings(&["0.1", "0.1"])).unwrap_err().to_string().contains("lists 0.1 twice"));
        let g = Grid::new().axis("lr", strings(&["0.1"])).unwrap();
        assert!(g.axis("lr", strings(&["0.2"])).unwrap_err().to_string().contains("names lr twice"));
        let many: Vec<String> = (0..40).map(|i| i.to_string()).collect();
        let g = Grid::new().axis("a", many.clone()).unwrap();
        assert!(g.axis("b", many).unwrap_err().to_string().contains("1600 runs"));
    }

    #[test]
    fn seeds_parse_lists_and_ranges() {
        assert_eq!(parse_seeds("1-5").unwrap(), vec![1, 2, 3, 4, 5]);
        assert_eq!(parse_seeds("1-3, 10").unwrap(), vec![1, 2, 3, 10]);
        assert_eq!(parse_seeds("7").unwrap(), vec![7]);
        for bad in ["5-1", "a", "1-", "", "1,,2", "0-5000"] {
            assert!(parse_seeds(bad).is_err(), "{bad}");
        }
        assert!(parse_seeds("1,x").unwrap_err().to_string().contains("'x' is neither"));
        assert_eq!(parse_list("lr", " 0.1 ,0.2").unwrap(), strings(&["0.1", "0.2"]));
    }

    #[test]
    fn run_summaries_round_trip_and_select_by_cell() {
        let run = |m: &str, a: &str, f: f64| RunSummary {
            cell: [("model".to_string(), m.to_string()), ("activation".to_string(), a.to_string())].into(),
            status: "finished".into(),
            epochs: 10,
            metrics: [("match_fraction".to_string(), f)].into(),
        };
        let runs = vec![run("cnn-2", "exp", 0.8), run("cnn-2", "relu", 0.2), run("cnn-50", "relu", 0.9)];
        let text = serde_json::to_string(&runs).unwrap();
        let back = RunSummary::list_from_json(&text).unwrap();
        assert_eq!(back, runs);
        assert_eq!(RunSummary::select(&back, &[("model", "cnn-2")]).len(), 2);
        assert_eq!(RunSummary::select(&back, &[("model", "cnn-2"), ("activation", "relu")])[0].metrics["match_fraction"], 0.2);
        assert!(RunSummary::list_from_json("{").unwrap_err().to_string().contains("the sweep summary is not readable"));
    }

    #[test]
    fn box_stats_match_numpy_percentiles() {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = [1.75, 2.5, 3.25].
        let b = BoxStats::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((b.min, b.q1, b.median, b.q3, b.max, b.n), (1.0, 1.75, 2.5, 3.25, 4.0, 4));
        let one = BoxStats::of(&[0.5, f64::NAN]).unwrap();
        assert_eq!((one.q1, one.median, one.q3, one.n), (0.5, 0.5, 0.5, 1));
        assert!(BoxStats::of(&[]).is_none());
    }
}

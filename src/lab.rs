//! The lab: the 8-mer data and the run the results lessons show, shared by lessons 1 to 8.
//! Training itself goes through the run engine ([`crate::engine`]), so a run goes on while the
//! student reads the parity plot or the logos.

use std::sync::Arc;

use dnaplay_model::models::ModelConfig;
use dnaplay_model::scoring::ScoringRule;
use dnaplay_protocol::{Bench, Dataset};
use dnaplay_state::Settings;
use leptos::prelude::*;

use crate::engine::{Engine, RunData, RunResults, RunView, StartError, Until};

/// Histogram bins for scores: 0.25 score units wide when the range allows (seed 002's scores
/// are multiples of 1/8, so bins of other widths alternate between one and two score values and
/// draw a comb), between 10 and 120 bins.
pub fn score_bins(scores: &[f32]) -> usize {
    let (lo, hi) = scores.iter().filter(|v| v.is_finite()).fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    if !(hi > lo) {
        return 10;
    }
    (((hi - lo) / 0.25).round() as usize).clamp(10, 120)
}

/// The run the results lessons show, with its results read back. Two values are equal when they
/// name the same run and the same read-back (`Arc::ptr_eq`), so a memo of it changes when the
/// results change, not on every training slice (the run list updates after each one).
#[derive(Debug, Clone)]
pub struct ShownRun {
    /// The run's id.
    pub id: usize,
    /// Its legend label.
    pub label: String,
    /// Its model.
    pub model: ModelConfig,
    /// Its results.
    pub results: Arc<RunResults>,
}

impl PartialEq for ShownRun {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && Arc::ptr_eq(&self.results, &other.results)
    }
}

/// The 8-mer lessons' shared state. Cheap to copy: all fields are reactive handles.
#[derive(Clone, Copy)]
pub struct Lab {
    /// The link's settings.
    pub settings: RwSignal<Settings>,
    /// The data (rule and split) new runs train on.
    pub dataset: RwSignal<Arc<Dataset>>,
    /// The run engine (every lesson's runs and the device).
    pub engine: Engine,
    /// The run the student picked for the results lessons (its id).
    pub selected: RwSignal<Option<usize>>,
    /// The run the results lessons show: the picked one, else the latest with results.
    pub shown: Memo<Option<ShownRun>>,
    /// The test sequence (index in the test split) lesson 10 sends to lesson 11.
    pub explain_keras: RwSignal<Option<usize>>,
}

impl Lab {
    /// A lab with the link's rule (seed 002's if it fails) and seed.
    pub fn new(settings: RwSignal<Settings>, engine: Engine) -> Lab {
        let (rule, seed) = settings.with_untracked(|s| (s.rule.clone(), s.seed));
        let dataset = Dataset::new(rule, seed).unwrap_or_else(|_| Dataset::new(ScoringRule::default(), seed).expect("seed 002's rule is valid"));
        let selected = RwSignal::new(None::<usize>);
        let shown = Memo::new(move |_| {
            let selected = selected.get();
            engine.runs.with(|runs| {
                let with_results = |r: &&RunView| r.bench == Bench::Kmers && r.results.is_some();
                let run = selected
                    .and_then(|id| runs.iter().filter(with_results).find(|r| r.id == id))
                    .or_else(|| runs.iter().rev().find(with_results))?;
                Some(ShownRun { id: run.id, label: run.label(), model: run.model.clone(), results: run.results.clone()? })
            })
        });
        Lab { settings, dataset: RwSignal::new(Arc::new(dataset)), engine, selected, shown, explain_keras: RwSignal::new(None) }
    }

    /// Train: go on with the paused 8-mer run, or start a new one with the current settings on
    /// the current data.
    ///
    /// # Errors
    /// [`StartError`]: the trainer's refusal of the settings, or no device yet.
    pub fn play(&self, until: Until) -> Result<(), StartError> {
        if self.engine.resume(Bench::Kmers, until) {
            return Ok(());
        }
        let st = self.settings.get_untracked();
        let model = ModelConfig { kind: st.model, activation: st.activation, ..ModelConfig::cnn(8) };
        self.engine.start(Bench::Kmers, RunData::Kmers(self.dataset.get_untracked()), vec![(model, crate::training::kmer(&st))], until)
    }
}

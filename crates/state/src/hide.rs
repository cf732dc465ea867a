//! The controls an instructor's link can hide (`hide=opt,lr,device`), named by their link keys.

use dnaplay_model::settings::{BATCH_SIZE, CLASS_EPOCHS, CLASS_SEQS, EPOCHS, EXP_LR, KERAS_EPOCHS, KERAS_LR, KERAS_SEQS, LEARNING_RATE, SEED};

use crate::error::ValueError;
use crate::link::NUMBERS;
use crate::shown;

/// The controls a link can hide (`hide=`), by key, with what each is. The numeric settings'
/// keys (and their labels, where the control shows the setting's own) come from
/// [`dnaplay_model::settings`].
pub const HIDEABLE: [(&str, &str); 22] = [
    ("model", "Model"),
    ("act", "First-layer activation"),
    ("opt", "Optimizer"),
    (LEARNING_RATE.key, LEARNING_RATE.label),
    (BATCH_SIZE.key, BATCH_SIZE.label),
    (EPOCHS.key, EPOCHS.label),
    (SEED.key, SEED.label),
    ("device", "Device"),
    (CLASS_SEQS.key, "sequences"),
    (CLASS_EPOCHS.key, "epochs per run"),
    (EXP_LR.key, EXP_LR.label),
    (KERAS_SEQS.key, KERAS_SEQS.label),
    (KERAS_EPOCHS.key, KERAS_EPOCHS.label),
    (KERAS_LR.key, KERAS_LR.label),
    ("igref", "reference of integrated gradients and DeepSHAP"),
    ("xseq", "sequence explained"),
    ("rule", "scoring rule"),
    ("pos", "position effect"),
    ("export", "export buttons"),
    ("upload", "file upload"),
    ("share", "Share button"),
    ("runs", "My runs button"),
];

/// The `hide` key of a control from its visible label ("Model", "learning rate", "Learning
/// rate"), or `None` for a label no key names. The page marks each control with it, so one
/// list ([`HIDEABLE`], [`dnaplay_model::settings`]) decides what a link can hide.
pub fn hide_key(label: &str) -> Option<&'static str> {
    let l = label.trim().to_ascii_lowercase();
    let from_settings = NUMBERS
        .iter()
        .map(|n| n.setting)
        .find(|s| s.title().to_ascii_lowercase() == l || s.label.to_ascii_lowercase() == l)
        .map(|s| s.key);
    from_settings.or_else(|| HIDEABLE.iter().find(|(_, name)| name.to_ascii_lowercase() == l).map(|(k, _)| *k))
}

/// Read a `hide` value: known keys ([`HIDEABLE`]), comma-separated, each once.
///
/// # Errors
/// [`ValueError::NotHideable`] naming the first key that is not in [`HIDEABLE`].
pub(crate) fn parse_hide(v: &str) -> Result<Vec<&'static str>, ValueError> {
    let mut keys = Vec::new();
    for k in v.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let (key, _) = HIDEABLE.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)).ok_or_else(|| ValueError::NotHideable { given: shown(k) })?;
        if !keys.contains(key) {
            keys.push(*key);
        }
    }
    Ok(keys)
}

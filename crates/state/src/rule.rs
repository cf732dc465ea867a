//! Lesson 1's scoring rule as a link writes it (`rule=A20,C17,G14,T11,TAT:10,GCG:-10`), and the
//! check of one motif typed into the page.

use dnaplay_model::scoring::{MAX_MOTIFS, MotifBonus, ScoringRule};

use crate::error::RuleError;
use crate::shown;

/// Longest motif a rule may hold (the sequences are 8-mers).
pub const MAX_MOTIF: usize = 8;

/// Why `text` is not a motif of the rule, or `None` when it is one: 1 to [`MAX_MOTIF`] of A, C,
/// G, T (lowercase is accepted).
pub fn motif_problem(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return Some("a motif needs at least one base".into());
    }
    if let Some((i, c)) = t.chars().enumerate().find(|(_, c)| !matches!(c.to_ascii_uppercase(), 'A' | 'C' | 'G' | 'T')) {
        return Some(format!("'{c}' at position {} is not A, C, G or T", i + 1));
    }
    if t.chars().count() > MAX_MOTIF {
        return Some(format!("a motif can be at most {MAX_MOTIF} bases long (the sequences are 8-mers)"));
    }
    None
}

/// The `rule` link value: base values then motifs with their bonus, comma-separated, e.g.
/// seed 002's `A20,C17,G14,T11,TAT:10,GCG:-10`.
pub fn format_rule(rule: &ScoringRule) -> String {
    let bases = ['A', 'C', 'G', 'T'].iter().zip(rule.base_values).map(|(b, v)| format!("{b}{v}"));
    let motifs = rule.motifs.iter().map(|m| format!("{}:{}", m.motif, m.bonus));
    bases.chain(motifs).collect::<Vec<_>>().join(",")
}

/// Read a `rule` link value (see [`format_rule`]). Bases left out keep seed 002's values; the
/// motifs given replace seed 002's. The position effect is not part of it (`pos`).
///
/// # Errors
/// A [`RuleError`] naming the first item that is neither `<base><number>` nor
/// `<motif>:<number>`, more than [`MAX_MOTIFS`] motifs, or a value the rule refuses
/// ([`ScoringRule::validate`]).
pub fn parse_rule(text: &str) -> Result<ScoringRule, RuleError> {
    let mut rule = ScoringRule { motifs: Vec::new(), ..ScoringRule::default() };
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if rule.motifs.len() == MAX_MOTIFS && item.contains(':') {
            let count = text.split(',').filter(|i| i.contains(':')).count();
            return Err(RuleError::TooManyMotifs { count });
        }
        let number = |v: &str| v.trim().parse::<f32>().ok().filter(|x| x.is_finite());
        if let Some((motif, bonus)) = item.split_once(':') {
            if let Some(problem) = motif_problem(motif) {
                return Err(RuleError::Motif { motif: shown(motif), problem });
            }
            let bonus = number(bonus).ok_or_else(|| RuleError::Bonus { bonus: shown(bonus), motif: motif.to_string() })?;
            rule.motifs.push(MotifBonus { motif: motif.trim().to_ascii_uppercase(), bonus });
        } else {
            let mut chars = item.chars();
            let base = chars.next().map(|c| c.to_ascii_uppercase());
            let slot = ['A', 'C', 'G', 'T'].iter().position(|&b| Some(b) == base);
            match (slot, number(chars.as_str())) {
                (Some(i), Some(v)) => rule.base_values[i] = v,
                _ => return Err(RuleError::Item { item: shown(item) }),
            }
        }
    }
    rule.validate()?;
    Ok(rule)
}

//! The Share panel's link (issue 27): the current settings with a chosen list of lessons, the
//! controls to hide and high contrast, written as a link that restores exactly what the panel
//! shows.

use thiserror::Error;

use crate::Settings;
use crate::hide::HIDEABLE;
use crate::lessons::Lesson;

/// Why the Share panel cannot build a link.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShareError {
    /// Every lesson was unticked: a link must list at least one.
    #[error("tick at least one lesson: a link must show one")]
    NoLessons,
}

/// What the Share panel adds to the current settings: which lessons the link lists, which
/// controls it hides and whether it turns on high contrast (the link's `lessons`, `hide` and
/// `contrast`, docs/links.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// The lessons listed, in any order; every lesson when all are chosen.
    pub lessons: Vec<Lesson>,
    /// The controls hidden, by their `hide` keys ([`HIDEABLE`]).
    pub hide: Vec<&'static str>,
    /// High contrast and large text, for a projector.
    pub contrast: bool,
}

impl Share {
    /// The panel's starting choices: what the page shows now (every lesson when the page lists
    /// them all).
    pub fn from_settings(s: &Settings) -> Share {
        Share { lessons: s.visible_lessons(), hide: s.hide.clone(), contrast: s.contrast }
    }

    /// Whether the link lists `lesson`.
    pub fn lists(&self, lesson: Lesson) -> bool {
        self.lessons.contains(&lesson)
    }

    /// List `lesson` or not.
    pub fn set_lesson(&mut self, lesson: Lesson, on: bool) {
        self.lessons.retain(|&l| l != lesson);
        if on {
            self.lessons.push(lesson);
        }
    }

    /// Hide the control `key` or not; keys outside [`HIDEABLE`] are ignored.
    pub fn set_hidden(&mut self, key: &str, on: bool) {
        self.hide.retain(|&k| k != key);
        if on && let Some((k, _)) = HIDEABLE.iter().find(|(k, _)| *k == key) {
            self.hide.push(k);
        }
    }

    /// The settings the link restores: `current` with these lessons (in the course's order, and
    /// none listed when all are), hidden controls (in [`HIDEABLE`]'s order) and contrast. The
    /// lesson shown stays when it is listed; otherwise the link opens on the first one listed,
    /// as the page itself does with such a link.
    ///
    /// # Errors
    /// [`ShareError::NoLessons`] when no lesson is chosen.
    pub fn apply(&self, current: &Settings) -> Result<Settings, ShareError> {
        let lessons: Vec<Lesson> = Lesson::ALL.iter().copied().filter(|l| self.lists(*l)).collect();
        let first = *lessons.first().ok_or(ShareError::NoLessons)?;
        let mut s = current.clone();
        s.lesson = if lessons.contains(&s.lesson) { s.lesson } else { first };
        s.lessons = if lessons.len() == Lesson::ALL.len() { Vec::new() } else { lessons };
        s.hide = HIDEABLE.iter().map(|(k, _)| *k).filter(|k| self.hide.contains(k)).collect();
        s.contrast = self.contrast;
        Ok(s)
    }

    /// The link: `base` (the page's address without its query, e.g.
    /// `https://example.org/dna/`) followed by [`Settings::to_query`] of [`Share::apply`].
    ///
    /// # Errors
    /// As [`Share::apply`].
    pub fn link(&self, base: &str, current: &Settings) -> Result<String, ShareError> {
        Ok(format!("{base}{}", self.apply(current)?.to_query()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_reads_back_to_the_settings_it_shows() {
        let (current, _) = Settings::from_query("?lesson=train&model=linear&lr=0.05&seed=3");
        let mut share = Share::from_settings(&current);
        assert_eq!(share.lessons.len(), Lesson::ALL.len(), "a page listing every lesson starts with all ticked");
        // Ticked out of the course's order: the link lists them in it.
        share.lessons.clear();
        for l in [Lesson::Parity, Lesson::Train, Lesson::Rule] {
            share.set_lesson(l, true);
        }
        share.set_hidden("device", true);
        share.set_hidden("opt", true);
        share.set_hidden("no-such-control", true);
        share.contrast = true;
        let link = share.link("https://example.org/dna/", &current).unwrap();
        assert_eq!(
            link,
            "https://example.org/dna/?lesson=train&model=linear&act=relu&opt=sgd&lr=0.05&bs=128&epochs=50&seed=3&hide=opt,device&lessons=rule,train,parity&contrast=1"
        );
        let (back, notices) = Settings::from_query(link.split_once('?').unwrap().1);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(back, share.apply(&current).unwrap());
        assert_eq!(back.to_query(), format!("?{}", link.split_once('?').unwrap().1), "the page keeps the link as built");
    }

    #[test]
    fn a_lesson_left_out_opens_on_the_first_listed_and_all_lessons_list_none() {
        let (current, _) = Settings::from_query("?lesson=filters");
        let mut share = Share::from_settings(&current);
        share.set_lesson(Lesson::Filters, false);
        share.lessons.retain(|l| matches!(l, Lesson::Exp | Lesson::Explain));
        let s = share.apply(&current).unwrap();
        assert_eq!((s.lesson, s.lessons.clone()), (Lesson::Exp, vec![Lesson::Exp, Lesson::Explain]));
        let all = Share::from_settings(&current).apply(&current).unwrap();
        assert!(all.lessons.is_empty() && !all.to_query().contains("lessons="));
        share.lessons.clear();
        assert_eq!(share.apply(&current), Err(ShareError::NoLessons));
        assert_eq!(ShareError::NoLessons.to_string(), "tick at least one lesson: a link must show one");
    }
}

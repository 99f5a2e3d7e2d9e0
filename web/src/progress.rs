//! How far the learner got in each lesson: kept in `localStorage` (by `prefs`) so the lesson
//! map shows it after a reload and a lesson resumes where it was left.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One lesson's progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// The furthest step (0-based) the learner has been on.
    pub reached: usize,
    /// The learner saw the model answer at the end.
    pub finished: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Progress(BTreeMap<String, LessonProgress>);

impl Progress {
    /// Reads what `to_json` wrote; anything else (an older format, a hand edit) is no progress.
    pub fn from_json(text: &str) -> Progress {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn of(&self, lesson: &str) -> LessonProgress {
        self.0.get(lesson).copied().unwrap_or_default()
    }

    /// The learner is on `step`: remembered if it is further than before.
    pub fn reach(&mut self, lesson: &str, step: usize) {
        let entry = self.0.entry(lesson.to_string()).or_default();
        entry.reached = entry.reached.max(step);
    }

    pub fn finish(&mut self, lesson: &str) {
        self.0.entry(lesson.to_string()).or_default().finished = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_grows_and_survives_a_round_trip() {
        let mut p = Progress::default();
        p.reach("ordering", 3);
        p.reach("ordering", 1);
        p.finish("backlog");
        assert_eq!(p.of("ordering").reached, 3);
        assert!(p.of("backlog").finished);
        assert_eq!(p.of("nope"), LessonProgress::default());
        assert_eq!(Progress::from_json(&p.to_json()), p);
    }

    #[test]
    fn garbage_in_storage_is_no_progress() {
        assert_eq!(Progress::from_json("{\"x\": 3}"), Progress::default());
        assert_eq!(Progress::from_json("not json"), Progress::default());
    }
}

//! Lessons: data files that walk a learner through an interview question on a scenario —
//! narration, predictions, things to do on the stage, checks on the world and the ledger,
//! and a model answer. [`doc`] is the file as JSON spells it; [`validate`] checks it against
//! its scenario; [`run`] follows it step by step; [`condition`] decides whether the world
//! shows what a step waits for; [`next`] which lesson follows another; [`card`] what the lesson
//! map shows of each (the page fetches a lesson's file only when it is opened).

pub mod card;
pub mod condition;
pub mod doc;
pub mod goal;
pub mod next;
pub mod run;
mod validate;

pub use card::{cards, LessonCard};
pub use condition::{holds, measure, World as LessonWorld};
pub use doc::{Condition, LessonDoc, Measure, StepDoc};
pub use doc::{Goal, SettingChange};
pub use goal::{check_goal, check_goals, GoalOutcome};
pub use next::{in_map_order, next_lesson, NextLesson};
#[cfg(feature = "shipped-lessons")]
pub use validate::{lesson_docs, lesson_sources, lessons};
pub use validate::{validate_lesson, Lesson};

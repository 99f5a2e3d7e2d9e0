//! Following a lesson: where each step leaves the world when the learner does what it asks,
//! whether the world shows a step done, and how a prediction is judged against the outcome.
//! The browser's lesson player and the native tests both go through here, so a lesson that
//! walks in the tests walks the same way on the page.

use super::condition::{holds, measure, World};
use super::doc::{Condition, StepDoc};
use super::validate::Lesson;
use crate::error::ScenarioError;
use crate::frame::Frame;
use crate::settings::apply_setting_or_say;
use crate::ScenarioDoc;
use crate::{Command, Player};

/// Does the world the player is at show this condition?
pub fn shows(player: &Player, c: &Condition) -> bool {
    shows_in(c, player.doc(), &player.frame())
}

/// The same for a frame already at hand (the page has the current one).
pub fn shows_in(c: &Condition, doc: &ScenarioDoc, frame: &Frame) -> bool {
    holds(
        c,
        &World {
            doc,
            frame,
            at_end: frame.step >= frame.total_steps,
        },
    )
}

/// Steps on until the condition holds; false if the trace ends first.
pub fn play_until(player: &mut Player, c: &Condition) -> bool {
    loop {
        if shows(player, c) {
            return true;
        }
        if player.position() == player.total_steps() {
            return false;
        }
        if player.apply(Command::Forward).is_err() {
            return false;
        }
    }
}

/// What the step waits for in the world, if it waits for anything there: a play step's
/// `until` (or the end), an act's `done`, a switch's setting, a check's `expect`.
pub fn awaited(step: &StepDoc) -> Option<Condition> {
    match step {
        StepDoc::Narrate { .. } | StepDoc::Choose { .. } | StepDoc::Estimate { .. } => None,
        StepDoc::Play { until, .. } => Some(until.clone().unwrap_or(Condition::AtEnd(true))),
        StepDoc::Act { done, .. } => Some(done.clone()),
        StepDoc::Switch { setting, value, .. } => Some(Condition::Setting {
            name: setting.clone(),
            value: value.clone(),
        }),
        StepDoc::Check { expect, .. } => Some(expect.clone()),
        // A challenge's goals are checked on the document, not on the frame: `world_done`.
        StepDoc::Challenge { .. } => None,
    }
}

/// Does the world show the step done? Steps that wait for nothing in the world (narration,
/// predictions) are done as far as the world goes; a prediction also needs its answer.
pub fn world_done(player: &Player, step: &StepDoc) -> bool {
    if let StepDoc::Challenge { goals, .. } = step {
        return super::goal::all_met(goals, player.doc());
    }
    awaited(step).is_none_or(|c| shows(player, &c))
}

/// Does what the step asks, as a learner who follows the prompt would: plays, injects the
/// act's solution, switches the setting (which reloads the scenario from its start), plays
/// until a check holds. Narration and predictions leave the world as it is.
pub fn follow(player: &mut Player, step: &StepDoc) -> Result<(), ScenarioError> {
    let fail = |en: &str, zh: &str| ScenarioError::new("lesson", en, zh);
    match step {
        StepDoc::Narrate { .. } | StepDoc::Choose { .. } | StepDoc::Estimate { .. } => Ok(()),
        StepDoc::Play { until: None, .. } => player.apply(Command::End),
        StepDoc::Play { until: Some(c), .. } => {
            play_until(player, c).then_some(()).ok_or_else(|| {
                fail(
                    "the trace ended before the play condition held",
                    "轨迹结束时，播放条件仍未满足",
                )
            })
        }
        StepDoc::Act { done, solution, .. } => {
            for action in solution {
                player.inject_doc(action.clone())?;
            }
            play_until(player, done).then_some(()).ok_or_else(|| {
                fail(
                    "the solution does not make the act's condition true",
                    "参考操作没有让这一步的条件成立",
                )
            })
        }
        StepDoc::Switch { setting, value, .. } => {
            let mut doc = player.doc().clone();
            apply_setting_or_say(&mut doc, setting, value)?;
            *player = Player::load(doc)?;
            Ok(())
        }
        StepDoc::Challenge { solution, .. } => {
            // The solved design starts over without the faults clicked on the stage.
            let mut doc = super::goal::design(player.doc());
            for c in solution {
                apply_setting_or_say(&mut doc, &c.setting, &c.value)?;
            }
            *player = Player::load(doc)?;
            Ok(())
        }
        StepDoc::Check { expect, .. } => play_until(player, expect)
            .then_some(())
            .ok_or_else(|| fail("the check never holds", "检查条件始终不成立")),
    }
}

/// The world at the start of step `step` (0-based) for a learner who did what every earlier
/// step asked: what a link to that step opens.
pub fn replay_to(lesson: &Lesson, step: usize) -> Result<Player, ScenarioError> {
    let mut player = Player::load(lesson.scenario.clone())?;
    for s in lesson.doc.steps.iter().take(step) {
        follow(&mut player, s)?;
    }
    Ok(player)
}

/// A learner's prediction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prediction {
    Choice(usize),
    Number(i64),
}

/// How a prediction compares with what the model shows at the end of the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Right,
    Wrong,
    /// A number below the outcome.
    TooLow,
    /// A number above the outcome.
    TooHigh,
}

/// What the model shows at the end of the trace for a prediction step, without moving the
/// learner's player: whether a choice's `check` holds, or the estimated number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The `check` of a choose step holds at the end (it proves the answer).
    Proven(bool),
    Number(i64),
}

pub fn outcome_at_end(player: &Player, step: &StepDoc) -> Option<Outcome> {
    let mut end = player.clone();
    end.apply(Command::End).ok()?;
    match step {
        StepDoc::Choose { check, .. } => Some(Outcome::Proven(shows(&end, check))),
        StepDoc::Estimate { measure: m, .. } => measure(m, &end.frame()).map(Outcome::Number),
        _ => None,
    }
}

/// Judges a prediction: a choice against the lesson's answer, a number against what the model
/// shows (`outcome`), which the tests hold equal to the lesson's answer.
pub fn judge(step: &StepDoc, prediction: Prediction, outcome: Option<Outcome>) -> Verdict {
    match (step, prediction) {
        (StepDoc::Choose { answer, .. }, Prediction::Choice(c)) if c == *answer => Verdict::Right,
        (StepDoc::Estimate { answer, .. }, Prediction::Number(n)) => {
            let truth = match outcome {
                Some(Outcome::Number(v)) => v,
                _ => *answer,
            };
            match n.cmp(&truth) {
                std::cmp::Ordering::Less => Verdict::TooLow,
                std::cmp::Ordering::Equal => Verdict::Right,
                std::cmp::Ordering::Greater => Verdict::TooHigh,
            }
        }
        _ => Verdict::Wrong,
    }
}

/// Is the step one the learner answers (a prediction)?
pub fn is_prediction(step: &StepDoc) -> bool {
    matches!(step, StepDoc::Choose { .. } | StepDoc::Estimate { .. })
}

//! The lesson being followed, and the reducer's part for it: opening a lesson at a step,
//! going on and back, the "do it for me" button, predictions judged against the outcome, and
//! the play loop pausing the moment the world shows what a step waits for.

use super::{bilingual, example_doc, AppState, Tab, View};
use mqlab_scenario::lesson::goal::design;
use mqlab_scenario::lesson::run::{
    awaited, follow, is_prediction, judge, outcome_at_end, play_until, replay_to, shows_in,
    Outcome, Prediction, Verdict,
};
use mqlab_scenario::lesson::{
    check_goals, validate_lesson, Condition, GoalOutcome, Lesson, LessonDoc, StepDoc,
};
use mqlab_scenario::settings::apply_setting_or_say;
use mqlab_scenario::{Command, Player, Text};
use std::rc::Rc;

/// What the learner does in the lesson panel.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonInput {
    Next,
    Back,
    /// Reopen a step (0-based) as a link to it would.
    GoTo(usize),
    /// Play or pause the scenario (the loop pauses by itself when the step is done).
    Play,
    /// Jump straight to the step where the world shows what the step waits for (or the end).
    Skip,
    /// Do what an act or switch step asks.
    ShowMe,
    Predict(Prediction),
    /// Check a challenge's goals against the design as it is set up now.
    CheckDesign,
    /// Leave the lesson for the sandbox with the world as it is.
    ToSandbox,
}

#[derive(Clone)]
pub struct LessonState {
    pub lesson: Rc<Lesson>,
    /// The current step, 0-based.
    pub step: usize,
    /// The world has shown what the step waits for (it stays done), and a prediction is right.
    pub done: bool,
    /// Wrong predictions tried at this step.
    pub wrong: Vec<(Prediction, Verdict)>,
    /// A right prediction's outcome, revealed.
    pub revealed: Option<Outcome>,
    /// A challenge's goals as last checked.
    pub goals: Option<Rc<Vec<GoalOutcome>>>,
    /// Past the last step: the model answer is shown.
    pub finished: bool,
}

impl PartialEq for LessonState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lesson, &other.lesson)
            && self.step == other.step
            && self.done == other.done
            && self.wrong == other.wrong
            && self.revealed == other.revealed
            && self.goals == other.goals
            && self.finished == other.finished
    }
}

impl LessonState {
    pub fn new(lesson: Rc<Lesson>, step: usize) -> LessonState {
        LessonState {
            lesson,
            step,
            done: false,
            wrong: Vec::new(),
            revealed: None,
            goals: None,
            finished: false,
        }
    }

    pub fn doc(&self) -> &LessonDoc {
        &self.lesson.doc
    }

    pub fn current(&self) -> Option<&StepDoc> {
        self.lesson.doc.steps.get(self.step)
    }

    /// What the play loop stops at: the condition the step waits for in the world, until it
    /// is done. A switch step's setting is not something playing can bring about.
    pub fn stop_condition(&self) -> Option<Condition> {
        if self.done || self.finished {
            return None;
        }
        match self.current()? {
            StepDoc::Switch { .. } | StepDoc::Challenge { .. } => None,
            step => awaited(step),
        }
    }
}

/// A lesson's file (fetched when opened), checked against its scenario.
fn read_lesson(id: &str, source: &str) -> Result<Lesson, Text> {
    let doc = LessonDoc::parse(source).map_err(|e| Text {
        en: format!(
            "The lesson \"{id}\" cannot be read: {}",
            e.text(mqlab_scenario::Lang::En)
        ),
        zh: format!(
            "课程 \"{id}\" 无法读取：{}",
            e.text(mqlab_scenario::Lang::Zh)
        ),
    })?;
    validate_lesson(&doc).map_err(|e| bilingual(&e))
}

impl AppState {
    /// Opens a lesson at a step (0-based; past the end means its last step), the world as a
    /// learner who did every earlier step finds it. On a bad lesson: the lesson map and why.
    pub(super) fn open_lesson(&mut self, id: &str, source: &str, step: usize) {
        let lesson = match read_lesson(id, source) {
            Ok(lesson) => Rc::new(lesson),
            Err(why) => {
                self.view = View::Home;
                self.lesson = None;
                self.ui.notice = Some(why);
                return;
            }
        };
        let step = step.min(lesson.doc.steps.len().saturating_sub(1));
        self.enter_step(lesson, step);
    }

    fn enter_step(&mut self, lesson: Rc<Lesson>, step: usize) {
        match replay_to(&lesson, step) {
            Ok(player) => {
                let position = player.position();
                let unchanged = example_doc(&lesson.doc.scenario).as_ref() == Some(player.doc());
                self.sandbox.example_id = lesson.doc.scenario.clone();
                self.install(player);
                self.move_to(position);
                if unchanged {
                    self.sandbox.modified = false;
                    self.sandbox.link = Rc::new(self.sandbox.example_id.clone());
                } else {
                    self.mark_modified();
                }
                self.view = View::Lesson;
                if self
                    .lesson
                    .as_ref()
                    .is_none_or(|l| l.lesson.doc.id != lesson.doc.id)
                {
                    self.ui.tab = Tab::Lesson;
                }
                Rc::make_mut(&mut self.progress).reach(&lesson.doc.id, step);
                self.lesson = Some(LessonState::new(lesson, step));
                self.refresh_lesson();
            }
            Err(e) => {
                self.view = View::Home;
                self.lesson = None;
                self.ui.notice = Some(bilingual(&e));
            }
        }
    }

    pub(super) fn lesson_input(&mut self, input: LessonInput) {
        let Some(ls) = self.lesson.clone() else {
            return;
        };
        let last = ls.lesson.doc.steps.len().saturating_sub(1);
        match input {
            LessonInput::Next if ls.done && ls.step == last => {
                Rc::make_mut(&mut self.progress).finish(&ls.lesson.doc.id);
                if let Some(l) = &mut self.lesson {
                    l.finished = true;
                }
                self.play.playing = false;
            }
            LessonInput::Next if ls.done => {
                let next = LessonState::new(ls.lesson.clone(), ls.step + 1);
                Rc::make_mut(&mut self.progress).reach(&ls.lesson.doc.id, next.step);
                self.lesson = Some(next);
                self.play.playing = false;
                self.refresh_lesson();
            }
            LessonInput::Next => {}
            LessonInput::Back if ls.finished => {
                if let Some(l) = &mut self.lesson {
                    l.finished = false;
                }
            }
            LessonInput::Back => self.enter_step(ls.lesson.clone(), ls.step.saturating_sub(1)),
            LessonInput::GoTo(step) => self.enter_step(ls.lesson.clone(), step.min(last)),
            LessonInput::Play => {
                self.play.playing = !self.play.playing && self.position() < self.total();
            }
            LessonInput::Skip => self.skip(&ls),
            LessonInput::ShowMe => self.show_me(&ls),
            LessonInput::Predict(prediction) => self.predict(&ls, prediction),
            LessonInput::CheckDesign => self.check_design(&ls),
            LessonInput::ToSandbox => {
                self.view = View::Sandbox;
                self.lesson = None;
                self.ui.tab = Tab::Ledger;
                self.play.playing = false;
            }
        }
    }

    fn skip(&mut self, ls: &LessonState) {
        let Some(player) = self.play.player.clone() else {
            return;
        };
        let target = {
            let mut ahead = player.borrow().clone();
            if let Some(c) = ls.stop_condition() {
                play_until(&mut ahead, &c);
            } else {
                ahead.apply(Command::End).ok();
            }
            ahead.position()
        };
        self.play.playing = false;
        self.move_to(target);
    }

    /// Checks a challenge's goals on the design as set up now (each goal replays copies of
    /// it: a button, not every frame). Met, the design starts over without the faults
    /// clicked on the stage, as the steps after it expect.
    fn check_design(&mut self, ls: &LessonState) {
        let Some(StepDoc::Challenge { goals, .. }) = ls.current() else {
            return;
        };
        let Some(doc) = self.doc() else { return };
        let outcomes = check_goals(goals, &doc);
        let met = outcomes.iter().all(|o| o.met);
        if let Some(l) = &mut self.lesson {
            l.goals = Some(Rc::new(outcomes));
        }
        self.play.playing = false;
        if met {
            match Player::load(design(&doc)) {
                Ok(player) => {
                    self.install(player);
                    self.mark_modified();
                }
                Err(e) => self.ui.notice = Some(bilingual(&e)),
            }
        }
    }

    /// Does what an act or switch step asks: the act's solution injected here and played
    /// until the world shows it, or the setting switched (the scenario starts again).
    fn show_me(&mut self, ls: &LessonState) {
        match ls.current() {
            Some(StepDoc::Act { solution, .. }) => {
                let Some(player) = self.play.player.clone() else {
                    return;
                };
                let position = self.position();
                for action in solution {
                    let result = player.borrow_mut().inject_doc(action.clone());
                    if let Err(e) = result {
                        self.ui.notice = Some(bilingual(&e));
                        return;
                    }
                }
                self.after_inject(position);
                self.play.playing = self.position() < self.total();
            }
            Some(StepDoc::Switch { setting, value, .. }) => {
                let Some(mut doc) = self.doc() else { return };
                if let Err(e) = apply_setting_or_say(&mut doc, setting, value) {
                    self.ui.notice = Some(bilingual(&e));
                    return;
                }
                match Player::load(doc) {
                    Ok(player) => {
                        self.install(player);
                        self.mark_modified();
                    }
                    Err(e) => self.ui.notice = Some(bilingual(&e)),
                }
            }
            Some(step @ StepDoc::Challenge { .. }) => {
                let Some(player) = self.play.player.clone() else {
                    return;
                };
                let result = follow(&mut player.borrow_mut(), step);
                match result {
                    Ok(()) => {
                        let solved = player.borrow().clone();
                        self.install(solved);
                        self.mark_modified();
                        self.check_design(ls);
                    }
                    Err(e) => self.ui.notice = Some(bilingual(&e)),
                }
            }
            _ => {}
        }
    }

    fn predict(&mut self, ls: &LessonState, prediction: Prediction) {
        let Some(step) = ls.current() else { return };
        if !is_prediction(step) || ls.done {
            return;
        }
        let outcome = self
            .play
            .player
            .as_ref()
            .and_then(|p| outcome_at_end(&p.borrow(), step));
        let verdict = judge(step, prediction, outcome);
        if let Some(l) = &mut self.lesson {
            if verdict == Verdict::Right {
                l.revealed = outcome;
            } else {
                l.wrong.push((prediction, verdict));
            }
        }
        self.refresh_lesson();
    }

    /// Marks the step done once the world shows what it waits for (and a prediction is
    /// right); pauses the play loop at that moment.
    pub(super) fn refresh_lesson(&mut self) {
        let Some(player) = self.play.player.clone() else {
            return;
        };
        let frame = self.play.frame.clone();
        let Some(ls) = &mut self.lesson else { return };
        let Some(step) = ls.current() else { return };
        let world = awaited(step).is_none_or(|c| shows_in(&c, player.borrow().doc(), &frame));
        let answered = match step {
            StepDoc::Challenge { .. } => ls.goals.as_ref().is_some_and(|g| g.iter().all(|o| o.met)),
            step if is_prediction(step) => ls.revealed.is_some(),
            _ => true,
        };
        let plays_to_end = matches!(step, StepDoc::Play { until: None, .. });
        if world && answered && !ls.done {
            ls.done = true;
            if !plays_to_end {
                self.play.playing = false;
            }
        }
    }
}

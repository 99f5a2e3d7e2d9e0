//! Playing the scenario on the stage: the player and the frame it shows, the play loop's
//! clock and pace (each message is seen crossing its link; empty stretches go faster), and
//! the event log collected on the way.

use super::step_log::StepLog;
use super::{AppState, LessonState, LogEntry, View};
use crate::i18n::{Lang, T};
use mqlab_scenario::frame::{EnvelopeKind, EnvelopeView, Frame};
use mqlab_scenario::{Player, TimelineMark};
use std::cell::RefCell;
use std::rc::Rc;

/// Real milliseconds between two ticks of the play loop.
pub const TICK_MS: f64 = 50.0;
/// At "by step" speed, real milliseconds between two steps.
const BY_STEP_MS: f64 = 600.0;
/// While only background chatter is on the wire, play runs this much faster.
const QUIET_SPEEDUP: f64 = 6.0;
/// Real milliseconds a message takes to cross its link at 1× (a 1 ms flight must be seen).
const FLIGHT_MS: f64 = 500.0;
/// The most steps one tick looks at one by one; past them it just goes on to the clock.
const MAX_CHECKED_STEPS: usize = 300;
/// Simulated milliseconds to the next step beyond which time counts as empty.
const QUIET_GAP_MS: f64 = 100.0;
/// The most steps the event log keeps in view.
const LOG_SHOWN: usize = 300;

/// How fast play runs. At 1× one simulated second takes about two real seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speed {
    Half,
    One,
    Two,
    Four,
    /// One step per tick of the player, whatever time it covers.
    ByStep,
}

impl Speed {
    pub const ALL: [Speed; 5] = [
        Speed::Half,
        Speed::One,
        Speed::Two,
        Speed::Four,
        Speed::ByStep,
    ];

    /// Simulated milliseconds per real millisecond.
    pub fn rate(self) -> f64 {
        match self {
            Speed::Half => 0.25,
            Speed::One => 0.5,
            Speed::Two => 1.0,
            Speed::Four => 2.0,
            Speed::ByStep => 0.0,
        }
    }

    /// How many times faster than 1×.
    pub fn factor(self) -> f64 {
        self.rate() / Speed::One.rate()
    }

    pub fn value(self) -> &'static str {
        match self {
            Speed::Half => "0.5",
            Speed::One => "1",
            Speed::Two => "2",
            Speed::Four => "4",
            Speed::ByStep => "step",
        }
    }

    pub fn label(self, lang: Lang) -> String {
        match self {
            Speed::ByStep => T::ByStep.get(lang).to_string(),
            other => format!("{}×", other.value()),
        }
    }

    pub fn parse(value: &str) -> Option<Speed> {
        Speed::ALL.into_iter().find(|s| s.value() == value)
    }

    pub fn faster(self) -> Speed {
        let i = Speed::ALL.iter().position(|s| *s == self).unwrap_or(1);
        Speed::ALL[(i + 1).min(Speed::ALL.len() - 1)]
    }

    pub fn slower(self) -> Speed {
        let i = Speed::ALL.iter().position(|s| *s == self).unwrap_or(1);
        Speed::ALL[i.saturating_sub(1)]
    }
}

/// What the player bar asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PlayerInput {
    Start,
    Back,
    PlayPause,
    Forward,
    End,
    Seek(u64),
    Speed(Speed),
}

/// The scenario being played: the player, where it is and how it moves on.
#[derive(Clone)]
pub struct PlayState {
    pub(super) player: Option<Rc<RefCell<Player>>>,
    pub frame: Rc<Frame>,
    pub marks: Rc<Vec<TimelineMark>>,
    pub playing: bool,
    pub speed: Speed,
    /// Simulated time the stage is drawn at; runs ahead of the frame while playing.
    pub clock_ms: f64,
    pub(super) since_step_ms: f64,
    /// Shared with the states it replaces, which are dropped: mutated in place.
    pub(super) log: Rc<RefCell<StepLog>>,
    /// The event log's view: entries up to the current step.
    pub log_view: Rc<Vec<LogEntry>>,
    pub log_truncated: bool,
}

impl Default for PlayState {
    /// Nothing loaded yet, paused, at 1×.
    fn default() -> PlayState {
        PlayState {
            player: None,
            frame: Rc::new(Frame::default()),
            marks: Rc::default(),
            playing: false,
            speed: Speed::One,
            clock_ms: 0.0,
            since_step_ms: 0.0,
            log: Rc::default(),
            log_view: Rc::default(),
            log_truncated: false,
        }
    }
}

impl AppState {
    pub(super) fn refresh_marks(&mut self) {
        let Some(player) = &self.play.player else {
            return;
        };
        let marks = player.borrow().marks();
        self.play.marks = Rc::new(marks);
    }

    pub(super) fn position(&self) -> u64 {
        self.play.frame.step
    }

    pub(super) fn total(&self) -> u64 {
        self.play.frame.total_steps
    }

    /// Moves the player to `target`, the log collecting what happened on the way.
    pub(super) fn go(&mut self, target: u64) {
        let Some(player) = self.play.player.clone() else {
            return;
        };
        let mut player = player.borrow_mut();
        self.play.log.borrow_mut().move_player(&mut player, target);
        self.play.frame = Rc::new(player.frame());
        self.play.clock_ms = self.play.frame.time_ms as f64;
        self.play.since_step_ms = 0.0;
    }

    pub(super) fn record_current(&mut self) {
        self.play
            .log
            .borrow_mut()
            .record(entry_of(&self.play.frame));
    }

    pub(super) fn refresh_view(&mut self) {
        let (shown, truncated) = self.play.log.borrow().view(self.position(), LOG_SHOWN);
        self.play.log_view = Rc::new(shown);
        self.play.log_truncated = truncated;
    }

    pub(super) fn move_to(&mut self, target: u64) {
        self.ui.notice = None;
        self.go(target);
        self.refresh_view();
        if self.position() >= self.total() {
            self.play.playing = false;
        }
    }

    pub(super) fn player_input(&mut self, input: PlayerInput) {
        if self.view == View::Compare {
            return self.compare_input(input);
        }
        let position = self.position();
        match input {
            PlayerInput::Start => self.move_to(0),
            PlayerInput::Back => self.move_to(position.saturating_sub(1)),
            PlayerInput::Forward => self.move_to(position + 1),
            PlayerInput::End => self.move_to(self.total()),
            PlayerInput::Seek(step) => self.move_to(step),
            PlayerInput::PlayPause => {
                self.play.playing = !self.play.playing && position < self.total();
                self.play.since_step_ms = 0.0;
            }
            PlayerInput::Speed(speed) => self.play.speed = speed,
        }
    }

    pub(super) fn tick(&mut self) {
        if !self.play.playing {
            return;
        }
        if self.view == View::Compare {
            return self.compare_tick(TICK_MS);
        }
        let Some(player) = self.play.player.clone() else {
            return;
        };
        let position = self.position();
        let total = self.total();
        if position >= total {
            self.play.playing = false;
            return;
        }
        if self.play.speed == Speed::ByStep {
            self.play.since_step_ms += TICK_MS;
            if self.play.since_step_ms >= BY_STEP_MS {
                self.move_to(position + 1);
            }
            return;
        }
        // A lesson step waiting for the world: play stops on the very step that shows it.
        let stop = self.lesson.as_ref().and_then(LessonState::stop_condition);
        let mut player = player.borrow_mut();
        let gap = player.step_time_ms(position + 1) as f64 - self.play.clock_ms;
        let mut clock =
            self.play.clock_ms + TICK_MS * pace(self.play.speed, &self.play.frame.envelopes, gap);
        // Step through what is due, but stop where a message sets off, so that it is seen on
        // its way (the pace then slows down for it).
        let mut frame = None;
        let mut checked = 0;
        while player.position() < total
            && player.step_time_ms(player.position() + 1) as f64 <= clock
        {
            let next = player.position() + 1;
            self.play.log.borrow_mut().move_player(&mut player, next);
            if checked == MAX_CHECKED_STEPS {
                continue;
            }
            checked += 1;
            let now = player.frame();
            let sets_off = now
                .envelopes
                .iter()
                .any(|e| e.kind != EnvelopeKind::Control && e.sent_at_ms == now.time_ms);
            let reached = stop
                .as_ref()
                .is_some_and(|c| mqlab_scenario::lesson::run::shows_in(c, player.doc(), &now));
            frame = Some(now);
            if reached {
                break;
            }
            if sets_off {
                clock = clock.min(player.step_time_ms(next) as f64);
                break;
            }
        }
        if player.position() != position {
            let frame = frame
                .filter(|f| f.step == player.position())
                .unwrap_or_else(|| player.frame());
            drop(player);
            self.play.frame = Rc::new(frame);
            self.ui.notice = None;
            self.refresh_view();
            if self.position() >= total {
                self.play.playing = false;
            }
        }
        self.play.clock_ms = clock;
    }

    pub(super) fn settle(&mut self, step: u64) {
        let Some(player) = &self.play.player else {
            return;
        };
        if self.play.playing || step != self.position() || step >= self.total() {
            return;
        }
        self.play.clock_ms = player.borrow().step_time_ms(step + 1) as f64;
    }
}

/// Simulated milliseconds per real millisecond of play. Time runs at the chosen speed, slows
/// down so that every message in flight is seen crossing its link, and speeds up through
/// empty stretches (only background chatter on the wire, nothing due within `QUIET_GAP_MS`).
fn pace(speed: Speed, envelopes: &[EnvelopeView], gap_to_next_step_ms: f64) -> f64 {
    let shortest_flight = envelopes
        .iter()
        .filter(|e| e.kind != EnvelopeKind::Control)
        .map(|e| e.arrives_at_ms.saturating_sub(e.sent_at_ms).max(1))
        .min();
    match shortest_flight {
        Some(flight) => speed.rate().min(flight as f64 * speed.factor() / FLIGHT_MS),
        None if gap_to_next_step_ms > QUIET_GAP_MS => speed.rate() * QUIET_SPEEDUP,
        None => speed.rate(),
    }
}

fn entry_of(frame: &Frame) -> LogEntry {
    LogEntry {
        step: frame.step,
        time_ms: frame.time_ms,
        happenings: frame.happenings.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqlab_scenario::Text;

    fn envelope(kind: EnvelopeKind, flight_ms: u64) -> EnvelopeView {
        EnvelopeView {
            id: 1,
            from: 100,
            to: 1,
            sent_at_ms: 1000,
            arrives_at_ms: 1000 + flight_ms,
            label: Text::default(),
            kind,
        }
    }

    #[test]
    fn a_message_in_flight_is_seen_crossing() {
        // A 1 ms produce at 1×: 500 real ms, whatever the speed setting says.
        let rate = pace(Speed::One, &[envelope(EnvelopeKind::Data, 1)], 0.0);
        assert!((1.0 / rate - FLIGHT_MS).abs() < 1e-9);
        // Twice as fast at 2×.
        let rate = pace(Speed::Two, &[envelope(EnvelopeKind::Data, 1)], 0.0);
        assert!((1.0 / rate - FLIGHT_MS / 2.0).abs() < 1e-9);
        // A slow flight does not slow play below the chosen speed.
        assert_eq!(
            pace(Speed::One, &[envelope(EnvelopeKind::Ack, 60_000)], 0.0),
            Speed::One.rate()
        );
    }

    #[test]
    fn chatter_alone_does_not_hold_play_back() {
        let chatter = [envelope(EnvelopeKind::Control, 1)];
        assert_eq!(pace(Speed::One, &chatter, 10.0), Speed::One.rate());
        assert_eq!(
            pace(Speed::One, &chatter, 2_000.0),
            Speed::One.rate() * QUIET_SPEEDUP
        );
    }
}

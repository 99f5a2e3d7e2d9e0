//! What the event log knows: the happenings of the steps the player has passed through,
//! collected while moving it. The trace is deterministic, so an entry stays true until the
//! future is rewritten by an injected action.

use mqlab_scenario::frame::Happening;
use mqlab_scenario::VecMap as BTreeMap;
use mqlab_scenario::{Command, Player};

/// The happenings of one step.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub step: u64,
    pub time_ms: u64,
    pub happenings: Vec<Happening>,
}

/// The most steps whose happenings are collected on one jump; earlier ones are skipped.
const FILL_LIMIT: u64 = 20_000;

#[derive(Debug, Default)]
pub struct StepLog {
    entries: BTreeMap<u64, LogEntry>,
    /// Every step of `from..=to` is in `entries` (those with nothing to say as well).
    from: u64,
    to: u64,
}

impl StepLog {
    /// Moves `player` to `target`, collecting the happenings of the steps not yet known.
    pub fn move_player(&mut self, player: &mut Player, target: u64) {
        let target = target.min(player.total_steps());
        if target > self.to {
            let start = self.to.max(target.saturating_sub(FILL_LIMIT));
            if start > self.to {
                // Too far to collect every step between: the log starts over after a gap.
                self.entries.clear();
                self.from = start + 1;
            }
            for listed in player.happenings_between(start + 1, target) {
                let entry = LogEntry {
                    step: listed.step,
                    time_ms: listed.time_ms,
                    happenings: listed.happenings,
                };
                self.entries.insert(entry.step, entry);
            }
            self.to = target;
        }
        if player.position() != target {
            let _ = player.apply(Command::Seek(target));
        }
    }

    pub fn record(&mut self, entry: LogEntry) {
        self.to = self.to.max(entry.step);
        self.entries.insert(entry.step, entry);
    }

    /// The future after `step` was rewritten: forget it.
    pub fn forget_after(&mut self, step: u64) {
        self.entries.retain(|s, _| *s <= step);
        self.to = self.to.min(step);
    }

    /// The last `limit` steps up to `position` that have something to say, oldest first, and
    /// whether steps before them are missing.
    pub fn view(&self, position: u64, limit: usize) -> (Vec<LogEntry>, bool) {
        let mut shown: Vec<LogEntry> = self
            .entries
            .range(..=position)
            .rev()
            .filter(|(_, e)| !e.happenings.is_empty())
            .take(limit)
            .map(|(_, e)| e.clone())
            .collect();
        shown.reverse();
        (shown, self.from > 1 && position >= self.from)
    }
}

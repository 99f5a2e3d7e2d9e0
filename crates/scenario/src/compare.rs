//! Two runs of one scenario with one setting different, side by side: the same seed and the
//! same fault script, stepped in lockstep on simulated time, and the first moment their
//! ledgers differ (acks=1 answers before the followers have the record; later it loses it).

use crate::counters::{self, LedgerCounter};
use crate::doc::{ActionDoc, ScenarioDoc, ScriptEntry};
use crate::error::ScenarioError;
use crate::frame::LedgerSummary;
use crate::i18n::Text;
use crate::settings::apply_setting_or_say;
use crate::{Command, Player};

/// What is compared: an example, the setting, its value on each side, and faults added to
/// both (for examples that leave the fault to the user).
#[derive(Clone, Debug, PartialEq)]
pub struct CompareSpec {
    pub example: String,
    pub setting: String,
    pub left: String,
    pub right: String,
    pub faults: Vec<ScriptEntry>,
}

/// The first moment the two ledgers differ.
#[derive(Clone, Debug, PartialEq)]
pub struct Divergence {
    /// Index into [`Lockstep::times`].
    pub index: usize,
    pub time_ms: u64,
    /// "acknowledged 1 vs 0, visible …", in both languages.
    pub what: Text,
}

/// Both runs, and the simulated times at which either takes a step (the shared timeline).
#[derive(Clone)]
pub struct Lockstep {
    pub left: Player,
    pub right: Player,
    /// 0 and every time at which either run takes a step, ascending, without repeats.
    pub times: Vec<u64>,
    pub divergence: Option<Divergence>,
    /// How each run ends, and when the counters that matter first part.
    pub outcome: Outcome,
}

/// A counter that says whether a run kept its promise (不能多，不能少): a difference in one
/// of these at the end of the run is the result of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counter {
    /// Acknowledged messages gone from the broker (`lost` without `skipped`).
    Lost,
    /// Messages a consumer never processed: committed past, or removed by autoAck.
    Skipped,
    Failed,
    Unavailable,
    /// Stored more than once on the broker.
    Duplicated,
    /// More than one row in a downstream store.
    StoreDuplicates,
    OutOfOrder,
}

impl Counter {
    /// In the order a headline names them.
    pub const ALL: [Counter; 7] = [
        Counter::Lost,
        Counter::Skipped,
        Counter::Failed,
        Counter::Unavailable,
        Counter::Duplicated,
        Counter::StoreDuplicates,
        Counter::OutOfOrder,
    ];

    /// Its row in the ledger's counter table.
    pub fn counter(self) -> &'static LedgerCounter {
        match self {
            Counter::Lost => &counters::LOST,
            Counter::Skipped => &counters::SKIPPED,
            Counter::Failed => &counters::FAILED,
            Counter::Unavailable => &counters::UNAVAILABLE,
            Counter::Duplicated => &counters::DUPLICATED,
            Counter::StoreDuplicates => &counters::STORE_DUPLICATES,
            Counter::OutOfOrder => &counters::OUT_OF_ORDER,
        }
    }

    pub fn of(self, t: &LedgerSummary) -> u32 {
        match self {
            // The tally counts skipped messages among the lost; here they are their own line.
            Counter::Lost => t.lost.saturating_sub(t.skipped),
            other => other.counter().of(t),
        }
    }

    /// For test ids and attributes.
    pub fn id(self) -> &'static str {
        self.counter().slug
    }
}

/// A counter that matters and differs at the end of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Decisive {
    pub counter: Counter,
    /// Its value at the end of each run.
    pub left: u32,
    pub right: u32,
    /// The first moment on the shared timeline at which it differs (index into
    /// [`Lockstep::times`]), and that moment's time.
    pub index: usize,
    pub time_ms: u64,
}

/// How both runs end.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Each run's ledger at its last step.
    pub left: LedgerSummary,
    pub right: LedgerSummary,
    /// The counters that matter and differ at the end, in [`Counter::ALL`]'s order.
    pub decisive: Vec<Decisive>,
}

impl Outcome {
    /// The moment that caused the result: the earliest first difference among the decisive
    /// counters (the first named when two part at the same moment).
    pub fn moment(&self) -> Option<&Decisive> {
        self.decisive.iter().min_by_key(|d| d.index)
    }
}

fn side(doc: &ScenarioDoc, spec: &CompareSpec, value: &str) -> Result<Player, ScenarioError> {
    let mut doc = doc.clone();
    apply_setting_or_say(&mut doc, &spec.setting, value)?;
    doc.script.extend(spec.faults.iter().cloned());
    Player::load(doc)
}

/// The counters whose first difference marks the first moment two runs differ: all but
/// those that part on timing alone (pending, out of order, delivered, repeats stopped).
pub const WATCHED: [LedgerCounter; 12] = [
    counters::PRODUCED,
    counters::ACKNOWLEDGED,
    counters::VISIBLE,
    counters::LOST,
    counters::UNAVAILABLE,
    counters::FAILED,
    counters::DUPLICATED,
    counters::REDELIVERED,
    counters::CONSUMED,
    counters::PROCESSED,
    counters::STORE_DUPLICATES,
    counters::SKIPPED,
];

/// The counters that differ, "acknowledged 3 vs 0".
fn differences(a: &LedgerSummary, b: &LedgerSummary) -> Option<Text> {
    let differ: Vec<_> = WATCHED
        .iter()
        .map(|c| (c, c.of(a), c.of(b)))
        .filter(|(_, x, y)| x != y)
        .collect();
    if differ.is_empty() {
        return None;
    }
    Some(Text {
        en: differ
            .iter()
            .map(|(c, x, y)| format!("{} {x} vs {y}", c.en))
            .collect::<Vec<_>>()
            .join(", "),
        zh: differ
            .iter()
            .map(|(c, x, y)| format!("{} {x} 对 {y}", c.zh))
            .collect::<Vec<_>>()
            .join("，"),
    })
}

impl Lockstep {
    /// Both runs of the example, with the setting on each side; errors name what is wrong.
    pub fn new(example: &ScenarioDoc, spec: &CompareSpec) -> Result<Lockstep, ScenarioError> {
        if spec.left == spec.right {
            return Err(ScenarioError::new(
                "compare",
                "both sides have the same value: nothing to compare",
                "两边的取值相同：没有可比较的",
            ));
        }
        let left = side(example, spec, &spec.left)?;
        let right = side(example, spec, &spec.right)?;
        let mut times: Vec<u64> = (0..=left.total_steps())
            .map(|s| left.step_time_ms(s))
            .chain((0..=right.total_steps()).map(|s| right.step_time_ms(s)))
            .collect();
        times.sort_unstable();
        times.dedup();
        let mut lockstep = Lockstep {
            left,
            right,
            times,
            divergence: None,
            outcome: Outcome::default(),
        };
        (lockstep.divergence, lockstep.outcome) = lockstep.scan();
        lockstep.seek(0);
        Ok(lockstep)
    }

    /// The last step of `p` at or before `time_ms`.
    fn step_at(p: &Player, time_ms: u64) -> u64 {
        let (mut lo, mut hi) = (0, p.total_steps());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if p.step_time_ms(mid) <= time_ms {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    }

    /// Both players at the shared timeline's `index`.
    pub fn seek(&mut self, index: usize) {
        let time = self
            .times
            .get(index)
            .or(self.times.last())
            .copied()
            .unwrap_or(0);
        let l = Self::step_at(&self.left, time);
        let r = Self::step_at(&self.right, time);
        let _ = self.left.apply(Command::Seek(l));
        let _ = self.right.apply(Command::Seek(r));
    }

    /// One walk along the shared timeline on copies of both runs: the first moment any
    /// counter differs, and how the runs end with the first moment each counter that matters
    /// parts. A side's ledger is only read again when that side has moved.
    fn scan(&self) -> (Option<Divergence>, Outcome) {
        let mut a = self.left.clone();
        let mut b = self.right.clone();
        let (mut la, mut lb) = (u64::MAX, u64::MAX);
        let (mut ta, mut tb) = (LedgerSummary::default(), LedgerSummary::default());
        let mut divergence = None;
        let mut first: Vec<Option<(usize, u64)>> = vec![None; Counter::ALL.len()];
        for (index, &time_ms) in self.times.iter().enumerate() {
            let (sa, sb) = (Self::step_at(&a, time_ms), Self::step_at(&b, time_ms));
            if sa != la {
                let _ = a.apply(Command::Seek(sa));
                ta = a.frame().ledger;
                la = sa;
            }
            if sb != lb {
                let _ = b.apply(Command::Seek(sb));
                tb = b.frame().ledger;
                lb = sb;
            }
            if divergence.is_none() {
                divergence = differences(&ta, &tb).map(|what| Divergence {
                    index,
                    time_ms,
                    what,
                });
            }
            for (c, seen) in Counter::ALL.iter().zip(first.iter_mut()) {
                if seen.is_none() && c.of(&ta) != c.of(&tb) {
                    *seen = Some((index, time_ms));
                }
            }
        }
        let decisive = Counter::ALL
            .iter()
            .zip(&first)
            .filter_map(|(&counter, seen)| {
                let (left, right) = (counter.of(&ta), counter.of(&tb));
                let (index, time_ms) = (*seen)?;
                (left != right).then_some(Decisive {
                    counter,
                    left,
                    right,
                    index,
                    time_ms,
                })
            })
            .collect();
        let outcome = Outcome {
            left: ta,
            right: tb,
            decisive,
        };
        (divergence, outcome)
    }
}

/// A scripted kill -9 and restart of one node, for comparisons whose example leaves the
/// fault to the user.
pub fn kill_and_restart(node: &str, kill_at_ms: u64, restart_at_ms: u64) -> Vec<ScriptEntry> {
    vec![
        ScriptEntry {
            at_ms: Some(kill_at_ms),
            after_step: None,
            action: ActionDoc::Crash {
                node: node.to_string(),
            },
        },
        ScriptEntry {
            at_ms: Some(restart_at_ms),
            after_step: None,
            action: ActionDoc::Restart {
                node: node.to_string(),
            },
        },
    ]
}

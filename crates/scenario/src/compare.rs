//! Two runs of one scenario with one setting different, side by side: the same seed and the
//! same fault script, stepped in lockstep on simulated time, and the first moment their
//! ledgers differ (acks=1 answers before the followers have the record; later it loses it).

use crate::doc::{ActionDoc, ScenarioDoc, ScriptEntry};
use crate::error::ScenarioError;
use crate::frame::LedgerSummary;
use crate::i18n::Text;
use crate::lesson::condition::apply_setting_or_say;
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
}

fn side(doc: &ScenarioDoc, spec: &CompareSpec, value: &str) -> Result<Player, ScenarioError> {
    let mut doc = doc.clone();
    apply_setting_or_say(&mut doc, &spec.setting, value)?;
    doc.script.extend(spec.faults.iter().cloned());
    Player::load(doc)
}

/// The counters that differ, "acknowledged 3 vs 0".
fn differences(a: &LedgerSummary, b: &LedgerSummary) -> Option<Text> {
    let pairs = [
        ("acknowledged", "已确认", a.acknowledged, b.acknowledged),
        ("visible", "可读", a.visible, b.visible),
        ("lost", "丢失", a.lost, b.lost),
        ("unavailable", "不可用", a.unavailable, b.unavailable),
        ("failed", "失败", a.failed, b.failed),
        ("duplicated", "重复", a.duplicated, b.duplicated),
        ("consumed", "已消费", a.consumed, b.consumed),
        ("redelivered", "重复投递", a.redelivered, b.redelivered),
        ("processed", "已处理", a.processed, b.processed),
        (
            "store duplicates",
            "存储重复",
            a.store_duplicates,
            b.store_duplicates,
        ),
        ("skipped", "被跳过", a.skipped, b.skipped),
        ("produced", "已发送", a.produced, b.produced),
    ];
    let differ: Vec<_> = pairs.iter().filter(|(_, _, x, y)| x != y).collect();
    if differ.is_empty() {
        return None;
    }
    Some(Text {
        en: differ
            .iter()
            .map(|(en, _, x, y)| format!("{en} {x} vs {y}"))
            .collect::<Vec<_>>()
            .join(", "),
        zh: differ
            .iter()
            .map(|(_, zh, x, y)| format!("{zh} {x} 对 {y}"))
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
        };
        lockstep.divergence = lockstep.find_divergence();
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

    fn find_divergence(&self) -> Option<Divergence> {
        let mut a = self.left.clone();
        let mut b = self.right.clone();
        for (index, &time_ms) in self.times.iter().enumerate() {
            let _ = a.apply(Command::Seek(Self::step_at(&a, time_ms)));
            let _ = b.apply(Command::Seek(Self::step_at(&b, time_ms)));
            if let Some(what) = differences(&a.frame().ledger, &b.frame().ledger) {
                return Some(Divergence {
                    index,
                    time_ms,
                    what,
                });
            }
        }
        None
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

//! The reducer's part for the comparison page: two runs in lockstep on one shared timeline,
//! driven by the same player bar and keys as the sandbox.

use super::{bilingual, example_doc, AppState, View};
use super::{PlayerInput, Speed};
use crate::link_problem::{excerpt, LinkProblem};
use mqlab_scenario::compare::{kill_and_restart, CompareSpec, Divergence, Lockstep, Outcome};
use mqlab_scenario::doc::ScriptEntry;
use mqlab_scenario::frame::Frame;
use mqlab_scenario::{MarkKind, Text, TimelineMark};
use std::cell::RefCell;
use std::rc::Rc;

/// A ready-made comparison for the picker.
pub struct Preset {
    pub example: &'static str,
    pub setting: &'static str,
    pub left: &'static str,
    pub right: &'static str,
    pub title: (&'static str, &'static str),
}

pub const PRESETS: [Preset; 4] = [
    Preset {
        example: "kafka-acks1-leader-dies",
        setting: "acks",
        left: "1",
        right: "all",
        title: (
            "acks=1 vs acks=all through the same leader crash",
            "同一次 leader 崩溃下的 acks=1 与 acks=all",
        ),
    },
    Preset {
        example: "kafka-consumer-kill-before-commit",
        setting: "commit",
        left: "auto",
        right: "sync_before_process",
        title: (
            "Auto-commit vs commit before processing, the consumer killed",
            "消费者被杀：自动提交 与 先提交再处理",
        ),
    },
    Preset {
        example: "rabbitmq-single-node",
        setting: "persistent",
        left: "false",
        right: "true",
        title: (
            "Transient vs persistent messages through a node restart",
            "节点重启下的非持久消息与持久消息",
        ),
    },
    Preset {
        example: "rabbitmq-autoack-vs-manual",
        setting: "auto_ack",
        left: "true",
        right: "false",
        title: (
            "autoAck vs manual acks, the consumer killed",
            "消费者被杀：autoAck 与手动确认",
        ),
    },
];

/// Faults both sides get when the example leaves them to the user.
fn faults_for(example: &str) -> Vec<ScriptEntry> {
    match example {
        "rabbitmq-single-node" => kill_and_restart("rabbit-1", 2_500, 4_000),
        _ => Vec::new(),
    }
}

/// Real milliseconds between two shared-timeline steps while playing.
fn interval_ms(speed: Speed) -> f64 {
    match speed {
        Speed::Half => 200.0,
        Speed::One => 100.0,
        Speed::Two => 50.0,
        Speed::Four => 25.0,
        Speed::ByStep => 600.0,
    }
}

#[derive(Clone)]
pub struct CompareState {
    pub spec: Rc<CompareSpec>,
    lock: Rc<RefCell<Lockstep>>,
    /// Position on the shared timeline.
    pub index: usize,
    pub left: Rc<Frame>,
    pub right: Rc<Frame>,
    pub times: Rc<Vec<u64>>,
    pub divergence: Option<Divergence>,
    /// How both runs end, computed once when the comparison opens.
    pub outcome: Rc<Outcome>,
    pub marks: Rc<Vec<TimelineMark>>,
    since_ms: f64,
}

impl CompareState {
    pub fn last(&self) -> usize {
        self.times.len().saturating_sub(1)
    }

    fn seek(&mut self, index: usize) {
        self.index = index.min(self.last());
        let mut lock = self.lock.borrow_mut();
        lock.seek(self.index);
        self.left = Rc::new(lock.left.frame());
        self.right = Rc::new(lock.right.frame());
    }
}

impl AppState {
    /// Opens a comparison (the first preset when none is named) at a position of its
    /// timeline (past its end: the last one). One that cannot be run opens the preset of the
    /// example it names, else the first; each is added to `problems`.
    pub(super) fn open_compare(
        &mut self,
        spec: Option<(String, String, String, String)>,
        at: usize,
        problems: &mut Vec<LinkProblem>,
    ) {
        let preset = |p: &Preset| {
            (
                p.example.to_string(),
                p.setting.to_string(),
                p.left.to_string(),
                p.right.to_string(),
            )
        };
        let asked = spec.unwrap_or_else(|| preset(&PRESETS[0]));
        let (mut state, at) = match build(asked.clone()) {
            Ok(state) => (state, at),
            Err(why) => {
                let fallback = PRESETS
                    .iter()
                    .find(|p| p.example == asked.0)
                    .filter(|p| preset(p) != asked)
                    .unwrap_or(&PRESETS[0]);
                problems.push(LinkProblem::CompareInvalid {
                    why,
                    opened: fallback.example.to_string(),
                });
                match build(preset(fallback)) {
                    Ok(state) => (state, 0),
                    Err(why) => {
                        // A shipped preset that does not run: said as it is.
                        self.ui.notice = Some(why);
                        return;
                    }
                }
            }
        };
        state.seek(at);
        super::past_end(problems, at as u64, state.last() as u64);
        self.compare = Some(state);
        self.view = View::Compare;
        self.lesson = None;
        self.play.playing = false;
    }

    /// The player bar and keys, on the shared timeline.
    pub(super) fn compare_input(&mut self, input: PlayerInput) {
        let Some(c) = &mut self.compare else { return };
        let last = c.last();
        match input {
            PlayerInput::Start => c.seek(0),
            PlayerInput::Back => c.seek(c.index.saturating_sub(1)),
            PlayerInput::Forward => c.seek(c.index + 1),
            PlayerInput::End => c.seek(last),
            PlayerInput::Seek(step) => c.seek(step as usize),
            PlayerInput::PlayPause => {
                self.play.playing = !self.play.playing && c.index < last;
                c.since_ms = 0.0;
            }
            PlayerInput::Speed(speed) => self.play.speed = speed,
        }
        if c.index >= last {
            self.play.playing = false;
        }
    }

    pub(super) fn compare_tick(&mut self, tick_ms: f64) {
        let speed = self.play.speed;
        let Some(c) = &mut self.compare else { return };
        c.since_ms += tick_ms;
        let every = interval_ms(speed);
        if c.since_ms >= every {
            let steps = (c.since_ms / every) as usize;
            c.since_ms -= steps as f64 * every;
            c.seek(c.index + steps);
        }
        if c.index >= c.last() {
            self.play.playing = false;
        }
    }

    /// Jump to the first moment the two ledgers differ.
    pub(super) fn compare_to_divergence(&mut self) {
        let Some(c) = &mut self.compare else { return };
        if let Some(d) = c.divergence.clone() {
            c.seek(d.index);
            self.play.playing = false;
        }
    }
}

/// Both runs of a comparison, at the start of their timeline; why not, when they cannot run.
fn build(
    (example, setting, left, right): (String, String, String, String),
) -> Result<CompareState, Text> {
    let spec = CompareSpec {
        faults: faults_for(&example),
        example,
        setting,
        left,
        right,
    };
    let lock = match example_doc(&spec.example) {
        Some(doc) => Lockstep::new(&doc, &spec).map_err(|e| bilingual(&e))?,
        None => {
            return Err(Text {
                en: format!("there is no example `{}`", excerpt(&spec.example)),
                zh: format!("没有名为 `{}` 的示例", excerpt(&spec.example)),
            })
        }
    };
    let times = Rc::new(lock.times.clone());
    let divergence = lock.divergence.clone();
    let outcome = Rc::new(lock.outcome.clone());
    let mut marks: Vec<TimelineMark> = divergence
        .iter()
        .map(|d| TimelineMark {
            step: d.index as u64,
            time_ms: d.time_ms,
            kind: MarkKind::Fault,
            en: format!("first difference: {}", d.what.en),
            zh: format!("第一处不同：{}", d.what.zh),
        })
        .collect();
    if let Some(m) = outcome.moment() {
        if divergence.as_ref().map(|d| d.index) != Some(m.index) {
            let said = |lang| crate::i18n::outcome_moment(lang, m.counter, m.time_ms);
            marks.push(TimelineMark {
                step: m.index as u64,
                time_ms: m.time_ms,
                kind: MarkKind::Fault,
                en: format!("the moment that caused it: {}", said(crate::i18n::Lang::En)),
                zh: format!("造成结果的时刻：{}", said(crate::i18n::Lang::Zh)),
            });
        }
    }
    Ok(CompareState {
        spec: Rc::new(spec),
        lock: Rc::new(RefCell::new(lock)),
        index: 0,
        left: Rc::default(),
        right: Rc::default(),
        times,
        divergence,
        outcome,
        marks: Rc::new(marks),
        since_ms: 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::pages::compare::headline_text;
    use mqlab_scenario::compare::Counter;

    fn lockstep(p: &Preset) -> Lockstep {
        let spec = CompareSpec {
            example: p.example.into(),
            setting: p.setting.into(),
            left: p.left.into(),
            right: p.right.into(),
            faults: faults_for(p.example),
        };
        Lockstep::new(&example_doc(p.example).unwrap(), &spec).unwrap()
    }

    fn headline(p: &Preset, lang: Lang) -> String {
        let lock = lockstep(p);
        let rabbit = !lock.left.frame().queues.is_empty();
        headline_text(lang, (p.setting, p.left, p.right), &lock.outcome, rabbit)
    }

    #[test]
    fn every_preset_ends_with_a_difference_that_matters_said_in_words() {
        for p in &PRESETS {
            let lock = lockstep(p);
            let moment = lock.outcome.moment().expect("a decisive difference");
            assert!(moment.index > 0 && moment.index < lock.times.len());
            // The moment is when that counter first parts, not before.
            let mut at = lock.clone();
            at.seek(moment.index);
            let (l, r) = (at.left.frame().ledger, at.right.frame().ledger);
            assert_ne!(
                moment.counter.of(&l),
                moment.counter.of(&r),
                "{}",
                p.example
            );
            at.seek(moment.index - 1);
            let (l, r) = (at.left.frame().ledger, at.right.frame().ledger);
            assert_eq!(
                moment.counter.of(&l),
                moment.counter.of(&r),
                "{}",
                p.example
            );
            for lang in [Lang::En, Lang::Zh] {
                let h = headline(p, lang);
                println!("{}", h);
                assert!(h.contains(&format!("{}={}", p.setting, p.left)), "{h}");
                assert!(h.contains(&format!("{}={}", p.setting, p.right)), "{h}");
            }
        }
    }

    #[test]
    fn the_acks_headline_names_the_loss() {
        let p = &PRESETS[0];
        let o = lockstep(p).outcome;
        assert_eq!(o.decisive.len(), 1);
        let lost = &o.decisive[0];
        assert_eq!((lost.counter, lost.left, lost.right), (Counter::Lost, 5, 0));
        assert_eq!(
            headline(p, Lang::En),
            "How each run ends: acks=1: 5 acknowledged messages lost · acks=all: 0 lost"
        );
        assert_eq!(
            headline(p, Lang::Zh),
            "两次运行的结局：acks=1：5 条已确认的消息丢失 · acks=all：丢失 0 条"
        );
    }

    #[test]
    fn a_comparison_that_ends_alike_says_so() {
        let o = Outcome::default();
        assert_eq!(
            headline_text(Lang::En, ("acks", "all", "-1"), &o, false),
            "Both runs end alike: 0 lost, 0 never processed, 0 failed, 0 unavailable, 0 duplicated, 0 with duplicate rows, 0 out of order"
        );
        assert!(headline_text(Lang::Zh, ("acks", "all", "-1"), &o, false)
            .starts_with("两次运行结局相同：丢失 0 条"));
    }
}

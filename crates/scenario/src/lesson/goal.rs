//! A design challenge's goals, checked on the scenario as the learner has set it up: each
//! goal runs copies of the document (one per broker killed, or one with a setting changed)
//! and reads the ledger. Goals judge the design, so faults clicked on the stage (script
//! entries recorded `after_step`) are left out of every copy: a goal brings its own. Pure: a
//! document in, outcomes out; errors are outcomes too, so nothing here panics on any input.

use super::condition::{holds, measure, World};
use super::doc::{Condition, Goal, Measure, SettingChange};
use crate::doc::{ActionDoc, ScenarioDoc, ScriptEntry};
use crate::error::ScenarioError;
use crate::explore::{without_faults, Bounds, Explorer, Outcome, Property};
use crate::i18n::Text;
use crate::settings::apply_setting;
use crate::{Command, Player};

/// Whether a goal is met, and what the runs showed, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalOutcome {
    pub met: bool,
    pub detail: Text,
}

/// Every goal checked against the document (the scenario as the learner has set it up).
pub fn check_goals(goals: &[Goal], doc: &ScenarioDoc) -> Vec<GoalOutcome> {
    goals.iter().map(|g| check_goal(g, doc)).collect()
}

/// Are all the goals met?
pub fn all_met(goals: &[Goal], doc: &ScenarioDoc) -> bool {
    check_goals(goals, doc).iter().all(|o| o.met)
}

pub fn check_goal(goal: &Goal, doc: &ScenarioDoc) -> GoalOutcome {
    // A design that does not load meets nothing (and its broker count is not to be trusted).
    if let Err(e) = crate::validate::validate(&design(doc)) {
        return GoalOutcome {
            met: false,
            detail: load_error(&e),
        };
    }
    match goal {
        Goal::SurvivesBrokerFailure {
            crash_at_ms,
            restart_at_ms,
            expect,
            ..
        } => survives(doc, *crash_at_ms, *restart_at_ms, expect),
        Goal::Scales {
            measure: m,
            at_ms,
            baseline,
            factor,
            ..
        } => scales(doc, m, *at_ms, baseline, *factor),
        Goal::NoFailureFound {
            property,
            faults,
            moments,
            ..
        } => no_failure_found(doc, *property, *faults, *moments),
    }
}

/// The most runs a search goal makes: its schedules of one fault at a few moments are far
/// fewer, so the bound only stops a runaway design.
pub const GOAL_RUNS: u64 = 3000;

/// The counterexample search on the design without its scripted faults.
fn no_failure_found(
    doc: &ScenarioDoc,
    property: Property,
    faults: u32,
    moments: u32,
) -> GoalOutcome {
    let bounds = Bounds {
        faults,
        moments,
        runs: GOAL_RUNS,
    };
    let search = Explorer::new(without_faults(&design(doc)), property, bounds);
    match search.map(|mut x| x.run_to_end()) {
        Err(e) => GoalOutcome {
            met: false,
            detail: load_error(&e),
        },
        Ok(Outcome::Exhausted { summary, .. }) => GoalOutcome {
            met: true,
            detail: summary,
        },
        Ok(Outcome::Found(c)) => {
            let what = property.label();
            let victim = c.victim.clone().unwrap_or_default();
            let faults = joined(
                &c.faults.iter().map(|f| f.describe()).collect::<Vec<_>>(),
                "; ",
                "；",
            );
            GoalOutcome {
                met: false,
                detail: text(
                    format!("{}: {} ({victim})", faults.en, what.en),
                    format!("{}：{}（{victim}）", faults.zh, what.zh),
                ),
            }
        }
        // `run_to_end` never stops while searching.
        Ok(Outcome::Searching(_)) => GoalOutcome {
            met: false,
            detail: text("the search did not finish", "搜索没有结束"),
        },
    }
}

/// The brokers a survival goal kills one at a time: `broker-1` … of a Kafka cluster,
/// `rabbit-1` … of a RabbitMQ one.
pub fn brokers(doc: &ScenarioDoc) -> Vec<String> {
    match (&doc.kafka, &doc.rabbitmq) {
        (Some(k), _) => (1..=k.brokers).map(|b| format!("broker-{b}")).collect(),
        (None, Some(r)) => (1..=r.nodes).map(|n| format!("rabbit-{n}")).collect(),
        (None, None) => Vec::new(),
    }
}

/// The design a goal judges: the document without the faults clicked on the stage.
pub fn design(doc: &ScenarioDoc) -> ScenarioDoc {
    let mut d = doc.clone();
    d.script.retain(|e| e.after_step.is_none());
    d
}

/// The design with `broker` killed at `crash_at_ms` (and restarted at `restart_at_ms`).
pub fn with_broker_killed(
    doc: &ScenarioDoc,
    broker: &str,
    crash_at_ms: u64,
    restart_at_ms: Option<u64>,
) -> ScenarioDoc {
    let mut d = design(doc);
    let at = |ms: u64, action: ActionDoc| ScriptEntry {
        at_ms: Some(ms),
        after_step: None,
        action,
    };
    d.script.push(at(
        crash_at_ms,
        ActionDoc::Crash {
            node: broker.to_string(),
        },
    ));
    if let Some(ms) = restart_at_ms {
        d.script.push(at(
            ms,
            ActionDoc::Restart {
                node: broker.to_string(),
            },
        ));
    }
    d
}

fn text(en: impl Into<String>, zh: impl Into<String>) -> Text {
    Text {
        en: en.into(),
        zh: zh.into(),
    }
}

fn joined(parts: &[Text], en_sep: &str, zh_sep: &str) -> Text {
    text(
        parts
            .iter()
            .map(|t| t.en.as_str())
            .collect::<Vec<_>>()
            .join(en_sep),
        parts
            .iter()
            .map(|t| t.zh.as_str())
            .collect::<Vec<_>>()
            .join(zh_sep),
    )
}

/// Milliseconds as seconds: "3", "2.605".
fn secs(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        return (ms / 1000).to_string();
    }
    let s = format!("{}.{:03}", ms / 1000, ms % 1000);
    s.trim_end_matches('0').to_string()
}

fn number(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").unwrap_or(&s).to_string()
}

/// A measure's name, as the ledger panel calls it.
pub fn measure_label(m: &Measure) -> Text {
    match m {
        Measure::Ledger(c) => match crate::counters::by_key(c) {
            Some(counter) => text(counter.en, counter.zh),
            None => text(c.replace('_', " "), c),
        },
        Measure::StoreRows(s) => text(format!("rows in {s}"), format!("{s} 的行数")),
        Measure::StoreDistinct(s) => {
            text(format!("distinct keys in {s}"), format!("{s} 中不同的键"))
        }
        Measure::Traffic(link) => {
            let link = link.join(" → ");
            text(format!("messages {link}"), format!("{link} 的消息数"))
        }
        Measure::PublisherRate(p) => text(
            format!("{p}'s confirms per second"),
            format!("{p} 每秒的确认数"),
        ),
        Measure::AssignedPartitions(c) => {
            text(format!("partitions {c} owns"), format!("{c} 拥有的分区数"))
        }
        Measure::StoreInversions(s) => text(
            format!("rows out of order in {s}"),
            format!("{s} 中乱序的行"),
        ),
        Measure::QueueReady(q) => text(
            format!("messages waiting in {q}"),
            format!("{q} 中等待的消息"),
        ),
    }
}

/// The measures a condition compares, each once, in the order it names them.
fn measures_of(c: &Condition, out: &mut Vec<Measure>) {
    match c {
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| measures_of(c, out)),
        Condition::Not(c) => measures_of(c, out),
        Condition::Count { of, .. } if !out.contains(of) => out.push(of.clone()),
        _ => {}
    }
}

/// "acknowledged 40, lost 5".
fn values(ms: &[Measure], player: &Player) -> Text {
    let frame = player.frame();
    let parts: Vec<Text> = ms
        .iter()
        .map(|m| {
            let label = measure_label(m);
            let v = measure(m, &frame).map_or_else(|| "?".to_string(), |v| v.to_string());
            text(format!("{} {v}", label.en), format!("{} {v}", label.zh))
        })
        .collect();
    joined(&parts, ", ", "，")
}

fn load_error(e: &ScenarioError) -> Text {
    text(
        format!("the scenario does not run: {}", e.text(crate::Lang::En)),
        format!("场景无法运行：{}", e.text(crate::Lang::Zh)),
    )
}

/// Plays a copy to its end, or to the step at simulated time `at_ms`.
fn run(doc: ScenarioDoc, at_ms: Option<u64>) -> Result<Player, ScenarioError> {
    let mut p = Player::load(doc)?;
    let target = match at_ms {
        None => p.total_steps(),
        Some(ms) => {
            // The last step at or before `ms` (step times never go back).
            let (mut lo, mut hi) = (0, p.total_steps());
            while lo < hi {
                let mid = lo + (hi - lo).div_ceil(2);
                if p.step_time_ms(mid) <= ms {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            lo
        }
    };
    p.apply(Command::Seek(target))?;
    Ok(p)
}

fn survives(
    doc: &ScenarioDoc,
    crash_at_ms: u64,
    restart_at_ms: Option<u64>,
    expect: &Condition,
) -> GoalOutcome {
    let names = brokers(doc);
    if names.is_empty() {
        return GoalOutcome {
            met: false,
            detail: text("the scenario has no brokers", "场景中没有 broker"),
        };
    }
    let mut shown = Vec::new();
    measures_of(expect, &mut shown);
    let mut failed = Vec::new();
    let mut held = Vec::new();
    for b in &names {
        let when = match restart_at_ms {
            Some(r) => text(
                format!(
                    "kill -9 {b} at {} s, restarted at {} s",
                    secs(crash_at_ms),
                    secs(r)
                ),
                format!("{} 秒 kill -9 {b}，{} 秒重启", secs(crash_at_ms), secs(r)),
            ),
            None => text(
                format!("kill -9 {b} at {} s", secs(crash_at_ms)),
                format!("{} 秒 kill -9 {b}", secs(crash_at_ms)),
            ),
        };
        let variant = with_broker_killed(doc, b, crash_at_ms, restart_at_ms);
        let (ok, what) = match run(variant, None) {
            Err(e) => (false, load_error(&e)),
            Ok(p) => {
                let frame = p.frame();
                let ok = holds(
                    expect,
                    &World {
                        doc: p.doc(),
                        frame: &frame,
                        at_end: true,
                    },
                );
                let what = if shown.is_empty() {
                    if ok {
                        text("holds", "成立")
                    } else {
                        text("the requirement does not hold", "要求不成立")
                    }
                } else {
                    values(&shown, &p)
                };
                (ok, what)
            }
        };
        let line = text(
            format!("{}: {}", when.en, what.en),
            format!("{}：{}", when.zh, what.zh),
        );
        if ok {
            held.push(line);
        } else {
            failed.push(line);
        }
    }
    let n = names.len();
    if failed.is_empty() {
        let lines = joined(&held, "; ", "；");
        return GoalOutcome {
            met: true,
            detail: text(
                format!(
                    "Holds with each of the {n} brokers killed in turn. {}.",
                    lines.en
                ),
                format!("{n} 个 broker 轮流被杀，每次都满足要求。{}。", lines.zh),
            ),
        };
    }
    let lines = joined(&failed, "; ", "；");
    let k = failed.len();
    GoalOutcome {
        met: false,
        detail: text(
            format!(
                "Fails in {k} of {n} runs, one broker killed in each. {}.",
                lines.en
            ),
            format!(
                "{n} 次运行（每次杀一个 broker）中有 {k} 次不满足。{}。",
                lines.zh
            ),
        ),
    }
}

fn scales(
    doc: &ScenarioDoc,
    m: &Measure,
    at_ms: u64,
    baseline: &SettingChange,
    factor: f64,
) -> GoalOutcome {
    let fail = |detail: Text| GoalOutcome { met: false, detail };
    let doc = &design(doc);
    let mut base = doc.clone();
    if let Err(e) = apply_setting(&mut base, &baseline.setting, &baseline.value) {
        return fail(text(
            format!("the baseline cannot be set up: {e}"),
            format!("无法设置对照组：{e}"),
        ));
    }
    let read = |d: ScenarioDoc| -> Result<i64, Text> {
        let p = run(d, Some(at_ms)).map_err(|e| load_error(&e))?;
        measure(m, &p.frame())
            .ok_or_else(|| text("the scenario has no such measure", "场景中没有这个度量"))
    };
    let (now, then) = match (read(doc.clone()), read(base)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let label = measure_label(m);
    let setting = format!("{} = {}", baseline.setting, baseline.value);
    let t = secs(at_ms);
    let ratio = if then > 0 {
        let r = now as f64 / then as f64;
        text(format!("{} times", number(r)), format!("{} 倍", number(r)))
    } else {
        text("more than nothing", "从无到有")
    };
    let met = now > then && now as f64 >= factor * then as f64;
    let want = number(factor);
    GoalOutcome {
        met,
        detail: text(
            format!(
                "{} by {t} s: {now} with this design, {then} with {setting}: {} (needs {want} times).",
                label.en, ratio.en
            ),
            format!(
                "{t} 秒时{}：当前设计 {now}，{setting} 时 {then}：{}（要求 {want} 倍）。",
                label.zh, ratio.zh
            ),
        ),
    }
}

//! Stage two of loading a lesson: every step checked against the lesson's scenario, so a
//! condition names only nodes, partitions, queues, stores, counters and settings that exist.

use super::doc::{Condition, Goal, LessonDoc, Measure, SettingChange, StepDoc};
use crate::counters;
use crate::doc::{ActionDoc, ScenarioDoc};
use crate::error::ScenarioError;
use crate::i18n::Text;
use crate::settings::{apply_setting, setting};
use crate::Player;

/// A validated lesson and the scenario it starts from.
#[derive(Clone, Debug)]
pub struct Lesson {
    pub doc: LessonDoc,
    pub scenario: ScenarioDoc,
}

#[cfg(feature = "shipped-lessons")]
const SOURCES: [(&str, &str); 18] = [
    ("backlog", include_str!("../../../../lessons/backlog.json")),
    (
        "backlog-full-queue",
        include_str!("../../../../lessons/backlog-full-queue.json"),
    ),
    (
        "ordering",
        include_str!("../../../../lessons/ordering.json"),
    ),
    (
        "kafka-ordering",
        include_str!("../../../../lessons/kafka-ordering.json"),
    ),
    (
        "kafka-consumer-loss",
        include_str!("../../../../lessons/kafka-consumer-loss.json"),
    ),
    (
        "rabbitmq-single-node",
        include_str!("../../../../lessons/rabbitmq-single-node.json"),
    ),
    (
        "rabbitmq-broker-loss",
        include_str!("../../../../lessons/rabbitmq-broker-loss.json"),
    ),
    (
        "rabbitmq-classic-cluster",
        include_str!("../../../../lessons/rabbitmq-classic-cluster.json"),
    ),
    (
        "rabbitmq-mirrored-queues",
        include_str!("../../../../lessons/rabbitmq-mirrored-queues.json"),
    ),
    (
        "rabbitmq-transactions-vs-confirms",
        include_str!("../../../../lessons/rabbitmq-transactions-vs-confirms.json"),
    ),
    (
        "kafka-high-availability",
        include_str!("../../../../lessons/kafka-high-availability.json"),
    ),
    (
        "kafka-eligible-leader-replicas",
        include_str!("../../../../lessons/kafka-eligible-leader-replicas.json"),
    ),
    (
        "kafka-duplicate-consumption",
        include_str!("../../../../lessons/kafka-duplicate-consumption.json"),
    ),
    (
        "idempotent-consumers",
        include_str!("../../../../lessons/idempotent-consumers.json"),
    ),
    (
        "kafka-exactly-once",
        include_str!("../../../../lessons/kafka-exactly-once.json"),
    ),
    (
        "rabbitmq-consumer-loss",
        include_str!("../../../../lessons/rabbitmq-consumer-loss.json"),
    ),
    (
        "kafka-producer-loss",
        include_str!("../../../../lessons/kafka-producer-loss.json"),
    ),
    (
        "design-an-mq",
        include_str!("../../../../lessons/design-an-mq.json"),
    ),
];

#[cfg(feature = "shipped-lessons")]
pub fn lesson_sources() -> &'static [(&'static str, &'static str)] {
    &SOURCES
}

#[cfg(feature = "shipped-lessons")]
/// Every shipped lesson as its file spells it, unchecked against its scenario: enough for the
/// lesson map, without playing every lesson's scenario at page load.
pub fn lesson_docs() -> Vec<LessonDoc> {
    SOURCES
        .iter()
        .filter_map(|(_, text)| LessonDoc::parse(text).ok())
        .collect()
}

#[cfg(feature = "shipped-lessons")]
/// Every shipped lesson that parses and validates (the tests make sure all of them do).
pub fn lessons() -> Vec<Lesson> {
    SOURCES
        .iter()
        .filter_map(|(_, text)| LessonDoc::parse(text).ok())
        .filter_map(|doc| validate_lesson(&doc).ok())
        .collect()
}

fn err(field: impl Into<String>, en: impl Into<String>, zh: impl Into<String>) -> ScenarioError {
    ScenarioError::new(field, en, zh)
}

fn text(field: &str, t: &Text) -> Result<(), ScenarioError> {
    if t.en.trim().is_empty() || t.zh.trim().is_empty() {
        return Err(err(
            field,
            "needs both an English (en) and a Chinese (zh) text",
            "需要英文 (en) 和中文 (zh) 两种文字",
        ));
    }
    Ok(())
}

/// What a scenario offers a lesson to name.
struct Names {
    nodes: Vec<String>,
    leaders: Vec<String>,
    queues: Vec<String>,
    stores: Vec<String>,
    publishers: Vec<String>,
    consumers: Vec<String>,
}

fn names(player: &Player) -> Names {
    let f = player.frame();
    Names {
        nodes: f.nodes.iter().map(|n| n.name.clone()).collect(),
        leaders: f
            .partitions
            .iter()
            .map(|p| p.name.clone())
            .chain(f.queues.iter().map(|q| q.name.clone()))
            .collect(),
        queues: f.queues.iter().map(|q| q.name.clone()).collect(),
        stores: f.stores.iter().map(|s| s.name.clone()).collect(),
        publishers: f.publishers.iter().map(|p| p.name.clone()).collect(),
        consumers: f.consumers.iter().map(|c| c.name.clone()).collect(),
    }
}

fn unknown(field: &str, what: &str, name: &str) -> ScenarioError {
    err(
        field,
        format!("the scenario has no {what} named \"{name}\""),
        format!("场景中没有名为 \"{name}\" 的{what}"),
    )
}

fn check_measure(field: &str, m: &Measure, n: &Names) -> Result<(), ScenarioError> {
    match m {
        Measure::Ledger(c) if counters::by_key(c).is_none() => Err(err(
            field,
            format!("no ledger counter \"{c}\" (one of {})", counter_keys()),
            format!("没有账本计数 \"{c}\"（可用：{}）", counter_keys()),
        )),
        Measure::QueueReady(q) if !n.queues.contains(q) => Err(unknown(field, "queue", q)),
        Measure::StoreRows(s) | Measure::StoreDistinct(s) | Measure::StoreInversions(s)
            if !n.stores.contains(s) =>
        {
            Err(unknown(field, "store", s))
        }
        Measure::Traffic(link) if link.len() != 2 => Err(err(
            field,
            "traffic names two nodes: [from, to]",
            "traffic 需要两个节点：[from, to]",
        )),
        Measure::Traffic(link) => match link.iter().find(|name| !n.nodes.contains(name)) {
            Some(name) => Err(unknown(field, "node", name)),
            None => Ok(()),
        },
        Measure::PublisherRate(p) if !n.publishers.contains(p) => {
            Err(unknown(field, "publisher", p))
        }
        Measure::AssignedPartitions(c) if !n.consumers.contains(c) => {
            Err(unknown(field, "group consumer", c))
        }
        _ => Ok(()),
    }
}

fn check_condition(
    field: &str,
    c: &Condition,
    n: &Names,
    doc: &ScenarioDoc,
) -> Result<(), ScenarioError> {
    match c {
        Condition::All(cs) | Condition::Any(cs) => {
            for (i, c) in cs.iter().enumerate() {
                check_condition(&format!("{field}[{i}]"), c, n, doc)?;
            }
            Ok(())
        }
        Condition::Not(c) => check_condition(field, c, n, doc),
        Condition::Node { name, .. } if !n.nodes.contains(name) => {
            Err(unknown(field, "node", name))
        }
        Condition::Count { of, .. } => check_measure(field, of, n),
        Condition::Leader { of, is, not } => {
            if !n.leaders.contains(of) {
                return Err(unknown(field, "partition or queue", of));
            }
            for name in [is, not].into_iter().flatten() {
                if name != "none" && !n.nodes.contains(name) {
                    return Err(unknown(field, "node", name));
                }
            }
            Ok(())
        }
        Condition::Queue { name, .. } if !n.queues.contains(name) => {
            Err(unknown(field, "queue", name))
        }
        Condition::Setting { name, .. } if setting(doc, name).is_none() => {
            Err(unknown(field, "setting", name))
        }
        _ => Ok(()),
    }
}

fn action_nodes(a: &ActionDoc) -> Vec<&String> {
    match a {
        ActionDoc::Crash { node }
        | ActionDoc::PowerLoss { node, .. }
        | ActionDoc::Stop { node }
        | ActionDoc::Restart { node }
        | ActionDoc::Isolate { node }
        | ActionDoc::Reconnect { node } => vec![node],
        ActionDoc::CutLink { a, b }
        | ActionDoc::HealLink { a, b }
        | ActionDoc::SlowLink { a, b, .. } => vec![a, b],
        ActionDoc::Partition { left, right } => left.iter().chain(right).collect(),
        ActionDoc::Produce { producer, .. } => vec![producer],
        ActionDoc::Publish { publisher, .. } => vec![publisher],
        _ => Vec::new(),
    }
}

/// A setting change the scenario can take: the setting exists, the value is one of its
/// values, and the scenario still loads with it.
fn check_change(
    field: &str,
    change: &SettingChange,
    doc: &mut ScenarioDoc,
) -> Result<(), ScenarioError> {
    let SettingChange {
        setting: name,
        value,
    } = change;
    if setting(doc, name).is_none() {
        return Err(err(
            field,
            format!("the scenario has no setting named \"{name}\""),
            format!("场景中没有名为 \"{name}\" 的设置"),
        ));
    }
    apply_setting(doc, name, value).map_err(|_| {
        err(
            field,
            format!("\"{value}\" is not a value of {name}"),
            format!("\"{value}\" 不是 {name} 的有效取值"),
        )
    })
}

fn does_not_load(field: &str, e: &ScenarioError) -> ScenarioError {
    err(
        field,
        format!("the scenario does not load with it: {e}"),
        format!("改了之后场景无法加载：{}", e.text(crate::Lang::Zh)),
    )
}

/// A challenge: goals that name what the scenario has, at times within it, and a solution
/// the scenario loads with.
fn check_challenge(
    i: usize,
    goals: &[Goal],
    solution: &[SettingChange],
    n: &Names,
    scenario: &ScenarioDoc,
) -> Result<(), ScenarioError> {
    let within = |field: String, ms: u64| {
        if ms == 0 || ms >= scenario.duration_ms {
            return Err(err(
                field,
                format!(
                    "{ms} ms is not within the scenario (it lasts {} ms)",
                    scenario.duration_ms
                ),
                format!(
                    "{ms} 毫秒不在场景时间之内（场景共 {} 毫秒）",
                    scenario.duration_ms
                ),
            ));
        }
        Ok(())
    };
    if goals.is_empty() {
        return Err(err(
            format!("steps[{i}].goals"),
            "a challenge needs goals",
            "挑战步骤至少需要一个目标",
        ));
    }
    for (j, goal) in goals.iter().enumerate() {
        let f = |name: &str| format!("steps[{i}].goals[{j}].{name}");
        text(&f("text"), goal.text())?;
        match goal {
            Goal::SurvivesBrokerFailure {
                crash_at_ms,
                restart_at_ms,
                expect,
                ..
            } => {
                if super::goal::brokers(scenario).is_empty() {
                    return Err(err(
                        f("kind"),
                        "the scenario has no brokers to kill",
                        "场景中没有可以杀掉的 broker",
                    ));
                }
                within(f("crash_at_ms"), *crash_at_ms)?;
                if let Some(r) = restart_at_ms {
                    within(f("restart_at_ms"), *r)?;
                    if r <= crash_at_ms {
                        return Err(err(
                            f("restart_at_ms"),
                            "the restart must come after the crash",
                            "重启必须在崩溃之后",
                        ));
                    }
                }
                check_condition(&f("expect"), expect, n, scenario)?;
            }
            Goal::NoFailureFound {
                faults, moments, ..
            } => {
                // A goal is checked on a button press in the page: a few moments, few faults.
                for (name, value, max) in [("faults", *faults, 2), ("moments", *moments, 20)] {
                    if !(1..=max).contains(&value) {
                        return Err(err(
                            f(name),
                            format!("must be between 1 and {max} (a goal's search runs on a click), got {value}"),
                            format!("必须在 1 到 {max} 之间（目标的搜索在点击时运行），实际为 {value}"),
                        ));
                    }
                }
            }
            Goal::Scales {
                measure,
                at_ms,
                baseline,
                factor,
                ..
            } => {
                check_measure(&f("measure"), measure, n)?;
                within(f("at_ms"), *at_ms)?;
                let mut base = scenario.clone();
                check_change(&f("baseline"), baseline, &mut base)?;
                Player::load(base).map_err(|e| does_not_load(&f("baseline"), &e))?;
                if !factor.is_finite() || *factor < 1.0 {
                    return Err(err(
                        f("factor"),
                        format!("{factor} is not a factor of growth (a number ≥ 1)"),
                        format!("{factor} 不是增长倍数（应为 ≥ 1 的数）"),
                    ));
                }
            }
        }
    }
    if solution.is_empty() {
        return Err(err(
            format!("steps[{i}].solution"),
            "a challenge needs a solution (the settings that meet its goals)",
            "挑战步骤需要给出解法（满足目标的设置）",
        ));
    }
    let mut solved = scenario.clone();
    for (j, change) in solution.iter().enumerate() {
        check_change(&format!("steps[{i}].solution[{j}]"), change, &mut solved)?;
    }
    Player::load(solved).map_err(|e| does_not_load(&format!("steps[{i}].solution"), &e))?;
    Ok(())
}

/// Check a lesson against its scenario; returns the lesson with the scenario document.
pub fn validate_lesson(doc: &LessonDoc) -> Result<Lesson, ScenarioError> {
    if doc.id.trim().is_empty() {
        return Err(err("id", "must not be empty", "不能为空"));
    }
    text("title", &doc.title)?;
    text("summary", &doc.summary)?;
    let scenario = crate::examples()
        .into_iter()
        .find(|e| e.id == doc.scenario)
        .map(|e| e.doc)
        .ok_or_else(|| {
            err(
                "scenario",
                format!("no shipped example named \"{}\"", doc.scenario),
                format!("没有名为 \"{}\" 的示例场景", doc.scenario),
            )
        })?;
    let player = Player::load(scenario.clone())?;
    let n = names(&player);
    if doc.steps.is_empty() {
        return Err(err("steps", "a lesson needs steps", "课程至少需要一个步骤"));
    }
    for (i, step) in doc.steps.iter().enumerate() {
        let f = |name: &str| format!("steps[{i}].{name}");
        match step {
            StepDoc::Narrate { title, text: t } => {
                text(&f("title"), title)?;
                text(&f("text"), t)?;
            }
            StepDoc::Play { text: t, until } => {
                text(&f("text"), t)?;
                if let Some(c) = until {
                    check_condition(&f("until"), c, &n, &scenario)?;
                }
            }
            StepDoc::Act {
                text: t,
                hint,
                done,
                solution,
            } => {
                text(&f("text"), t)?;
                text(&f("hint"), hint)?;
                check_condition(&f("done"), done, &n, &scenario)?;
                if solution.is_empty() {
                    return Err(err(
                        f("solution"),
                        "an act step needs a solution (what does it)",
                        "操作步骤需要给出解法",
                    ));
                }
                for (j, a) in solution.iter().enumerate() {
                    for name in action_nodes(a) {
                        if !n.nodes.contains(name) {
                            return Err(unknown(
                                &format!("steps[{i}].solution[{j}]"),
                                "node",
                                name,
                            ));
                        }
                    }
                }
            }
            StepDoc::Switch {
                text: t,
                hint,
                setting: name,
                value,
            } => {
                text(&f("text"), t)?;
                text(&f("hint"), hint)?;
                let mut changed = scenario.clone();
                apply_setting(&mut changed, name, value)
                    .map_err(|e| err(f("setting"), e.clone(), e))?;
                Player::load(changed).map_err(|e| {
                    err(
                        f("value"),
                        format!("the scenario does not load with it: {e}"),
                        format!("改了之后场景无法加载：{}", e.zh),
                    )
                })?;
            }
            StepDoc::Choose {
                text: t,
                choices,
                answer,
                explain,
                check,
            } => {
                text(&f("text"), t)?;
                text(&f("explain"), explain)?;
                if choices.len() < 2 {
                    return Err(err(
                        f("choices"),
                        "needs at least two choices",
                        "至少需要两个选项",
                    ));
                }
                for (j, c) in choices.iter().enumerate() {
                    text(&format!("steps[{i}].choices[{j}]"), c)?;
                }
                if *answer >= choices.len() {
                    return Err(err(
                        f("answer"),
                        format!("{answer} is not one of the {} choices", choices.len()),
                        format!("{answer} 不在 {} 个选项之中", choices.len()),
                    ));
                }
                check_condition(&f("check"), check, &n, &scenario)?;
            }
            StepDoc::Estimate {
                text: t,
                measure,
                explain,
                ..
            } => {
                text(&f("text"), t)?;
                text(&f("explain"), explain)?;
                check_measure(&f("measure"), measure, &n)?;
            }
            StepDoc::Check {
                text: t,
                expect,
                hint,
            } => {
                text(&f("text"), t)?;
                text(&f("hint"), hint)?;
                check_condition(&f("expect"), expect, &n, &scenario)?;
            }
            StepDoc::Challenge {
                text: t,
                hint,
                goals,
                solution,
            } => {
                text(&f("text"), t)?;
                text(&f("hint"), hint)?;
                check_challenge(i, goals, solution, &n, &scenario)?;
            }
        }
    }
    if doc.answer.is_empty() {
        return Err(err(
            "answer",
            "a lesson ends with the points an interviewer expects",
            "课程最后需要给出面试官期望的要点",
        ));
    }
    for (i, p) in doc.answer.iter().enumerate() {
        text(&format!("answer[{i}].text"), &p.text)?;
        if p.step >= doc.steps.len() {
            return Err(err(
                format!("answer[{i}].step"),
                format!("there is no step {}", p.step),
                format!("没有第 {} 步", p.step),
            ));
        }
    }
    Ok(Lesson {
        doc: doc.clone(),
        scenario,
    })
}

/// The counters a lesson can name, for an error message.
fn counter_keys() -> String {
    counters::ALL.map(|c| c.key).join(", ")
}

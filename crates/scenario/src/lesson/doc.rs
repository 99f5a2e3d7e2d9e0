//! A lesson file exactly as JSON spells it. Nothing here is trusted; `validate` checks it.

use crate::doc::tagged;
use crate::doc::ActionDoc;
use crate::error::ScenarioError;
use crate::i18n::Text;
use crate::read::{self, named, Field, Res};
use crate::write::{self, Json};
use serde_json::Value;

/// The interview question a lesson belongs to, in the order the home page lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Question {
    HighAvailability,
    DuplicateConsumption,
    Idempotency,
    MessageLoss,
    Ordering,
    Backlog,
    Design,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LessonDoc {
    pub id: String,
    pub question: Question,
    /// Position within its question.
    pub order: u32,
    pub title: Text,
    pub summary: Text,
    /// The shipped example the lesson starts from.
    pub scenario: String,
    pub steps: Vec<StepDoc>,
    /// The points an interviewer expects, each tied to a step the learner has seen.
    pub answer: Vec<AnswerPoint>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AnswerPoint {
    pub text: Text,
    /// The step (0-based) that showed it.
    pub step: usize,
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub enum StepDoc {
    /// Read: the concept, the question.
    Narrate { title: Text, text: Text },
    /// Play the scenario on, to its end or until the world shows `until`.
    Play {
        text: Text,
        until: Option<Condition>,
    },
    /// Do something on the stage; the step is done when the world shows `done`. `solution`
    /// is what does it (the "show me" button, and the tests).
    Act {
        text: Text,
        hint: Text,
        done: Condition,
        solution: Vec<ActionDoc>,
    },
    /// Change a setting; done when the document has it.
    Switch {
        text: Text,
        hint: Text,
        setting: String,
        value: String,
    },
    /// Predict one of several outcomes, then play and see. `check` must hold at the end of the
    /// trace exactly when `answer` is right: the tests verify the lesson against the model.
    Choose {
        text: Text,
        choices: Vec<Text>,
        answer: usize,
        explain: Text,
        check: Condition,
    },
    /// Predict a number, then play and see: `measure` at the end of the trace is the answer.
    Estimate {
        text: Text,
        measure: Measure,
        answer: i64,
        explain: Text,
    },
    /// The world must show `expect` before the lesson goes on.
    Check {
        text: Text,
        expect: Condition,
        hint: Text,
    },
    /// A design challenge: the learner changes settings (the settings panel) until every goal
    /// holds on the scenario as it now stands (`goal::check_goals`). `solution` is a set of
    /// settings that meets them, applied in order ("show me", and the tests).
    Challenge {
        text: Text,
        hint: Text,
        goals: Vec<Goal>,
        solution: Vec<SettingChange>,
    },
}

/// A setting and the value to give it, as a switch step names them: `{"setting": "acks",
/// "value": "all"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingChange {
    pub setting: String,
    pub value: String,
}

/// What a challenge asks of the design, checked by running copies of the scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Goal {
    /// For every broker (Kafka broker or RabbitMQ node) of the scenario, a copy with that
    /// broker killed (kill -9) at `crash_at_ms`, and restarted at `restart_at_ms` if given, is
    /// played to its end: `expect` must hold at the end of every copy.
    SurvivesBrokerFailure {
        text: Text,
        crash_at_ms: u64,
        restart_at_ms: Option<u64>,
        expect: Condition,
    },
    /// `measure` at simulated time `at_ms` must be at least `factor` times (and more than)
    /// what the same scenario shows with `baseline`'s setting: records processed by 6 s with
    /// the learner's partitions against one partition.
    Scales {
        text: Text,
        measure: Measure,
        at_ms: u64,
        baseline: SettingChange,
        factor: f64,
    },
    /// The counterexample search (`explore`) on the design, without its scripted faults,
    /// finds no schedule of up to `faults` faults at `moments` moments that breaks
    /// `property`: "no single fault, anywhere, loses an acknowledged order".
    NoFailureFound {
        text: Text,
        property: crate::explore::Property,
        faults: u32,
        moments: u32,
    },
}

impl Goal {
    /// What the goal asks, in words.
    pub fn text(&self) -> &Text {
        match self {
            Goal::SurvivesBrokerFailure { text, .. }
            | Goal::Scales { text, .. }
            | Goal::NoFailureFound { text, .. } => text,
        }
    }
}

/// A number read from the world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Measure {
    /// A ledger counter: produced, acknowledged, lost, store_duplicates, …
    Ledger(String),
    /// Rows in a downstream store.
    StoreRows(String),
    /// Distinct keys in a downstream store.
    StoreDistinct(String),
    /// Messages delivered so far from one node to another: `["rabbit-1", "rabbit-2"]`.
    Traffic(Vec<String>),
    /// A RabbitMQ publisher's confirmed messages per second.
    PublisherRate(String),
    /// Messages ready (waiting, not yet delivered) in a RabbitMQ queue: its backlog.
    QueueReady(String),
    /// Rows of a store written out of order: rows whose key number ("order-7") is smaller
    /// than the row before's, among keys with the same prefix.
    StoreInversions(String),
    /// How many partitions a consumer of a group owns now (0: it sits idle).
    AssignedPartitions(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    pub fn test(self, a: i64, b: i64) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Lt => a < b,
            Op::Le => a <= b,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeIs {
    Up,
    /// Crashed or stopped.
    Down,
    Crashed,
    Stopped,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueIs {
    Available,
    Down,
    Deleted,
}

/// What the world must show.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// A node (broker, client) is up or down.
    Node {
        name: String,
        is: NodeIs,
    },
    /// A number compared: `{"count": {"of": {"ledger": "lost"}, "op": ">", "value": 0}}`.
    Count {
        of: Measure,
        op: Op,
        value: i64,
    },
    /// Who leads a Kafka partition ("orders-0") or a RabbitMQ queue; `is` or `not` a node
    /// name, or "none" (offline / unavailable).
    Leader {
        of: String,
        is: Option<String>,
        not: Option<String>,
    },
    /// A RabbitMQ queue's availability.
    Queue {
        name: String,
        is: QueueIs,
    },
    /// A setting of the scenario has this value.
    Setting {
        name: String,
        value: String,
    },
    /// The player is at the end of the trace.
    AtEnd(bool),
    /// Simulated time has reached this many milliseconds.
    TimeAtLeast(u64),
}

named!(Question {
    "high_availability" => HighAvailability,
    "duplicate_consumption" => DuplicateConsumption,
    "idempotency" => Idempotency,
    "message_loss" => MessageLoss,
    "ordering" => Ordering,
    "backlog" => Backlog,
    "design" => Design,
});
named!(Op { "==" => Eq, "!=" => Ne, ">" => Gt, ">=" => Ge, "<" => Lt, "<=" => Le });
named!(NodeIs { "up" => Up, "down" => Down, "crashed" => Crashed, "stopped" => Stopped });
named!(QueueIs { "available" => Available, "down" => Down, "deleted" => Deleted });

impl LessonDoc {
    /// A lesson from its JSON text: a syntax error names its line and column, anything else
    /// the field (`steps[2].done.count.op`).
    pub fn parse(text: &str) -> Result<LessonDoc, ScenarioError> {
        read::parse(text, Self::read)
    }

    pub fn from_value(value: &Value) -> Result<LessonDoc, ScenarioError> {
        Self::read(Field::new("", value))
    }

    pub fn read(f: Field<'_>) -> Res<LessonDoc> {
        let o = f.obj(&[
            "id", "question", "order", "title", "summary", "scenario", "steps", "answer",
        ])?;
        Ok(LessonDoc {
            id: o.req("id", |f| f.string())?,
            question: o.req("question", |f| f.name())?,
            order: o.req("order", |f| f.u32())?,
            title: o.req("title", |f| f.text())?,
            summary: o.req("summary", |f| f.text())?,
            scenario: o.req("scenario", |f| f.string())?,
            steps: o.req("steps", |f| f.list(StepDoc::read))?,
            answer: o.req("answer", |f| f.list(AnswerPoint::read))?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("id", &self.id)
            .put("question", write::name(self.question))
            .put("order", self.order)
            .put("title", &self.title)
            .put("summary", &self.summary)
            .put("scenario", &self.scenario)
            .put("steps", write::list(&self.steps, StepDoc::write))
            .put("answer", write::list(&self.answer, AnswerPoint::write))
            .done()
    }

    pub fn to_value(&self) -> Value {
        self.write().into_value()
    }
}

impl AnswerPoint {
    pub fn read(f: Field<'_>) -> Res<AnswerPoint> {
        let o = f.obj(&["text", "step"])?;
        Ok(AnswerPoint {
            text: o.req("text", |f| f.text())?,
            step: o.req("step", |f| f.usize())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("text", &self.text)
            .put("step", self.step)
            .done()
    }
}

const STEPS: &[(&str, &[&str])] = &[
    ("narrate", &["title", "text"]),
    ("play", &["text", "until"]),
    ("act", &["text", "hint", "done", "solution"]),
    ("switch", &["text", "hint", "setting", "value"]),
    ("choose", &["text", "choices", "answer", "explain", "check"]),
    ("estimate", &["text", "measure", "answer", "explain"]),
    ("check", &["text", "expect", "hint"]),
    ("challenge", &["text", "hint", "goals", "solution"]),
];

impl StepDoc {
    pub fn read(f: Field<'_>) -> Res<StepDoc> {
        let o = f.open()?;
        let kind = tagged(&o, "kind", STEPS, &[])?;
        let text = |key: &str| o.req(key, |f| f.text());
        let s = |key: &str| o.req(key, |f| f.string());
        Ok(match kind {
            "narrate" => StepDoc::Narrate {
                title: text("title")?,
                text: text("text")?,
            },
            "play" => StepDoc::Play {
                text: text("text")?,
                until: o.opt("until", Condition::read)?,
            },
            "act" => StepDoc::Act {
                text: text("text")?,
                hint: text("hint")?,
                done: o.req("done", Condition::read)?,
                solution: o.req("solution", |f| f.list(crate::doc::ActionDoc::read))?,
            },
            "switch" => StepDoc::Switch {
                text: text("text")?,
                hint: text("hint")?,
                setting: s("setting")?,
                value: s("value")?,
            },
            "choose" => StepDoc::Choose {
                text: text("text")?,
                choices: o.req("choices", |f| f.list(|f| f.text()))?,
                answer: o.req("answer", |f| f.usize())?,
                explain: text("explain")?,
                check: o.req("check", Condition::read)?,
            },
            "estimate" => StepDoc::Estimate {
                text: text("text")?,
                measure: o.req("measure", Measure::read)?,
                answer: o.req("answer", |f| f.i64())?,
                explain: text("explain")?,
            },
            "check" => StepDoc::Check {
                text: text("text")?,
                expect: o.req("expect", Condition::read)?,
                hint: text("hint")?,
            },
            _ => StepDoc::Challenge {
                text: text("text")?,
                hint: text("hint")?,
                goals: o.req("goals", |f| f.list(Goal::read))?,
                solution: o.req("solution", |f| f.list(SettingChange::read))?,
            },
        })
    }

    pub fn write(&self) -> Json {
        let o = write::Obj::new();
        match self {
            StepDoc::Narrate { title, text } => o
                .put("kind", "narrate")
                .put("title", title)
                .put("text", text),
            StepDoc::Play { text, until } => o
                .put("kind", "play")
                .put("text", text)
                .opt("until", until.as_ref().map(Condition::write)),
            StepDoc::Act {
                text,
                hint,
                done,
                solution,
            } => o
                .put("kind", "act")
                .put("text", text)
                .put("hint", hint)
                .put("done", done.write())
                .put(
                    "solution",
                    write::list(solution, crate::doc::ActionDoc::write),
                ),
            StepDoc::Switch {
                text,
                hint,
                setting,
                value,
            } => o
                .put("kind", "switch")
                .put("text", text)
                .put("hint", hint)
                .put("setting", setting)
                .put("value", value),
            StepDoc::Choose {
                text,
                choices,
                answer,
                explain,
                check,
            } => o
                .put("kind", "choose")
                .put("text", text)
                .put("choices", write::list(choices, |t| Json::from(t)))
                .put("answer", *answer)
                .put("explain", explain)
                .put("check", check.write()),
            StepDoc::Estimate {
                text,
                measure,
                answer,
                explain,
            } => o
                .put("kind", "estimate")
                .put("text", text)
                .put("measure", measure.write())
                .put("answer", *answer)
                .put("explain", explain),
            StepDoc::Check { text, expect, hint } => o
                .put("kind", "check")
                .put("text", text)
                .put("expect", expect.write())
                .put("hint", hint),
            StepDoc::Challenge {
                text,
                hint,
                goals,
                solution,
            } => o
                .put("kind", "challenge")
                .put("text", text)
                .put("hint", hint)
                .put("goals", write::list(goals, Goal::write))
                .put("solution", write::list(solution, SettingChange::write)),
        }
        .done()
    }

    pub fn to_value(&self) -> Value {
        self.write().into_value()
    }
}

impl SettingChange {
    pub fn read(f: Field<'_>) -> Res<SettingChange> {
        let o = f.obj(&["setting", "value"])?;
        Ok(SettingChange {
            setting: o.req("setting", |f| f.string())?,
            value: o.req("value", |f| f.string())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("setting", &self.setting)
            .put("value", &self.value)
            .done()
    }
}

const GOALS: &[(&str, &[&str])] = &[
    (
        "survives_broker_failure",
        &["text", "crash_at_ms", "restart_at_ms", "expect"],
    ),
    (
        "scales",
        &["text", "measure", "at_ms", "baseline", "factor"],
    ),
    (
        "no_failure_found",
        &["text", "property", "faults", "moments"],
    ),
];

impl Goal {
    pub fn read(f: Field<'_>) -> Res<Goal> {
        let o = f.open()?;
        Ok(match tagged(&o, "kind", GOALS, &[])? {
            "survives_broker_failure" => Goal::SurvivesBrokerFailure {
                text: o.req("text", |f| f.text())?,
                crash_at_ms: o.req("crash_at_ms", |f| f.ms())?,
                restart_at_ms: o.opt("restart_at_ms", |f| f.ms())?,
                expect: o.req("expect", Condition::read)?,
            },
            "no_failure_found" => Goal::NoFailureFound {
                text: o.req("text", |f| f.text())?,
                property: o.req("property", |f| f.name())?,
                faults: o.req("faults", |f| f.u32())?,
                moments: o.req("moments", |f| f.u32())?,
            },
            _ => Goal::Scales {
                text: o.req("text", |f| f.text())?,
                measure: o.req("measure", Measure::read)?,
                at_ms: o.req("at_ms", |f| f.ms())?,
                baseline: o.req("baseline", SettingChange::read)?,
                factor: o.req("factor", |f| f.f64())?,
            },
        })
    }

    pub fn parse(text: &str) -> Result<Goal, ScenarioError> {
        read::parse(text, Self::read)
    }

    pub fn write(&self) -> Json {
        match self {
            Goal::SurvivesBrokerFailure {
                text,
                crash_at_ms,
                restart_at_ms,
                expect,
            } => write::Obj::new()
                .put("kind", "survives_broker_failure")
                .put("text", text)
                .put("crash_at_ms", *crash_at_ms)
                .opt("restart_at_ms", *restart_at_ms)
                .put("expect", expect.write()),
            Goal::Scales {
                text,
                measure,
                at_ms,
                baseline,
                factor,
            } => write::Obj::new()
                .put("kind", "scales")
                .put("text", text)
                .put("measure", measure.write())
                .put("at_ms", *at_ms)
                .put("baseline", baseline.write())
                .put("factor", *factor),
            Goal::NoFailureFound {
                text,
                property,
                faults,
                moments,
            } => write::Obj::new()
                .put("kind", "no_failure_found")
                .put("text", text)
                .put("property", property.key())
                .put("faults", *faults)
                .put("moments", *moments),
        }
        .done()
    }
}

/// An object with exactly one field, one of `names` (how conditions and measures are
/// spelled: `{"ledger": "lost"}`); that field's name.
fn one_of<'a>(f: Field<'a>, names: &[&'static str]) -> Res<(read::Obj<'a>, &'static str)> {
    let o = f.open()?;
    o.only(names)?;
    let keys: Vec<&str> = o.keys().collect();
    match keys.as_slice() {
        [key] => {
            let name = names
                .iter()
                .find(|n| *n == key)
                .copied()
                .unwrap_or_default();
            Ok((o, name))
        }
        _ => {
            let list = names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            Err(ScenarioError::new(
                if f.path.is_empty() {
                    "(document)"
                } else {
                    f.path
                },
                format!(
                    "expected an object with exactly one of the fields {list}, got {} fields",
                    keys.len()
                ),
                format!(
                    "应为只含以下字段之一的对象：{list}，实际有 {} 个字段",
                    keys.len()
                ),
            ))
        }
    }
}

const MEASURES: &[&str] = &[
    "ledger",
    "store_rows",
    "store_distinct",
    "traffic",
    "publisher_rate",
    "queue_ready",
    "store_inversions",
    "assigned_partitions",
];

impl Measure {
    pub fn read(f: Field<'_>) -> Res<Measure> {
        let (o, key) = one_of(f, MEASURES)?;
        if key == "traffic" {
            return Ok(Measure::Traffic(o.req(key, |f| f.strings())?));
        }
        let name = o.req(key, |f| f.string())?;
        Ok(match key {
            "ledger" => Measure::Ledger(name),
            "store_rows" => Measure::StoreRows(name),
            "store_distinct" => Measure::StoreDistinct(name),
            "publisher_rate" => Measure::PublisherRate(name),
            "queue_ready" => Measure::QueueReady(name),
            "store_inversions" => Measure::StoreInversions(name),
            _ => Measure::AssignedPartitions(name),
        })
    }

    pub fn write(&self) -> Json {
        let (key, value): (&'static str, Json) = match self {
            Measure::Ledger(s) => ("ledger", s.into()),
            Measure::StoreRows(s) => ("store_rows", s.into()),
            Measure::StoreDistinct(s) => ("store_distinct", s.into()),
            Measure::Traffic(nodes) => ("traffic", nodes.as_slice().into()),
            Measure::PublisherRate(s) => ("publisher_rate", s.into()),
            Measure::QueueReady(s) => ("queue_ready", s.into()),
            Measure::StoreInversions(s) => ("store_inversions", s.into()),
            Measure::AssignedPartitions(s) => ("assigned_partitions", s.into()),
        };
        write::Obj::new().put(key, value).done()
    }
}

const CONDITIONS: &[&str] = &[
    "all",
    "any",
    "not",
    "node",
    "count",
    "leader",
    "queue",
    "setting",
    "at_end",
    "time_at_least",
];

impl Condition {
    pub fn read(f: Field<'_>) -> Res<Condition> {
        let (o, key) = one_of(f, CONDITIONS)?;
        Ok(match key {
            "all" => Condition::All(o.req(key, |f| f.list(Condition::read))?),
            "any" => Condition::Any(o.req(key, |f| f.list(Condition::read))?),
            "not" => Condition::Not(Box::new(o.req(key, Condition::read)?)),
            "node" => o.req(key, |f| {
                let o = f.obj(&["name", "is"])?;
                Ok(Condition::Node {
                    name: o.req("name", |f| f.string())?,
                    is: o.req("is", |f| f.name())?,
                })
            })?,
            "count" => o.req(key, |f| {
                let o = f.obj(&["of", "op", "value"])?;
                Ok(Condition::Count {
                    of: o.req("of", Measure::read)?,
                    op: o.req("op", |f| f.name())?,
                    value: o.req("value", |f| f.i64())?,
                })
            })?,
            "leader" => o.req(key, |f| {
                let o = f.obj(&["of", "is", "not"])?;
                Ok(Condition::Leader {
                    of: o.req("of", |f| f.string())?,
                    is: o.opt("is", |f| f.string())?,
                    not: o.opt("not", |f| f.string())?,
                })
            })?,
            "queue" => o.req(key, |f| {
                let o = f.obj(&["name", "is"])?;
                Ok(Condition::Queue {
                    name: o.req("name", |f| f.string())?,
                    is: o.req("is", |f| f.name())?,
                })
            })?,
            "setting" => o.req(key, |f| {
                let o = f.obj(&["name", "value"])?;
                Ok(Condition::Setting {
                    name: o.req("name", |f| f.string())?,
                    value: o.req("value", |f| f.string())?,
                })
            })?,
            "at_end" => Condition::AtEnd(o.req(key, |f| f.bool())?),
            _ => Condition::TimeAtLeast(o.req(key, |f| f.ms())?),
        })
    }

    pub fn parse(text: &str) -> Result<Condition, ScenarioError> {
        read::parse(text, Self::read)
    }

    pub fn write(&self) -> Json {
        let (key, value): (&'static str, Json) = match self {
            Condition::All(cs) => ("all", write::list(cs, Condition::write)),
            Condition::Any(cs) => ("any", write::list(cs, Condition::write)),
            Condition::Not(c) => ("not", c.write()),
            Condition::Node { name, is } => (
                "node",
                write::Obj::new()
                    .put("name", name)
                    .put("is", write::name(*is))
                    .done(),
            ),
            Condition::Count { of, op, value } => (
                "count",
                write::Obj::new()
                    .put("of", of.write())
                    .put("op", write::name(*op))
                    .put("value", *value)
                    .done(),
            ),
            Condition::Leader { of, is, not } => (
                "leader",
                write::Obj::new()
                    .put("of", of)
                    .opt("is", is.as_ref())
                    .opt("not", not.as_ref())
                    .done(),
            ),
            Condition::Queue { name, is } => (
                "queue",
                write::Obj::new()
                    .put("name", name)
                    .put("is", write::name(*is))
                    .done(),
            ),
            Condition::Setting { name, value } => (
                "setting",
                write::Obj::new()
                    .put("name", name)
                    .put("value", value)
                    .done(),
            ),
            Condition::AtEnd(b) => ("at_end", (*b).into()),
            Condition::TimeAtLeast(ms) => ("time_at_least", (*ms).into()),
        };
        write::Obj::new().put(key, value).done()
    }

    /// The condition as minified JSON (what tests and messages quote).
    pub fn to_json(&self) -> String {
        self.write().text()
    }
}

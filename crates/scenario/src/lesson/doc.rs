//! A lesson file exactly as JSON spells it. Nothing here is trusted; `validate` checks it.

use crate::doc::ActionDoc;
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// The interview question a lesson belongs to, in the order the home page lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    HighAvailability,
    DuplicateConsumption,
    Idempotency,
    MessageLoss,
    Ordering,
    Backlog,
    Design,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerPoint {
    pub text: Text,
    /// The step (0-based) that showed it.
    pub step: usize,
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StepDoc {
    /// Read: the concept, the question.
    Narrate { title: Text, text: Text },
    /// Play the scenario on, to its end or until the world shows `until`.
    Play {
        text: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingChange {
    pub setting: String,
    pub value: String,
}

/// What a challenge asks of the design, checked by running copies of the scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Goal {
    /// For every broker (Kafka broker or RabbitMQ node) of the scenario, a copy with that
    /// broker killed (kill -9) at `crash_at_ms`, and restarted at `restart_at_ms` if given, is
    /// played to its end: `expect` must hold at the end of every copy.
    SurvivesBrokerFailure {
        text: Text,
        crash_at_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
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
}

impl Goal {
    /// What the goal asks, in words.
    pub fn text(&self) -> &Text {
        match self {
            Goal::SurvivesBrokerFailure { text, .. } | Goal::Scales { text, .. } => text,
        }
    }
}

/// A number read from the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeIs {
    Up,
    /// Crashed or stopped.
    Down,
    Crashed,
    Stopped,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueIs {
    Available,
    Down,
    Deleted,
}

/// What the world must show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
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
        #[serde(default, skip_serializing_if = "Option::is_none")]
        is: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
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

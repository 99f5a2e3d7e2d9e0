//! What the player needs from a broker model: build it, say what a step did, draw a frame,
//! and find a message's facts. Kafka and RabbitMQ implement it; the player is generic.

use crate::frame::{Frame, Happening, MarkKind};
use mqlab_engine::VecMap;
use mqlab_engine::{Model, NodeId, Step, StepKind, World};
use mqlab_ledger::{Assessment, MessageRecord, Placement};

pub type Names = VecMap<NodeId, String>;

pub trait Sim: Model + Sized {
    type Config: Clone + std::fmt::Debug;

    fn build(config: &Self::Config) -> Self;
    /// Fold a step into the trace digest (`Step::digest`, whose bounds the models meet).
    fn digest(step: &Step<Self>, state: u64) -> u64;
    fn nodes(&self) -> Vec<NodeId>;
    /// The step's event and the model's notes, as lines.
    fn happenings(world: &World<Self>, names: &Names, step: &Step<Self>) -> Vec<Happening>;
    /// A fault or scripted action for the timeline.
    fn mark(
        world: &World<Self>,
        names: &Names,
        kind: &StepKind<Self>,
    ) -> Option<(MarkKind, (String, String))>;
    /// The notes of a step that concern a message, as lines.
    fn facts_about(
        world: &World<Self>,
        names: &Names,
        step: &Step<Self>,
        message: mqlab_ledger::MessageId,
    ) -> Vec<Happening>;
    fn frame(
        world: &World<Self>,
        last: Option<&Step<Self>>,
        names: &Names,
        total_steps: u64,
        end_time_ms: u64,
    ) -> Frame;
    /// The ledger's records and where the model says each message is now.
    fn ledger_now(world: &World<Self>) -> (&[MessageRecord], Vec<Placement>);

    /// The ledger's verdict now, without drawing a frame (the explorer judges every step).
    fn judge(world: &World<Self>) -> Judged {
        let (records, placements) = Self::ledger_now(world);
        let (assessments, _) = mqlab_ledger::assess(records, &placements);
        Judged {
            labels: records.iter().map(|r| r.label.clone()).collect(),
            assessments,
            placements,
        }
    }
}

/// Every message's label, assessment and placement, in production order.
#[derive(Clone, Debug)]
pub struct Judged {
    pub labels: Vec<String>,
    pub assessments: Vec<Assessment>,
    pub placements: Vec<Placement>,
}

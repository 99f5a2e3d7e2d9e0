//! What the player needs from a broker model: build it, say what a step did, draw a frame,
//! and find a message's facts. Kafka and RabbitMQ implement it; the player is generic.

use crate::describe::{describe_fault, Describe};
use crate::frame::{Frame, Happening, MarkKind};
use mqlab_engine::VecMap;
use mqlab_engine::{Model, NodeId, Step, StepKind, World};
use mqlab_ledger::{Assessment, MessageRecord, Placement};
use std::hash::Hash;

pub type Names = VecMap<NodeId, String>;

/// A broker model the player can run. The hash bounds are `Step::digest`'s: the player
/// folds every step into the trace digest.
pub trait Sim: Model<Timer: Hash, Note: Hash, Action: Hash> + Sized {
    type Config: Clone + std::fmt::Debug;

    fn build(config: &Self::Config) -> Self;
    fn nodes(&self) -> Vec<NodeId>;
    /// The broker's describer over this world: all the lines below need from a broker.
    fn describer<'a>(world: &'a World<Self>, names: &'a Names) -> impl Describe<Self> + 'a;
    /// Whether a note concerns a message (each broker's `Note::mentions`).
    fn mentions(note: &Self::Note, message: mqlab_ledger::MessageId) -> bool;

    /// The step's event and the model's notes, as lines.
    fn happenings(world: &World<Self>, names: &Names, step: &Step<Self>) -> Vec<Happening> {
        crate::view::step_happenings(&Self::describer(world, names), step)
    }
    /// A fault or scripted action for the timeline.
    fn mark(
        world: &World<Self>,
        names: &Names,
        kind: &StepKind<Self>,
    ) -> Option<(MarkKind, (String, String))> {
        let d = Self::describer(world, names);
        match kind {
            StepKind::Fault(f) => Some((MarkKind::Fault, describe_fault(&|n| d.name(n), f))),
            StepKind::Action(a) => Some((MarkKind::Action, d.action(a))),
            _ => None,
        }
    }
    /// The notes of a step that concern a message, as lines.
    fn facts_about(
        world: &World<Self>,
        names: &Names,
        step: &Step<Self>,
        message: mqlab_ledger::MessageId,
    ) -> Vec<Happening> {
        let d = Self::describer(world, names);
        step.notes
            .iter()
            .filter(|n| Self::mentions(n, message))
            .map(|n| d.note(n))
            .collect()
    }
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

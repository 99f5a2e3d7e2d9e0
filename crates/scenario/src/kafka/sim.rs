//! How the player runs Kafka: the [`Sim`] implementation for the Kafka model.

use super::describe::Describer;
use crate::frame::{Frame, Happening, MarkKind};
use crate::sim::{Names, Sim};
use mqlab_engine::{NodeId, Step, StepKind, World};
use mqlab_kafka::Kafka;

impl Sim for Kafka {
    type Config = mqlab_kafka::KafkaConfig;

    fn digest(step: &Step<Self>, state: u64) -> u64 {
        step.digest(state)
    }

    fn build(config: &Self::Config) -> Self {
        Kafka::new(config.clone())
    }
    fn nodes(&self) -> Vec<NodeId> {
        self.node_ids()
    }
    fn happenings(world: &World<Self>, names: &Names, step: &Step<Self>) -> Vec<Happening> {
        let d = Describer {
            kafka: world.model(),
            names,
        };
        crate::view::step_happenings(&d, step)
    }
    fn mark(
        world: &World<Self>,
        names: &Names,
        kind: &StepKind<Self>,
    ) -> Option<(MarkKind, (String, String))> {
        let d = Describer {
            kafka: world.model(),
            names,
        };
        match kind {
            StepKind::Fault(f) => Some((MarkKind::Fault, d.fault(f))),
            StepKind::Action(a) => Some((MarkKind::Action, d.action(a))),
            _ => None,
        }
    }
    fn facts_about(
        world: &World<Self>,
        names: &Names,
        step: &Step<Self>,
        message: mqlab_ledger::MessageId,
    ) -> Vec<Happening> {
        let d = Describer {
            kafka: world.model(),
            names,
        };
        step.notes
            .iter()
            .filter(|n| n.mentions(message))
            .map(|n| d.note(n))
            .collect()
    }
    fn frame(
        world: &World<Self>,
        last: Option<&Step<Self>>,
        names: &Names,
        total_steps: u64,
        end_time_ms: u64,
    ) -> Frame {
        super::view::frame(world, last, names, total_steps, end_time_ms)
    }
    fn ledger_now(
        world: &World<Self>,
    ) -> (&[mqlab_ledger::MessageRecord], Vec<mqlab_ledger::Placement>) {
        let model = world.model();
        (
            model.ledger().records(),
            model.placements(|n| world.is_up(n)),
        )
    }
}

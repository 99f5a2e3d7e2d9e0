//! How the player runs Kafka: the [`Sim`] implementation for the Kafka model.

use super::describe::Describer;
use crate::describe::Describe;
use crate::frame::Frame;
use crate::sim::{Names, Sim};
use mqlab_engine::{NodeId, Step, World};
use mqlab_kafka::Kafka;
use mqlab_ledger::MessageId;

impl Sim for Kafka {
    type Config = mqlab_kafka::KafkaConfig;

    fn build(config: &Self::Config) -> Self {
        Kafka::new(config.clone())
    }
    fn nodes(&self) -> Vec<NodeId> {
        self.node_ids()
    }
    fn describer<'a>(world: &'a World<Self>, names: &'a Names) -> impl Describe<Self> + 'a {
        Describer {
            kafka: world.model(),
            names,
        }
    }
    fn mentions(note: &Self::Note, message: MessageId) -> bool {
        note.mentions(message)
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

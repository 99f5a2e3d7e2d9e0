//! Scenarios and the player: the layer between the broker models and the UI.
//!
//! Loading is two-stage: [`doc`] holds plain serde structs exactly as a file spells them;
//! [`validate`] turns them into a model or a [`ScenarioError`] naming the field. The
//! [`Player`] runs the model, keeps checkpoints, seeks anywhere, and hands out [`Frame`]s:
//! plain data, so no model type ever reaches the UI.

pub mod compare;
mod describe;
mod describe_groups;
mod describe_rabbit;
pub mod doc;
pub mod doc_rabbit;
mod error;
mod examples;
pub mod export;
pub mod frame;
pub mod glossary;
pub mod i18n;
mod knobs;
pub mod lesson;
pub mod link;
mod player;
mod sim;
pub mod validate;
mod validate_rabbit;
mod view;
mod view_groups;
mod view_rabbit;

pub use doc::{AcksDoc, ScenarioDoc};
pub use error::{json_detail_zh, ScenarioError};
pub use examples::{examples, sources as example_sources, Example};
pub use frame::Frame;
pub use i18n::{Lang, Text};
pub use knobs::Knobs;
pub use mqlab_engine::{VecMap, VecSet};
/// Which Kafka's replication rules a scenario follows (the settings panel lists them).
pub use mqlab_kafka::KafkaVersion;
pub use player::{
    Command, MarkKind, Player, StepHappenings, TimelineMark, UserAction, CHECKPOINT_EVERY,
    MAX_STEPS,
};

/// Which broker version the models follow by default, for the UI to say.
pub const MODEL_VERSION: &str = "Kafka 4.1+ (KRaft), ELR on";

/// What the UI says a Kafka scenario models: the version and, from 4.0, whether ELR is on.
pub fn kafka_version_label(version: mqlab_kafka::KafkaVersion, elr: bool) -> &'static str {
    use mqlab_kafka::KafkaVersion as V;
    match (version, elr) {
        (V::V4_1, true) => MODEL_VERSION,
        (V::V4_1, false) => "Kafka 4.1+ (KRaft), ELR off",
        (V::V4_0, true) => "Kafka 4.0 (KRaft), ELR on",
        (V::V4_0, false) => "Kafka 4.0 (KRaft), ELR off",
        (V::V3_6, _) => "Kafka 3.6 (KRaft): HW advances under min ISR",
        (V::V0_10, _) => "Kafka 0.10 replication: truncate to the HW",
    }
}
/// What the UI says a RabbitMQ scenario models.
pub fn rabbit_version_label(version: doc_rabbit::RabbitVersion) -> &'static str {
    match version {
        doc_rabbit::RabbitVersion::V4 => "RabbitMQ 4.x: quorum queues, delivery limit 20",
        doc_rabbit::RabbitVersion::V3_13 => {
            "RabbitMQ 3.13: classic mirrored queues (removed in 4.0)"
        }
    }
}

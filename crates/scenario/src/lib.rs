//! Scenarios and the player: the layer between the broker models and the UI.
//!
//! Loading is two-stage: [`doc`] holds plain structs exactly as a file spells them, read by
//! the one reader ([`read`]) and written by the one writer ([`write`]);
//! [`validate`] turns them into a model or a [`ScenarioError`] naming the field. The
//! [`Player`] runs the model, keeps checkpoints, seeks anywhere, and hands out [`Frame`]s:
//! plain data, so no model type ever reaches the UI. Each broker has its folder ([`kafka`],
//! [`rabbitmq`]: its part of the document, validation, frames, words and `Sim`); the files
//! here hold what both share.

mod check;
pub mod compare;
pub mod counters;
mod describe;
pub mod doc;
mod error;
mod examples;
pub mod explore;
pub mod export;
pub mod frame;
pub mod glossary;
pub mod i18n;
pub mod kafka;
mod knobs;
pub mod lesson;
pub mod link;
mod player;
pub mod rabbitmq;
pub mod read;
pub mod settings;
mod sim;
pub mod validate;
mod view;
pub mod write;

/// The `rabbitmq` section of a document, by its former path.
pub use rabbitmq::doc as doc_rabbit;

pub use doc::{AcksDoc, ScenarioDoc};
pub use error::{json_detail_zh, ScenarioError};
pub use examples::{examples, sources as example_sources, Example};
pub use frame::{Frame, MarkKind};
pub use i18n::{Lang, Text};
pub use kafka::{version_label as kafka_version_label, MODEL_VERSION};
pub use knobs::Knobs;
pub use mqlab_engine::{VecMap, VecSet};
/// Which Kafka's replication rules a scenario follows (the settings panel lists them).
pub use mqlab_kafka::KafkaVersion;
pub use player::{
    Command, Player, StepHappenings, TimelineMark, UserAction, CHECKPOINT_EVERY, MAX_STEPS,
};
pub use rabbitmq::version_label as rabbit_version_label;

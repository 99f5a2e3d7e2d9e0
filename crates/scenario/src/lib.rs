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
pub use error::ScenarioError;
pub use examples::{examples, sources as example_sources, Example};
pub use frame::Frame;
pub use i18n::{Lang, Text};
pub use knobs::Knobs;
pub use mqlab_engine::{VecMap, VecSet};
pub use player::{
    Command, MarkKind, Player, StepHappenings, TimelineMark, UserAction, CHECKPOINT_EVERY,
    MAX_STEPS,
};

/// Which broker version the models follow, for the UI to say.
pub const MODEL_VERSION: &str = "Kafka 3.7+ (KRaft)";
/// With `legacy_hw_under_min_isr`: the high watermark as before KAFKA-15583.
pub const MODEL_VERSION_LEGACY: &str = "Kafka 3.6 and earlier (KRaft)";
/// RabbitMQ scenarios: classic queues and 3.x classic mirroring (removed in 4.0).
pub const MODEL_VERSION_RABBITMQ: &str = "RabbitMQ 3.13";

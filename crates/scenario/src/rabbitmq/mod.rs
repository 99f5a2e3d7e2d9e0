//! RabbitMQ's part of the scenario layer: its section of the document (`doc`), its
//! validation (`validate`), its frames (`view`), its facts in words (`describe`) and how the
//! player runs it (`sim`).

mod describe;
pub mod doc;
mod sim;
pub(crate) mod validate;
mod view;

pub use describe::Describer;
use doc::RabbitVersion;

/// What the UI says a RabbitMQ scenario models.
pub fn version_label(version: RabbitVersion) -> &'static str {
    match version {
        RabbitVersion::V4 => "RabbitMQ 4.x: quorum queues, delivery limit 20",
        RabbitVersion::V3_13 => "RabbitMQ 3.13: classic mirrored queues (removed in 4.0)",
    }
}

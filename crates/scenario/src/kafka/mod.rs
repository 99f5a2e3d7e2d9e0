//! Kafka's part of the scenario layer: its section of the document (`doc`), its validation
//! (`validate`), its frames (`view`, consumer groups and stores in `view_groups`), its facts
//! in words (`describe`, `describe_groups`) and how the player runs it (`sim`).

mod describe;
mod describe_groups;
mod describe_txn;
pub mod doc;
mod sim;
pub(crate) mod validate;
mod view;
mod view_groups;

pub use describe::Describer;
use mqlab_kafka::KafkaVersion;

/// Which broker version the models follow by default, for the UI to say.
pub const MODEL_VERSION: &str = "Kafka 4.1+ (KRaft), ELR on";

/// What the UI says a Kafka scenario models: the version and, from 4.0, whether ELR is on.
pub fn version_label(version: KafkaVersion, elr: bool) -> &'static str {
    use KafkaVersion as V;
    match (version, elr) {
        (V::V4_1, true) => MODEL_VERSION,
        (V::V4_1, false) => "Kafka 4.1+ (KRaft), ELR off",
        (V::V4_0, true) => "Kafka 4.0 (KRaft), ELR on",
        (V::V4_0, false) => "Kafka 4.0 (KRaft), ELR off",
        (V::V3_6, _) => "Kafka 3.6 (KRaft): HW advances under min ISR",
        (V::V0_10, _) => "Kafka 0.10 replication: truncate to the HW",
    }
}

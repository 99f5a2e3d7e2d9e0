//! Stage two of loading: check a [`ScenarioDoc`] field by field and build the model's
//! configuration and the script. The first problem found is returned, naming its field.
//! Each broker checks its own section (`kafka::validate`, `rabbitmq::validate`) with the
//! checks both share (`check`).

use crate::check::{err, range, MAX_DURATION_MS};
pub use crate::check::{Built, Happen, Scripted, When};
use crate::doc::ScenarioDoc;
use crate::error::ScenarioError;
use mqlab_kafka::{Action, KafkaConfig};

/// A validated scenario of either broker.
#[derive(Clone, Debug)]
pub enum Validated {
    Kafka(Built<KafkaConfig, Action>),
    Rabbit(Built<mqlab_rabbitmq::RabbitConfig, mqlab_rabbitmq::Action>),
}

pub fn validate(doc: &ScenarioDoc) -> Result<Validated, ScenarioError> {
    if doc.id.trim().is_empty() {
        return Err(err("id", "must not be empty", "不能为空"));
    }
    for (field, text) in [("title", &doc.title)] {
        if text.en.trim().is_empty() || text.zh.trim().is_empty() {
            return Err(err(
                field,
                "needs both an English (en) and a Chinese (zh) text",
                "需要英文 (en) 和中文 (zh) 两种文字",
            ));
        }
    }
    range("duration_ms", doc.duration_ms, 1, MAX_DURATION_MS)?;
    range("network.latency_ms", doc.network.latency_ms, 0, 60_000)?;
    range("network.jitter_ms", doc.network.jitter_ms, 0, 60_000)?;
    match (&doc.kafka, &doc.rabbitmq) {
        (Some(k), None) => crate::kafka::validate::validate(doc, k).map(Validated::Kafka),
        (None, Some(r)) => crate::rabbitmq::validate::validate(doc, r).map(Validated::Rabbit),
        _ => Err(err(
            "kafka",
            "a scenario needs exactly one cluster: \"kafka\" or \"rabbitmq\"",
            "场景必须恰好有一个集群：\"kafka\" 或 \"rabbitmq\"",
        )),
    }
}

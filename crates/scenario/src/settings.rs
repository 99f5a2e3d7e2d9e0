//! Named settings of a scenario document — `acks`, `min_insync_replicas`, `publish_mode`,
//! `prefetch`, … — read and written as text: what a lesson's conditions and switches name,
//! and what a comparison changes between its two runs. A document operation, so lessons and
//! comparisons share one reading of every name.

use crate::doc::ScenarioDoc;
use crate::error::ScenarioError;
use crate::knobs::Knobs;
use crate::rabbitmq::doc::OverflowDoc;
use crate::read::Named;
use mqlab_kafka::KafkaVersion;
use serde_json::Value;

/// The current value of a named setting, as text; `None` if the scenario has no
/// such setting.
pub fn setting(doc: &ScenarioDoc, name: &str) -> Option<String> {
    if doc.kafka.is_some() {
        let k = Knobs::read(doc);
        let value = match name {
            "acks" => json(&k.acks),
            "brokers" => k.brokers.to_string(),
            "partitions" => k.partitions.to_string(),
            "max_in_flight" => k.max_in_flight.to_string(),
            "min_insync_replicas" => k.min_insync_replicas.to_string(),
            "replication_factor" => k.replication_factor.to_string(),
            "unclean_leader_election" => k.unclean_leader_election.to_string(),
            "version" => k.version.clone(),
            "eligible_leader_replicas" => k.eligible_leader_replicas.to_string(),
            "idempotence" => k.idempotence.to_string(),
            "retries" => k.retries.to_string(),
            "commit" => json(&k.commit?),
            "auto_offset_reset" => json(&k.auto_offset_reset?),
            "auto_commit_interval_ms" => k.auto_commit_interval_ms.to_string(),
            "store" => json(&k.store?),
            _ => return None,
        };
        return Some(value);
    }
    let r = doc.rabbitmq.as_ref()?;
    let value = match name {
        "publish_mode" => json(&r.publishers.first()?.mode),
        "persistent" => r.publishers.first()?.persistent.to_string(),
        "durable" => r.queues.first()?.durable.to_string(),
        "queue_type" => json(&r.queues.first()?.kind),
        "auto_ack" => r.consumers.first()?.auto_ack.to_string(),
        "prefetch" => r.consumers.first()?.prefetch.to_string(),
        "ha_mode" => r
            .policies
            .first()
            .map_or_else(|| "none".to_string(), |p| json(&p.ha_mode)),
        "store" => json(&doc.stores.first()?.kind),
        // Backlog and ordering: how many consumers, and the first queue's limits.
        "consumers" => r.consumers.len().to_string(),
        "message_ttl_ms" => optional(r.queues.first()?.message_ttl_ms),
        "max_length" => optional(r.queues.first()?.max_length),
        "overflow" => json(&r.queues.first()?.overflow.unwrap_or(OverflowDoc::DropHead)),
        _ => return None,
    };
    Some(value)
}

/// [`apply_setting`] with its refusal in both languages, for the learner to read.
pub fn apply_setting_or_say(
    doc: &mut ScenarioDoc,
    name: &str,
    value: &str,
) -> Result<(), ScenarioError> {
    apply_setting(doc, name, value).map_err(|en| {
        ScenarioError::new(
            name,
            en,
            format!("无法把 {name} 设为 \"{value}\"：没有这个设置，或它不能取这个值"),
        )
    })
}

/// Change a setting (what a lesson's Switch step or a comparison's side asks for), for every client or queue it applies to.
pub fn apply_setting(doc: &mut ScenarioDoc, name: &str, value: &str) -> Result<(), String> {
    let bad = || format!("\"{value}\" is not a value of {name}");
    // A setting's value as JSON reads it ("2", "true", "\"all\""), or else as a bare name.
    macro_rules! set {
        ($target:expr) => {
            $target = SettingValue::from_setting(value).ok_or_else(bad)?
        };
    }
    if doc.kafka.is_some() {
        let mut k = Knobs::read(doc);
        match name {
            "acks" => set!(k.acks),
            "brokers" => set!(k.brokers),
            "partitions" => set!(k.partitions),
            "max_in_flight" => set!(k.max_in_flight),
            "min_insync_replicas" => set!(k.min_insync_replicas),
            "replication_factor" => set!(k.replication_factor),
            "unclean_leader_election" => set!(k.unclean_leader_election),
            "version" => {
                KafkaVersion::parse(value).ok_or_else(bad)?;
                k.version = value.to_string();
            }
            "eligible_leader_replicas" => set!(k.eligible_leader_replicas),
            "idempotence" => set!(k.idempotence),
            "retries" => set!(k.retries),
            "commit" => k.commit = Some(named(value).ok_or_else(bad)?),
            "auto_offset_reset" => k.auto_offset_reset = Some(named(value).ok_or_else(bad)?),
            "auto_commit_interval_ms" => set!(k.auto_commit_interval_ms),
            "store" => k.store = Some(named(value).ok_or_else(bad)?),
            _ => return Err(format!("no setting named \"{name}\"")),
        }
        k.write(doc);
        return Ok(());
    }
    let Some(r) = doc.rabbitmq.as_mut() else {
        return Err("the scenario has no cluster".into());
    };
    match name {
        "publish_mode" => {
            for p in &mut r.publishers {
                set!(p.mode);
            }
        }
        "persistent" => {
            for p in &mut r.publishers {
                set!(p.persistent);
            }
        }
        "durable" => {
            for q in &mut r.queues {
                set!(q.durable);
            }
        }
        "queue_type" => {
            for q in &mut r.queues {
                set!(q.kind);
            }
        }
        "auto_ack" => {
            for c in &mut r.consumers {
                set!(c.auto_ack);
            }
        }
        "prefetch" => {
            for c in &mut r.consumers {
                set!(c.prefetch);
            }
        }
        "store" => {
            for s in &mut doc.stores {
                set!(s.kind);
            }
        }
        "consumers" => {
            let n: usize = value.parse().map_err(|_| bad())?;
            r.set_consumer_count(n);
        }
        "message_ttl_ms" => {
            for q in &mut r.queues {
                q.message_ttl_ms = none_or(value).map_err(|_| bad())?;
            }
        }
        "max_length" => {
            for q in &mut r.queues {
                q.max_length = none_or(value).map_err(|_| bad())?;
            }
        }
        "overflow" => {
            for q in &mut r.queues {
                q.overflow = Some(named(value).ok_or_else(bad)?);
            }
        }
        _ => return Err(format!("no setting named \"{name}\"")),
    }
    Ok(())
}

/// An optional number as a setting spells it: "none" when unset.
fn optional<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "none".to_string(), |v| v.to_string())
}

/// "none" unsets; anything else must be a number.
fn none_or<T: std::str::FromStr>(value: &str) -> Result<Option<T>, T::Err> {
    match value {
        "none" => Ok(None),
        v => v.parse().map(Some),
    }
}

/// A setting's value as the lesson file writes it: "all", "unique_key".
fn json<T: Named>(value: &T) -> String {
    value.name().to_string()
}

/// The value text as JSON, or (not JSON) as a bare string: "2", "true", "\"all\"", "all".
fn parsed(value: &str) -> Value {
    serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()))
}

/// A name from its list, quoted or bare: "1" names acks=1 though JSON reads it as a number.
fn named<T: Named>(value: &str) -> Option<T> {
    parsed(value)
        .as_str()
        .and_then(T::from_name)
        .or_else(|| T::from_name(value))
}

/// What a setting's value text can be read as.
trait SettingValue: Sized {
    fn from_setting(value: &str) -> Option<Self>;
}

impl SettingValue for u32 {
    fn from_setting(value: &str) -> Option<Self> {
        parsed(value).as_u64().and_then(|n| u32::try_from(n).ok())
    }
}

impl SettingValue for u64 {
    fn from_setting(value: &str) -> Option<Self> {
        parsed(value).as_u64()
    }
}

impl SettingValue for bool {
    fn from_setting(value: &str) -> Option<Self> {
        parsed(value).as_bool()
    }
}

macro_rules! named_setting {
    ($($t:ty),*) => {$(
        impl SettingValue for $t {
            fn from_setting(value: &str) -> Option<Self> {
                named(value)
            }
        }
    )*};
}
named_setting!(
    crate::doc::AcksDoc,
    crate::rabbitmq::doc::PublishModeDoc,
    crate::rabbitmq::doc::QueueTypeDoc,
    crate::doc::StoreKindDoc
);

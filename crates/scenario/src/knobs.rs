//! The settings panel's knobs: a few fields of a scenario document, read and written as one.
//! The cluster fields are Kafka's; a RabbitMQ document keeps its own (the downstream
//! stores and the seed apply to both).

use crate::doc::{
    AcksDoc, CommitDoc, KafkaDoc, OffsetResetDoc, ProducerDoc, ScenarioDoc, StoreKindDoc,
};
use mqlab_kafka::KafkaVersion;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub brokers: u32,
    pub partitions: u32,
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    pub acks: AcksDoc,
    /// `retries` and `max.in.flight.requests.per.connection` of the producers.
    pub retries: u32,
    pub max_in_flight: u32,
    pub unclean_leader_election: bool,
    /// Which Kafka ("4.1", "4.0", "3.6", "0.10") and whether ELR (KIP-966) is on.
    pub version: String,
    pub eligible_leader_replicas: bool,
    /// `enable.idempotence` as in force for the producers.
    pub idempotence: bool,
    /// The consumers' commit mode and auto-commit interval; none without consumers.
    pub commit: Option<CommitDoc>,
    pub auto_commit_interval_ms: u64,
    /// The consumers' `auto.offset.reset`; none without consumers.
    pub auto_offset_reset: Option<OffsetResetDoc>,
    /// The kind of the downstream stores; none without stores.
    pub store: Option<StoreKindDoc>,
    pub seed: u64,
}

/// The Kafka version a document models: its `version`, or the newest.
pub fn kafka_version(k: Option<&KafkaDoc>) -> KafkaVersion {
    k.and_then(|k| k.version.as_deref())
        .and_then(KafkaVersion::parse)
        .unwrap_or(KafkaVersion::V4_1)
}

/// Whether ELR is on: as set, or the version's default for a new cluster.
pub fn elr_in_force(k: Option<&KafkaDoc>) -> bool {
    k.and_then(|k| k.eligible_leader_replicas)
        .unwrap_or_else(|| kafka_version(k).elr_by_default())
}

/// Kafka's default for `enable.idempotence`: on unless acks, retries or in-flight conflict
/// (and unless the version predates it).
pub fn idempotence_by_default(p: &ProducerDoc, version: KafkaVersion) -> bool {
    version.idempotence_by_default()
        && p.acks == AcksDoc::All
        && p.retries > 0
        && p.max_in_flight <= 5
}

impl Knobs {
    /// The first topic's and the first producer's settings stand for all of them.
    pub fn read(doc: &ScenarioDoc) -> Knobs {
        let topic = doc.kafka.as_ref().and_then(|k| k.topics.first());
        let version = kafka_version(doc.kafka.as_ref());
        let brokers = match (&doc.kafka, &doc.rabbitmq) {
            (Some(k), _) => k.brokers,
            (None, Some(r)) => r.nodes,
            (None, None) => 1,
        };
        Knobs {
            brokers,
            partitions: topic.map_or(1, |t| t.partitions),
            replication_factor: topic.map_or(1, |t| t.replication_factor),
            min_insync_replicas: topic.map_or(1, |t| t.min_insync_replicas),
            acks: doc.producers.first().map_or(AcksDoc::All, |p| p.acks),
            retries: doc.producers.first().map_or(i32::MAX as u32, |p| p.retries),
            max_in_flight: doc.producers.first().map_or(5, |p| p.max_in_flight),
            unclean_leader_election: topic.is_some_and(|t| t.unclean_leader_election),
            version: version.label().to_string(),
            eligible_leader_replicas: elr_in_force(doc.kafka.as_ref()),
            idempotence: doc.producers.first().is_some_and(|p| {
                p.enable_idempotence
                    .unwrap_or_else(|| idempotence_by_default(p, version))
            }),
            commit: doc.consumers.first().map(|c| c.commit),
            auto_commit_interval_ms: doc
                .consumers
                .first()
                .map_or(5_000, |c| c.auto_commit_interval_ms),
            auto_offset_reset: doc.consumers.first().map(|c| c.auto_offset_reset),
            store: doc.stores.first().map(|s| s.kind),
            seed: doc.seed,
        }
    }

    /// Write into every topic and producer; validation happens when the document is loaded.
    pub fn write(&self, doc: &mut ScenarioDoc) {
        let version = KafkaVersion::parse(&self.version).unwrap_or(KafkaVersion::V4_1);
        if let Some(k) = &mut doc.kafka {
            // Defaults stay unwritten, so a share link only carries what was changed.
            k.version = (version != KafkaVersion::V4_1).then(|| self.version.clone());
            k.eligible_leader_replicas = (self.eligible_leader_replicas
                != version.elr_by_default())
            .then_some(self.eligible_leader_replicas);
            k.brokers = self.brokers;
            for t in &mut k.topics {
                t.partitions = self.partitions;
                t.replication_factor = self.replication_factor;
                t.min_insync_replicas = self.min_insync_replicas;
                t.unclean_leader_election = self.unclean_leader_election;
            }
        }
        for p in &mut doc.producers {
            p.acks = self.acks;
            p.retries = self.retries;
            p.max_in_flight = self.max_in_flight;
            // Left to Kafka's default where it agrees, so acks=1 does not turn into an error.
            p.enable_idempotence = (self.idempotence != idempotence_by_default(p, version))
                .then_some(self.idempotence);
        }
        for c in &mut doc.consumers {
            if let Some(commit) = self.commit {
                c.commit = commit;
            }
            c.auto_commit_interval_ms = self.auto_commit_interval_ms;
            if let Some(reset) = self.auto_offset_reset {
                c.auto_offset_reset = reset;
            }
        }
        if let Some(kind) = self.store {
            for s in &mut doc.stores {
                s.kind = kind;
            }
        }
        doc.seed = self.seed;
    }
}

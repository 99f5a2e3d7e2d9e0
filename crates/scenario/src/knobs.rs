//! The settings panel's knobs: a few fields of a scenario document, read and written as one.

use crate::doc::{AcksDoc, ScenarioDoc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub brokers: u32,
    pub partitions: u32,
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    pub acks: AcksDoc,
    pub unclean_leader_election: bool,
    pub seed: u64,
}

impl Knobs {
    /// The first topic's and the first producer's settings stand for all of them.
    pub fn read(doc: &ScenarioDoc) -> Knobs {
        let topic = doc.kafka.topics.first();
        Knobs {
            brokers: doc.kafka.brokers,
            partitions: topic.map_or(1, |t| t.partitions),
            replication_factor: topic.map_or(1, |t| t.replication_factor),
            min_insync_replicas: topic.map_or(1, |t| t.min_insync_replicas),
            acks: doc.producers.first().map_or(AcksDoc::All, |p| p.acks),
            unclean_leader_election: topic.is_some_and(|t| t.unclean_leader_election),
            seed: doc.seed,
        }
    }

    /// Write into every topic and producer; validation happens when the document is loaded.
    pub fn write(&self, doc: &mut ScenarioDoc) {
        doc.kafka.brokers = self.brokers;
        for t in &mut doc.kafka.topics {
            t.partitions = self.partitions;
            t.replication_factor = self.replication_factor;
            t.min_insync_replicas = self.min_insync_replicas;
            t.unclean_leader_election = self.unclean_leader_election;
        }
        for p in &mut doc.producers {
            p.acks = self.acks;
        }
        doc.seed = self.seed;
    }
}

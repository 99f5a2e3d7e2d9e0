use mqlab_engine::NodeId;
use mqlab_engine::{VecMap, VecSet};

/// A topic-partition: topic index in the configuration, partition number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tp {
    pub topic: u32,
    pub partition: u32,
}

/// The controller's record of one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionState {
    /// Assignment order; the first is the preferred leader (K2).
    pub replicas: Vec<NodeId>,
    pub leader: Option<NodeId>,
    pub leader_epoch: u32,
    pub isr: Vec<NodeId>,
    /// Bumped on every change, so a stale AlterPartition can be refused.
    pub partition_epoch: u32,
}

impl PartitionState {
    pub fn preferred_leader(&self) -> NodeId {
        self.replicas[0]
    }
}

/// The cluster metadata the controller publishes: what every broker and client acts on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub version: u64,
    pub partitions: VecMap<Tp, PartitionState>,
    pub fenced: VecSet<NodeId>,
}

impl Metadata {
    pub fn leader(&self, tp: Tp) -> Option<NodeId> {
        self.partitions.get(&tp).and_then(|p| p.leader)
    }
}

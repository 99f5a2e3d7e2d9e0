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
    /// Eligible Leader Replicas (KIP-966): out of the ISR, but known to hold everything below
    /// the high watermark, because it stopped advancing when the ISR fell under min ISR.
    pub elr: Vec<NodeId>,
    /// KIP-966's LastKnownElr holding the last leader, set when the ISR became empty: elected
    /// (as an unclean election) when it returns and nobody in the ISR or ELR can lead.
    pub last_known_leader: Option<NodeId>,
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

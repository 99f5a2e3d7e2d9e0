use crate::{Millis, NodeId};
use serde::{Deserialize, Serialize};

/// A fault or repair, applied to the world as an event like any other.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "fault")]
pub enum Fault {
    /// `kill -9`: the process is gone at once; volatile state is lost.
    Crash { node: NodeId },
    /// The machine loses power: the process dies as with `Crash`, and so does the operating
    /// system's page cache, taking with it the last `unflushed` writes of each file that were
    /// never flushed to disk (what a write counts as is the model's to say).
    PowerLoss { node: NodeId, unflushed: u32 },
    /// A graceful stop: the model gets to hand over its duties before it halts.
    Stop { node: NodeId },
    /// Start a crashed or stopped node again.
    Restart { node: NodeId },
    /// Cut every link between the node and every other node.
    Isolate { node: NodeId },
    /// Restore every link of one node.
    Reconnect { node: NodeId },
    /// Cut every link between a node of `left` and a node of `right`; others are untouched.
    Partition {
        left: Vec<NodeId>,
        right: Vec<NodeId>,
    },
    /// Cut both directions of one link.
    CutLink { a: NodeId, b: NodeId },
    /// Add latency to both directions of one link.
    SlowLink {
        a: NodeId,
        b: NodeId,
        extra_ms: Millis,
    },
    /// Restore both directions of one link.
    HealLink { a: NodeId, b: NodeId },
    /// Restore every link.
    HealAll,
}

impl Fault {
    /// The nodes this fault names, for validation and display.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Fault::Crash { node }
            | Fault::PowerLoss { node, .. }
            | Fault::Stop { node }
            | Fault::Restart { node }
            | Fault::Isolate { node }
            | Fault::Reconnect { node } => vec![*node],
            Fault::Partition { left, right } => left.iter().chain(right).copied().collect(),
            Fault::CutLink { a, b } | Fault::SlowLink { a, b, .. } | Fault::HealLink { a, b } => {
                vec![*a, *b]
            }
            Fault::HealAll => Vec::new(),
        }
    }
}

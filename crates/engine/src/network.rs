use crate::VecMap;
use crate::{Millis, NodeId};

/// The state of one direction of a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Healthy,
    /// Messages are silently dropped, as on a partitioned network (no connection refused).
    Cut,
    /// Messages arrive later by this much.
    Slow {
        extra_ms: Millis,
    },
}

/// Links between nodes, each direction on its own (the turmoil shape). Links absent from the
/// map are healthy. Delivery on one direction is FIFO, like a TCP connection.
#[derive(Clone, Debug, Default)]
pub struct Network {
    links: VecMap<(NodeId, NodeId), LinkState>,
    last_arrival: VecMap<(NodeId, NodeId), Millis>,
}

impl Network {
    pub fn state(&self, from: NodeId, to: NodeId) -> LinkState {
        self.links
            .get(&(from, to))
            .copied()
            .unwrap_or(LinkState::Healthy)
    }

    pub fn set_both(&mut self, a: NodeId, b: NodeId, state: LinkState) {
        for key in [(a, b), (b, a)] {
            if state == LinkState::Healthy {
                self.links.remove(&key);
            } else {
                self.links.insert(key, state);
            }
        }
    }

    pub fn heal_all(&mut self) {
        self.links.clear();
    }

    /// Links that are not healthy, one entry per direction, in a stable order.
    pub fn faulty_links(&self) -> impl Iterator<Item = (NodeId, NodeId, LinkState)> + '_ {
        self.links.iter().map(|(&(a, b), &s)| (a, b, s))
    }

    /// When a message sent now on `from → to` arrives: latency, any slowness, and never before
    /// the previous message on the same direction (FIFO).
    pub(crate) fn arrival(
        &mut self,
        from: NodeId,
        to: NodeId,
        now: Millis,
        latency: Millis,
    ) -> Millis {
        let extra = match self.state(from, to) {
            LinkState::Slow { extra_ms } => extra_ms,
            _ => 0,
        };
        let earliest = self.last_arrival.get(&(from, to)).copied().unwrap_or(0);
        let at = (now + latency + extra).max(earliest);
        self.last_arrival.insert((from, to), at);
        at
    }
}

//! Partition assignment inside a consumer group (K26): the Range and RoundRobin assignors
//! of the Java client, computed for members in the order Kafka sorts them.

use crate::metadata::Tp;
use mqlab_engine::compact::sort_by;
use mqlab_engine::VecMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Assignor {
    /// The default (first in [Range, CooperativeSticky]): per topic, contiguous ranges; the
    /// first members get one extra partition.
    Range,
    /// All partitions of all topics, dealt one at a time around the members.
    RoundRobin,
}

/// A member as the assignor sees it: its sort key (Kafka sorts member ids, which start with
/// the client id) and the topics it subscribes to.
pub struct Subscriber<'a, M> {
    pub member: M,
    pub sort_key: &'a str,
    pub topics: &'a [u32],
}

/// Assign `partitions[topic]` partitions of each topic to the members. Every partition of a
/// subscribed topic goes to exactly one member (K25); members beyond the partitions get none.
pub fn assign<M: Copy + Ord>(
    assignor: Assignor,
    members: &[Subscriber<'_, M>],
    partitions: &VecMap<u32, u32>,
) -> VecMap<M, Vec<Tp>> {
    let mut sorted: Vec<&Subscriber<'_, M>> = members.iter().collect();
    sort_by(&mut sorted, |a, b| {
        a.sort_key.cmp(b.sort_key).then(a.member.cmp(&b.member))
    });
    let mut out: VecMap<M, Vec<Tp>> =
        VecMap::from_iter(sorted.iter().map(|m| (m.member, Vec::new())));
    match assignor {
        Assignor::Range => {
            for (&topic, &count) in partitions {
                let takers: Vec<M> = sorted
                    .iter()
                    .filter(|m| m.topics.contains(&topic))
                    .map(|m| m.member)
                    .collect();
                if takers.is_empty() {
                    continue;
                }
                let n = takers.len() as u32;
                let (each, extra) = (count / n, count % n);
                let mut next = 0;
                for (i, member) in takers.iter().enumerate() {
                    let take = each + u32::from((i as u32) < extra);
                    let list = out.entry(*member).or_default();
                    list.extend((next..next + take).map(|partition| Tp { topic, partition }));
                    next += take;
                }
            }
        }
        Assignor::RoundRobin => {
            let mut turn = 0;
            for (&topic, &count) in partitions {
                for partition in 0..count {
                    // The next member in the circle that subscribes to this topic.
                    for _ in 0..sorted.len() {
                        let m = sorted[turn % sorted.len()];
                        turn += 1;
                        if m.topics.contains(&topic) {
                            out.entry(m.member)
                                .or_default()
                                .push(Tp { topic, partition });
                            break;
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(topic: u32, partition: u32) -> Tp {
        Tp { topic, partition }
    }

    /// K26's example: C0 and C1 subscribe to t0 and t1, three partitions each.
    fn k26(assignor: Assignor) -> VecMap<u32, Vec<Tp>> {
        let topics = [0, 1];
        // Given out of order: the assignor sorts by member id.
        let members = [
            Subscriber {
                member: 1,
                sort_key: "C1",
                topics: &topics,
            },
            Subscriber {
                member: 0,
                sort_key: "C0",
                topics: &topics,
            },
        ];
        assign(assignor, &members, &VecMap::from([(0, 3), (1, 3)]))
    }

    #[test]
    fn k26_range_gives_the_first_consumers_the_extra_partition_per_topic() {
        let a = k26(Assignor::Range);
        assert_eq!(a[&0], vec![tp(0, 0), tp(0, 1), tp(1, 0), tp(1, 1)]);
        assert_eq!(a[&1], vec![tp(0, 2), tp(1, 2)]);
    }

    #[test]
    fn k26_round_robin_deals_partitions_around_the_members() {
        let a = k26(Assignor::RoundRobin);
        assert_eq!(a[&0], vec![tp(0, 0), tp(0, 2), tp(1, 1)]);
        assert_eq!(a[&1], vec![tp(0, 1), tp(1, 0), tp(1, 2)]);
    }

    #[test]
    fn k25_members_beyond_the_partitions_sit_idle() {
        let topics = [0];
        let names = ["a", "b", "c"];
        let members: Vec<Subscriber<'_, u32>> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Subscriber {
                member: i as u32,
                sort_key: n,
                topics: &topics,
            })
            .collect();
        for assignor in [Assignor::Range, Assignor::RoundRobin] {
            let a = assign(assignor, &members, &VecMap::from([(0, 2)]));
            let mut all: Vec<Tp> = a.values().flatten().copied().collect();
            all.sort();
            assert_eq!(all, vec![tp(0, 0), tp(0, 1)], "each partition exactly once");
            assert!(a[&2].is_empty(), "the third member is idle");
        }
    }
}

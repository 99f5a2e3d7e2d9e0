//! Replica placement, rack-unaware (FIDELITY K1), with the random start and shift fixed to 0
//! so a scenario always places replicas the same way.

/// Replica lists for `partitions` partitions over brokers indexed 0..brokers. The caller
/// has checked `replication_factor <= brokers` (InvalidReplicationFactor otherwise).
pub fn assign_replicas(brokers: u32, partitions: u32, replication_factor: u32) -> Vec<Vec<u32>> {
    let n = brokers;
    let mut shift = 0;
    (0..partitions)
        .map(|p| {
            if p > 0 && p % n == 0 {
                shift += 1;
            }
            let first = p % n;
            let mut replicas = vec![first];
            for j in 0..replication_factor.saturating_sub(1) {
                // With one broker there is no second replica: RF was checked to be 1.
                let step = 1 + (shift + j) % (n - 1).max(1);
                replicas.push((first + step) % n);
            }
            replicas
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_documented_example() {
        let a = assign_replicas(5, 6, 3);
        assert_eq!(a[0], vec![0, 1, 2]);
        assert_eq!(a[1], vec![1, 2, 3]);
        assert_eq!(a[5], vec![0, 2, 3]);
    }
}

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The world's only source of randomness: ChaCha8, a portable algorithm, so a seed gives the
/// same numbers on every platform. Bounded draws use rejection sampling on u64, never `usize`.
#[derive(Clone, Debug)]
pub struct SimRng(ChaCha8Rng);

impl SimRng {
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A uniform draw in `0..=max`.
    pub fn up_to(&mut self, max: u64) -> u64 {
        if max == u64::MAX {
            return self.0.next_u64();
        }
        let span = max + 1;
        let zone = u64::MAX - (u64::MAX % span);
        loop {
            let x = self.0.next_u64();
            if x < zone {
                return x % span;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers_and_bounds_hold() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        for _ in 0..1000 {
            let x = a.up_to(3);
            assert_eq!(x, b.up_to(3));
            assert!(x <= 3);
        }
        // Pinned values: if the algorithm ever changes, shared links and traces would change too.
        let mut c = SimRng::new(42);
        let first: Vec<u64> = (0..4).map(|_| c.up_to(999)).collect();
        assert_eq!(first, PINNED_SEED_42);
    }

    const PINNED_SEED_42: [u64; 4] = [737, 312, 20, 866];
}

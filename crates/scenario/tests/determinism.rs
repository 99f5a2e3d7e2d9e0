//! Determinism, natively: the examples' traces match the pinned digests (the same file the
//! browser test reads), a seed always gives the same trace, and the seed matters.
#![cfg(not(target_arch = "wasm32"))]

mod pinned_digests;

use mqlab_scenario::{Player, ScenarioDoc};

#[test]
fn examples_match_the_pinned_digests() {
    let bad = pinned_digests::mismatches();
    assert!(bad.is_empty(), "trace digests changed:\n{}", bad.join("\n"));
}

fn digest_with_seed(text: &str, seed: u64) -> u64 {
    let mut doc: ScenarioDoc = serde_json::from_str(text).expect("an example parses");
    doc.seed = seed;
    Player::load(doc)
        .expect("an example loads with any seed")
        .trace_digest()
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    for (id, text) in mqlab_scenario::example_sources() {
        for seed in [0, 1, 2, 7, 42, u64::MAX] {
            assert_eq!(
                digest_with_seed(text, seed),
                digest_with_seed(text, seed),
                "{id} with seed {seed} is not reproducible"
            );
        }
    }
}

#[test]
fn different_seeds_give_different_traces() {
    let seeds = [0, 1, 2, 7, 42, u64::MAX];
    let varies = mqlab_scenario::example_sources().iter().any(|(_, text)| {
        let digests: std::collections::BTreeSet<u64> =
            seeds.iter().map(|&s| digest_with_seed(text, s)).collect();
        digests.len() > 1
    });
    assert!(
        varies,
        "no example's trace depends on its seed: network jitter must be seeded"
    );
}

#[test]
fn loading_twice_gives_the_same_trace() {
    for (id, text) in mqlab_scenario::example_sources() {
        let a = Player::load_json(text).expect("loads");
        let b = Player::load_json(text).expect("loads");
        assert_eq!(a.trace_digest(), b.trace_digest(), "{id}");
        assert_eq!(a.total_steps(), b.total_steps(), "{id}");
    }
}

//! The property: for random fault schedules, process-then-commit never loses a
//! message and commit-then-process never duplicates one — and each shows its own failure in
//! some schedules (duplicates for the first, losses for the second), so the test can fail.

mod play;

use play::*;
use serde_json::{json, Value};

/// A small deterministic generator (SplitMix64), so every schedule is reproducible.
struct Schedule(u64);

impl Schedule {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Two partitions, two consumers, three bursts of orders, and 1–4 random faults in the first
/// 20 s: consumers killed or closed (and restarted), a broker killed (the group coordinator
/// may move) and restarted. Everything is back up by 26 s; the run ends at 90 s.
fn scenario(commit: &str, case: u64) -> Value {
    let mut rng = Schedule(case);
    let mut v = with_consumers(2, commit, "plain_insert");
    v["kafka"]["topics"][0]["partitions"] = json!(2);
    v["duration_ms"] = json!(90_000);
    v["seed"] = json!(case);
    let mut script = vec![produce(1000, 20), produce(6000, 20), produce(12_000, 20)];
    for _ in 0..=rng.below(4) {
        let at = 2000 + rng.below(18_000);
        let back = at + 100 + rng.below(6_000);
        let (kind, node) = match rng.below(5) {
            0 | 1 => ("crash", format!("c{}", 1 + rng.below(2))),
            2 | 3 => ("stop", format!("c{}", 1 + rng.below(2))),
            _ => ("crash", format!("broker-{}", 1 + rng.below(3))),
        };
        script.push(fault(at, kind, &node));
        script.push(fault(back, "restart", &node));
    }
    v["script"] = Value::Array(script);
    v
}

const CASES: u64 = 40;

#[test]
fn process_then_commit_never_loses_and_sometimes_duplicates() {
    let mut duplicated_runs = 0;
    for case in 0..CASES {
        let (_, f) = play(scenario("sync_after_process", case));
        let l = &f.ledger;
        assert_eq!(l.lost, 0, "case {case}: nothing lost");
        assert_eq!(l.acknowledged, 60, "case {case}");
        assert_eq!(l.processed, 60, "case {case}: every message processed");
        duplicated_runs += u32::from(l.store_duplicates > 0);
    }
    eprintln!("process-then-commit: {duplicated_runs} of {CASES} schedules duplicated");
    assert!(
        duplicated_runs > 0,
        "no schedule produced a duplicate: at-least-once was never exercised"
    );
}

#[test]
fn commit_then_process_never_duplicates_and_sometimes_loses() {
    let mut lossy_runs = 0;
    for case in 0..CASES {
        let (_, f) = play(scenario("sync_before_process", case));
        let l = &f.ledger;
        assert_eq!(l.store_duplicates, 0, "case {case}: no duplicate rows");
        assert_eq!(l.acknowledged, 60, "case {case}");
        assert_eq!(
            l.processed + l.skipped,
            60,
            "case {case}: each message processed or skipped"
        );
        lossy_runs += u32::from(l.skipped > 0);
    }
    eprintln!("commit-then-process: {lossy_runs} of {CASES} schedules lost messages");
    assert!(
        lossy_runs > 0,
        "no schedule lost a message: at-most-once was never exercised"
    );
}

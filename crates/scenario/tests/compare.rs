//! Side-by-side comparison: the same scenario, seed and faults with one setting different.

use mqlab_scenario::compare::{kill_and_restart, CompareSpec, Lockstep};
use mqlab_scenario::{examples, ScenarioDoc};

fn example(id: &str) -> ScenarioDoc {
    examples().into_iter().find(|e| e.id == id).unwrap().doc
}

fn spec(example: &str, setting: &str, left: &str, right: &str) -> CompareSpec {
    CompareSpec {
        example: example.into(),
        setting: setting.into(),
        left: left.into(),
        right: right.into(),
        faults: Vec::new(),
    }
}

#[test]
fn k12_acks1_loses_what_acks_all_keeps_through_the_same_leader_crash() {
    let s = spec("kafka-acks1-leader-dies", "acks", "1", "all");
    let mut lock = Lockstep::new(&example(&s.example), &s).unwrap();
    let d = lock.divergence.clone().expect("they diverge");
    assert!(d.index > 0);
    assert!(d.what.en.contains("acknowledged"), "{}", d.what.en);
    let end = lock.times.len() - 1;
    lock.seek(end);
    let (l, r) = (lock.left.frame().ledger, lock.right.frame().ledger);
    assert!(l.lost > 0, "acks=1 loses acknowledged records");
    assert_eq!(r.lost, 0, "acks=all loses none");
    // Lockstep: both sides stand at the same simulated time (or their last step before it).
    lock.seek(d.index);
    let t = lock.times[d.index];
    assert!(lock.left.frame().time_ms <= t && lock.right.frame().time_ms <= t);
    assert!(lock.left.frame().time_ms == t || lock.right.frame().time_ms == t);
}

#[test]
fn r_transient_vs_persistent_through_a_scripted_restart() {
    let mut s = spec("rabbitmq-single-node", "persistent", "false", "true");
    s.faults = kill_and_restart("rabbit-1", 2_500, 4_000);
    let mut lock = Lockstep::new(&example(&s.example), &s).unwrap();
    assert!(lock.divergence.is_some());
    let end = lock.times.len() - 1;
    lock.seek(end);
    assert!(lock.left.frame().ledger.lost > 0);
    assert_eq!(lock.right.frame().ledger.lost, 0);
}

#[test]
fn auto_commit_duplicates_where_commit_first_loses() {
    let s = spec(
        "kafka-consumer-kill-before-commit",
        "commit",
        "auto",
        "sync_before_process",
    );
    let mut lock = Lockstep::new(&example(&s.example), &s).unwrap();
    let end = lock.times.len() - 1;
    lock.seek(end);
    let (l, r) = (lock.left.frame().ledger, lock.right.frame().ledger);
    assert!(l.store_duplicates > 0 && l.skipped == 0);
    assert!(r.skipped > 0 && r.store_duplicates == 0);
}

#[test]
fn an_impossible_comparison_says_why() {
    let doc = example("kafka-acks1-leader-dies");
    for (s, says) in [
        (spec("x", "acks", "1", "1"), "same value"),
        (spec("x", "acks", "1", "sometimes"), "acks"),
        (spec("x", "colour", "1", "2"), "colour"),
    ] {
        let e = Lockstep::new(&doc, &s).err().expect("refused");
        assert!(e.en.contains(says), "{}", e.en);
    }
}

#[test]
fn the_outcome_names_what_differs_at_the_end_and_when_it_first_did() {
    use mqlab_scenario::compare::Counter;
    let s = spec("kafka-acks1-leader-dies", "acks", "1", "all");
    let lock = Lockstep::new(&example(&s.example), &s).unwrap();
    let o = &lock.outcome;
    assert_eq!(o.left.lost, 5);
    assert_eq!(o.right.lost, 0);
    assert_eq!(o.decisive.len(), 1, "{:?}", o.decisive);
    let m = o.moment().unwrap();
    assert_eq!((m.counter, m.left, m.right), (Counter::Lost, 5, 0));
    // The first difference is an acknowledgement; the loss comes later, at the election.
    let d = lock.divergence.as_ref().unwrap();
    assert!(m.index > d.index);
    assert_eq!(m.time_ms, lock.times[m.index]);

    // Two counters part: the moment is the earlier one.
    let s = spec(
        "kafka-consumer-kill-before-commit",
        "commit",
        "auto",
        "sync_before_process",
    );
    let lock = Lockstep::new(&example(&s.example), &s).unwrap();
    let o = &lock.outcome;
    let counters: Vec<_> = o.decisive.iter().map(|d| d.counter).collect();
    assert_eq!(counters, [Counter::Skipped, Counter::StoreDuplicates]);
    // Skipped messages are not counted again as lost ones.
    assert_eq!(Counter::Lost.of(&o.right), 0);
    assert_eq!(o.moment().unwrap().counter, Counter::Skipped);
}

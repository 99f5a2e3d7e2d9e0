//! Kafka's own acceptance scenarios for its replication protocol, replayed on the model with
//! exact outcomes: `UncleanLeaderElectionTest`, `EpochDrivenReplicationProtocolAcceptanceTest`
//! (no divergent logs, fast leader changes, unclean elections without divergence), KIP-101's
//! high-watermark truncation (K16) and KIP-966's last replica standing. The scenario files are
//! in `scenarios/acceptance/` (the last one is a shipped example, `scenarios/`), so
//! `mqlab run` shows each one step by step.

mod play;

use mqlab_scenario::frame::{Fate, Frame};
use play::*;
use serde_json::{json, Value};

fn acceptance(name: &str) -> Value {
    let path = format!(
        "{}/../../scenarios/acceptance/kafka-acceptance-{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("an acceptance scenario parses")
}

/// The labels in one broker's log of orders-0, in offset order.
fn log_of(f: &Frame, broker: u32) -> Vec<String> {
    partition(f, "orders-0")
        .replicas
        .iter()
        .find(|r| r.broker == broker)
        .expect("a replica on that broker")
        .cells
        .iter()
        .map(|c| c.label.clone())
        .collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// No two replicas hold different records at an offset both hold: the logs never diverge.
fn assert_no_divergence(f: &Frame) {
    let p = partition(f, "orders-0");
    for a in &p.replicas {
        for b in &p.replicas {
            for (x, y) in a.cells.iter().zip(&b.cells) {
                assert_eq!(
                    (x.message, x.leader_epoch),
                    (y.message, y.leader_epoch),
                    "broker-{} and broker-{} differ at offset {}",
                    a.broker,
                    b.broker,
                    x.offset
                );
            }
        }
    }
}

#[test]
fn k18_acceptance_unclean_election_on_the_follower_leads_and_second_is_lost() {
    let mut p = load(acceptance("unclean-election"));
    let f = at_time(&mut p, 44000);
    assert_eq!(partition(&f, "orders-0").leader, Some(2));
    assert_eq!(log_of(&f, 2), strs(&["first-1", "third-1"]));
    assert_eq!(message(&f, "third-1").fate, Fate::Visible, "third succeeds");
    assert_eq!(labels(&f, Fate::Lost), vec!["second-1"]);
    let end = at_time(&mut p, 100000);
    assert_no_divergence(&end);
    assert_eq!(log_of(&end, 1), log_of(&end, 2), "the old leader truncated");
}

#[test]
fn k17_acceptance_unclean_election_off_stays_offline_then_hands_over_cleanly() {
    for elr in [false, true] {
        let mut v = acceptance("unclean-election");
        v["kafka"]["topics"][0]["unclean_leader_election"] = json!(false);
        v["kafka"]["eligible_leader_replicas"] = json!(elr);
        let mut p = load(v);
        let f = at_time(&mut p, 44000);
        assert_eq!(partition(&f, "orders-0").leader, None, "elr={elr}");
        assert_eq!(message(&f, "third-1").fate, Fate::Failed, "third fails");
        assert!(
            labels(&f, Fate::Visible).is_empty(),
            "nothing can be consumed"
        );
        let end = at_time(&mut p, 100000);
        assert_eq!(
            partition(&end, "orders-0").leader,
            Some(2),
            "clean hand-over"
        );
        assert_eq!(log_of(&end, 2), strs(&["first-1", "second-1", "third-2"]));
        assert_eq!(end.ledger.lost, 0);
    }
}

#[test]
fn k15_acceptance_no_divergent_logs_after_a_leader_loses_its_page_cache() {
    let (_, f) = play(acceptance("no-divergent-logs"));
    let old: Vec<String> = (1..=5).map(|i| format!("old-{i}")).collect();
    let new: Vec<String> = (1..=10).map(|i| format!("new-{i}")).collect();
    let expected: Vec<String> = old.into_iter().chain(new).collect();
    assert_eq!(log_of(&f, 1), expected);
    assert_eq!(log_of(&f, 2), expected, "the follower truncated by epoch");
    assert_eq!(
        labels(&f, Fate::Lost),
        (6..=10).map(|i| format!("old-{i}")).collect::<Vec<_>>()
    );
}

#[test]
fn k15_acceptance_fast_leader_changes_lose_nothing() {
    let (_, f) = play(acceptance("fast-leader-changes"));
    let p = partition(&f, "orders-0");
    assert!(p.leader_epoch >= 5, "leadership moved every round");
    let five = strs(&["m-1", "m-2", "m-3", "m-4", "m-5"]);
    assert_eq!(log_of(&f, 1), five);
    assert_eq!(log_of(&f, 2), five);
    assert!(p.replicas.iter().all(|r| r.log_end_offset == 5));
    assert_eq!(f.ledger.acknowledged, 5);
    assert_eq!(f.ledger.lost, 0);
}

#[test]
fn k18_acceptance_unclean_elections_with_acks1_lose_data_but_never_diverge() {
    // While a stale replica is down it may hold a suffix the new leader wrote differently;
    // once it is back and has fetched, the logs agree. Look at the end of every round.
    let v = acceptance("unclean-no-divergence");
    let mut p = load(v.clone());
    for round in 0..4 {
        let f = at_time(&mut p, 1000 + 45000 * round + 44000);
        assert_no_divergence(&f);
        assert_eq!(log_of(&f, 1).len(), log_of(&f, 2).len(), "round {round}");
    }
    let (_, f) = play(v);
    assert_eq!(log_of(&f, 1), log_of(&f, 2));
    assert_eq!(f.ledger.acknowledged, 24);
    assert_eq!(f.ledger.lost, 8, "acks=1 and unclean elections lose data");
}

fn kip101(version: &str) -> Frame {
    let mut v = acceptance("kip101");
    v["kafka"]["version"] = json!(version);
    play(v).1
}

#[test]
fn k16_before_kip101_truncating_to_the_high_watermark_loses_an_acknowledged_record() {
    let f = kip101("0.10");
    let m2 = message(&f, "m-2");
    assert!(m2.acked);
    assert_eq!(m2.fate, Fate::Lost);
    assert_eq!(partition(&f, "orders-0").leader, Some(2));
    assert_eq!(log_of(&f, 2), strs(&["m-1"]));
}

#[test]
fn k16_with_leader_epochs_the_same_restart_keeps_the_record() {
    let f = kip101("3.6");
    assert_eq!(partition(&f, "orders-0").leader, Some(2));
    assert_eq!(log_of(&f, 2), strs(&["m-1", "m-2"]));
    assert_eq!(f.ledger.lost, 0);
    // Kafka 4.x also takes the restarted broker out of the ISR (an unclean shutdown), so the
    // partition waits offline for broker-1 instead: nothing is lost either.
    let f = kip101("4.1");
    assert_eq!(partition(&f, "orders-0").leader, None);
    assert_eq!(f.ledger.lost, 0);
    assert_eq!(labels(&f, Fate::Unavailable), vec!["m-1", "m-2"]);
}

fn last_replica_standing(elr: bool) -> (mqlab_scenario::Player, Frame) {
    // Shipped as an example: the ELR lesson starts from it.
    let mut v = example("kafka-last-replica-standing");
    v["kafka"]["eligible_leader_replicas"] = json!(elr);
    play(v)
}

#[test]
fn kip966_acceptance_last_replica_standing_with_elr_loses_nothing() {
    let (mut p, f) = last_replica_standing(true);
    let acked = strs(&["order-4", "order-5", "order-6"]);
    for m in &acked {
        assert!(message(&f, m).acked, "{m} was acknowledged with ISR [1,2]");
        assert_eq!(message(&f, m).fate, Fate::Visible, "{m}");
    }
    assert_eq!(f.ledger.lost, 0);
    // After both links failed the ISR is [1] and broker-2 waits in the ELR.
    let before = at_time(&mut p, 26000);
    let p0 = partition(&before, "orders-0");
    assert_eq!((p0.isr.clone(), p0.elr.clone()), (vec![1], vec![2]));
    // broker-1 lost power: broker-2 is elected from the ELR.
    let after = at_time(&mut p, 38000);
    assert_eq!(partition(&after, "orders-0").leader, Some(2));
}

#[test]
fn kip966_acceptance_last_replica_standing_without_elr_loses_acknowledged_records() {
    let (_, f) = last_replica_standing(false);
    assert_eq!(partition(&f, "orders-0").leader, Some(1));
    for m in ["order-4", "order-5", "order-6"] {
        assert!(message(&f, m).acked);
        assert_eq!(message(&f, m).fate, Fate::Lost, "{m}");
    }
    assert_no_divergence(&f);
}

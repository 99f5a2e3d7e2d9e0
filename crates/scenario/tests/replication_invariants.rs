//! Kafka's replication invariants, checked after every step of random fault schedules on
//! random small clusters (proptest; a failing schedule is shrunk to a minimal one and printed
//! as a scenario document with the runner's seed).
//!
//! The invariants are those of Kafka's TLA+ replication specification
//! (hachikuji/kafka-specification, `KafkaReplication.tla`) and what Kafka 4.x promises:
//!
//! - **LeaderInIsr**: the controller's leader of a partition, when there is one, is in the
//!   controller's ISR (KRaft's `PartitionChangeBuilder` never records anything else).
//! - **CommittedPrefix** ("no two replicas differ below the HW"): any two replicas hold the
//!   same records (message and leader epoch) below the smaller of their high watermarks. A
//!   follower may hold a diverging uncommitted suffix above its own HW until it truncates.
//! - **StrongIsr**: every replica that presumes leadership (it acts as leader, zombies
//!   included) has every record below its HW on every member of the controller's ISR, and,
//!   with KIP-966, of its ELR (replicas that hold everything up to the HW).
//! - **NeverLost**: with acks=all and unclean election off, an acknowledged message is never
//!   lost (its ledger fate is never `Lost`). Without a power loss the page cache survives a
//!   kill -9, so the last ISR member always keeps its log, whatever min.insync.replicas is.
//! - **Converged** (every config): after a quiet period with every link healed and every
//!   broker up, each partition has a live leader, a full ISR, and every replica's log is the
//!   leader's (data may be lost under unsafe settings, but logs never stay diverged).
//!
//! - **Durable** (power-loss search only): every acknowledged message is on some replica the
//!   controller could elect cleanly (ISR, ELR, leader, last known leader). The ledger's fate
//!   is checked at the end there: until the controller hears of the unclean shutdown, a
//!   restarted leader that lost the tail counts its messages as lost for a step or two.
//!
//! CommittedPrefix and StrongIsr hold only in clean configurations (unclean election off, no
//! power loss); NeverLost also needs acks=all. The same search must *find* acknowledged
//! messages lost with acks=1 and with unclean leader election, and unclean elections breaking
//! CommittedPrefix and StrongIsr, or the test could not fail. Schedules that broke invariants
//! (model defects since fixed) are kept at the end as regression tests.
//!
//! Each search runs with a fixed seed (reproducible in CI); `MQLAB_PROPTEST_SEED=<u64>`
//! explores other seeds.
#![cfg(not(target_arch = "wasm32"))]

use mqlab_engine::{NodeId, World};
use mqlab_kafka::{Kafka, Log, Tp};
use mqlab_ledger::Fate;
use mqlab_scenario::{Command, Player, ScenarioDoc};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::time::Instant;

/// Faults happen in [0, FAULTS_UNTIL_MS); then every link is healed and every broker
/// restarted, and the run ends at END_MS after a quiet period.
const FAULTS_UNTIL_MS: u64 = 10_000;
const HEAL_AT_MS: u64 = 11_000;
const END_MS: u64 = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// acks=all or acks=1, unclean off, no power loss: every invariant, and NeverLost for
    /// acks=all.
    Clean,
    /// acks=1, unclean off: every invariant but NeverLost, which must fail somewhere.
    Acks1,
    /// unclean.leader.election.enable=true, acks=all: LeaderInIsr and Converged; NeverLost
    /// must fail somewhere.
    Unclean,
    /// acks=all, min.insync.replicas ≥ 2, ELR on, unclean off, exactly one unclean shutdown
    /// (a power loss losing unflushed records; no kill -9 and no stop, which KIP-966 may also
    /// count as unclean): at most min.insync.replicas − 1 unclean shutdowns, which KIP-966
    /// tolerates.
    /// LeaderInIsr, Durable, NeverLost at the end, Converged.
    PowerLoss,
}

#[derive(Clone, Debug)]
struct Cluster {
    brokers: u32,
    rf: u32,
    partitions: u32,
    min_isr: u32,
    acks_all: bool,
    unclean: bool,
    version: &'static str,
    elr: bool,
    rebalance: bool,
    seed: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Crash,
    Stop,
    Restart,
    Isolate,
    Reconnect,
    CutLink,
    HealLink,
    HealAll,
    PowerLoss(u32),
}

/// When a fault happens: at a time, or a little after a produce burst (where acks=1 and
/// unclean elections lose data, and where a crash catches records not yet replicated).
#[derive(Clone, Copy, Debug)]
enum When {
    At(u64),
    AfterBurst(u32, u64),
}

#[derive(Clone, Debug)]
struct Fault {
    when: When,
    kind: Kind,
    /// Node choices, taken modulo the nodes that fit the fault.
    a: u32,
    b: u32,
}

#[derive(Clone, Debug)]
struct Schedule {
    mode: Mode,
    cluster: Cluster,
    /// (time, count) of produce bursts.
    produce: Vec<(u64, u32)>,
    faults: Vec<Fault>,
}

// ---- Strategies ----

fn cluster(mode: Mode) -> impl Strategy<Value = Cluster> {
    (
        (2u32..=4, 2u32..=3, 1u32..=2, 0u32..3),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        0u64..1000,
    )
        .prop_map(
            move |((brokers, rf, partitions, min_isr), (acks_all, v41, elr, rebalance), seed)| {
                let brokers = brokers.max(rf);
                let mut c = Cluster {
                    brokers,
                    rf,
                    partitions,
                    min_isr: 1 + min_isr % rf,
                    acks_all,
                    unclean: false,
                    version: if v41 { "4.1" } else { "4.0" },
                    elr,
                    rebalance,
                    seed,
                };
                match mode {
                    Mode::Clean => {}
                    Mode::Acks1 => c.acks_all = false,
                    Mode::Unclean => {
                        c.acks_all = true;
                        c.unclean = true;
                        // Mostly min.insync.replicas=1, where the unclean leader's high
                        // watermark moves on alone (its usual company).
                        c.min_isr = 1 + (min_isr / 2) % rf;
                    }
                    Mode::PowerLoss => {
                        c.acks_all = true;
                        c.rf = 3;
                        c.brokers = c.brokers.max(3);
                        c.min_isr = 2 + min_isr % 2;
                        c.version = "4.1";
                        c.elr = true;
                    }
                }
                c
            },
        )
}

fn kind(mode: Mode) -> BoxedStrategy<Kind> {
    let common = prop_oneof![
        3 => Just(Kind::Crash),
        2 => Just(Kind::Stop),
        3 => Just(Kind::Restart),
        2 => Just(Kind::Isolate),
        1 => Just(Kind::Reconnect),
        2 => Just(Kind::CutLink),
        1 => Just(Kind::HealLink),
        1 => Just(Kind::HealAll),
    ];
    match mode {
        // kill -9 is an unclean shutdown too (KIP-966), and so is a graceful stop of a life
        // that never registered (Kafka writes broker epoch -1 into its clean shutdown file;
        // found with seeds 30 and 36: a second "unclean" broker leaves the ELR and the one
        // that lost its tail is elected as the last known leader). The one power loss is
        // the only unclean shutdown here, so brokers are not stopped or killed at all.
        Mode::PowerLoss => common
            .prop_map(|k| match k {
                Kind::Crash | Kind::Stop => Kind::Restart,
                k => k,
            })
            .boxed(),
        _ => common.boxed(),
    }
}

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        (0..FAULTS_UNTIL_MS).prop_map(When::At),
        (0u32..8, 0u64..1500).prop_map(|(i, d)| When::AfterBurst(i, d)),
    ]
}

/// A node choice, leaning to the first (broker-1, the first partition's first leader; the
/// controller among all nodes), which shrinking also heads for.
fn node() -> impl Strategy<Value = u32> {
    prop_oneof![1 => Just(0u32), 2 => 0u32..16]
}

fn fault(mode: Mode) -> impl Strategy<Value = Fault> {
    (when(), kind(mode), node(), node()).prop_map(|(when, kind, a, b)| Fault { when, kind, a, b })
}

fn schedule(mode: Mode) -> impl Strategy<Value = Schedule> {
    let power_loss = (when(), 1u32..=4, node());
    (
        cluster(mode),
        prop::collection::vec((0..FAULTS_UNTIL_MS, 1u32..=6), 1..=5),
        prop::collection::vec(fault(mode), 1..=8),
        power_loss,
    )
        .prop_map(
            move |(cluster, produce, mut faults, (when, unflushed, a))| {
                if mode == Mode::PowerLoss {
                    faults.push(Fault {
                        when,
                        kind: Kind::PowerLoss(unflushed),
                        a,
                        b: 0,
                    });
                }
                Schedule {
                    mode,
                    cluster,
                    produce,
                    faults,
                }
            },
        )
}

// ---- The scenario document ----

fn broker(c: &Cluster, i: u32) -> String {
    format!("broker-{}", 1 + i % c.brokers)
}

/// The controller, the brokers and the producer: what links and isolation apply to.
fn any_node(c: &Cluster, i: u32) -> String {
    match i % (c.brokers + 2) {
        0 => "controller".to_string(),
        n if n <= c.brokers => format!("broker-{n}"),
        _ => "app".to_string(),
    }
}

fn document(s: &Schedule) -> Value {
    let c = &s.cluster;
    let mut script: Vec<(u64, Value)> = Vec::new();
    for &(at, count) in &s.produce {
        script.push((
            at,
            json!({ "at_ms": at, "do": "produce", "producer": "app", "topic": "orders", "count": count, "key": "m" }),
        ));
    }
    for f in &s.faults {
        let at = match f.when {
            When::At(t) => t,
            When::AfterBurst(i, d) => {
                (s.produce[i as usize % s.produce.len()].0 + d).min(FAULTS_UNTIL_MS)
            }
        };
        let entry = match f.kind {
            Kind::Crash => json!({ "do": "crash", "node": broker(c, f.a) }),
            Kind::Stop => json!({ "do": "stop", "node": broker(c, f.a) }),
            Kind::Restart => json!({ "do": "restart", "node": broker(c, f.a) }),
            Kind::PowerLoss(n) => {
                json!({ "do": "power_loss", "node": broker(c, f.a), "unflushed": n })
            }
            Kind::Isolate => json!({ "do": "isolate", "node": any_node(c, f.a) }),
            Kind::Reconnect => json!({ "do": "reconnect", "node": any_node(c, f.a) }),
            Kind::CutLink | Kind::HealLink => {
                let nodes = c.brokers + 2;
                let a = f.a % nodes;
                let b = if f.b % nodes == a {
                    (a + 1) % nodes
                } else {
                    f.b % nodes
                };
                let what = if f.kind == Kind::CutLink {
                    "cut_link"
                } else {
                    "heal_link"
                };
                json!({ "do": what, "a": any_node(c, a), "b": any_node(c, b) })
            }
            Kind::HealAll => json!({ "do": "heal_all" }),
        };
        let mut entry = entry;
        entry["at_ms"] = json!(at);
        script.push((at, entry));
    }
    // Stable: entries at the same time keep their order (the world's event queue does too).
    script.sort_by_key(|(at, _)| *at);
    let mut script: Vec<Value> = script.into_iter().map(|(_, v)| v).collect();
    script.push(json!({ "at_ms": HEAL_AT_MS, "do": "heal_all" }));
    for b in 1..=c.brokers {
        script.push(json!({ "at_ms": HEAL_AT_MS, "do": "restart", "node": format!("broker-{b}") }));
    }
    json!({
        "id": "replication-invariants",
        "title": { "en": "replication invariants", "zh": "复制不变量" },
        "seed": c.seed,
        "duration_ms": END_MS,
        "kafka": {
            "brokers": c.brokers,
            "topics": [{
                "name": "orders", "partitions": c.partitions, "replication_factor": c.rf,
                "min_insync_replicas": c.min_isr, "unclean_leader_election": c.unclean
            }],
            "auto_leader_rebalance": c.rebalance,
            "version": c.version,
            "eligible_leader_replicas": c.elr,
            "timing": {
                "heartbeat_interval_ms": 200, "session_timeout_ms": 900,
                "replica_lag_time_max_ms": 3000, "replica_fetch_wait_max_ms": 500,
                "replica_socket_timeout_ms": 1500, "leader_imbalance_check_interval_ms": 4000
            }
        },
        "producers": [{
            "name": "app", "acks": if c.acks_all { "all" } else { "1" },
            "request_timeout_ms": 1500, "delivery_timeout_ms": 6000, "retry_backoff_ms": 100
        }],
        "script": script
    })
}

// ---- The invariants ----

/// What a run found besides the invariants it promises.
#[derive(Default)]
struct Run {
    steps: u64,
    /// Acknowledged messages lost at the end of the run, and how many were acknowledged.
    lost: usize,
    acked: usize,
    /// Leader elections (the sum of the final leader epochs).
    elections: u64,
    /// Steps at which a broker still acted as the leader of a partition the controller had
    /// given to another (a zombie: StrongIsr must hold for it too).
    zombie_steps: u64,
    /// The first step at which each clean invariant failed, in a run that does not promise it.
    broke_committed_prefix: Option<String>,
    broke_strong_isr: Option<String>,
}

/// Which invariants the schedule's configuration promises.
struct Promises {
    clean: bool,
    never_lost: bool,
}

fn promises(s: &Schedule) -> Promises {
    let c = &s.cluster;
    let clean = !c.unclean && s.mode != Mode::PowerLoss;
    Promises {
        clean,
        never_lost: c.acks_all && !c.unclean,
    }
}

/// Records as (message, epoch): what the spec's `HasEntry` compares.
fn entry(log: &Log, offset: u64) -> Option<(u32, u32)> {
    log.records
        .get(offset as usize)
        .map(|r| (r.message.0, r.epoch))
}

fn replica_logs(k: &Kafka, tp: Tp, replicas: &[NodeId]) -> Vec<(NodeId, Log)> {
    replicas
        .iter()
        .map(|&b| {
            let log = k
                .broker(b)
                .and_then(|br| br.logs.get(&tp))
                .cloned()
                .unwrap_or_default();
            (b, log)
        })
        .collect()
}

/// The first offset below `end` where `b` does not hold what `a` holds.
fn first_difference(a: &Log, b: &Log, end: u64) -> Option<u64> {
    (0..end).find(|&o| entry(a, o) != entry(b, o))
}

fn leader_in_isr(k: &Kafka) -> Result<(), String> {
    for (&tp, p) in k.metadata().partitions.iter() {
        if let Some(l) = p.leader {
            if !p.isr.contains(&l) {
                return Err(format!(
                    "LeaderInIsr: {} leader {} not in ISR {:?}",
                    k.tp_name(tp),
                    l.0,
                    ids(&p.isr)
                ));
            }
        }
    }
    Ok(())
}

fn committed_prefix(k: &Kafka) -> Result<(), String> {
    for (&tp, p) in k.metadata().partitions.iter() {
        let logs = replica_logs(k, tp, &p.replicas);
        for (i, (a, la)) in logs.iter().enumerate() {
            for (b, lb) in &logs[i + 1..] {
                let end = la
                    .high_watermark
                    .min(lb.high_watermark)
                    .min(la.log_end_offset())
                    .min(lb.log_end_offset());
                if let Some(o) = first_difference(la, lb, end) {
                    return Err(format!(
                        "CommittedPrefix: {} offset {o} below both HWs ({} on broker {}, {} on broker {}) differs: {:?} vs {:?}",
                        k.tp_name(tp), la.high_watermark, a.0, lb.high_watermark, b.0,
                        entry(la, o), entry(lb, o)
                    ));
                }
            }
        }
    }
    Ok(())
}

fn strong_isr(w: &World<Kafka>) -> Result<(), String> {
    let k = w.model();
    for (&tp, p) in k.metadata().partitions.iter() {
        for &r1 in &p.replicas {
            let Some(presumed) = k
                .broker(r1)
                .filter(|br| w.is_up(r1) && br.acts_as_leader(tp))
            else {
                continue;
            };
            let Some(l1) = presumed.logs.get(&tp) else {
                continue;
            };
            let hw = l1.high_watermark;
            for (r2, l2) in replica_logs(k, tp, &p.isr) {
                if let Some(o) = first_difference(l1, &l2, hw) {
                    return Err(format!(
                        "StrongIsr: {} presumed leader {} has HW {hw}, ISR member {} (ISR {:?}) lacks offset {o}: {:?} vs {:?}",
                        k.tp_name(tp), r1.0, r2.0, ids(&p.isr), entry(l1, o), entry(&l2, o)
                    ));
                }
            }
            for (r2, l2) in replica_logs(k, tp, &p.elr) {
                if let Some(o) = first_difference(l1, &l2, hw) {
                    return Err(format!(
                        "StrongIsr (ELR): {} presumed leader {} has HW {hw}, ELR member {} (ELR {:?}) lacks offset {o}: {:?} vs {:?}",
                        k.tp_name(tp), r1.0, r2.0, ids(&p.elr), entry(l1, o), entry(&l2, o)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Acknowledged messages whose fate is `Lost`, by label.
fn lost(w: &World<Kafka>) -> Vec<String> {
    let k = w.model();
    let placements = k.placements(|n| w.is_up(n));
    k.ledger()
        .records()
        .iter()
        .zip(&placements)
        .filter(|(r, p)| r.is_acknowledged() && Fate::of(r, p) == Fate::Lost)
        .map(|(r, _)| r.label.clone())
        .collect()
}

/// With a power loss the controller learns late that a broker lost the tail of its log: until
/// it does, the ledger may count a message lost on a leader that came back without it and does
/// not lead yet. What must hold at every step is that some replica the controller could still
/// elect without an unclean election (the ISR, the ELR, the leader, the last known leader)
/// holds every acknowledged message; the ledger's fate is checked at the end.
fn durable(k: &Kafka) -> Result<(), String> {
    let meta = k.metadata();
    for record in k.ledger().records().iter().filter(|r| r.is_acknowledged()) {
        let Some((&tp, p)) = meta
            .partitions
            .iter()
            .find(|(&tp, _)| k.tp_name(tp) == record.destination)
        else {
            continue;
        };
        let electable: Vec<NodeId> = p
            .isr
            .iter()
            .chain(&p.elr)
            .chain(p.leader.iter())
            .chain(p.last_known_leader.iter())
            .copied()
            .collect();
        let held = electable.iter().any(|&b| {
            k.broker(b)
                .and_then(|br| br.logs.get(&tp))
                .is_some_and(|log| log.records.iter().any(|r| r.message == record.id))
        });
        if !held {
            return Err(format!(
                "Durable: acknowledged {} is on no electable replica of {} (ISR {:?}, ELR {:?}, leader {:?}, last known leader {:?})",
                record.label,
                k.tp_name(tp),
                ids(&p.isr),
                ids(&p.elr),
                p.leader.map(|n| n.0),
                p.last_known_leader.map(|n| n.0)
            ));
        }
    }
    Ok(())
}

fn converged(w: &World<Kafka>) -> Result<(), String> {
    let k = w.model();
    for (&tp, p) in k.metadata().partitions.iter() {
        let name = k.tp_name(tp);
        let Some(l) = p.leader else {
            return Err(format!("Converged: {name} has no leader"));
        };
        if !w.is_up(l) || !k.broker(l).is_some_and(|b| b.acts_as_leader(tp)) {
            return Err(format!(
                "Converged: {name} leader {} is down or does not act as leader",
                l.0
            ));
        }
        let mut isr = p.isr.clone();
        isr.sort();
        let mut all = p.replicas.clone();
        all.sort();
        if isr != all {
            return Err(format!(
                "Converged: {name} ISR {:?} is not every replica {:?}",
                ids(&isr),
                ids(&all)
            ));
        }
        let logs = replica_logs(k, tp, &p.replicas);
        let leader_log = &logs.iter().find(|(b, _)| *b == l).expect("leader's log").1;
        for (b, log) in &logs {
            let end = leader_log.log_end_offset().max(log.log_end_offset());
            if let Some(o) = first_difference(leader_log, log, end) {
                return Err(format!(
                    "Converged: {name} broker {}'s log differs from leader {}'s at offset {o}: {:?} vs {:?} (LEOs {} and {})",
                    b.0, l.0, entry(log, o), entry(leader_log, o),
                    log.log_end_offset(), leader_log.log_end_offset()
                ));
            }
        }
    }
    Ok(())
}

fn ids(v: &[NodeId]) -> Vec<u32> {
    v.iter().map(|n| n.0).collect()
}

/// Steps at which some partition has a zombie leader.
fn has_zombie(w: &World<Kafka>) -> bool {
    let k = w.model();
    k.metadata().partitions.iter().any(|(&tp, p)| {
        k.brokers()
            .any(|b| w.is_up(b.id) && b.acts_as_leader(tp) && p.leader != Some(b.id))
    })
}

/// Play the schedule, checking after every step what its configuration promises.
fn run(s: &Schedule) -> Result<Run, String> {
    run_doc(document(s), promises(s))
}

fn run_doc(doc: Value, promised: Promises) -> Result<Run, String> {
    let doc = ScenarioDoc::from_value(&doc).expect("scenario shape");
    let mut p = Player::load(doc).unwrap_or_else(|e| panic!("invalid scenario: {e}"));
    assert!(!p.truncated(), "the trace hit the step limit");
    let mut r = Run {
        steps: p.total_steps(),
        ..Run::default()
    };
    for step in 1..=r.steps {
        p.apply(Command::Forward).unwrap();
        let w = p.kafka_world().expect("a Kafka scenario");
        let k = w.model();
        let at = |e: String| format!("step {step} at {} ms: {e}", w.now());
        leader_in_isr(k).map_err(at)?;
        r.zombie_steps += u64::from(has_zombie(w));
        if promised.clean {
            committed_prefix(k).map_err(at)?;
            strong_isr(w).map_err(at)?;
        } else {
            // Not promised here: recorded, to show the checks bite on a real violation.
            if r.broke_committed_prefix.is_none() {
                r.broke_committed_prefix = committed_prefix(k).err().map(at);
            }
            if r.broke_strong_isr.is_none() {
                r.broke_strong_isr = strong_isr(w).err().map(at);
            }
        }
        if promised.never_lost && !promised.clean {
            durable(k).map_err(at)?;
        } else if promised.never_lost {
            let gone = lost(w);
            if !gone.is_empty() {
                return Err(at(format!("NeverLost: acknowledged and lost: {gone:?}")));
            }
        }
    }
    let w = p.kafka_world().expect("a Kafka scenario");
    let end = |e: String| format!("at the end ({} ms): {e}", w.now());
    converged(w).map_err(end)?;
    let gone = lost(w);
    if promised.never_lost && !gone.is_empty() {
        return Err(end(format!("NeverLost: acknowledged and lost: {gone:?}")));
    }
    let k = w.model();
    r.lost = gone.len();
    r.acked = k
        .ledger()
        .records()
        .iter()
        .filter(|m| m.is_acknowledged())
        .count();
    r.elections = k
        .metadata()
        .partitions
        .iter()
        .map(|(_, p)| u64::from(p.leader_epoch))
        .sum();
    Ok(r)
}

// ---- The searches ----

fn seed(default: u64) -> u64 {
    std::env::var("MQLAB_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn runner(cases: u32, seed: u64) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 400,
        ..Config::default()
    })
}

/// Totals over the schedules of one search.
#[derive(Default)]
struct Figures {
    schedules: u64,
    steps: u64,
    losing: u64,
    electing: u64,
    with_zombies: u64,
    broke_committed_prefix: Vec<String>,
    broke_strong_isr: Vec<String>,
}

impl Figures {
    fn add(&mut self, r: &Run) {
        self.schedules += 1;
        self.steps += r.steps;
        self.losing += u64::from(r.lost > 0);
        self.electing += u64::from(r.elections > 0);
        self.with_zombies += u64::from(r.zombie_steps > 0);
        self.broke_committed_prefix
            .extend(r.broke_committed_prefix.clone());
        self.broke_strong_isr.extend(r.broke_strong_isr.clone());
    }

    fn report(&self, name: &str, seed: u64, started: Instant) {
        eprintln!(
            "{name} (seed {seed}): {} schedules, {} steps checked in {:.1} s; {} with a leader election, {} with a zombie leader, {} lost acknowledged messages (where the settings allow it)",
            self.schedules,
            self.steps,
            started.elapsed().as_secs_f64(),
            self.electing,
            self.with_zombies,
            self.losing,
        );
    }
}

fn minimal(name: &str, seed: u64, reason: &str, s: &Schedule) -> String {
    format!(
        "{name} (MQLAB_PROPTEST_SEED={seed}): {reason}\nminimal schedule ({:?}):\n{}",
        s.mode,
        serde_json::to_string_pretty(&document(s)).unwrap()
    )
}

/// Run `cases` schedules: every invariant the configuration promises must hold after every
/// step (a failing schedule is shrunk and printed). Returns the totals.
fn search(name: &str, mode: Mode, cases: u32, seed: u64) -> Figures {
    let started = Instant::now();
    let figures = RefCell::new(Figures::default());
    let result = runner(cases, seed).run(&schedule(mode), |s| {
        let r = run(&s).map_err(TestCaseError::fail)?;
        figures.borrow_mut().add(&r);
        Ok(())
    });
    let figures = figures.into_inner();
    figures.report(name, seed, started);
    match result {
        Ok(()) => figures,
        Err(TestError::Fail(reason, s)) => {
            panic!("{}", minimal(name, seed, reason.message(), &s))
        }
        Err(TestError::Abort(reason)) => panic!("{name}: aborted: {reason}"),
    }
}

/// The same search again, failing on the first schedule that loses an acknowledged message:
/// proptest shrinks it to a minimal one, printed here.
fn shrink_a_loss(name: &str, mode: Mode, cases: u32, seed: u64) {
    let result = runner(cases, seed).run(&schedule(mode), |s| {
        let r = run(&s).map_err(TestCaseError::fail)?;
        if r.lost > 0 {
            return Err(TestCaseError::fail(format!(
                "LOSS: lost {} of {} acknowledged messages",
                r.lost, r.acked
            )));
        }
        Ok(())
    });
    match result {
        Err(TestError::Fail(reason, s)) if reason.message().starts_with("LOSS") => {
            eprintln!("{}", minimal(name, seed, reason.message(), &s));
        }
        Err(TestError::Fail(reason, s)) => {
            panic!("{}", minimal(name, seed, reason.message(), &s))
        }
        Err(TestError::Abort(reason)) => panic!("{name}: aborted: {reason}"),
        Ok(()) => panic!("{name}: the loss found before was not found again"),
    }
}

#[test]
fn clean_configs_keep_every_invariant_after_every_step() {
    let f = search("clean", Mode::Clean, 500, seed(1));
    // The search exercises what the invariants are about.
    assert!(f.electing > f.schedules / 2, "too few leader elections");
    assert!(f.with_zombies > 0, "no zombie leader in any schedule");
}

#[test]
fn acks1_loses_acknowledged_messages_in_some_schedule() {
    let seed = seed(2);
    let f = search("acks=1", Mode::Acks1, 200, seed);
    assert!(
        f.losing > 0,
        "acks=1: no schedule lost an acknowledged message: the search cannot tell it from acks=all"
    );
    shrink_a_loss("acks=1", Mode::Acks1, 200, seed);
}

#[test]
fn unclean_election_loses_acknowledged_messages_in_some_schedule() {
    let seed = seed(3);
    let f = search("unclean", Mode::Unclean, 300, seed);
    assert!(
        f.losing > 0,
        "unclean election: no schedule lost an acknowledged message: the search cannot tell it from a clean election"
    );
    // An unclean leader that a stale zombie still trails breaks StrongIsr (a handful of
    // schedules in 300 with the CI seed); CommittedPrefix breaks more rarely, so the fixed
    // schedule of the next test shows it.
    assert!(
        !f.broke_strong_isr.is_empty(),
        "no unclean election broke StrongIsr"
    );
    eprintln!(
        "unclean: CommittedPrefix broken in {} schedules, StrongIsr in {}",
        f.broke_committed_prefix.len(),
        f.broke_strong_isr.len()
    );
}

#[test]
fn unclean_elections_break_committed_prefix() {
    // Kafka's own acceptance schedule (acks=1, unclean election on, brokers killed in turn):
    // an unclean leader writes new records where the stale replica, down, still holds
    // committed ones: CommittedPrefix must fail on it at some step.
    let path = format!(
        "{}/../../scenarios/acceptance/kafka-acceptance-unclean-no-divergence.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let run = run_doc(
        doc,
        Promises {
            clean: false,
            never_lost: false,
        },
    )
    .expect("LeaderInIsr and Converged hold even with unclean elections");
    assert!(
        run.broke_committed_prefix.is_some(),
        "no unclean election broke CommittedPrefix"
    );
    assert!(run.lost > 0);
}

#[test]
fn one_power_loss_with_elr_and_min_isr_2_loses_nothing() {
    search("power loss", Mode::PowerLoss, 200, seed(4));
}

// ---- Model bugs the search found, as fixed schedules ----
//
// Minimal schedules (shrunk by proptest, then trimmed by hand) that break an invariant Kafka
// keeps. Each failed against the model before the fix its comment names.

/// A minimal schedule found by the search, replayed with the same checks.
fn replay(mode: Mode, cluster: Cluster, script: Value) -> Result<Run, String> {
    let s = Schedule {
        mode,
        cluster,
        produce: Vec::new(),
        faults: Vec::new(),
    };
    let mut doc = document(&s);
    // The document of an empty schedule is the heal-and-restart tail alone.
    let mut entries = script.as_array().expect("a script").clone();
    entries.extend(doc["script"].as_array().expect("the tail").iter().cloned());
    doc["script"] = Value::Array(entries);
    eprintln!("{}", serde_json::to_string(&doc).unwrap());
    run_doc(doc, promises(&s))
}

fn two_brokers(min_isr: u32, acks_all: bool) -> Cluster {
    Cluster {
        brokers: 2,
        rf: 2,
        partitions: 1,
        min_isr,
        acks_all,
        unclean: false,
        version: "4.0",
        elr: false,
        rebalance: true,
        seed: 0,
    }
}

fn produce_at(at: u64) -> Value {
    json!({ "at_ms": at, "do": "produce", "producer": "app", "topic": "orders", "count": 1, "key": "m" })
}

/// Found with MQLAB_PROPTEST_SEED=22 (clean). broker-1 is made leader (epoch 2) by a preferred
/// election racing its controlled shutdown and stops before appending: its leader-epoch
/// checkpoint ends with an empty epoch 2 at offset 3. Restarted, it follows broker-2 (epoch 3)
/// and fetches with `last_fetched_epoch` = the epoch of its last *record* (1) rather than the
/// latest epoch of its checkpoint (2), as Kafka's `AbstractFetcherThread` does
/// (`latestEpoch(tp)` = `UnifiedLog.latestEpoch`); the leader finds no divergence, and the
/// follower appends an epoch-1 record after its epoch-2 entry. Leading again (epoch 4), it
/// answers OffsetsForLeaderEpoch(1) with offset 3 instead of 4: broker-2 truncates the
/// committed m-4 below the leader's HW (StrongIsr), fetches it again, truncates again, for
/// ever (~1300 round trips until the end; broker-2 never rejoins the ISR).
#[test]

fn regression_a_follower_fetches_with_its_checkpoints_latest_epoch() {
    let script = json!([
        produce_at(0),
        produce_at(0),
        { "at_ms": 3401, "do": "crash", "node": "broker-1" },
        { "at_ms": 4161, "do": "restart", "node": "broker-1" },
        produce_at(5068),
        { "at_ms": 5455, "do": "cut_link", "a": "broker-1", "b": "broker-2" },
        produce_at(6601),
        { "at_ms": 7998, "do": "stop", "node": "broker-1" }
    ]);
    if let Err(e) = replay(Mode::Clean, two_brokers(1, false), script) {
        panic!("{e}");
    }
}

/// Found with MQLAB_PROPTEST_SEED=31 (unclean; the same with unclean off). The leader's
/// AlterPartition (adding broker-2 back) is lost on a link cut for 160 ms; the model never
/// sends it again and keeps it pending, so the ISR can never change again: broker-2 stays out
/// of the ISR for ever although caught up. Kafka's NodeToControllerChannelManager re-queues a
/// request whose connection dropped (`wasDisconnected`), so AlterPartition is retried.
#[test]

fn regression_a_lost_alter_partition_is_sent_again() {
    let cluster = Cluster {
        brokers: 3,
        rf: 3,
        min_isr: 2,
        acks_all: true,
        rebalance: false,
        ..two_brokers(2, true)
    };
    let script = json!([
        produce_at(0),
        { "at_ms": 3403, "do": "cut_link", "a": "controller", "b": "broker-2" },
        produce_at(6849),
        produce_at(7894),
        { "at_ms": 7894, "do": "cut_link", "a": "controller", "b": "broker-1" },
        { "at_ms": 8054, "do": "heal_all" }
    ]);
    if let Err(e) = replay(Mode::Clean, cluster, script) {
        panic!("{e}");
    }
}

/// Found with MQLAB_PROPTEST_SEED=26 (power loss). broker-1 loses m-2 to a power loss while
/// the controller is isolated (it fences everyone: ISR [], ELR [1,3]); it restarts (its
/// registration cannot reach the controller) and stops cleanly. When it registers at last the
/// model sees a clean shutdown and elects it from the ELR: acknowledged m-2 is lost although
/// broker-3 (in the ELR) has it. Kafka compares the broker epoch in the clean-shutdown file
/// with the one it registered last (`previousBrokerEpoch`, KIP-966): the life in between never
/// registered, so they differ and the registration counts as an unclean shutdown.
#[test]

fn regression_a_life_that_never_registered_cannot_hide_a_power_loss() {
    let cluster = Cluster {
        brokers: 3,
        rf: 3,
        partitions: 1,
        min_isr: 2,
        acks_all: true,
        unclean: false,
        version: "4.1",
        elr: true,
        rebalance: false,
        seed: 208,
    };
    let script = json!([
        produce_at(0),
        produce_at(140),
        { "at_ms": 601, "do": "power_loss", "node": "broker-1", "unflushed": 1 },
        produce_at(735),
        { "at_ms": 801, "do": "stop", "node": "broker-2" },
        { "at_ms": 802, "do": "isolate", "node": "controller" },
        { "at_ms": 1599, "do": "restart", "node": "broker-1" },
        { "at_ms": 2127, "do": "stop", "node": "broker-1" }
    ]);
    if let Err(e) = replay(Mode::PowerLoss, cluster, script) {
        panic!("{e}");
    }
}

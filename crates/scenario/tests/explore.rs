//! The counterexample search (issue 17): for each configuration the issue names, the search
//! finds the failure it should, or explores its bounds and finds none. Outcomes are read on
//! the ledger of the counterexample's scenario, replayed by the player.

use mqlab_scenario::explore::{without_faults, Bounds, Explorer, FaultKind, Outcome, Property};
use mqlab_scenario::{Command, Player, ScenarioDoc};
use serde_json::{json, Value};

fn doc(value: Value) -> ScenarioDoc {
    ScenarioDoc::from_value(&value).expect("a valid test scenario")
}

fn example(name: &str) -> ScenarioDoc {
    let path = format!("{}/../../scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the example exists");
    without_faults(&ScenarioDoc::parse(&text).expect("the example parses"))
}

fn search(doc: ScenarioDoc, property: Property, faults: u32) -> Outcome {
    let bounds = Bounds {
        faults,
        ..Bounds::default()
    };
    Explorer::new(doc, property, bounds)
        .expect("the search starts")
        .run_to_end()
}

/// The counterexample, checked: its scenario, replayed, ends with the property broken, and
/// the moment reported is one where the victim already is a victim.
fn found(outcome: Outcome, property: Property) -> mqlab_scenario::explore::Counterexample {
    let Outcome::Found(c) = outcome else {
        panic!("expected a counterexample, got {outcome:?}")
    };
    let mut player = Player::load(c.doc.clone()).expect("the counterexample loads");
    player.apply(Command::End).unwrap();
    let end = player.frame().ledger;
    let broken = match property {
        Property::LostAcked => end.lost,
        Property::Duplicated => end.duplicated + end.store_duplicates,
        Property::OrderBroken => end.out_of_order,
    };
    assert!(
        broken > 0,
        "the replayed counterexample breaks {property:?}: {end:?}"
    );
    player.apply(Command::Seek(c.step)).unwrap();
    let victim = c.victim.clone().expect("a victim is named");
    let at = player.frame();
    assert!(
        at.messages.iter().any(|m| m.label == victim),
        "the victim {victim} exists at step {}",
        c.step
    );
    assert_eq!(at.time_ms, c.time_ms);
    *c
}

fn exhausted(outcome: Outcome) -> String {
    match outcome {
        Outcome::Exhausted { summary, .. } => summary.en,
        other => panic!("expected no counterexample, got {other:?}"),
    }
}

fn kafka(acks: &str, min_isr: u32, unclean: bool) -> Value {
    json!({
        "id": "explore-kafka", "title": {"en": "t", "zh": "t"}, "seed": 1, "duration_ms": 20000,
        "kafka": {"brokers": 3, "topics": [{"name": "orders", "partitions": 1,
            "replication_factor": 3, "min_insync_replicas": min_isr,
            "unclean_leader_election": unclean}]},
        "producers": [{"name": "app", "acks": acks}],
        "script": [
            {"at_ms": 1000, "do": "produce", "producer": "app", "topic": "orders", "count": 3, "key": "order"},
            {"at_ms": 2600, "do": "produce", "producer": "app", "topic": "orders", "count": 5, "key": "order"}
        ]
    })
}

#[test]
fn acks_1_with_three_replicas_loses_an_acknowledged_message_with_one_fault() {
    let c = found(
        search(example("kafka-acks1-leader-dies"), Property::LostAcked, 1),
        Property::LostAcked,
    );
    assert_eq!(c.faults.len(), 1);
    assert!(c.victim.unwrap().starts_with("order-"));
}

#[test]
fn acks_all_with_min_isr_2_and_unclean_off_loses_nothing_with_one_fault() {
    let summary = exhausted(search(doc(kafka("all", 2, false)), Property::LostAcked, 1));
    assert!(summary.contains("1 fault at any of"), "{summary}");
    assert!(
        summary.contains("no proof") || summary.contains("not a proof"),
        "{summary}"
    );
}

/// The followers of broker-1 lag (their fetches take a minute), so the ISR shrinks to the
/// leader alone and acks=all acknowledges with one copy; the leader's one death decides.
fn lagging(unclean: bool) -> ScenarioDoc {
    let mut v = kafka("all", 1, unclean);
    v["kafka"]["timing"] = json!({"replica_lag_time_max_ms": 3000});
    v["duration_ms"] = json!(30000);
    let script = v["script"].as_array_mut().unwrap();
    for follower in ["broker-2", "broker-3"] {
        script.insert(
            0,
            json!({"at_ms": 500, "do": "slow_link", "a": "broker-1", "b": follower, "extra_ms": 60000}),
        );
    }
    script.push(
        json!({"at_ms": 9000, "do": "produce", "producer": "app", "topic": "orders", "count": 3, "key": "late"}),
    );
    doc(v)
}

#[test]
fn unclean_election_on_loses_an_acknowledged_message_and_off_does_not() {
    let c = found(
        search(lagging(true), Property::LostAcked, 1),
        Property::LostAcked,
    );
    // Killing the lone in-sync leader does it; so does cutting it off from the controller,
    // which fences it and elects a lagging follower: the earliest such moment is reported.
    assert_eq!(c.faults.len(), 1);
    let f = &c.faults[0];
    assert!(
        f.node == "broker-1" || f.peer.as_deref() == Some("broker-1"),
        "{f:?}"
    );
    let summary = exhausted(search(lagging(false), Property::LostAcked, 1));
    assert!(summary.contains("acknowledged message lost"), "{summary}");
}

fn group(commit: &str) -> ScenarioDoc {
    doc(json!({
        "id": "explore-group", "title": {"en": "t", "zh": "t"}, "seed": 3, "duration_ms": 30000,
        "kafka": {"brokers": 3, "topics": [{"name": "orders", "partitions": 1,
            "replication_factor": 3, "min_insync_replicas": 2}]},
        "producers": [{"name": "shop", "acks": "all"}],
        "stores": [{"name": "orders-table", "kind": "plain_insert"}],
        "consumers": [
            {"name": "billing-1", "group": "billing", "topic": "orders", "commit": commit,
             "auto_offset_reset": "earliest", "session_timeout_ms": 6000, "processing_ms": 400},
            {"name": "billing-2", "group": "billing", "topic": "orders", "commit": commit,
             "auto_offset_reset": "earliest", "session_timeout_ms": 6000, "processing_ms": 400}
        ],
        "script": [
            {"at_ms": 1000, "do": "produce", "producer": "shop", "topic": "orders", "count": 6, "key": "order"}
        ]
    }))
}

#[test]
fn an_auto_committing_consumer_processes_a_message_twice_after_one_crash() {
    let c = found(
        search(group("auto"), Property::Duplicated, 1),
        Property::Duplicated,
    );
    assert_eq!(c.faults.len(), 1);
    assert_eq!(c.faults[0].kind, FaultKind::Crash);
}

#[test]
fn committing_before_processing_loses_a_message() {
    let c = found(
        search(group("sync_before_process"), Property::LostAcked, 1),
        Property::LostAcked,
    );
    assert_eq!(c.faults.len(), 1);
}

#[test]
fn rabbitmq_auto_ack_loses_a_confirmed_message() {
    let c = found(
        search(
            example("rabbitmq-autoack-vs-manual"),
            Property::LostAcked,
            1,
        ),
        Property::LostAcked,
    );
    assert_eq!(c.faults.len(), 1);
    assert_eq!(c.faults[0].node, "billing");
}

#[test]
fn a_quorum_queue_with_confirms_loses_nothing_with_one_fault() {
    let summary = exhausted(search(
        example("rabbitmq-quorum-failover"),
        Property::LostAcked,
        1,
    ));
    assert!(
        summary.contains("3 nodes") || summary.contains("nodes:"),
        "{summary}"
    );
}

#[test]
fn the_same_scenario_and_bounds_give_the_same_search() {
    let once = |seed: u64| {
        let mut d = example("kafka-acks1-leader-dies");
        d.seed = seed;
        match search(d, Property::LostAcked, 1) {
            Outcome::Found(c) => (c.faults, c.step, c.victim, c.runs),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(once(1), once(1));
}

#[test]
fn impossible_bounds_are_refused_naming_the_bound() {
    let d = example("kafka-acks1-leader-dies");
    for (bounds, field) in [
        (
            Bounds {
                faults: 0,
                ..Bounds::default()
            },
            "faults",
        ),
        (
            Bounds {
                faults: 4,
                ..Bounds::default()
            },
            "faults",
        ),
        (
            Bounds {
                moments: 0,
                ..Bounds::default()
            },
            "moments",
        ),
        (
            Bounds {
                runs: 0,
                ..Bounds::default()
            },
            "runs",
        ),
    ] {
        let err = Explorer::new(d.clone(), Property::LostAcked, bounds)
            .err()
            .expect("refused");
        assert_eq!(err.field, field, "{err:?}");
    }
    assert!(Property::from_key("lost-acked").is_some());
    assert!(Property::from_key("lost").is_none());
}

#[test]
fn the_run_limit_ends_the_search_and_says_how_far_it_got() {
    let bounds = Bounds {
        faults: 2,
        moments: 40,
        runs: 300,
    };
    let mut explorer =
        Explorer::new(doc(kafka("all", 2, false)), Property::LostAcked, bounds).expect("starts");
    let Outcome::Searching(progress) = explorer.run(10) else {
        panic!("still searching after 10 runs")
    };
    assert_eq!(progress.runs, 11, "the fault-free run, then ten schedules");
    let Outcome::Exhausted { runs, summary } = explorer.run_to_end() else {
        panic!("the limit ends it")
    };
    assert_eq!(runs, 300);
    assert!(summary.en.contains("run limit"), "{}", summary.en);
    assert!(summary.zh.contains("运行上限"), "{}", summary.zh);
}

/// What the page's worker does, through its messages: the same counterexample as a direct
/// search, carried there and back as JSON, with progress on the way.
#[test]
fn the_worker_messages_carry_the_search_there_and_back() {
    use mqlab_scenario::explore::wire::{serve, Report, Request};
    let doc = example("kafka-acks1-leader-dies");
    let bounds = Bounds {
        faults: 1,
        ..Bounds::default()
    };
    let direct = match search(doc.clone(), Property::LostAcked, 1) {
        Outcome::Found(c) => c,
        other => panic!("{other:?}"),
    };
    let request = Request {
        doc,
        property: Property::LostAcked,
        bounds,
    }
    .to_json();
    let mut reports = Vec::new();
    serve(&request, 5, |r| {
        reports.push(Report::from_json(&r.to_json()).expect("reads back"))
    });
    assert!(matches!(reports[0], Report::Progress(_)), "progress first");
    let Some(Report::Found(c)) = reports.last() else {
        panic!("ends with the counterexample: {:?}", reports.last())
    };
    assert_eq!(c.faults, direct.faults);
    assert_eq!(
        (c.step, c.time_ms, &c.victim),
        (direct.step, direct.time_ms, &direct.victim)
    );
    assert_eq!(c.doc, direct.doc);
    // A request the worker cannot search is answered, naming what is wrong.
    let mut failed = Vec::new();
    serve(r#"{"property": "lost-acked"}"#, 5, |r| failed.push(r));
    assert!(matches!(&failed[..], [Report::Failed(e)] if !e.field.is_empty()));
}

/// The search once found a quorum queue enqueuing a message twice after its leader was
/// killed (the channel re-sent its unconfirmed enqueues to the new leader, which had them):
/// rabbit_fifo numbers each enqueuer's enqueues, and now so does the model (R26).
#[test]
fn a_quorum_queue_with_confirms_duplicates_nothing_with_one_fault() {
    let summary = exhausted(search(
        example("rabbitmq-quorum-failover"),
        Property::Duplicated,
        1,
    ));
    assert!(summary.contains("stored or processed twice"), "{summary}");
}

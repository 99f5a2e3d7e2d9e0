//! A challenge's goals: the draft of design-an-mq meets neither, its solution meets both, a
//! half-fix fails, the outcome says what happened in both languages, odd goals are outcomes
//! and not panics, and a bad challenge names its field.

use mqlab_scenario::doc::{ActionDoc, ScriptEntry};
use mqlab_scenario::lesson::condition::apply_setting;
use mqlab_scenario::lesson::goal::{brokers, check_goal, design};
use mqlab_scenario::lesson::{
    check_goals, lessons, validate_lesson, Goal, LessonDoc, SettingChange, StepDoc,
};
use mqlab_scenario::{examples, ScenarioDoc};

const CHALLENGE: usize = 7;

fn lesson() -> (Vec<Goal>, Vec<SettingChange>, ScenarioDoc) {
    let l = lessons()
        .into_iter()
        .find(|l| l.doc.id == "design-an-mq")
        .expect("design-an-mq validates");
    let StepDoc::Challenge {
        goals, solution, ..
    } = &l.doc.steps[CHALLENGE]
    else {
        panic!("step {CHALLENGE} is the challenge");
    };
    (goals.clone(), solution.clone(), l.scenario)
}

fn with(doc: &ScenarioDoc, settings: &[(&str, &str)]) -> ScenarioDoc {
    let mut d = doc.clone();
    for (name, value) in settings {
        apply_setting(&mut d, name, value).unwrap();
    }
    d
}

fn met(goals: &[Goal], doc: &ScenarioDoc) -> Vec<bool> {
    check_goals(goals, doc).iter().map(|o| o.met).collect()
}

#[test]
fn the_draft_meets_no_goal_and_the_solution_meets_all() {
    let (goals, solution, draft) = lesson();
    assert_eq!(goals.len(), 3);
    // A crash takes nothing from the draft's single copy (its orders wait on broker-1's
    // disk, unavailable, not lost): the search finds no lost acknowledged order there; the
    // first goal is the one the draft fails.
    assert_eq!(met(&goals, &draft), [false, false, true]);
    let mut solved = draft.clone();
    for c in &solution {
        apply_setting(&mut solved, &c.setting, &c.value).unwrap();
    }
    assert_eq!(met(&goals, &solved), [true, true, true]);
    // Six partitions for three consumers scale as well as three.
    assert_eq!(
        met(&goals, &with(&solved, &[("partitions", "6")])),
        [true, true, true]
    );
}

/// The third goal is the counterexample search: it names the fault that loses an order in a
/// half-fixed design, and says what it tried (never "safe") for the fixed one.
#[test]
fn the_search_goal_names_the_fault_or_says_what_it_tried() {
    let (goals, _, draft) = lesson();
    let search = &goals[2];
    assert!(matches!(search, Goal::NoFailureFound { .. }));
    let acks1 = with(
        &draft,
        &[("replication_factor", "3"), ("min_insync_replicas", "2")],
    );
    let o = check_goal(search, &acks1);
    assert!(!o.met);
    assert!(o.detail.en.contains("broker-1"), "{}", o.detail.en);
    assert!(
        o.detail.en.contains("acknowledged message lost"),
        "{}",
        o.detail.en
    );
    assert!(o.detail.zh.contains("已确认的消息丢失"), "{}", o.detail.zh);
    let fixed = with(
        &draft,
        &[
            ("replication_factor", "3"),
            ("min_insync_replicas", "2"),
            ("acks", "all"),
        ],
    );
    let o = check_goal(search, &fixed);
    assert!(o.met, "{}", o.detail.en);
    assert!(
        o.detail.en.contains("not a proof of safety"),
        "{}",
        o.detail.en
    );
    assert!(o.detail.zh.contains("这不是安全的证明"), "{}", o.detail.zh);
}

#[test]
fn a_half_fix_fails_the_durability_goal() {
    let (goals, _, draft) = lesson();
    let durable = &goals[0];
    // acks=all on a single replica: broker-1's death strands orders-0.
    let one_copy = with(&draft, &[("acks", "all"), ("idempotence", "true")]);
    let o = check_goal(durable, &one_copy);
    assert!(!o.met);
    assert!(
        o.detail.en.contains("kill -9 broker-1 at 4.005 s"),
        "{}",
        o.detail.en
    );
    assert!(o.detail.en.contains("unavailable 30"), "{}", o.detail.en);
    assert!(o.detail.zh.contains("不可用 30"), "{}", o.detail.zh);
    // Three replicas with acks=1: the leader acknowledges what no follower has yet (K12).
    let acks1 = with(
        &draft,
        &[("replication_factor", "3"), ("min_insync_replicas", "2")],
    );
    let o = check_goal(durable, &acks1);
    assert!(!o.met);
    assert!(o.detail.en.contains("lost 10"), "{}", o.detail.en);
    assert!(o.detail.zh.contains("丢失 10"), "{}", o.detail.zh);
    // min.insync.replicas = RF: one broker down and writes are refused (K14).
    let strict = with(
        &draft,
        &[
            ("replication_factor", "3"),
            ("min_insync_replicas", "3"),
            ("acks", "all"),
        ],
    );
    let o = check_goal(durable, &strict);
    assert!(!o.met);
    assert!(o.detail.en.contains("acknowledged 30"), "{}", o.detail.en);
    // The full fix holds whichever broker dies, and says so for each.
    let fixed = with(
        &draft,
        &[
            ("replication_factor", "3"),
            ("min_insync_replicas", "2"),
            ("acks", "all"),
        ],
    );
    let o = check_goal(durable, &fixed);
    assert!(o.met, "{}", o.detail.en);
    for b in brokers(&fixed) {
        assert!(o.detail.en.contains(&format!("kill -9 {b}")));
    }
}

#[test]
fn two_partitions_for_three_consumers_do_not_scale_enough() {
    let (goals, _, draft) = lesson();
    let scales = &goals[1];
    let o = check_goal(scales, &with(&draft, &[("partitions", "2")]));
    assert!(!o.met);
    assert!(
        o.detail.en.contains("with partitions = 1") && o.detail.en.contains("2 times"),
        "{}",
        o.detail.en
    );
    assert!(o.detail.zh.contains("2 倍"), "{}", o.detail.zh);
    let o = check_goal(scales, &with(&draft, &[("partitions", "3")]));
    assert!(o.met, "{}", o.detail.en);
}

#[test]
fn faults_clicked_on_the_stage_are_left_out_of_the_design() {
    let (goals, solution, draft) = lesson();
    let mut solved = draft.clone();
    for c in &solution {
        apply_setting(&mut solved, &c.setting, &c.value).unwrap();
    }
    // A second broker killed from the stage would make every run a double failure.
    solved.script.push(ScriptEntry {
        at_ms: None,
        after_step: Some(40),
        action: ActionDoc::Crash {
            node: "broker-2".into(),
        },
    });
    assert_eq!(design(&solved).script.len(), draft.script.len());
    assert_eq!(met(&goals, &solved), [true, true, true]);
}

#[test]
fn rabbitmq_quorum_queues_survive_a_node_where_a_classic_queue_does_not() {
    let mut doc = examples()
        .into_iter()
        .find(|e| e.id == "rabbitmq-classic-cluster")
        .unwrap()
        .doc;
    // The workload only: the goal brings its own fault. Clients that know every node.
    doc.script
        .retain(|e| matches!(e.action, ActionDoc::Publish { .. }));
    let r = doc.rabbitmq.as_mut().unwrap();
    let all: Vec<String> = (1..=3).map(|n| format!("rabbit-{n}")).collect();
    r.publishers[0].nodes = all.clone();
    r.consumers[0].nodes = all.into_iter().rev().collect();
    let goal = Goal::parse(
        r#"{ "kind": "survives_broker_failure", "text": { "en": "x", "zh": "x" },
             "crash_at_ms": 1100,
             "expect": { "all": [
               { "count": { "of": { "ledger": "processed" }, "op": ">=", "value": 10 } },
               { "count": { "of": { "ledger": "lost" }, "op": "==", "value": 0 } },
               { "count": { "of": { "ledger": "unavailable" }, "op": "==", "value": 0 } } ] } }"#,
    )
    .unwrap();
    let classic = check_goal(&goal, &doc);
    assert!(!classic.met, "{}", classic.detail.en);
    assert!(
        classic.detail.en.contains("kill -9 rabbit-1"),
        "{}",
        classic.detail.en
    );
    let quorum = with(&doc, &[("queue_type", "quorum")]);
    let o = check_goal(&goal, &quorum);
    assert!(o.met, "{}", o.detail.en);
}

#[test]
fn odd_goals_are_outcomes_not_panics() {
    let (_, _, draft) = lesson();
    let goal = |json: &str| -> Goal { Goal::parse(json).unwrap() };
    let text = r#""text": { "en": "x", "zh": "x" }"#;
    let cases = [
        // A setting the scenario does not have.
        format!(
            r#"{{ "kind": "scales", {text}, "measure": {{ "ledger": "processed" }}, "at_ms": 5000,
                  "baseline": {{ "setting": "nope", "value": "1" }}, "factor": 2 }}"#
        ),
        // A value the scenario does not load with.
        format!(
            r#"{{ "kind": "scales", {text}, "measure": {{ "ledger": "processed" }}, "at_ms": 5000,
                  "baseline": {{ "setting": "partitions", "value": "0" }}, "factor": 2 }}"#
        ),
        // A measure that does not exist, a factor that is not a number of times.
        format!(
            r#"{{ "kind": "scales", {text}, "measure": {{ "ledger": "dupes" }}, "at_ms": 5000,
                  "baseline": {{ "setting": "partitions", "value": "1" }}, "factor": 2 }}"#
        ),
        format!(
            r#"{{ "kind": "scales", {text}, "measure": {{ "ledger": "processed" }}, "at_ms": 0,
                  "baseline": {{ "setting": "partitions", "value": "1" }}, "factor": -1e308 }}"#
        ),
        // A crash after the end, a restart before the crash, a condition on no node.
        format!(
            r#"{{ "kind": "survives_broker_failure", {text}, "crash_at_ms": 99999999,
                  "restart_at_ms": 5, "expect": {{ "node": {{ "name": "ghost", "is": "up" }} }} }}"#
        ),
    ];
    for json in &cases {
        let o = check_goal(&goal(json), &draft);
        assert!(!o.met, "{json}: {}", o.detail.en);
        assert!(!o.detail.en.is_empty() && !o.detail.zh.is_empty());
    }
    // A design that does not load, with a broker count beyond any cluster.
    let mut huge = draft.clone();
    huge.kafka.as_mut().unwrap().brokers = u32::MAX;
    let o = check_goal(
        &goal(&format!(
            r#"{{ "kind": "survives_broker_failure", {text}, "crash_at_ms": 4005,
                  "expect": {{ "at_end": true }} }}"#
        )),
        &huge,
    );
    assert!(!o.met);
    assert!(o.detail.en.contains("kafka.brokers"), "{}", o.detail.en);
    // A script already full: the copies do not load, and the outcome says why.
    let mut full = draft.clone();
    let entry = full.script[0].clone();
    full.script.resize(1000, entry);
    let o = check_goal(
        &goal(&format!(
            r#"{{ "kind": "survives_broker_failure", {text}, "crash_at_ms": 4005,
                  "expect": {{ "at_end": true }} }}"#
        )),
        &full,
    );
    assert!(!o.met);
    assert!(o.detail.en.contains("does not run"), "{}", o.detail.en);
}

#[test]
fn a_bad_challenge_names_its_field() {
    let (_, text) = mqlab_scenario::lesson::lesson_sources()
        .iter()
        .find(|(id, _)| *id == "design-an-mq")
        .unwrap();
    let good: serde_json::Value = serde_json::from_str(text).unwrap();
    let c = format!("/steps/{CHALLENGE}");
    let cases: Vec<(String, serde_json::Value, String)> = vec![
        (
            format!("{c}/goals/0/expect/all/1/count/of/ledger"),
            "lostt".into(),
            format!("steps[{CHALLENGE}].goals[0].expect[1]"),
        ),
        (
            format!("{c}/goals/0/crash_at_ms"),
            99_000.into(),
            format!("steps[{CHALLENGE}].goals[0].crash_at_ms"),
        ),
        (
            format!("{c}/goals/1/baseline/setting"),
            "partitionz".into(),
            format!("steps[{CHALLENGE}].goals[1].baseline"),
        ),
        (
            format!("{c}/goals/2/moments"),
            500.into(),
            format!("steps[{CHALLENGE}].goals[2].moments"),
        ),
        (
            format!("{c}/goals/2/property"),
            "lost".into(),
            format!("steps[{CHALLENGE}].goals[2].property"),
        ),
        (
            format!("{c}/goals/1/measure"),
            serde_json::json!({ "store_rows": "nope" }),
            format!("steps[{CHALLENGE}].goals[1].measure"),
        ),
        (
            format!("{c}/goals/1/factor"),
            0.5.into(),
            format!("steps[{CHALLENGE}].goals[1].factor"),
        ),
        (
            format!("{c}/goals/1/text/zh"),
            "".into(),
            format!("steps[{CHALLENGE}].goals[1].text"),
        ),
        (
            format!("{c}/solution/4/value"),
            "lots".into(),
            format!("steps[{CHALLENGE}].solution[4]"),
        ),
        (
            format!("{c}/solution/0/value"),
            "4".into(),
            format!("steps[{CHALLENGE}].solution"),
        ),
        (
            format!("{c}/goals"),
            serde_json::json!([]),
            format!("steps[{CHALLENGE}].goals"),
        ),
    ];
    for (pointer, value, field) in cases {
        let mut bad = good.clone();
        *bad.pointer_mut(&pointer)
            .unwrap_or_else(|| panic!("{pointer}")) = value;
        // Refused when read (a name that is no property) or when checked against the scenario.
        let e = match LessonDoc::from_value(&bad) {
            Ok(doc) => validate_lesson(&doc).map(|_| ()).unwrap_err(),
            Err(e) => e,
        };
        assert_eq!(e.field, field, "{pointer}: {e}");
        assert!(!e.zh.is_empty() && e.zh != e.en, "{e:?}");
    }
}

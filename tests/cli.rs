//! The command line as a user meets it: exit codes, the summary, JSON, errors naming fields.

use std::process::Command;

fn mqlab(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mqlab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("mqlab runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn run_prints_the_trace_and_the_outcome() {
    let (ok, out, _) = mqlab(&["run", "scenarios/kafka-acks1-leader-dies.json"]);
    assert!(ok);
    assert!(out.contains("Fault: kill -9 broker-1"));
    assert!(out.contains("orders-0: leader broker-2, epoch"));
    assert!(out.contains("order-4") && out.contains("→ Lost"));
    assert!(out.contains("lost 5"));
}

#[test]
fn run_stops_after_the_requested_steps_and_speaks_chinese() {
    let (ok, out, _) = mqlab(&[
        "run",
        "scenarios/kafka-leader-kill.json",
        "--steps",
        "30",
        "--lang",
        "zh",
    ]);
    assert!(ok);
    assert!(out.contains("== 消息账本 =="));
    assert!(!out.contains("#31 "), "no step past 30");
}

#[test]
fn run_json_is_machine_readable() {
    let (ok, out, _) = mqlab(&["run", "scenarios/kafka-zombie-leader.json", "--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["final"]["ledger"]["lost"], 8);
    assert_eq!(v["final"]["partitions"][0]["leader"], 2);
    assert!(v["trace"].as_array().is_some_and(|t| !t.is_empty()));
}

#[test]
fn check_accepts_the_examples_and_names_the_field_of_a_bad_file() {
    let (ok, out, _) = mqlab(&[
        "check",
        "scenarios/kafka-leader-kill.json",
        "scenarios/kafka-min-isr.json",
    ]);
    assert!(ok, "{out}");
    let bad = std::env::temp_dir().join("mqlab-cli-bad.json");
    let text = include_str!("../scenarios/kafka-leader-kill.json")
        .replace("\"replication_factor\": 3", "\"replication_factor\": 5");
    std::fs::write(&bad, text).unwrap();
    let (ok, out, err) = mqlab(&["check", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        out.contains("kafka.topics[0].replication_factor: 5 is more than the 3 brokers"),
        "{out}"
    );
    assert!(err.contains("1 of 1 file(s) invalid"));
}

#[test]
fn usage_errors_exit_non_zero() {
    assert!(!mqlab(&[]).0);
    assert!(!mqlab(&["run"]).0);
    assert!(!mqlab(&["run", "scenarios/kafka-leader-kill.json", "--steps", "x"]).0);
    assert!(!mqlab(&["run", "no-such-file.json"]).0);
}

#[test]
fn run_summarises_groups_stores_and_the_consumer_ledger() {
    let file = "scenarios/kafka-consumer-kill-before-commit.json";
    let (ok, out, _) = mqlab(&["run", file]);
    assert!(ok);
    assert!(
        out.contains("billing (generation 2, Stable): committed [orders-0@6]"),
        "{out}"
    );
    assert!(
        out.contains("orders-table (PlainInsert): expected 6 rows, actual 10"),
        "{out}"
    );
    assert!(out.contains("store duplicates 4"), "{out}");
    let (ok, json, _) = mqlab(&["run", file, "--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["final"]["ledger"]["store_duplicates"], 4);
    assert_eq!(
        v["final"]["stores"][0]["rows"].as_array().map(Vec::len),
        Some(10)
    );
    assert_eq!(v["final"]["groups"][0]["committed"][0]["offset"], 6);
    let (ok, zh, _) = mqlab(&["run", file, "--lang", "zh"]);
    assert!(ok);
    assert!(zh.contains("应有 6 行，实有 10 行"), "{zh}");
}

#[test]
fn run_summarises_a_rabbitmq_scenario_by_its_queues() {
    let file = "scenarios/rabbitmq-unsynced-mirror.json";
    let (ok, out, _) = mqlab(&["run", file]);
    assert!(ok);
    assert!(out.contains("== queues =="), "{out}");
    assert!(out.contains("removed in RabbitMQ 4.0"), "{out}");
    assert!(out.contains("rabbit-3   leader"), "{out}");
    assert!(out.contains("lost 5"), "{out}");
    let (ok, zh, _) = mqlab(&["run", file, "--lang", "zh"]);
    assert!(ok);
    assert!(zh.contains("== 队列 =="), "{zh}");
    let (ok, out, _) = mqlab(&["check", "scenarios/rabbitmq-classic-cluster.json"]);
    assert!(ok, "{out}");
}

#[test]
fn check_validates_lessons_against_their_scenarios() {
    let (ok, out, _) = mqlab(&["check", "lessons/kafka-duplicate-consumption.json"]);
    assert!(ok, "{out}");
    assert!(out.contains("lesson, 12 steps"), "{out}");
    let bad = std::env::temp_dir().join("mqlab-bad-lesson.json");
    let text = std::fs::read_to_string("lessons/kafka-duplicate-consumption.json").unwrap();
    std::fs::write(
        &bad,
        text.replace(
            "\"billing-app\", \"is\": \"crashed\"",
            "\"nobody\", \"is\": \"crashed\"",
        ),
    )
    .unwrap();
    let (ok, out, _) = mqlab(&["check", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        out.contains("steps[2].done") && out.contains("nobody"),
        "{out}"
    );
}

#[test]
fn run_lists_the_eligible_leader_replicas() {
    // After broker-2 left the ISR under min.insync.replicas=2 it waits in the ELR (KIP-966).
    let (ok, out, _) = mqlab(&[
        "run",
        "scenarios/kafka-last-replica-standing.json",
        "--steps",
        "320",
    ]);
    assert!(ok);
    assert!(
        out.contains("orders-0: leader broker-1, epoch 0, ISR [1], ELR [2]"),
        "{out}"
    );
}

/// `mqlab run … | head -1`: the reader closes the pipe after one line; the run ends quietly
/// with success instead of panicking on the write.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqlab"))
        // 370 KB of JSON: far more than a pipe's buffer, so the writer meets the closed end.
        .args(["run", "scenarios/kafka-consumer-rebalance.json", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mqlab runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn explore_finds_the_loss_of_acks_1_and_writes_the_counterexample() {
    let out_file = std::env::temp_dir().join(format!("mqlab-explore-{}.json", std::process::id()));
    let out_path = out_file.to_str().unwrap();
    let (ok, out, err) = mqlab(&[
        "explore",
        "scenarios/kafka-acks1-leader-dies.json",
        "--property",
        "lost-acked",
        "--faults",
        "1",
        "--doc",
        out_path,
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("found a counterexample"), "{out}");
    assert!(
        out.contains("at ") && out.contains(" s: "),
        "the fault and its time: {out}"
    );
    // The counterexample is a scenario: it runs and loses what the search said.
    let (ok, run, _) = mqlab(&["run", out_path]);
    let _ = std::fs::remove_file(&out_file);
    assert!(ok);
    assert!(run.contains("→ Lost"), "{run}");
    // The same search twice gives the same answer.
    let (_, again, _) = mqlab(&[
        "explore",
        "scenarios/kafka-acks1-leader-dies.json",
        "--faults",
        "1",
        "--lang",
        "zh",
    ]);
    assert!(again.contains("找到反例"), "{again}");
}

#[test]
fn explore_says_what_it_tried_when_nothing_breaks_and_refuses_bad_bounds() {
    let (ok, out, _) = mqlab(&[
        "explore",
        "scenarios/kafka-min-isr.json",
        "--faults",
        "1",
        "--moments",
        "10",
    ]);
    assert!(ok);
    assert!(out.contains("not a proof of safety"), "{out}");
    let (ok, _, err) = mqlab(&["explore", "scenarios/kafka-min-isr.json", "--faults", "9"]);
    assert!(!ok);
    assert!(err.contains("faults"), "{err}");
    let (ok, _, err) = mqlab(&[
        "explore",
        "scenarios/kafka-min-isr.json",
        "--property",
        "lost",
    ]);
    assert!(!ok);
    assert!(err.contains("lost-acked"), "{err}");
}

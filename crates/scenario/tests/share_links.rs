//! Share links: a changed shipped scenario travels as its id plus a merge patch, and comes
//! back exactly; every shipped scenario, with its settings changed and five faults injected,
//! fits a link of under 2 000 characters; a damaged link is an error, never a half-load.

use mqlab_scenario::doc::ActionDoc;
use mqlab_scenario::lesson::condition::apply_setting;
use mqlab_scenario::link::{decode_changes, encode_changes, MAX_LINK_CHARS};
use mqlab_scenario::{examples, Command, Player, ScenarioDoc};

/// The example with every setting a learner can reach turned, and five faults clicked on
/// the stage at different steps.
fn heavily_changed(example: &ScenarioDoc) -> ScenarioDoc {
    let mut doc = example.clone();
    let settings: &[(&str, &str)] = if doc.kafka.is_some() {
        &[
            ("acks", "1"),
            ("min_insync_replicas", "1"),
            ("replication_factor", "2"),
            ("retries", "3"),
            ("unclean_leader_election", "true"),
            ("idempotence", "false"),
            ("max_in_flight", "3"),
        ]
    } else {
        &[
            ("publish_mode", "transaction"),
            ("persistent", "false"),
            ("durable", "false"),
            ("auto_ack", "true"),
            ("prefetch", "7"),
        ]
    };
    for (name, value) in settings {
        // Not every setting applies to every example (no consumers, one broker): skip those.
        let mut tried = doc.clone();
        if apply_setting(&mut tried, name, value).is_ok() && Player::load(tried.clone()).is_ok() {
            doc = tried;
        }
    }
    let mut player = Player::load(doc).unwrap();
    let node = player.frame().nodes[0].name.clone();
    let total = player.total_steps();
    let actions = [
        ActionDoc::Crash { node: node.clone() },
        ActionDoc::Restart { node: node.clone() },
        ActionDoc::Isolate { node: node.clone() },
        ActionDoc::Reconnect { node: node.clone() },
        ActionDoc::Stop { node },
    ];
    for (i, action) in actions.into_iter().enumerate() {
        player
            .apply(Command::Seek(total * (i as u64 + 1) / 7))
            .unwrap();
        // A fault that does not apply where the player is (a stopped node isolated) is skipped.
        let _ = player.inject_doc(action);
    }
    player.doc().clone()
}

#[test]
fn every_shipped_scenario_changed_fits_a_short_link_and_comes_back_exactly() {
    for example in examples() {
        let changed = heavily_changed(&example.doc);
        assert_ne!(changed, example.doc, "{}", example.id);
        let text = encode_changes(&example.doc, &changed);
        // What the address carries: "#<id>~<changes>@<step>".
        let link = format!(
            "http://127.0.0.1:8080/index.html#{}~{}@99999",
            example.id, text
        );
        assert!(
            link.len() < 2000,
            "{}: a link of {} characters",
            example.id,
            link.len()
        );
        println!("{}: {} characters", example.id, link.len());
        let back = decode_changes(&example.doc, &text).unwrap();
        assert_eq!(back, changed, "{}", example.id);
        let a = Player::load(back).unwrap();
        let b = Player::load(changed).unwrap();
        assert_eq!(a.trace_digest(), b.trace_digest(), "{}", example.id);
    }
}

#[test]
fn an_unchanged_scenario_needs_no_changes() {
    let example = &examples()[0];
    let text = encode_changes(&example.doc, &example.doc);
    assert_eq!(decode_changes(&example.doc, &text).unwrap(), example.doc);
    assert!(text.len() < 8);
}

#[test]
fn a_damaged_link_is_an_error_that_says_what_is_wrong() {
    let example = &examples()[0];
    let changed = heavily_changed(&example.doc);
    let text = encode_changes(&example.doc, &changed);
    let truncated = &text[..text.len() / 2];
    let cases = [
        (truncated.to_string(), ""),
        (format!("{}*!", &text[..10]), "base64url"),
        ("A".to_string(), "base64url"),
        ("bnVsbA".to_string(), "object"),             // "null"
        ("eyJrYWZrYSI6M30".to_string(), "not valid"), // {"kafka":3}
        ("x".repeat(MAX_LINK_CHARS + 1), "too long"),
    ];
    for (bad, says) in cases {
        let e = decode_changes(&example.doc, &bad).unwrap_err();
        assert_eq!(e.field, "link");
        assert!(e.en.contains(says), "{says}: {}", e.en);
        assert!(!e.zh.is_empty());
    }
}

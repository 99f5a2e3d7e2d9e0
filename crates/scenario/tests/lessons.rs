//! Every shipped lesson, walked from start to end the way a learner who does what each prompt
//! asks would walk it: the acts' solutions make their conditions true, every prediction's
//! answer is what the model then shows, every check passes, and a challenge's solution meets
//! goals the design before it misses. Wrong moves do not pass.

use mqlab_scenario::lesson::run::{
    follow, judge, outcome_at_end, replay_to, shows, world_done, Outcome, Prediction, Verdict,
};
use mqlab_scenario::lesson::{check_goals, lesson_docs, lessons, measure};
use mqlab_scenario::lesson::{lesson_sources, validate_lesson, LessonDoc, StepDoc};
use mqlab_scenario::{Command, Player};

/// Walks the lesson as a learner who does what each prompt asks (`run::follow`, what the page
/// does too), checking every prediction against the model at the end of the trace.
fn walk(lesson: &LessonDoc, scenario: mqlab_scenario::ScenarioDoc) -> Result<(), String> {
    let mut p = Player::load(scenario).map_err(|e| e.to_string())?;
    for (i, step) in lesson.steps.iter().enumerate() {
        let at = |what: &str| format!("{} step {i}: {what}", lesson.id);
        match step {
            StepDoc::Choose { answer, check, .. } => {
                let mut end = p.clone();
                end.apply(Command::End).unwrap();
                if !shows(&end, check) {
                    return Err(at(
                        "the answer's check does not hold at the end of the trace",
                    ));
                }
                let outcome = outcome_at_end(&p, step);
                assert_eq!(outcome, Some(Outcome::Proven(true)));
                assert_eq!(
                    judge(step, Prediction::Choice(*answer), outcome),
                    Verdict::Right
                );
            }
            StepDoc::Estimate {
                measure: m, answer, ..
            } => {
                let mut end = p.clone();
                end.apply(Command::End).unwrap();
                let got = measure(m, &end.frame()).ok_or_else(|| at("unmeasurable"))?;
                if got != *answer {
                    return Err(at(&format!(
                        "the answer is {answer}, the model shows {got}"
                    )));
                }
                let outcome = outcome_at_end(&p, step);
                assert_eq!(
                    judge(step, Prediction::Number(got), outcome),
                    Verdict::Right
                );
                assert_eq!(
                    judge(step, Prediction::Number(got + 1), outcome),
                    Verdict::TooHigh
                );
                assert_eq!(
                    judge(step, Prediction::Number(got - 1), outcome),
                    Verdict::TooLow
                );
            }
            // Doing nothing must not pass a step that asks the learner to act.
            StepDoc::Act { .. } | StepDoc::Switch { .. } if world_done(&p, step) => {
                return Err(at("the step is done before the learner does anything"));
            }
            // A challenge must be able to fail: the design the learner arrives with misses a
            // goal; following it applies the solution, which must meet them all (`world_done`
            // below).
            StepDoc::Challenge { goals, .. }
                if check_goals(goals, p.doc()).iter().all(|o| o.met) =>
            {
                return Err(at(
                    "the design before the challenge already meets every goal",
                ));
            }
            _ => {}
        }
        follow(&mut p, step).map_err(|e| at(&e.to_string()))?;
        if !world_done(&p, step) {
            return Err(at("following the step does not leave it done"));
        }
    }
    Ok(())
}

#[test]
fn every_lesson_file_validates_and_walks_to_its_end() {
    assert_eq!(
        lessons().len(),
        lesson_sources().len(),
        "a shipped lesson is invalid"
    );
    for (id, text) in lesson_sources() {
        let doc = LessonDoc::parse(text).unwrap_or_else(|e| panic!("{id}: {e}"));
        let lesson = validate_lesson(&doc).unwrap_or_else(|e| panic!("{id}: {e}"));
        walk(&lesson.doc, lesson.scenario.clone()).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn a_wrong_move_does_not_pass_an_act_step() {
    let lesson = lessons()
        .into_iter()
        .find(|l| l.doc.id == "kafka-duplicate-consumption")
        .unwrap();
    let StepDoc::Act { done, .. } = &lesson.doc.steps[2] else {
        panic!("step 2 is the kill");
    };
    let mut p = replay_to(&lesson, 2).unwrap();
    // A graceful stop is not a kill -9: the step waits.
    p.inject_doc(mqlab_scenario::doc::ActionDoc::Stop {
        node: "billing-app".into(),
    })
    .unwrap();
    p.apply(Command::Seek(p.position() + 20)).unwrap();
    assert!(!shows(&p, done));
}

#[test]
fn a_wrong_prediction_is_not_the_answer() {
    for lesson in lessons() {
        for step in &lesson.doc.steps {
            if let StepDoc::Choose {
                choices, answer, ..
            } = step
            {
                assert!((0..choices.len()).any(|c| c != *answer));
            }
        }
    }
    // And the estimate is exact: one more or one fewer row is wrong.
    let l = lessons()
        .into_iter()
        .find(|l| l.doc.id == "kafka-duplicate-consumption")
        .unwrap();
    assert!(l
        .doc
        .steps
        .iter()
        .any(|s| matches!(s, StepDoc::Estimate { answer: 10, .. })));
}

#[test]
fn a_bad_lesson_names_its_field() {
    let (_, text) = lesson_sources()
        .iter()
        .find(|(id, _)| *id == "kafka-duplicate-consumption")
        .unwrap();
    let cases: [(&str, &str, &str); 5] = [
        (
            "\"scenario\": \"kafka-consumer-offsets\"",
            "\"scenario\": \"nope\"",
            "scenario",
        ),
        (
            "\"name\": \"billing-app\", \"is\": \"crashed\"",
            "\"name\": \"billing-x\", \"is\": \"crashed\"",
            "steps[2].done",
        ),
        (
            "{ \"store_rows\": \"orders-table\" }, \"op\"",
            "{ \"store_rows\": \"orders\" }, \"op\"",
            "steps[1].until",
        ),
        (
            "\"ledger\": \"store_duplicates\"",
            "\"ledger\": \"dupes\"",
            "steps[5].until",
        ),
        ("\"step\": 7", "\"step\": 70", "answer[2].step"),
    ];
    for (from, to, field) in cases {
        assert!(text.contains(from), "{from}");
        let bad = text.replacen(from, to, 1);
        let doc = LessonDoc::parse(&bad).unwrap();
        let e = validate_lesson(&doc).unwrap_err();
        assert_eq!(e.field, field, "{e}");
        assert!(!e.zh.is_empty());
    }
}

#[test]
fn a_link_to_a_step_opens_the_world_the_learner_left() {
    for lesson in lessons() {
        let mut walked = Player::load(lesson.scenario.clone()).unwrap();
        for (i, step) in lesson.doc.steps.iter().enumerate() {
            let opened = replay_to(&lesson, i).unwrap();
            assert_eq!(
                opened.position(),
                walked.position(),
                "{} step {i}",
                lesson.doc.id
            );
            assert_eq!(opened.doc(), walked.doc(), "{} step {i}", lesson.doc.id);
            follow(&mut walked, step).unwrap();
        }
    }
}

#[test]
fn a_wrong_choice_is_judged_wrong() {
    for lesson in lessons() {
        for step in &lesson.doc.steps {
            if let StepDoc::Choose {
                choices, answer, ..
            } = step
            {
                for c in (0..choices.len()).filter(|c| c != answer) {
                    assert_eq!(judge(step, Prediction::Choice(c), None), Verdict::Wrong);
                }
            }
        }
    }
}

/// The page ships only the lesson map's cards and fetches a lesson's file when it is opened:
/// the cards must say what the lesson files say. After editing a lesson:
/// `MQLAB_BLESS=1 cargo test -p mqlab-scenario --test lessons lesson_cards`.
#[test]
fn the_lesson_cards_file_matches_the_lesson_files() {
    let want = mqlab_scenario::lesson::card::cards_file(&lesson_docs());
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lesson/lesson-cards.json");
    let bless = std::env::var("MQLAB_BLESS").is_ok_and(|v| !v.is_empty() && v != "0");
    if bless {
        std::fs::write(&path, &want).expect("write the cards file");
        return;
    }
    let have = std::fs::read_to_string(&path).expect("the cards file");
    assert!(
        have == want,
        "{} is out of date with lessons/*.json: run \
         MQLAB_BLESS=1 cargo test -p mqlab-scenario --test lessons lesson_cards",
        path.display()
    );
    let cards = mqlab_scenario::lesson::cards();
    assert_eq!(cards.len(), lesson_sources().len(), "every card reads");
}

#[test]
fn the_lesson_map_lists_every_lesson() {
    let docs = lesson_docs();
    assert_eq!(docs.len(), lesson_sources().len());
    assert!(docs
        .iter()
        .all(|d| !d.title.en.is_empty() && !d.title.zh.is_empty()));
}

/// Every user-facing text of a lesson source, as (English, Chinese) pairs: each object with
/// both an `en` and a `zh` string.
fn texts(source: &str) -> Vec<(String, String)> {
    fn walk(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(m) => {
                if let (Some(en), Some(zh)) = (
                    m.get("en").and_then(|v| v.as_str()),
                    m.get("zh").and_then(|v| v.as_str()),
                ) {
                    out.push((en.to_string(), zh.to_string()));
                }
                m.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::from_str(source).unwrap(), &mut out);
    out
}

fn source(id: &str) -> &'static str {
    lesson_sources()
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, s)| *s)
        .unwrap_or_else(|| panic!("no lesson {id}"))
}

fn mentions(id: &str, en: &str, zh: &str) -> bool {
    let t = texts(source(id));
    t.iter().any(|(e, _)| e.contains(en)) && t.iter().any(|(_, z)| z.contains(zh))
}

/// RabbitMQ promotes the oldest *live* mirror, synchronised or not; when-synced refuses only
/// when no mirror is synchronised. Mirroring is gone in 4.0: quorum queues replace it.
#[test]
fn no_lesson_says_only_a_synchronised_mirror_is_promoted() {
    for (id, text) in lesson_sources() {
        for (en, zh) in texts(text) {
            let en = en.to_lowercase();
            for wrong in [
                "oldest synchronised mirror",
                "oldest synchronized mirror",
                "oldest in-sync mirror",
                "synchronised mirror is promoted",
                "synchronized mirror is promoted",
            ] {
                assert!(!en.contains(wrong), "{id}: {en}");
            }
            assert!(!zh.contains("最老的已同步镜像"), "{id}: {zh}");
        }
    }
    let id = "rabbitmq-mirrored-queues";
    assert!(mentions(id, "oldest live mirror", "最老的存活镜像"));
    assert!(mentions(id, "when-synced", "when-synced"));
    assert!(mentions(id, "removed in RabbitMQ 4.0", "4.0 中移除"));
    assert!(mentions(id, "quorum queue", "仲裁队列"));
    // The lesson shows the unsynchronised promotion losing confirmed messages, and a quorum
    // queue losing none under the same faults (the walk proves both conditions).
    let lesson = lessons().into_iter().find(|l| l.doc.id == id).unwrap();
    assert!(lesson.doc.steps.iter().any(|s| matches!(
        s,
        StepDoc::Choose { check, .. }
            if check.to_json().contains("\"lost\"")
                && check.to_json().contains("\"op\":\"==\",\"value\":6")
    )));
    assert!(lesson.doc.steps.iter().any(|s| matches!(
        s,
        StepDoc::Switch { setting, value, .. } if setting == "queue_type" && value == "quorum"
    )));
}

/// With the default `latest`, a group without a committed offset skips what was there: the
/// duplicate-consumption lesson says so, and says its scenario uses `earliest`.
#[test]
fn the_duplicate_lesson_teaches_auto_offset_reset_and_how_to_be_idempotent() {
    let id = "kafka-duplicate-consumption";
    assert!(mentions(id, "auto.offset.reset", "auto.offset.reset"));
    assert!(mentions(id, "latest", "latest"));
    assert!(mentions(id, "sets it to earliest", "earliest"));
    let lesson = lessons().into_iter().find(|l| l.doc.id == id).unwrap();
    let scenario = lesson.scenario.to_value();
    assert_eq!(
        scenario["consumers"][0]["auto_offset_reset"], "earliest",
        "the lesson says its scenario uses earliest"
    );
    // The model answer says how to be idempotent and names the other causes.
    let answers: Vec<_> = lesson
        .doc
        .answer
        .iter()
        .map(|a| a.text.en.clone())
        .collect();
    let answers = answers.join(" ");
    for point in [
        "unique key",
        "upsert",
        "SETNX",
        "dedup table",
        "after processing",
        "rebalance",
        "without idempotence",
        "auto.offset.reset",
    ] {
        assert!(answers.contains(point), "the answer lacks {point:?}");
    }
}

/// What changed since the seed material was written: producer defaults (3.0), KIP-848
/// rebalances, share groups, follower fetching.
#[test]
fn lessons_teach_current_kafka() {
    for (id, text) in lesson_sources() {
        let t = texts(text);
        let any = |s: &str| t.iter().any(|(en, _)| en.contains(s));
        assert!(
            !any("only its leader serves reads") && !any("Only the leader serves reads"),
            "{id}: follower fetching (KIP-392) lets consumers read from a follower"
        );
        if any("sit idle") {
            assert!(
                any("share group"),
                "{id}: idle consumers without share groups"
            );
            assert!(t.iter().any(|(_, zh)| zh.contains("共享组")), "{id}");
        }
        if any("rebalance") {
            assert!(any("KIP-848"), "{id}: a rebalance without KIP-848");
        }
    }
    assert!(mentions("kafka-high-availability", "KIP-392", "KIP-392"));
    assert!(mentions(
        "kafka-producer-loss",
        "Since Kafka 3.0",
        "Kafka 3.0"
    ));
}

/// A prediction must not be guessable from its length: across the lessons, the right choice
/// is the longest (or tied for it) in at most half the choose steps, in either language.
#[test]
fn the_right_choice_is_not_usually_the_longest() {
    let (mut steps, mut longest_en, mut longest_zh) = (0, 0, 0);
    for lesson in lessons() {
        for step in &lesson.doc.steps {
            if let StepDoc::Choose {
                choices, answer, ..
            } = step
            {
                let longest = |len: &dyn Fn(usize) -> usize| {
                    (0..choices.len()).all(|c| len(*answer) >= len(c))
                };
                steps += 1;
                longest_en += longest(&|c| choices[c].en.chars().count()) as usize;
                longest_zh += longest(&|c| choices[c].zh.chars().count()) as usize;
            }
        }
    }
    assert!(steps > 0);
    assert!(2 * longest_en <= steps, "{longest_en} of {steps} (en)");
    assert!(2 * longest_zh <= steps, "{longest_zh} of {steps} (zh)");
}

/// A play step stops at the moment that shows its point: none makes the learner watch more
/// than 40 s of simulated time (the longest, the ELR lesson replaying its story after a
/// switch, takes 36 s).
#[test]
fn no_play_step_waits_long_for_its_point() {
    for lesson in lessons() {
        let mut p = Player::load(lesson.scenario.clone()).unwrap();
        for (i, step) in lesson.doc.steps.iter().enumerate() {
            let before = p.step_time_ms(p.position());
            follow(&mut p, step).unwrap();
            let waited = p.step_time_ms(p.position()).saturating_sub(before);
            if matches!(step, StepDoc::Play { .. }) {
                assert!(
                    waited <= 40_000,
                    "{} step {i} plays {:.1} s before it shows its point",
                    lesson.doc.id,
                    waited as f64 / 1000.0
                );
            }
        }
    }
}

/// A step that points at the ◆ committed-offset marker finds it on the stage when it is done
/// (the frame has a committed offset), or says there is none yet and there is none.
#[test]
fn a_step_pointing_at_the_committed_offset_marker_finds_it() {
    let mut pointed = 0;
    for lesson in lessons() {
        for (i, step) in lesson.doc.steps.iter().enumerate() {
            let json = step.to_value();
            let en = json["text"]["en"].as_str().unwrap_or_default();
            if !en.contains('◆') {
                continue;
            }
            pointed += 1;
            let mut p = replay_to(&lesson, i).unwrap();
            follow(&mut p, step).unwrap();
            let marks: usize = p.frame().groups.iter().map(|g| g.committed.len()).sum();
            if en.contains("No ◆") {
                assert_eq!(marks, 0, "{} step {i} says there is no ◆", lesson.doc.id);
            } else {
                assert!(
                    marks > 0,
                    "{} step {i} points at a ◆ that is not drawn",
                    lesson.doc.id
                );
            }
        }
    }
    assert!(pointed > 0, "some lesson points at the marker");
}

/// The duplicate lesson shows auto.offset.reset, not only tells it: switched to latest, the
/// late consumer skips the six orders (the walk checks the estimate against the model).
#[test]
fn the_duplicate_lesson_switches_auto_offset_reset_to_latest_and_shows_the_gap() {
    let lesson = lessons()
        .into_iter()
        .find(|l| l.doc.id == "kafka-duplicate-consumption")
        .unwrap();
    let at = lesson
        .doc
        .steps
        .iter()
        .position(|s| {
            matches!(s, StepDoc::Switch { setting, value, .. }
                if setting == "auto_offset_reset" && value == "latest")
        })
        .expect("a switch to latest");
    assert!(matches!(
        lesson.doc.steps[at + 1],
        StepDoc::Estimate { answer: 0, .. }
    ));
}

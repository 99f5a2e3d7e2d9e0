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
        let doc: LessonDoc = serde_json::from_str(text).unwrap_or_else(|e| panic!("{id}: {e}"));
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
            "steps[6].expect",
        ),
        ("\"step\": 7", "\"step\": 70", "answer[2].step"),
    ];
    for (from, to, field) in cases {
        assert!(text.contains(from), "{from}");
        let bad = text.replacen(from, to, 1);
        let doc: LessonDoc = serde_json::from_str(&bad).unwrap();
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

#[test]
fn the_lesson_map_lists_every_lesson() {
    let docs = lesson_docs();
    assert_eq!(docs.len(), lesson_sources().len());
    assert!(docs
        .iter()
        .all(|d| !d.title.en.is_empty() && !d.title.zh.is_empty()));
}

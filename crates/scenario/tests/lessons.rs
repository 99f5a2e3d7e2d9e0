//! Every shipped lesson, walked from start to end the way a learner who does what each prompt
//! asks would walk it: the acts' solutions make their conditions true, every prediction's
//! answer is what the model then shows, and every check passes. Wrong moves do not pass.

use mqlab_scenario::lesson::{condition::apply_setting, holds, lessons, measure, LessonWorld};
use mqlab_scenario::lesson::{lesson_sources, validate_lesson, Condition, LessonDoc, StepDoc};
use mqlab_scenario::{Command, Player};

fn world_holds(p: &Player, c: &Condition) -> bool {
    let frame = p.frame();
    holds(
        c,
        &LessonWorld {
            doc: p.doc(),
            frame: &frame,
            at_end: p.position() == p.total_steps(),
        },
    )
}

/// Step on until the condition holds; false if the trace ends first.
fn play_until(p: &mut Player, c: &Condition) -> bool {
    loop {
        if world_holds(p, c) {
            return true;
        }
        if p.position() == p.total_steps() {
            return false;
        }
        p.apply(Command::Forward).unwrap();
    }
}

fn walk(lesson: &LessonDoc, scenario: mqlab_scenario::ScenarioDoc) -> Result<(), String> {
    let mut p = Player::load(scenario).map_err(|e| e.to_string())?;
    for (i, step) in lesson.steps.iter().enumerate() {
        let at = |what: &str| format!("{} step {i}: {what}", lesson.id);
        match step {
            StepDoc::Narrate { .. } => {}
            StepDoc::Play { until: None, .. } => p.apply(Command::End).unwrap(),
            StepDoc::Play { until: Some(c), .. } => {
                if !play_until(&mut p, c) {
                    return Err(at("the trace ended before the play condition held"));
                }
            }
            StepDoc::Act { done, solution, .. } => {
                for action in solution {
                    p.inject_doc(action.clone())
                        .map_err(|e| at(&e.to_string()))?;
                }
                if !play_until(&mut p, done) {
                    return Err(at("the solution does not make the act's condition true"));
                }
            }
            StepDoc::Switch { setting, value, .. } => {
                let mut doc = p.doc().clone();
                apply_setting(&mut doc, setting, value).map_err(|e| at(&e))?;
                p = Player::load(doc).map_err(|e| at(&e.to_string()))?;
            }
            StepDoc::Choose { check, .. } => {
                let mut end = p.clone();
                end.apply(Command::End).unwrap();
                if !world_holds(&end, check) {
                    return Err(at(
                        "the answer's check does not hold at the end of the trace",
                    ));
                }
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
            }
            StepDoc::Check { expect, .. } => {
                if !play_until(&mut p, expect) {
                    return Err(at("the check never holds"));
                }
            }
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
    let mut p = Player::load(lesson.scenario.clone()).unwrap();
    // A graceful stop is not a kill -9: the step waits.
    p.inject_doc(mqlab_scenario::doc::ActionDoc::Stop {
        node: "billing-app".into(),
    })
    .unwrap();
    p.apply(Command::Seek(p.position() + 20)).unwrap();
    assert!(!world_holds(&p, done));
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

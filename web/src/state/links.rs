//! Damaged links opened for real (natively): which page, example and step each one opens,
//! and the notice it shows, in both languages. `route`'s tests cover the reading alone.

use super::*;
use crate::link_problem::percent_decode;
use crate::share::{changed_body, doc_body};
use mqlab_scenario::link::base64url_encode;

/// As the browser's `decodeURIComponent`: a broken escape is an error.
fn decode(s: &str) -> Option<String> {
    let decoded = percent_decode(s);
    (!decoded.contains('\u{fffd}') && !s.contains("%%")).then_some(decoded)
}

fn parse(fragment: &str) -> Parsed {
    Route::parse(fragment, decode)
}

/// What is on show, in a few words.
fn shown(state: &AppState) -> String {
    match state.view {
        View::Home => "home".into(),
        View::Sandbox => format!(
            "{}{} @{}",
            state.sandbox.example_id,
            if state.sandbox.modified {
                " (modified)"
            } else {
                ""
            },
            if state.position() == state.total() && state.total() > 0 {
                "end".to_string()
            } else {
                state.position().to_string()
            }
        ),
        View::Lesson => format!(
            "lesson {} step {}",
            state.lesson.as_ref().map_or("?", |l| l.doc().id.as_str()),
            state.lesson.as_ref().map_or(0, |l| l.step + 1)
        ),
        View::Compare => format!(
            "compare {}",
            state
                .compare
                .as_ref()
                .map_or("?", |c| c.spec.example.as_str())
        ),
    }
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn damaged_links_open_the_nearest_state_and_say_why_in_both_languages() {
    let b64 = |s: &str| base64url_encode(s.as_bytes());
    let not_json = changed_body("kafka-zombie-leader", &b64("not json"));
    let wrong_shape = changed_body("kafka-leader-kill", &b64(r#"{"kafka":{"brokers":"many"}}"#));
    let cannot_run = format!(
        "{}@7",
        changed_body("kafka-leader-kill", &b64(r#"{"kafka":{"brokers":0}}"#))
    );
    let names_example = doc_body(r#"{"id":"kafka-zombie-leader"}"#);
    let too_long = format!("kafka-leader-kill~{}", "A".repeat(70_000));
    let cases: Vec<(&str, &str, &[&str], &[&str])> = vec![
        // (fragment, what opens, problem kinds, words of the English notice)
        (
            "kafka-leader-kill@-5",
            "kafka-leader-kill @0",
            &["step-not-a-number"],
            &["`-5`", "start"],
        ),
        (
            "kafka-leader-kill@abc",
            "kafka-leader-kill @0",
            &["step-not-a-number"],
            &["`abc`"],
        ),
        (
            "kafka-leader-kill@99999999999999999999",
            "kafka-leader-kill @end",
            &["step-past-end"],
            &[
                "99999999999999999999",
                "past the end (",
                " steps)",
                "last step",
            ],
        ),
        (
            "kafka-leader-kill@999999",
            "kafka-leader-kill @end",
            &["step-past-end"],
            &["999999"],
        ),
        (
            "kafka-leader-kill@%EF%BC%91%EF%BC%92%EF%BC%90",
            "kafka-leader-kill @120",
            &["full-width-digits"],
            &["`１２０`", "120"],
        ),
        (
            "kafka-zombie-leader~%%%",
            "kafka-zombie-leader @0",
            &["patch-undecodable"],
            &["`~`", "kafka-zombie-leader unchanged", "base64url"],
        ),
        (
            &not_json,
            "kafka-zombie-leader @0",
            &["patch-undecodable"],
            &["not JSON"],
        ),
        (
            &wrong_shape,
            "kafka-leader-kill @0",
            &["patch-undecodable"],
            &["not valid"],
        ),
        (
            &cannot_run,
            "kafka-leader-kill @7",
            &["patch-invalid"],
            &["kafka.brokers", "unchanged"],
        ),
        (
            "doc~***",
            "kafka-leader-kill @0",
            &["doc-undecodable"],
            &["`doc~`", "base64url"],
        ),
        (
            "doc=%E0%A4%A",
            "kafka-leader-kill @0",
            &["doc-undecodable"],
            &["`doc=`"],
        ),
        (
            &names_example,
            "kafka-zombie-leader @0",
            &["doc-invalid"],
            &["kafka-zombie-leader, unchanged"],
        ),
        (
            "doc=%7B%22id%22%3A1%7D",
            "kafka-leader-kill @0",
            &["doc-invalid"],
            &["first example"],
        ),
        (
            "no-such-example@5",
            "kafka-leader-kill @0",
            &["unknown-example"],
            &["`no-such-example`"],
        ),
        (
            "%3Cscript%3E",
            "home",
            &["unrecognised"],
            &["`#<script>`", "lesson map"],
        ),
        ("%00", "home", &["unrecognised"], &["`#%00`"]),
        (
            &too_long,
            "kafka-leader-kill @0",
            &["too-long"],
            &["70018 characters"],
        ),
        (
            "lesson/nope/2",
            "home",
            &["unknown-lesson"],
            &["no lesson `nope`"],
        ),
        (
            "lesson/kafka-high-availability/0",
            "lesson kafka-high-availability step 1",
            &["lesson-step-zero"],
            &["from 1"],
        ),
        (
            "lesson/kafka-high-availability/9",
            "lesson kafka-high-availability step 6",
            &["lesson-step-past-end"],
            &["has 6 steps, not 9; opened step 6"],
        ),
        (
            "lesson/kafka-high-availability/99999999999999999999999",
            "lesson kafka-high-availability step 6",
            &["lesson-step-past-end"],
            &["has 6 steps, not 99999999999999999999999"],
        ),
        (
            "compare/a/b/c",
            "compare kafka-acks1-leader-dies",
            &["compare-malformed"],
            &["`compare/a/b/c`"],
        ),
        (
            "compare@-1",
            "compare kafka-acks1-leader-dies",
            &["step-not-a-number"],
            &["`-1`"],
        ),
        (
            "compare@99999",
            "compare kafka-acks1-leader-dies",
            &["step-past-end"],
            &["99999"],
        ),
        (
            "compare/kafka-acks1-leader-dies/acks/1/1",
            "compare kafka-acks1-leader-dies",
            &["compare-invalid"],
            &["same value"],
        ),
        (
            "compare/nope/acks/1/all",
            "compare kafka-acks1-leader-dies",
            &["compare-invalid"],
            &["`nope`"],
        ),
        // Valid links after damaged ones: nothing to say.
        ("kafka-leader-kill@4", "kafka-leader-kill @4", &[], &[]),
        (
            "lesson/kafka-high-availability/2",
            "lesson kafka-high-availability step 2",
            &[],
            &[],
        ),
        ("compare", "compare kafka-acks1-leader-dies", &[], &[]),
        ("", "home", &[], &[]),
    ];
    crate::lesson_files::keep_shipped();
    let mut state = AppState::new(Lang::En, parse(""), Progress::default(), false);
    for (fragment, expected, kinds, words) in cases {
        let short: String = fragment.chars().take(60).collect();
        let problems = state.open_route(parse(fragment));
        assert_eq!(shown(&state), expected, "#{short}");
        let got: Vec<&str> = problems.iter().map(LinkProblem::kind).collect();
        assert_eq!(got, kinds, "#{short}");
        match &state.ui.notice {
            None => assert!(kinds.is_empty(), "#{short}: no notice"),
            Some(notice) => {
                assert!(!kinds.is_empty(), "#{short}: {}", notice.en);
                for w in words {
                    assert!(
                        notice.en.contains(w),
                        "#{short}: {w:?} not in {}",
                        notice.en
                    );
                }
                assert!(has_chinese(&notice.zh), "#{short}: {}", notice.zh);
                for english in [
                    "opened",
                    "not a",
                    "could not",
                    "past the end",
                    "There is",
                    " the ",
                ] {
                    assert!(!notice.zh.contains(english), "#{short}: {}", notice.zh);
                }
            }
        }
    }
}

#[test]
fn the_step_past_the_end_names_the_count() {
    let mut state = AppState::new(Lang::En, parse(""), Progress::default(), false);
    state.open_route(parse("kafka-leader-kill@99999999999999999999"));
    let total = state.total();
    let notice = state.ui.notice.clone().unwrap_or_default();
    assert!(
        notice.en.contains(&format!("({total} steps)")),
        "{}",
        notice.en
    );
    assert!(
        notice.zh.contains(&format!("共 {total} 步")),
        "{}",
        notice.zh
    );
}

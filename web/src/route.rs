//! Which page the address opens: the lesson map (no fragment), a lesson at one of its steps
//! (`#lesson/kafka-high-availability/3`, steps counted from 1 as the page shows them; `@120`
//! after it puts the player at step 120 of the trace), the sandbox (`#sandbox`, or a shared
//! state as `share` spells it), or a comparison (`#compare/example/setting/left/right@12`).
//! Parsing never fails and never loses what it could read: a damaged address opens the
//! nearest page it names, with the list of what was wrong (`link_problem`); an address that
//! names nothing opens the lesson map, and says so.

use crate::link_problem::{excerpt, percent_decode, plain_id, read_number, read_step, LinkProblem};
use crate::share::{Opens, Shared};
use mqlab_scenario::link::MAX_LINK_CHARS;

const LESSON: &str = "lesson";
const SANDBOX: &str = "sandbox";
const COMPARE: &str = "compare";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    /// A lesson at a step, 0-based here, the player at step `at` of the trace (0: where
    /// the lesson step starts).
    Lesson {
        id: String,
        step: usize,
        at: u64,
    },
    /// The sandbox at its first example, or at what the address shares.
    Sandbox(Option<Shared>),
    /// Two runs side by side: example, setting, left value, right value (the first preset
    /// when none); at a position of the shared timeline.
    Compare {
        spec: Option<(String, String, String, String)>,
        at: usize,
    },
}

/// What an address opens, and what was wrong with it (nothing, for a link MQ Lab wrote).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub route: Route,
    pub problems: Vec<LinkProblem>,
}

impl Parsed {
    fn new(route: Route, problems: Vec<LinkProblem>) -> Parsed {
        Parsed { route, problems }
    }
}

impl Route {
    /// Reads a fragment (without its `#`, `%`-escaped as the browser reports it); `decode`
    /// undoes the URI encoding of an older `doc=` document.
    pub fn parse(fragment: &str, decode: impl Fn(&str) -> Option<String>) -> Parsed {
        if fragment.is_empty() {
            return Parsed::new(Route::Home, Vec::new());
        }
        let chars = fragment.chars().count();
        if chars > MAX_LINK_CHARS {
            return too_long(fragment, chars);
        }
        let decoded = percent_decode(fragment);
        if decoded == SANDBOX {
            return Parsed::new(Route::Sandbox(None), Vec::new());
        }
        if let Some(rest) = section(&decoded, COMPARE) {
            return compare(rest);
        }
        if let Some(rest) = section(&decoded, LESSON) {
            return lesson(rest);
        }
        let (opens, problems) = Shared::parse(fragment, decode);
        let route = match opens {
            Opens::Shared(shared) => Route::Sandbox(Some(shared)),
            Opens::FirstExample => Route::Sandbox(None),
            Opens::Home => Route::Home,
        };
        Parsed::new(route, problems)
    }

    /// The fragment (without `#`) for a comparison.
    pub fn compare_fragment(example: &str, setting: &str, left: &str, right: &str) -> String {
        format!("{COMPARE}/{example}/{setting}/{left}/{right}")
    }

    /// The fragment (without `#`) for a lesson step (0-based).
    pub fn lesson_fragment(id: &str, step: usize) -> String {
        format!("{LESSON}/{id}/{}", step + 1)
    }
}

/// What follows `name` when the fragment is that section (`name`, `name/…` or `name@…`).
fn section<'a>(fragment: &'a str, name: &str) -> Option<&'a str> {
    let rest = fragment.strip_prefix(name)?;
    (rest.is_empty() || rest.starts_with('/') || rest.starts_with('@')).then_some(rest)
}

/// Refused before decoding; an example id at its head is all that is read.
fn too_long(fragment: &str, chars: usize) -> Parsed {
    let head: String = fragment
        .chars()
        .take_while(|c| *c != '~' && *c != '@')
        .take(200)
        .collect();
    let is_example = plain_id(&head) && head != SANDBOX && head != COMPARE && head != LESSON;
    let kept = is_example.then(|| head.clone());
    let route = match &kept {
        Some(id) => Route::Sandbox(Some(Shared::Example {
            id: id.clone(),
            step: 0,
        })),
        None => Route::Home,
    };
    Parsed::new(route, vec![LinkProblem::TooLong { chars, kept }])
}

/// `compare`, `compare@12`, `compare/example/setting/left/right@12`. A malformed one opens
/// the comparison of the example it names, if there is one, else the first.
fn compare(rest: &str) -> Parsed {
    let mut problems = Vec::new();
    let (body, at) = match rest.split_once('@') {
        Some((body, at)) => (body, read_step(at, &mut problems)),
        None => (rest, 0),
    };
    let at = usize::try_from(at).unwrap_or(usize::MAX);
    if body.is_empty() {
        return Parsed::new(Route::Compare { spec: None, at }, problems);
    }
    let parts: Vec<&str> = body.trim_start_matches('/').split('/').collect();
    if let [e, s, l, r] = parts.as_slice() {
        if [e, s, l, r].iter().all(|w| plain_id(w)) {
            let spec = Some((e.to_string(), s.to_string(), l.to_string(), r.to_string()));
            return Parsed::new(Route::Compare { spec, at }, problems);
        }
    }
    let named = parts
        .first()
        .and_then(|e| crate::state::PRESETS.iter().find(|p| p.example == *e));
    let preset = named.unwrap_or(&crate::state::PRESETS[0]);
    problems.insert(
        0,
        LinkProblem::CompareMalformed {
            excerpt: excerpt(&format!("{COMPARE}{body}")),
            opened: preset.example.to_string(),
        },
    );
    let spec = named.map(|p| {
        (
            p.example.to_string(),
            p.setting.to_string(),
            p.left.to_string(),
            p.right.to_string(),
        )
    });
    Parsed::new(Route::Compare { spec, at: 0 }, problems)
}

/// `lesson/id`, `lesson/id/3`, `lesson/id/3@120`. A bad step number opens the nearest
/// step; no lesson id opens the lesson map.
fn lesson(rest: &str) -> Parsed {
    let mut problems = Vec::new();
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let (body, at) = match rest.split_once('@') {
        Some((body, at)) => (body, read_step(at, &mut problems)),
        None => (rest, 0),
    };
    let (id, step) = match body.split_once('/') {
        Some((id, step)) => (id, Some(step)),
        None => (body, None),
    };
    if id.is_empty() {
        return Parsed::new(Route::Home, vec![LinkProblem::NoLesson]);
    }
    if !plain_id(id) {
        return Parsed::new(
            Route::Home,
            vec![LinkProblem::UnknownLesson { id: excerpt(id) }],
        );
    }
    let step = match step {
        None => 0,
        Some(text) => {
            let n = read_number(text);
            if n.digits.is_empty() {
                problems.push(LinkProblem::LessonStepNotANumber {
                    text: excerpt(text),
                });
                0
            } else {
                n.note_problems(
                    format!("{LESSON}/{}/{}", excerpt(id), excerpt(n.written)),
                    &mut problems,
                );
                match n.value.map(usize::try_from) {
                    Some(Ok(0)) => {
                        problems.push(LinkProblem::LessonStepZero);
                        0
                    }
                    Some(Ok(n)) => n - 1,
                    // Past any lesson's end: its last step, the count filled in on opening.
                    _ => {
                        problems.push(LinkProblem::LessonStepPastEnd {
                            id: id.to_string(),
                            asked: excerpt(&n.digits),
                            count: None,
                        });
                        usize::MAX
                    }
                }
            }
        }
    };
    let route = Route::Lesson {
        id: id.to_string(),
        step,
        at,
    };
    Parsed::new(route, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    /// Percent-decoding as the browser's `decodeURIComponent` would fail on a broken escape.
    fn strict_decode(s: &str) -> Option<String> {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let ok = bytes
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                if !ok {
                    return None;
                }
                i += 3;
            } else {
                i += 1;
            }
        }
        let decoded = percent_decode(s);
        (!decoded.contains('\u{fffd}')).then_some(decoded)
    }

    /// What a route opens, in a few words, for the tables below.
    fn opened(route: &Route) -> String {
        match route {
            Route::Home => "home".into(),
            Route::Sandbox(None) => "first-example".into(),
            Route::Sandbox(Some(Shared::Example { id, step })) => format!("example {id}@{step}"),
            Route::Sandbox(Some(Shared::Changed { id, step, .. })) => {
                format!("changed {id}@{step}")
            }
            Route::Sandbox(Some(Shared::Doc { step, .. })) => format!("doc@{step}"),
            Route::Lesson { id, step, at } => format!("lesson {id}/{step}@{at}"),
            Route::Compare { spec: None, at } => format!("compare first@{at}"),
            Route::Compare {
                spec: Some((e, s, l, r)),
                at,
            } => format!("compare {e}/{s}/{l}/{r}@{at}"),
        }
    }

    #[test]
    fn pages() {
        let plain = |f: &str| {
            let parsed = Route::parse(f, decode);
            assert_eq!(parsed.problems, vec![], "{f}");
            parsed.route
        };
        assert_eq!(plain(""), Route::Home);
        assert_eq!(plain("sandbox"), Route::Sandbox(None));
        assert_eq!(
            plain("lesson/kafka-high-availability/3"),
            Route::Lesson {
                id: "kafka-high-availability".into(),
                step: 2,
                at: 0
            }
        );
        assert_eq!(
            plain("lesson/ordering"),
            Route::Lesson {
                id: "ordering".into(),
                step: 0,
                at: 0
            }
        );
        assert_eq!(
            plain("kafka-leader-kill@4"),
            Route::Sandbox(Some(Shared::Example {
                id: "kafka-leader-kill".into(),
                step: 4
            }))
        );
        assert_eq!(
            plain(&format!("{}@77", Route::lesson_fragment("ordering", 4))),
            Route::Lesson {
                id: "ordering".into(),
                step: 4,
                at: 77
            }
        );
    }

    #[test]
    fn comparisons() {
        let parsed = Route::parse("compare", decode);
        assert_eq!(parsed.route, Route::Compare { spec: None, at: 0 });
        assert!(parsed.problems.is_empty());
        let parsed = Route::parse(
            &format!(
                "{}@12",
                Route::compare_fragment("kafka-acks1-leader-dies", "acks", "1", "all")
            ),
            decode,
        );
        assert!(parsed.problems.is_empty());
        assert_eq!(
            parsed.route,
            Route::Compare {
                spec: Some((
                    "kafka-acks1-leader-dies".into(),
                    "acks".into(),
                    "1".into(),
                    "all".into()
                )),
                at: 12
            }
        );
    }

    /// Every link MQ Lab writes reads back without a problem.
    #[test]
    fn valid_links_have_no_problem() {
        use crate::share::{changed_body, doc_body, fragment};
        for f in [
            "".to_string(),
            "sandbox".into(),
            "compare".into(),
            "compare@3".into(),
            fragment("kafka-leader-kill", 120),
            fragment("kafka-zombie-leader", 0),
            fragment(&changed_body("kafka-leader-kill", "eyJzZWVkIjo3fQ"), 30),
            fragment(&doc_body("{\"id\":\"mine\"}"), 3),
            Route::lesson_fragment("ordering", 0),
            fragment(&Route::lesson_fragment("kafka-high-availability", 5), 40),
            fragment(
                &Route::compare_fragment("kafka-acks1-leader-dies", "acks", "1", "all"),
                9,
            ),
        ] {
            let parsed = Route::parse(&f, decode);
            assert_eq!(parsed.problems, vec![], "#{f}");
            assert_eq!(parsed.route == Route::Home, f.is_empty(), "#{f}");
        }
    }

    /// Damaged addresses, as the browser reports them (`%`-escaped): each opens the nearest
    /// page it names and lists what is wrong. A problem that needs the world to tell (an
    /// unknown example, a step past the end of a trace) is added on opening (`state`).
    #[test]
    fn damaged_links_open_the_nearest_page_and_say_why() {
        let long_patch = format!("kafka-leader-kill~{}", "A".repeat(MAX_LINK_CHARS));
        let long_junk = "%3C".repeat(MAX_LINK_CHARS / 3 + 1);
        let twenty_thousand = format!("kafka-leader-kill~{}", "A".repeat(20_000));
        let cases: Vec<(&str, &str, &[&str])> = vec![
            // Steps of an example.
            (
                "kafka-leader-kill@-5",
                "example kafka-leader-kill@0",
                &["step-not-a-number"],
            ),
            (
                "kafka-leader-kill@abc",
                "example kafka-leader-kill@0",
                &["step-not-a-number"],
            ),
            (
                "kafka-leader-kill@",
                "example kafka-leader-kill@0",
                &["step-missing"],
            ),
            (
                "kafka-leader-kill@+5",
                "example kafka-leader-kill@0",
                &["step-not-a-number"],
            ),
            (
                "kafka-leader-kill@99999999999999999999",
                "example kafka-leader-kill@18446744073709551615",
                &["step-past-end"],
            ),
            (
                "kafka-leader-kill@%EF%BC%91%EF%BC%92%EF%BC%90",
                "example kafka-leader-kill@120",
                &["full-width-digits"],
            ),
            (
                "kafka-leader-kill@１２０",
                "example kafka-leader-kill@120",
                &["full-width-digits"],
            ),
            (
                "kafka-leader-kill@120)",
                "example kafka-leader-kill@120",
                &["trailing-junk"],
            ),
            (
                "kafka-leader-kill@1.5",
                "example kafka-leader-kill@1",
                &["trailing-junk"],
            ),
            (
                "kafka-leader-kill@5@6",
                "example kafka-leader-kill@5",
                &["trailing-junk"],
            ),
            (
                "kafka-leader-kill.",
                "example kafka-leader-kill@0",
                &["trailing-junk"],
            ),
            (
                "kafka-leader-kill%3Cb%3E@7",
                "example kafka-leader-kill@7",
                &["trailing-junk"],
            ),
            ("wbg_style=display-none", "home", &["unrecognised"]),
            ("no-such-example)", "home", &["unrecognised"]),
            // Changes and documents: decoded on opening, or refused here.
            ("kafka-leader-kill~%%%", "changed kafka-leader-kill@0", &[]),
            (
                "kafka-zombie-leader~%%%@9",
                "changed kafka-zombie-leader@9",
                &[],
            ),
            ("doc~***", "first-example", &["doc-undecodable"]),
            ("doc~_w", "first-example", &["doc-undecodable"]),
            ("doc=%E0%A4%A", "first-example", &["doc-undecodable"]),
            ("doc=%7B%22id%22%3A1%7D@x", "doc@0", &["step-not-a-number"]),
            // Nothing recognisable.
            ("%3Cscript%3E", "home", &["unrecognised"]),
            ("<script>", "home", &["unrecognised"]),
            ("%00", "home", &["unrecognised"]),
            ("%%%", "home", &["unrecognised"]),
            ("%E2%80%AE", "home", &["unrecognised"]),
            ("@5", "home", &["empty-id"]),
            ("~eyJ9", "home", &["empty-id"]),
            (&long_junk, "home", &["too-long"]),
            (&long_patch, "example kafka-leader-kill@0", &["too-long"]),
            (&twenty_thousand, "changed kafka-leader-kill@0", &[]),
            // Lessons.
            ("lesson", "home", &["no-lesson"]),
            ("lesson/", "home", &["no-lesson"]),
            ("lesson//2", "home", &["no-lesson"]),
            ("lesson/%3Cb%3E/1", "home", &["unknown-lesson"]),
            (
                "lesson/ordering/0",
                "lesson ordering/0@0",
                &["lesson-step-zero"],
            ),
            (
                "lesson/ordering/x",
                "lesson ordering/0@0",
                &["lesson-step-not-a-number"],
            ),
            (
                "lesson/ordering/-1",
                "lesson ordering/0@0",
                &["lesson-step-not-a-number"],
            ),
            (
                "lesson/ordering/",
                "lesson ordering/0@0",
                &["lesson-step-not-a-number"],
            ),
            (
                "lesson/ordering/2/3",
                "lesson ordering/1@0",
                &["trailing-junk"],
            ),
            (
                "lesson/ordering/%EF%BC%92",
                "lesson ordering/1@0",
                &["full-width-digits"],
            ),
            (
                "lesson/ordering/99999999999999999999999",
                "lesson ordering/18446744073709551615@0",
                &["lesson-step-past-end"],
            ),
            (
                "lesson/ordering/2@x",
                "lesson ordering/1@0",
                &["step-not-a-number"],
            ),
            // Comparisons.
            ("compare@-1", "compare first@0", &["step-not-a-number"]),
            ("compare/a/b/c", "compare first@0", &["compare-malformed"]),
            (
                "compare/a/b/c/d/e",
                "compare first@0",
                &["compare-malformed"],
            ),
            (
                "compare/a/%3Cb%3E/c/d",
                "compare first@0",
                &["compare-malformed"],
            ),
            (
                "compare/kafka-consumer-kill-before-commit/x",
                "compare kafka-consumer-kill-before-commit/commit/auto/sync_before_process@0",
                &["compare-malformed"],
            ),
            (
                "compare/a/b/c/d@99999999999999999999",
                "compare a/b/c/d@18446744073709551615",
                &["step-past-end"],
            ),
            // Other sections and names.
            ("comparex", "example comparex@0", &[]),
            ("no-such-example@5", "example no-such-example@5", &[]),
        ];
        assert!(cases.len() >= 30);
        for (fragment, expected, kinds) in cases {
            let parsed = Route::parse(fragment, strict_decode);
            let shown: String = fragment.chars().take(60).collect();
            assert_eq!(opened(&parsed.route), expected, "#{shown}");
            let got: Vec<&str> = parsed.problems.iter().map(LinkProblem::kind).collect();
            assert_eq!(got, kinds, "#{shown}");
            for p in &parsed.problems {
                let text = p.text();
                assert!(text.en.chars().count() < 400, "#{shown}: {}", text.en);
                assert!(text.zh.chars().count() < 400, "#{shown}: {}", text.zh);
            }
        }
    }
}

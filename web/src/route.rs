//! Which page the address opens: the lesson map (no fragment), a lesson at one of its steps
//! (`#lesson/kafka-high-availability/3`, steps counted from 1 as the page shows them; `@120`
//! after it puts the player at step 120 of the trace), or the
//! sandbox (`#sandbox`, or a shared state as `share` spells it). Parsing never fails: an
//! address that names nothing opens the lesson map.

use crate::share::Shared;

const LESSON: &str = "lesson/";
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

impl Route {
    /// Reads a fragment (without its `#`); `decode` undoes the URI encoding of a document.
    pub fn parse(fragment: &str, decode: impl Fn(&str) -> Option<String>) -> Route {
        if fragment.is_empty() {
            return Route::Home;
        }
        if fragment == SANDBOX {
            return Route::Sandbox(None);
        }
        if let Some(rest) = fragment.strip_prefix(COMPARE) {
            let (rest, at) = match rest.rsplit_once('@') {
                Some((rest, at)) => match at.parse::<usize>() {
                    Ok(at) => (rest, at),
                    Err(_) => return Route::Home,
                },
                None => (rest, 0),
            };
            if rest.is_empty() {
                return Route::Compare { spec: None, at };
            }
            let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
            let word = |w: &&&str| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            };
            return match parts.as_slice() {
                [e, s, l, r] if rest.starts_with('/') && [e, s, l, r].iter().all(word) => {
                    Route::Compare {
                        spec: Some((e.to_string(), s.to_string(), l.to_string(), r.to_string())),
                        at,
                    }
                }
                _ => Route::Home,
            };
        }
        if let Some(rest) = fragment.strip_prefix(LESSON) {
            let (rest, at) = match rest.rsplit_once('@') {
                Some((rest, at)) => match at.parse::<u64>() {
                    Ok(at) => (rest, at),
                    Err(_) => return Route::Home,
                },
                None => (rest, 0),
            };
            let (id, step) = rest.split_once('/').unwrap_or((rest, "1"));
            let plain = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            return match step.parse::<usize>() {
                Ok(n) if plain && n >= 1 => Route::Lesson {
                    id: id.to_string(),
                    step: n - 1,
                    at,
                },
                _ => Route::Home,
            };
        }
        match Shared::parse(fragment, decode) {
            Some(shared) => Route::Sandbox(Some(shared)),
            None => Route::Home,
        }
    }

    /// The fragment (without `#`) for a comparison.
    pub fn compare_fragment(example: &str, setting: &str, left: &str, right: &str) -> String {
        format!("{COMPARE}/{example}/{setting}/{left}/{right}")
    }

    /// The fragment (without `#`) for a lesson step (0-based).
    pub fn lesson_fragment(id: &str, step: usize) -> String {
        format!("{LESSON}{id}/{}", step + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn pages() {
        assert_eq!(Route::parse("", decode), Route::Home);
        assert_eq!(Route::parse("sandbox", decode), Route::Sandbox(None));
        assert_eq!(
            Route::parse("lesson/kafka-high-availability/3", decode),
            Route::Lesson {
                id: "kafka-high-availability".into(),
                step: 2,
                at: 0
            }
        );
        assert_eq!(
            Route::parse("lesson/ordering", decode),
            Route::Lesson {
                id: "ordering".into(),
                step: 0,
                at: 0
            }
        );
        assert_eq!(
            Route::parse("kafka-leader-kill@4", decode),
            Route::Sandbox(Some(Shared::Example {
                id: "kafka-leader-kill".into(),
                step: 4
            }))
        );
        assert_eq!(
            Route::parse(
                &format!("{}@77", Route::lesson_fragment("ordering", 4)),
                decode
            ),
            Route::Lesson {
                id: "ordering".into(),
                step: 4,
                at: 77
            }
        );
    }

    #[test]
    fn comparisons() {
        assert_eq!(
            Route::parse("compare", decode),
            Route::Compare { spec: None, at: 0 }
        );
        assert_eq!(
            Route::parse(
                &format!(
                    "{}@12",
                    Route::compare_fragment("kafka-acks1-leader-dies", "acks", "1", "all")
                ),
                decode
            ),
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

    #[test]
    fn malformed_addresses_open_the_lesson_map() {
        for bad in [
            "lesson/",
            "lesson//2",
            "lesson/ordering/0",
            "lesson/ordering/x",
            "lesson/<b>/1",
            "lesson/ordering/99999999999999999999999",
            "lesson/ordering/2@x",
            "compare/a/b/c",
            "compare/a/b/c/d/e",
            "compare/a/<b>/c/d",
            "comparex",
            "<script>",
        ] {
            assert_eq!(Route::parse(bad, decode), Route::Home, "{bad}");
        }
    }
}

//! The page's address says what is on the stage, so a link opens the same state elsewhere:
//! `#kafka-leader-kill@120` is an example at step 120; `#kafka-leader-kill~<changes>@120` the
//! example with new settings or faults injected from the stage, the changes a base64url merge
//! patch (`mqlab_scenario::link`), so the link stays short; `#doc~<base64url JSON>@120` a
//! scenario that is no example's (and `#doc=<URI-encoded JSON>`, as older links spelled it).
//! Parsing never fails and never drops what it could read: a damaged address opens the
//! nearest thing it names (the example without its broken changes, the step clamped) and
//! lists its problems (`link_problem`).

use crate::link_problem::{excerpt, percent_decode, read_step, split_id, LinkProblem};
use mqlab_scenario::link::{base64url_decode, base64url_encode};
use mqlab_scenario::Text;

/// What an address asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shared {
    Example {
        id: String,
        step: u64,
    },
    /// An example changed: its id and the base64url merge patch.
    Changed {
        id: String,
        changes: String,
        step: u64,
    },
    /// A scenario document as JSON (already decoded from the address).
    Doc {
        json: String,
        step: u64,
    },
}

/// Where a sandbox address leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opens {
    Shared(Shared),
    /// The sandbox at its first example (a document that cannot be decoded).
    FirstExample,
    /// Nothing recognisable: the lesson map.
    Home,
}

const DOC_URI: &str = "doc=";
const DOC: &str = "doc~";

/// The first example's id, as the problems name it.
pub fn first_example_id() -> String {
    mqlab_scenario::example_sources()
        .first()
        .map(|(id, _)| id.to_string())
        .unwrap_or_default()
}

impl Shared {
    /// Reads a fragment (without its `#`, as the browser reports it, `%`-escaped);
    /// `decode` undoes the URI encoding of an older `doc=` document.
    pub fn parse(
        fragment: &str,
        decode: impl Fn(&str) -> Option<String>,
    ) -> (Opens, Vec<LinkProblem>) {
        let mut problems = Vec::new();
        // Older links: the JSON URI-encoded, so the step is after the last `@`.
        if let Some(rest) = fragment.strip_prefix(DOC_URI) {
            let (encoded, step) = match rest.rsplit_once('@') {
                Some((encoded, step)) => (encoded, read_step(&percent_decode(step), &mut problems)),
                None => (rest, 0),
            };
            return match decode(encoded) {
                Some(json) => (Opens::Shared(Shared::Doc { json, step }), problems),
                None => {
                    problems.push(LinkProblem::DocUndecodable {
                        form: DOC_URI,
                        why: Text {
                            en: "its %-escapes are broken".into(),
                            zh: "其中的 % 转义已损坏".into(),
                        },
                        opened: first_example_id(),
                    });
                    (Opens::FirstExample, problems)
                }
            };
        }
        let decoded = percent_decode(fragment);
        // Ids and base64url hold no `@`: the step is after the first one.
        let (body, step) = match decoded.split_once('@') {
            Some((body, step)) => (body, read_step(step, &mut problems)),
            None => (decoded.as_str(), 0),
        };
        if let Some(encoded) = body.strip_prefix(DOC) {
            let why = match base64url_decode(encoded).map(String::from_utf8) {
                Some(Ok(json)) => return (Opens::Shared(Shared::Doc { json, step }), problems),
                Some(Err(_)) => Text {
                    en: "it is not UTF-8 text".into(),
                    zh: "它不是 UTF-8 文本".into(),
                },
                None => Text {
                    en: "it is not base64url: cut short or altered?".into(),
                    zh: "它不是有效的 base64url：被截断或改动过？".into(),
                },
            };
            problems.push(LinkProblem::DocUndecodable {
                form: DOC,
                why,
                opened: first_example_id(),
            });
            return (Opens::FirstExample, problems);
        }
        let (head, changes) = match body.split_once('~') {
            Some((head, changes)) => (head, Some(changes)),
            None => (body, None),
        };
        let (id, junk) = split_id(head);
        if id.is_empty() {
            if head.is_empty() && !decoded.is_empty() {
                let before = if changes.is_some() { '~' } else { '@' };
                return (Opens::Home, vec![LinkProblem::EmptyId { before }]);
            }
            return (
                Opens::Home,
                vec![LinkProblem::Unrecognised {
                    excerpt: excerpt(&decoded),
                }],
            );
        }
        // Junk after a name is forgiven only when the name is an example's: `#kafka-leader-kill)`
        // opens it, `#wbg_style=display-none` is nothing MQ Lab wrote.
        let known = mqlab_scenario::example_sources()
            .iter()
            .any(|(example, _)| *example == id);
        if !junk.is_empty() && !known {
            return (
                Opens::Home,
                vec![LinkProblem::Unrecognised {
                    excerpt: excerpt(&decoded),
                }],
            );
        }
        if !junk.is_empty() {
            problems.insert(
                0,
                LinkProblem::TrailingJunk {
                    after: excerpt(id),
                    junk: excerpt(junk),
                },
            );
        }
        let id = id.to_string();
        let shared = match changes {
            Some(changes) => Shared::Changed {
                id,
                changes: changes.to_string(),
                step,
            },
            None => Shared::Example { id, step },
        };
        (Opens::Shared(shared), problems)
    }

    pub fn step(&self) -> u64 {
        match self {
            Shared::Example { step, .. }
            | Shared::Changed { step, .. }
            | Shared::Doc { step, .. } => *step,
        }
    }
}

/// The body of a link to an example changed by `changes` (see `mqlab_scenario::link`).
pub fn changed_body(id: &str, changes: &str) -> String {
    format!("{id}~{changes}")
}

/// The body of a link carrying a whole document.
pub fn doc_body(json: &str) -> String {
    format!("{DOC}{}", base64url_encode(json.as_bytes()))
}

/// The fragment for a link body at a step.
pub fn fragment(body: &str, step: u64) -> String {
    if step == 0 {
        body.to_string()
    } else {
        format!("{body}@{step}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Option<String> {
        Some(s.replace("%40", "@"))
    }

    fn shared(fragment: &str) -> Shared {
        match Shared::parse(fragment, decode) {
            (Opens::Shared(shared), problems) if problems.is_empty() => shared,
            other => panic!("{fragment}: {other:?}"),
        }
    }

    #[test]
    fn examples_and_steps() {
        assert_eq!(
            shared("kafka-leader-kill"),
            Shared::Example {
                id: "kafka-leader-kill".into(),
                step: 0
            }
        );
        assert_eq!(
            shared("kafka-leader-kill@120"),
            Shared::Example {
                id: "kafka-leader-kill".into(),
                step: 120
            }
        );
        assert_eq!(fragment("kafka-leader-kill", 120), "kafka-leader-kill@120");
        assert_eq!(fragment("kafka-leader-kill", 0), "kafka-leader-kill");
        assert_eq!(
            shared(&fragment(&changed_body("kafka-leader-kill", "eyJ9"), 7)),
            Shared::Changed {
                id: "kafka-leader-kill".into(),
                changes: "eyJ9".into(),
                step: 7
            }
        );
    }

    #[test]
    fn documents_round_trip() {
        // As older links spelled it: the JSON URI-encoded.
        assert_eq!(
            shared("doc={\"a\":\"%40\"}@7"),
            Shared::Doc {
                json: "{\"a\":\"@\"}".into(),
                step: 7
            }
        );
        let json = "{\"id\":\"mine\",\"title\":\"订单\"}";
        assert_eq!(
            shared(&fragment(&doc_body(json), 3)),
            Shared::Doc {
                json: json.into(),
                step: 3
            }
        );
    }
}

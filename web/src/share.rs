//! The page's address says what is on the stage, so a link opens the same state elsewhere:
//! `#kafka-leader-kill@120` is an example at step 120; `#kafka-leader-kill~<changes>@120` the
//! example with new settings or faults injected from the stage, the changes a base64url merge
//! patch (`mqlab_scenario::link`), so the link stays short; `#doc~<base64url JSON>@120` a
//! scenario that is no example's (and `#doc=<URI-encoded JSON>`, as older links spelled it).
//! Parsing never fails: a malformed address is just one that names nothing.

use mqlab_scenario::link::{base64url_decode, base64url_encode, MAX_LINK_CHARS};

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
    /// An address too long to be a link this app wrote: refused before decoding.
    TooLong {
        chars: usize,
    },
}

const DOC_URI: &str = "doc=";
const DOC: &str = "doc~";

fn plain_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Shared {
    /// Reads a fragment (without its `#`); `decode` undoes the URI encoding of a document.
    pub fn parse(fragment: &str, decode: impl Fn(&str) -> Option<String>) -> Option<Shared> {
        if fragment.len() > MAX_LINK_CHARS {
            return Some(Shared::TooLong {
                chars: fragment.len(),
            });
        }
        let (body, step) = match fragment.rsplit_once('@') {
            Some((body, step)) => (body, step.parse().ok()?),
            None => (fragment, 0),
        };
        if let Some(encoded) = body.strip_prefix(DOC_URI) {
            return decode(encoded).map(|json| Shared::Doc { json, step });
        }
        if let Some(encoded) = body.strip_prefix(DOC) {
            let json = String::from_utf8(base64url_decode(encoded)?).ok()?;
            return Some(Shared::Doc { json, step });
        }
        if let Some((id, changes)) = body.split_once('~') {
            return plain_id(id).then(|| Shared::Changed {
                id: id.to_string(),
                changes: changes.to_string(),
                step,
            });
        }
        plain_id(body).then(|| Shared::Example {
            id: body.to_string(),
            step,
        })
    }

    pub fn step(&self) -> u64 {
        match self {
            Shared::Example { step, .. }
            | Shared::Changed { step, .. }
            | Shared::Doc { step, .. } => *step,
            Shared::TooLong { .. } => 0,
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

    #[test]
    fn examples_and_steps() {
        assert_eq!(
            Shared::parse("kafka-leader-kill", decode),
            Some(Shared::Example {
                id: "kafka-leader-kill".into(),
                step: 0
            })
        );
        assert_eq!(
            Shared::parse("kafka-leader-kill@120", decode),
            Some(Shared::Example {
                id: "kafka-leader-kill".into(),
                step: 120
            })
        );
        assert_eq!(fragment("kafka-leader-kill", 120), "kafka-leader-kill@120");
        assert_eq!(fragment("kafka-leader-kill", 0), "kafka-leader-kill");
        assert_eq!(
            Shared::parse(
                &fragment(&changed_body("kafka-leader-kill", "eyJ9"), 7),
                decode
            ),
            Some(Shared::Changed {
                id: "kafka-leader-kill".into(),
                changes: "eyJ9".into(),
                step: 7
            })
        );
    }

    #[test]
    fn documents_round_trip() {
        // As older links spelled it: the JSON URI-encoded.
        let shared = Shared::parse("doc={\"a\":\"%40\"}@7", decode);
        assert_eq!(
            shared,
            Some(Shared::Doc {
                json: "{\"a\":\"@\"}".into(),
                step: 7
            })
        );
        let json = "{\"id\":\"mine\",\"title\":\"订单\"}";
        assert_eq!(
            Shared::parse(&fragment(&doc_body(json), 3), decode),
            Some(Shared::Doc {
                json: json.into(),
                step: 3
            })
        );
    }

    #[test]
    fn malformed_addresses_name_nothing() {
        assert_eq!(Shared::parse("", decode), None);
        assert_eq!(Shared::parse("kafka@notanumber", decode), None);
        assert_eq!(Shared::parse("<script>", decode), None);
        assert_eq!(Shared::parse("doc=%E0%A4%A", |_| None), None);
        assert_eq!(Shared::parse("doc~***", decode), None);
        assert_eq!(Shared::parse("<b>~x", decode), None);
        assert_eq!(
            Shared::parse(&"a".repeat(MAX_LINK_CHARS + 1), decode),
            Some(Shared::TooLong {
                chars: MAX_LINK_CHARS + 1
            })
        );
    }
}

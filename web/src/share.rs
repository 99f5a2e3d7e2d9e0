//! The page's address says what is on the stage, so a link opens the same state elsewhere:
//! `#kafka-leader-kill@120` is an example at step 120; `#doc=<JSON>@120` a changed scenario
//! (new settings, faults injected from the stage) carried whole. Parsing never fails: a
//! malformed address is just one that names nothing.

/// What an address asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shared {
    Example {
        id: String,
        step: u64,
    },
    /// A scenario document as JSON (already decoded from the address).
    Doc {
        json: String,
        step: u64,
    },
}

const DOC: &str = "doc=";

impl Shared {
    /// Reads a fragment (without its `#`); `decode` undoes the URI encoding of a document.
    pub fn parse(fragment: &str, decode: impl Fn(&str) -> Option<String>) -> Option<Shared> {
        let (body, step) = match fragment.rsplit_once('@') {
            Some((body, step)) => (body, step.parse().ok()?),
            None => (fragment, 0),
        };
        if let Some(encoded) = body.strip_prefix(DOC) {
            return decode(encoded).map(|json| Shared::Doc { json, step });
        }
        let plain = body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        (!body.is_empty() && plain).then(|| Shared::Example {
            id: body.to_string(),
            step,
        })
    }

    pub fn step(&self) -> u64 {
        match self {
            Shared::Example { step, .. } | Shared::Doc { step, .. } => *step,
        }
    }
}

/// The fragment for an example, or for a document already URI-encoded, at a step.
pub fn fragment(example: &str, encoded_doc: Option<&str>, step: u64) -> String {
    let body = match encoded_doc {
        Some(doc) => format!("{DOC}{doc}"),
        None => example.to_string(),
    };
    if step == 0 {
        body
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
        assert_eq!(
            fragment("kafka-leader-kill", None, 120),
            "kafka-leader-kill@120"
        );
        assert_eq!(fragment("kafka-leader-kill", None, 0), "kafka-leader-kill");
    }

    #[test]
    fn documents_round_trip() {
        let shared = Shared::parse(&fragment("x", Some("{\"a\":\"%40\"}"), 7), decode);
        assert_eq!(
            shared,
            Some(Shared::Doc {
                json: "{\"a\":\"@\"}".into(),
                step: 7
            })
        );
    }

    #[test]
    fn malformed_addresses_name_nothing() {
        assert_eq!(Shared::parse("", decode), None);
        assert_eq!(Shared::parse("kafka@notanumber", decode), None);
        assert_eq!(Shared::parse("<script>", decode), None);
        assert_eq!(Shared::parse("doc=%E0%A4%A", |_| None), None);
    }
}

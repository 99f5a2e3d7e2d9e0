//! The one bilingual glossary: the core terms, in English and as the Chinese texts write
//! them. The lessons already kept most Kafka terms in English inside Chinese sentences
//! (leader, follower, offset, epoch), as Chinese Kafka writing usually does, so the glossary
//! follows them; the stage's strings (`web/src/i18n.rs`) take the terms from here through
//! [`term_en!`](crate::term_en) and [`term_zh!`](crate::term_zh), which expand to string
//! literals so they can go into `concat!`. A test checks that wherever a lesson's English
//! text uses a term, its Chinese text uses the glossary's Chinese term.

/// A glossary entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    pub key: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

macro_rules! glossary {
    ($($key:ident: $en:literal => $zh:literal;)*) => {
        /// Every term, longer terms before the shorter ones they contain.
        pub const TERMS: &[Term] = &[$(Term { key: stringify!($key), en: $en, zh: $zh }),*];

        /// A glossary term's English, as a string literal: `term_en!(leader)`.
        #[macro_export]
        macro_rules! term_en { $( ($key) => { $en }; )* }

        /// A glossary term's Chinese, as a string literal: `term_zh!(leader)`.
        #[macro_export]
        macro_rules! term_zh { $( ($key) => { $zh }; )* }
    };
}

glossary! {
    elr: "Eligible Leader Replica" => "Eligible Leader Replica";
    leader_epoch: "leader epoch" => "leader epoch";
    high_watermark: "high watermark" => "高水位";
    consumer_group: "consumer group" => "消费组";
    quorum_queue: "quorum queue" => "仲裁队列";
    leader: "leader" => "leader";
    follower: "follower" => "follower";
    isr: "ISR" => "ISR";
    epoch: "epoch" => "epoch";
    offset: "offset" => "offset";
    partition: "partition" => "分区";
    replica: "replica" => "副本";
    mirror: "mirror" => "镜像";
    acknowledged: "acknowledged" => "确认";
    commit: "commit" => "提交";
    rebalance: "rebalance" => "重平衡";
    idempotent: "idempotent" => "幂等";
}

/// The entry with this key.
pub fn term(key: &str) -> Option<&'static Term> {
    TERMS.iter().find(|t| t.key == key)
}

/// Whether `text` uses `term` as a word: case-insensitive, with an optional plural or
/// past-tense ending (`replicas`, `committed`), and not inside a dotted, dashed or
/// underscored name (`min.insync.replicas`, `commit-ok`, `tx.commit`).
pub fn uses(text: &str, term: &str) -> bool {
    let lower = text.to_lowercase();
    let term = term.to_lowercase();
    let word = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_');
    let mut from = 0;
    while let Some(at) = lower[from..].find(&term) {
        let start = from + at;
        let end = start + term.len();
        let before = lower[..start].chars().next_back();
        let rest = &lower[end..];
        let suffix = ["s", "es", "ted", "ting", ""]
            .into_iter()
            .find(|s| rest.starts_with(s) && !rest[s.len()..].chars().next().is_some_and(word));
        if !before.is_some_and(word) && suffix.is_some() {
            return true;
        }
        from = end;
    }
    false
}

/// Whether `text` uses `term` outside the longer glossary terms that contain it (`leader`
/// in "leader epoch" counts for the leader epoch, not for the leader).
fn uses_alone(text: &str, term: &Term) -> bool {
    let mut text = text.to_string();
    for longer in TERMS {
        if longer.en.len() > term.en.len()
            && longer.en.to_lowercase().contains(&term.en.to_lowercase())
        {
            text = replace_ignoring_case(&text, longer.en, " ");
        }
    }
    uses(&text, term.en)
}

fn replace_ignoring_case(text: &str, what: &str, with: &str) -> String {
    let lower = text.to_lowercase();
    let what = what.to_lowercase();
    // Lowercasing keeps byte offsets for the ASCII terms of the glossary.
    if lower.len() != text.len() {
        return text.to_string();
    }
    let mut out = String::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find(&what) {
        out.push_str(&text[from..from + at]);
        out.push_str(with);
        from += at + what.len();
    }
    out.push_str(&text[from..]);
    out
}

/// The terms a pair of texts disagrees on: those the English uses whose Chinese term the
/// Chinese text lacks.
pub fn disagreements(en: &str, zh: &str) -> Vec<&'static Term> {
    TERMS
        .iter()
        .filter(|t| uses_alone(en, t) && !zh.to_lowercase().contains(&t.zh.to_lowercase()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::lesson_sources;
    use serde_json::Value;

    /// Every `{"en": …, "zh": …}` pair in a JSON value, with where it is.
    fn pairs(value: &Value, at: String, out: &mut Vec<(String, String, String)>) {
        match value {
            Value::Object(map) => {
                if let (Some(Value::String(en)), Some(Value::String(zh))) =
                    (map.get("en"), map.get("zh"))
                {
                    out.push((at, en.clone(), zh.clone()));
                    return;
                }
                for (k, v) in map {
                    pairs(v, format!("{at}.{k}"), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pairs(v, format!("{at}[{i}]"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn keys_are_unique_and_longer_terms_come_first() {
        for (i, a) in TERMS.iter().enumerate() {
            for b in &TERMS[i + 1..] {
                assert_ne!(a.key, b.key);
                assert!(
                    !b.en.to_lowercase().contains(&a.en.to_lowercase()),
                    "{} contains {}: list it first",
                    b.en,
                    a.en
                );
            }
        }
        assert_eq!(term("leader").unwrap().zh, term_zh!(leader));
        assert_eq!(term("high_watermark").unwrap().en, term_en!(high_watermark));
    }

    #[test]
    fn a_term_is_a_word_not_part_of_a_name() {
        assert!(uses("The leader fails", "leader"));
        assert!(uses("two Replicas", "replica"));
        assert!(uses("offsets are committed", "commit"));
        assert!(!uses("min.insync.replicas=2", "replica"));
        assert!(!uses("tx.commit, then commit-ok", "commit"));
        assert!(!uses("leadership", "leader"));
        assert!(uses_alone(
            "the leader epoch",
            term("leader_epoch").unwrap()
        ));
        assert!(!uses_alone("the leader epoch", term("leader").unwrap()));
        assert!(!uses_alone(
            "an Eligible Leader Replica",
            term("replica").unwrap()
        ));
    }

    #[test]
    fn every_lesson_uses_the_glossary_terms_in_chinese() {
        let mut wrong = Vec::new();
        let mut checked = 0;
        for (name, source) in lesson_sources() {
            let value: Value = serde_json::from_str(source).unwrap();
            let mut found = Vec::new();
            pairs(&value, String::new(), &mut found);
            for (at, en, zh) in found {
                for t in TERMS {
                    if uses_alone(&en, t) {
                        checked += 1;
                    }
                }
                for t in disagreements(&en, &zh) {
                    wrong.push(format!("{name}{at}: “{}” but no “{}” in: {zh}", t.en, t.zh));
                }
            }
        }
        assert!(checked > 200, "only {checked} uses of glossary terms found");
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

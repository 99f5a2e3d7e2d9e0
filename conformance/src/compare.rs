//! Comparing the two worlds' facts, with the suite's rules: facts that are not comparable
//! (ignored), timing-dependent facts compared as allowed sets, known version differences
//! (the model follows a later RabbitMQ on purpose), and throughput compared as ratios.

use crate::observe::{Observation, Value};
use serde::Deserialize;
use std::collections::BTreeSet;

/// One scenario of the suite, as `conformance/suite.json` lists it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteEntry {
    /// The scenario document, relative to the suite file.
    pub file: String,
    /// FIDELITY facts it checks, for the table.
    #[serde(default)]
    pub facts: String,
    /// Real time = scenario time × scale (clients' delays too).
    #[serde(default = "one")]
    pub scale: f64,
    /// Fact patterns (`*` matches anything) not compared, with the reason.
    #[serde(default)]
    pub ignore: Vec<Ignore>,
    #[serde(default)]
    pub allowed: Vec<Allowed>,
    #[serde(default)]
    pub known: Vec<Known>,
    #[serde(default)]
    pub ratios: Vec<Ratio>,
}

fn one() -> f64 {
    1.0
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    pub fact: String,
    /// For the reader of suite.json: why the fact cannot be compared.
    #[allow(dead_code)]
    pub why: String,
}

/// A timing-dependent fact: each world's value must be one of these.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowed {
    pub fact: String,
    pub values: Vec<String>,
    pub why: String,
}

/// A difference the suite knows: the real 3.10.8 broker says `real`, the model (following a
/// later version on purpose) says `model`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Known {
    pub fact: String,
    pub real: String,
    pub model: String,
    pub why: String,
}

/// Throughput: `a`'s messages per second over `b`'s must lie in [min, max] in both worlds.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ratio {
    pub a: String,
    pub b: String,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    pub scenarios: Vec<SuiteEntry>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Same,
    /// Both within an allowed set.
    Allowed {
        why: String,
    },
    /// The documented version difference.
    Known {
        why: String,
    },
    Mismatch,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub fact: String,
    pub real: String,
    pub model: String,
    pub verdict: Verdict,
}

#[derive(Clone, Debug, Default)]
pub struct Comparison {
    pub lines: Vec<Line>,
}

impl Comparison {
    pub fn mismatches(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| l.verdict == Verdict::Mismatch)
    }
    pub fn known(&self) -> impl Iterator<Item = &Line> {
        self.lines
            .iter()
            .filter(|l| matches!(l.verdict, Verdict::Known { .. }))
    }
    pub fn allowed(&self) -> impl Iterator<Item = &Line> {
        self.lines
            .iter()
            .filter(|l| matches!(l.verdict, Verdict::Allowed { .. }) && l.real != l.model)
    }
    pub fn matched(&self) -> bool {
        self.mismatches().next().is_none()
    }
}

/// `*` matches any run of characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// The policy patterns scenarios use (`.*`, `^prefix`, `^name$`, `suffix$`, substring), as
/// RabbitMQ's regular expressions read them.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    if pattern == ".*" || pattern.is_empty() {
        return true;
    }
    match (pattern.strip_prefix('^'), pattern.strip_suffix('$')) {
        (Some(p), _) if p.ends_with('$') => name == &p[..p.len() - 1],
        (Some(p), _) => name.starts_with(p),
        (None, Some(s)) => name.ends_with(s),
        (None, None) => name.contains(pattern),
    }
}

pub fn compare(entry: &SuiteEntry, real: &Observation, model: &Observation) -> Comparison {
    let (rf, mf) = (real.facts(), model.facts());
    let keys: BTreeSet<&String> = rf.keys().chain(mf.keys()).collect();
    let mut out = Comparison::default();
    for key in keys {
        if entry.ignore.iter().any(|i| glob(&i.fact, key)) {
            continue;
        }
        let (r, m) = (rf.get(key), mf.get(key));
        if matches!(r, Some(Value::Number(_))) || matches!(m, Some(Value::Number(_))) {
            continue;
        }
        let show = |v: Option<&Value>| v.map_or_else(|| "(absent)".to_string(), Value::show);
        let (real_s, model_s) = (show(r), show(m));
        let verdict = if let Some(k) = entry.known.iter().find(|k| glob(&k.fact, key)) {
            if real_s == k.real && model_s == k.model {
                Verdict::Known { why: k.why.clone() }
            } else if real_s == model_s {
                Verdict::Same
            } else {
                Verdict::Mismatch
            }
        } else if let Some(a) = entry.allowed.iter().find(|a| glob(&a.fact, key)) {
            if a.values.contains(&real_s) && a.values.contains(&model_s) {
                Verdict::Allowed { why: a.why.clone() }
            } else {
                Verdict::Mismatch
            }
        } else if real_s == model_s {
            Verdict::Same
        } else {
            Verdict::Mismatch
        };
        out.lines.push(Line {
            fact: key.clone(),
            real: real_s,
            model: model_s,
            verdict,
        });
    }
    for ratio in &entry.ratios {
        let rate = |o: &Observation, p: &str| o.publishers.get(p).and_then(|x| x.per_second);
        let of = |o: &Observation| match (rate(o, &ratio.a), rate(o, &ratio.b)) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        let ok = |x: Option<f64>| {
            x.is_some_and(|x| ratio.min.is_none_or(|m| x >= m) && ratio.max.is_none_or(|m| x <= m))
        };
        let (rr, mr) = (of(real), of(model));
        let show = |x: Option<f64>| x.map_or("(none)".to_string(), |x| format!("{x:.1}×"));
        let bounds = match (ratio.min, ratio.max) {
            (Some(a), Some(b)) => format!("in [{a}, {b}]"),
            (Some(a), None) => format!("≥ {a}"),
            (None, Some(b)) => format!("≤ {b}"),
            (None, None) => "any".into(),
        };
        out.lines.push(Line {
            fact: format!("ratio {} / {} per second ({bounds})", ratio.a, ratio.b),
            real: show(rr),
            model: show(mr),
            verdict: if ok(rr) && ok(mr) {
                Verdict::Allowed {
                    why: "throughput compared as a ratio".into(),
                }
            } else {
                Verdict::Mismatch
            },
        });
    }
    // The absolute rates behind the ratios, reported (O7 gives the real node's figures); the
    // model's time is simulated, so only the ratios are compared.
    let mut named: Vec<&str> = Vec::new();
    for ratio in &entry.ratios {
        for p in [ratio.a.as_str(), ratio.b.as_str()] {
            if !named.contains(&p) {
                named.push(p);
            }
        }
    }
    for p in named {
        let show = |o: &Observation| {
            o.publishers
                .get(p)
                .and_then(|x| x.per_second)
                .map_or("(none)".to_string(), |x| format!("{x:.0} msg/s"))
        };
        out.lines.push(Line {
            fact: format!("rate {p} per second (reported, not compared)"),
            real: show(real),
            model: show(model),
            verdict: Verdict::Allowed {
                why: "absolute rate: the model's network and disk take simulated time".into(),
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::*;

    fn entry() -> SuiteEntry {
        serde_json::from_str(r#"{ "file": "x.json" }"#).unwrap()
    }

    fn obs(publish: Publish, remaining: Option<bool>) -> Observation {
        let mut o = Observation::default();
        let mut m = MessageObs::new("shop", publish);
        m.remaining = remaining;
        o.messages.insert("order-1".into(), m);
        o
    }

    #[test]
    fn globs_and_policy_patterns() {
        assert!(glob("message * publish", "message order-1 publish"));
        assert!(glob("consumer *", "consumer billing order"));
        assert!(!glob("message * publish", "message order-1 remaining"));
        assert!(glob("queue orders leader", "queue orders leader"));
        assert!(pattern_matches("^orders$", "orders"));
        assert!(!pattern_matches("^orders$", "orders2"));
        assert!(pattern_matches("^ord", "orders"));
        assert!(pattern_matches("ers$", "orders"));
        assert!(pattern_matches(".*", "x"));
        assert!(pattern_matches("rde", "orders"));
    }

    #[test]
    fn equal_observations_match() {
        let c = compare(
            &entry(),
            &obs(Publish::Confirmed, None),
            &obs(Publish::Confirmed, None),
        );
        assert!(c.matched());
    }

    #[test]
    fn a_difference_names_the_message_and_field() {
        let c = compare(
            &entry(),
            &obs(Publish::Confirmed, Some(true)),
            &obs(Publish::Confirmed, Some(false)),
        );
        let m: Vec<&Line> = c.mismatches().collect();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].fact, "message order-1 remaining");
        assert_eq!(m[0].real, "yes(redelivered)");
        assert_eq!(m[0].model, "yes");
    }

    #[test]
    fn a_known_version_difference_passes_only_as_stated() {
        let mut e = entry();
        e.known.push(Known {
            fact: "message * publish".into(),
            real: "confirmed".into(),
            model: "nacked".into(),
            why: "R16 vs O1".into(),
        });
        let c = compare(
            &e,
            &obs(Publish::Confirmed, None),
            &obs(Publish::Nacked, None),
        );
        assert!(c.matched());
        assert_eq!(c.known().count(), 1);
        let c = compare(
            &e,
            &obs(Publish::Unconfirmed, None),
            &obs(Publish::Nacked, None),
        );
        assert!(!c.matched());
    }

    #[test]
    fn allowed_sets_and_ignores() {
        let mut e = entry();
        e.allowed.push(Allowed {
            fact: "message order-1 publish".into(),
            values: vec!["confirmed".into(), "unconfirmed".into()],
            why: "timing".into(),
        });
        let c = compare(
            &e,
            &obs(Publish::Unconfirmed, None),
            &obs(Publish::Confirmed, None),
        );
        assert!(c.matched());
        let c = compare(
            &e,
            &obs(Publish::Nacked, None),
            &obs(Publish::Confirmed, None),
        );
        assert!(!c.matched());
        let mut e = entry();
        e.ignore.push(Ignore {
            fact: "message * remaining".into(),
            why: "test".into(),
        });
        let c = compare(
            &e,
            &obs(Publish::Confirmed, Some(true)),
            &obs(Publish::Confirmed, None),
        );
        assert!(c.matched());
    }

    #[test]
    fn ratios_bound_both_worlds() {
        let mut e = entry();
        e.ratios.push(Ratio {
            a: "fast".into(),
            b: "slow".into(),
            min: Some(5.0),
            max: None,
        });
        let with = |a: f64, b: f64| {
            let mut o = Observation::default();
            o.publishers.insert(
                "fast".into(),
                PublisherObs {
                    confirmed: 1,
                    per_second: Some(a),
                },
            );
            o.publishers.insert(
                "slow".into(),
                PublisherObs {
                    confirmed: 1,
                    per_second: Some(b),
                },
            );
            o
        };
        assert!(compare(&e, &with(20000.0, 1400.0), &with(500.0, 5.0)).matched());
        assert!(!compare(&e, &with(2000.0, 1400.0), &with(500.0, 5.0)).matched());
    }
}

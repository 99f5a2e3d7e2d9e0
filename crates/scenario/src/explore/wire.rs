//! The messages between the page and the Web Worker that searches: the request (a scenario,
//! a property and bounds) and the reports (progress, a counterexample, what was tried, or an
//! error), as JSON. Both ends are this crate, compiled twice; a message that does not read
//! is an error naming what is wrong, never a panic.

use super::{Bounds, Counterexample, Fault, FaultKind, Outcome, Progress, Property};
use crate::doc::ScenarioDoc;
use crate::error::ScenarioError;
use crate::i18n::Text;
use serde_json::{json, Map, Value};

/// What the page asks the worker to search.
#[derive(Clone, Debug)]
pub struct Request {
    pub doc: ScenarioDoc,
    pub property: Property,
    pub bounds: Bounds,
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    Progress(Progress),
    Found(Box<Counterexample>),
    Exhausted {
        runs: u64,
        summary: Text,
    },
    /// The request could not be searched (a scenario the checker refuses, bad bounds).
    Failed(ScenarioError),
}

impl From<Outcome> for Report {
    fn from(outcome: Outcome) -> Report {
        match outcome {
            Outcome::Searching(p) => Report::Progress(p),
            Outcome::Found(c) => Report::Found(c),
            Outcome::Exhausted { runs, summary } => Report::Exhausted { runs, summary },
        }
    }
}

fn bad(what: &str, en: &str, zh: &str) -> ScenarioError {
    ScenarioError::new(what, en, zh)
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, ScenarioError> {
    v.get(name).ok_or_else(|| {
        bad(
            name,
            "missing from the search message",
            "搜索消息中缺少该字段",
        )
    })
}

fn number(v: &Value, name: &str) -> Result<u64, ScenarioError> {
    field(v, name)?
        .as_u64()
        .ok_or_else(|| bad(name, "must be a whole number", "必须是整数"))
}

fn text(v: &Value, name: &str) -> Result<String, ScenarioError> {
    field(v, name)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| bad(name, "must be a string", "必须是字符串"))
}

fn doc_of(v: &Value) -> Result<ScenarioDoc, ScenarioError> {
    ScenarioDoc::from_value(field(v, "doc")?)
}

fn doc_json(doc: &ScenarioDoc) -> Value {
    doc.to_value()
}

impl Request {
    pub fn to_json(&self) -> String {
        json!({
            "doc": doc_json(&self.doc),
            "property": self.property.key(),
            "faults": self.bounds.faults,
            "moments": self.bounds.moments,
            "runs": self.bounds.runs,
        })
        .to_string()
    }

    pub fn from_json(text_in: &str) -> Result<Request, ScenarioError> {
        let v: Value = serde_json::from_str(text_in).map_err(|e| ScenarioError::from_json(&e))?;
        let key = text(&v, "property")?;
        let property = Property::from_key(&key).ok_or_else(|| {
            bad(
                "property",
                &format!("\"{key}\" is not lost-acked, duplicated or order-broken"),
                &format!("\"{key}\" 不是 lost-acked、duplicated 或 order-broken"),
            )
        })?;
        let small = |name: &str| -> Result<u32, ScenarioError> {
            u32::try_from(number(&v, name)?).map_err(|_| bad(name, "is far too large", "数值过大"))
        };
        let bounds = Bounds {
            faults: small("faults")?,
            moments: small("moments")?,
            runs: number(&v, "runs")?,
        };
        bounds.check()?;
        Ok(Request {
            doc: doc_of(&v)?,
            property,
            bounds,
        })
    }
}

impl FaultKind {
    pub const ALL: [FaultKind; 6] = [
        FaultKind::Crash,
        FaultKind::Stop,
        FaultKind::Isolate,
        FaultKind::CutLink,
        FaultKind::Restart,
        FaultKind::Reconnect,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FaultKind::Crash => "crash",
            FaultKind::Stop => "stop",
            FaultKind::Isolate => "isolate",
            FaultKind::CutLink => "cut_link",
            FaultKind::Restart => "restart",
            FaultKind::Reconnect => "reconnect",
        }
    }
}

fn fault_json(f: &Fault) -> Value {
    let mut m = Map::new();
    m.insert("at_ms".into(), f.at_ms.into());
    m.insert("kind".into(), f.kind.key().into());
    m.insert("node".into(), f.node.clone().into());
    if let Some(peer) = &f.peer {
        m.insert("peer".into(), peer.clone().into());
    }
    Value::Object(m)
}

fn fault_of(v: &Value) -> Result<Fault, ScenarioError> {
    let key = text(v, "kind")?;
    let kind = FaultKind::ALL
        .into_iter()
        .find(|k| k.key() == key)
        .ok_or_else(|| bad("kind", "is not a fault kind", "不是故障类型"))?;
    Ok(Fault {
        at_ms: number(v, "at_ms")?,
        kind,
        node: text(v, "node")?,
        peer: v.get("peer").and_then(Value::as_str).map(str::to_string),
    })
}

fn text_json(t: &Text) -> Value {
    json!({"en": t.en, "zh": t.zh})
}

fn text_of(v: &Value) -> Result<Text, ScenarioError> {
    Ok(Text {
        en: text(v, "en")?,
        zh: text(v, "zh")?,
    })
}

impl Report {
    pub fn to_json(&self) -> String {
        match self {
            Report::Progress(p) => json!({"progress": {
                "runs": p.runs, "budget": p.budget, "faults": p.faults,
                "tried": p.tried, "schedules": p.schedules,
            }}),
            Report::Found(c) => json!({"found": {
                "faults": c.faults.iter().map(fault_json).collect::<Vec<_>>(),
                "doc": doc_json(&c.doc),
                "step": c.step, "time_ms": c.time_ms,
                "victim": c.victim, "victims": c.victims, "runs": c.runs,
            }}),
            Report::Exhausted { runs, summary } => {
                json!({"exhausted": {"runs": runs, "summary": text_json(summary)}})
            }
            Report::Failed(e) => {
                json!({"failed": {"field": e.field, "en": e.en, "zh": e.zh}})
            }
        }
        .to_string()
    }

    pub fn from_json(text_in: &str) -> Result<Report, ScenarioError> {
        let v: Value = serde_json::from_str(text_in).map_err(|e| ScenarioError::from_json(&e))?;
        if let Some(p) = v.get("progress") {
            return Ok(Report::Progress(Progress {
                runs: number(p, "runs")?,
                budget: number(p, "budget")?,
                faults: u32::try_from(number(p, "faults")?).unwrap_or(u32::MAX),
                tried: number(p, "tried")?,
                schedules: number(p, "schedules")?,
            }));
        }
        if let Some(c) = v.get("found") {
            let faults = field(c, "faults")?
                .as_array()
                .ok_or_else(|| bad("faults", "must be a list", "必须是列表"))?
                .iter()
                .map(fault_of)
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Report::Found(Box::new(Counterexample {
                faults,
                doc: doc_of(c)?,
                step: number(c, "step")?,
                time_ms: number(c, "time_ms")?,
                victim: c.get("victim").and_then(Value::as_str).map(str::to_string),
                victims: u32::try_from(number(c, "victims")?).unwrap_or(u32::MAX),
                runs: number(c, "runs")?,
            })));
        }
        if let Some(x) = v.get("exhausted") {
            return Ok(Report::Exhausted {
                runs: number(x, "runs")?,
                summary: text_of(field(x, "summary")?)?,
            });
        }
        if let Some(f) = v.get("failed") {
            return Ok(Report::Failed(ScenarioError {
                field: text(f, "field")?,
                en: text(f, "en")?,
                zh: text(f, "zh")?,
            }));
        }
        Err(bad(
            "(message)",
            "is not a report of the search",
            "不是搜索的报告",
        ))
    }
}

/// The worker's whole job for one request: search in slices, handing each report to `post`
/// (progress after every slice), until found, exhausted or refused.
pub fn serve(request_json: &str, slice: u64, mut post: impl FnMut(Report)) {
    let request = match Request::from_json(request_json) {
        Ok(r) => r,
        Err(e) => return post(Report::Failed(e)),
    };
    let mut explorer = match super::Explorer::new(request.doc, request.property, request.bounds) {
        Ok(x) => x,
        Err(e) => return post(Report::Failed(e)),
    };
    loop {
        let report = Report::from(explorer.run(slice));
        let done = !matches!(report, Report::Progress(_));
        post(report);
        if done {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_that_does_not_read_says_which_field() {
        for (text, field) in [
            ("{", "(document)"),
            (
                r#"{"property": "lost", "faults": 1, "moments": 4, "runs": 9, "doc": {}}"#,
                "property",
            ),
            (
                r#"{"property": "lost-acked", "faults": 7, "moments": 4, "runs": 9, "doc": {}}"#,
                "faults",
            ),
            (
                r#"{"property": "lost-acked", "faults": 1, "moments": 4, "runs": 9}"#,
                "doc",
            ),
        ] {
            let err = Request::from_json(text).expect_err(text);
            assert!(
                err.field.contains(field) || field == "(document)",
                "{text}: {err:?}"
            );
        }
        assert!(Report::from_json(r#"{"hello": 1}"#).is_err());
    }
}

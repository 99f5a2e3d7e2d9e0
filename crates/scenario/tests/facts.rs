//! Fidelity facts as data: every `tests/facts/*.json` file is one case of a FIDELITY.md fact
//! (a scenario, extra script entries, and expectations in the lessons' condition language),
//! and this runner plays each and checks its expectations.
//!
//! One `#[test]` runs every file and reports every failure at once, naming the file and the
//! expectation: adding a fact is adding a file, with no code to touch and no build script to
//! generate tests. `MQLAB_FACT=k12` runs only the files whose name contains `k12`. A run that
//! finds no file fails.
#![cfg(not(target_arch = "wasm32"))]

use mqlab_scenario::frame::{Frame, NodeStatus};
use mqlab_scenario::lesson::{holds, measure, Condition, LessonWorld, Measure};
use mqlab_scenario::{Command, Player, ScenarioDoc};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One fact case, as its file spells it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactFile {
    /// The FIDELITY.md fact: "K12", "R1", …; the file's name starts with it, lower case and
    /// two digits ("k12_…", "r01_…", "k14d_…").
    fact: String,
    /// What the case shows, in one line.
    claim: String,
    scenario: ScenarioSpec,
    /// Script entries appended to the scenario's own (faults, produces, …).
    #[serde(default)]
    script: Vec<Value>,
    expect: Vec<Expectation>,
}

/// A whole scenario document, or a shipped example with a JSON merge patch (RFC 7386) applied.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioSpec {
    #[serde(default)]
    document: Option<Value>,
    #[serde(default)]
    example: Option<String>,
    #[serde(default)]
    patch: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectation {
    /// When to look: "end" (the default), `{"ms": 3100}` (the last step at or before that
    /// simulated time) or `{"step": 40}`.
    #[serde(default)]
    at: At,
    /// What the world must (or must not) show, in the lessons' condition language.
    #[serde(deserialize_with = "condition")]
    that: Condition,
    /// The expected outcome of `that`.
    holds: bool,
    /// Why, as the assertion message.
    #[serde(default)]
    why: Option<String>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum At {
    #[default]
    End,
    Ms(u64),
    Step(u64),
}

fn facts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/facts")
}

/// Every fact file, sorted by name.
fn fact_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(facts_dir())
        .expect("tests/facts/ exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// "K12" → "k12", "R1" → "r01": the prefix a fact's file name must start with.
fn file_prefix(fact: &str) -> Option<String> {
    let mut chars = fact.chars();
    let letter = chars.next().filter(|c| matches!(c, 'K' | 'R'))?;
    let number: u32 = chars.as_str().parse().ok()?;
    Some(format!("{}{number:02}", letter.to_ascii_lowercase()))
}

fn build_doc(fact: &FactFile) -> Result<ScenarioDoc, String> {
    let s = &fact.scenario;
    let mut doc = match (&s.document, &s.example) {
        (Some(doc), None) => {
            if s.patch.is_some() {
                return Err("scenario: a patch applies to an example, not a document".into());
            }
            doc.clone()
        }
        (None, Some(id)) => {
            let (_, text) = mqlab_scenario::example_sources()
                .iter()
                .find(|(i, _)| i == id)
                .ok_or_else(|| format!("scenario.example: no shipped example \"{id}\""))?;
            let mut doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
            if let Some(patch) = &s.patch {
                mqlab_scenario::link::merge_apply(&mut doc, patch);
            }
            doc
        }
        _ => return Err("scenario: give exactly one of \"document\" or \"example\"".into()),
    };
    if !fact.script.is_empty() {
        let script = doc
            .as_object_mut()
            .ok_or("scenario: not an object")?
            .entry("script")
            .or_insert_with(|| Value::Array(Vec::new()));
        let entries = script.as_array_mut().ok_or("scenario.script: not a list")?;
        entries.extend(fact.script.iter().cloned());
    }
    ScenarioDoc::from_value(&doc).map_err(|e| format!("scenario: {e}"))
}

/// Move the player to the step an expectation looks at.
fn seek(p: &mut Player, at: At) -> Result<(), String> {
    let step = match at {
        At::End => p.total_steps(),
        At::Step(s) if s <= p.total_steps() => s,
        At::Step(s) => return Err(format!("step {s} is past the end ({})", p.total_steps())),
        At::Ms(t) => {
            let (mut lo, mut hi) = (0, p.total_steps());
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if p.step_time_ms(mid) <= t {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            lo
        }
    };
    p.apply(Command::Seek(step)).map_err(|e| e.to_string())
}

/// The names a condition refers to that the frame does not have: a typo must not make a
/// `"holds": false` expectation pass.
fn unknown_names(c: &Condition, f: &Frame, out: &mut Vec<String>) {
    match c {
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| unknown_names(c, f, out)),
        Condition::Not(c) => unknown_names(c, f, out),
        Condition::Node { name, .. } => {
            if !f.nodes.iter().any(|n| n.name == *name) {
                out.push(format!("no node \"{name}\""));
            }
        }
        Condition::Count { of, .. } => {
            let known = match of {
                // A link that carried nothing yet counts 0; its ends must exist.
                Measure::Traffic(link) => {
                    link.len() == 2 && link.iter().all(|n| f.nodes.iter().any(|x| x.name == *n))
                }
                other => measure(other, f).is_some(),
            };
            if !known {
                out.push(format!("nothing to measure for {}", json(of)));
            }
        }
        Condition::Leader { of, is, not } => {
            if !f.partitions.iter().any(|p| p.name == *of)
                && !f.queues.iter().any(|q| q.name == *of)
            {
                out.push(format!("no partition or queue \"{of}\""));
            }
            for name in [is, not].into_iter().flatten() {
                if name != "none" && !f.nodes.iter().any(|n| n.name == *name) {
                    out.push(format!("no node \"{name}\""));
                }
            }
        }
        Condition::Queue { name, .. } => {
            if !f.queues.iter().any(|q| q.name == *name) {
                out.push(format!("no queue \"{name}\""));
            }
        }
        Condition::Setting { .. } | Condition::AtEnd(_) | Condition::TimeAtLeast(_) => {}
    }
}

/// What the world actually shows for the things a condition names, for the failure message.
fn actual(c: &Condition, f: &Frame, out: &mut Vec<String>) {
    match c {
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| actual(c, f, out)),
        Condition::Not(c) => actual(c, f, out),
        Condition::Node { name, .. } => {
            if let Some(n) = f.nodes.iter().find(|n| n.name == *name) {
                let status = match n.status {
                    NodeStatus::Up => "up",
                    NodeStatus::Crashed => "crashed",
                    NodeStatus::Stopped => "stopped",
                };
                out.push(format!("{name} is {status}"));
            }
        }
        Condition::Count { of, .. } => {
            if let Some(v) = measure(of, f) {
                out.push(format!("{} = {v}", json(of)));
            }
        }
        Condition::Leader { of, .. } => {
            let leader = f
                .partitions
                .iter()
                .find(|p| p.name == *of)
                .map(|p| p.leader)
                .or_else(|| f.queues.iter().find(|q| q.name == *of).map(|q| q.leader));
            if let Some(leader) = leader {
                let name = leader
                    .and_then(|id| f.nodes.iter().find(|n| n.id == id))
                    .map_or("none", |n| n.name.as_str());
                out.push(format!("leader of {of} is {name}"));
            }
        }
        Condition::Queue { name, .. } => {
            if let Some(q) = f.queues.iter().find(|q| q.name == *name) {
                out.push(format!("{name} is {:?}", q.availability));
            }
        }
        Condition::Setting { .. } | Condition::AtEnd(_) | Condition::TimeAtLeast(_) => {}
    }
}

/// A condition or a measure as its JSON, for messages.
fn json(v: &impl Written) -> String {
    v.written().text()
}

trait Written {
    fn written(&self) -> mqlab_scenario::write::Json;
}
impl Written for Condition {
    fn written(&self) -> mqlab_scenario::write::Json {
        self.write()
    }
}
impl Written for Measure {
    fn written(&self) -> mqlab_scenario::write::Json {
        self.write()
    }
}

/// A condition through the documents' own reader, so a fact file's mistakes name the field.
fn condition<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Condition, D::Error> {
    let v = Value::deserialize(d)?;
    Condition::read(mqlab_scenario::read::Field::new("that", &v)).map_err(serde::de::Error::custom)
}

/// Run one fact file; the failures, each naming the file and the expectation.
fn run(path: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let fail = |what: String| vec![format!("{name}: {what}")];
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read: {e}")),
    };
    let fact: FactFile = match serde_json::from_str(&text) {
        Ok(f) => f,
        Err(e) => return fail(format!("not a fact file: {e}")),
    };
    match file_prefix(&fact.fact) {
        Some(prefix)
            if name.starts_with(&prefix)
                && !name[prefix.len()..].starts_with(|c: char| c.is_ascii_digit()) => {}
        Some(prefix) => return fail(format!("fact {} wants a name starting {prefix}", fact.fact)),
        None => return fail(format!("fact \"{}\" is not K<n> or R<n>", fact.fact)),
    }
    if fact.claim.trim().is_empty() || fact.expect.is_empty() {
        return fail("a fact needs a claim and at least one expectation".into());
    }
    let doc = match build_doc(&fact) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let mut player = match Player::load(doc) {
        Ok(p) => p,
        Err(e) => return fail(format!("scenario invalid: {e}")),
    };
    let mut failures = Vec::new();
    for (i, e) in fact.expect.iter().enumerate() {
        let at = match e.at {
            At::End => "end".to_string(),
            At::Ms(t) => format!("{t} ms"),
            At::Step(s) => format!("step {s}"),
        };
        let head = format!("{name}: expect[{i}] at {at}: {}", json(&e.that));
        if let Err(err) = seek(&mut player, e.at) {
            failures.push(format!("{head}: {err}"));
            continue;
        }
        let frame = player.frame();
        let mut unknown = Vec::new();
        unknown_names(&e.that, &frame, &mut unknown);
        if !unknown.is_empty() {
            failures.push(format!("{head}: {}", unknown.join("; ")));
            continue;
        }
        let world = LessonWorld {
            doc: player.doc(),
            frame: &frame,
            at_end: player.position() == player.total_steps(),
        };
        let got = holds(&e.that, &world);
        if got != e.holds {
            let mut seen = Vec::new();
            actual(&e.that, &frame, &mut seen);
            failures.push(format!(
                "{head}: expected {}, got {got} (t={} ms, step {}; world shows: {}){}",
                if e.holds { "to hold" } else { "not to hold" },
                frame.time_ms,
                frame.step,
                seen.join(", "),
                e.why
                    .as_ref()
                    .map(|w| format!(" — {w}"))
                    .unwrap_or_default()
            ));
        }
    }
    failures
}

#[test]
fn every_fact_file_holds() {
    let filter = std::env::var("MQLAB_FACT").ok();
    let files: Vec<PathBuf> = fact_files()
        .into_iter()
        .filter(|p| {
            filter
                .as_deref()
                .is_none_or(|f| p.file_name().unwrap().to_string_lossy().contains(f))
        })
        .collect();
    assert!(
        !files.is_empty(),
        "no fact file in {} (filter {filter:?})",
        facts_dir().display()
    );
    // The files are independent: play them on every core.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunks: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(threads)).collect();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| s.spawn(move || chunk.iter().flat_map(|p| run(p)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a fact runner thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} fact files failed:\n{}",
        failures
            .iter()
            .map(|f| f.split(':').next().unwrap_or(""))
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        files.len(),
        failures.join("\n")
    );
}

//! Documents are read by one reader that names the field of every rejection (issue 18):
//! wrong types, floats where whole numbers go, objects where strings go and unknown fields
//! (with a "did you mean") are refused with the field's path, what was expected and what was
//! found, in English and Chinese. The mutation test at the end breaks every field of every
//! shipped document in several ways and checks that each rejection names a field.

use mqlab_scenario::lesson::LessonDoc;
use mqlab_scenario::{Lang, ScenarioDoc, ScenarioError};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn kafka_doc() -> Value {
    json!({
        "id": "x",
        "title": { "en": "a", "zh": "乙" },
        "duration_ms": 5000,
        "kafka": { "brokers": 3, "topics": [
            { "name": "orders", "partitions": 1, "replication_factor": 3 } ] },
        "producers": [ { "name": "app" } ],
        "consumers": [ { "name": "c", "group": "g", "topic": "orders" } ],
        "stores": [ { "name": "s", "kind": "plain_insert" } ],
        "script": [
            { "at_ms": 100, "do": "produce", "producer": "app", "topic": "orders", "count": 1, "key": "k" },
            { "at_ms": 200, "do": "crash", "node": "broker-1" },
            { "at_ms": 300, "do": "restart", "node": "broker-1" },
            { "at_ms": 1000, "do": "heal_all" }
        ]
    })
}

fn rejection(v: &Value) -> ScenarioError {
    ScenarioDoc::from_value(v).expect_err("rejected")
}

/// No English word in a Chinese message but what the document itself spells.
fn assert_chinese(e: &ScenarioError) {
    // Names quoted from the document (`same_key`, "sometimes") are the document's spelling.
    let zh: String =
        e.zh.split(['`', '"'])
            .step_by(2)
            .collect::<Vec<_>>()
            .join(" ");
    for english in [
        "expected",
        "got",
        "missing",
        "unknown",
        "did you mean",
        "field",
    ] {
        assert!(!zh.contains(english), "{zh}");
    }
}

#[test]
fn a_float_where_milliseconds_go_names_the_field() {
    let mut v = kafka_doc();
    v["script"][3]["at_ms"] = json!(1000.5);
    let e = rejection(&v);
    assert_eq!(
        e.text(Lang::En),
        "script[3].at_ms: expected a whole number of milliseconds, got 1000.5"
    );
    assert_eq!(
        e.text(Lang::Zh),
        "script[3].at_ms：应为毫秒数（非负整数），实际是 1000.5"
    );
}

#[test]
fn wrong_types_name_the_field_in_both_languages() {
    type Case = (fn(&mut Value), &'static str, &'static str, &'static str);
    let cases: Vec<Case> = vec![
        (
            |v| v["kafka"]["brokers"] = json!(2.0),
            "kafka.brokers",
            "expected a whole number from 0 to 4294967295, got 2.0",
            "应为0 到 4294967295 之间的整数，实际是 2.0",
        ),
        (
            |v| v["kafka"]["brokers"] = json!(5_000_000_000u64),
            "kafka.brokers",
            "got 5000000000",
            "实际是 5000000000",
        ),
        (
            |v| v["kafka"]["topics"][0]["name"] = json!({ "en": "orders" }),
            "kafka.topics[0].name",
            "expected a string, got an object",
            "应为字符串，实际是 一个对象",
        ),
        (
            |v| v["consumers"][0]["commit"] = json!({ "auto": true }),
            "consumers[0].commit",
            "expected one of `auto`, `sync_after_process`",
            "实际是 一个对象",
        ),
        (
            |v| v["producers"][0]["acks"] = json!(1),
            "producers[0].acks",
            "expected one of `0`, `1`, `all`, got 1",
            "以下之一",
        ),
        (
            |v| v["title"] = json!("a title"),
            "title",
            "expected an object {…}, got \"a title\"",
            "应为对象 {…}",
        ),
        (
            |v| v["kafka"]["auto_leader_rebalance"] = json!("yes"),
            "kafka.auto_leader_rebalance",
            "expected true or false, got \"yes\"",
            "应为true 或 false",
        ),
        (
            |v| v["script"] = json!({ "at_ms": 1 }),
            "script",
            "expected a list, got an object",
            "应为列表",
        ),
        (
            |v| v["kafka"]["topics"][0]["partitions"] = json!(-1),
            "kafka.topics[0].partitions",
            "got -1",
            "实际是 -1",
        ),
        (
            |v| v["script"][1]["do"] = json!("crahs"),
            "script[1].do",
            "(did you mean `crash`?)",
            "是否想写 `crash`",
        ),
        (
            |v| v["stores"][0]["kind"] = json!("unique-key"),
            "stores[0].kind",
            "did you mean `unique_key`?",
            "是否想写 `unique_key`",
        ),
        (
            |v| {
                v["kafka"]["topics"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("partitions");
            },
            "kafka.topics[0].partitions",
            "missing",
            "缺少此字段",
        ),
    ];
    for (patch, field, en, zh) in cases {
        let mut v = kafka_doc();
        patch(&mut v);
        let e = rejection(&v);
        assert_eq!(e.field, field, "{e}");
        assert!(e.en.contains(en), "{e}");
        assert!(e.zh.contains(zh), "{}", e.text(Lang::Zh));
        assert_chinese(&e);
    }
}

#[test]
fn unknown_fields_are_refused_everywhere_with_a_did_you_mean() {
    type Case = (fn(&mut Value), &'static str, Option<&'static str>);
    let cases: Vec<Case> = vec![
        // The case: a typo in a script entry used to change the outcome silently.
        (
            |v| v["script"][0]["same_kee"] = json!(true),
            "script[0].same_kee",
            Some("same_key"),
        ),
        (
            |v| v["script"][1]["at_sm"] = json!(5),
            "script[1].at_sm",
            Some("at_ms"),
        ),
        (
            |v| v["script"][3]["node"] = json!("broker-1"),
            "script[3].node",
            None,
        ),
        (
            |v| v["kafka"]["topics"][0]["min_isr"] = json!(2),
            "kafka.topics[0].min_isr",
            None,
        ),
        (
            |v| v["kafka"]["timing"] = json!({ "session_timeout": 9000 }),
            "kafka.timing.session_timeout",
            Some("session_timeout_ms"),
        ),
        (
            |v| v["consumers"][0]["asignor"] = json!("range"),
            "consumers[0].asignor",
            Some("assignor"),
        ),
        (|v| v["title"]["fr"] = json!("un"), "title.fr", None),
        (|v| v["sed"] = json!(3), "sed", Some("seed")),
        (
            |v| v["network"] = json!({ "latency_ms": 1, "jiter_ms": 2 }),
            "network.jiter_ms",
            Some("jitter_ms"),
        ),
    ];
    for (patch, field, near) in cases {
        let mut v = kafka_doc();
        patch(&mut v);
        let e = rejection(&v);
        assert_eq!(e.field, field, "{e}");
        assert!(e.en.starts_with("unknown field"), "{e}");
        assert!(e.zh.starts_with("未知字段"), "{}", e.zh);
        match near {
            Some(near) => {
                assert!(e.en.contains(&format!("did you mean `{near}`?")), "{e}");
                assert!(e.zh.contains(&format!("是否想写 `{near}`？")), "{}", e.zh);
            }
            // No close name: the message lists the fields there are.
            None => assert!(!e.en.contains("did you mean"), "{e}"),
        }
        assert_chinese(&e);
    }
}

#[test]
fn rabbitmq_sections_name_their_fields() {
    let text = mqlab_scenario::example_sources()
        .iter()
        .find(|(id, _)| id.starts_with("rabbitmq"))
        .map(|(_, t)| *t)
        .unwrap();
    let good: Value = serde_json::from_str(text).unwrap();
    let mut v = good.clone();
    v["rabbitmq"]["queues"][0]["type"] = json!("qourum");
    let e = rejection(&v);
    assert_eq!(e.field, "rabbitmq.queues[0].type");
    assert!(e.en.contains("did you mean `quorum`?"), "{e}");
    let mut v = good.clone();
    v["rabbitmq"]["publishers"][0]["confirm_windw"] = json!(10);
    let e = rejection(&v);
    assert_eq!(e.field, "rabbitmq.publishers[0].confirm_windw");
    assert!(e.en.contains("did you mean `confirm_window`?"), "{e}");
    let mut v = good;
    v["rabbitmq"]["consumers"][0]["prefetch"] = json!(2.5);
    let e = rejection(&v);
    assert_eq!(e.field, "rabbitmq.consumers[0].prefetch");
}

#[test]
fn lessons_name_their_fields() {
    let text = include_str!("../../../lessons/kafka-high-availability.json");
    let good: Value = serde_json::from_str(text).unwrap();
    assert!(LessonDoc::from_value(&good).is_ok());
    let steps = good["steps"].as_array().unwrap();
    let (i, _) = steps
        .iter()
        .enumerate()
        .find(|(_, s)| s["kind"] == "act")
        .expect("an act step");
    let mut v = good.clone();
    v["steps"][i]["done"] =
        json!({ "cuont": { "of": { "ledger": "lost" }, "op": ">", "value": 0 } });
    let e = LessonDoc::from_value(&v).unwrap_err();
    assert_eq!(e.field, format!("steps[{i}].done.cuont"));
    assert!(e.en.contains("did you mean `count`?"), "{e}");
    let mut v = good.clone();
    v["steps"][i]["done"] =
        json!({ "count": { "of": { "ledger": "lost" }, "op": "=>", "value": 0 } });
    let e = LessonDoc::from_value(&v).unwrap_err();
    assert_eq!(e.field, format!("steps[{i}].done.count.op"));
    assert!(e.en.contains("got \"=>\""), "{e}");
    let mut v = good.clone();
    v["steps"][i]["solution"][0]["nod"] = json!("broker-1");
    let e = LessonDoc::from_value(&v).unwrap_err();
    assert_eq!(e.field, format!("steps[{i}].solution[0].nod"));
    let mut v = good;
    v["answer"][0]["step"] = json!(1.5);
    let e = LessonDoc::from_value(&v).unwrap_err();
    assert_eq!(e.field, "answer[0].step");
    assert_chinese(&e);
}

#[test]
fn syntax_errors_keep_their_line_and_column() {
    let e = ScenarioDoc::parse("{\n  \"id\": ,\n}").unwrap_err();
    assert!(e.field.starts_with("(document, line 2 column"), "{e}");
    assert!(e.text(Lang::Zh).starts_with("（文档第 2 行"), "{e}");
    let e = LessonDoc::parse("{").unwrap_err();
    assert!(e.field.starts_with("(document, line 1"), "{e}");
}

/// Shipped documents read and write back to the same JSON.
#[test]
fn shipped_documents_round_trip() {
    for (path, value) in shipped() {
        let written = if is_lesson(&value) {
            LessonDoc::from_value(&value).unwrap().to_value()
        } else {
            ScenarioDoc::from_value(&value).unwrap().to_value()
        };
        let again = if is_lesson(&value) {
            LessonDoc::from_value(&written).unwrap().to_value()
        } else {
            ScenarioDoc::from_value(&written).unwrap().to_value()
        };
        assert_eq!(written, again, "{}", path.display());
    }
}

// ---- The mutation test ----

fn is_lesson(v: &Value) -> bool {
    v.get("question").is_some()
}

/// Every shipped document: scenarios, acceptance scenarios and lessons.
fn shipped() -> Vec<(PathBuf, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for dir in ["scenarios", "scenarios/acceptance", "lessons"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).unwrap();
            out.push((p, serde_json::from_str(&text).unwrap()));
        }
    }
    assert!(out.len() > 20, "found only {} documents", out.len());
    out
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// The path as the reader spells it: `script[3].at_ms`.
fn spelled(steps: &[Step]) -> String {
    let mut s = String::new();
    for step in steps {
        match step {
            Step::Key(k) if s.is_empty() => s.push_str(k),
            Step::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Every place in the document below the root.
fn places(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                here.push(Step::Key(k.clone()));
                out.push(here.clone());
                places(child, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                here.push(Step::Index(i));
                out.push(here.clone());
                places(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'v>(v: &'v mut Value, steps: &[Step]) -> &'v mut Value {
    steps.iter().fold(v, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// The ways one value is broken: another type, a float for a whole number, an unknown field
/// (a typo of a real one, and a made-up one).
fn mutations(v: &Value) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    match v {
        Value::Number(n) => {
            out.push(("a string for a number", json!("12")));
            if let Some(n) = n.as_u64() {
                out.push(("a float for a whole number", json!(n as f64 + 0.5)));
            }
        }
        Value::String(_) => {
            out.push(("an object for a string", json!({ "en": "x" })));
            out.push(("a number for a string", json!(7)));
        }
        Value::Bool(b) => out.push(("a string for a bool", json!(b.to_string()))),
        Value::Array(_) => out.push(("an object for a list", json!({ "a": 1 }))),
        Value::Object(map) => {
            out.push(("a list for an object", json!([1])));
            let mut extra = map.clone();
            extra.insert("zz_not_a_field".into(), json!(1));
            out.push(("an unknown field", Value::Object(extra)));
            if let Some((k, first)) = map.iter().next().filter(|(k, _)| k.len() > 3) {
                let mut typo = map.clone();
                let first = first.clone();
                typo.remove(k);
                // A doubled last letter: what a typo looks like.
                typo.insert(format!("{k}{}", k.chars().last().unwrap_or('x')), first);
                out.push(("a misspelt field", Value::Object(typo)));
            }
        }
        Value::Null => {}
    }
    out
}

/// Whether the rejection's field is where the mutation was, or inside it, or the object
/// (tag, one-field condition) that holds it.
fn related(error_field: &str, place: &str) -> bool {
    error_field == place
        || error_field.starts_with(&format!("{place}."))
        || error_field.starts_with(&format!("{place}["))
        || place.starts_with(&format!("{error_field}."))
        || place.starts_with(&format!("{error_field}["))
}

#[test]
fn every_rejection_of_a_mutated_shipped_document_names_a_field() {
    let mut rejected = 0usize;
    let mut tried = 0usize;
    for (path, doc) in shipped() {
        let lesson = is_lesson(&doc);
        let read = |v: &Value| -> Result<(), ScenarioError> {
            if lesson {
                LessonDoc::from_value(v).map(|_| ())
            } else {
                ScenarioDoc::from_value(v).map(|_| ())
            }
        };
        read(&doc).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut all = Vec::new();
        places(&doc, &mut Vec::new(), &mut all);
        for place in &all {
            let spot = spelled(place);
            // `ha_params` is any JSON; validation reads it against `ha_mode`.
            let free = spot.contains("ha_params");
            let mut original = doc.clone();
            for (how, broken) in mutations(at(&mut original, place)) {
                let mut v = doc.clone();
                *at(&mut v, place) = broken;
                tried += 1;
                let result = read(&v);
                let must_fail = !free
                    && match how {
                        "a float for a whole number" => !spot.ends_with("factor"),
                        "an unknown field" | "a misspelt field" => true,
                        _ => false,
                    };
                let Err(e) = result else {
                    assert!(!must_fail, "{}: {spot}: {how} was accepted", path.display());
                    continue;
                };
                rejected += 1;
                let where_ = format!("{}: {spot}: {how}", path.display());
                assert!(
                    !e.field.is_empty() && !e.field.starts_with('('),
                    "{where_}: names no field: {e}"
                );
                assert!(related(&e.field, &spot), "{where_}: names {}: {e}", e.field);
                assert!(
                    !e.en.is_empty() && !e.zh.is_empty() && e.en != e.zh,
                    "{where_}"
                );
                assert_chinese(&e);
                if how == "an unknown field" {
                    assert_eq!(e.field, format!("{spot}.zz_not_a_field"), "{where_}");
                }
                if how == "a misspelt field" {
                    assert!(e.en.contains("did you mean"), "{where_}: {e}");
                    assert!(e.zh.contains("是否想写"), "{where_}: {e}");
                }
            }
        }
    }
    eprintln!("{rejected} of {tried} mutations rejected");
    assert!(
        rejected > 1000,
        "only {rejected} of {tried} mutations were rejected"
    );
}

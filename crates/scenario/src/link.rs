//! Compact share links: a changed scenario travels as its shipped example's id plus only what
//! changed — a JSON merge patch (RFC 7386) of the document, base64url-encoded — so a link
//! stays short (a few hundred characters for settings and a handful of faults) where the whole
//! document, percent-encoded, runs to several thousand. Decoding checks everything: a
//! corrupted or truncated patch is an error naming what is wrong, never a half-loaded world.

use crate::doc::ScenarioDoc;
use crate::error::{json_detail_zh, ScenarioError};
use crate::i18n::Lang;
use serde_json::{Map, Value};

/// Links longer than this are refused before anything is decoded.
pub const MAX_LINK_CHARS: usize = 65_536;

/// What turns `base` into `target`: changed members, `null` for removed ones; arrays and
/// other values replaced whole. `None` when they are equal.
pub fn merge_diff(base: &Value, target: &Value) -> Option<Value> {
    if base == target {
        return None;
    }
    match (base, target) {
        (Value::Object(b), Value::Object(t)) => {
            let mut patch = Map::new();
            for (key, bv) in b {
                match t.get(key) {
                    None => {
                        patch.insert(key.clone(), Value::Null);
                    }
                    Some(tv) => {
                        if let Some(d) = merge_diff(bv, tv) {
                            patch.insert(key.clone(), d);
                        }
                    }
                }
            }
            for (key, tv) in t {
                if !b.contains_key(key) {
                    patch.insert(key.clone(), tv.clone());
                }
            }
            Some(Value::Object(patch))
        }
        _ => Some(target.clone()),
    }
}

/// Applies a merge patch (RFC 7386).
pub fn merge_apply(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(t) = target {
        for (key, pv) in p {
            if pv.is_null() {
                t.remove(key);
            } else {
                merge_apply(t.entry(key.clone()).or_insert(Value::Null), pv);
            }
        }
    }
}

/// The link text for `doc` as a change of `example`: base64url of the minified merge patch.
pub fn encode_changes(example: &ScenarioDoc, doc: &ScenarioDoc) -> String {
    let (base, target) = (example.to_value(), doc.to_value());
    let patch = merge_diff(&base, &target).unwrap_or(Value::Object(Map::new()));
    base64url_encode(patch.to_string().as_bytes())
}

fn link_error(en: impl Into<String>, zh: impl Into<String>) -> ScenarioError {
    ScenarioError::new("link", en, zh)
}

/// The document a link's change text makes of `example`; every way it can be broken is an
/// error naming it.
pub fn decode_changes(example: &ScenarioDoc, text: &str) -> Result<ScenarioDoc, ScenarioError> {
    if text.len() > MAX_LINK_CHARS {
        return Err(link_error(
            format!(
                "the link is too long ({} characters; at most {MAX_LINK_CHARS})",
                text.len()
            ),
            format!("链接太长（{} 个字符；最多 {MAX_LINK_CHARS}）", text.len()),
        ));
    }
    let bytes = base64url_decode(text).ok_or_else(|| {
        link_error(
            "the changes are not valid base64url (cut short or altered?)",
            "修改部分不是有效的 base64url（被截断或改动过？）",
        )
    })?;
    let json = String::from_utf8(bytes).map_err(|_| {
        link_error(
            "the changes are not UTF-8 text (cut short or altered?)",
            "修改部分不是 UTF-8 文本（被截断或改动过？）",
        )
    })?;
    let patch: Value = serde_json::from_str(&json).map_err(|e| {
        link_error(
            format!("the changes are not JSON: {e}"),
            format!("修改部分不是 JSON：{}", json_detail_zh(&e)),
        )
    })?;
    if !patch.is_object() {
        return Err(link_error(
            "the changes are not a JSON object",
            "修改部分不是 JSON 对象",
        ));
    }
    let mut value = example.to_value();
    merge_apply(&mut value, &patch);
    ScenarioDoc::from_value(&value).map_err(|e| {
        link_error(
            format!("the changed scenario is not valid: {}", e.text(Lang::En)),
            format!("修改后的场景无效：{}", e.text(Lang::Zh)),
        )
    })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 §5): safe in an address as it is.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The bytes of base64url text (padding allowed); `None` for anything else.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let v = ALPHABET.iter().position(|a| a == c)? as u32;
            n |= v << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = base64url_encode(&bytes);
            assert!(text.bytes().all(|c| ALPHABET.contains(&c)));
            assert_eq!(base64url_decode(&text), Some(bytes));
        }
        assert_eq!(base64url_encode(b"Man"), "TWFu");
        assert_eq!(base64url_decode("TWE="), Some(b"Ma".to_vec()));
        assert_eq!(base64url_decode("T"), None);
        assert_eq!(base64url_decode("TW%u"), None);
    }

    /// Every way a patch can be broken says so in both languages, the Chinese without
    /// serde's English.
    #[test]
    fn broken_patches_say_why_in_both_languages() {
        let example = crate::examples().remove(0).doc;
        for text in [
            "%%%",
            "T",
            &base64url_encode(&[0xff, 0xfe]),
            &base64url_encode(b"not json"),
            &base64url_encode(b"{\"kafka\":"),
            &base64url_encode(b"[1]"),
            &base64url_encode(b"{\"kafka\":{\"brokers\":\"many\"}}"),
            &base64url_encode(b"{\"bogus_field\":1}"),
        ] {
            let Err(e) = decode_changes(&example, text) else {
                continue;
            };
            let zh = e.text(crate::Lang::Zh);
            assert!(zh.starts_with("链接："), "{text}: {zh}");
            for english in ["expected", "invalid", "line", "column", "EOF", "at "] {
                assert!(!zh.contains(english), "{text}: {zh}");
            }
            assert!(!e.en.is_empty());
        }
        assert!(decode_changes(&example, "%%%").is_err());
        assert!(decode_changes(&example, &base64url_encode(b"not json")).is_err());
    }

    #[test]
    fn a_merge_patch_turns_one_document_into_the_other() {
        let base = json!({"a": 1, "b": {"c": [1, 2], "d": "x"}, "e": true});
        let target = json!({"a": 2, "b": {"c": [1, 2, 3]}, "f": null, "g": {"h": 1}});
        let patch = merge_diff(&base, &target).unwrap();
        let mut applied = base.clone();
        merge_apply(&mut applied, &patch);
        // A member set to null cannot be told from a removed one (RFC 7386); documents
        // never hold nulls that matter (`None` fields are skipped when written).
        let mut expected = target.clone();
        expected.as_object_mut().unwrap().remove("f");
        assert_eq!(applied, expected);
        assert_eq!(merge_diff(&base, &base), None);
    }
}

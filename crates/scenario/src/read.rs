//! The one reader of documents (scenarios, lessons): a walk over a parsed `serde_json::Value`
//! that keeps the path of the field it is at (`script[3].at_ms`, `consumers[0].commit`), with
//! a few typed getters. Every rejection names that path, says what was expected and what was
//! found, in both languages, and every object refuses fields it does not know (with a
//! "did you mean" when a known one is close). Hand-written rather than `#[derive(Deserialize)]`:
//! one walker is much smaller in the wasm than a derived deserializer per type, and serde's
//! messages name no field.

use crate::error::ScenarioError;
use serde_json::{Map, Value};

pub type Res<T> = Result<T, ScenarioError>;

/// The most characters of a string quoted back from the input.
const QUOTED_CHARS: usize = 40;

/// An enum that documents spell as one of a fixed list of names.
pub trait Named: Sized + Copy + PartialEq + 'static {
    /// Every value with its name, in the order messages list them.
    const NAMES: &'static [(&'static str, Self)];

    fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("", |(n, _)| n)
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

/// `named!(AcksDoc { "0" => Zero, "1" => One, "all" => All })`: the names an enum is spelled
/// with in documents.
macro_rules! named {
    ($t:ty { $($s:literal => $v:ident),* $(,)? }) => {
        impl $crate::read::Named for $t {
            const NAMES: &'static [(&'static str, Self)] = &[$(($s, Self::$v)),*];
        }
    };
}
pub(crate) use named;

/// `path.key`, or `key` at the top.
pub fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() {
        "(document)"
    } else {
        path
    }
}

/// A quoted string, cut at `QUOTED_CHARS` characters.
fn quote(s: &str) -> String {
    let mut short: String = s.chars().take(QUOTED_CHARS).collect();
    if s.chars().count() > QUOTED_CHARS {
        short.push('…');
    }
    format!("\"{short}\"")
}

/// What a value is, as a message shows it: the value itself when short, its kind otherwise.
fn found(v: &Value) -> (String, String) {
    match v {
        Value::Null => ("null".into(), "null".into()),
        Value::Bool(b) => (b.to_string(), b.to_string()),
        Value::Number(n) => (n.to_string(), n.to_string()),
        Value::String(s) => (quote(s), quote(s)),
        Value::Array(_) => ("a list".into(), "一个列表".into()),
        Value::Object(_) => ("an object".into(), "一个对象".into()),
    }
}

/// "expected …, got …" at `path`.
pub fn expected(path: &str, en: &str, zh: &str, v: &Value) -> ScenarioError {
    let (got_en, got_zh) = found(v);
    ScenarioError::new(
        shown_path(path),
        format!("expected {en}, got {got_en}"),
        format!("应为{zh}，实际是 {got_zh}"),
    )
}

/// Edit distance with swapped neighbours counting as one edit (`at_sm` is one from
/// `at_ms`), for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * w + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * w + b.len()]
}

/// The known name closest to `word`, if it is close enough to be a typo.
pub fn closest<'n>(word: &str, names: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    names
        .into_iter()
        .map(|n| (distance(word, n), n))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn listed(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One value of the document and where it is.
#[derive(Clone, Copy)]
pub struct Field<'a> {
    pub path: &'a str,
    pub value: &'a Value,
}

/// The largest whole number a JSON number can hold exactly is beyond `u64`; these bounds are
/// what the model's fields hold.
impl<'a> Field<'a> {
    pub fn new(path: &'a str, value: &'a Value) -> Self {
        Self { path, value }
    }

    fn expected(&self, en: &str, zh: &str) -> ScenarioError {
        expected(self.path, en, zh, self.value)
    }

    /// A whole number of milliseconds (0 or more).
    pub fn ms(&self) -> Res<u64> {
        self.value
            .as_u64()
            .ok_or_else(|| self.expected("a whole number of milliseconds", "毫秒数（非负整数）"))
    }

    /// A whole number, 0 or more.
    pub fn u64(&self) -> Res<u64> {
        self.value
            .as_u64()
            .ok_or_else(|| self.expected("a whole number (0 or more)", "非负整数"))
    }

    /// A whole number from 0 to 4294967295.
    pub fn u32(&self) -> Res<u32> {
        self.value
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| {
                self.expected(
                    "a whole number from 0 to 4294967295",
                    "0 到 4294967295 之间的整数",
                )
            })
    }

    /// An index or a count: a whole number from 0 to 4294967295.
    pub fn usize(&self) -> Res<usize> {
        self.u32().map(|n| n as usize)
    }

    /// A whole number, negative or not.
    pub fn i64(&self) -> Res<i64> {
        self.value
            .as_i64()
            .ok_or_else(|| self.expected("a whole number", "整数"))
    }

    /// Any number.
    pub fn f64(&self) -> Res<f64> {
        self.value
            .as_f64()
            .ok_or_else(|| self.expected("a number", "数字"))
    }

    pub fn bool(&self) -> Res<bool> {
        self.value
            .as_bool()
            .ok_or_else(|| self.expected("true or false", "true 或 false"))
    }

    pub fn str(&self) -> Res<&'a str> {
        self.value
            .as_str()
            .ok_or_else(|| self.expected("a string", "字符串"))
    }

    pub fn string(&self) -> Res<String> {
        self.str().map(str::to_string)
    }

    /// One of a fixed list of names.
    pub fn name<T: Named>(&self) -> Res<T> {
        if let Some(v) = self.value.as_str().and_then(T::from_name) {
            return Ok(v);
        }
        let names: Vec<&str> = T::NAMES.iter().map(|(n, _)| *n).collect();
        Err(self.not_one_of(&names))
    }

    /// A string that is one of `names` (a tag: `"do"`, `"kind"`).
    pub fn pick<'n>(&self, names: &[&'n str]) -> Res<&'n str> {
        let s = self.value.as_str();
        match names.iter().find(|n| Some(**n) == s) {
            Some(n) => Ok(n),
            None => Err(self.not_one_of(names)),
        }
    }

    /// "expected one of …", with a "did you mean" for a string close to one of them.
    fn not_one_of(&self, names: &[&str]) -> ScenarioError {
        let list = listed(names);
        let near = self
            .value
            .as_str()
            .and_then(|s| closest(s, names.iter().copied()));
        let (en, zh) = match near {
            Some(near) => (
                format!("one of {list} (did you mean `{near}`?)"),
                format!("以下之一：{list}（是否想写 `{near}`？）"),
            ),
            None => (format!("one of {list}"), format!("以下之一：{list}")),
        };
        self.expected(&en, &zh)
    }

    /// A list; `item` reads each element at `path[i]`.
    pub fn list<T>(&self, mut item: impl FnMut(Field<'_>) -> Res<T>) -> Res<Vec<T>> {
        let Some(items) = self.value.as_array() else {
            return Err(self.expected("a list", "列表"));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let path = format!("{}[{i}]", self.path);
                item(Field::new(&path, v))
            })
            .collect()
    }

    /// A list of strings.
    pub fn strings(&self) -> Res<Vec<String>> {
        self.list(|f| f.string())
    }

    /// An object with exactly these fields allowed.
    pub fn obj(&self, fields: &[&'static str]) -> Res<Obj<'a>> {
        let o = self.open()?;
        o.only(fields)?;
        Ok(o)
    }

    /// An object whose allowed fields are checked later (`Obj::only`), once a tag says which.
    pub fn open(&self) -> Res<Obj<'a>> {
        let Some(map) = self.value.as_object() else {
            return Err(self.expected("an object {…}", "对象 {…}"));
        };
        Ok(Obj {
            path: self.path,
            map,
        })
    }

    /// A text in both languages: `{"en": "…", "zh": "…"}`.
    pub fn text(&self) -> Res<crate::i18n::Text> {
        let o = self.obj(&["en", "zh"])?;
        Ok(crate::i18n::Text {
            en: o.req("en", |f| f.string())?,
            zh: o.req("zh", |f| f.string())?,
        })
    }
}

/// An object of the document and where it is.
pub struct Obj<'a> {
    path: &'a str,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    pub fn path(&self) -> &str {
        self.path
    }

    /// Refuses any field not in `fields`, naming the closest known one.
    pub fn only(&self, fields: &[&'static str]) -> Res<()> {
        let Some(key) = self.map.keys().find(|k| !fields.contains(&k.as_str())) else {
            return Ok(());
        };
        let path = child(self.path, key);
        let (en, zh) = match closest(key, fields.iter().copied()) {
            Some(near) => (
                format!("unknown field; did you mean `{near}`?"),
                format!("未知字段；是否想写 `{near}`？"),
            ),
            None if fields.is_empty() => ("unknown field".into(), "未知字段".into()),
            None => (
                format!("unknown field; the fields here are {}", listed(fields)),
                format!("未知字段；这里可用的字段是 {}", listed(fields)),
            ),
        };
        Err(ScenarioError::new(path, en, zh))
    }

    /// A field that must be present.
    pub fn req<T>(&self, key: &str, read: impl FnOnce(Field<'_>) -> Res<T>) -> Res<T> {
        let path = child(self.path, key);
        match self.map.get(key) {
            Some(v) => read(Field::new(&path, v)),
            None => Err(ScenarioError::new(
                path,
                "missing: this field is required",
                "缺少此字段（必填）",
            )),
        }
    }

    /// A field that may be left out (or null).
    pub fn opt<T>(&self, key: &str, read: impl FnOnce(Field<'_>) -> Res<T>) -> Res<Option<T>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => read(Field::new(&child(self.path, key), v)).map(Some),
        }
    }

    /// A field with a default when left out (null is not "left out": it is refused).
    pub fn or<T>(&self, key: &str, default: T, read: impl FnOnce(Field<'_>) -> Res<T>) -> Res<T> {
        match self.map.get(key) {
            None => Ok(default),
            Some(v) => read(Field::new(&child(self.path, key), v)),
        }
    }

    /// A list that may be left out (empty then).
    pub fn list<T>(&self, key: &str, item: impl FnMut(Field<'_>) -> Res<T>) -> Res<Vec<T>> {
        self.or(key, Vec::new(), |f| f.list(item))
    }

    /// The names of the fields present.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.map.keys().map(String::as_str)
    }

    /// The raw value of a field, if present.
    pub fn raw(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }
}

/// Reads the whole text as JSON, then the document through `read`: a syntax error names its
/// line and column, anything else the field.
pub fn parse<T>(text: &str, read: impl FnOnce(Field<'_>) -> Res<T>) -> Res<T> {
    let value: Value = serde_json::from_str(text).map_err(|e| ScenarioError::from_json(&e))?;
    read(Field::new("", &value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_found() {
        assert_eq!(closest("same_kee", ["same_key", "key"]), Some("same_key"));
        assert_eq!(closest("at_sm", ["at_ms", "after_step"]), Some("at_ms"));
        assert_eq!(closest("zzzzzz", ["at_ms", "after_step"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}

//! The one writer of documents: each document type builds a [`Json`] tree whose objects keep
//! their fields in the order the file format lists them, so an exported document reads like
//! a shipped one (id and title first). One `Serialize` impl for the tree stands in for a
//! derived serializer per type (see `read` for why).

use crate::i18n::Text;
use crate::read::Named;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

/// A JSON value whose objects keep their field order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Plain(Value),
    List(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    /// As a `serde_json::Value` (its objects sort their fields).
    pub fn into_value(self) -> Value {
        match self {
            Json::Plain(v) => v,
            Json::List(items) => Value::Array(items.into_iter().map(Json::into_value).collect()),
            Json::Obj(fields) => Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.into_value()))
                    .collect::<Map<String, Value>>(),
            ),
        }
    }

    /// Minified JSON text.
    pub fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Indented JSON text, as the command line and the export write files.
    pub fn pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Plain(v) => v.serialize(s),
            Json::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Obj(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl From<$t> for Json {
            fn from(v: $t) -> Json {
                Json::Plain(Value::from(v))
            }
        }
    )*};
}
plain!(u64, u32, i64, f64, bool, String, &str);

impl From<usize> for Json {
    fn from(v: usize) -> Json {
        Json::Plain(Value::from(v as u64))
    }
}

impl From<&Text> for Json {
    fn from(t: &Text) -> Json {
        Json::Obj(vec![
            ("en", t.en.as_str().into()),
            ("zh", t.zh.as_str().into()),
        ])
    }
}

impl From<&String> for Json {
    fn from(v: &String) -> Json {
        v.as_str().into()
    }
}

impl From<&[String]> for Json {
    fn from(v: &[String]) -> Json {
        Json::List(v.iter().map(Json::from).collect())
    }
}

impl From<Obj> for Json {
    fn from(o: Obj) -> Json {
        Json::Obj(o.0)
    }
}

/// A name from a fixed list, as text.
pub fn name<T: Named>(v: T) -> Json {
    v.name().into()
}

/// Each item written by `write`.
pub fn list<T>(items: &[T], write: impl Fn(&T) -> Json) -> Json {
    Json::List(items.iter().map(write).collect())
}

/// An object being written, field by field in order.
#[derive(Default)]
pub struct Obj(Vec<(&'static str, Json)>);

impl Obj {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put(mut self, key: &'static str, v: impl Into<Json>) -> Self {
        self.0.push((key, v.into()));
        self
    }

    /// Written only when present.
    pub fn opt<T: Into<Json>>(self, key: &'static str, v: Option<T>) -> Self {
        match v {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    /// Written only when `keep` holds (a default left unwritten).
    pub fn put_if(self, keep: bool, key: &'static str, v: impl Into<Json>) -> Self {
        if keep {
            self.put(key, v)
        } else {
            self
        }
    }

    pub fn done(self) -> Json {
        Json::Obj(self.0)
    }
}

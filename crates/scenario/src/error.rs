use crate::i18n::Lang;
use std::fmt;

/// A bad scenario: which field, and why, in both languages. Loading never panics; every
/// problem is one of these, and nothing is changed by a document that has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where: `kafka.topics[0].replication_factor`, `script[3].node`, or `(document)`.
    pub field: String,
    pub en: String,
    pub zh: String,
}

impl ScenarioError {
    pub fn new(field: impl Into<String>, en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            en: en.into(),
            zh: zh.into(),
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{}: {}", self.field, self.en),
            Lang::Zh => format!("{}：{}", self.field, self.zh),
        }
    }

    /// A JSON syntax or shape error from serde, with its line and column.
    pub fn from_json(err: &serde_json::Error) -> Self {
        let at = format!("(document, line {} column {})", err.line(), err.column());
        let detail = err.to_string();
        Self::new(
            at,
            format!("not a valid scenario: {detail}"),
            format!("不是有效的场景文件：{detail}"),
        )
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for ScenarioError {}

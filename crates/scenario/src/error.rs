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

/// The most characters of a name quoted from the input in a Chinese message.
const QUOTED_CHARS: usize = 40;

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
            Lang::Zh => format!("{}：{}", self.field_zh(), self.zh),
        }
    }

    /// The field in a Chinese message: a path into the document stays as it is written (it
    /// is the document's own spelling), the few places that are not a path are translated.
    pub fn field_zh(&self) -> String {
        let field = self.field.as_str();
        if let Some(rest) = field
            .strip_prefix("(document, line ")
            .and_then(|r| r.strip_suffix(')'))
        {
            if let Some((line, column)) = rest.split_once(" column ") {
                return format!("（文档第 {line} 行第 {column} 列）");
            }
        }
        match field {
            "(document)" => "（文档）".into(),
            "link" => "链接".into(),
            "compare" => "比较".into(),
            _ => field.to_string(),
        }
    }

    /// A JSON syntax or shape error from serde, with its line and column.
    pub fn from_json(err: &serde_json::Error) -> Self {
        let at = format!("(document, line {} column {})", err.line(), err.column());
        let detail = err.to_string();
        Self::new(
            at,
            format!("not a valid scenario: {detail}"),
            format!("不是有效的场景文件：{}", json_detail_zh(err)),
        )
    }
}

/// What a serde_json error says, in Chinese: serde's own text is English, so it is read for
/// its kind (syntax, cut short, a missing or unknown field…) and only the name it quotes from
/// the input is kept.
pub fn json_detail_zh(err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match err.classify() {
        Category::Eof => "JSON 在中途结束（被截断？）".to_string(),
        Category::Syntax => "JSON 语法错误".to_string(),
        Category::Io => "读取失败".to_string(),
        Category::Data => {
            let text = err.to_string();
            let quoted = || quoted_name(&text).unwrap_or_default();
            if text.starts_with("missing field") {
                format!("缺少字段 {}", quoted())
            } else if text.starts_with("unknown field") {
                format!("未知字段 {}", quoted())
            } else if text.starts_with("unknown variant") {
                format!("未知取值 {}", quoted())
            } else if text.starts_with("duplicate field") {
                format!("字段 {} 重复", quoted())
            } else if text.starts_with("invalid type") {
                "值的类型不对".to_string()
            } else if text.starts_with("invalid value") {
                "取值无效".to_string()
            } else if text.starts_with("invalid length") {
                "元素个数不对".to_string()
            } else {
                "内容不符合场景格式".to_string()
            }
        }
    };
    if err.line() > 0 {
        format!("{what}（第 {} 行第 {} 列）", err.line(), err.column())
    } else {
        what
    }
}

/// The first `…`-quoted name in serde's message, with its backquotes, at most
/// `QUOTED_CHARS` characters of it.
fn quoted_name(text: &str) -> Option<String> {
    let (_, rest) = text.split_once('`')?;
    let (name, _) = rest.split_once('`')?;
    let mut short: String = name.chars().take(QUOTED_CHARS).collect();
    if name.chars().count() > QUOTED_CHARS {
        short.push('…');
    }
    Some(format!("`{short}`"))
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh_of(text: &str) -> String {
        crate::ScenarioDoc::parse(text).unwrap_err().text(Lang::Zh)
    }

    /// Chinese messages quote names from the input, never serde's English.
    #[test]
    fn json_errors_read_in_chinese() {
        for (text, words, start) in [
            ("", "JSON 在中途结束", "（文档第 "),
            ("{", "JSON 在中途结束", "（文档第 "),
            ("{]", "JSON 语法错误", "（文档第 "),
            ("nope", "JSON 语法错误", "（文档第 "),
            ("{}", "缺少此字段", "id："),
            ("[1]", "应为对象", "（文档）："),
        ] {
            let zh = zh_of(text);
            assert!(zh.contains(words), "{text}: {zh}");
            assert!(zh.starts_with(start), "{text}: {zh}");
            for english in ["expected", "missing", "line", "column", "EOF", "document"] {
                assert!(!zh.contains(english), "{text}: {zh}");
            }
        }
    }

    #[test]
    fn pseudo_fields_are_translated() {
        assert_eq!(
            ScenarioError::new("link", "a", "乙").text(Lang::Zh),
            "链接：乙"
        );
        assert_eq!(
            ScenarioError::new("kafka.acks", "a", "乙").text(Lang::Zh),
            "kafka.acks：乙"
        );
    }
}

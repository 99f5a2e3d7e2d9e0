//! What can be wrong with a link, each problem naming the part that is wrong and what was
//! opened instead, in both languages. Reading an address never fails and never loses what
//! it could read: `route` and `share` return the nearest page they can make out plus these,
//! the state adds the ones only the world can tell (a step past the end of the trace, an
//! example or lesson that does not exist), and the page shows them all as one notice.
//! A link MQ Lab wrote itself has none.

use crate::i18n::{Lang, T};
use mqlab_scenario::Text;

/// The most characters of a part of the address quoted in a message.
const EXCERPT_CHARS: usize = 40;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    /// Names no page, example or lesson: the lesson map is opened.
    Unrecognised { excerpt: String },
    /// Longer than any link MQ Lab writes: refused before decoding; only the example id at
    /// its head (if any) was read.
    TooLong { chars: usize, kept: Option<String> },
    /// `@5` or `~…` with no example before it: the lesson map is opened.
    EmptyId { before: char },
    /// Something after what was read that means nothing (a `)` or `.` pasted with the link).
    TrailingJunk { after: String, junk: String },
    /// `@` with nothing after it: at the start.
    StepMissing,
    /// `@-5`, `@abc`: at the start.
    StepNotANumber { text: String },
    /// `@１２０`: full-width digits are accepted, read as the ASCII number, and said so.
    FullWidthDigits { text: String, read: String },
    /// A step past the end of the trace (or the comparison's timeline): at its last step.
    /// `total` is filled in once the trace is known.
    StepPastEnd { asked: String, total: Option<u64> },
    /// No shipped example by this id: the first example is opened.
    UnknownExample { id: String, opened: String },
    /// The example exists but the changes after `~` cannot be decoded: it opens unchanged.
    PatchUndecodable { id: String, why: Text },
    /// The changes decode but make a scenario that does not load: the example unchanged.
    PatchInvalid { id: String, why: Text },
    /// The document after `doc~` / `doc=` cannot be decoded: the first example.
    DocUndecodable {
        form: &'static str,
        why: Text,
        opened: String,
    },
    /// The document decodes but is no valid scenario: the example it names (if it names a
    /// shipped one, unchanged), else the first example.
    DocInvalid {
        why: Text,
        opened: String,
        named: bool,
    },
    /// `#lesson/` with no id: the lesson map.
    NoLesson,
    /// No shipped lesson by this id: the lesson map.
    UnknownLesson { id: String },
    /// `lesson/x/0`: steps count from 1; step 1 is opened.
    LessonStepZero,
    /// `lesson/x/abc`: step 1 is opened.
    LessonStepNotANumber { text: String },
    /// `lesson/x/99`: its last step is opened. `count` is filled in once the lesson is known.
    LessonStepPastEnd {
        id: String,
        asked: String,
        count: Option<usize>,
    },
    /// A comparison address that is not `compare/example/setting/left/right`.
    CompareMalformed { excerpt: String, opened: String },
    /// A well-formed comparison that cannot be run (no such example, setting or value).
    CompareInvalid { why: Text, opened: String },
}

impl LinkProblem {
    /// A short name of the kind, for tests.
    pub fn kind(&self) -> &'static str {
        match self {
            LinkProblem::Unrecognised { .. } => "unrecognised",
            LinkProblem::TooLong { .. } => "too-long",
            LinkProblem::EmptyId { .. } => "empty-id",
            LinkProblem::TrailingJunk { .. } => "trailing-junk",
            LinkProblem::StepMissing => "step-missing",
            LinkProblem::StepNotANumber { .. } => "step-not-a-number",
            LinkProblem::FullWidthDigits { .. } => "full-width-digits",
            LinkProblem::StepPastEnd { .. } => "step-past-end",
            LinkProblem::UnknownExample { .. } => "unknown-example",
            LinkProblem::PatchUndecodable { .. } => "patch-undecodable",
            LinkProblem::PatchInvalid { .. } => "patch-invalid",
            LinkProblem::DocUndecodable { .. } => "doc-undecodable",
            LinkProblem::DocInvalid { .. } => "doc-invalid",
            LinkProblem::NoLesson => "no-lesson",
            LinkProblem::UnknownLesson { .. } => "unknown-lesson",
            LinkProblem::LessonStepZero => "lesson-step-zero",
            LinkProblem::LessonStepNotANumber { .. } => "lesson-step-not-a-number",
            LinkProblem::LessonStepPastEnd { .. } => "lesson-step-past-end",
            LinkProblem::CompareMalformed { .. } => "compare-malformed",
            LinkProblem::CompareInvalid { .. } => "compare-invalid",
        }
    }

    /// One sentence in each language: what is wrong, and what was opened instead.
    pub fn text(&self) -> Text {
        let (en, zh) = match self {
            LinkProblem::Unrecognised { excerpt } => (
                format!("The address `#{excerpt}` names no page, example or lesson; opened the lesson map."),
                format!("地址 `#{excerpt}` 不对应任何页面、示例或课程；已打开课程地图。"),
            ),
            LinkProblem::TooLong { chars, kept: Some(id) } => (
                format!("The link is {chars} characters long, more than any link MQ Lab writes, so only the example id `{id}` was read from it."),
                format!("链接长达 {chars} 个字符，超过 MQ Lab 生成的任何链接，因此只读取了其中的示例 id `{id}`。"),
            ),
            LinkProblem::TooLong { chars, kept: None } => (
                format!("The link is {chars} characters long, more than any link MQ Lab writes; nothing was read from it, and the lesson map is shown."),
                format!("链接长达 {chars} 个字符，超过 MQ Lab 生成的任何链接；未读取其中任何内容，已打开课程地图。"),
            ),
            LinkProblem::EmptyId { before } => (
                format!("The link names no example before `{before}`; opened the lesson map."),
                format!("链接在 `{before}` 之前没有写示例名；已打开课程地图。"),
            ),
            LinkProblem::TrailingJunk { after, junk } => (
                format!("`{junk}` after `{after}` means nothing and was ignored."),
                format!("`{after}` 之后的 `{junk}` 无法识别，已忽略。"),
            ),
            LinkProblem::StepMissing => (
                "Nothing follows `@` where the step should be; opened at the start.".to_string(),
                "`@` 之后缺少步数；已从开头打开。".to_string(),
            ),
            LinkProblem::StepNotANumber { text } => (
                format!("The step `{text}` is not a whole number ≥ 0; opened at the start."),
                format!("步数 `{text}` 不是大于等于 0 的整数；已从开头打开。"),
            ),
            LinkProblem::FullWidthDigits { text, read } => (
                format!("The step `{text}` is written in full-width digits; read as {read}."),
                format!("步数 `{text}` 使用了全角数字；已按 {read} 读取。"),
            ),
            LinkProblem::StepPastEnd { asked, total: Some(total) } => (
                format!("Step {asked} is past the end ({total} steps); opened at the last step."),
                format!("第 {asked} 步超出了结尾（共 {total} 步）；已打开最后一步。"),
            ),
            LinkProblem::StepPastEnd { asked, total: None } => (
                format!("Step {asked} is past the end; opened at the last step."),
                format!("第 {asked} 步超出了结尾；已打开最后一步。"),
            ),
            LinkProblem::UnknownExample { id, opened } => (
                format!("There is no example `{id}`; opened the first example, {opened}."),
                format!("没有名为 `{id}` 的示例；已打开第一个示例 {opened}。"),
            ),
            LinkProblem::PatchUndecodable { id, why } => (
                format!("The changes after `~` could not be decoded ({}); opened the example {id} unchanged.", why.en),
                format!("`~` 之后的修改部分无法解码（{}）；已打开未经修改的示例 {id}。", why.zh),
            ),
            LinkProblem::PatchInvalid { id, why } => (
                format!("The changes after `~` make a scenario that cannot run ({}); opened the example {id} unchanged.", why.en),
                format!("`~` 之后的修改会得到无法运行的场景（{}）；已打开未经修改的示例 {id}。", why.zh),
            ),
            LinkProblem::DocUndecodable { form, why, opened } => (
                format!("The scenario after `{form}` could not be decoded ({}); opened the first example, {opened}.", why.en),
                format!("`{form}` 之后的场景无法解码（{}）；已打开第一个示例 {opened}。", why.zh),
            ),
            LinkProblem::DocInvalid { why, opened, named: true } => (
                format!("The scenario in the link is not valid ({}); opened the example it names, {opened}, unchanged.", why.en),
                format!("链接中的场景无效（{}）；已打开它所指的示例 {opened}（未经修改）。", why.zh),
            ),
            LinkProblem::DocInvalid { why, opened, named: false } => (
                format!("The scenario in the link is not valid ({}); opened the first example, {opened}.", why.en),
                format!("链接中的场景无效（{}）；已打开第一个示例 {opened}。", why.zh),
            ),
            LinkProblem::NoLesson => (
                "The link names no lesson after `lesson/`; opened the lesson map.".to_string(),
                "链接在 `lesson/` 之后没有写课程名；已打开课程地图。".to_string(),
            ),
            LinkProblem::UnknownLesson { id } => (
                format!("There is no lesson `{id}`; opened the lesson map."),
                format!("没有名为 `{id}` 的课程；已打开课程地图。"),
            ),
            LinkProblem::LessonStepZero => (
                "Lesson steps count from 1, not 0; opened step 1.".to_string(),
                "课程步骤从 1 开始计数，没有第 0 步；已打开第 1 步。".to_string(),
            ),
            LinkProblem::LessonStepNotANumber { text } => (
                format!("The lesson step `{text}` is not a whole number ≥ 1; opened step 1."),
                format!("课程步骤 `{text}` 不是大于等于 1 的整数；已打开第 1 步。"),
            ),
            LinkProblem::LessonStepPastEnd { id, asked, count: Some(count) } => (
                format!("Lesson {id} has {count} steps, not {asked}; opened step {count}."),
                format!("课程 {id} 只有 {count} 步，没有第 {asked} 步；已打开第 {count} 步。"),
            ),
            LinkProblem::LessonStepPastEnd { id, asked, count: None } => (
                format!("Lesson {id} has no step {asked}; opened its last step."),
                format!("课程 {id} 没有第 {asked} 步；已打开最后一步。"),
            ),
            LinkProblem::CompareMalformed { excerpt, opened } => (
                format!("`{excerpt}` is not a comparison (compare/example/setting/left/right); opened the comparison of {opened}."),
                format!("`{excerpt}` 不是有效的比较地址（compare/示例/设置/左值/右值）；已打开 {opened} 的比较。"),
            ),
            LinkProblem::CompareInvalid { why, opened } => (
                format!("This comparison cannot be run ({}); opened the comparison of {opened}.", why.en),
                format!("无法运行这个比较（{}）；已打开 {opened} 的比较。", why.zh),
            ),
        };
        Text { en, zh }
    }
}

/// The notice for a link with problems: a heading, then each problem's sentence.
pub fn notice(problems: &[LinkProblem]) -> Option<Text> {
    if problems.is_empty() {
        return None;
    }
    let texts: Vec<Text> = problems.iter().map(LinkProblem::text).collect();
    // English sentences are spaced; Chinese ones follow each other.
    let join = |lang: Lang, sep: &str| {
        let mut parts = vec![T::BadLink.get(lang)];
        parts.extend(texts.iter().map(|t| t.get(lang)));
        parts.join(sep)
    };
    Some(Text {
        en: join(Lang::En, " "),
        zh: join(Lang::Zh, ""),
    })
}

/// A part of the address fit to quote: at most `EXCERPT_CHARS` characters (cut between
/// characters, never inside one), control and invisible formatting characters shown by
/// their code.
pub fn excerpt(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if (c as u32) < 0x20 || c == '\u{7f}' {
            out.push_str(&format!("%{:02X}", c as u32));
        } else if c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '`')
        {
            out.push_str(&format!("U+{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A number as an address writes it: ASCII digits, or full-width ones (`１２０`, which
/// phones and Chinese input methods type; accepted, normalised to ASCII, and reported),
/// then whatever follows them.
pub struct Number<'a> {
    /// The digits, as ASCII; empty when the text does not start with one.
    pub digits: String,
    /// `None` when the digits overflow a `u64` (past the end of anything).
    pub value: Option<u64>,
    pub full_width: bool,
    /// The digits as written.
    pub written: &'a str,
    /// What follows them.
    pub rest: &'a str,
}

impl Number<'_> {
    /// What a reader is told about a number that was read: full-width digits, and any junk
    /// after it (`after` says where it was, as written).
    pub fn note_problems(&self, after: String, problems: &mut Vec<LinkProblem>) {
        if self.full_width {
            problems.push(LinkProblem::FullWidthDigits {
                text: excerpt(self.written),
                read: excerpt(&self.digits),
            });
        }
        if !self.rest.is_empty() {
            problems.push(LinkProblem::TrailingJunk {
                after,
                junk: excerpt(self.rest),
            });
        }
    }
}

pub fn read_number(text: &str) -> Number<'_> {
    let mut digits = String::new();
    let mut value = Some(0u64);
    let mut full_width = false;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{ff10}'..='\u{ff19}' => {
                full_width = true;
                c as u32 - 0xff10
            }
            _ => {
                end = i;
                break;
            }
        };
        digits.push(char::from(b'0' + d as u8));
        value = value
            .and_then(|v| v.checked_mul(10))
            .and_then(|v| v.checked_add(u64::from(d)));
    }
    // `end` is a character boundary: the start of the first character that is no digit.
    let (written, rest) = text.split_at(end);
    Number {
        digits,
        value,
        full_width,
        written,
        rest,
    }
}

/// The step after `@`, problems noted: not a number → 0; digits then junk → the digits;
/// too large for any trace → `u64::MAX`, clamped to the last step once the trace is known.
pub fn read_step(text: &str, problems: &mut Vec<LinkProblem>) -> u64 {
    if text.is_empty() {
        problems.push(LinkProblem::StepMissing);
        return 0;
    }
    let n = read_number(text);
    if n.digits.is_empty() {
        problems.push(LinkProblem::StepNotANumber {
            text: excerpt(text),
        });
        return 0;
    }
    n.note_problems(format!("@{}", excerpt(n.written)), problems);
    match n.value {
        Some(v) => v,
        None => {
            problems.push(LinkProblem::StepPastEnd {
                asked: excerpt(&n.digits),
                total: None,
            });
            u64::MAX
        }
    }
}

/// `%XX` escapes undone (browsers escape non-ASCII, `<`, `>`, spaces and quotes in the
/// fragment they report); a broken escape stays as it is, bytes that are not UTF-8 become
/// U+FFFD.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A name as MQ Lab writes ids: ASCII letters, digits, `-` and `_`.
pub fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

pub fn plain_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(is_id_char)
}

/// The longest id at the start of `text`, and what follows it.
pub fn split_id(text: &str) -> (&str, &str) {
    let end = text
        .char_indices()
        .find(|(_, c)| !is_id_char(*c))
        .map_or(text.len(), |(i, _)| i);
    text.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_ascii_and_full_width_digits() {
        let n = read_number("120)");
        assert_eq!((n.value, n.full_width, n.rest), (Some(120), false, ")"));
        let n = read_number("１２０");
        assert_eq!((n.value, n.full_width, n.rest), (Some(120), true, ""));
        assert_eq!(n.written, "１２０");
        let n = read_number("99999999999999999999");
        assert_eq!((n.value, n.digits.len()), (None, 20));
        let n = read_number("-5");
        assert_eq!((n.digits.as_str(), n.rest), ("", "-5"));
    }

    #[test]
    fn excerpts_cut_between_characters_and_show_the_invisible() {
        assert_eq!(excerpt("a\u{0}b"), "a%00b");
        assert_eq!(excerpt("\u{202e}x"), "U+202Ex");
        let long = "订".repeat(100);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn percent_decoding_keeps_broken_escapes() {
        assert_eq!(percent_decode("%3Cscript%3E"), "<script>");
        assert_eq!(percent_decode("%EF%BC%91"), "１");
        assert_eq!(percent_decode("%%%"), "%%%");
        assert_eq!(percent_decode("%E0%A4%A"), "\u{fffd}%A");
        assert_eq!(percent_decode("50%"), "50%");
        assert_eq!(percent_decode("%4"), "%4");
    }

    /// The Chinese of every problem is Chinese: at most the quoted part of the address and
    /// ids are in Latin letters.
    #[test]
    fn every_problem_reads_in_both_languages() {
        let why = Text {
            en: "the changes are not JSON".into(),
            zh: "修改部分不是 JSON".into(),
        };
        let all = [
            LinkProblem::Unrecognised {
                excerpt: "<x>".into(),
            },
            LinkProblem::TooLong {
                chars: 9,
                kept: None,
            },
            LinkProblem::TooLong {
                chars: 9,
                kept: Some("k".into()),
            },
            LinkProblem::EmptyId { before: '@' },
            LinkProblem::TrailingJunk {
                after: "k".into(),
                junk: ")".into(),
            },
            LinkProblem::StepMissing,
            LinkProblem::StepNotANumber { text: "-5".into() },
            LinkProblem::FullWidthDigits {
                text: "１".into(),
                read: "1".into(),
            },
            LinkProblem::StepPastEnd {
                asked: "9".into(),
                total: Some(5),
            },
            LinkProblem::StepPastEnd {
                asked: "9".into(),
                total: None,
            },
            LinkProblem::UnknownExample {
                id: "x".into(),
                opened: "k".into(),
            },
            LinkProblem::PatchUndecodable {
                id: "k".into(),
                why: why.clone(),
            },
            LinkProblem::PatchInvalid {
                id: "k".into(),
                why: why.clone(),
            },
            LinkProblem::DocUndecodable {
                form: "doc~",
                why: why.clone(),
                opened: "k".into(),
            },
            LinkProblem::DocInvalid {
                why: why.clone(),
                opened: "k".into(),
                named: true,
            },
            LinkProblem::DocInvalid {
                why: why.clone(),
                opened: "k".into(),
                named: false,
            },
            LinkProblem::NoLesson,
            LinkProblem::UnknownLesson { id: "x".into() },
            LinkProblem::LessonStepZero,
            LinkProblem::LessonStepNotANumber { text: "x".into() },
            LinkProblem::LessonStepPastEnd {
                id: "l".into(),
                asked: "9".into(),
                count: Some(6),
            },
            LinkProblem::LessonStepPastEnd {
                id: "l".into(),
                asked: "9".into(),
                count: None,
            },
            LinkProblem::CompareMalformed {
                excerpt: "compare/a".into(),
                opened: "k".into(),
            },
            LinkProblem::CompareInvalid {
                why,
                opened: "k".into(),
            },
        ];
        for p in &all {
            let t = p.text();
            assert!(t.en.ends_with('.'), "{p:?}: {}", t.en);
            assert!(t.zh.ends_with('。'), "{p:?}: {}", t.zh);
            for english in ["opened", "the ", "step", "link", "is not", "There"] {
                assert!(!t.zh.contains(english), "{p:?}: {}", t.zh);
            }
        }
        let shown = notice(&all[..2]).unwrap();
        assert!(shown.zh.starts_with(T::BadLink.get(Lang::Zh)));
        assert!(notice(&[]).is_none());
    }
}

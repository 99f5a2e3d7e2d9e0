//! The lesson map's view of a lesson: what the home page and the "next lesson" link need
//! (id, question, order, title, summary, how many steps), without the steps themselves.
//!
//! The page ships only these cards (`lesson-cards.json`, kept equal to the lesson files by a
//! test) and fetches a lesson's file when the learner opens it, so the lessons' text is not
//! part of the first load.

use super::doc::{LessonDoc, Question};
use crate::error::ScenarioError;
use crate::i18n::Text;
use crate::read::{self, Field, Res};
use crate::write::{self, Json};

/// One lesson on the lesson map.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonCard {
    pub id: String,
    pub question: Question,
    /// Position within its question.
    pub order: u32,
    pub title: Text,
    pub summary: Text,
    /// How many steps the lesson has (progress is "step n of steps").
    pub steps: usize,
}

/// Every shipped lesson's card, as `lesson-cards.json` lists them (written by
/// [`cards_file`]; a test keeps the two equal).
pub const CARDS_FILE: &str = include_str!("lesson-cards.json");

impl LessonCard {
    pub fn of(doc: &LessonDoc) -> LessonCard {
        LessonCard {
            id: doc.id.clone(),
            question: doc.question,
            order: doc.order,
            title: doc.title.clone(),
            summary: doc.summary.clone(),
            steps: doc.steps.len(),
        }
    }

    fn read(f: Field<'_>) -> Res<LessonCard> {
        let o = f.obj(&["id", "question", "order", "title", "summary", "steps"])?;
        Ok(LessonCard {
            id: o.req("id", |f| f.string())?,
            question: o.req("question", |f| f.name())?,
            order: o.req("order", |f| f.u32())?,
            title: o.req("title", |f| f.text())?,
            summary: o.req("summary", |f| f.text())?,
            steps: o.req("steps", |f| f.usize())?,
        })
    }

    fn write(&self) -> Json {
        write::Obj::new()
            .put("id", &self.id)
            .put("question", write::name(self.question))
            .put("order", self.order)
            .put("title", &self.title)
            .put("summary", &self.summary)
            .put("steps", self.steps)
            .done()
    }
}

/// The cards of a cards file.
pub fn parse_cards(text: &str) -> Result<Vec<LessonCard>, ScenarioError> {
    read::parse(text, |f| f.list(LessonCard::read))
}

/// The shipped cards. The file is checked by the tests, so it always reads.
pub fn cards() -> Vec<LessonCard> {
    parse_cards(CARDS_FILE).unwrap_or_default()
}

/// The cards file for these lessons, in lesson-map order.
pub fn cards_file(lessons: &[LessonDoc]) -> String {
    let cards: Vec<LessonCard> = lessons.iter().map(LessonCard::of).collect();
    let sorted: Vec<LessonCard> = super::in_map_order(&cards).into_iter().cloned().collect();
    write::list(&sorted, LessonCard::write).pretty() + "\n"
}

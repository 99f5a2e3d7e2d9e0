//! Which lesson comes after another: the next one of the same question by `order`, else the
//! first lesson of the next question that has any (in the home page's order of questions),
//! else none — the end of the lesson map.

use super::card::LessonCard;
use super::doc::Question;

/// Where a lesson's "next lesson" link goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NextLesson<'a> {
    /// The next lesson of the same question.
    SameQuestion(&'a LessonCard),
    /// The lesson was the last of its question: the first lesson of the next question.
    NextQuestion(&'a LessonCard),
    /// The last lesson of the last question (or an unknown id): back to the lesson map.
    None,
}

impl Question {
    /// Every question, in the order the lesson map lists them.
    pub const ALL: [Question; 7] = [
        Question::HighAvailability,
        Question::DuplicateConsumption,
        Question::Idempotency,
        Question::MessageLoss,
        Question::Ordering,
        Question::Backlog,
        Question::Design,
    ];
}

/// The lessons in lesson-map order: by question (as [`Question::ALL`] lists them), then by
/// `order`, then by id so that equal orders still give one sequence.
pub fn in_map_order(lessons: &[LessonCard]) -> Vec<&LessonCard> {
    let rank = |q: Question| Question::ALL.iter().position(|x| *x == q);
    let mut sorted: Vec<&LessonCard> = lessons.iter().collect();
    // The shared sort keeps the wasm small (see ARCHITECTURE.md, "Bundle size").
    mqlab_engine::compact::sort_by(&mut sorted, |a, b| {
        (rank(a.question), a.order, &a.id).cmp(&(rank(b.question), b.order, &b.id))
    });
    sorted
}

/// The lesson after the one with id `id`.
pub fn next_lesson<'a>(lessons: &'a [LessonCard], id: &str) -> NextLesson<'a> {
    let sorted = in_map_order(lessons);
    let Some(at) = sorted.iter().position(|l| l.id == id) else {
        return NextLesson::None;
    };
    match sorted.get(at + 1) {
        Some(next) if next.question == sorted[at].question => NextLesson::SameQuestion(next),
        Some(next) => NextLesson::NextQuestion(next),
        None => NextLesson::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::card::cards;

    fn lesson(id: &str, question: Question, order: u32) -> LessonCard {
        LessonCard {
            id: id.to_string(),
            question,
            order,
            ..cards().remove(0)
        }
    }

    #[test]
    fn next_goes_by_order_within_a_question_then_to_the_next_question_then_home() {
        // Given out of order, with a question (Idempotency) that has no lesson.
        let lessons = vec![
            lesson("ha-b", Question::HighAvailability, 10),
            lesson("loss-a", Question::MessageLoss, 1),
            lesson("ha-a", Question::HighAvailability, 2),
            lesson("dup-a", Question::DuplicateConsumption, 1),
        ];
        let id = |n: NextLesson| match n {
            NextLesson::SameQuestion(l) => format!("same {}", l.id),
            NextLesson::NextQuestion(l) => format!("next-question {}", l.id),
            NextLesson::None => "none".to_string(),
        };
        assert_eq!(id(next_lesson(&lessons, "ha-a")), "same ha-b");
        assert_eq!(id(next_lesson(&lessons, "ha-b")), "next-question dup-a");
        assert_eq!(id(next_lesson(&lessons, "dup-a")), "next-question loss-a");
        assert_eq!(id(next_lesson(&lessons, "loss-a")), "none");
        assert_eq!(id(next_lesson(&lessons, "no-such-lesson")), "none");
    }

    #[test]
    fn the_shipped_lessons_form_one_chain_through_the_lesson_map() {
        let lessons = cards();
        // Order numbers need not start at 1 (message loss starts at 7), only rise.
        let first = in_map_order(&lessons)[0];
        assert_eq!(first.id, "rabbitmq-single-node");
        let mut seen = vec![first.id.clone()];
        let mut at = first;
        loop {
            match next_lesson(&lessons, &at.id) {
                NextLesson::SameQuestion(n) => {
                    assert_eq!(n.question, at.question);
                    assert!(n.order >= at.order);
                    at = n;
                }
                NextLesson::NextQuestion(n) => {
                    assert!(n.question > at.question, "{} after {}", n.id, at.id);
                    at = n;
                }
                NextLesson::None => break,
            }
            seen.push(at.id.clone());
        }
        assert_eq!(seen.len(), lessons.len(), "{seen:?}");
        assert_eq!(at.id, "design-an-mq");
        assert_eq!(
            next_lesson(&lessons, "kafka-high-availability"),
            NextLesson::SameQuestion(
                lessons
                    .iter()
                    .find(|l| l.id == "kafka-eligible-leader-replicas")
                    .unwrap()
            )
        );
    }
}

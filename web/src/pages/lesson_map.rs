//! The home page: the lessons grouped by the interview question they answer, each with the
//! learner's progress, and the way into the sandbox.

use crate::i18n::{fill, question_text, Lang, T};
use crate::progress::Progress;
use crate::route::Route;
use mqlab_scenario::lesson::doc::Question;
use mqlab_scenario::lesson::LessonCard;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonMapProps {
    pub lang: Lang,
    pub lessons: Rc<Vec<LessonCard>>,
    pub progress: Rc<Progress>,
}

fn question_key(q: Question) -> &'static str {
    match q {
        Question::HighAvailability => "high_availability",
        Question::DuplicateConsumption => "duplicate_consumption",
        Question::Idempotency => "idempotency",
        Question::MessageLoss => "message_loss",
        Question::Ordering => "ordering",
        Question::Backlog => "backlog",
        Question::Design => "design",
    }
}

#[function_component(LessonMap)]
pub fn lesson_map(props: &LessonMapProps) -> Html {
    let lang = props.lang;
    let card = |lesson: &LessonCard| {
        let total = lesson.steps;
        let progress = props.progress.of(&lesson.id);
        let (resume, status) = if progress.finished {
            (0, T::LessonFinished.get(lang).to_string())
        } else if progress.reached > 0 {
            (
                progress.reached,
                fill(T::LessonResume, lang, progress.reached + 1, total),
            )
        } else {
            (0, fill(T::LessonSteps, lang, 0, total))
        };
        let href = format!("#{}", Route::lesson_fragment(&lesson.id, resume));
        html! {
            <li>
                <a class={classes!("lesson-card", progress.finished.then_some("finished"))} {href}
                    data-testid={format!("lesson-card-{}", lesson.id)}>
                    <span class="lesson-card-title">{ lesson.title.get(lang) }</span>
                    <span class="lesson-card-summary">{ lesson.summary.get(lang) }</span>
                    <span class="lesson-card-progress" data-testid={format!("lesson-progress-{}", lesson.id)}>{ status }</span>
                </a>
            </li>
        }
    };
    let groups = Question::ALL.iter().filter_map(|q| {
        let mut lessons: Vec<&LessonCard> =
            props.lessons.iter().filter(|l| l.question == *q).collect();
        if lessons.is_empty() {
            return None;
        }
        lessons.sort_by_key(|l| l.order);
        let key = question_key(*q);
        Some(html! {
            <section class="question" data-testid={format!("question-{key}")} aria-labelledby={format!("q-{key}")}>
                <h3 id={format!("q-{key}")}>{ question_text(*q).get(lang) }</h3>
                <ol class="lesson-cards">{ for lessons.into_iter().map(card) }</ol>
            </section>
        })
    });
    html! {
        <div class="home" data-testid="lesson-map">
            <div class="home-intro">
                <h2>{ T::HomeTitle.get(lang) }</h2>
                <p>{ T::HomeIntro.get(lang) }</p>
                <a class="sandbox-link" href="#sandbox" data-testid="open-sandbox">{ T::OpenSandbox.get(lang) }</a>
            </div>
            { for groups }
        </div>
    }
}

//! The lesson beside the stage: the step's text, what it asks (play, act on the stage, switch
//! a setting, predict), whether the world shows it done, and at the end the model answer,
//! each point linked to the step that showed it.

use crate::i18n::{fill, question_text, Lang, T};
use crate::route::Route;
use crate::state::{LessonInput, LessonState};
use mqlab_scenario::lesson::run::{Outcome, Prediction, Verdict};
use mqlab_scenario::lesson::{next_lesson, Goal, LessonCard, LessonDoc, NextLesson, StepDoc};
use mqlab_scenario::Text;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub lang: Lang,
    pub lesson: LessonState,
    pub playing: bool,
    pub on_input: Callback<LessonInput>,
    /// Every lesson, for the link to the next one at the end.
    #[prop_or_default]
    pub lessons: Rc<Vec<LessonCard>>,
}

fn kind(step: &StepDoc) -> (&'static str, T) {
    match step {
        StepDoc::Narrate { .. } => ("narrate", T::KindNarrate),
        StepDoc::Play { .. } => ("play", T::KindPlay),
        StepDoc::Act { .. } => ("act", T::KindAct),
        StepDoc::Switch { .. } => ("switch", T::KindSwitch),
        StepDoc::Choose { .. } => ("choose", T::KindChoose),
        StepDoc::Estimate { .. } => ("estimate", T::KindEstimate),
        StepDoc::Check { .. } => ("check", T::KindCheck),
        StepDoc::Challenge { .. } => ("challenge", T::KindChallenge),
    }
}

fn verdict_text(verdict: Verdict) -> T {
    match verdict {
        Verdict::Right => T::PredictionRight,
        Verdict::Wrong => T::PredictionWrong,
        Verdict::TooLow => T::PredictionTooLow,
        Verdict::TooHigh => T::PredictionTooHigh,
    }
}

fn paragraphs(text: &Text, lang: Lang) -> Html {
    let text = text.get(lang);
    html! { <>{ for text.split("\n\n").map(|p| html! { <p class="lesson-text">{ p }</p> }) }</> }
}

fn hint(text: &Text, lang: Lang) -> Html {
    html! {
        <details class="lesson-hint" data-testid="lesson-hint">
            <summary>{ T::Hint.get(lang) }</summary>
            <p>{ text.get(lang) }</p>
        </details>
    }
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let lang = props.lang;
    let ls = &props.lesson;
    let doc = ls.doc();
    let total = doc.steps.len();
    let send = |input: LessonInput| props.on_input.reform(move |_: MouseEvent| input.clone());
    let dots = doc.steps.iter().enumerate().map(|(i, step)| {
        let (_, label) = kind(step);
        let state = if i == ls.step && !ls.finished {
            "current"
        } else if i < ls.step || ls.finished {
            "past"
        } else {
            "ahead"
        };
        let aria = format!("{}: {}", fill(T::GoToStep, lang, i + 1, total), label.get(lang));
        html! {
            <li>
                <a class={classes!("lesson-dot", state)} href={format!("#{}", Route::lesson_fragment(&doc.id, i))}
                    aria-label={aria} aria-current={(state == "current").then_some("step")}>
                    { i + 1 }
                </a>
            </li>
        }
    });
    let body = match (ls.finished, ls.current()) {
        (true, _) | (false, None) => answer(props),
        (false, Some(step)) => current_step(props, step),
    };
    let last = ls.step + 1 == total;
    html! {
        <section class="lesson" data-testid="lesson-panel" aria-labelledby="lesson-title">
            <h2 id="lesson-title" class="lesson-title">{ doc.title.get(lang) }</h2>
            <p class="lesson-where" data-testid="lesson-step-of">{ fill(T::StepOf, lang, ls.step + 1, total) }</p>
            <ol class="lesson-dots" aria-label={T::StepsNav.get(lang)}>{ for dots }</ol>
            { body }
            <nav class="lesson-nav">
                <button type="button" data-testid="lesson-back" disabled={ls.step == 0 && !ls.finished}
                    onclick={send(LessonInput::Back)}>{ T::Back.get(lang) }</button>
                if !ls.finished {
                    <button type="button" class="primary" data-testid="lesson-next" disabled={!ls.done}
                        onclick={send(LessonInput::Next)}>
                        { if last { T::Finish.get(lang) } else { T::Next.get(lang) } }
                    </button>
                }
            </nav>
            <button type="button" class="link" data-testid="lesson-to-sandbox" onclick={send(LessonInput::ToSandbox)}>
                { T::ToSandbox.get(lang) }
            </button>
        </section>
    }
}

fn current_step(props: &LessonPanelProps, step: &StepDoc) -> Html {
    let lang = props.lang;
    let ls = &props.lesson;
    let (kind_id, kind_label) = kind(step);
    let send = |input: LessonInput| props.on_input.reform(move |_: MouseEvent| input.clone());
    let play = html! {
        <button type="button" data-testid="lesson-play" disabled={ls.done}
            onclick={send(LessonInput::Play)}>
            { if props.playing { T::LessonPause.get(lang) } else { T::LessonPlay.get(lang) } }
        </button>
    };
    let skip = html! {
        <button type="button" data-testid="lesson-skip" disabled={ls.done}
            onclick={send(LessonInput::Skip)}>{ T::SkipToIt.get(lang) }</button>
    };
    let show_me = |label: T| {
        html! {
            <button type="button" data-testid="lesson-show-me" disabled={ls.done}
                onclick={send(LessonInput::ShowMe)}>{ label.get(lang) }</button>
        }
    };
    let (text, controls, waiting) = match step {
        StepDoc::Narrate { title, text } => (
            html! { <><h3 class="lesson-step-title">{ title.get(lang) }</h3>{ paragraphs(text, lang) }</> },
            html! {},
            T::StatusRead,
        ),
        StepDoc::Play { text, .. } => (
            paragraphs(text, lang),
            html! { <div class="lesson-controls">{ play }{ skip }</div> },
            T::StatusPlay,
        ),
        StepDoc::Act { text, hint: h, .. } => (
            paragraphs(text, lang),
            html! { <div class="lesson-controls">{ hint(h, lang) }{ show_me(T::DoItForMe) }{ play }</div> },
            T::StatusAct,
        ),
        StepDoc::Switch { text, hint: h, .. } => (
            paragraphs(text, lang),
            html! {
                <div class="lesson-controls">
                    { hint(h, lang) }{ show_me(T::SwitchForMe) }
                    <p class="lesson-aside">{ T::SwitchElsewhere.get(lang) }</p>
                </div>
            },
            T::StatusSwitch,
        ),
        StepDoc::Check { text, hint: h, .. } => (
            paragraphs(text, lang),
            html! { <div class="lesson-controls">{ hint(h, lang) }{ play }{ skip }</div> },
            T::StatusCheck,
        ),
        StepDoc::Challenge {
            text,
            hint: h,
            goals,
            ..
        } => (
            paragraphs(text, lang),
            challenge(props, goals, hint(h, lang), show_me(T::ShowDesign)),
            T::StatusChallenge,
        ),
        StepDoc::Choose {
            text,
            choices,
            explain,
            ..
        } => (
            paragraphs(text, lang),
            html! { <ChoicePrediction key={ls.step} {lang} choices={choices.clone()} explain={explain.clone()}
            lesson={ls.clone()} on_input={props.on_input.clone()} /> },
            T::StatusPredict,
        ),
        StepDoc::Estimate { text, explain, .. } => (
            paragraphs(text, lang),
            html! { <NumberPrediction key={ls.step} {lang} explain={explain.clone()} lesson={ls.clone()}
            on_input={props.on_input.clone()} /> },
            T::StatusPredict,
        ),
    };
    let status = if ls.done { T::StatusDone } else { waiting };
    html! {
        <article class="lesson-step" data-testid="lesson-step" data-kind={kind_id}
            data-done={ls.done.to_string()}>
            <p class="lesson-kind">{ kind_label.get(lang) }</p>
            { text }
            { controls }
            <p class={classes!("lesson-status", ls.done.then_some("done"))} data-testid="lesson-status"
                role="status" aria-live="polite">{ status.get(lang) }</p>
        </article>
    }
}

/// A design challenge: its goals, each marked met or not with what the runs showed, once
/// the learner has checked the design.
fn challenge(props: &LessonPanelProps, goals: &[Goal], hint: Html, show_me: Html) -> Html {
    let lang = props.lang;
    let ls = &props.lesson;
    let items = goals.iter().enumerate().map(|(i, goal)| {
        let outcome = ls.goals.as_ref().and_then(|o| o.get(i));
        let (state, mark) = match outcome {
            Some(o) if o.met => ("met", T::GoalMet),
            Some(_) => ("missed", T::GoalMissed),
            None => ("unchecked", T::GoalUnchecked),
        };
        html! {
            <li class={classes!("goal", state)} data-testid={format!("lesson-goal-{i}")} data-state={state}>
                <span class="goal-mark">{ mark.get(lang) }</span>
                <span class="goal-text">{ goal.text().get(lang) }</span>
                if let Some(o) = outcome {
                    <p class="goal-detail">{ o.detail.get(lang) }</p>
                }
            </li>
        }
    });
    let check = {
        let on_input = props.on_input.clone();
        Callback::from(move |_: MouseEvent| on_input.emit(LessonInput::CheckDesign))
    };
    html! {
        <div class="lesson-challenge">
            <ol class="goals" data-testid="lesson-goals">{ for items }</ol>
            <p class="lesson-aside">{ T::ChallengeHowTo.get(lang) }</p>
            <div class="lesson-controls">
                { hint }
                <button type="button" class="primary" data-testid="lesson-check-design" disabled={ls.done}
                    onclick={check}>{ T::CheckDesign.get(lang) }</button>
                { show_me }
            </div>
        </div>
    }
}

fn answer(props: &LessonPanelProps) -> Html {
    let lang = props.lang;
    let doc = props.lesson.doc();
    let points = doc.answer.iter().map(|point| {
        let href = format!("#{}", Route::lesson_fragment(&doc.id, point.step));
        html! {
            <li>
                <p>{ point.text.get(lang) }</p>
                <a {href} class="answer-step">{ fill(T::AnswerShown, lang, point.step + 1, 0) }</a>
            </li>
        }
    });
    html! {
        <article class="lesson-answer" data-testid="lesson-answer-view">
            <h3>{ T::AnswerHeading.get(lang) }</h3>
            <ol class="answer-points">{ for points }</ol>
            <p class="lesson-status done" role="status" data-testid="lesson-finished">{ T::LessonDone.get(lang) }</p>
            { next_link(lang, &props.lessons, doc) }
            <a href="#" class="back-to-lessons" data-testid="back-to-lessons">{ T::BackToLessons.get(lang) }</a>
        </article>
    }
}

/// The link to the lesson after this one: the next of its question, else the first of the
/// next question (saying so), else back to the lesson map.
fn next_link(lang: Lang, lessons: &[LessonCard], doc: &LessonDoc) -> Html {
    let fill_lesson = |t: T, next: &LessonCard| {
        t.get(lang)
            .replace("{question}", question_text(next.question).get(lang))
            .replace("{title}", next.title.get(lang))
    };
    let (href, kind, text) = match next_lesson(lessons, &doc.id) {
        NextLesson::SameQuestion(next) => (
            format!("#{}", Route::lesson_fragment(&next.id, 0)),
            "same-question",
            fill_lesson(T::NextInQuestion, next),
        ),
        NextLesson::NextQuestion(next) => (
            format!("#{}", Route::lesson_fragment(&next.id, 0)),
            "next-question",
            format!(
                "{} {}",
                T::LastOfQuestion
                    .get(lang)
                    .replace("{question}", question_text(doc.question).get(lang)),
                fill_lesson(T::NextQuestion, next)
            ),
        ),
        NextLesson::None => (
            "#".to_string(),
            "lesson-map",
            T::LastLessonOfAll.get(lang).to_string(),
        ),
    };
    html! {
        <p class="next-lesson">
            <a {href} class="next-lesson-link" data-testid="next-lesson" data-next={kind}>{ text }</a>
        </p>
    }
}

#[derive(Properties, PartialEq)]
struct ChoiceProps {
    lang: Lang,
    choices: Vec<Text>,
    explain: Text,
    lesson: LessonState,
    on_input: Callback<LessonInput>,
}

/// Multiple choice: wrong picks are struck out and stay so; the right one reveals why.
#[function_component(ChoicePrediction)]
fn choice_prediction(props: &ChoiceProps) -> Html {
    let lang = props.lang;
    let ls = &props.lesson;
    let picked = use_state(|| None::<usize>);
    let tried = |i: usize| ls.wrong.iter().any(|(p, _)| *p == Prediction::Choice(i));
    let options = props.choices.iter().enumerate().map(|(i, choice)| {
        let onchange = {
            let picked = picked.clone();
            Callback::from(move |_: Event| picked.set(Some(i)))
        };
        let wrong = tried(i);
        html! {
            <li class={classes!(wrong.then_some("wrong"))}>
                <label>
                    <input type="radio" name="lesson-choice" value={i.to_string()}
                        data-testid={format!("lesson-choice-{i}")}
                        checked={*picked == Some(i)} disabled={wrong || ls.done} {onchange} />
                    <span>{ choice.get(lang) }</span>
                    if wrong { <span class="verdict">{ " ✕" }</span> }
                </label>
            </li>
        }
    });
    let onclick = {
        let picked = picked.clone();
        let on_input = props.on_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = *picked {
                on_input.emit(LessonInput::Predict(Prediction::Choice(i)));
            }
        })
    };
    let last_wrong = ls.wrong.last().map(|(_, v)| (None, *v));
    html! {
        <div class="lesson-prediction">
            <fieldset>
                <legend>{ T::YourPrediction.get(lang) }</legend>
                <ol class="lesson-choices">{ for options }</ol>
            </fieldset>
            if !ls.done {
                <button type="button" class="primary" data-testid="lesson-check-prediction"
                    disabled={picked.is_none()} {onclick}>{ T::CheckPrediction.get(lang) }</button>
            }
            { feedback(lang, ls, last_wrong, &props.explain) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NumberProps {
    lang: Lang,
    explain: Text,
    lesson: LessonState,
    on_input: Callback<LessonInput>,
}

/// A number: too low or too high until it is exactly what the model shows.
#[function_component(NumberPrediction)]
fn number_prediction(props: &NumberProps) -> Html {
    let lang = props.lang;
    let ls = &props.lesson;
    let value = use_state(String::new);
    let oninput = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            value.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            )
        })
    };
    let number = value.trim().parse::<i64>().ok();
    let submit = {
        let on_input = props.on_input.clone();
        move || {
            if let Some(n) = number {
                on_input.emit(LessonInput::Predict(Prediction::Number(n)));
            }
        }
    };
    let onclick = {
        let submit = submit.clone();
        Callback::from(move |_: MouseEvent| submit())
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            e.prevent_default();
            submit();
        }
    });
    // The last wrong try's verdict is said once, in the alert below; the list keeps the
    // earlier ones (all of them once the right number is in).
    let earlier = if ls.revealed.is_some() {
        ls.wrong.len()
    } else {
        ls.wrong.len().saturating_sub(1)
    };
    let tries = ls.wrong[..earlier].iter().filter_map(|(p, v)| match p {
        Prediction::Number(n) => Some(html! {
            <li>{ format!("{n}: {}", verdict_text(*v).get(lang)) }</li>
        }),
        Prediction::Choice(_) => None,
    });
    html! {
        <div class="lesson-prediction">
            <label class="lesson-estimate">
                <span>{ T::YourEstimate.get(lang) }</span>
                <input type="number" inputmode="numeric" data-testid="lesson-estimate" value={(*value).clone()}
                    disabled={ls.done} {oninput} {onkeydown} />
            </label>
            if !ls.done {
                <button type="button" class="primary" data-testid="lesson-check-prediction"
                    disabled={number.is_none()} {onclick}>{ T::CheckPrediction.get(lang) }</button>
            }
            <ul class="lesson-tries" data-testid="lesson-tries">{ for tries }</ul>
            { feedback(lang, ls, ls.wrong.last().map(|(p, v)| (number_of(p), *v)), &props.explain) }
        </div>
    }
}

fn number_of(p: &Prediction) -> Option<i64> {
    match p {
        Prediction::Number(n) => Some(*n),
        Prediction::Choice(_) => None,
    }
}

/// The verdict on the last try (with the number tried, for an estimate), and once right, the
/// explanation and what the model shows.
fn feedback(
    lang: Lang,
    ls: &LessonState,
    last_wrong: Option<(Option<i64>, Verdict)>,
    explain: &Text,
) -> Html {
    match ls.revealed {
        Some(outcome) => {
            let shows = match outcome {
                Outcome::Number(n) => T::OutcomeNumber.get(lang).replace("{n}", &n.to_string()),
                Outcome::Proven(_) => T::OutcomeProven.get(lang).to_string(),
            };
            html! {
                <div class="lesson-reveal" data-testid="lesson-reveal">
                    <p class="verdict right">{ T::PredictionRight.get(lang) }</p>
                    { paragraphs(explain, lang) }
                    <p class="lesson-aside">{ shows }</p>
                </div>
            }
        }
        None => match last_wrong {
            Some((n, v)) => html! {
                <p class="verdict wrong" data-testid="lesson-verdict" role="alert">
                    { n.map(|n| format!("{n}: ")).unwrap_or_default() }{ verdict_text(v).get(lang) }
                </p>
            },
            None => html! {},
        },
    }
}

//! The page: header, stage, player bar and side panel, wired to the reducer. The play loop,
//! keyboard shortcuts and the saved language live here, the only effects of the app.

use crate::i18n::T;
use crate::keys::shortcut;
use crate::lesson_files;
use crate::pages::compare::CompareView;
use crate::pages::lesson_map::LessonMap;
use crate::pages::relay;
use crate::pages::top_bar::{Page, TopBar};
use crate::panels::help::Help;
use crate::prefs;
use crate::state::{Action, AppState, View, TICK_MS};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::{Interval, Timeout};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Long enough for the browser to draw a step before its messages start moving on.
const SETTLE_DELAY_MS: u32 = 40;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        AppState::new(
            prefs::initial_lang(),
            prefs::route_in_url(),
            prefs::load_progress(),
            prefs::presenter(),
        )
    });
    let reduced_motion = use_memo((), |_| prefs::reduced_motion());
    let lang = state.lang;

    // The play loop: a tick while playing, none otherwise.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.play.playing, move |playing| {
            let interval = playing
                .then(|| Interval::new(TICK_MS as u32, move || dispatcher.dispatch(Action::Tick)));
            move || drop(interval)
        });
    }
    // Paused on a step, the messages in flight glide on toward where the next step finds
    // them, once the browser has drawn where they start.
    {
        let dispatcher = state.dispatcher();
        let paused_at = (!state.play.playing).then_some(state.play.frame.step);
        use_effect_with(paused_at, move |paused_at| {
            let settle = paused_at.map(|step| {
                Timeout::new(SETTLE_DELAY_MS, move || {
                    dispatcher.dispatch(Action::Settle(step))
                })
            });
            move || drop(settle)
        });
    }
    // Keyboard shortcuts for every player action.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(
                &gloo::utils::document(),
                "keydown",
                options,
                move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if let Some(action) = shortcut(e) {
                        e.prevent_default();
                        dispatcher.dispatch(action);
                    }
                },
            );
            move || drop(listener)
        });
    }
    // When a node's menu closes, the focus goes back to the node.
    {
        let last_menu = use_mut_ref(|| None::<u32>);
        use_effect_with(state.ui.menu, move |menu| {
            let previous = last_menu.replace(*menu);
            if let (None, Some(node)) = (menu, previous) {
                prefs::focus_node(node);
            }
        });
    }
    // The language is remembered, and the document says which it is.
    use_effect_with(lang, |lang| prefs::save_lang(*lang));
    // The address follows the page: the lesson map, a lesson's step, or what is on the
    // sandbox's stage (not while playing: it would change 20 times a second). A new address
    // typed in, or a link followed, opens what it names.
    {
        // Nor while a lesson's file is on its way: the address names what is being opened.
        let settled = !state.play.playing && state.loading_lesson.is_none();
        let fragment = settled.then(|| state.fragment());
        use_effect_with(fragment, |fragment| {
            if let Some(fragment) = fragment {
                prefs::set_fragment(fragment);
            }
        });
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                dispatcher.dispatch(Action::Route(prefs::route_in_url()));
            });
            move || drop(listener)
        });
    }
    // A lesson opened for the first time: fetch its file, then open the address again.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.loading_lesson.clone(), move |loading| {
            if let Some(id) = loading.clone() {
                lesson_files::fetch(id, move || {
                    dispatcher.dispatch(Action::Route(prefs::route_in_url()))
                });
            }
        });
    }
    use_effect_with(state.ui.presenter, |on| prefs::save_presenter(*on));
    // The node the keyboard selected has the focus, so the stage shows which.
    use_effect_with(state.ui.selected_node, |node| {
        if let Some(node) = node {
            prefs::focus_node(*node);
        }
    });
    // Lesson progress is kept in this browser.
    use_effect_with(state.progress.clone(), |progress| {
        prefs::save_progress(progress)
    });
    // A new page starts at its top.
    use_effect_with(state.view, |_| {
        gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0)
    });

    let on_input = relay(&state, Action::Player);
    let on_close = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::CloseOverlays))
    };
    let on_pick = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let id = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            dispatcher.dispatch(Action::LoadExample(id));
        })
    };
    let on_lang = {
        let dispatcher = state.dispatcher();
        Callback::from(move |lang| dispatcher.dispatch(Action::SetLang(lang)))
    };
    let options = state.examples.iter().map(|e| {
        html! { <option value={e.id.clone()} selected={e.id == state.sandbox.example_id}>{ e.title.get(lang) }</option> }
    });
    let notice = state.ui.notice.as_ref().map(|notice| {
        html! { <p class="action-error" role="alert" data-testid="notice">{ notice.get(lang) }</p> }
    });
    let page = match state.view {
        View::Home | View::Lesson => Page::Lessons,
        View::Sandbox => Page::Sandbox,
        View::Compare => Page::Compare,
    };
    let main = if let (View::Compare, Some(compare)) = (state.view, &state.compare) {
        let on_divergence = {
            let dispatcher = state.dispatcher();
            Callback::from(move |_| dispatcher.dispatch(Action::CompareToDivergence))
        };
        html! {
            <>
                { notice.clone() }
                <CompareView {lang} compare={compare.clone()} playing={state.play.playing} speed={state.play.speed}
                    reduced_motion={*reduced_motion} on_input={on_input.clone()} {on_divergence} />
            </>
        }
    } else if state.loading_lesson.is_some() {
        html! {
            <main class="main home-main">
                <p class="lesson-loading" role="status" data-testid="lesson-loading">{ T::LessonLoading.get(lang) }</p>
            </main>
        }
    } else if state.view == View::Home {
        html! {
            <main class="main home-main">
                { notice }
                <LessonMap {lang} lessons={state.lessons.clone()} progress={state.progress.clone()} />
            </main>
        }
    } else {
        crate::pages::sandbox::view(&state, *reduced_motion, notice, on_input, on_close.clone())
    };

    html! {
        <div class={classes!("app", state.play.playing.then_some("playing"), (*reduced_motion).then_some("reduced-motion"), state.ui.presenter.then_some("presenter"))}>
            <TopBar {lang} {page} {on_lang}>
                if state.view == View::Sandbox {
                    <label class="picker">
                        <span>{ T::Scenario.get(lang) }</span>
                        <select data-testid="scenario-picker" aria-label={T::Scenario.get(lang)} onchange={on_pick}>
                            { for options }
                        </select>
                    </label>
                }
            </TopBar>
            { main }
            if state.ui.help {
                <Help {lang} on_close={on_close.clone()} />
            }
        </div>
    }
}

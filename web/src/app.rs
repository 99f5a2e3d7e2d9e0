//! The page: header, stage, player bar and side panel, wired to the reducer. The play loop,
//! keyboard shortcuts and the saved language live here, the only effects of the app.

use crate::compare_view::CompareView;
use crate::i18n::{Lang, T};
use crate::lesson_map::LessonMap;
use crate::panels::event_log::EventLog;
use crate::panels::help::Help;
use crate::panels::ledger::Ledger;
use crate::panels::lesson_panel::LessonPanel;
use crate::panels::player_bar::{PlayerBar, PlayerInput};
use crate::panels::presenter::{LedgerStrip, PresenterBar};
use crate::panels::settings::Settings;
use crate::panels::share_panel::{self, SharePanel};
use crate::prefs;
use crate::route::Route;
use crate::share;
use crate::stage::menu::{NodeCommand, NodeMenu};
use crate::stage::{Stage, PRESENTER_ZOOM, ZOOM};
use crate::state::{Action, AppState, Tab, View, TICK_MS};
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
        use_effect_with(state.playing, move |playing| {
            let interval = playing
                .then(|| Interval::new(TICK_MS as u32, move || dispatcher.dispatch(Action::Tick)));
            move || drop(interval)
        });
    }
    // Paused on a step, the messages in flight glide on toward where the next step finds
    // them, once the browser has drawn where they start.
    {
        let dispatcher = state.dispatcher();
        let paused_at = (!state.playing).then_some(state.frame.step);
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
        use_effect_with(state.menu, move |menu| {
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
        let fragment = (!state.playing).then(|| fragment_of(&state));
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
    use_effect_with(state.presenter, |on| prefs::save_presenter(*on));
    // The node the keyboard selected has the focus, so the stage shows which.
    use_effect_with(state.selected_node, |node| {
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
    let on_lesson = relay(&state, Action::Lesson);
    let on_presenter = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::TogglePresenter))
    };
    let on_node = relay(&state, Action::OpenMenu);
    let on_select = relay(&state, Action::SelectMessage);
    let on_apply = relay(&state, Action::ApplyKnobs);
    let on_seek = relay(&state, |step| Action::Player(PlayerInput::Seek(step)));
    let on_command = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(node, cmd)| dispatcher.dispatch(Action::NodeCommand(node, cmd)))
    };
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
        let other = match lang {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        };
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::SetLang(other)))
    };
    let tab = |which: Tab, label: T| {
        let testid = which.testid();
        let dispatcher = state.dispatcher();
        let selected = state.tab == which;
        html! {
            <button type="button" role="tab" id={testid} data-testid={testid}
                aria-selected={selected.to_string()} aria-controls="side-panel"
                tabindex={if selected { "0" } else { "-1" }}
                onclick={Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::SetTab(which)))}>
                { label.get(lang) }
            </button>
        }
    };
    // Tabs follow the usual pattern: arrows move between them, the panel follows.
    let in_lesson = state.view == View::Lesson;
    let on_tab_key = {
        let dispatcher = state.dispatcher();
        let current = state.tab;
        Callback::from(move |e: KeyboardEvent| {
            let order: &[Tab] = if in_lesson {
                &[
                    Tab::Lesson,
                    Tab::Ledger,
                    Tab::Log,
                    Tab::Settings,
                    Tab::Share,
                ]
            } else {
                &[Tab::Ledger, Tab::Log, Tab::Settings, Tab::Share]
            };
            let i = order.iter().position(|t| *t == current).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => order[(i + 1) % order.len()],
                "ArrowLeft" => order[(i + order.len() - 1) % order.len()],
                "Home" => order[0],
                "End" => order[order.len() - 1],
                _ => return,
            };
            e.prevent_default();
            e.stop_propagation();
            dispatcher.dispatch(Action::SetTab(next));
            prefs::focus_by_id(next.testid());
        })
    };
    let options = state.examples.iter().map(|e| {
        html! { <option value={e.id.clone()} selected={e.id == state.example_id}>{ e.title.get(lang) }</option> }
    });
    let frame = &state.frame;
    let menu = state
        .menu
        .and_then(|id| frame.nodes.iter().find(|n| n.id == id))
        .map(|node| {
            html! {
                <NodeMenu {lang} node={node.clone()} rabbit={!frame.queues.is_empty()}
                    on_command={on_command.clone()} on_close={on_close.clone()} />
            }
        });
    let panel = match state.tab {
        Tab::Lesson => match &state.lesson {
            Some(lesson) => html! {
                <LessonPanel {lang} lesson={lesson.clone()} playing={state.playing} on_input={on_lesson}
                    lessons={state.lessons.clone()} />
            },
            None => html! {},
        },
        Tab::Settings => html! {
            <Settings {lang} knobs={state.knobs.clone()} rabbit={state.rabbit.clone()} model_version={state.model_version} error={state.settings_error.clone()} {on_apply} />
        },
        Tab::Ledger => html! {
            <Ledger {lang} summary={frame.ledger.clone()} messages={std::rc::Rc::new(frame.messages.clone())}
                selected={state.selected_message} {on_select} consumers={!frame.consumers.is_empty()}
                stores={std::rc::Rc::new(frame.stores.clone())} life={state.life.clone()} step={frame.step}
                on_seek={on_seek} rabbit={!frame.queues.is_empty()} />
        },
        Tab::Log => html! {
            <EventLog {lang} entries={state.log_view.clone()} truncated={state.log_truncated} />
        },
        Tab::Share => {
            let link = prefs::page_address(&fragment_of(&state));
            let export =
                |make: fn(&AppState) -> Option<String>, name: &'static str, mime: &'static str| {
                    let state = state.clone();
                    Callback::from(move |_| {
                        if let Some(text) = make(&state) {
                            share_panel::download(name, mime, &text);
                        }
                    })
                };
            html! {
                <SharePanel {lang} {link} import_error={state.import_error.clone()}
                    on_download_json={export(AppState::doc_file, "mqlab-scenario.json", "application/json")}
                    on_download_mermaid={export(AppState::mermaid, "mqlab-trace.mmd", "text/plain")}
                    on_download_svg={export(|_| share_panel::stage_svg(), "mqlab-stage.svg", "image/svg+xml")}
                    on_import={relay(&state, Action::Import)} />
            }
        }
    };

    let notice = state.notice.as_ref().map(|notice| {
        html! { <p class="action-error" role="alert" data-testid="notice">{ notice.get(lang) }</p> }
    });
    let nav_link = |href: &'static str, testid: &'static str, label: T, current: bool| {
        html! {
            <a {href} data-testid={testid} aria-current={current.then_some("page")}>{ label.get(lang) }</a>
        }
    };
    let intro = match &state.lesson {
        Some(lesson) if in_lesson => html! {
            <h2 class="lesson-scenario">
                { state.title.get(lang) }
                if state.modified {
                    <span class="chip" data-testid="modified">{ T::Modified.get(lang) }</span>
                }
                <span class="lesson-of">{ " · " }{ lesson.doc().title.get(lang) }</span>
            </h2>
        },
        _ => html! {
            <>
                <h2>
                    { state.title.get(lang) }
                    if state.modified {
                        <span class="chip" data-testid="modified">{ T::Modified.get(lang) }</span>
                    }
                </h2>
                <p>{ state.description.get(lang) }</p>
            </>
        },
    };
    let main = if let (View::Compare, Some(compare)) = (state.view, &state.compare) {
        let on_divergence = {
            let dispatcher = state.dispatcher();
            Callback::from(move |_| dispatcher.dispatch(Action::CompareToDivergence))
        };
        html! {
            <>
                { notice.clone() }
                <CompareView {lang} compare={compare.clone()} playing={state.playing} speed={state.speed}
                    reduced_motion={*reduced_motion} on_input={on_input.clone()} {on_divergence} />
            </>
        }
    } else if state.view == View::Home {
        html! {
            <main class="main home-main">
                { notice }
                <LessonMap {lang} lessons={state.lessons.clone()} progress={state.progress.clone()} />
            </main>
        }
    } else {
        html! {
            <main class={classes!("main", in_lesson.then_some("in-lesson"), (state.presenter && !in_lesson && !state.presenter_panel).then_some("stage-only"))}>
                <section class="stage-area">
                    <div class="scenario-intro">{ intro }</div>
                    <Stage frame={state.frame.clone()} {lang} clock_ms={state.clock_ms}
                        reduced_motion={*reduced_motion} selected_message={state.selected_message} {on_node}
                        menu_at={state.menu} zoom={if state.presenter { PRESENTER_ZOOM } else { ZOOM }}
                        fill_height={state.presenter}>
                        { menu }
                    </Stage>
                    { notice }
                    <PlayerBar {lang} step={frame.step} total={frame.total_steps} time_ms={frame.time_ms}
                        playing={state.playing} speed={state.speed} marks={state.marks.clone()} {on_input} />
                    if state.presenter && !in_lesson {
                        <LedgerStrip {lang} ledger={frame.ledger.clone()} rabbit={!frame.queues.is_empty()}
                            consumers={!frame.consumers.is_empty()} />
                    }
                    if state.presenter {
                        <PresenterBar {lang} nodes={frame.nodes.clone()} selected={state.selected_node}
                            cutting_from={state.cutting_from} on_exit={on_presenter.clone()} />
                    }
                </section>
                <aside class="side" aria-label={T::Panel.get(lang)}>
                    <div class="tabs" role="tablist" aria-label={T::Panel.get(lang)} onkeydown={on_tab_key}>
                        if in_lesson {
                            { tab(Tab::Lesson, T::LessonTab) }
                        }
                        { tab(Tab::Ledger, T::Ledger) }
                        { tab(Tab::Log, T::EventLog) }
                        { tab(Tab::Settings, T::Settings) }
                        { tab(Tab::Share, T::ShareTab) }
                    </div>
                    <div class="panel" id="side-panel" role="tabpanel" aria-labelledby={state.tab.testid()}>{ panel }</div>
                </aside>
            </main>
        }
    };

    html! {
        <div class={classes!("app", state.playing.then_some("playing"), (*reduced_motion).then_some("reduced-motion"), state.presenter.then_some("presenter"))}>
            <header class="top">
                <div class="brand">
                    <h1>{ "MQ Lab" }</h1>
                    <span class="tagline">{ T::Tagline.get(lang) }</span>
                </div>
                <nav class="pages" aria-label={T::MainNav.get(lang)}>
                    { nav_link("#", "nav-lessons", T::Lessons, matches!(state.view, View::Home | View::Lesson)) }
                    { nav_link("#sandbox", "nav-sandbox", T::Sandbox, state.view == View::Sandbox) }
                    { nav_link("#compare", "nav-compare", T::Compare, state.view == View::Compare) }
                </nav>
                if state.view == View::Sandbox {
                    <label class="picker">
                        <span>{ T::Scenario.get(lang) }</span>
                        <select data-testid="scenario-picker" aria-label={T::Scenario.get(lang)} onchange={on_pick}>
                            { for options }
                        </select>
                    </label>
                }
                <button type="button" class="lang" data-testid="lang-switch" lang={if lang == Lang::Zh { "en" } else { "zh" }}
                    aria-label={T::SwitchLanguage.get(lang)} onclick={on_lang}>
                    { T::OtherLanguage.get(lang) }
                </button>
            </header>
            { main }
            if state.help {
                <Help {lang} on_close={on_close.clone()} />
            }
        </div>
    }
}

/// The address (after `#`) that reopens what is shown: nothing for the lesson map, a lesson
/// step and the player's step, or the sandbox's scenario (its changes) and step.
fn fragment_of(state: &AppState) -> String {
    let step = state.frame.step;
    match (state.view, &state.lesson) {
        (View::Home, _) => String::new(),
        (View::Compare, _) => match &state.compare {
            Some(c) => share::fragment(
                &Route::compare_fragment(
                    &c.spec.example,
                    &c.spec.setting,
                    &c.spec.left,
                    &c.spec.right,
                ),
                c.index as u64,
            ),
            None => String::new(),
        },
        (View::Lesson, Some(lesson)) => {
            share::fragment(&Route::lesson_fragment(&lesson.doc().id, lesson.step), step)
        }
        _ => share::fragment(&state.link, step),
    }
}

/// A callback that turns its value into an action for the reducer.
fn relay<V: 'static>(state: &UseReducerHandle<AppState>, action: fn(V) -> Action) -> Callback<V> {
    let dispatcher = state.dispatcher();
    Callback::from(move |v| dispatcher.dispatch(action(v)))
}

/// The action a key press asks for, unless the focus is somewhere that needs the key itself.
fn shortcut(e: &KeyboardEvent) -> Option<Action> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let key = e.key();
    let target = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let tag = target
        .as_ref()
        .map(|t| t.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(tag.as_str(), "input" | "select" | "textarea") {
        return None;
    }
    let on_button = tag == "button"
        || target
            .as_ref()
            .is_some_and(|t| t.get_attribute("role").is_some());
    if on_button && (key == " " || key == "Enter") {
        return None;
    }
    Some(match key.as_str() {
        " " | "k" => Action::Player(PlayerInput::PlayPause),
        "ArrowRight" | "l" => Action::Player(PlayerInput::Forward),
        "ArrowLeft" | "j" => Action::Player(PlayerInput::Back),
        "Home" => Action::Player(PlayerInput::Start),
        "End" => Action::Player(PlayerInput::End),
        "+" | "=" => Action::Faster,
        "-" | "_" => Action::Slower,
        "?" => Action::ToggleHelp,
        "Escape" => Action::CloseOverlays,
        "p" => Action::TogglePresenter,
        "t" => Action::TogglePanel,
        "n" => Action::Lesson(crate::state::LessonInput::Next),
        "x" => Action::OnSelected(NodeCommand::Kill),
        "s" => Action::OnSelected(NodeCommand::Stop),
        "r" => Action::OnSelected(NodeCommand::Restart),
        "i" => Action::OnSelected(NodeCommand::Isolate),
        "c" => Action::OnSelected(NodeCommand::Reconnect),
        "d" => Action::StartCut,
        digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() => {
            let d = usize::from(digit.as_bytes()[0] - b'0');
            Action::SelectNodeAt(if d == 0 { 9 } else { d - 1 })
        }
        _ => return None,
    })
}

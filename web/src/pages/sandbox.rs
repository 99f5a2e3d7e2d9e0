//! The stage page, the sandbox's and a lesson's: the scenario's title, the stage with its
//! node menu, the player bar (and in presenter mode the ledger strip and node strip), and
//! the side panel's tabs. A lesson adds its own tab and the lesson's title.

use super::relay;
use crate::i18n::T;
use crate::panels::event_log::EventLog;
use crate::panels::explore::{self, ExplorePanel};
use crate::panels::ledger::Ledger;
use crate::panels::lesson_panel::LessonPanel;
use crate::panels::player_bar::{PlayerBar, PlayerInput};
use crate::panels::presenter::{LedgerStrip, PresenterBar};
use crate::panels::settings::Settings;
use crate::panels::share_panel::{self, SharePanel};
use crate::prefs;
use crate::stage::menu::NodeMenu;
use crate::stage::{Stage, PRESENTER_ZOOM, ZOOM};
use crate::state::{Action, AppState, ExploreInput, Tab, View};
use yew::prelude::*;

/// The page of the sandbox or of a lesson (`state.view`), with `notice` under the stage.
/// `on_input` drives the player; `on_close` closes the node menu.
pub(crate) fn view(
    state: &UseReducerHandle<AppState>,
    reduced_motion: bool,
    notice: Option<Html>,
    on_input: Callback<PlayerInput>,
    on_close: Callback<()>,
) -> Html {
    let lang = state.lang;
    let on_lesson = relay(state, Action::Lesson);
    let on_presenter = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::TogglePresenter))
    };
    let on_node = relay(state, Action::OpenMenu);
    let on_select = relay(state, Action::SelectMessage);
    let on_apply = relay(state, Action::ApplyKnobs);
    let on_seek = relay(state, |step| Action::Player(PlayerInput::Seek(step)));
    let on_command = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(node, cmd)| dispatcher.dispatch(Action::NodeCommand(node, cmd)))
    };
    let tab = |which: Tab, label: T| {
        let testid = which.testid();
        let dispatcher = state.dispatcher();
        let selected = state.ui.tab == which;
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
        let current = state.ui.tab;
        Callback::from(move |e: KeyboardEvent| {
            let order: &[Tab] = if in_lesson {
                &[
                    Tab::Lesson,
                    Tab::Ledger,
                    Tab::Log,
                    Tab::Settings,
                    Tab::Share,
                    Tab::Explore,
                ]
            } else {
                &[
                    Tab::Ledger,
                    Tab::Log,
                    Tab::Settings,
                    Tab::Share,
                    Tab::Explore,
                ]
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
    let frame = &state.play.frame;
    let menu = state
        .ui
        .menu
        .and_then(|id| frame.nodes.iter().find(|n| n.id == id))
        .map(|node| {
            html! {
                <NodeMenu {lang} node={node.clone()} rabbit={!frame.queues.is_empty()}
                    on_command={on_command.clone()} on_close={on_close.clone()} />
            }
        });
    let panel = match state.ui.tab {
        Tab::Lesson => match &state.lesson {
            Some(lesson) => html! {
                <LessonPanel {lang} lesson={lesson.clone()} playing={state.play.playing} on_input={on_lesson}
                    lessons={state.lessons.clone()} />
            },
            None => html! {},
        },
        Tab::Settings => html! {
            <Settings {lang} knobs={state.sandbox.knobs.clone()} rabbit={state.sandbox.rabbit.clone()} model_version={state.sandbox.model_version} error={state.sandbox.settings_error.clone()} {on_apply} />
        },
        Tab::Ledger => html! {
            <Ledger {lang} summary={frame.ledger.clone()} messages={std::rc::Rc::new(frame.messages.clone())}
                selected={state.ui.selected_message} {on_select} consumers={!frame.consumers.is_empty()}
                stores={std::rc::Rc::new(frame.stores.clone())} life={state.ui.life.clone()} step={frame.step}
                on_seek={on_seek} rabbit={!frame.queues.is_empty()} transactions={frame.transactions} />
        },
        Tab::Log => html! {
            <EventLog {lang} entries={state.play.log_view.clone()} truncated={state.play.log_truncated} />
        },
        Tab::Explore => {
            let on_input = relay(state, Action::Explore);
            let on_start = {
                let on_input = on_input.clone();
                let request = state.explore.request(state).map(|r| r.to_json());
                Callback::from(move |()| {
                    if let Some(request) = request.clone() {
                        on_input.emit(ExploreInput::Started);
                        explore::start(request, on_input.reform(ExploreInput::Report));
                    }
                })
            };
            let on_stop = on_input.reform(|()| {
                explore::stop();
                ExploreInput::Stopped
            });
            html! {
                <ExplorePanel {lang} explore={state.explore.clone()} {on_input} {on_start} {on_stop} />
            }
        }
        Tab::Share => {
            let link = prefs::page_address(&state.fragment());
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
                <SharePanel {lang} {link} import_error={state.sandbox.import_error.clone()}
                    on_download_json={export(AppState::doc_file, "mqlab-scenario.json", "application/json")}
                    on_download_mermaid={export(AppState::mermaid, "mqlab-trace.mmd", "text/plain")}
                    on_download_svg={export(|_| share_panel::stage_svg(), "mqlab-stage.svg", "image/svg+xml")}
                    on_import={relay(state, Action::Import)} />
            }
        }
    };
    let intro = match &state.lesson {
        Some(lesson) if in_lesson => html! {
            <h2 class="lesson-scenario">
                { state.sandbox.title.get(lang) }
                if state.sandbox.modified {
                    <span class="chip" data-testid="modified">{ T::Modified.get(lang) }</span>
                }
                <span class="lesson-of">{ " · " }{ lesson.doc().title.get(lang) }</span>
            </h2>
        },
        _ => html! {
            <>
                <h2>
                    { state.sandbox.title.get(lang) }
                    if state.sandbox.modified {
                        <span class="chip" data-testid="modified">{ T::Modified.get(lang) }</span>
                    }
                </h2>
                <p>{ state.sandbox.description.get(lang) }</p>
            </>
        },
    };
    html! {
        <main class={classes!("main", in_lesson.then_some("in-lesson"), (state.ui.presenter && !in_lesson && !state.ui.presenter_panel).then_some("stage-only"))}>
            <section class="stage-area">
                <div class="scenario-intro">{ intro }</div>
                <Stage frame={state.play.frame.clone()} {lang} clock_ms={state.play.clock_ms}
                    reduced_motion={reduced_motion} selected_message={state.ui.selected_message} {on_node}
                    menu_at={state.ui.menu} zoom={if state.ui.presenter { PRESENTER_ZOOM } else { ZOOM }}
                    fill_height={state.ui.presenter}>
                    { menu }
                </Stage>
                { notice }
                <PlayerBar {lang} step={frame.step} total={frame.total_steps} time_ms={frame.time_ms}
                    playing={state.play.playing} speed={state.play.speed} marks={state.play.marks.clone()} {on_input} />
                if state.ui.presenter && !in_lesson {
                    <LedgerStrip {lang} ledger={frame.ledger.clone()} rabbit={!frame.queues.is_empty()}
                        consumers={!frame.consumers.is_empty()} />
                }
                if state.ui.presenter {
                    <PresenterBar {lang} nodes={frame.nodes.clone()} selected={state.ui.selected_node}
                        cutting_from={state.ui.cutting_from} on_exit={on_presenter.clone()} />
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
                    { tab(Tab::Explore, T::ExploreTab) }
                </div>
                <div class="panel" id="side-panel" role="tabpanel" aria-labelledby={state.ui.tab.testid()}>{ panel }</div>
            </aside>
        </main>
    }
}

//! The app's state and everything that changes it: one reducer. The player lives here; the
//! components only ever see the frames it hands out. Its parts: `play` (the player, the play
//! loop, the event log), `sandbox` (the scenario document and its edits), `lesson`,
//! `compare`; `step_log` keeps what happened on the way. Nothing here is a component.

mod compare;
mod explore;
mod lesson;
mod play;
mod sandbox;
mod step_log;

pub use compare::{CompareState, PRESETS};
pub use explore::{ExploreInput, ExploreState, SearchStatus};
pub use lesson::{LessonInput, LessonState};
pub use play::{PlayState, PlayerInput, Speed, TICK_MS};
pub use sandbox::{Applied, NodeCommand, SandboxState, SharedRabbit};
pub use step_log::LogEntry;

use crate::i18n::Lang;
use crate::lesson_files;
use crate::link_problem::{self, excerpt, LinkProblem};
use crate::progress::Progress;
use crate::route::{Parsed, Route};
use crate::share;
use mqlab_scenario::frame::{NodeKind, NodeView};
use mqlab_scenario::lesson::{cards, LessonCard};
use mqlab_scenario::{examples, ScenarioDoc, ScenarioError, Text};
use std::rc::Rc;
use yew::Reducible;

/// The page shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The lesson map.
    Home,
    Lesson,
    Sandbox,
    /// Two runs side by side.
    Compare,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Lesson,
    Settings,
    Ledger,
    Log,
    Share,
    /// "Find a failure": the counterexample search.
    Explore,
}

impl Tab {
    /// The tab button's id and test id.
    pub fn testid(self) -> &'static str {
        match self {
            Tab::Lesson => "tab-lesson",
            Tab::Settings => "tab-settings",
            Tab::Share => "tab-share",
            Tab::Ledger => "tab-ledger",
            Tab::Log => "tab-log",
            Tab::Explore => "tab-explore",
        }
    }
}

/// One entry of the scenario picker.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleEntry {
    pub id: String,
    pub title: Text,
}

pub enum Action {
    Player(PlayerInput),
    Tick,
    LoadExample(String),
    /// The address changed to name another page or state.
    Route(Parsed),
    Lesson(LessonInput),
    ApplyKnobs(Applied),
    NodeCommand(u32, NodeCommand),
    OpenMenu(u32),
    CloseOverlays,
    SetLang(Lang),
    SetTab(Tab),
    SelectMessage(Option<u32>),
    ToggleHelp,
    Faster,
    Slower,
    /// Paused at this step: let the messages in flight glide on toward the next step.
    Settle(u64),
    TogglePresenter,
    /// In presenter mode, show or hide the side panel (hidden: the stage takes the width).
    TogglePanel,
    /// Jump to the first moment the compared ledgers differ.
    CompareToDivergence,
    /// A scenario file's text, picked in the Share tab.
    Import(String),
    /// A digit key: select the i-th node of the stage (or, after `d`, cut the link to it).
    SelectNodeAt(usize),
    /// A key acting on the selected node.
    OnSelected(NodeCommand),
    /// `d`: the next digit names the other end of a link to cut from the selected node.
    StartCut,
    /// The counterexample search: its settings, the worker's reports, opening what it found.
    Explore(ExploreInput),
}

/// Everything the page shows, grouped by what it is about: the scenario being played
/// (`play`), its document and edits (`sandbox`), the page's chrome (`ui`); the lesson and
/// the comparison are their own parts.
#[derive(Clone)]
pub struct AppState {
    pub view: View,
    pub lang: Lang,
    /// Every shipped lesson's card, for the lesson map.
    pub lessons: Rc<Vec<LessonCard>>,
    /// The lesson being followed (`View::Lesson`).
    pub lesson: Option<LessonState>,
    /// The lesson whose file is being fetched (`View::Lesson` with no `lesson` yet): when it
    /// arrives, the address is opened again.
    pub loading_lesson: Option<String>,
    /// The comparison on show (`View::Compare`).
    pub compare: Option<CompareState>,
    /// How far the learner got in each lesson; `app` keeps it in localStorage.
    pub progress: Rc<Progress>,
    pub examples: Rc<Vec<ExampleEntry>>,
    pub play: PlayState,
    pub sandbox: SandboxState,
    pub ui: UiState,
    /// "Find a failure" on the sandbox's scenario.
    pub explore: ExploreState,
}

/// The page around the stage: tabs, menus, overlays, notices and what is selected.
#[derive(Clone)]
pub struct UiState {
    pub tab: Tab,
    pub menu: Option<u32>,
    pub help: bool,
    /// An error from the last action on the stage, shown until the next one.
    pub notice: Option<Text>,
    /// Presenter mode: large type, high contrast, no chrome, driven from the keyboard.
    pub presenter: bool,
    /// The side panel shown in presenter mode.
    pub presenter_panel: bool,
    /// The node the keyboard acts on.
    pub selected_node: Option<u32>,
    /// A link cut waiting for its other end.
    pub cutting_from: Option<u32>,
    pub selected_message: Option<u32>,
    /// The selected message's whole life: the steps of the trace that concern it.
    pub life: Rc<Vec<LogEntry>>,
}

impl UiState {
    fn new(presenter: bool) -> UiState {
        UiState {
            tab: Tab::Ledger,
            menu: None,
            help: false,
            notice: None,
            presenter,
            presenter_panel: false,
            selected_node: None,
            cutting_from: None,
            selected_message: None,
            life: Rc::default(),
        }
    }
}

impl AppState {
    /// The state at page load: the page the address names (a bad address opens the lesson
    /// map, or the first example in the sandbox, and says why).
    pub fn new(lang: Lang, route: Parsed, progress: Progress, presenter: bool) -> AppState {
        let list: Vec<ExampleEntry> = examples()
            .into_iter()
            .map(|e| ExampleEntry {
                id: e.id.to_string(),
                title: e.doc.title.clone(),
            })
            .collect();
        let mut state = AppState {
            view: View::Home,
            lang,
            lessons: Rc::new(cards()),
            lesson: None,
            loading_lesson: None,
            compare: None,
            progress: Rc::new(progress),
            examples: Rc::new(list),
            play: PlayState::default(),
            sandbox: SandboxState::default(),
            ui: UiState::new(presenter),
            explore: ExploreState::default(),
        };
        state.open_route(route);
        state
    }

    fn first_example(&self) -> String {
        self.examples
            .first()
            .map(|e| e.id.clone())
            .unwrap_or_default()
    }

    /// Opens the page an address names: the nearest page it can make out, and a notice
    /// listing what was wrong with the address (none for a link MQ Lab wrote), which it
    /// returns.
    fn open_route(&mut self, parsed: Parsed) -> Vec<LinkProblem> {
        self.play.playing = false;
        self.ui.menu = None;
        self.ui.notice = None;
        let mut problems = parsed.problems;
        self.loading_lesson = None;
        match parsed.route {
            Route::Home => {
                self.view = View::Home;
                self.lesson = None;
            }
            Route::Compare { spec, at } => self.open_compare(spec, at, &mut problems),
            Route::Lesson { id, step, at } => {
                let known = self.lessons.iter().any(|card| card.id == id);
                match known.then(|| lesson_files::take(&id)) {
                    None => {
                        problems.push(LinkProblem::UnknownLesson { id: excerpt(&id) });
                        self.view = View::Home;
                        self.lesson = None;
                    }
                    Some(None) => {
                        // Not fetched yet: the page says so and `app` fetches it, then opens
                        // this address again (its problems are found again then).
                        self.view = View::Lesson;
                        self.lesson = None;
                        self.loading_lesson = Some(id);
                        return problems;
                    }
                    Some(Some(Err(why))) => {
                        self.view = View::Home;
                        self.lesson = None;
                        self.ui.notice = Some(why);
                    }
                    Some(Some(Ok(source))) => {
                        self.open_lesson(&id, &source, step);
                        let count = self.lesson.as_ref().map(|l| l.doc().steps.len());
                        if let Some(count) = count.filter(|c| step >= *c) {
                            let asked = (step.saturating_add(1)).to_string();
                            past_lesson_end(&mut problems, &id, asked, count);
                        }
                        if at > 0 && self.view == View::Lesson {
                            self.move_to(at.min(self.total()));
                            past_end(&mut problems, at, self.total());
                        }
                    }
                }
            }
            Route::Sandbox(shared) => {
                self.view = View::Sandbox;
                self.lesson = None;
                if self.ui.tab == Tab::Lesson {
                    self.ui.tab = Tab::Ledger;
                }
                match shared {
                    Some(shared) => self.open_shared(shared, &mut problems),
                    None => self.load_example(&self.first_example()),
                }
                if self.play.player.is_none() {
                    let notice = self.ui.notice.take();
                    self.load_example(&self.first_example());
                    self.ui.notice = notice;
                }
            }
        }
        if let Some(text) = link_problem::notice(&problems) {
            // Anything else opening said (a lesson that would not replay) follows.
            self.ui.notice = Some(match self.ui.notice.take() {
                Some(other) => Text {
                    en: format!("{} {}", text.en, other.en),
                    zh: format!("{}{}", text.zh, other.zh),
                },
                None => text,
            });
        }
        problems
    }

    /// The address (after `#`) that reopens what is shown: nothing for the lesson map, a lesson
    /// step and the player's step, or the sandbox's scenario (its changes) and step.
    pub fn fragment(&self) -> String {
        let state = self;
        let step = state.play.frame.step;
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
            _ => share::fragment(&state.sandbox.link, step),
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if matches!(action, Action::Tick) && !self.play.playing {
            return self;
        }
        let mut next = (*self).clone();
        match action {
            Action::Player(input) => next.player_input(input),
            Action::Tick => next.tick(),
            Action::LoadExample(id) => next.load_example(&id),
            Action::Route(route) => {
                next.open_route(route);
            }
            Action::Lesson(input) => next.lesson_input(input),
            Action::ApplyKnobs(values) => next.apply_knobs(values),
            Action::NodeCommand(node, command) => next.node_command(node, command),
            Action::OpenMenu(node) => {
                next.ui.menu = Some(node);
                next.play.playing = false;
            }
            Action::CloseOverlays => {
                next.ui.menu = None;
                next.ui.help = false;
                next.ui.cutting_from = None;
            }
            Action::SetLang(lang) => next.lang = lang,
            Action::SetTab(tab) => next.ui.tab = tab,
            Action::SelectMessage(id) => next.select_message(id),
            Action::ToggleHelp => next.ui.help = !next.ui.help,
            Action::Settle(step) => next.settle(step),
            Action::Faster => next.play.speed = next.play.speed.faster(),
            Action::Slower => next.play.speed = next.play.speed.slower(),
            Action::TogglePresenter => next.ui.presenter = !next.ui.presenter,
            Action::TogglePanel => next.ui.presenter_panel = !next.ui.presenter_panel,
            Action::Import(text) => next.import(&text),
            Action::CompareToDivergence => next.compare_to_divergence(),
            Action::SelectNodeAt(i) => next.select_node_at(i),
            Action::OnSelected(command) => {
                if let Some(node) = next.ui.selected_node {
                    next.node_command(node, command);
                }
            }
            Action::StartCut => next.ui.cutting_from = next.ui.selected_node,
            Action::Explore(input) => next.explore_input(input),
        }
        if next.view == View::Lesson {
            next.refresh_lesson();
        }
        Rc::new(next)
    }
}

/// The nodes the digit keys select, in stage order: everything but the controller.
pub fn selectable(nodes: &[NodeView]) -> Vec<&NodeView> {
    nodes
        .iter()
        .filter(|n| n.kind != NodeKind::Controller)
        .take(10)
        .collect()
}

/// A shipped example's document.
fn example_doc(id: &str) -> Option<ScenarioDoc> {
    examples().into_iter().find(|e| e.id == id).map(|e| e.doc)
}

/// A step asked for past the end of `total`: the problem says so with the count (filling in
/// the one the address reader left open for a number too large to hold).
fn past_end(problems: &mut Vec<LinkProblem>, asked: u64, total: u64) {
    if asked <= total {
        return;
    }
    for p in problems.iter_mut() {
        if let LinkProblem::StepPastEnd {
            total: t @ None, ..
        } = p
        {
            *t = Some(total);
            return;
        }
    }
    problems.push(LinkProblem::StepPastEnd {
        asked: asked.to_string(),
        total: Some(total),
    });
}

/// A lesson step past the lesson's end, as `past_end` for the trace.
fn past_lesson_end(problems: &mut Vec<LinkProblem>, id: &str, asked: String, count: usize) {
    for p in problems.iter_mut() {
        if let LinkProblem::LessonStepPastEnd {
            count: c @ None, ..
        } = p
        {
            *c = Some(count);
            return;
        }
    }
    problems.push(LinkProblem::LessonStepPastEnd {
        id: id.to_string(),
        asked,
        count: Some(count),
    });
}

fn bilingual(e: &ScenarioError) -> Text {
    Text {
        en: e.text(Lang::En),
        zh: e.text(Lang::Zh),
    }
}

#[cfg(test)]
mod links;

//! The app's state and everything that changes it: one reducer. The player lives here; the
//! components below only ever see the frames it hands out.

mod compare;
mod lesson;

pub use compare::{CompareState, PRESETS};
pub use lesson::{LessonInput, LessonState};

use crate::event_log::LogEntry;
use crate::i18n::Lang;
use crate::link_problem::{self, excerpt, LinkProblem};
use crate::menu::NodeCommand;
use crate::player_bar::{PlayerInput, Speed};
use crate::progress::Progress;
use crate::route::{Parsed, Route};
use crate::settings::SharedRabbit;
use crate::share::{self, Shared};
use crate::step_log::StepLog;
use mqlab_scenario::frame::{EnvelopeKind, EnvelopeView, Frame};
use mqlab_scenario::lesson::{lesson_docs, lesson_sources, LessonDoc};
use mqlab_scenario::link::decode_changes;
use mqlab_scenario::link::encode_changes;
use mqlab_scenario::{
    examples, Command, Knobs, Player, ScenarioDoc, ScenarioError, Text, TimelineMark, UserAction,
};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

/// Real milliseconds between two ticks of the play loop.
pub const TICK_MS: f64 = 50.0;
/// At "by step" speed, real milliseconds between two steps.
const BY_STEP_MS: f64 = 600.0;
/// While only background chatter is on the wire, play runs this much faster.
const QUIET_SPEEDUP: f64 = 6.0;
/// Real milliseconds a message takes to cross its link at 1× (a 1 ms flight must be seen).
const FLIGHT_MS: f64 = 500.0;
/// The most steps one tick looks at one by one; past them it just goes on to the clock.
const MAX_CHECKED_STEPS: usize = 300;
/// Simulated milliseconds to the next step beyond which time counts as empty.
const QUIET_GAP_MS: f64 = 100.0;
/// The most steps the event log keeps in view.
const LOG_SHOWN: usize = 300;

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
    ApplyKnobs(crate::settings::Applied),
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
}

#[derive(Clone)]
pub struct AppState {
    pub view: View,
    /// Every shipped lesson, for the lesson map.
    pub lessons: Rc<Vec<LessonDoc>>,
    /// The lesson being followed (`View::Lesson`).
    pub lesson: Option<LessonState>,
    /// The comparison on show (`View::Compare`).
    pub compare: Option<CompareState>,
    /// How far the learner got in each lesson; `app` keeps it in localStorage.
    pub progress: Rc<Progress>,
    player: Option<Rc<RefCell<Player>>>,
    pub examples: Rc<Vec<ExampleEntry>>,
    pub example_id: String,
    /// The settings were changed from the example's, or faults injected.
    pub modified: bool,
    /// What a link to the sandbox's scenario carries (`share`): the example's id, with its
    /// changes when it was changed.
    pub link: Rc<String>,
    pub title: Text,
    pub description: Text,
    pub frame: Rc<Frame>,
    pub marks: Rc<Vec<TimelineMark>>,
    pub knobs: Knobs,
    /// A RabbitMQ scenario's section, for its settings.
    pub rabbit: Option<SharedRabbit>,
    /// Which Kafka the scenario models, e.g. "Kafka 3.7+ (KRaft)".
    pub model_version: &'static str,
    pub settings_error: Option<Text>,
    /// An error from the last action on the stage, shown until the next one.
    pub notice: Option<Text>,
    pub playing: bool,
    pub speed: Speed,
    /// Simulated time the stage is drawn at; runs ahead of the frame while playing.
    pub clock_ms: f64,
    since_step_ms: f64,
    pub lang: Lang,
    pub tab: Tab,
    pub menu: Option<u32>,
    pub selected_message: Option<u32>,
    /// The selected message's whole life: the steps of the trace that concern it.
    pub life: Rc<Vec<LogEntry>>,
    pub help: bool,
    /// Why the last scenario file could not be loaded.
    pub import_error: Option<Text>,
    /// Presenter mode: large type, high contrast, no chrome, driven from the keyboard.
    pub presenter: bool,
    /// The side panel shown in presenter mode.
    pub presenter_panel: bool,
    /// The node the keyboard acts on.
    pub selected_node: Option<u32>,
    /// A link cut waiting for its other end.
    pub cutting_from: Option<u32>,
    /// Shared with the states it replaces, which are dropped: mutated in place.
    log: Rc<RefCell<StepLog>>,
    /// The event log's view: entries up to the current step.
    pub log_view: Rc<Vec<LogEntry>>,
    pub log_truncated: bool,
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
            lessons: Rc::new(lesson_docs()),
            lesson: None,
            compare: None,
            progress: Rc::new(progress),
            player: None,
            examples: Rc::new(list),
            example_id: String::new(),
            modified: false,
            link: Rc::default(),
            title: Text::default(),
            description: Text::default(),
            frame: Rc::new(Frame::default()),
            marks: Rc::default(),
            knobs: Knobs {
                brokers: 3,
                partitions: 1,
                replication_factor: 3,
                min_insync_replicas: 2,
                acks: mqlab_scenario::doc::AcksDoc::All,
                retries: i32::MAX as u32,
                max_in_flight: 5,
                unclean_leader_election: false,
                version: "4.1".into(),
                eligible_leader_replicas: true,
                idempotence: true,
                commit: None,
                auto_commit_interval_ms: 5_000,
                auto_offset_reset: None,
                store: None,
                seed: 0,
            },
            rabbit: None,
            model_version: mqlab_scenario::MODEL_VERSION,
            settings_error: None,
            notice: None,
            playing: false,
            speed: Speed::One,
            clock_ms: 0.0,
            since_step_ms: 0.0,
            lang,
            tab: Tab::Ledger,
            menu: None,
            selected_message: None,
            life: Rc::default(),
            help: false,
            import_error: None,
            presenter,
            presenter_panel: false,
            selected_node: None,
            cutting_from: None,
            log: Rc::default(),
            log_view: Rc::default(),
            log_truncated: false,
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
        self.playing = false;
        self.menu = None;
        self.notice = None;
        let mut problems = parsed.problems;
        match parsed.route {
            Route::Home => {
                self.view = View::Home;
                self.lesson = None;
            }
            Route::Compare { spec, at } => self.open_compare(spec, at, &mut problems),
            Route::Lesson { id, step, at } => {
                let exists = lesson_sources().iter().any(|(lesson, _)| *lesson == id);
                if !exists {
                    problems.push(LinkProblem::UnknownLesson { id: excerpt(&id) });
                    self.view = View::Home;
                    self.lesson = None;
                } else {
                    self.open_lesson(&id, step);
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
            Route::Sandbox(shared) => {
                self.view = View::Sandbox;
                self.lesson = None;
                if self.tab == Tab::Lesson {
                    self.tab = Tab::Ledger;
                }
                match shared {
                    Some(shared) => self.open_shared(shared, &mut problems),
                    None => self.load_example(&self.first_example()),
                }
                if self.player.is_none() {
                    let notice = self.notice.take();
                    self.load_example(&self.first_example());
                    self.notice = notice;
                }
            }
        }
        if let Some(text) = link_problem::notice(&problems) {
            // Anything else opening said (a lesson that would not replay) follows.
            self.notice = Some(match self.notice.take() {
                Some(other) => Text {
                    en: format!("{} {}", text.en, other.en),
                    zh: format!("{}{}", text.zh, other.zh),
                },
                None => text,
            });
        }
        problems
    }

    /// Opens what an address names, or the nearest thing to it: an example whose changes
    /// cannot be read opens unchanged, an unknown example opens the first one, a step past
    /// the end opens the last step; each is added to `problems`.
    fn open_shared(&mut self, shared: Shared, problems: &mut Vec<LinkProblem>) {
        let step = shared.step();
        let first = self.first_example();
        match shared {
            Shared::Example { id, .. } => match example_doc(&id) {
                Some(_) => self.load_example(&id),
                None => {
                    problems.push(LinkProblem::UnknownExample {
                        id: excerpt(&id),
                        opened: first.clone(),
                    });
                    // The step was one of another trace: the first example opens at its start.
                    return self.load_example(&first);
                }
            },
            Shared::Changed { id, changes, .. } => match example_doc(&id) {
                Some(example) => match decode_changes(&example, &changes) {
                    Ok(doc) => match Player::load(doc) {
                        Ok(player) => {
                            self.example_id = id;
                            self.install(player);
                            self.mark_modified();
                        }
                        Err(e) => {
                            problems.push(LinkProblem::PatchInvalid {
                                id: id.clone(),
                                why: bilingual(&e),
                            });
                            self.load_example(&id);
                        }
                    },
                    Err(e) => {
                        problems.push(LinkProblem::PatchUndecodable {
                            id: id.clone(),
                            why: Text {
                                en: e.en.clone(),
                                zh: e.zh.clone(),
                            },
                        });
                        self.load_example(&id);
                    }
                },
                None => {
                    problems.push(LinkProblem::UnknownExample {
                        id: excerpt(&id),
                        opened: first.clone(),
                    });
                    return self.load_example(&first);
                }
            },
            Shared::Doc { json, .. } => match Player::load_json(&json) {
                Ok(player) => {
                    self.example_id = player.doc().id.clone();
                    self.install(player);
                    self.mark_modified();
                }
                Err(e) => {
                    // A document that names a shipped example opens that example.
                    let named = serde_json::from_str::<serde_json::Value>(&json)
                        .ok()
                        .and_then(|v| v.get("id")?.as_str().map(str::to_string))
                        .filter(|id| example_doc(id).is_some());
                    let opened = named.clone().unwrap_or(first);
                    problems.push(LinkProblem::DocInvalid {
                        why: bilingual(&e),
                        opened: opened.clone(),
                        named: named.is_some(),
                    });
                    self.load_example(&opened);
                }
            },
        }
        if step > 0 && self.player.is_some() {
            self.move_to(step.min(self.total()));
            past_end(problems, step, self.total());
        }
    }

    /// The scenario now differs from its example: links carry what changed (or, for a
    /// scenario that is no example's, the whole document).
    fn mark_modified(&mut self) {
        self.modified = true;
        let Some(doc) = self.doc() else { return };
        let body = match example_doc(&self.example_id) {
            Some(example) => share::changed_body(&self.example_id, &encode_changes(&example, &doc)),
            None => share::doc_body(&doc.to_json()),
        };
        self.link = Rc::new(body);
    }

    /// The scenario as a file: pretty JSON, as the command line reads it.
    pub fn doc_file(&self) -> Option<String> {
        self.doc().map(|doc| doc.to_json_pretty())
    }

    /// The trace up to the current step as a Mermaid sequence diagram.
    pub fn mermaid(&self) -> Option<String> {
        let player = self.player.as_ref()?;
        Some(mqlab_scenario::export::mermaid(&player.borrow(), self.lang))
    }

    /// Loads a scenario file into the sandbox; a bad one says why (as `mqlab check` does)
    /// and changes nothing.
    fn import(&mut self, text: &str) {
        match Player::load_json(text) {
            Ok(player) => {
                self.example_id = player.doc().id.clone();
                self.install(player);
                self.mark_modified();
                self.import_error = None;
                self.view = View::Sandbox;
                self.lesson = None;
            }
            Err(e) => self.import_error = Some(bilingual(&e)),
        }
    }

    pub fn doc(&self) -> Option<ScenarioDoc> {
        self.player.as_ref().map(|p| p.borrow().doc().clone())
    }

    fn load_example(&mut self, id: &str) {
        let Some(example) = examples().into_iter().find(|e| e.id == id) else {
            return;
        };
        match Player::load(example.doc) {
            Ok(player) => {
                self.example_id = id.to_string();
                self.modified = false;
                self.link = Rc::new(id.to_string());
                self.install(player);
            }
            Err(e) => self.notice = Some(bilingual(&e)),
        }
    }

    /// Makes `player` the one shown, at its start.
    fn install(&mut self, player: Player) {
        let doc = player.doc();
        self.title = doc.title.clone();
        self.description = doc.description.clone();
        self.knobs = Knobs::read(doc);
        self.rabbit = doc.rabbitmq.clone().map(|r| SharedRabbit(Rc::new(r)));
        self.model_version = player.model_version();
        self.player = Some(Rc::new(RefCell::new(player)));
        self.playing = false;
        self.menu = None;
        self.select_message(None);
        self.settings_error = None;
        self.notice = None;
        self.log = Rc::default();
        self.refresh_marks();
        self.go(0);
        self.record_current();
        self.refresh_view();
    }

    fn refresh_marks(&mut self) {
        let Some(player) = &self.player else { return };
        let marks = player.borrow().marks();
        self.marks = Rc::new(marks);
    }

    fn position(&self) -> u64 {
        self.frame.step
    }

    fn total(&self) -> u64 {
        self.frame.total_steps
    }

    /// Moves the player to `target`, the log collecting what happened on the way.
    fn go(&mut self, target: u64) {
        let Some(player) = self.player.clone() else {
            return;
        };
        let mut player = player.borrow_mut();
        self.log.borrow_mut().move_player(&mut player, target);
        self.frame = Rc::new(player.frame());
        self.clock_ms = self.frame.time_ms as f64;
        self.since_step_ms = 0.0;
    }

    fn record_current(&mut self) {
        self.log.borrow_mut().record(entry_of(&self.frame));
    }

    fn refresh_view(&mut self) {
        let (shown, truncated) = self.log.borrow().view(self.position(), LOG_SHOWN);
        self.log_view = Rc::new(shown);
        self.log_truncated = truncated;
    }

    fn move_to(&mut self, target: u64) {
        self.notice = None;
        self.go(target);
        self.refresh_view();
        if self.position() >= self.total() {
            self.playing = false;
        }
    }

    fn player_input(&mut self, input: PlayerInput) {
        if self.view == View::Compare {
            return self.compare_input(input);
        }
        let position = self.position();
        match input {
            PlayerInput::Start => self.move_to(0),
            PlayerInput::Back => self.move_to(position.saturating_sub(1)),
            PlayerInput::Forward => self.move_to(position + 1),
            PlayerInput::End => self.move_to(self.total()),
            PlayerInput::Seek(step) => self.move_to(step),
            PlayerInput::PlayPause => {
                self.playing = !self.playing && position < self.total();
                self.since_step_ms = 0.0;
            }
            PlayerInput::Speed(speed) => self.speed = speed,
        }
    }

    fn tick(&mut self) {
        if !self.playing {
            return;
        }
        if self.view == View::Compare {
            return self.compare_tick(TICK_MS);
        }
        let Some(player) = self.player.clone() else {
            return;
        };
        let position = self.position();
        let total = self.total();
        if position >= total {
            self.playing = false;
            return;
        }
        if self.speed == Speed::ByStep {
            self.since_step_ms += TICK_MS;
            if self.since_step_ms >= BY_STEP_MS {
                self.move_to(position + 1);
            }
            return;
        }
        // A lesson step waiting for the world: play stops on the very step that shows it.
        let stop = self.lesson.as_ref().and_then(LessonState::stop_condition);
        let mut player = player.borrow_mut();
        let gap = player.step_time_ms(position + 1) as f64 - self.clock_ms;
        let mut clock = self.clock_ms + TICK_MS * pace(self.speed, &self.frame.envelopes, gap);
        // Step through what is due, but stop where a message sets off, so that it is seen on
        // its way (the pace then slows down for it).
        let mut frame = None;
        let mut checked = 0;
        while player.position() < total
            && player.step_time_ms(player.position() + 1) as f64 <= clock
        {
            let next = player.position() + 1;
            self.log.borrow_mut().move_player(&mut player, next);
            if checked == MAX_CHECKED_STEPS {
                continue;
            }
            checked += 1;
            let now = player.frame();
            let sets_off = now
                .envelopes
                .iter()
                .any(|e| e.kind != EnvelopeKind::Control && e.sent_at_ms == now.time_ms);
            let reached = stop
                .as_ref()
                .is_some_and(|c| mqlab_scenario::lesson::run::shows_in(c, player.doc(), &now));
            frame = Some(now);
            if reached {
                break;
            }
            if sets_off {
                clock = clock.min(player.step_time_ms(next) as f64);
                break;
            }
        }
        if player.position() != position {
            let frame = frame
                .filter(|f| f.step == player.position())
                .unwrap_or_else(|| player.frame());
            drop(player);
            self.frame = Rc::new(frame);
            self.notice = None;
            self.refresh_view();
            if self.position() >= total {
                self.playing = false;
            }
        }
        self.clock_ms = clock;
    }

    fn settle(&mut self, step: u64) {
        let Some(player) = &self.player else {
            return;
        };
        if self.playing || step != self.position() || step >= self.total() {
            return;
        }
        self.clock_ms = player.borrow().step_time_ms(step + 1) as f64;
    }

    fn apply_knobs(&mut self, (values, rabbit): crate::settings::Applied) {
        let Some(mut doc) = self.doc() else { return };
        values.write(&mut doc);
        if rabbit.is_some() {
            doc.rabbitmq = rabbit;
        }
        match Player::load(doc) {
            Ok(player) => {
                self.install(player);
                self.knobs = values;
                self.mark_modified();
            }
            Err(e) => self.settings_error = Some(bilingual(&e)),
        }
    }

    fn node_command(&mut self, node: u32, command: NodeCommand) {
        let action = match command {
            NodeCommand::Kill => UserAction::Crash { node },
            NodeCommand::Stop => UserAction::Stop { node },
            NodeCommand::Restart => UserAction::Restart { node },
            NodeCommand::Isolate => UserAction::Isolate { node },
            NodeCommand::Reconnect => UserAction::Reconnect { node },
            NodeCommand::Produce => UserAction::Produce {
                producer: node,
                count: 5,
            },
        };
        self.menu = None;
        self.inject(action);
    }

    /// A fault or action from the stage, at the current step; an error is told, not applied.
    fn inject(&mut self, action: UserAction) {
        let Some(player) = self.player.clone() else {
            return;
        };
        let position = self.position();
        let result = player.borrow_mut().apply(Command::Inject(action));
        match result {
            Ok(()) => self.after_inject(position),
            Err(e) => self.notice = Some(bilingual(&e)),
        }
    }

    /// After actions were injected at `position`: the trace from there on is new.
    fn after_inject(&mut self, position: u64) {
        let Some(player) = self.player.clone() else {
            return;
        };
        // The future was rewritten: forget what the log knew of it.
        self.log.borrow_mut().forget_after(position);
        self.frame = Rc::new(player.borrow().frame());
        self.clock_ms = self.frame.time_ms as f64;
        self.record_current();
        self.refresh_marks();
        self.refresh_view();
        self.notice = None;
        self.mark_modified();
        // The selected message's future may have changed with the trace.
        self.select_message(self.selected_message);
    }

    fn select_node_at(&mut self, index: usize) {
        let Some(node) = crate::presenter::selectable(&self.frame.nodes)
            .get(index)
            .map(|n| n.id)
        else {
            return;
        };
        match self.cutting_from.take() {
            Some(a) if a != node => self.inject(UserAction::CutLink { a, b: node }),
            Some(_) => {}
            None => self.selected_node = Some(node),
        }
    }

    fn select_message(&mut self, id: Option<u32>) {
        self.selected_message = id;
        self.life = match (id, &self.player) {
            (Some(id), Some(player)) => Rc::new(
                player
                    .borrow()
                    .message_life(id)
                    .into_iter()
                    .map(|s| LogEntry {
                        step: s.step,
                        time_ms: s.time_ms,
                        happenings: s.happenings,
                    })
                    .collect(),
            ),
            _ => Rc::default(),
        };
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if matches!(action, Action::Tick) && !self.playing {
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
                next.menu = Some(node);
                next.playing = false;
            }
            Action::CloseOverlays => {
                next.menu = None;
                next.help = false;
                next.cutting_from = None;
            }
            Action::SetLang(lang) => next.lang = lang,
            Action::SetTab(tab) => next.tab = tab,
            Action::SelectMessage(id) => next.select_message(id),
            Action::ToggleHelp => next.help = !next.help,
            Action::Settle(step) => next.settle(step),
            Action::Faster => next.speed = next.speed.faster(),
            Action::Slower => next.speed = next.speed.slower(),
            Action::TogglePresenter => next.presenter = !next.presenter,
            Action::TogglePanel => next.presenter_panel = !next.presenter_panel,
            Action::Import(text) => next.import(&text),
            Action::CompareToDivergence => next.compare_to_divergence(),
            Action::SelectNodeAt(i) => next.select_node_at(i),
            Action::OnSelected(command) => {
                if let Some(node) = next.selected_node {
                    next.node_command(node, command);
                }
            }
            Action::StartCut => next.cutting_from = next.selected_node,
        }
        if next.view == View::Lesson {
            next.refresh_lesson();
        }
        Rc::new(next)
    }
}

/// A shipped example's document.
fn example_doc(id: &str) -> Option<ScenarioDoc> {
    examples().into_iter().find(|e| e.id == id).map(|e| e.doc)
}

/// Simulated milliseconds per real millisecond of play. Time runs at the chosen speed, slows
/// down so that every message in flight is seen crossing its link, and speeds up through
/// empty stretches (only background chatter on the wire, nothing due within `QUIET_GAP_MS`).
fn pace(speed: Speed, envelopes: &[EnvelopeView], gap_to_next_step_ms: f64) -> f64 {
    let shortest_flight = envelopes
        .iter()
        .filter(|e| e.kind != EnvelopeKind::Control)
        .map(|e| e.arrives_at_ms.saturating_sub(e.sent_at_ms).max(1))
        .min();
    match shortest_flight {
        Some(flight) => speed.rate().min(flight as f64 * speed.factor() / FLIGHT_MS),
        None if gap_to_next_step_ms > QUIET_GAP_MS => speed.rate() * QUIET_SPEEDUP,
        None => speed.rate(),
    }
}

fn entry_of(frame: &Frame) -> LogEntry {
    LogEntry {
        step: frame.step,
        time_ms: frame.time_ms,
        happenings: frame.happenings.clone(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(kind: EnvelopeKind, flight_ms: u64) -> EnvelopeView {
        EnvelopeView {
            id: 1,
            from: 100,
            to: 1,
            sent_at_ms: 1000,
            arrives_at_ms: 1000 + flight_ms,
            label: Text::default(),
            kind,
        }
    }

    #[test]
    fn a_message_in_flight_is_seen_crossing() {
        // A 1 ms produce at 1×: 500 real ms, whatever the speed setting says.
        let rate = pace(Speed::One, &[envelope(EnvelopeKind::Data, 1)], 0.0);
        assert!((1.0 / rate - FLIGHT_MS).abs() < 1e-9);
        // Twice as fast at 2×.
        let rate = pace(Speed::Two, &[envelope(EnvelopeKind::Data, 1)], 0.0);
        assert!((1.0 / rate - FLIGHT_MS / 2.0).abs() < 1e-9);
        // A slow flight does not slow play below the chosen speed.
        assert_eq!(
            pace(Speed::One, &[envelope(EnvelopeKind::Ack, 60_000)], 0.0),
            Speed::One.rate()
        );
    }

    #[test]
    fn chatter_alone_does_not_hold_play_back() {
        let chatter = [envelope(EnvelopeKind::Control, 1)];
        assert_eq!(pace(Speed::One, &chatter, 10.0), Speed::One.rate());
        assert_eq!(
            pace(Speed::One, &chatter, 2_000.0),
            Speed::One.rate() * QUIET_SPEEDUP
        );
    }
}

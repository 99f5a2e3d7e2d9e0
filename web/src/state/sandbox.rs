//! The scenario on the stage as a document, and what edits it: an example loaded, a link or
//! a file opened, the settings applied, faults injected from the stage. Every change goes
//! through the document or the `Player`; the world is never touched directly.

use super::{bilingual, example_doc, past_end, AppState, LogEntry, View};
use crate::i18n::T;
use crate::link_problem::{excerpt, LinkProblem};
use crate::share::{self, Shared};
use mqlab_scenario::doc_rabbit::RabbitDoc;
use mqlab_scenario::frame::NodeKind;
use mqlab_scenario::link::{decode_changes, encode_changes};
use mqlab_scenario::{examples, Command, Knobs, Player, ScenarioDoc, Text, UserAction};
use std::cell::RefCell;
use std::rc::Rc;

/// What Apply hands up: the knobs, and a RabbitMQ scenario's edited section.
pub type Applied = (Knobs, Option<RabbitDoc>);

/// A RabbitMQ scenario's section as the app holds it: shared, and equal only to itself (a
/// new scenario is a new one), so no deep comparison is needed.
#[derive(Clone)]
pub struct SharedRabbit(pub Rc<RabbitDoc>);

impl PartialEq for SharedRabbit {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// An action on one node, as the menu offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeCommand {
    Kill,
    Stop,
    Restart,
    Isolate,
    Reconnect,
    Produce,
}

impl NodeCommand {
    pub(crate) fn label(self, kind: NodeKind, rabbit: bool) -> T {
        match self {
            NodeCommand::Kill => T::Kill,
            NodeCommand::Stop if rabbit && kind != NodeKind::Broker => T::CloseConnection,
            NodeCommand::Stop if kind == NodeKind::Consumer => T::CloseConsumer,
            NodeCommand::Stop => T::StopGracefully,
            NodeCommand::Restart => T::Restart,
            NodeCommand::Isolate => T::Isolate,
            NodeCommand::Reconnect => T::Reconnect,
            NodeCommand::Produce if rabbit => T::Publish5,
            NodeCommand::Produce => T::Produce5,
        }
    }

    pub(crate) fn testid(self) -> &'static str {
        match self {
            NodeCommand::Kill => "menu-kill",
            NodeCommand::Stop => "menu-stop",
            NodeCommand::Restart => "menu-restart",
            NodeCommand::Isolate => "menu-isolate",
            NodeCommand::Reconnect => "menu-reconnect",
            NodeCommand::Produce => "menu-produce",
        }
    }
}

/// The scenario document on the stage (the sandbox's, or the one a lesson opened) and what
/// its edits left to say.
#[derive(Clone)]
pub struct SandboxState {
    pub example_id: String,
    /// The settings were changed from the example's, or faults injected.
    pub modified: bool,
    /// What a link to the sandbox's scenario carries (`share`): the example's id, with its
    /// changes when it was changed.
    pub link: Rc<String>,
    pub title: Text,
    pub description: Text,
    pub knobs: Knobs,
    /// A RabbitMQ scenario's section, for its settings.
    pub rabbit: Option<SharedRabbit>,
    /// Which Kafka the scenario models, e.g. "Kafka 3.7+ (KRaft)".
    pub model_version: &'static str,
    pub settings_error: Option<Text>,
    /// Why the last scenario file could not be loaded.
    pub import_error: Option<Text>,
}

impl Default for SandboxState {
    /// No scenario yet: Kafka's defaults until the first one is installed.
    fn default() -> SandboxState {
        SandboxState {
            example_id: String::new(),
            modified: false,
            link: Rc::default(),
            title: Text::default(),
            description: Text::default(),
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
            import_error: None,
        }
    }
}

impl AppState {
    /// Opens what an address names, or the nearest thing to it: an example whose changes
    /// cannot be read opens unchanged, an unknown example opens the first one, a step past
    /// the end opens the last step; each is added to `problems`.
    pub(super) fn open_shared(&mut self, shared: Shared, problems: &mut Vec<LinkProblem>) {
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
                            self.sandbox.example_id = id;
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
                    self.sandbox.example_id = player.doc().id.clone();
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
        if step > 0 && self.play.player.is_some() {
            self.move_to(step.min(self.total()));
            past_end(problems, step, self.total());
        }
    }

    /// The scenario now differs from its example: links carry what changed (or, for a
    /// scenario that is no example's, the whole document).
    pub(super) fn mark_modified(&mut self) {
        self.sandbox.modified = true;
        let Some(doc) = self.doc() else { return };
        let body = match example_doc(&self.sandbox.example_id) {
            Some(example) => {
                share::changed_body(&self.sandbox.example_id, &encode_changes(&example, &doc))
            }
            None => share::doc_body(&doc.to_json()),
        };
        self.sandbox.link = Rc::new(body);
    }

    /// The scenario as a file: pretty JSON, as the command line reads it.
    pub fn doc_file(&self) -> Option<String> {
        self.doc().map(|doc| doc.to_json_pretty())
    }

    /// The trace up to the current step as a Mermaid sequence diagram.
    pub fn mermaid(&self) -> Option<String> {
        let player = self.play.player.as_ref()?;
        Some(mqlab_scenario::export::mermaid(&player.borrow(), self.lang))
    }

    /// Loads a scenario file into the sandbox; a bad one says why (as `mqlab check` does)
    /// and changes nothing.
    pub(super) fn import(&mut self, text: &str) {
        match Player::load_json(text) {
            Ok(player) => {
                self.sandbox.example_id = player.doc().id.clone();
                self.install(player);
                self.mark_modified();
                self.sandbox.import_error = None;
                self.view = View::Sandbox;
                self.lesson = None;
            }
            Err(e) => self.sandbox.import_error = Some(bilingual(&e)),
        }
    }

    pub fn doc(&self) -> Option<ScenarioDoc> {
        self.play.player.as_ref().map(|p| p.borrow().doc().clone())
    }

    pub(super) fn load_example(&mut self, id: &str) {
        let Some(example) = examples().into_iter().find(|e| e.id == id) else {
            return;
        };
        match Player::load(example.doc) {
            Ok(player) => {
                // Another scenario: a search's result was about the one before.
                self.explore = super::ExploreState {
                    status: super::SearchStatus::Idle,
                    opened: false,
                    ..self.explore.clone()
                };
                self.sandbox.example_id = id.to_string();
                self.sandbox.modified = false;
                self.sandbox.link = Rc::new(id.to_string());
                self.install(player);
            }
            Err(e) => self.ui.notice = Some(bilingual(&e)),
        }
    }

    /// Makes `player` the one shown, at its start.
    pub(super) fn install(&mut self, player: Player) {
        let doc = player.doc();
        self.sandbox.title = doc.title.clone();
        self.sandbox.description = doc.description.clone();
        self.sandbox.knobs = Knobs::read(doc);
        self.sandbox.rabbit = doc.rabbitmq.clone().map(|r| SharedRabbit(Rc::new(r)));
        self.sandbox.model_version = player.model_version();
        self.play.player = Some(Rc::new(RefCell::new(player)));
        self.play.playing = false;
        self.ui.menu = None;
        self.select_message(None);
        self.sandbox.settings_error = None;
        self.ui.notice = None;
        self.play.log = Rc::default();
        self.refresh_marks();
        self.go(0);
        self.record_current();
        self.refresh_view();
    }

    pub(super) fn apply_knobs(&mut self, (values, rabbit): Applied) {
        let Some(mut doc) = self.doc() else { return };
        values.write(&mut doc);
        if rabbit.is_some() {
            doc.rabbitmq = rabbit;
        }
        match Player::load(doc) {
            Ok(player) => {
                self.install(player);
                self.sandbox.knobs = values;
                self.mark_modified();
            }
            Err(e) => self.sandbox.settings_error = Some(bilingual(&e)),
        }
    }

    pub(super) fn node_command(&mut self, node: u32, command: NodeCommand) {
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
        self.ui.menu = None;
        self.inject(action);
    }

    /// A fault or action from the stage, at the current step; an error is told, not applied.
    pub(super) fn inject(&mut self, action: UserAction) {
        let Some(player) = self.play.player.clone() else {
            return;
        };
        let position = self.position();
        let result = player.borrow_mut().apply(Command::Inject(action));
        match result {
            Ok(()) => self.after_inject(position),
            Err(e) => self.ui.notice = Some(bilingual(&e)),
        }
    }

    /// After actions were injected at `position`: the trace from there on is new.
    pub(super) fn after_inject(&mut self, position: u64) {
        let Some(player) = self.play.player.clone() else {
            return;
        };
        // The future was rewritten: forget what the log knew of it.
        self.play.log.borrow_mut().forget_after(position);
        self.play.frame = Rc::new(player.borrow().frame());
        self.play.clock_ms = self.play.frame.time_ms as f64;
        self.record_current();
        self.refresh_marks();
        self.refresh_view();
        self.ui.notice = None;
        self.mark_modified();
        // The selected message's future may have changed with the trace.
        self.select_message(self.ui.selected_message);
    }

    pub(super) fn select_node_at(&mut self, index: usize) {
        let Some(node) = super::selectable(&self.play.frame.nodes)
            .get(index)
            .map(|n| n.id)
        else {
            return;
        };
        match self.ui.cutting_from.take() {
            Some(a) if a != node => self.inject(UserAction::CutLink { a, b: node }),
            Some(_) => {}
            None => self.ui.selected_node = Some(node),
        }
    }

    pub(super) fn select_message(&mut self, id: Option<u32>) {
        self.ui.selected_message = id;
        self.ui.life = match (id, &self.play.player) {
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

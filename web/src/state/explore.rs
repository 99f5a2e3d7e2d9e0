//! "Find a failure" as the page holds it: what to break, how many faults at most, and where
//! the search stands. The search runs in a Web Worker (`panels::explore` starts and stops
//! it); its reports arrive here as actions, so switching tabs neither stops nor forgets it.

use super::{bilingual, AppState, Tab};
use mqlab_scenario::explore::wire::Report;
use mqlab_scenario::explore::wire::Request;
use mqlab_scenario::explore::{without_faults, Bounds, Counterexample, Progress, Property};
use mqlab_scenario::{Player, Text};
use std::rc::Rc;

/// Where a search stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SearchStatus {
    Idle,
    /// Started; progress once the worker has reported.
    Running(Option<Progress>),
    /// Stopped by the learner after this many runs.
    Stopped(u64),
    Found(Rc<Counterexample>),
    /// Nothing found: what was tried.
    Exhausted(Rc<Text>),
    /// The search could not run (a refused scenario, the worker's file missing).
    Failed(Rc<Text>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExploreState {
    pub property: Property,
    pub faults: u32,
    pub status: SearchStatus,
    /// The counterexample is on the stage (its document is the sandbox's).
    pub opened: bool,
}

impl Default for ExploreState {
    fn default() -> Self {
        ExploreState {
            property: Property::LostAcked,
            faults: 1,
            status: SearchStatus::Idle,
            opened: false,
        }
    }
}

/// What the panel and the worker send.
#[derive(Clone, Debug, PartialEq)]
pub enum ExploreInput {
    SetProperty(Property),
    SetFaults(u32),
    Started,
    Stopped,
    Report(Report),
    /// Open the counterexample on the stage at the moment it breaks, the victim selected.
    Open,
}

impl ExploreState {
    pub fn running(&self) -> bool {
        matches!(self.status, SearchStatus::Running(_))
    }

    /// The request for the worker: the scenario's configuration without its own faults.
    pub fn request(&self, state: &AppState) -> Option<Request> {
        Some(Request {
            doc: without_faults(&state.doc()?),
            property: self.property,
            bounds: Bounds {
                faults: self.faults,
                ..Bounds::default()
            },
        })
    }
}

impl AppState {
    pub(super) fn explore_input(&mut self, input: ExploreInput) {
        let x = &mut self.explore;
        match input {
            ExploreInput::SetProperty(p) if !x.running() => x.property = p,
            ExploreInput::SetFaults(n) if !x.running() => x.faults = n.clamp(1, 3),
            ExploreInput::SetProperty(_) | ExploreInput::SetFaults(_) => {}
            ExploreInput::Started => {
                x.status = SearchStatus::Running(None);
                x.opened = false;
            }
            ExploreInput::Stopped => {
                if let SearchStatus::Running(p) = &x.status {
                    x.status = SearchStatus::Stopped(p.as_ref().map_or(0, |p| p.runs));
                }
            }
            // Reports count only while a search runs: a stopped worker's last words are not.
            ExploreInput::Report(_) if !x.running() => {}
            ExploreInput::Report(Report::Progress(p)) => x.status = SearchStatus::Running(Some(p)),
            ExploreInput::Report(Report::Found(c)) => x.status = SearchStatus::Found(Rc::new(*c)),
            ExploreInput::Report(Report::Exhausted { summary, .. }) => {
                x.status = SearchStatus::Exhausted(Rc::new(summary))
            }
            ExploreInput::Report(Report::Failed(e)) => {
                x.status = SearchStatus::Failed(Rc::new(bilingual(&e)))
            }
            ExploreInput::Open => self.open_counterexample(),
        }
    }

    fn open_counterexample(&mut self) {
        let SearchStatus::Found(c) = &self.explore.status else {
            return;
        };
        let c = c.clone();
        match Player::load(c.doc.clone()) {
            Ok(player) => {
                self.install(player);
                self.mark_modified();
                self.move_to(c.step);
                let victim = c.victim.as_deref().and_then(|label| {
                    self.play
                        .frame
                        .messages
                        .iter()
                        .find(|m| m.label == label)
                        .map(|m| m.id)
                });
                self.select_message(victim);
                self.ui.tab = Tab::Ledger;
                self.explore.opened = true;
            }
            Err(e) => self.ui.notice = Some(bilingual(&e)),
        }
    }
}

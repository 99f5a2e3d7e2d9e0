//! The player: runs a scenario to its end once, keeps a checkpoint of the world every
//! [`CHECKPOINT_EVERY`] steps, and seeks anywhere by restoring the checkpoint before the
//! target and replaying forward. The simulation is deterministic, so stepping back is exact.

use crate::doc::{ActionDoc, ScenarioDoc, ScriptEntry};
use crate::error::ScenarioError;
use crate::frame::{Frame, MarkKind};
use crate::sim::Sim;
use crate::validate::{validate, Built, Happen, Validated, When};
use mqlab_engine::VecMap;
use mqlab_engine::{Millis, NodeId, Step, World, DIGEST_START};
use mqlab_kafka::Kafka;
use mqlab_rabbitmq::Rabbit;
use serde::Serialize;

pub const CHECKPOINT_EVERY: u64 = 2048;
/// A trace stops here even if simulated time is left: the browser must stay responsive.
pub const MAX_STEPS: u64 = 200_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Forward,
    Back,
    Seek(u64),
    Start,
    End,
    /// Do this now: the future is recomputed with it as the next step.
    Inject(UserAction),
}

/// What a user can do to the world from the stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserAction {
    Crash {
        node: u32,
    },
    Stop {
        node: u32,
    },
    Restart {
        node: u32,
    },
    Isolate {
        node: u32,
    },
    Reconnect {
        node: u32,
    },
    /// Cut the one link between two nodes (both ways).
    CutLink {
        a: u32,
        b: u32,
    },
    Produce {
        producer: u32,
        count: u32,
    },
}

/// A fault or scripted action on the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineMark {
    /// The position right after it happened.
    pub step: u64,
    pub time_ms: u64,
    pub kind: MarkKind,
    pub en: String,
    pub zh: String,
}

impl TimelineMark {
    pub fn text(&self, lang: crate::Lang) -> &str {
        crate::i18n::pick(lang, &self.en, &self.zh)
    }
}

/// The happenings of one step, as the event log lists them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepHappenings {
    /// The position right after the step.
    pub step: u64,
    pub time_ms: u64,
    pub happenings: Vec<crate::frame::Happening>,
}

/// Drives a world through its script: timed entries were queued at the start; entries
/// pinned to a step are injected when the world reaches that step.
struct Runner<A> {
    after_step: VecMap<u64, Vec<Happen<A>>>,
    duration_ms: Millis,
}

impl<A: Clone> Runner<A> {
    fn new<C>(built: &Built<C, A>) -> Self {
        let mut after_step: VecMap<u64, Vec<Happen<A>>> = VecMap::new();
        for s in &built.script {
            if let When::AfterStep(n) = s.when {
                after_step.entry(n).or_default().push(s.what.clone());
            }
        }
        Self {
            after_step,
            duration_ms: built.duration_ms,
        }
    }

    fn start<M: Sim<Action = A>>(built: &Built<M::Config, A>) -> World<M> {
        let model = M::build(&built.config);
        let nodes = model.nodes();
        let mut world = World::new(model, &nodes, built.seed, built.latency_ms, built.jitter_ms);
        for s in &built.script {
            if let When::At(at) = s.when {
                match &s.what {
                    Happen::Fault(f) => world.schedule_fault(at, f.clone()),
                    Happen::Action(a) => world.schedule_action(at, a.clone()),
                }
            }
        }
        world
    }

    /// The next step, or `None` at the end of the scenario.
    fn next<M: Sim<Action = A>>(&self, world: &mut World<M>) -> Option<Step<M>> {
        let position = world.steps_taken();
        if position >= MAX_STEPS {
            return None;
        }
        // Several entries pinned to one position happen one after another.
        let pinned = self
            .after_step
            .range(..=position)
            .flat_map(|(&at, v)| v.iter().enumerate().map(move |(i, h)| (at + i as u64, h)))
            .find(|&(at, _)| at == position);
        if let Some((_, happen)) = pinned {
            return Some(match happen {
                Happen::Fault(f) => world.inject_fault(f.clone()),
                Happen::Action(a) => world.inject_action(a.clone()),
            });
        }
        if world.next_event_at()? > self.duration_ms {
            return None;
        }
        world.step()
    }
}

/// Runs a validated scenario from its start without keeping a trace, calling `watch` after
/// every step (`true` stops the run), and hands back the last world: the explorer's inner
/// loop, thousands of runs per search, so nothing is cloned or described on the way.
pub(crate) fn run_watching<M: Sim>(
    built: &Built<M::Config, M::Action>,
    mut watch: impl FnMut(&World<M>) -> bool,
) -> World<M>
where
    M::Action: Clone,
{
    let runner = Runner::new(built);
    let mut world = Runner::start(built);
    while runner.next(&mut world).is_some() {
        if watch(&world) {
            break;
        }
    }
    world
}

/// The player of one model: the trace, its checkpoints and the current position.
#[derive(Clone, Debug)]
struct Core<M: Sim> {
    built: Built<M::Config, M::Action>,
    checkpoints: Vec<World<M>>,
    /// Simulated time after each step: `times[p - 1]` is the time at position p.
    times: Vec<Millis>,
    marks: Vec<TimelineMark>,
    digest: u64,
    world: World<M>,
    last: Option<Step<M>>,
}

impl<M: Sim> Core<M>
where
    M::Action: Clone,
{
    fn load(built: Built<M::Config, M::Action>) -> Self {
        let runner = Runner::new(&built);
        let mut world = Runner::start(&built);
        let mut checkpoints = vec![world.clone()];
        let mut times = Vec::new();
        let mut marks = Vec::new();
        let mut state = DIGEST_START;
        while let Some(step) = runner.next(&mut world) {
            state = step.digest(state);
            times.push(step.at);
            let mark = M::mark(&world, &built.names, &step.kind);
            if let Some((kind, (en, zh))) = mark {
                marks.push(TimelineMark {
                    step: world.steps_taken(),
                    time_ms: step.at,
                    kind,
                    en,
                    zh,
                });
            }
            if world.steps_taken().is_multiple_of(CHECKPOINT_EVERY) {
                checkpoints.push(world.clone());
            }
        }
        let start = checkpoints[0].clone();
        Core {
            built,
            checkpoints,
            times,
            marks,
            digest: state,
            world: start,
            last: None,
        }
    }

    fn position(&self) -> u64 {
        self.world.steps_taken()
    }
    fn total_steps(&self) -> u64 {
        self.times.len() as u64
    }
    /// The trace's fingerprint: equal natively and in wasm for the same scenario.
    fn trace_digest(&self) -> u64 {
        self.digest
    }
    /// The trace stopped at [`MAX_STEPS`] before the scenario's end.
    fn truncated(&self) -> bool {
        self.total_steps() >= MAX_STEPS
    }
    fn marks(&self) -> Vec<TimelineMark> {
        self.marks.clone()
    }
    fn step_time_ms(&self, step: u64) -> u64 {
        if step == 0 {
            return 0;
        }
        self.times
            .get(step as usize - 1)
            .copied()
            .unwrap_or_else(|| self.times.last().copied().unwrap_or(0))
    }
    fn node_name(&self, node: u32) -> Option<&str> {
        self.built.names.get(&NodeId(node)).map(String::as_str)
    }
    fn frame(&self) -> Frame {
        M::frame(
            &self.world,
            self.last.as_ref(),
            &self.built.names,
            self.total_steps(),
            self.step_time_ms(self.total_steps()),
        )
    }

    /// What the step that led to the current position did, in words.
    fn happenings(&self) -> Vec<crate::frame::Happening> {
        self.last
            .as_ref()
            .map(|s| M::happenings(&self.world, &self.built.names, s))
            .unwrap_or_default()
    }

    /// What each step in `from..=to` did (positions, clamped to the trace), with its time:
    /// the event log's history, replayed from a checkpoint without moving the player.
    fn happenings_between(&self, from: u64, to: u64) -> Vec<StepHappenings> {
        let from = from.max(1);
        let to = to.min(self.total_steps());
        if from > to {
            return Vec::new();
        }
        let index = (((from - 1) / CHECKPOINT_EVERY) as usize).min(self.checkpoints.len() - 1);
        let mut world = self.checkpoints[index].clone();
        let runner = Runner::new(&self.built);
        let mut out = Vec::new();
        while world.steps_taken() < to {
            let Some(step) = runner.next(&mut world) else {
                break;
            };
            let position = world.steps_taken();
            if position >= from {
                out.push(StepHappenings {
                    step: position,
                    time_ms: step.at,
                    happenings: M::happenings(&world, &self.built.names, &step),
                });
            }
        }
        out
    }

    /// A message's whole life: every step whose facts concern it (sent, appended, retried,
    /// acknowledged, truncated, read, polled, processed), with only those facts. Replays the
    /// trace without moving the player.
    fn message_life(&self, message: u32) -> Vec<StepHappenings> {
        let id = mqlab_ledger::MessageId(message);
        let mut world = self.checkpoints[0].clone();
        let runner = Runner::new(&self.built);
        let mut out = Vec::new();
        while world.steps_taken() < self.total_steps() {
            let Some(step) = runner.next(&mut world) else {
                break;
            };
            let happenings = M::facts_about(&world, &self.built.names, &step, id);
            if !happenings.is_empty() {
                out.push(StepHappenings {
                    step: world.steps_taken(),
                    time_ms: step.at,
                    happenings,
                });
            }
        }
        out
    }

    fn seek(&mut self, target: u64) {
        let position = self.position();
        if target == position {
            return;
        }
        // Restore from the checkpoint before the target, leaving at least one step to replay
        // so the frame knows what the step that led here did. Forward within reach: keep stepping.
        let span = |p: u64| p.saturating_sub(1) / CHECKPOINT_EVERY;
        if target < position
            || span(target) != span(position)
            || self.last.is_none() && position > 0
        {
            let index = (span(target) as usize).min(self.checkpoints.len() - 1);
            self.world = self.checkpoints[index].clone();
            self.last = None;
        }
        let runner = Runner::new(&self.built);
        while self.world.steps_taken() < target {
            match runner.next(&mut self.world) {
                Some(step) => self.last = Some(step),
                None => break,
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Cores {
    Kafka(Box<Core<Kafka>>),
    Rabbit(Box<Core<Rabbit>>),
}

/// Runs a scenario of either broker; everything it hands out is plain data.
#[derive(Clone, Debug)]
pub struct Player {
    doc: ScenarioDoc,
    core: Cores,
}

/// The same call on whichever model the scenario has.
macro_rules! on_core {
    ($self:expr, $c:ident => $e:expr) => {
        match &$self.core {
            Cores::Kafka($c) => $e,
            Cores::Rabbit($c) => $e,
        }
    };
}

impl Player {
    pub fn load_json(text: &str) -> Result<Player, ScenarioError> {
        Player::load(ScenarioDoc::parse(text)?)
    }

    pub fn load(doc: ScenarioDoc) -> Result<Player, ScenarioError> {
        let core = match validate(&doc)? {
            Validated::Kafka(built) => Cores::Kafka(Box::new(Core::load(built))),
            Validated::Rabbit(built) => Cores::Rabbit(Box::new(Core::load(built))),
        };
        Ok(Player { doc, core })
    }

    pub fn doc(&self) -> &ScenarioDoc {
        &self.doc
    }
    pub fn position(&self) -> u64 {
        on_core!(self, c => c.position())
    }
    pub fn total_steps(&self) -> u64 {
        on_core!(self, c => c.total_steps())
    }
    /// The trace's fingerprint: equal natively and in wasm for the same scenario.
    pub fn trace_digest(&self) -> u64 {
        on_core!(self, c => c.trace_digest())
    }
    /// The trace stopped at [`MAX_STEPS`] before the scenario's end.
    pub fn truncated(&self) -> bool {
        on_core!(self, c => c.truncated())
    }
    pub fn marks(&self) -> Vec<TimelineMark> {
        on_core!(self, c => c.marks())
    }
    pub fn step_time_ms(&self, step: u64) -> u64 {
        on_core!(self, c => c.step_time_ms(step))
    }
    pub fn node_name(&self, node: u32) -> Option<&str> {
        on_core!(self, c => c.node_name(node))
    }
    /// Which broker and version the scenario models, for the UI to say (FIDELITY: Kafka
    /// versions differ on K10).
    pub fn model_version(&self) -> &'static str {
        match &self.core {
            Cores::Rabbit(_) => crate::rabbitmq::version_label(
                self.doc
                    .rabbitmq
                    .as_ref()
                    .map_or(crate::rabbitmq::doc::RabbitVersion::V4, |r| {
                        r.rabbit_version()
                    }),
            ),
            // What the validated configuration says, not a second reading of the document.
            Cores::Kafka(c) => {
                let config = c.world.model().config();
                crate::kafka::version_label(config.version, config.eligible_leader_replicas)
            }
        }
    }
    /// The Kafka model at the current position, for tests and the command line.
    pub fn kafka_world(&self) -> Option<&World<Kafka>> {
        match &self.core {
            Cores::Kafka(c) => Some(&c.world),
            Cores::Rabbit(_) => None,
        }
    }
    /// The RabbitMQ model at the current position, for tests and the command line.
    pub fn rabbit_world(&self) -> Option<&World<Rabbit>> {
        match &self.core {
            Cores::Rabbit(c) => Some(&c.world),
            Cores::Kafka(_) => None,
        }
    }
    pub fn frame(&self) -> Frame {
        on_core!(self, c => c.frame())
    }
    /// What the step that led to the current position did, in words.
    pub fn happenings(&self) -> Vec<crate::frame::Happening> {
        on_core!(self, c => c.happenings())
    }
    /// What each step in `from..=to` did (positions, clamped to the trace), with its time:
    /// the event log's history, replayed from a checkpoint without moving the player.
    pub fn happenings_between(&self, from: u64, to: u64) -> Vec<StepHappenings> {
        on_core!(self, c => c.happenings_between(from, to))
    }
    /// A message's whole life: every step whose facts concern it, with only those facts.
    /// Replays the trace without moving the player.
    pub fn message_life(&self, message: u32) -> Vec<StepHappenings> {
        on_core!(self, c => c.message_life(message))
    }

    pub fn apply(&mut self, command: Command) -> Result<(), ScenarioError> {
        let target = match command {
            Command::Forward => self.position() + 1,
            Command::Back => self.position().saturating_sub(1),
            Command::Seek(n) => n,
            Command::Start => 0,
            Command::End => self.total_steps(),
            Command::Inject(action) => return self.inject(action),
        };
        self.seek(target.min(self.total_steps()));
        Ok(())
    }

    fn seek(&mut self, target: u64) {
        match &mut self.core {
            Cores::Kafka(c) => c.seek(target),
            Cores::Rabbit(c) => c.seek(target),
        }
    }

    fn inject(&mut self, action: UserAction) -> Result<(), ScenarioError> {
        let name = |id: u32| -> Result<String, ScenarioError> {
            self.node_name(id).map(str::to_string).ok_or_else(|| {
                ScenarioError::new(
                    "node",
                    format!("no node with id {id}"),
                    format!("没有 id 为 {id} 的节点"),
                )
            })
        };
        let action = match action {
            UserAction::Crash { node } => ActionDoc::Crash { node: name(node)? },
            UserAction::Stop { node } => ActionDoc::Stop { node: name(node)? },
            UserAction::Restart { node } => ActionDoc::Restart { node: name(node)? },
            UserAction::Isolate { node } => ActionDoc::Isolate { node: name(node)? },
            UserAction::Reconnect { node } => ActionDoc::Reconnect { node: name(node)? },
            UserAction::CutLink { a, b } => ActionDoc::CutLink {
                a: name(a)?,
                b: name(b)?,
            },
            UserAction::Produce { producer, count } => match &self.doc.kafka {
                Some(k) => ActionDoc::Produce {
                    producer: name(producer)?,
                    topic: k.topics[0].name.clone(),
                    count,
                    key: "msg".into(),
                    partition: None,
                    same_key: false,
                },
                None => ActionDoc::Publish {
                    publisher: name(producer)?,
                    count,
                    key: "msg".into(),
                    routing_key: None,
                },
            },
        };
        self.inject_doc(action)
    }

    /// Do this now, as a script entry of the document: the trace is recomputed from here with
    /// it as the next step (what a lesson's "show me" does). A refused action changes nothing.
    pub fn inject_doc(&mut self, action: ActionDoc) -> Result<(), ScenarioError> {
        let position = self.position();
        let mut doc = self.doc.clone();
        doc.script.push(ScriptEntry {
            at_ms: None,
            after_step: Some(position),
            action,
        });
        let mut next = Player::load(doc)?;
        next.seek(position + 1);
        *self = next;
        Ok(())
    }
}

use crate::VecMap;
use crate::{EventQueue, Fault, LinkState, Millis, Network, NodeId, SimRng};
use std::fmt::Debug;

/// A system under simulation: the state of every node, and handlers that react to events by
/// pushing effects. Handlers are only called for nodes that are up.
pub trait Model: Clone + Debug {
    type Msg: Clone + Debug;
    /// Ord so that a timer can be named, reset and cancelled (see [`Effects::reset_timer`]).
    type Timer: Clone + Debug + Ord;
    /// Model-specific facts recorded in the trace ("appended at offset 4", "ISR shrank").
    type Note: Clone + Debug;
    /// Scripted actions that are not faults ("produce 5 messages", "elect preferred leaders").
    type Action: Clone + Debug;

    /// The node boots: at the start of the world and on every restart.
    fn on_start(&mut self, node: NodeId, fx: &mut Effects<'_, Self>);
    fn on_message(
        &mut self,
        node: NodeId,
        from: NodeId,
        msg: Self::Msg,
        fx: &mut Effects<'_, Self>,
    );
    /// A message this node sent found its destination down on a healthy link: connection
    /// refused, as a TCP reset tells a client at once.
    fn on_refused(&mut self, node: NodeId, to: NodeId, msg: Self::Msg, fx: &mut Effects<'_, Self>);
    fn on_timer(&mut self, node: NodeId, timer: Self::Timer, fx: &mut Effects<'_, Self>);
    /// The node went down (crashed, or halted after a graceful stop): forget volatile state.
    /// Messages sent here still leave: they stand for the connections the node's operating
    /// system closes when its process dies.
    fn on_down(&mut self, node: NodeId, graceful: bool, fx: &mut Effects<'_, Self>);
    /// The node's machine lost power (after `on_down` if it was up): writes it never flushed
    /// to disk are gone. Most models keep nothing in a page cache and ignore it.
    fn on_power_loss(&mut self, _node: NodeId, _unflushed: u32, _fx: &mut Effects<'_, Self>) {}
    /// A graceful stop was asked for: hand over duties, then call [`Effects::halt`].
    fn on_stop(&mut self, node: NodeId, fx: &mut Effects<'_, Self>) {
        fx.halt(node);
    }
    fn on_action(&mut self, action: Self::Action, fx: &mut Effects<'_, Self>);
}

/// What a handler asks the world to do. Nothing happens until the handler returns.
pub struct Effects<'a, M: Model> {
    now: Millis,
    rng: &'a mut SimRng,
    sends: Vec<(NodeId, NodeId, M::Msg)>,
    timers: Vec<(NodeId, Millis, M::Timer, bool)>,
    cancels: Vec<(NodeId, M::Timer)>,
    notes: Vec<M::Note>,
    halts: Vec<NodeId>,
}

impl<M: Model> Effects<'_, M> {
    pub fn now(&self) -> Millis {
        self.now
    }
    pub fn send(&mut self, from: NodeId, to: NodeId, msg: M::Msg) {
        self.sends.push((from, to, msg));
    }
    /// Fire `timer` on `node` after `after_ms`, unless the node goes down first.
    pub fn set_timer(&mut self, node: NodeId, after_ms: Millis, timer: M::Timer) {
        self.timers.push((node, after_ms, timer, false));
    }
    /// Like [`Effects::set_timer`], but any pending timer equal to this one on this node is
    /// superseded and will never fire (a deadline pushed back, like a session timeout).
    pub fn reset_timer(&mut self, node: NodeId, after_ms: Millis, timer: M::Timer) {
        self.timers.push((node, after_ms, timer, true));
    }
    /// Supersede a timer set with [`Effects::reset_timer`] without setting a new one.
    pub fn cancel_timer(&mut self, node: NodeId, timer: M::Timer) {
        self.cancels.push((node, timer));
    }
    pub fn note(&mut self, note: M::Note) {
        self.notes.push(note);
    }
    /// End a graceful stop: the node is down once this handler returns.
    pub fn halt(&mut self, node: NodeId) {
        self.halts.push(node);
    }
    /// A uniform draw in `0..=max` from the world's seeded generator.
    pub fn random_up_to(&mut self, max: u64) -> u64 {
        self.rng.up_to(max)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    Up,
    /// Killed with `kill -9`.
    Crashed,
    /// Stopped gracefully.
    Stopped,
}

/// A message on the wire.
#[derive(Clone, Debug)]
pub struct Envelope<Msg> {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Millis,
    pub arrives_at: Millis,
    pub msg: Msg,
}

#[derive(Clone, Debug)]
enum Event<M: Model> {
    Deliver(Envelope<M::Msg>),
    Timer {
        node: NodeId,
        incarnation: u32,
        generation: Option<u64>,
        timer: M::Timer,
    },
    Fault(Fault),
    Action(M::Action),
}

/// What one step of the world was.
#[derive(Clone, Debug)]
pub enum StepKind<M: Model> {
    Delivered {
        envelope: Envelope<M::Msg>,
    },
    /// The link was cut while the message was on it.
    Dropped {
        envelope: Envelope<M::Msg>,
    },
    /// The destination was down; the sender was told (connection refused).
    Refused {
        envelope: Envelope<M::Msg>,
    },
    Timer {
        node: NodeId,
        timer: M::Timer,
    },
    Fault(Fault),
    Action(M::Action),
}

/// One step of the trace: one event, and the facts the model recorded while handling it.
#[derive(Clone, Debug)]
pub struct Step<M: Model> {
    pub index: u64,
    pub at: Millis,
    pub kind: StepKind<M>,
    pub notes: Vec<M::Note>,
}

impl<M: Model> Step<M>
where
    M::Timer: std::hash::Hash,
    M::Note: std::hash::Hash,
    M::Action: std::hash::Hash,
{
    /// Fold this step into a trace digest: which event, when, and every note. Envelopes count
    /// by their ids and ends, not their contents (what they carry shows in the notes).
    pub fn digest(&self, state: u64) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = crate::TraceHasher(state);
        (self.index, self.at).hash(&mut h);
        match &self.kind {
            StepKind::Delivered { envelope } => {
                (0u8, envelope.from, envelope.to, envelope.id).hash(&mut h)
            }
            StepKind::Dropped { envelope } => {
                (1u8, envelope.from, envelope.to, envelope.id).hash(&mut h)
            }
            StepKind::Refused { envelope } => {
                (2u8, envelope.from, envelope.to, envelope.id).hash(&mut h)
            }
            StepKind::Timer { node, timer } => (3u8, node, timer).hash(&mut h),
            StepKind::Fault(fault) => (4u8, fault).hash(&mut h),
            StepKind::Action(action) => (5u8, action).hash(&mut h),
        }
        self.notes.hash(&mut h);
        h.finish()
    }
}

#[derive(Clone, Copy, Debug)]
struct NodeState {
    liveness: Liveness,
    /// Bumped whenever the node goes down or up, so timers of a previous life never fire.
    incarnation: u32,
}

/// The whole simulated world. Cheap enough to clone that a player keeps checkpoints of it.
#[derive(Clone, Debug)]
pub struct World<M: Model> {
    model: M,
    now: Millis,
    queue: EventQueue<Event<M>>,
    network: Network,
    rng: SimRng,
    nodes: VecMap<NodeId, NodeState>,
    latency_ms: Millis,
    jitter_ms: Millis,
    steps_taken: u64,
    next_envelope: u64,
    /// Current generation of each named timer; an older generation firing is skipped.
    timer_generations: VecMap<(NodeId, M::Timer), u64>,
    next_generation: u64,
    /// Messages delivered per (from, to), a node's messages to itself excluded.
    traffic: VecMap<(NodeId, NodeId), u64>,
}

impl<M: Model> World<M> {
    /// Boot every node at time 0. `latency_ms` is the one-way delay of a healthy link and
    /// `jitter_ms` the most a seeded draw adds to it.
    pub fn new(
        model: M,
        nodes: &[NodeId],
        seed: u64,
        latency_ms: Millis,
        jitter_ms: Millis,
    ) -> Self {
        let mut world = Self {
            model,
            now: 0,
            queue: EventQueue::default(),
            network: Network::default(),
            rng: SimRng::new(seed),
            nodes: nodes
                .iter()
                .map(|&n| {
                    (
                        n,
                        NodeState {
                            liveness: Liveness::Up,
                            incarnation: 0,
                        },
                    )
                })
                .collect(),
            latency_ms,
            jitter_ms,
            steps_taken: 0,
            next_envelope: 0,
            timer_generations: VecMap::new(),
            next_generation: 0,
            traffic: VecMap::new(),
        };
        let mut notes = Vec::new();
        for &node in nodes {
            world.handle(&mut notes, |model, fx| model.on_start(node, fx));
        }
        world
    }

    pub fn schedule_fault(&mut self, at: Millis, fault: Fault) {
        self.queue.push(at.max(self.now), Event::Fault(fault));
    }

    pub fn schedule_action(&mut self, at: Millis, action: M::Action) {
        self.queue.push(at.max(self.now), Event::Action(action));
    }

    pub fn model(&self) -> &M {
        &self.model
    }
    pub fn now(&self) -> Millis {
        self.now
    }
    pub fn steps_taken(&self) -> u64 {
        self.steps_taken
    }
    /// Messages delivered so far between each ordered pair of nodes.
    pub fn traffic(&self) -> &VecMap<(NodeId, NodeId), u64> {
        &self.traffic
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    pub fn liveness(&self, node: NodeId) -> Liveness {
        self.nodes
            .get(&node)
            .map_or(Liveness::Crashed, |s| s.liveness)
    }
    pub fn is_up(&self, node: NodeId) -> bool {
        self.liveness(node) == Liveness::Up
    }
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.keys().copied()
    }
    /// Messages on the wire, in the order they were sent.
    pub fn in_flight(&self) -> Vec<&Envelope<M::Msg>> {
        let mut envelopes: Vec<_> = self
            .queue
            .iter()
            .filter_map(|(_, e)| match e {
                Event::Deliver(env) => Some(env),
                _ => None,
            })
            .collect();
        crate::compact::sort_by_key(&mut envelopes, |e| e.id);
        envelopes
    }
    /// Time of the next event, if any.
    pub fn next_event_at(&self) -> Option<Millis> {
        self.queue.peek_time()
    }

    /// Apply a fault now, ahead of anything queued: the next step of the trace is this fault.
    /// How a fault clicked on the stage lands exactly where the user was.
    pub fn inject_fault(&mut self, fault: Fault) -> Step<M> {
        let mut notes = Vec::new();
        self.apply_fault(&fault, &mut notes);
        self.finish_step(StepKind::Fault(fault), notes)
    }

    /// Run an action now, ahead of anything queued.
    pub fn inject_action(&mut self, action: M::Action) -> Step<M> {
        let mut notes = Vec::new();
        let a = action.clone();
        self.handle(&mut notes, |model, fx| model.on_action(a, fx));
        self.finish_step(StepKind::Action(action), notes)
    }

    fn finish_step(&mut self, kind: StepKind<M>, notes: Vec<M::Note>) -> Step<M> {
        let index = self.steps_taken;
        self.steps_taken += 1;
        Step {
            index,
            at: self.now,
            kind,
            notes,
        }
    }

    /// Process the next event. `None` when nothing is left to happen.
    pub fn step(&mut self) -> Option<Step<M>> {
        loop {
            let (at, event) = self.queue.pop()?;
            self.now = at;
            let mut notes = Vec::new();
            let kind = match event {
                Event::Timer {
                    node,
                    incarnation,
                    generation,
                    timer,
                } => {
                    let alive = self.nodes.get(&node).is_some_and(|s| {
                        s.liveness == Liveness::Up && s.incarnation == incarnation
                    });
                    let current = match generation {
                        None => true,
                        Some(g) => self.timer_generations.get(&(node, timer.clone())) == Some(&g),
                    };
                    if current && generation.is_some() {
                        self.timer_generations.remove(&(node, timer.clone()));
                    }
                    if !alive || !current {
                        continue; // a timer of a previous life: not an event at all
                    }
                    let t = timer.clone();
                    self.handle(&mut notes, |model, fx| model.on_timer(node, t, fx));
                    StepKind::Timer { node, timer }
                }
                Event::Deliver(envelope) => self.deliver(envelope, &mut notes),
                Event::Fault(fault) => {
                    self.apply_fault(&fault, &mut notes);
                    StepKind::Fault(fault)
                }
                Event::Action(action) => {
                    let a = action.clone();
                    self.handle(&mut notes, |model, fx| model.on_action(a, fx));
                    StepKind::Action(action)
                }
            };
            return Some(self.finish_step(kind, notes));
        }
    }

    fn deliver(&mut self, envelope: Envelope<M::Msg>, notes: &mut Vec<M::Note>) -> StepKind<M> {
        let (from, to) = (envelope.from, envelope.to);
        if self.network.state(from, to) == LinkState::Cut {
            return StepKind::Dropped { envelope };
        }
        if !self.is_up(to) {
            if self.is_up(from) {
                let msg = envelope.msg.clone();
                self.handle(notes, |model, fx| model.on_refused(from, to, msg, fx));
            }
            return StepKind::Refused { envelope };
        }
        if from != to {
            *self.traffic.entry((from, to)).or_insert(0) += 1;
        }
        let msg = envelope.msg.clone();
        self.handle(notes, |model, fx| model.on_message(to, from, msg, fx));
        StepKind::Delivered { envelope }
    }

    fn apply_fault(&mut self, fault: &Fault, notes: &mut Vec<M::Note>) {
        match fault {
            Fault::Crash { node } => {
                if self.is_up(*node) {
                    self.go_down(*node, false, notes);
                }
            }
            Fault::PowerLoss { node, unflushed } => {
                if self.is_up(*node) {
                    self.go_down(*node, false, notes);
                }
                let (n, unflushed) = (*node, *unflushed);
                if self.nodes.contains_key(&n) {
                    self.handle(notes, |model, fx| model.on_power_loss(n, unflushed, fx));
                }
            }
            Fault::Stop { node } => {
                if self.is_up(*node) {
                    let n = *node;
                    self.handle(notes, |model, fx| model.on_stop(n, fx));
                }
            }
            Fault::Restart { node } => {
                let n = *node;
                if let Some(state) = self.nodes.get_mut(&n) {
                    if state.liveness != Liveness::Up {
                        state.liveness = Liveness::Up;
                        state.incarnation += 1;
                        self.handle(notes, |model, fx| model.on_start(n, fx));
                    }
                }
            }
            Fault::Isolate { node } => {
                let others: Vec<NodeId> =
                    self.nodes.keys().copied().filter(|n| n != node).collect();
                for other in others {
                    self.network.set_both(*node, other, LinkState::Cut);
                }
            }
            Fault::Reconnect { node } => {
                let others: Vec<NodeId> =
                    self.nodes.keys().copied().filter(|n| n != node).collect();
                for other in others {
                    self.network.set_both(*node, other, LinkState::Healthy);
                }
            }
            Fault::Partition { left, right } => {
                for &a in left {
                    for &b in right {
                        self.network.set_both(a, b, LinkState::Cut);
                    }
                }
            }
            Fault::CutLink { a, b } => self.network.set_both(*a, *b, LinkState::Cut),
            Fault::SlowLink { a, b, extra_ms } => self.network.set_both(
                *a,
                *b,
                LinkState::Slow {
                    extra_ms: *extra_ms,
                },
            ),
            Fault::HealLink { a, b } => self.network.set_both(*a, *b, LinkState::Healthy),
            Fault::HealAll => self.network.heal_all(),
        }
    }

    fn go_down(&mut self, node: NodeId, graceful: bool, notes: &mut Vec<M::Note>) {
        if let Some(state) = self.nodes.get_mut(&node) {
            state.liveness = if graceful {
                Liveness::Stopped
            } else {
                Liveness::Crashed
            };
            state.incarnation += 1;
        }
        // What the handler sends are the node's last words: the connections its operating
        // system closes when the process is gone.
        self.handle_departing(notes, Some(node), |model, fx| {
            model.on_down(node, graceful, fx)
        });
    }

    /// Run a handler and apply what it asked for.
    fn handle(&mut self, notes: &mut Vec<M::Note>, f: impl FnOnce(&mut M, &mut Effects<'_, M>)) {
        self.handle_departing(notes, None, f);
    }

    /// Like `handle`, but `departing` (a node going down) may still send.
    fn handle_departing(
        &mut self,
        notes: &mut Vec<M::Note>,
        departing: Option<NodeId>,
        f: impl FnOnce(&mut M, &mut Effects<'_, M>),
    ) {
        let mut fx = Effects {
            now: self.now,
            rng: &mut self.rng,
            sends: Vec::new(),
            timers: Vec::new(),
            cancels: Vec::new(),
            notes: Vec::new(),
            halts: Vec::new(),
        };
        f(&mut self.model, &mut fx);
        let Effects {
            sends,
            timers,
            cancels,
            notes: new_notes,
            halts,
            ..
        } = fx;
        for key in cancels {
            self.timer_generations.remove(&key);
        }
        notes.extend(new_notes);
        for (from, to, msg) in sends {
            if !self.is_up(from) && departing != Some(from) {
                continue;
            }
            let jitter = if self.jitter_ms > 0 {
                self.rng.up_to(self.jitter_ms)
            } else {
                0
            };
            let arrives_at = self
                .network
                .arrival(from, to, self.now, self.latency_ms + jitter);
            let id = self.next_envelope;
            self.next_envelope += 1;
            let envelope = Envelope {
                id,
                from,
                to,
                sent_at: self.now,
                arrives_at,
                msg,
            };
            self.queue.push(arrives_at, Event::Deliver(envelope));
        }
        for (node, after, timer, named) in timers {
            let Some(state) = self.nodes.get(&node).copied() else {
                continue;
            };
            if state.liveness != Liveness::Up {
                continue;
            }
            let generation = named.then(|| {
                self.next_generation += 1;
                self.timer_generations
                    .insert((node, timer.clone()), self.next_generation);
                self.next_generation
            });
            self.queue.push(
                self.now + after,
                Event::Timer {
                    node,
                    incarnation: state.incarnation,
                    generation,
                    timer,
                },
            );
        }
        for node in halts {
            if self.is_up(node) {
                self.go_down(node, true, notes);
            }
        }
    }
}

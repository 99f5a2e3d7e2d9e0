//! The engine's contract, checked with a tiny ping-pong model.
use mqlab_engine::{
    digest, Effects, Fault, Liveness, Model, NodeId, StepKind, World, DIGEST_START,
};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);

#[derive(Clone, Debug, Default)]
struct PingPong {
    received: Vec<(NodeId, u32)>,
    refused: Vec<u32>,
    downs: Vec<(NodeId, bool)>,
}

impl Model for PingPong {
    type Msg = u32;
    type Timer = u32;
    type Note = String;
    type Action = u32;

    fn on_start(&mut self, node: NodeId, fx: &mut Effects<'_, Self>) {
        if node == A {
            fx.set_timer(A, 10, 0);
        }
    }
    fn on_message(&mut self, node: NodeId, from: NodeId, msg: u32, fx: &mut Effects<'_, Self>) {
        self.received.push((node, msg));
        fx.note(format!("{node} got {msg}"));
        if msg < 6 {
            fx.send(node, from, msg + 1);
        }
    }
    fn on_refused(&mut self, _node: NodeId, _to: NodeId, msg: u32, _fx: &mut Effects<'_, Self>) {
        self.refused.push(msg);
    }
    fn on_timer(&mut self, node: NodeId, timer: u32, fx: &mut Effects<'_, Self>) {
        fx.send(node, B, 100 + timer);
        fx.set_timer(node, 10, timer + 1);
    }
    fn on_down(&mut self, node: NodeId, graceful: bool, _fx: &mut Effects<'_, Self>) {
        self.downs.push((node, graceful));
    }
    fn on_action(&mut self, action: u32, fx: &mut Effects<'_, Self>) {
        fx.send(A, B, action);
    }
}

fn world(seed: u64) -> World<PingPong> {
    World::new(PingPong::default(), &[A, B], seed, 2, 3)
}

fn run_until(world: &mut World<PingPong>, until: u64) -> Vec<String> {
    let mut log = Vec::new();
    while world.next_event_at().is_some_and(|t| t <= until) {
        match world.step() {
            Some(step) => log.push(format!("{step:?}")),
            None => break, // only stale timers were left
        }
    }
    log
}

#[test]
fn same_seed_same_trace_different_seed_different_timing() {
    let trace = |seed| {
        let mut w = world(seed);
        w.schedule_action(5, 0);
        w.schedule_fault(33, Fault::Crash { node: B });
        w.schedule_fault(60, Fault::Restart { node: B });
        run_until(&mut w, 100).join("\n")
    };
    for seed in 0..50 {
        assert_eq!(trace(seed), trace(seed), "seed {seed} is not reproducible");
    }
    let digests: std::collections::BTreeSet<u64> = (0..50)
        .map(|s| digest(trace(s).as_bytes(), DIGEST_START))
        .collect();
    assert!(digests.len() > 1, "jitter must make seeds matter");
}

#[test]
fn links_are_fifo_despite_jitter() {
    let mut w = world(3);
    for i in 0..20 {
        w.schedule_action(1, 1000 + i);
    }
    run_until(&mut w, 9);
    let at_b: Vec<u32> = w
        .model()
        .received
        .iter()
        .filter(|(n, m)| *n == B && *m >= 1000)
        .map(|(_, m)| *m)
        .collect();
    assert_eq!(at_b, (1000..1020).collect::<Vec<_>>());
}

#[test]
fn crash_refuses_messages_and_kills_timers_until_restart() {
    let mut w = world(1);
    w.schedule_fault(1, Fault::Crash { node: A });
    let log = run_until(&mut w, 50);
    assert_eq!(w.liveness(A), Liveness::Crashed);
    assert!(
        !log.iter().any(|l| l.contains("Timer")),
        "a crashed node's timers must not fire"
    );
    w.schedule_fault(50, Fault::Restart { node: A });
    run_until(&mut w, 75);
    assert!(w.is_up(A));
    assert!(
        w.model().received.iter().any(|(n, m)| *n == B && *m >= 100),
        "timers resume after restart"
    );

    // B down: A's pings are refused, not silently lost.
    w.schedule_fault(80, Fault::Crash { node: B });
    run_until(&mut w, 120);
    assert!(!w.model().refused.is_empty());
    assert_eq!(w.model().downs, vec![(A, false), (B, false)]);
}

#[test]
fn cut_link_drops_silently_and_heal_restores() {
    let mut w = world(9);
    w.schedule_fault(0, Fault::Isolate { node: B });
    let mut dropped = 0;
    while w.next_event_at().is_some_and(|t| t <= 40) {
        if let Some(StepKind::Dropped { .. }) = w.step().map(|s| s.kind) {
            dropped += 1;
        }
    }
    assert!(dropped > 0);
    assert!(w.model().received.is_empty() && w.model().refused.is_empty());
    w.schedule_fault(40, Fault::HealAll);
    run_until(&mut w, 80);
    assert!(!w.model().received.is_empty());
}

#[test]
fn graceful_stop_halts_through_the_model() {
    let mut w = world(0);
    w.schedule_fault(5, Fault::Stop { node: B });
    run_until(&mut w, 6);
    assert_eq!(w.liveness(B), Liveness::Stopped);
    assert_eq!(w.model().downs, vec![(B, true)]);
}

#[test]
fn a_reset_timer_supersedes_the_pending_one_and_cancel_removes_it() {
    #[derive(Clone, Debug, Default)]
    struct Deadline {
        fired: Vec<(u64, u32)>,
    }
    impl Model for Deadline {
        type Msg = ();
        type Timer = u32;
        type Note = ();
        type Action = u32;
        fn on_start(&mut self, node: NodeId, fx: &mut Effects<'_, Self>) {
            fx.reset_timer(node, 10, 1);
            fx.reset_timer(node, 10, 2);
        }
        fn on_message(&mut self, _: NodeId, _: NodeId, _: (), _: &mut Effects<'_, Self>) {}
        fn on_refused(&mut self, _: NodeId, _: NodeId, _: (), _: &mut Effects<'_, Self>) {}
        fn on_timer(&mut self, _: NodeId, timer: u32, fx: &mut Effects<'_, Self>) {
            self.fired.push((fx.now(), timer));
        }
        fn on_down(&mut self, _: NodeId, _: bool, _: &mut Effects<'_, Self>) {}
        fn on_action(&mut self, action: u32, fx: &mut Effects<'_, Self>) {
            match action {
                0 => fx.reset_timer(A, 10, 1), // push the deadline of timer 1 back
                _ => fx.cancel_timer(A, 2),
            }
        }
    }
    let mut w = World::new(Deadline::default(), &[A], 0, 1, 0);
    w.schedule_action(5, 0);
    w.schedule_action(6, 1);
    let mut steps = 0;
    while w.step().is_some() {
        steps += 1;
    }
    assert_eq!(
        w.model().fired,
        vec![(15, 1)],
        "only the reset deadline fires"
    );
    assert_eq!(steps, 3, "superseded timers are not steps");
}

#[test]
fn clones_replay_identically() {
    let mut w = world(11);
    w.schedule_action(5, 0);
    run_until(&mut w, 20);
    let mut copy = w.clone();
    assert_eq!(run_until(&mut w, 200), run_until(&mut copy, 200));
}

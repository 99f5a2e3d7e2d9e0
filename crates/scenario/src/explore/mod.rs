//! The counterexample search: "can this configuration lose an acknowledged message, or
//! process one twice, or break the order, and how?" From a scenario, try schedules of faults
//! (which node to kill, stop or isolate, which link to cut, and when; then restart or
//! reconnect what a schedule took down), fewest faults first and earliest first, and report
//! the first schedule that breaks the chosen property, judged on the message ledger at the
//! end of the run. When none does within the bounds, say exactly what was tried: never
//! "safe".
//!
//! The moments are taken from a run without faults: the times just after the ledger changed
//! (a message sent, acknowledged, copied, delivered, processed, committed past), thinned
//! evenly to the bound. The search is deterministic: the same scenario (seed included) and
//! bounds give the same schedules in the same order, natively and in wasm. It runs in slices
//! ([`Explorer::run`]) so a page can show progress between them and stop it.

use crate::doc::{ActionDoc, ScenarioDoc, ScriptEntry};
use crate::error::ScenarioError;
use crate::frame::NodeKind;
use crate::i18n::{Lang, Text};
use crate::player::run_watching;
use crate::sim::{Judged, Sim};
use crate::validate::{validate, Built, Validated};
use mqlab_ledger::{Consumption, Fate};

pub mod wire;

/// What a schedule must break to count as a counterexample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Property {
    /// An acknowledged (confirmed) message is gone, or a consumer group committed past one it
    /// never processed: 不能少 broken.
    LostAcked,
    /// A message stored twice on the broker, or processed into a store twice with the extra
    /// row kept: 不能多 broken. A repeat the store's idempotency absorbed does not count.
    Duplicated,
    /// A message stored before one its producer sent earlier to the same partition or queue.
    OrderBroken,
}

crate::read::named!(Property {
    "lost-acked" => LostAcked,
    "duplicated" => Duplicated,
    "order-broken" => OrderBroken,
});

impl Property {
    pub const ALL: [Property; 3] = [
        Property::LostAcked,
        Property::Duplicated,
        Property::OrderBroken,
    ];

    /// The name the command line and share links use.
    pub fn key(self) -> &'static str {
        match self {
            Property::LostAcked => "lost-acked",
            Property::Duplicated => "duplicated",
            Property::OrderBroken => "order-broken",
        }
    }

    pub fn from_key(key: &str) -> Option<Property> {
        Property::ALL.into_iter().find(|p| p.key() == key)
    }

    /// What breaking it means, as a noun phrase.
    pub fn label(self) -> Text {
        let (en, zh) = match self {
            Property::LostAcked => ("an acknowledged message lost", "已确认的消息丢失"),
            Property::Duplicated => (
                "a message stored or processed twice",
                "消息被重复存储或处理",
            ),
            Property::OrderBroken => ("order broken within a partition", "分区内顺序被打乱"),
        };
        Text {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The messages (indices in production order) that break it.
    fn victims(self, judged: &Judged) -> Vec<usize> {
        judged
            .assessments
            .iter()
            .zip(&judged.placements)
            .enumerate()
            .filter(|(_, (a, p))| match self {
                Property::LostAcked => {
                    a.fate == Fate::Lost || a.consumption == Consumption::Skipped
                }
                Property::Duplicated => {
                    p.on_authority > 1 || a.consumption == Consumption::Duplicated
                }
                Property::OrderBroken => a.out_of_order,
            })
            .map(|(i, _)| i)
            .collect()
    }
}

/// What one fault of a schedule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FaultKind {
    /// kill -9.
    Crash,
    /// A clean shutdown.
    Stop,
    /// Every link of the node cut.
    Isolate,
    /// The one link between two cluster nodes cut, both ways.
    CutLink,
    /// Start again what a crash or stop took down.
    Restart,
    /// Heal what an isolation cut.
    Reconnect,
}

impl FaultKind {
    /// Undoes an earlier fault: only after one of that kind on the same node.
    fn is_repair(self) -> bool {
        matches!(self, FaultKind::Restart | FaultKind::Reconnect)
    }

    fn words(self) -> (&'static str, &'static str) {
        match self {
            FaultKind::Crash => ("crash", "崩溃"),
            FaultKind::Stop => ("stop", "停止"),
            FaultKind::Isolate => ("isolate", "隔离"),
            FaultKind::CutLink => ("cut a link", "切断链路"),
            FaultKind::Restart => ("restart", "重启"),
            FaultKind::Reconnect => ("reconnect", "恢复连接"),
        }
    }
}

/// One fault of a schedule, by node name, at a simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub at_ms: u64,
    pub kind: FaultKind,
    pub node: String,
    /// The other end of a cut link.
    pub peer: Option<String>,
}

impl Fault {
    /// The script entry that does it.
    pub fn entry(&self) -> ScriptEntry {
        let node = self.node.clone();
        let action = match self.kind {
            FaultKind::Crash => ActionDoc::Crash { node },
            FaultKind::Stop => ActionDoc::Stop { node },
            FaultKind::Isolate => ActionDoc::Isolate { node },
            FaultKind::CutLink => ActionDoc::CutLink {
                a: node,
                b: self.peer.clone().unwrap_or_default(),
            },
            FaultKind::Restart => ActionDoc::Restart { node },
            FaultKind::Reconnect => ActionDoc::Reconnect { node },
        };
        ScriptEntry {
            at_ms: Some(self.at_ms),
            after_step: None,
            action,
        }
    }

    /// "at 1.005 s: kill -9 broker-1" / "1.005 秒：kill -9 broker-1".
    pub fn describe(&self) -> Text {
        let n = &self.node;
        let (en, zh) = match self.kind {
            FaultKind::Crash => (format!("kill -9 {n}"), format!("kill -9 {n}")),
            FaultKind::Stop => (format!("stop {n} cleanly"), format!("正常停止 {n}")),
            FaultKind::Isolate => (format!("isolate {n}"), format!("隔离 {n}")),
            FaultKind::CutLink => {
                let p = self.peer.as_deref().unwrap_or("?");
                (
                    format!("cut the link {n} ↔ {p}"),
                    format!("切断 {n} ↔ {p} 之间的链路"),
                )
            }
            FaultKind::Restart => (format!("restart {n}"), format!("重启 {n}")),
            FaultKind::Reconnect => (format!("reconnect {n}"), format!("恢复 {n} 的连接")),
        };
        let t = seconds(self.at_ms);
        Text {
            en: format!("at {t} s: {en}"),
            zh: format!("{t} 秒：{zh}"),
        }
    }
}

/// "1.005": milliseconds as seconds.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// How far a search goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// The most faults in one schedule (1 to 3).
    pub faults: u32,
    /// How many moments a fault may happen at (1 to 200).
    pub moments: u32,
    /// The most runs in all (1 to 1,000,000).
    pub runs: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            faults: 2,
            moments: 40,
            runs: 20_000,
        }
    }
}

impl Bounds {
    pub fn check(&self) -> Result<(), ScenarioError> {
        let bound = |field: &str, value: u64, max: u64| {
            if (1..=max).contains(&value) {
                Ok(())
            } else {
                Err(ScenarioError::new(
                    field,
                    format!("must be between 1 and {max}, got {value}"),
                    format!("必须在 1 到 {max} 之间，实际为 {value}"),
                ))
            }
        };
        bound("faults", self.faults.into(), 3)?;
        bound("moments", self.moments.into(), 200)?;
        bound("runs", self.runs, 1_000_000)
    }
}

/// A schedule that breaks the property, and where to see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterexample {
    /// Empty when the scenario breaks the property without any fault added.
    pub faults: Vec<Fault>,
    /// The scenario with the schedule in its script: what the stage opens.
    pub doc: ScenarioDoc,
    /// The position in that scenario's trace from which the property stays broken.
    pub step: u64,
    pub time_ms: u64,
    /// The first message that breaks it, by label.
    pub victim: Option<String>,
    /// How many messages break it at the end.
    pub victims: u32,
    /// Runs it took to find.
    pub runs: u64,
}

/// Where a search stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub runs: u64,
    /// The run limit.
    pub budget: u64,
    /// Faults per schedule being tried now.
    pub faults: u32,
    /// Schedules of that size tried, of how many there are.
    pub tried: u64,
    pub schedules: u64,
}

#[derive(Clone, Debug)]
pub enum Outcome {
    Searching(Progress),
    Found(Box<Counterexample>),
    /// Nothing broke it within the bounds; `summary` says what was tried.
    Exhausted {
        runs: u64,
        summary: Text,
    },
}

/// The fault-free scenario as the search sees it.
struct Survey {
    /// Times just after the ledger changed, in order, without repeats.
    moments: Vec<u64>,
    /// The nodes by name, with their kind, in display order.
    nodes: Vec<(String, NodeKind)>,
}

/// How many faults per schedule, and the schedules of that size tried so far.
struct Level {
    faults: usize,
    /// The current combination of candidate indices (ascending); `None` before the first.
    combination: Option<Vec<usize>>,
    tried: u64,
    schedules: u64,
}

/// A search in progress; call [`Explorer::run`] until it stops searching.
pub struct Explorer {
    base: ScenarioDoc,
    property: Property,
    bounds: Bounds,
    /// Every single fault a schedule may use, ordered by time, then node, then kind.
    candidates: Vec<Fault>,
    moments: usize,
    targets: usize,
    runs: u64,
    level: Level,
    /// Finished levels: (faults, schedules tried, schedules in all).
    done: Vec<(usize, u64, u64)>,
    finished: Option<Outcome>,
}

/// The most combinations counted before a level's size is given as "more than".
const COUNT_CAP: u64 = 2_000_000;

impl Explorer {
    /// Prepare a search from `doc` as it is (call [`without_faults`] first to search the
    /// configuration rather than the script). A scenario that breaks the property with no
    /// fault added is reported at once as a counterexample with no faults.
    pub fn new(
        doc: ScenarioDoc,
        property: Property,
        bounds: Bounds,
    ) -> Result<Self, ScenarioError> {
        bounds.check()?;
        let survey = match validate(&doc)? {
            Validated::Kafka(built) => survey::<mqlab_kafka::Kafka>(&built),
            Validated::Rabbit(built) => survey::<mqlab_rabbitmq::Rabbit>(&built),
        };
        let moments = thin(&survey.moments, bounds.moments as usize);
        let candidates = candidates(&moments, &survey.nodes, doc.duration_ms);
        let targets = survey
            .nodes
            .iter()
            .filter(|(_, kind)| *kind != NodeKind::Reader)
            .count();
        let mut explorer = Explorer {
            base: doc,
            property,
            bounds,
            candidates,
            moments: moments.len(),
            targets,
            runs: 0,
            level: Level {
                faults: 0,
                combination: None,
                tried: 0,
                schedules: 1,
            },
            done: Vec::new(),
            finished: None,
        };
        // The scenario alone, then schedules of one fault, two, ...
        explorer.runs = 1;
        if let Some(found) = explorer.try_schedule(&[])? {
            explorer.finished = Some(Outcome::Found(Box::new(found)));
        } else {
            explorer.next_level();
        }
        Ok(explorer)
    }

    pub fn property(&self) -> Property {
        self.property
    }
    pub fn bounds(&self) -> Bounds {
        self.bounds
    }
    /// The moments faults are tried at, and the nodes they are tried on.
    pub fn moments(&self) -> usize {
        self.moments
    }

    /// Try up to `slice` more schedules; the outcome so far.
    pub fn run(&mut self, slice: u64) -> Outcome {
        let mut left = slice;
        while self.finished.is_none() && left > 0 {
            if self.runs >= self.bounds.runs {
                self.finish_exhausted(true);
                break;
            }
            let Some(schedule) = self.next_schedule() else {
                self.next_level();
                continue;
            };
            left -= 1;
            self.runs += 1;
            self.level.tried += 1;
            match self.try_schedule(&schedule) {
                Ok(Some(found)) => self.finished = Some(Outcome::Found(Box::new(found))),
                Ok(None) => {}
                // A schedule the scenario refuses (a script grown too long): not a run.
                Err(_) => self.runs -= 1,
            }
        }
        match &self.finished {
            Some(outcome) => outcome.clone(),
            None => Outcome::Searching(self.progress()),
        }
    }

    /// Search until found or exhausted.
    pub fn run_to_end(&mut self) -> Outcome {
        loop {
            if let outcome @ (Outcome::Found(_) | Outcome::Exhausted { .. }) = self.run(1024) {
                return outcome;
            }
        }
    }

    pub fn progress(&self) -> Progress {
        Progress {
            runs: self.runs,
            budget: self.bounds.runs,
            faults: self.level.faults as u32,
            tried: self.level.tried,
            schedules: self.level.schedules,
        }
    }

    /// Close the current level and open the next one, or end the search.
    fn next_level(&mut self) {
        if self.level.faults > 0 {
            self.done
                .push((self.level.faults, self.level.tried, self.level.schedules));
        }
        let faults = self.level.faults + 1;
        if faults > self.bounds.faults as usize || self.candidates.is_empty() {
            self.finish_exhausted(false);
            return;
        }
        self.level = Level {
            faults,
            combination: None,
            tried: 0,
            schedules: count_schedules(&self.candidates, faults),
        };
    }

    /// The next valid schedule of the current level, or `None` when the level is done.
    fn next_schedule(&mut self) -> Option<Vec<Fault>> {
        let n = self.candidates.len();
        let k = self.level.faults;
        loop {
            let next = match self.level.combination.take() {
                None => (k <= n).then(|| (0..k).collect()),
                Some(c) => next_combination(c, n),
            };
            let c = next?;
            let valid = valid(&self.candidates, &c);
            self.level.combination = Some(c);
            if valid {
                let c = self.level.combination.as_ref()?;
                return Some(c.iter().map(|&i| self.candidates[i].clone()).collect());
            }
        }
    }

    fn try_schedule(&self, faults: &[Fault]) -> Result<Option<Counterexample>, ScenarioError> {
        let mut doc = self.base.clone();
        doc.script.extend(faults.iter().map(Fault::entry));
        let located = match validate(&doc)? {
            Validated::Kafka(built) => verdict::<mqlab_kafka::Kafka>(&built, self.property),
            Validated::Rabbit(built) => verdict::<mqlab_rabbitmq::Rabbit>(&built, self.property),
        };
        Ok(located.map(|l| Counterexample {
            faults: faults.to_vec(),
            doc,
            step: l.step,
            time_ms: l.time_ms,
            victim: l.victim,
            victims: l.victims,
            runs: self.runs,
        }))
    }

    fn finish_exhausted(&mut self, out_of_runs: bool) {
        if out_of_runs && self.level.faults > 0 {
            self.done
                .push((self.level.faults, self.level.tried, self.level.schedules));
        }
        let property = self.property.label();
        let kinds = |lang: Lang| {
            // Restarts and reconnects only follow a fault: named when a schedule had room.
            let repairs = self.done.iter().any(|&(faults, _, _)| faults > 1);
            let mut kinds: Vec<FaultKind> = self
                .candidates
                .iter()
                .map(|c| c.kind)
                .filter(|k| repairs || !k.is_repair())
                .collect();
            kinds.sort();
            kinds.dedup();
            kinds
                .iter()
                .map(|k| crate::i18n::pick(lang, k.words().0, k.words().1))
                .collect::<Vec<_>>()
                .join(crate::i18n::pick(lang, ", ", "、"))
        };
        let (m, t) = (self.moments, self.targets);
        let mut parts_en = Vec::new();
        let mut parts_zh = Vec::new();
        for &(faults, tried, all) in &self.done {
            let every = tried == all;
            let all_text = if all >= COUNT_CAP {
                format!("more than {}", thousands(all))
            } else {
                thousands(all)
            };
            let all_zh = if all >= COUNT_CAP {
                format!("超过 {}", thousands(all))
            } else {
                thousands(all)
            };
            let s = if faults == 1 { "" } else { "s" };
            parts_en.push(if every {
                format!("{faults} fault{s} at any of {m} moments on {t} nodes: all {all_text} schedules")
            } else {
                format!(
                    "{faults} fault{s}: {} of {all_text} schedules (the earliest; the run limit ended it)",
                    thousands(tried)
                )
            });
            parts_zh.push(if every {
                format!("在 {m} 个时刻中的任一时刻对 {t} 个节点注入 {faults} 个故障：全部 {all_zh} 种方案")
            } else {
                format!(
                    "{faults} 个故障：{all_zh} 种方案中最早的 {} 种（达到运行上限）",
                    thousands(tried)
                )
            });
        }
        let runs = self.runs;
        let summary = Text {
            en: format!(
                "Tried {} runs, faults of the kinds {}: {}. No schedule ended with {}. This is not a proof of safety: other moments, other timings or more faults may still break it.",
                thousands(runs),
                kinds(Lang::En),
                parts_en.join("; "),
                property.en
            ),
            zh: format!(
                "共运行 {} 次，故障类型：{}。{}。没有任何方案以「{}」结束。这不是安全的证明：其他时刻、其他时序或更多故障仍可能破坏它。",
                thousands(runs),
                kinds(Lang::Zh),
                parts_zh.join("；"),
                property.zh
            ),
        };
        self.finished = Some(Outcome::Exhausted { runs, summary });
    }
}

/// "20,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The scenario with no faults in its script (crashes, stops, restarts, isolations, cut or
/// healed links, partitions): what a configuration search starts from. Slow links stay: they
/// are part of the setting (a follower that lags), not a failure.
pub fn without_faults(doc: &ScenarioDoc) -> ScenarioDoc {
    let mut doc = doc.clone();
    doc.script.retain(|entry| {
        !matches!(
            entry.action,
            ActionDoc::Crash { .. }
                | ActionDoc::PowerLoss { .. }
                | ActionDoc::Stop { .. }
                | ActionDoc::Restart { .. }
                | ActionDoc::Isolate { .. }
                | ActionDoc::Reconnect { .. }
                | ActionDoc::Partition { .. }
                | ActionDoc::CutLink { .. }
                | ActionDoc::HealLink { .. }
                | ActionDoc::HealAll
        )
    });
    doc
}

/// Run the scenario without faults once: the moments the ledger changed, and the nodes.
fn survey<M: Sim>(built: &Built<M::Config, M::Action>) -> Survey
where
    M::Action: Clone,
{
    let mut moments = Vec::new();
    let mut last = None;
    let mut nodes = Vec::new();
    run_watching::<M>(built, |world| {
        if nodes.is_empty() {
            nodes = M::frame(world, None, &built.names, 0, 0)
                .nodes
                .into_iter()
                .map(|n| (n.name, n.kind))
                .collect();
        }
        let key = fingerprint(&M::judge(world));
        if last != Some(key) {
            last = Some(key);
            if moments.last() != Some(&(world.now() + 1)) {
                moments.push(world.now() + 1);
            }
        }
        false
    });
    Survey { moments, nodes }
}

/// A number that changes when any message's fate, copies or consumption changes.
fn fingerprint(judged: &Judged) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |v: u64| {
        h ^= v;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    for (a, p) in judged.assessments.iter().zip(&judged.placements) {
        mix(a.fate as u64);
        mix(a.consumption as u64);
        mix(u64::from(a.out_of_order));
        mix(p.copies.len() as u64);
        mix(u64::from(p.on_authority));
        mix(u64::from(p.readable) | u64::from(p.skipped) << 1 | u64::from(p.consumed) << 2);
    }
    h
}

/// At most `keep` of `moments`, spread evenly, first and last included.
fn thin(moments: &[u64], keep: usize) -> Vec<u64> {
    if moments.len() <= keep {
        return moments.to_vec();
    }
    if keep == 1 {
        return moments[..1].to_vec();
    }
    let last = moments.len() - 1;
    let mut out: Vec<u64> = (0..keep)
        .map(|i| moments[(i * last + (keep - 1) / 2) / (keep - 1)])
        .collect();
    out.dedup();
    out
}

/// Every single fault at every moment: crash, stop and restart for brokers and consumers;
/// isolate and reconnect for any client or cluster node; a cut link between two cluster
/// nodes.
fn candidates(moments: &[u64], nodes: &[(String, NodeKind)], duration_ms: u64) -> Vec<Fault> {
    let cluster = |k: NodeKind| matches!(k, NodeKind::Broker | NodeKind::Controller);
    let killable = |k: NodeKind| matches!(k, NodeKind::Broker | NodeKind::Consumer);
    let mut out = Vec::new();
    for &at_ms in moments.iter().filter(|&&t| t <= duration_ms) {
        for (i, (node, kind)) in nodes.iter().enumerate() {
            let kind = *kind;
            if kind == NodeKind::Reader {
                continue;
            }
            let mut add = |kind, peer: Option<&String>| {
                out.push(Fault {
                    at_ms,
                    kind,
                    node: node.clone(),
                    peer: peer.cloned(),
                })
            };
            if killable(kind) {
                add(FaultKind::Crash, None);
                add(FaultKind::Stop, None);
            }
            add(FaultKind::Isolate, None);
            if cluster(kind) {
                for (peer, _) in nodes[i + 1..].iter().filter(|(_, k)| cluster(*k)) {
                    add(FaultKind::CutLink, Some(peer));
                }
            }
            if killable(kind) {
                add(FaultKind::Restart, None);
            }
            add(FaultKind::Reconnect, None);
        }
    }
    out
}

/// A schedule makes sense: a node is not taken down twice, only what is down restarts, only
/// what is isolated reconnects, a link is not cut twice.
fn valid(candidates: &[Fault], combination: &[usize]) -> bool {
    // What is down, isolated or cut, and since when: a repair comes strictly later.
    let mut down: Vec<(&str, u64)> = Vec::new();
    let mut isolated: Vec<(&str, u64)> = Vec::new();
    let mut cut: Vec<(&str, &str)> = Vec::new();
    let take = |held: &mut Vec<(&str, u64)>, node: &str, at: u64| {
        let was = held.iter().position(|&(n, since)| n == node && since < at);
        was.map(|p| held.remove(p)).is_some()
    };
    for &i in combination {
        let f = &candidates[i];
        let node = f.node.as_str();
        let ok = match f.kind {
            FaultKind::Crash | FaultKind::Stop => {
                let fresh = down.iter().all(|&(n, _)| n != node);
                down.push((node, f.at_ms));
                fresh
            }
            FaultKind::Isolate => {
                let fresh = isolated.iter().all(|&(n, _)| n != node);
                isolated.push((node, f.at_ms));
                fresh
            }
            FaultKind::Restart => take(&mut down, node, f.at_ms),
            FaultKind::Reconnect => take(&mut isolated, node, f.at_ms),
            FaultKind::CutLink => {
                let link = (node, f.peer.as_deref().unwrap_or(""));
                let fresh = !cut.contains(&link);
                cut.push(link);
                fresh
            }
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The combination after `c` (ascending indices below `n`), in lexicographic order.
fn next_combination(mut c: Vec<usize>, n: usize) -> Option<Vec<usize>> {
    let k = c.len();
    let i = (0..k).rev().find(|&i| c[i] < n - k + i)?;
    c[i] += 1;
    for j in i + 1..k {
        c[j] = c[j - 1] + 1;
    }
    Some(c)
}

/// How many valid schedules of `faults` faults there are, counting at most [`COUNT_CAP`]
/// combinations (a size past it is reported as "more than").
fn count_schedules(candidates: &[Fault], faults: usize) -> u64 {
    let n = candidates.len();
    if faults == 1 {
        return candidates.iter().filter(|c| !c.kind.is_repair()).count() as u64;
    }
    let mut count = 0;
    let mut seen = 0u64;
    let mut c: Option<Vec<usize>> = (faults <= n).then(|| (0..faults).collect());
    while let Some(combination) = c {
        seen += 1;
        if seen > COUNT_CAP {
            return COUNT_CAP.max(count);
        }
        count += u64::from(valid(candidates, &combination));
        c = next_combination(combination, n);
    }
    count
}

/// Where a run breaks the property.
struct Located {
    step: u64,
    time_ms: u64,
    victim: Option<String>,
    victims: u32,
}

/// Run the scenario; if the property is broken at the end, the step from which it stayed
/// broken and the first message that breaks it.
fn verdict<M: Sim>(built: &Built<M::Config, M::Action>, property: Property) -> Option<Located>
where
    M::Action: Clone,
{
    let end = run_watching::<M>(built, |_| false);
    let judged = M::judge(&end);
    let victims = property.victims(&judged);
    let first = *victims.first()?;
    // Replay, judging every step, for the moment it broke for good.
    let mut since = None;
    run_watching::<M>(built, |world| {
        let broken = property.victims(&M::judge(world)).contains(&first);
        match (broken, since) {
            (true, None) => since = Some((world.steps_taken(), world.now())),
            (false, Some(_)) => since = None,
            _ => {}
        }
        false
    });
    let (step, time_ms) = since.unwrap_or((end.steps_taken(), end.now()));
    Some(Located {
        step,
        time_ms,
        victim: judged.labels.get(first).cloned(),
        victims: victims.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_come_in_lexicographic_order() {
        let mut c = Some(vec![0, 1]);
        let mut seen = Vec::new();
        while let Some(v) = c {
            seen.push(v.clone());
            c = next_combination(v, 4);
        }
        assert_eq!(
            seen,
            vec![
                vec![0, 1],
                vec![0, 2],
                vec![0, 3],
                vec![1, 2],
                vec![1, 3],
                vec![2, 3]
            ]
        );
    }

    #[test]
    fn thinning_keeps_the_ends_and_spreads_the_rest() {
        let moments: Vec<u64> = (1..=100).collect();
        let kept = thin(&moments, 5);
        assert_eq!(kept.len(), 5);
        assert_eq!(kept.first(), Some(&1));
        assert_eq!(kept.last(), Some(&100));
        assert_eq!(thin(&[3, 4], 40), vec![3, 4]);
    }

    #[test]
    fn a_repair_needs_what_it_repairs() {
        let f = |kind, node: &str, at_ms| Fault {
            at_ms,
            kind,
            node: node.into(),
            peer: None,
        };
        let c = vec![
            f(FaultKind::Crash, "broker-1", 1),
            f(FaultKind::Restart, "broker-1", 2),
            f(FaultKind::Restart, "broker-2", 2),
            f(FaultKind::Isolate, "broker-2", 3),
            f(FaultKind::Reconnect, "broker-2", 4),
        ];
        assert!(valid(&c, &[0, 1]));
        assert!(!valid(&c, &[0, 2]));
        assert!(!valid(&c, &[1]));
        assert!(valid(&c, &[3, 4]));
        assert!(!valid(&c, &[4]));
        assert_eq!(count_schedules(&c, 1), 2);
        assert_eq!(count_schedules(&c, 2), 3);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(920), "920");
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}

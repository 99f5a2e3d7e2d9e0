//! What both brokers' validation shares: the bounds, field checks, the stores, the script
//! (faults and timings; each broker turns its own actions), and the validated form
//! ([`Built`]) a model is run from.

use crate::doc::{ActionDoc, ScenarioDoc, StoreKindDoc};
use crate::error::ScenarioError;
use mqlab_engine::VecMap;
use mqlab_engine::{Fault, Millis, NodeId};
use mqlab_kafka::StoreConfig;
use mqlab_ledger::StoreKind;

/// Bounds that keep a scenario playable in a browser tab (each broker adds its own).
pub const MAX_CONSUMERS: usize = 6;
pub const MAX_STORES: usize = 4;
pub const MAX_DURATION_MS: u64 = 3_600_000;
pub const MAX_SCRIPT: usize = 1_000;
pub const MAX_MESSAGES: u64 = 5_000;
pub const MAX_TIMEOUT_MS: u64 = 3_600_000;

/// A validated scenario, ready to run: the model's configuration `C` and a script of its
/// actions `A`.
#[derive(Clone, Debug)]
pub struct Built<C, A> {
    pub config: C,
    pub seed: u64,
    pub duration_ms: Millis,
    pub latency_ms: Millis,
    pub jitter_ms: Millis,
    /// Node names, by id, in display order.
    pub names: VecMap<NodeId, String>,
    pub script: Vec<Scripted<A>>,
}

impl<C, A> Built<C, A> {
    /// The broker's configuration and script with the seed, duration and network of the
    /// document, which both brokers take as they are.
    pub(crate) fn new(
        doc: &ScenarioDoc,
        config: C,
        names: VecMap<NodeId, String>,
        script: Vec<Scripted<A>>,
    ) -> Self {
        Built {
            config,
            seed: doc.seed,
            duration_ms: doc.duration_ms,
            latency_ms: doc.network.latency_ms,
            jitter_ms: doc.network.jitter_ms,
            names,
            script,
        }
    }
}

#[derive(Clone, Debug)]
pub enum When {
    At(Millis),
    AfterStep(u64),
}

#[derive(Clone, Debug)]
pub enum Happen<A> {
    Fault(Fault),
    Action(A),
}

#[derive(Clone, Debug)]
pub struct Scripted<A> {
    pub when: When,
    pub what: Happen<A>,
}

pub(crate) fn err(
    field: impl Into<String>,
    en: impl Into<String>,
    zh: impl Into<String>,
) -> ScenarioError {
    ScenarioError::new(field, en, zh)
}

pub(crate) fn range(field: &str, value: u64, min: u64, max: u64) -> Result<(), ScenarioError> {
    if value < min || value > max {
        return Err(err(
            field,
            format!("{value} is out of range {min}..={max}"),
            format!("{value} 超出范围 {min}..={max}"),
        ));
    }
    Ok(())
}

pub(crate) fn name_ok(field: &str, name: &str) -> Result<(), ScenarioError> {
    let valid = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if !valid {
        return Err(err(
            field,
            format!("\"{name}\" must be 1–32 letters, digits, '-', '_' or '.'"),
            format!("\"{name}\" 必须是 1–32 个字母、数字、'-'、'_' 或 '.'"),
        ));
    }
    Ok(())
}

/// A list within its bound: every list of the document says it in the same words.
pub(crate) fn at_most(
    field: &str,
    len: usize,
    max: usize,
    things_en: &str,
    things_zh: &str,
) -> Result<(), ScenarioError> {
    if len > max {
        return Err(err(
            field,
            format!("at most {max} {things_en}"),
            format!("最多 {max} 个{things_zh}"),
        ));
    }
    Ok(())
}

/// A new node's name: well formed, and no other node's (producers, readers, consumers and
/// publishers share one namespace with the brokers).
pub(crate) fn new_node_name(
    names: &VecMap<NodeId, String>,
    field: &str,
    name: &str,
) -> Result<(), ScenarioError> {
    name_ok(field, name)?;
    if names.values().any(|n| n == name) {
        return Err(err(
            field,
            format!("\"{name}\" is already the name of another node"),
            format!("\"{name}\" 已是另一个节点的名字"),
        ));
    }
    Ok(())
}

pub(crate) fn validate_stores(doc: &ScenarioDoc) -> Result<Vec<StoreConfig>, ScenarioError> {
    at_most("stores", doc.stores.len(), MAX_STORES, "stores", "存储")?;
    let mut stores: Vec<StoreConfig> = Vec::new();
    for (i, s) in doc.stores.iter().enumerate() {
        let field = format!("stores[{i}].name");
        name_ok(&field, &s.name)?;
        if stores.iter().any(|o| o.name == s.name) {
            return Err(err(
                field,
                format!("store \"{}\" is defined twice", s.name),
                format!("存储 \"{}\" 重复定义", s.name),
            ));
        }
        stores.push(StoreConfig {
            name: s.name.clone(),
            kind: store_kind(s.kind),
        });
    }
    Ok(stores)
}

pub fn store_kind(kind: StoreKindDoc) -> StoreKind {
    match kind {
        StoreKindDoc::PlainInsert => StoreKind::PlainInsert,
        StoreKindDoc::UniqueKey => StoreKind::UniqueKey,
        StoreKindDoc::LookupUpdate => StoreKind::LookupUpdate,
        StoreKindDoc::RedisSet => StoreKind::RedisSet,
        StoreKindDoc::SeenSet => StoreKind::SeenSet,
    }
}

/// A node by its name, or an error naming the field.
pub(crate) fn node_named(
    names: &VecMap<NodeId, String>,
    field: String,
    name: &str,
) -> Result<NodeId, ScenarioError> {
    names
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(&id, _)| id)
        .ok_or_else(|| {
            err(
                field,
                format!("no node named \"{name}\""),
                format!("没有名为 \"{name}\" 的节点"),
            )
        })
}

/// A broker's `version` setting: the newest when unset, or one of the modelled versions
/// (`choices` lists them for the message).
pub(crate) fn version_setting<V>(
    field: &str,
    value: Option<&str>,
    newest: V,
    parse: impl Fn(&str) -> Option<V>,
    choices_en: &str,
    choices_zh: &str,
) -> Result<V, ScenarioError> {
    let Some(v) = value else {
        return Ok(newest);
    };
    parse(v).ok_or_else(|| {
        err(
            field,
            format!("\"{v}\" is not a modelled version: {choices_en}"),
            format!("\"{v}\" 不是模型支持的版本：{choices_zh}"),
        )
    })
}

/// The script of either broker: timings and faults are checked here; `action` turns the
/// broker's own actions into the model's (with how many messages each produces) and refuses
/// the other broker's. `killable` says which nodes can be killed, stopped and restarted,
/// `power_loses` which can lose unflushed writes to a power loss.
pub(crate) fn validate_script<A>(
    doc: &ScenarioDoc,
    names: &VecMap<NodeId, String>,
    killable: impl Fn(NodeId) -> bool,
    power_loses: impl Fn(NodeId) -> bool,
    action: impl Fn(&dyn Fn(&str) -> String, &ActionDoc) -> Result<(A, u64), ScenarioError>,
) -> Result<Vec<Scripted<A>>, ScenarioError> {
    if doc.script.len() > MAX_SCRIPT {
        return Err(err(
            "script",
            format!("at most {MAX_SCRIPT} entries"),
            format!("最多 {MAX_SCRIPT} 条"),
        ));
    }
    let node = |field: String, name: &str| node_named(names, field, name);
    let killable_node = |field: String, name: &str| -> Result<NodeId, ScenarioError> {
        let id = node(field.clone(), name)?;
        if !killable(id) {
            return Err(err(field, format!("\"{name}\" is not a broker or a consumer: only those can be killed, stopped or restarted"), format!("\"{name}\" 不是 broker 或消费者：只有它们可以被杀死、停止或重启")));
        }
        Ok(id)
    };
    let mut script = Vec::new();
    let mut messages = 0u64;
    for (i, entry) in doc.script.iter().enumerate() {
        let f = |name: &str| format!("script[{i}].{name}");
        let when = match (entry.at_ms, entry.after_step) {
            (Some(at), None) => {
                range(&f("at_ms"), at, 0, doc.duration_ms)?;
                When::At(at)
            }
            (None, Some(step)) => When::AfterStep(step),
            _ => {
                return Err(err(
                    format!("script[{i}]"),
                    "needs exactly one of at_ms or after_step",
                    "at_ms 与 after_step 必须恰好有一个",
                ))
            }
        };
        let what = match &entry.action {
            ActionDoc::Crash { node: n } => Happen::Fault(Fault::Crash {
                node: killable_node(f("node"), n)?,
            }),
            ActionDoc::PowerLoss { node: n, unflushed } => {
                let id = killable_node(f("node"), n)?;
                if !power_loses(id) {
                    return Err(err(f("node"), format!("\"{n}\" is not a Kafka broker: only a broker's log lives in a page cache that a power loss can take"), format!("\"{n}\" 不是 Kafka broker：只有 broker 的日志存在于断电会丢失的页缓存中")));
                }
                range(&f("unflushed"), u64::from(*unflushed), 0, 1_000_000)?;
                Happen::Fault(Fault::PowerLoss {
                    node: id,
                    unflushed: *unflushed,
                })
            }
            ActionDoc::Stop { node: n } => Happen::Fault(Fault::Stop {
                node: killable_node(f("node"), n)?,
            }),
            ActionDoc::Restart { node: n } => Happen::Fault(Fault::Restart {
                node: killable_node(f("node"), n)?,
            }),
            ActionDoc::Isolate { node: n } => Happen::Fault(Fault::Isolate {
                node: node(f("node"), n)?,
            }),
            ActionDoc::Reconnect { node: n } => Happen::Fault(Fault::Reconnect {
                node: node(f("node"), n)?,
            }),
            ActionDoc::Partition { left, right } => {
                let left = left
                    .iter()
                    .enumerate()
                    .map(|(j, n)| node(format!("script[{i}].left[{j}]"), n))
                    .collect::<Result<Vec<_>, _>>()?;
                let right = right
                    .iter()
                    .enumerate()
                    .map(|(j, n)| node(format!("script[{i}].right[{j}]"), n))
                    .collect::<Result<Vec<_>, _>>()?;
                if left.is_empty() || right.is_empty() || left.iter().any(|n| right.contains(n)) {
                    return Err(err(
                        format!("script[{i}]"),
                        "a partition needs two non-empty groups with no node in both",
                        "分区需要两个非空且不重叠的节点组",
                    ));
                }
                Happen::Fault(Fault::Partition { left, right })
            }
            ActionDoc::CutLink { a, b } => Happen::Fault(Fault::CutLink {
                a: node(f("a"), a)?,
                b: node(f("b"), b)?,
            }),
            ActionDoc::HealLink { a, b } => Happen::Fault(Fault::HealLink {
                a: node(f("a"), a)?,
                b: node(f("b"), b)?,
            }),
            ActionDoc::SlowLink { a, b, extra_ms } => {
                range(&f("extra_ms"), *extra_ms, 1, 60_000)?;
                Happen::Fault(Fault::SlowLink {
                    a: node(f("a"), a)?,
                    b: node(f("b"), b)?,
                    extra_ms: *extra_ms,
                })
            }
            ActionDoc::HealAll => Happen::Fault(Fault::HealAll),
            other => {
                let (a, count) = action(&f, other)?;
                messages += count;
                if messages > MAX_MESSAGES {
                    return Err(err(
                        f("count"),
                        format!("the script produces more than {MAX_MESSAGES} messages"),
                        format!("脚本生产的消息超过 {MAX_MESSAGES} 条"),
                    ));
                }
                Happen::Action(a)
            }
        };
        script.push(Scripted { when, what });
    }
    Ok(script)
}

/// The store a consumer writes to: the one it names, or the first; an error if there is none.
pub(crate) fn store_index(
    field: &str,
    name: Option<&str>,
    stores: &[StoreConfig],
) -> Result<usize, ScenarioError> {
    match name {
        Some(name) => stores.iter().position(|s| s.name == name).ok_or_else(|| {
            err(
                field,
                format!("no store named \"{name}\""),
                format!("没有名为 \"{name}\" 的存储"),
            )
        }),
        None if stores.is_empty() => Err(err(
            field,
            "no store to process messages into: add one under \"stores\"",
            "没有可写入的下游存储：请在 \"stores\" 中添加一个",
        )),
        None => Ok(0),
    }
}

//! Model facts in words, the parts both brokers share: the [`Describe`] trait each broker's
//! describer implements (`kafka::describe`, `rabbitmq::describe`), faults, and writes into
//! downstream stores.

use crate::frame::{EnvelopeKind, Happening, Severity};
use crate::i18n::Text;
use mqlab_engine::{Fault, NodeId};

/// What a model's describer says about its messages, actions and notes: enough for the
/// shared parts of a frame and of the event log.
pub trait Describe<M: mqlab_engine::Model> {
    fn name(&self, node: NodeId) -> String;
    fn message(&self, msg: &M::Msg) -> (Text, EnvelopeKind);
    fn action(&self, action: &M::Action) -> (String, String);
    fn note(&self, note: &M::Note) -> Happening;
}

pub(crate) fn happening(
    node: Option<NodeId>,
    severity: Severity,
    en: String,
    zh: String,
) -> Happening {
    Happening {
        node: node.map(|n| n.0),
        severity,
        en,
        zh,
    }
}

/// A fault in both languages; `name` names the nodes. Broker-independent.
pub(crate) fn describe_fault(name: &dyn Fn(NodeId) -> String, fault: &Fault) -> (String, String) {
    match fault {
        Fault::Crash { node } => {
            let n = name(*node);
            (format!("kill -9 {n}"), format!("kill -9 {n}"))
        }
        Fault::PowerLoss { node, unflushed } => {
            let n = name(*node);
            (
                format!("power loss on {n}: the process dies and the last {unflushed} unflushed records of each log with it"),
                format!("{n} 断电：进程死亡，每个日志最后 {unflushed} 条未刷盘的记录随之丢失"),
            )
        }
        Fault::Stop { node } => {
            let n = name(*node);
            (format!("stop {n} gracefully"), format!("优雅停止 {n}"))
        }
        Fault::Restart { node } => {
            let n = name(*node);
            (format!("restart {n}"), format!("重启 {n}"))
        }
        Fault::Isolate { node } => {
            let n = name(*node);
            (
                format!("isolate {n} from the network"),
                format!("将 {n} 与网络隔离"),
            )
        }
        Fault::Reconnect { node } => {
            let n = name(*node);
            (format!("reconnect {n}"), format!("恢复 {n} 的网络"))
        }
        Fault::Partition { left, right } => {
            let l: Vec<String> = left.iter().map(|&n| name(n)).collect();
            let r: Vec<String> = right.iter().map(|&n| name(n)).collect();
            let (l, r) = (l.join(", "), r.join(", "));
            (
                format!("network partition: {{{l}}} | {{{r}}}"),
                format!("网络分区：{{{l}}} | {{{r}}}"),
            )
        }
        Fault::CutLink { a, b } => {
            let (a, b) = (name(*a), name(*b));
            (
                format!("cut the link {a} ↔ {b}"),
                format!("切断 {a} ↔ {b} 的链路"),
            )
        }
        Fault::SlowLink { a, b, extra_ms } => {
            let (a, b) = (name(*a), name(*b));
            (
                format!("slow the link {a} ↔ {b} by {extra_ms} ms"),
                format!("使 {a} ↔ {b} 的链路变慢 {extra_ms} ms"),
            )
        }
        Fault::HealLink { a, b } => {
            let (a, b) = (name(*a), name(*b));
            (
                format!("heal the link {a} ↔ {b}"),
                format!("修复 {a} ↔ {b} 的链路"),
            )
        }
        Fault::HealAll => ("heal every link".into(), "修复所有链路".into()),
    }
}

/// A consumer's write into its store, in both languages: what the store's strategy did with
/// it. `message` names the message (and, for Kafka, where it was read). Broker-independent.
pub(crate) fn describe_write(
    consumer: &str,
    message: &str,
    store: &str,
    effect: mqlab_ledger::WriteEffect,
) -> (Severity, String, String) {
    use mqlab_ledger::WriteEffect::*;
    let (c, m) = (consumer, message);
    match effect {
        Inserted => (
            Severity::Info,
            format!("{c} processed {m}: INSERT into {store}"),
            format!("{c} 处理了 {m}：INSERT 到 {store}"),
        ),
        DuplicateRow => (
            Severity::Alert,
            format!("{c} processed {m} again: a second row in {store}"),
            format!("{c} 再次处理了 {m}：{store} 中出现了第二行"),
        ),
        Rejected => (
            Severity::Notice,
            format!("{c}: INSERT of {m} rejected by the unique key of {store} (duplicate logged)"),
            format!("{c}：{m} 的 INSERT 被 {store} 的唯一键拒绝（记录为重复）"),
        ),
        Updated => (
            Severity::Notice,
            format!("{c}: {m} is already in {store}; UPDATE instead of INSERT"),
            format!("{c}：{m} 已在 {store} 中，改为 UPDATE 而不是 INSERT"),
        ),
        Overwritten => (
            Severity::Notice,
            format!("{c}: SET {m} again in {store}; nothing changes"),
            format!("{c}：在 {store} 中再次 SET {m}，没有变化"),
        ),
        Skipped => (
            Severity::Notice,
            format!("{c}: {m}'s id is already in the seen-set; skipped"),
            format!("{c}：{m} 的全局 id 已在去重集合中，跳过"),
        ),
    }
}

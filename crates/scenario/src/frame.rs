//! Plain-data frames: everything the stage draws at one step of the trace. No model type
//! leaks through here; the UI and the command line see only these structs.

use crate::i18n::{Lang, Text};
use serde::Serialize;

/// The world at one step.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Frame {
    /// Steps applied so far: 0 is the initial state, `total_steps` the end of the trace.
    pub step: u64,
    pub total_steps: u64,
    /// Simulated time of this step, in milliseconds.
    pub time_ms: u64,
    /// Simulated time at the end of the trace.
    pub end_time_ms: u64,
    pub nodes: Vec<NodeView>,
    pub partitions: Vec<PartitionView>,
    /// Messages on the wire at this step, to animate between `sent_at_ms` and `arrives_at_ms`.
    pub envelopes: Vec<EnvelopeView>,
    /// Links that are cut or slowed (one entry per unordered pair).
    pub faulty_links: Vec<LinkView>,
    /// What the step that led here did, in order.
    pub happenings: Vec<Happening>,
    /// The message ledger: every message produced so far and its fate.
    pub messages: Vec<MessageView>,
    pub ledger: LedgerSummary,
    /// A producer of the scenario writes transactions (K23): the ledger shows how many
    /// messages their aborts rolled back.
    pub transactions: bool,
    /// Group consumers, in scenario order.
    pub consumers: Vec<ConsumerView>,
    /// Consumer groups with their committed offsets.
    pub groups: Vec<GroupView>,
    /// Downstream stores with their rows.
    pub stores: Vec<StoreView>,
    /// RabbitMQ: queues with their replicas and messages (empty for Kafka).
    pub queues: Vec<QueueView>,
    /// RabbitMQ: publishers with their mode and measured throughput (empty for Kafka).
    pub publishers: Vec<PublisherView>,
    /// Messages delivered so far on each link, one entry per direction that carried any.
    pub traffic: Vec<LinkTraffic>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LinkTraffic {
    pub from: u32,
    pub to: u32,
    pub messages: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueType {
    Classic,
    Quorum,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueAvailability {
    Available,
    /// Its leader (home node) is down and nobody took over.
    Down,
    /// Gone: a transient queue whose node went down.
    Deleted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaRole {
    Leader,
    Mirror,
    /// A quorum queue member following the leader.
    Follower,
    /// On disk only: the node is down, its durable messages wait for it.
    OnDisk,
}

/// A message in a queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    pub message: u32,
    pub label: String,
    /// It was delivered before: the next delivery says `redelivered`.
    pub redelivered: bool,
    pub persistent: bool,
    /// Its `x-death` header, most recent death first (R12).
    pub x_death: Vec<XDeathView>,
    /// Its `x-delivery-count` header (quorum queues, R14).
    pub delivery_count: Option<u32>,
}

/// One `x-death` entry: dead-lettered `count` times from `queue` for `reason` (rejected,
/// expired, maxlen or delivery_limit), first with this exchange and these routing keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct XDeathView {
    pub queue: String,
    pub reason: String,
    pub count: u32,
    pub exchange: String,
    pub routing_keys: Vec<String>,
    pub time: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueReplicaView {
    pub node: u32,
    pub role: ReplicaRole,
    /// Mirrors: holds everything the leader holds. Quorum followers: caught up with the
    /// leader's log.
    pub synced: bool,
    pub ready: Vec<QueueItem>,
    /// Delivered, not yet acked (leader only).
    pub unacked: Vec<QueueItem>,
    /// Persistent messages written to this node's disk.
    pub on_disk: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueView {
    pub name: String,
    pub kind: QueueType,
    pub durable: bool,
    /// The mirroring policy in words (classic mirrored queues, RabbitMQ 3.x only).
    pub mirroring: Option<Text>,
    pub leader: Option<u32>,
    pub availability: QueueAvailability,
    pub replicas: Vec<QueueReplicaView>,
    /// Names of the consumers subscribed to it.
    pub consumers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublisherView {
    pub id: u32,
    pub name: String,
    /// "publisher confirms", "transactions (1 per commit)", … in both languages.
    pub mode: Text,
    pub connected_to: Option<u32>,
    pub confirmed: u32,
    /// Confirmed messages per simulated second, from the first publish to the last confirm.
    pub per_second: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Controller,
    Broker,
    Producer,
    Reader,
    Consumer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Up,
    /// Killed with kill -9.
    Crashed,
    /// Stopped gracefully.
    Stopped,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeView {
    /// Stable id, used in envelopes and commands.
    pub id: u32,
    pub kind: NodeKind,
    /// Name as in the scenario: "broker-1", "controller", "app".
    pub name: String,
    pub status: NodeStatus,
    /// Every link of this node is cut.
    pub isolated: bool,
    /// Brokers only: fenced by the controller (no heartbeat within the session timeout).
    pub fenced: bool,
    /// RabbitMQ nodes only: paused by pause_minority (R17): up, but serving nothing.
    pub paused: bool,
    /// Producers: "acks=all" etc., one short line of settings.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartitionView {
    pub topic: String,
    pub partition: u32,
    /// "orders-0".
    pub name: String,
    /// The leader according to the controller; `None` when the partition is offline.
    pub leader: Option<u32>,
    pub leader_epoch: u32,
    /// In-sync replicas according to the controller (broker node ids).
    pub isr: Vec<u32>,
    /// Eligible Leader Replicas (KIP-966): out of the ISR but holding everything committed.
    pub elr: Vec<u32>,
    /// The first replica of the assignment.
    pub preferred_leader: u32,
    pub replicas: Vec<ReplicaView>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicaView {
    /// Broker node id.
    pub broker: u32,
    /// This broker believes it leads the partition (a zombie may believe it wrongly).
    pub acts_as_leader: bool,
    pub log_end_offset: u64,
    pub high_watermark: u64,
    /// K23: the Last Stable Offset, where read_committed consumers stop; only for a log that
    /// holds transactional records (absent otherwise, so older frames read the same).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_stable_offset: Option<u64>,
    pub cells: Vec<CellView>,
}

/// One record in a replica's log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellView {
    pub offset: u64,
    pub leader_epoch: u32,
    /// Ledger id of the message stored here.
    pub message: u32,
    pub label: String,
    /// K23: a transaction marker ("COMMIT" or "ABORT"): a control record, no message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// K23: a record of an aborted transaction (read_committed consumers skip it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub aborted: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvelopeView {
    pub id: u64,
    pub from: u32,
    pub to: u32,
    pub sent_at_ms: u64,
    pub arrives_at_ms: u64,
    /// What travels, e.g. "Produce order-3", "Fetch @4", "Heartbeat", in both languages.
    pub label: Text,
    pub kind: EnvelopeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvelopeKind {
    /// Carries records (produce requests, fetch responses with data).
    Data,
    /// Acknowledgements and successful responses.
    Ack,
    /// Error responses.
    Error,
    /// Heartbeats, metadata, empty fetches: the background chatter.
    Control,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    Cut,
    Slow,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkView {
    pub a: u32,
    pub b: u32,
    pub status: LinkStatus,
}

/// One thing that happened in a step, in both languages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Happening {
    /// The node it happened at, if any (to highlight it).
    pub node: Option<u32>,
    pub severity: Severity,
    pub en: String,
    pub zh: String,
}

impl Happening {
    pub fn text(&self, lang: Lang) -> &str {
        crate::i18n::pick(lang, &self.en, &self.zh)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Routine: a fetch, a heartbeat.
    Info,
    /// Worth noticing: an election, an ISR change, an ack.
    Notice,
    /// A fault, an error returned, a truncation that loses data.
    Alert,
}

pub use mqlab_ledger::Fate;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageView {
    pub id: u32,
    pub label: String,
    pub producer: String,
    pub partition: String,
    /// "acked at offset 3", "NotEnoughReplicas", ...
    pub acked: bool,
    /// Offset the producer was told, if any.
    pub acked_offset: Option<u64>,
    /// Last error the producer saw for it, if any.
    pub last_error: Option<String>,
    pub attempts: u32,
    /// Broker node ids whose log holds it.
    pub replicas: Vec<u32>,
    /// Times a reader fetched it.
    pub reads: u32,
    pub fate: Fate,
    /// Stored before a message its producer sent earlier to the same partition (K21).
    pub out_of_order: bool,
    /// Names of the consumers it was delivered to, once per delivery.
    pub delivered_to: Vec<String>,
    /// Times a consumer processed it into a store.
    pub processed: u32,
    /// Rows it has in stores (more than one: a duplicate).
    pub store_rows: u32,
    pub consumption: Consumption,
}

pub use mqlab_ledger::{Consumption, StoreKind, WriteEffect};

/// What a group consumer's application thread is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerActivity {
    Down,
    Joining,
    Polling,
    Processing,
    Committing,
    Failed,
}

/// A partition and an offset: a consumer's position or a group's committed offset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OffsetMark {
    pub partition: String,
    pub offset: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsumerView {
    pub id: u32,
    pub name: String,
    pub group: String,
    pub activity: ConsumerActivity,
    /// The generation it belongs to; none while it is not a member.
    pub generation: Option<u32>,
    pub assigned: Vec<String>,
    /// The next offset poll() returns, per assigned partition.
    pub positions: Vec<OffsetMark>,
    /// Labels of records returned by poll() and not processed yet.
    pub in_hand: Vec<String>,
    /// "auto 5s", "process → commitSync", …, in both languages.
    pub commit: Text,
    pub store: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupState {
    Empty,
    Rebalancing,
    Stable,
    /// Its coordinator is down or not found yet.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupView {
    pub name: String,
    pub coordinator: Option<u32>,
    pub generation: u32,
    pub state: GroupState,
    /// Committed offsets: the next record the group will read (K28).
    pub committed: Vec<OffsetMark>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RowView {
    pub key: String,
    pub message: u32,
    /// Writes that landed on it (updates, overwrites).
    pub writes: u32,
    /// Another row has the same key: a duplicate in the store.
    pub duplicate: bool,
    pub by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoreView {
    pub name: String,
    pub kind: StoreKind,
    pub rows: Vec<RowView>,
    /// Message ids in the seen-set (seen-set stores).
    pub seen: Vec<String>,
    /// Duplicates the strategy stopped.
    pub absorbed: u32,
    /// Expected: one row per acknowledged message of the topics its consumers read.
    pub expected: u32,
    pub distinct: u32,
}

/// The ledger's counts: produced, acknowledged, visible, lost, duplicated, …
pub use mqlab_ledger::Tally as LedgerSummary;

/// What a timeline mark stands for: a fault, or a scripted action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    Fault,
    Action,
}

//! What travels between RabbitMQ nodes and clients, the timers they set and the facts they
//! record in the trace.

use mqlab_engine::NodeId;
use mqlab_ledger::{MessageId, WriteEffect};

/// A publish waiting for its confirm: which channel (client on a node) and its sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublishRef {
    pub node: NodeId,
    pub client: NodeId,
    pub seq: u64,
    /// Which channel of this client on this node (channels are numbered per node, across
    /// restarts): with `node` and `client`, rabbit_fifo's enqueuer.
    pub channel: u64,
    /// For a quorum queue, the enqueuer's own number for this enqueue: 1, 2, … per channel
    /// and queue, kept when the channel sends it again. 0: not numbered (classic queues).
    pub n: u64,
}

impl PublishRef {
    /// The enqueuer a quorum queue deduplicates by (rabbit_fifo's `enqueuers` key).
    pub fn enqueuer(&self) -> (NodeId, NodeId, u64) {
        (self.node, self.client, self.channel)
    }

    /// A queue's answer to this publish, for its channel (on `self.node`): taken (`ok`), or
    /// refused (R2, R16).
    pub fn answer(self, queue: u32, ok: bool) -> Msg {
        Msg::Enqueued {
            queue,
            from: self,
            ok,
        }
    }
}

/// A consumer as the queue knows it: its channel's node, its client and which life of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConsumerRef {
    pub node: NodeId,
    pub client: NodeId,
    pub life: u32,
}

/// A delivery as the queue numbers it: the leader's epoch (a new leader after failover
/// starts a new epoch, so a late ack for an old delivery is recognised) and a counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueTag {
    pub epoch: u32,
    pub n: u64,
}

/// A message inside a queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QMsg {
    pub message: MessageId,
    /// Its place in the queue: publication order, kept through requeues (R7, R9).
    pub index: u64,
    pub persistent: bool,
    /// Delivered before: the next delivery carries `redelivered=true`.
    pub delivered: bool,
    /// How many times it was delivered (a quorum queue's `x-delivery-count`, R14).
    pub deliveries: u32,
    pub enqueued_at: u64,
    /// Its headers after dead-lettering (`x-death`, the exchange and routing keys it was last
    /// routed with): an id in the cluster's table of dead-lettered headers, or
    /// [`Headers::PUBLISHED`] for a message as its publisher sent it (R12).
    pub headers: u32,
}

impl QMsg {
    /// A message as a queue takes it in at `index`, at `now`: ready, never delivered.
    pub fn new(message: MessageId, index: u64, persistent: bool, headers: u32, now: u64) -> Self {
        QMsg {
            message,
            index,
            persistent,
            delivered: false,
            deliveries: 0,
            enqueued_at: now,
            headers,
        }
    }

    /// Hand it to a consumer once more: counts the delivery and says whether it is a
    /// redelivery (delivered before, R7; the count is `x-delivery-count`, R14).
    pub fn deliver(&mut self) -> bool {
        let redelivered = self.delivered;
        self.delivered = true;
        self.deliveries += 1;
        redelivered
    }
}

/// One `x-death` entry: a message was dead-lettered `count` times from `queue` for `reason`
/// (rabbit_dead_letter / mc:record_death). `exchange` and `routing_keys` are those the message
/// had when it first died there for that reason; `time` its first death there, `last_time` the
/// latest.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct XDeath {
    pub queue: String,
    pub reason: DeadReason,
    pub count: u32,
    pub exchange: String,
    pub routing_keys: Vec<String>,
    pub time: u64,
    pub last_time: u64,
}

/// What a dead-lettered message carries: the exchange and routing keys it was republished
/// with (the dead-letter exchange; `x-dead-letter-routing-key` or its original keys), its
/// `x-death` list, most recent first (the key is queue and reason; a repeated key moves to the
/// front with its count incremented), and the `x-delivery-count` a quorum queue gave it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Headers {
    pub exchange: String,
    pub routing_keys: Vec<String>,
    pub x_death: Vec<XDeath>,
    pub delivery_count: Option<u32>,
}

impl Headers {
    /// A message as published: its headers are its publish (the ledger's record).
    pub const PUBLISHED: u32 = 0;

    /// rabbit_dead_letter:detect_cycles / mc:is_death_cycle (deaths v2): republishing to
    /// `target` is a cycle to drop if `target` is in `x-death` and no death from the most
    /// recent one back to `target`'s most recent one (inclusive) was a rejection. A rejection
    /// now is never a cycle.
    pub fn is_cycle(&self, reason: DeadReason, target: &str) -> bool {
        if reason == DeadReason::Rejected {
            return false;
        }
        match self.x_death.iter().position(|d| d.queue == target) {
            None => false,
            Some(i) => self.x_death[..=i]
                .iter()
                .all(|d| d.reason != DeadReason::Rejected),
        }
    }

    /// mc:record_death: the message dies in `queue` for `reason` at `now`.
    pub fn record_death(&mut self, queue: &str, reason: DeadReason, now: u64) {
        match self
            .x_death
            .iter()
            .position(|d| d.queue == queue && d.reason == reason)
        {
            Some(i) => {
                let mut d = self.x_death.remove(i);
                d.count += 1;
                d.last_time = now;
                self.x_death.insert(0, d);
            }
            None => self.x_death.insert(
                0,
                XDeath {
                    queue: queue.to_string(),
                    reason,
                    count: 1,
                    exchange: self.exchange.clone(),
                    routing_keys: self.routing_keys.clone(),
                    time: now,
                    last_time: now,
                },
            ),
        }
    }
}

/// Why a message left its queue for the dead-letter exchange, or was dropped (R12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeadReason {
    /// `basic.reject` / `basic.nack` with requeue=false.
    Rejected,
    /// Its TTL ran out (R11).
    Expired,
    /// `x-max-length` with overflow drop-head (R13).
    MaxLength,
    /// A quorum queue's delivery limit (R14).
    DeliveryLimit,
}

impl DeadReason {
    /// As `x-death` names it.
    pub fn name(self) -> &'static str {
        match self {
            DeadReason::Rejected => "rejected",
            DeadReason::Expired => "expired",
            DeadReason::MaxLength => "maxlen",
            DeadReason::DeliveryLimit => "delivery_limit",
        }
    }
}

/// Why a queue refused an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueueError {
    /// `NOT_FOUND - home node … is down or inaccessible` (R16).
    HomeNodeDown,
    /// The queue was deleted (a transient queue whose node went down).
    Deleted,
    /// A quorum queue without a majority (R25).
    NoQuorum,
    /// `x-max-length` reached with overflow reject-publish (R13).
    Full,
}

impl QueueError {
    pub fn name(self) -> &'static str {
        match self {
            QueueError::HomeNodeDown => "NOT_FOUND (home node down)",
            QueueError::Deleted => "NOT_FOUND (queue deleted)",
            QueueError::NoQuorum => "no quorum",
            QueueError::Full => "reject-publish (queue full)",
        }
    }
}

/// Replication of a leader's operations to its mirrors (R19).
#[derive(Clone, Debug)]
pub enum MirrorOp {
    /// Become a mirror of this leader, empty (R21, R22), knowing these members.
    Start {
        epoch: u32,
    },
    Enqueue {
        msg: QMsg,
        from: Option<PublishRef>,
    },
    Delivered {
        index: u64,
    },
    Settled {
        index: u64,
    },
    /// The leader's members, oldest first (the promotion order, R20), and who is synced.
    Members {
        members: Vec<(NodeId, bool)>,
    },
    /// Full synchronisation (`rabbitmqctl sync_queue` or `ha-sync-mode: automatic`).
    Sync {
        messages: Vec<QMsg>,
    },
}

#[derive(Clone, Debug)]
pub enum Msg {
    // Client → node.
    /// `connection.open`: a publisher connects.
    Open,
    Publish {
        seq: u64,
        message: MessageId,
        exchange: String,
        routing_key: String,
        persistent: bool,
        mandatory: bool,
        /// Confirm mode on this channel.
        confirm: bool,
        /// Part of a transaction: held until `TxCommit`.
        tx: bool,
    },
    TxCommit {
        batch: u64,
    },
    Consume {
        queue: u32,
        auto_ack: bool,
        prefetch: u32,
        life: u32,
    },
    Ack {
        tag: u64,
    },
    /// `basic.reject`: back to the queue, or out of it (dead-lettered or dropped) (R7).
    Reject {
        tag: u64,
        requeue: bool,
    },
    /// The client's process died: its operating system closes the connection.
    ClientGone,
    // Node → client.
    OpenOk,
    Confirm {
        seq: u64,
        ack: bool,
    },
    TxCommitOk {
        batch: u64,
    },
    /// `basic.return`: a mandatory message no queue took.
    Returned {
        message: MessageId,
    },
    Deliver {
        tag: u64,
        message: MessageId,
        redelivered: bool,
        queue: u32,
    },
    ConsumeOk {
        queue: u32,
    },
    ConsumeFailed {
        queue: u32,
        error: QueueError,
    },
    /// `basic.cancel` from the broker: the queue went away (R16).
    Cancelled {
        queue: u32,
    },
    /// The node closed the connection (it stopped, or its process died).
    ConnectionClosed,
    // Node ↔ node.
    Enqueue {
        queue: u32,
        message: MessageId,
        persistent: bool,
        from: Option<PublishRef>,
        /// [`Headers::PUBLISHED`], or a dead-lettered message's headers (R12).
        headers: u32,
    },
    /// The queue took (or refused) a publish: one part of its confirm.
    Enqueued {
        queue: u32,
        from: PublishRef,
        ok: bool,
    },
    Subscribe {
        queue: u32,
        consumer: ConsumerRef,
        auto_ack: bool,
        prefetch: u32,
    },
    Unsubscribe {
        queue: u32,
        consumer: ConsumerRef,
    },
    QueueDeliver {
        queue: u32,
        consumer: ConsumerRef,
        tag: QueueTag,
        message: MessageId,
        redelivered: bool,
        /// A quorum queue numbers each consumer's deliveries 1, 2, … (rabbit_fifo's msg id),
        /// so the channel notices one that a dead leader never sent; 0: not numbered.
        id: u64,
    },
    /// A consumer's channel saw a gap in a quorum queue's delivery ids: it asks the leader for
    /// the deliveries `from..=to` still checked out to it (rabbit_fifo_client's
    /// `get_missing_deliveries`).
    FetchMissing {
        queue: u32,
        consumer: ConsumerRef,
        from: u64,
        to: u64,
    },
    /// The leader's answer: (queue tag, message, redelivered, id), in id order.
    Missing {
        queue: u32,
        consumer: ConsumerRef,
        deliveries: Vec<(QueueTag, MessageId, bool, u64)>,
    },
    Settle {
        queue: u32,
        tag: QueueTag,
    },
    RejectDelivery {
        queue: u32,
        tag: QueueTag,
        requeue: bool,
    },
    /// The queue cancels a consumer (it is gone or unavailable).
    QueueCancel {
        queue: u32,
        consumer: ConsumerRef,
    },
    /// Erlang distribution keep-alive.
    Tick,
    /// A node went down: its operating system closes its distribution connections.
    PeerGone {
        graceful: bool,
    },
    /// A node (re)started and introduces itself.
    Hello,
    /// Cluster metadata: who leads a queue now (none: unavailable), under which epoch.
    LeaderIs {
        queue: u32,
        leader: Option<NodeId>,
        epoch: u32,
        deleted: bool,
    },
    Mirror {
        queue: u32,
        epoch: u32,
        op: MirrorOp,
    },
    MirrorAck {
        queue: u32,
        index: u64,
    },
    SyncDone {
        queue: u32,
    },
    /// Quorum queue Raft traffic.
    Raft {
        queue: u32,
        msg: RaftMsg,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    // Node.
    Fsync,
    Tick,
    /// A restarted node decides which queues to recover from its disk.
    Recover,
    /// Look for deliveries older than `consumer_timeout` (checked every minute, R10).
    ConsumerTimeoutCheck,
    /// The head of a classic queue with a TTL may have expired.
    Expire {
        queue: u32,
    },
    /// A quorum queue follower heard no leader for its election timeout.
    Election {
        queue: u32,
    },
    RaftHeartbeat {
        queue: u32,
    },
    // Publisher.
    Connect,
    Republish,
    // Consumer.
    ConsumerBegin,
    Process,
    Ack,
    // Node (last, so the other timers keep their place in the trace digest).
    /// The queue processes have handled every message waiting at this instant while a
    /// confirm or a commit waits for the disk: sync now (rabbit_amqqueue_process's timeout
    /// of 0 when the backing queue `needs_timeout` is `timed`).
    IdleSync,
    /// pause_minority: `rabbit:stop()`, spawned once the node saw no majority, has closed
    /// the node's connections (R17; see `PAUSE_STOP_MS`).
    Pause,
}

/// Facts recorded in the trace, in plain terms the scenario layer turns into text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    Published {
        publisher: NodeId,
        node: NodeId,
        message: MessageId,
    },
    /// No queue matched: dropped, or returned if mandatory.
    Unroutable {
        node: NodeId,
        message: MessageId,
        returned: bool,
    },
    Enqueued {
        node: NodeId,
        queue: u32,
        message: MessageId,
        index: u64,
    },
    /// A publish to a queue that is down: nacked with confirms, dropped without (R16).
    EnqueueRefused {
        node: NodeId,
        queue: u32,
        message: MessageId,
        error: QueueError,
    },
    /// Persistent messages of durable queues written to disk (R2, R3).
    Fsynced {
        node: NodeId,
        messages: u32,
    },
    Confirmed {
        publisher: NodeId,
        message: MessageId,
        ack: bool,
    },
    TxCommitted {
        publisher: NodeId,
        messages: Vec<MessageId>,
    },
    Republished {
        publisher: NodeId,
        message: MessageId,
    },
    Delivered {
        node: NodeId,
        queue: u32,
        consumer: NodeId,
        message: MessageId,
        redelivered: bool,
        auto_ack: bool,
    },
    Acked {
        queue: u32,
        consumer: NodeId,
        message: MessageId,
    },
    /// Unacked deliveries went back to the queue (R6, R20).
    Requeued {
        queue: u32,
        messages: Vec<MessageId>,
    },
    Processed {
        consumer: NodeId,
        message: MessageId,
        store: String,
        effect: WriteEffect,
    },
    ConsumerCancelled {
        consumer: NodeId,
        queue: u32,
    },
    ConsumeRefused {
        consumer: NodeId,
        queue: u32,
        error: QueueError,
    },
    /// The queue lost its leader and nobody took over: unavailable (R16, R21).
    QueueDown {
        queue: u32,
    },
    QueueDeleted {
        queue: u32,
    },
    /// A node recovered a durable queue from disk (R1).
    QueueRecovered {
        node: NodeId,
        queue: u32,
        messages: u32,
        discarded_transient: u32,
    },
    /// A mirror became the leader (R20).
    Promoted {
        node: NodeId,
        queue: u32,
        synced: bool,
    },
    MirrorStarted {
        node: NodeId,
        queue: u32,
        discarded: u32,
    },
    MirrorSynced {
        node: NodeId,
        queue: u32,
    },
    SyncStarted {
        queue: u32,
        messages: u32,
    },
    /// A message left its queue by TTL, length limit, rejection or delivery limit, to the
    /// dead-letter exchange if there is one (R11–R14).
    DeadLettered {
        queue: u32,
        message: MessageId,
        reason: DeadReason,
        exchange: Option<String>,
    },
    /// A dead-lettered message not republished to `target`: it would come back to a queue it
    /// already died in with no rejection since (rabbit_dead_letter:detect_cycles) (R12).
    DeadLetterCycle {
        queue: u32,
        target: u32,
        message: MessageId,
    },
    /// A delivery stayed unacked past `consumer_timeout`: the channel is closed with
    /// PRECONDITION_FAILED and all its unacked deliveries are requeued (R10).
    ConsumerTimedOut {
        node: NodeId,
        consumer: NodeId,
    },
    /// The application failed to process a message and rejected it.
    ProcessingFailed {
        consumer: NodeId,
        message: MessageId,
        requeue: bool,
    },
    /// A quorum queue member won an election (R26).
    QuorumLeader {
        node: NodeId,
        queue: u32,
        term: u32,
    },
    QuorumFollows {
        node: NodeId,
        queue: u32,
        leader: NodeId,
    },
    NodeDown {
        node: NodeId,
        graceful: bool,
    },
    NodeStarted {
        node: NodeId,
    },
    /// pause_minority: the node sees no majority and stops serving (R17).
    NodePaused {
        node: NodeId,
    },
    NodeResumed {
        node: NodeId,
    },
    /// A node noticed a peer down (connection closed, or net_ticktime without a tick).
    PeerDown {
        node: NodeId,
        peer: NodeId,
    },
    ClientDisconnected {
        client: NodeId,
        node: NodeId,
    },
    ClientConnected {
        client: NodeId,
        node: NodeId,
    },
    /// (Last: new variants go at the end, as the trace digest hashes the variant index.)
    /// A quorum queue's leader applied an enqueue its enqueuer had sent before (a channel
    /// re-sends what is unconfirmed to a new leader): confirmed, not enqueued again (R26).
    DuplicateEnqueue {
        node: NodeId,
        queue: u32,
        message: MessageId,
    },
    /// A channel dropped a quorum queue's delivery whose id it has had already (a new leader
    /// applying its predecessor's checkouts sends them again).
    DuplicateDeliveryDropped {
        node: NodeId,
        consumer: NodeId,
        message: MessageId,
    },
}

impl Note {
    /// Does this fact concern the message (a message's life on the timeline)?
    pub fn mentions(&self, message: MessageId) -> bool {
        match self {
            Note::Published { message: m, .. }
            | Note::Unroutable { message: m, .. }
            | Note::Enqueued { message: m, .. }
            | Note::EnqueueRefused { message: m, .. }
            | Note::Confirmed { message: m, .. }
            | Note::Republished { message: m, .. }
            | Note::Delivered { message: m, .. }
            | Note::Acked { message: m, .. }
            | Note::Processed { message: m, .. }
            | Note::DeadLettered { message: m, .. }
            | Note::DeadLetterCycle { message: m, .. }
            | Note::ProcessingFailed { message: m, .. } => *m == message,
            Note::TxCommitted { messages, .. } | Note::Requeued { messages, .. } => {
                messages.contains(&message)
            }
            _ => false,
        }
    }
}

// Quorum queues (Raft, R25, R26): a member's log entries and the traffic of one queue's
// group, carried in [`Msg::Raft`]. The members themselves are in `quorum.rs`.

/// What the log records.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RaftCommand {
    /// A new leader's first entry, so entries of earlier terms can commit.
    Noop,
    Enqueue {
        message: MessageId,
        persistent: bool,
        from: Option<PublishRef>,
        headers: u32,
    },
    /// The message at `index` goes to this consumer (with autoAck: settled once sent).
    Checkout {
        index: u64,
        consumer: ConsumerRef,
        auto_ack: bool,
    },
    Settle {
        index: u64,
    },
    /// Back to the queue (the consumer's channel closed, or a reject with requeue):
    /// redelivered later, unless over the delivery limit.
    Return {
        index: u64,
    },
    /// Out of the queue by a reject without requeue: dead-lettered or dropped.
    Discard {
        index: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RaftEntry {
    pub term: u32,
    pub command: RaftCommand,
}

/// Raft traffic of one queue.
#[derive(Clone, Debug)]
pub enum RaftMsg {
    Append {
        term: u32,
        /// The entry before `entries` (1-based index, 0: none) and its term.
        prev_index: u64,
        prev_term: u32,
        entries: Vec<RaftEntry>,
        commit: u64,
    },
    AppendReply {
        term: u32,
        ok: bool,
        /// The follower's last index after the append (or where to retry from).
        last: u64,
    },
    Vote {
        term: u32,
        last_index: u64,
        last_term: u32,
    },
    VoteReply {
        term: u32,
        granted: bool,
    },
}

//! What travels between nodes, the timers they set, and the facts they record in the trace.

use crate::assignor::Assignor;
use crate::metadata::{Metadata, PartitionState, Tp};
use mqlab_engine::NodeId;
use mqlab_ledger::{MessageId, WriteEffect};
use std::rc::Rc;

/// One record in a log: the message it carries and the leader epoch that appended it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub message: MessageId,
    pub epoch: u32,
    /// Set when an idempotent producer wrote it: the broker rebuilds producer state from these.
    pub stamp: Option<SequenceStamp>,
    /// Written inside a transaction (K23): hidden from read_committed until its marker.
    pub transactional: bool,
    /// A control record: the COMMIT or ABORT marker of the stamp's producer's transaction.
    /// It takes an offset but carries no message (`message` is [`CONTROL_MESSAGE`]).
    pub control: Option<Marker>,
}

/// What a transaction marker says (K23).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Marker {
    Commit,
    Abort,
}

/// The message id a control record carries: no message of the ledger.
pub const CONTROL_MESSAGE: MessageId = MessageId(u32::MAX);

impl Record {
    /// A record the application wrote (not a transaction marker).
    pub fn is_data(&self) -> bool {
        self.control.is_none()
    }
}

/// How an idempotent producer numbered a record (KIP-98): its producer id, the first sequence
/// of the batch the record came in, and the record's own sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SequenceStamp {
    pub producer_id: u64,
    /// Bumped by the producer when its sequence has a gap (KIP-360): the numbering restarts.
    pub producer_epoch: u32,
    pub batch_base: u32,
    pub sequence: u32,
}

/// A produce request: one batch for one partition.
#[derive(Clone, Debug)]
pub struct ProduceRequest {
    pub tp: Tp,
    pub batch: u64,
    pub messages: Vec<MessageId>,
    pub acks: crate::Acks,
    pub timeout_ms: u64,
    /// The idempotent producer's id and epoch and the batch's first sequence number.
    pub sequence: Option<Sequence>,
    /// Sent inside a transaction (K23).
    pub transactional: bool,
}

/// How an idempotent producer numbers a batch (KIP-98, KIP-360).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sequence {
    pub producer_id: u64,
    pub producer_epoch: u32,
    pub base: u32,
}

/// Errors a broker returns, named as Kafka names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KafkaError {
    NotLeaderOrFollower,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    RequestTimedOut,
    FencedLeaderEpoch,
    /// The client could not reach the broker: connection refused or no answer in time.
    NetworkException,
    /// The producer gave up: the batch outlived `delivery.timeout.ms`.
    DeliveryTimeout,
    /// The producer gave up: retries exhausted.
    RetriesExhausted,
    OffsetOutOfRange,
    /// An AlterPartition built on an out-of-date partition state.
    InvalidUpdateVersion,
    /// An idempotent producer's batch does not follow the last sequence the broker has (K22).
    OutOfOrderSequence,
    /// An idempotent batch numbered under an older producer epoch than the log's.
    InvalidProducerEpoch,
    /// AlterPartition would add a fenced or shutting-down broker to the ISR (KIP-841).
    IneligibleReplica,
    /// The group coordinator does not know this member (its session expired, or it left).
    UnknownMemberId,
    /// The member's generation is not the group's: a rebalance happened without it.
    IllegalGeneration,
    /// The group is rebalancing: rejoin.
    RebalanceInProgress,
    /// The client-side verdict of a commit that cannot succeed (K27, K32).
    CommitFailed,
    /// `auto.offset.reset=none` and no committed offset (K33).
    NoOffsetForPartition,
    /// A newer producer with the same `transactional.id` called initTransactions (K23).
    ProducerFenced,
}

impl KafkaError {
    pub fn name(self) -> &'static str {
        match self {
            KafkaError::NotLeaderOrFollower => "NotLeaderOrFollower",
            KafkaError::NotEnoughReplicas => "NotEnoughReplicas",
            KafkaError::NotEnoughReplicasAfterAppend => "NotEnoughReplicasAfterAppend",
            KafkaError::RequestTimedOut => "RequestTimedOut",
            KafkaError::FencedLeaderEpoch => "FencedLeaderEpoch",
            KafkaError::NetworkException => "NetworkException",
            KafkaError::DeliveryTimeout => "DeliveryTimeout",
            KafkaError::RetriesExhausted => "RetriesExhausted",
            KafkaError::OffsetOutOfRange => "OffsetOutOfRange",
            KafkaError::InvalidUpdateVersion => "InvalidUpdateVersion",
            KafkaError::OutOfOrderSequence => "OutOfOrderSequence",
            KafkaError::InvalidProducerEpoch => "InvalidProducerEpoch",
            KafkaError::IneligibleReplica => "IneligibleReplica",
            KafkaError::UnknownMemberId => "UnknownMemberId",
            KafkaError::IllegalGeneration => "IllegalGeneration",
            KafkaError::RebalanceInProgress => "RebalanceInProgress",
            KafkaError::CommitFailed => "CommitFailedException",
            KafkaError::NoOffsetForPartition => "NoOffsetForPartitionException",
            KafkaError::ProducerFenced => "ProducerFencedException",
        }
    }
}

/// A group member's identity: the consumer's node and which life of it (a restarted consumer
/// joins as a new member, as a Java consumer gets a new member id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemberId {
    pub node: NodeId,
    pub life: u32,
}

/// What a member tells the coordinator when it joins.
#[derive(Clone, Debug)]
pub struct JoinRequest {
    pub group: String,
    pub member: MemberId,
    /// The client id, by which the assignors sort members.
    pub name: String,
    pub topics: Vec<u32>,
    pub assignor: Assignor,
    pub session_timeout_ms: u64,
    /// `max.poll.interval.ms`: how long a rebalance waits for this member to rejoin.
    pub rebalance_timeout_ms: u64,
}

#[derive(Clone, Debug)]
pub struct FetchPartition {
    pub tp: Tp,
    pub fetch_offset: u64,
    /// The epoch of the follower's last record, checked by the leader for divergence.
    pub last_fetched_epoch: Option<u32>,
    /// The leader epoch the follower believes current.
    pub leader_epoch: u32,
}

#[derive(Clone, Debug)]
pub enum FetchResult {
    Records {
        records: Vec<Record>,
        high_watermark: u64,
    },
    /// The follower's last fetched epoch ends earlier here, or is unknown: the leader's
    /// (epoch, end offset) for it (KIP-320's diverging epoch); `None` when the leader knows
    /// no such epoch (UNDEFINED). The follower works out where to truncate.
    Diverging {
        epoch_end: Option<(u32, u64)>,
    },
    Error(KafkaError),
}

#[derive(Clone, Debug)]
pub enum Msg {
    // Broker ↔ controller.
    Heartbeat {
        metadata_version: u64,
        /// Which life of the broker this is: the first heartbeat of a new life is its
        /// registration (KRaft's broker epoch).
        incarnation: u64,
        /// The registered life that ended in a clean shutdown before this one, if the last
        /// one did (KIP-966's previous broker epoch): anything else is an unclean shutdown.
        previous_clean: Option<u64>,
    },
    HeartbeatResponse {
        metadata: Option<Rc<Metadata>>,
    },
    MetadataUpdate(Rc<Metadata>),
    AlterPartition {
        tp: Tp,
        leader_epoch: u32,
        partition_epoch: u32,
        new_isr: Vec<NodeId>,
    },
    AlterPartitionResponse {
        tp: Tp,
        result: Result<PartitionState, KafkaError>,
    },
    ControlledShutdown,
    ControlledShutdownResponse,
    // Follower → leader replication.
    Fetch {
        session: u64,
        partitions: Vec<FetchPartition>,
    },
    FetchResponse {
        session: u64,
        partitions: Vec<(Tp, FetchResult)>,
    },
    // Clients.
    MetadataRequest,
    /// The broker's process died or stopped: its operating system closes every socket, and
    /// a client with requests in flight on one sees the disconnect (FIN/RST) at once rather
    /// than waiting out `request.timeout.ms`. Sent as the broker goes down.
    ConnectionClosed,
    MetadataResponse(Rc<Metadata>),
    Produce(ProduceRequest),
    ProduceResponse {
        tp: Tp,
        batch: u64,
        result: Result<u64, KafkaError>,
    },
    ReadRequest {
        tp: Tp,
        offset: u64,
        /// `isolation.level=read_committed` (K23): up to the LSO, aborted records skipped.
        read_committed: bool,
    },
    ReadResponse {
        tp: Tp,
        offset: u64,
        high_watermark: u64,
        result: Result<Vec<(u64, MessageId)>, KafkaError>,
    },
    /// `ListOffsets` for the latest offset: the leader's high watermark, or its LSO for a
    /// read_committed consumer (K23).
    ListOffsets {
        tp: Tp,
        read_committed: bool,
    },
    ListOffsetsResponse {
        tp: Tp,
        result: Result<u64, KafkaError>,
    },
    // Consumer ↔ group coordinator. The classic protocol's JoinGroup and SyncGroup are
    // folded into one exchange: the coordinator runs the assignor the members agreed on.
    JoinGroup(JoinRequest),
    JoinGroupResponse {
        member: MemberId,
        result: Result<(u32, Vec<Tp>), KafkaError>,
    },
    GroupHeartbeat {
        group: String,
        member: MemberId,
        generation: u32,
    },
    GroupHeartbeatResponse {
        result: Result<(), KafkaError>,
    },
    LeaveGroup {
        group: String,
        member: MemberId,
    },
    OffsetCommit {
        group: String,
        member: MemberId,
        generation: u32,
        commit: u64,
        offsets: Vec<(Tp, u64)>,
    },
    OffsetCommitResponse {
        commit: u64,
        offsets: Vec<(Tp, u64)>,
        result: Result<(), KafkaError>,
    },
    OffsetFetch {
        group: String,
        partitions: Vec<Tp>,
    },
    OffsetFetchResponse {
        offsets: Vec<(Tp, Option<u64>)>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    // Broker.
    Heartbeat,
    FetchFrom {
        leader: NodeId,
    },
    FetchTimeout {
        leader: NodeId,
    },
    /// A follower of this leader has not caught up for `replica.lag.time.max.ms`.
    FollowerLag {
        tp: Tp,
        follower: NodeId,
    },
    ProduceTimeout {
        tp: Tp,
        producer: NodeId,
        batch: u64,
    },
    /// A graceful stop that the controller did not answer in time halts anyway.
    ShutdownDeadline,
    /// An AlterPartition not answered within the controller channel's request timeout is
    /// sent again (Kafka's AlterPartitionManager retries a request its connection lost).
    AlterPartitionTimeout {
        tp: Tp,
    },
    // Controller.
    SessionExpiry {
        broker: NodeId,
    },
    LeaderImbalanceCheck,
    // Producer.
    RequestTimeout {
        batch: u64,
    },
    Pump,
    // Reader.
    Poll,
    // Group coordinator (on a broker).
    MemberExpiry {
        group: String,
        member: MemberId,
    },
    RebalanceDeadline {
        group: String,
    },
    InitialRebalanceDelay {
        group: String,
    },
    // Consumer.
    /// A consumer that joins later than the start.
    ConsumerBegin,
    /// The background heartbeat thread.
    GroupHeartbeat,
    /// `poll()` found nothing: the next poll after `fetch.max.wait.ms`.
    PollAgain,
    /// The application finished processing the next record.
    ProcessRecord,
    /// `max.poll.interval.ms` passed without a `poll()` (K27).
    MaxPollInterval,
    /// A request to the coordinator got no answer: find it again.
    CoordinatorTimeout,
}

/// Why a consumer group rebalances (K27).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RebalanceReason {
    /// A member joined (or rejoined after losing its membership).
    Joined { member: MemberId },
    /// A member left cleanly (`close()`, or itself after `max.poll.interval.ms`).
    Left { member: MemberId },
    /// No heartbeat for `session.timeout.ms`.
    SessionExpired { member: MemberId },
}

/// Why the controller changed a partition's leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElectionReason {
    /// The leader's broker was fenced (missed heartbeats, K4).
    LeaderFenced,
    /// The leader's broker asked for a controlled shutdown (K5).
    ControlledShutdown,
    /// A preferred-leader election, by the admin tool or auto-rebalance (K2).
    Preferred,
    /// An offline partition got a live ISR member (or any replica, if unclean) back (K17/K18).
    ReplicaReturned,
    /// The leader's broker registered again after an unclean shutdown (kill -9 or power
    /// loss): KRaft takes it out of the ISR and the ELR (KAFKA-15586).
    UncleanShutdown,
}

/// Where a new leader came from (KRaft's PartitionChangeBuilder, KIP-966).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElectedFrom {
    /// A clean election: a live member of the ISR.
    Isr,
    /// The ISR is empty: an Eligible Leader Replica, which holds everything committed.
    Elr,
    /// ISR and ELR empty: the last leader, taken as it is (recorded as unclean).
    LastKnownLeader,
    /// `unclean.leader.election.enable`: any live replica, however far behind (K18).
    AnyReplica,
}

impl ElectedFrom {
    /// Kafka forces the ISR to the new leader alone and marks the partition RECOVERING.
    pub fn is_unclean(self) -> bool {
        matches!(self, Self::LastKnownLeader | Self::AnyReplica)
    }
}

/// Facts recorded in the trace, in plain terms the scenario layer turns into text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    /// K22: a retried batch of an idempotent producer was recognised and not appended again.
    DuplicateBatch {
        broker: NodeId,
        tp: Tp,
        base_offset: u64,
        messages: Vec<MessageId>,
    },
    Appended {
        broker: NodeId,
        tp: Tp,
        offset: u64,
        message: MessageId,
        epoch: u32,
    },
    Replicated {
        broker: NodeId,
        tp: Tp,
        from_offset: u64,
        count: u64,
    },
    HighWatermark {
        broker: NodeId,
        tp: Tp,
        high_watermark: u64,
    },
    /// The leader asked the controller to change the ISR.
    IsrChangeRequested {
        leader: NodeId,
        tp: Tp,
        new_isr: Vec<NodeId>,
    },
    IsrChanged {
        tp: Tp,
        isr: Vec<NodeId>,
    },
    LeaderElected {
        tp: Tp,
        leader: Option<NodeId>,
        epoch: u32,
        from: ElectedFrom,
        reason: ElectionReason,
    },
    /// KIP-966: the Eligible Leader Replicas of a partition changed.
    ElrChanged {
        tp: Tp,
        elr: Vec<NodeId>,
    },
    BrokerFenced {
        broker: NodeId,
    },
    BrokerUnfenced {
        broker: NodeId,
    },
    BecameLeader {
        broker: NodeId,
        tp: Tp,
        epoch: u32,
    },
    BecameFollower {
        broker: NodeId,
        tp: Tp,
        leader: Option<NodeId>,
        epoch: u32,
    },
    Truncated {
        broker: NodeId,
        tp: Tp,
        to_offset: u64,
        removed: Vec<MessageId>,
    },
    ErrorReturned {
        broker: NodeId,
        tp: Tp,
        error: KafkaError,
    },
    ProduceAcked {
        producer: NodeId,
        tp: Tp,
        base_offset: Option<u64>,
        messages: Vec<MessageId>,
    },
    ProduceRetry {
        producer: NodeId,
        tp: Tp,
        error: KafkaError,
        messages: Vec<MessageId>,
    },
    /// KIP-360: an idempotent producer found a gap in its sequence and bumped its epoch; the
    /// partition's numbering restarts at 0 and its batches are retried.
    ProducerEpochBumped {
        producer: NodeId,
        tp: Tp,
        epoch: u32,
    },
    /// K16 (0.10): a replica that starts following cuts its log to its own high watermark.
    TruncatedToHighWatermark {
        broker: NodeId,
        tp: Tp,
        to_offset: u64,
        removed: Vec<MessageId>,
    },
    /// A power loss took the last records of a log with the page cache.
    PageCacheLost {
        broker: NodeId,
        tp: Tp,
        removed: Vec<MessageId>,
    },
    ProduceFailed {
        producer: NodeId,
        tp: Tp,
        error: KafkaError,
        messages: Vec<MessageId>,
    },
    Read {
        reader: NodeId,
        tp: Tp,
        messages: Vec<(u64, MessageId)>,
    },
    ReaderReset {
        reader: NodeId,
        tp: Tp,
        to_offset: u64,
    },
    /// A broker restarted after kill -9 and recovered its log (K5).
    LogRecovery {
        broker: NodeId,
    },
    ShutdownRequested {
        broker: NodeId,
    },
    BrokerDown {
        broker: NodeId,
        graceful: bool,
    },
    BrokerStarted {
        broker: NodeId,
    },
    // Consumer groups.
    RebalanceStarted {
        group: String,
        coordinator: NodeId,
        reason: RebalanceReason,
    },
    /// A member that did not rejoin within the rebalance timeout was dropped.
    MemberDropped {
        group: String,
        member: MemberId,
    },
    GroupAssigned {
        group: String,
        generation: u32,
        assignment: Vec<(MemberId, Vec<Tp>)>,
    },
    /// The coordinator stored committed offsets (the next offset to read, K28).
    OffsetsCommitted {
        group: String,
        member: MemberId,
        offsets: Vec<(Tp, u64)>,
    },
    CommitRefused {
        group: String,
        member: MemberId,
        error: KafkaError,
    },
    /// A consumer sent a commit: `sync` blocks its thread until the answer (K32).
    CommitSent {
        consumer: NodeId,
        offsets: Vec<(Tp, u64)>,
        sync: bool,
        auto: bool,
    },
    /// The client reported a failed commit to the application.
    CommitFailed {
        consumer: NodeId,
        error: KafkaError,
    },
    PartitionsAssigned {
        consumer: NodeId,
        generation: u32,
        partitions: Vec<Tp>,
    },
    /// EAGER rebalancing: a member gives up all its partitions before rejoining.
    PartitionsRevoked {
        consumer: NodeId,
        partitions: Vec<Tp>,
    },
    /// Where a consumer starts reading a partition: the committed offset, or the reset policy.
    PositionSet {
        consumer: NodeId,
        tp: Tp,
        offset: u64,
        from: PositionSource,
    },
    /// `poll()` returned records to the application.
    Polled {
        consumer: NodeId,
        records: Vec<(Tp, u64, MessageId)>,
    },
    /// The application processed a record into its downstream store.
    Processed {
        consumer: NodeId,
        tp: Tp,
        offset: u64,
        message: MessageId,
        store: String,
        effect: WriteEffect,
    },
    MaxPollExceeded {
        consumer: NodeId,
    },
    ConsumerFailed {
        consumer: NodeId,
        error: KafkaError,
    },
    ConsumerDown {
        consumer: NodeId,
        graceful: bool,
    },
    ConsumerStarted {
        consumer: NodeId,
    },
    // New variants go last: the trace digest hashes the variant's index.
    /// K23: initTransactions at the transaction coordinator: the id's epoch is bumped, which
    /// fences any older producer with the same `transactional.id`; `aborted` lists the
    /// partitions of the older producer's open transaction, aborted now.
    TxnInit {
        producer: NodeId,
        transactional_id: String,
        coordinator: NodeId,
        producer_id: u64,
        epoch: u32,
        aborted: Vec<Tp>,
    },
    /// K23: a transaction began (AddPartitionsToTxn for its partitions).
    TxnBegun {
        producer: NodeId,
        partitions: Vec<Tp>,
        messages: Vec<MessageId>,
    },
    /// K23: the coordinator refused a fenced producer (an older epoch of its id).
    TxnFenced {
        producer: NodeId,
        messages: Vec<MessageId>,
    },
    /// K23: EndTxn: the coordinator wrote COMMIT or ABORT markers into every partition of the
    /// transaction (and, on commit, the group offsets sent with it).
    TxnEnded {
        producer: NodeId,
        commit: bool,
        partitions: Vec<Tp>,
        offsets: Vec<(Tp, u64)>,
    },
    /// A transaction marker was appended to a partition leader's log.
    MarkerWritten {
        broker: NodeId,
        tp: Tp,
        offset: u64,
        marker: Marker,
    },
}

impl Note {
    /// Does this fact concern the message (a message's life on the timeline)?
    pub fn mentions(&self, message: MessageId) -> bool {
        match self {
            Note::Appended { message: m, .. } | Note::Processed { message: m, .. } => *m == message,
            Note::DuplicateBatch { messages, .. }
            | Note::Truncated {
                removed: messages, ..
            }
            | Note::TruncatedToHighWatermark {
                removed: messages, ..
            }
            | Note::PageCacheLost {
                removed: messages, ..
            }
            | Note::ProduceAcked { messages, .. }
            | Note::ProduceRetry { messages, .. }
            | Note::ProduceFailed { messages, .. } => messages.contains(&message),
            Note::Read { messages, .. } => messages.iter().any(|&(_, m)| m == message),
            Note::Polled { records, .. } => records.iter().any(|&(_, _, m)| m == message),
            _ => false,
        }
    }
}

/// Where a consumer's starting position came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PositionSource {
    Committed,
    ResetEarliest,
    ResetLatest,
    /// The committed offset was out of range (truncated, K18) and reset.
    OutOfRangeReset,
}

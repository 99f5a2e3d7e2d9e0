use mqlab_engine::Millis;

/// A validated cluster configuration. Built by the scenario layer; the model trusts it.
#[derive(Clone, Debug)]
pub struct KafkaConfig {
    /// Brokers get node ids 1..=brokers.
    pub brokers: u32,
    pub topics: Vec<TopicConfig>,
    pub timing: Timing,
    /// `auto.leader.rebalance.enable`.
    pub auto_leader_rebalance: bool,
    /// Which Kafka's replication rules apply (older behaviour behind a named version).
    pub version: KafkaVersion,
    /// Eligible Leader Replicas (KIP-966, `eligible.leader.replicas.version=1`): on by default
    /// for new clusters from 4.1, available from 4.0.
    pub eligible_leader_replicas: bool,
    pub producers: Vec<ProducerConfig>,
    pub readers: Vec<ReaderConfig>,
    pub consumers: Vec<ConsumerConfig>,
    pub stores: Vec<StoreConfig>,
}

/// The Kafka versions whose replication behaviour differs in ways the lessons show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KafkaVersion {
    /// Before KIP-101 (0.11): a follower truncates to its own high watermark when it starts
    /// following (K16), with no leader-epoch check.
    V0_10,
    /// KRaft before 3.7 (KAFKA-15583): the high watermark advances under min ISR (K10).
    V3_6,
    /// Kafka 4.0: KRaft only; ELR available but off by default; a broker that comes back
    /// from an unclean shutdown is taken out of the ISR it was in (KAFKA-15586).
    V4_0,
    /// Kafka 4.1+: ELR on by default for new clusters.
    V4_1,
}

impl KafkaVersion {
    pub const ALL: [KafkaVersion; 4] = [Self::V4_1, Self::V4_0, Self::V3_6, Self::V0_10];

    pub fn label(self) -> &'static str {
        match self {
            Self::V0_10 => "0.10",
            Self::V3_6 => "3.6",
            Self::V4_0 => "4.0",
            Self::V4_1 => "4.1",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.label() == s)
    }
    /// K10: before 3.7 the high watermark advanced with fewer in-sync replicas than
    /// min.insync.replicas.
    pub fn hw_advances_under_min_isr(self) -> bool {
        self <= Self::V3_6
    }
    /// K16: before 0.11 a follower truncated to its high watermark, not by leader epoch.
    pub fn truncates_to_high_watermark(self) -> bool {
        self == Self::V0_10
    }
    /// ELR (KIP-966) exists from 4.0 on.
    pub fn supports_elr(self) -> bool {
        self >= Self::V4_0
    }
    /// The default of `eligible.leader.replicas.version` for a new cluster.
    pub fn elr_by_default(self) -> bool {
        self >= Self::V4_1
    }
    /// Idempotent producers exist from 0.11 on, and acks=all + idempotence are the producer's
    /// defaults from 3.0.
    pub fn idempotence_by_default(self) -> bool {
        self >= Self::V3_6
    }
}

#[derive(Clone, Debug)]
pub struct TopicConfig {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    pub unclean_leader_election: bool,
}

/// Broker and controller timeouts, in simulated milliseconds.
#[derive(Clone, Debug)]
pub struct Timing {
    pub heartbeat_interval_ms: Millis,
    pub session_timeout_ms: Millis,
    pub replica_lag_time_max_ms: Millis,
    pub replica_fetch_wait_max_ms: Millis,
    pub replica_socket_timeout_ms: Millis,
    pub leader_imbalance_check_interval_ms: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acks {
    /// Fire and forget: no response, offset unknown.
    Zero,
    /// The leader's append is enough.
    Leader,
    /// Every replica of the current ISR must have it (and the ISR must be big enough).
    All,
}

impl Acks {
    pub fn label(self) -> &'static str {
        match self {
            Acks::Zero => "0",
            Acks::Leader => "1",
            Acks::All => "all",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ProducerConfig {
    pub name: String,
    pub acks: Acks,
    pub retries: u32,
    pub request_timeout_ms: Millis,
    pub delivery_timeout_ms: Millis,
    pub retry_backoff_ms: Millis,
    pub max_in_flight: u32,
    /// `enable.idempotence` as in force (K22).
    pub idempotent: bool,
    /// `transactional.id` (K23): set, it implies idempotence.
    pub transactional_id: Option<String>,
}

/// `retry.backoff.max.ms` (Kafka 3.7+): retries back off exponentially up to this.
pub const RETRY_BACKOFF_MAX_MS: Millis = 1_000;

#[derive(Clone, Debug)]
pub struct ReaderConfig {
    pub name: String,
    pub topic: u32,
    pub poll_interval_ms: Millis,
    /// `isolation.level=read_committed` (K23); the default is read_uncommitted.
    pub read_committed: bool,
}

/// When a group consumer commits its offsets (K29–K32).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommitMode {
    /// `enable.auto.commit=true` (the default): inside `poll()`, every interval, the positions
    /// returned by earlier polls (K31); also on rebalance and `close()`.
    Auto,
    /// Process the whole batch, then `commitSync()`: at-least-once (K29).
    SyncAfterProcess,
    /// Process the whole batch, then `commitAsync()` and poll at once (K32).
    AsyncAfterProcess,
    /// `commitSync()` as soon as `poll()` returns, then process: at-most-once (K30).
    SyncBeforeProcess,
}

/// `auto.offset.reset` (K33).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OffsetReset {
    Earliest,
    Latest,
    /// Throw NoOffsetForPartitionException.
    None,
}

#[derive(Clone, Debug)]
pub struct ConsumerConfig {
    pub name: String,
    pub group: String,
    /// The topics it subscribes to (one or more, in the order given).
    pub topics: Vec<u32>,
    pub commit: CommitMode,
    pub auto_commit_interval_ms: Millis,
    pub auto_offset_reset: OffsetReset,
    pub assignor: crate::Assignor,
    pub session_timeout_ms: Millis,
    pub heartbeat_interval_ms: Millis,
    pub max_poll_interval_ms: Millis,
    pub max_poll_records: u32,
    /// `fetch.max.wait.ms`: how long an empty `poll()` waits before polling again.
    pub fetch_max_wait_ms: Millis,
    /// How long the application takes to process one record into its store.
    pub processing_ms: Millis,
    /// Index into `KafkaConfig::stores`.
    pub store: usize,
    /// The consumer starts (and joins its group) at this time.
    pub join_at_ms: Millis,
    /// `isolation.level=read_committed` (K23); the default is read_uncommitted.
    pub read_committed: bool,
    /// Consume-transform-produce (K23): each record is also written to an output topic by a
    /// transactional producer, with the batch's offsets, in one transaction per poll batch.
    pub transform: Option<Transform>,
}

/// Where a consume-transform-produce consumer writes, and with which producer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transform {
    pub output_topic: u32,
    /// Index into `KafkaConfig::producers`: a producer with a `transactional_id`.
    pub producer: usize,
}

/// A downstream store the consumers write into.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub name: String,
    pub kind: mqlab_ledger::StoreKind,
}

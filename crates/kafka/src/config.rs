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
    /// Before Kafka 3.7 (KAFKA-15583) the high watermark advanced even with fewer in-sync
    /// replicas than `min.insync.replicas` (FIDELITY K10). False models 3.7+.
    pub legacy_hw_under_min_isr: bool,
    pub producers: Vec<ProducerConfig>,
    pub readers: Vec<ReaderConfig>,
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
}

/// `retry.backoff.max.ms` (Kafka 3.7+): retries back off exponentially up to this.
pub const RETRY_BACKOFF_MAX_MS: Millis = 1_000;

#[derive(Clone, Debug)]
pub struct ReaderConfig {
    pub name: String,
    pub topic: u32,
    pub poll_interval_ms: Millis,
}

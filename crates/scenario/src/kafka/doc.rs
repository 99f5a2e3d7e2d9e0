//! The Kafka parts of a scenario document, exactly as JSON spells them: the `kafka` section
//! (brokers, topics, timing) and the Kafka clients (producers, readers, group consumers).

use crate::read::{named, Field, Res};
use crate::write::{self, Json};

#[derive(Clone, Debug, PartialEq)]
pub struct KafkaDoc {
    /// Number of brokers; they are named broker-1 … broker-N.
    pub brokers: u32,
    pub topics: Vec<TopicDoc>,
    /// `auto.leader.rebalance.enable` (Kafka's default: true): move leadership back to
    /// preferred leaders every `leader_imbalance_check_interval_ms`.
    pub auto_leader_rebalance: bool,
    /// Which Kafka's replication rules: "4.1" (the default), "4.0", "3.6" (the high
    /// watermark advances under min ISR, K10) or "0.10" (followers truncate to their high
    /// watermark, K16).
    pub version: Option<String>,
    /// `eligible.leader.replicas.version=1` (KIP-966). Unset: the version's default for a
    /// new cluster (on from 4.1).
    pub eligible_leader_replicas: Option<bool>,
    pub timing: KafkaTimingDoc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopicDoc {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u32,
    /// `min.insync.replicas`.
    pub min_insync_replicas: u32,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election: bool,
}

fn one() -> u32 {
    1
}
fn yes() -> bool {
    true
}

/// Broker and controller timing, real Kafka defaults unless a scenario scales them.
#[derive(Clone, Debug, PartialEq)]
pub struct KafkaTimingDoc {
    /// `broker.heartbeat.interval.ms`.
    pub heartbeat_interval_ms: u64,
    /// `broker.session.timeout.ms`: the controller fences a broker silent this long.
    pub session_timeout_ms: u64,
    /// `replica.lag.time.max.ms`: the leader drops a follower not caught up this long.
    pub replica_lag_time_max_ms: u64,
    /// `replica.fetch.wait.max.ms`: how long a follower that got nothing waits to fetch again.
    pub replica_fetch_wait_max_ms: u64,
    /// `replica.socket.timeout.ms`: a follower re-sends a fetch that got no answer.
    pub replica_socket_timeout_ms: u64,
    /// `leader.imbalance.check.interval.seconds` × 1000.
    pub leader_imbalance_check_interval_ms: u64,
}

impl Default for KafkaTimingDoc {
    fn default() -> Self {
        Self {
            heartbeat_interval_ms: 2_000,
            session_timeout_ms: 9_000,
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            replica_socket_timeout_ms: 30_000,
            leader_imbalance_check_interval_ms: 300_000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcksDoc {
    Zero,
    One,
    All,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerDoc {
    pub name: String,
    pub acks: AcksDoc,
    /// `retries`: how many times a failed batch is re-sent (bounded by the delivery timeout).
    pub retries: u32,
    pub request_timeout_ms: u64,
    pub delivery_timeout_ms: u64,
    pub retry_backoff_ms: u64,
    /// `max.in.flight.requests.per.connection`.
    pub max_in_flight: u32,
    /// `enable.idempotence`. Unset: Kafka's default, on unless acks, retries or in-flight
    /// conflict with it (then silently off); `true` with a conflict is an error.
    pub enable_idempotence: Option<bool>,
    /// `transactional.id` (K23): the producer can send in transactions (the "transaction"
    /// action); it implies idempotence.
    pub transactional_id: Option<String>,
}

fn acks_all() -> AcksDoc {
    AcksDoc::All
}
fn max_retries() -> u32 {
    i32::MAX as u32
}
fn thirty_seconds() -> u64 {
    30_000
}
fn two_minutes() -> u64 {
    120_000
}
fn hundred() -> u64 {
    100
}
fn five() -> u32 {
    5
}

/// A plain consumer (no group yet) that fetches a topic from the start and records what it
/// could read: the "what would a consumer see" probe.
#[derive(Clone, Debug, PartialEq)]
pub struct ReaderDoc {
    pub name: String,
    pub topic: String,
    pub poll_interval_ms: u64,
    /// `isolation.level` (K23).
    pub isolation_level: IsolationDoc,
}

/// `isolation.level` (K23): Kafka's default is read_uncommitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum IsolationDoc {
    #[default]
    ReadUncommitted,
    ReadCommitted,
}

fn five_hundred() -> u64 {
    500
}

/// When a consumer commits (K29–K32).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitDoc {
    /// `enable.auto.commit=true`, inside poll() every `auto_commit_interval_ms`.
    Auto,
    /// Process the batch, then commitSync (at-least-once).
    SyncAfterProcess,
    /// Process the batch, then commitAsync.
    AsyncAfterProcess,
    /// commitSync first, then process (at-most-once).
    SyncBeforeProcess,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetResetDoc {
    Earliest,
    Latest,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignorDoc {
    Range,
    RoundRobin,
}

/// A consumer in a group. Every setting is Kafka's default unless given.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerDoc {
    pub name: String,
    /// `group.id`.
    pub group: String,
    /// The one topic it subscribes to; or give `topics`.
    pub topic: String,
    /// Several topics (K26's multi-topic assignment); `topic` is the one-topic shorthand.
    pub topics: Vec<String>,
    pub commit: CommitDoc,
    /// `auto.commit.interval.ms`.
    pub auto_commit_interval_ms: u64,
    /// `auto.offset.reset`.
    pub auto_offset_reset: OffsetResetDoc,
    /// `partition.assignment.strategy`.
    pub assignor: AssignorDoc,
    /// `session.timeout.ms`.
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms`.
    pub heartbeat_interval_ms: u64,
    /// `max.poll.interval.ms`.
    pub max_poll_interval_ms: u64,
    /// `max.poll.records`.
    pub max_poll_records: u32,
    /// `fetch.max.wait.ms`.
    pub fetch_max_wait_ms: u64,
    /// How long the application takes to process one record.
    pub processing_ms: u64,
    /// The store it writes to; the first store if not given.
    pub store: Option<String>,
    /// Start (and join the group) this late.
    pub join_at_ms: u64,
    /// `isolation.level` (K23).
    pub isolation_level: IsolationDoc,
    /// Consume-transform-produce (K23): each record processed is also written to this topic,
    /// by a transactional producer (named "<consumer>-tx") with `transactional_id`, and the
    /// batch's offsets are committed in the same transaction.
    pub output_topic: Option<String>,
    pub transactional_id: Option<String>,
}

fn commit_auto() -> CommitDoc {
    CommitDoc::Auto
}
fn reset_latest() -> OffsetResetDoc {
    OffsetResetDoc::Latest
}
fn range_assignor() -> AssignorDoc {
    AssignorDoc::Range
}
fn five_seconds() -> u64 {
    5_000
}
fn three_seconds() -> u64 {
    3_000
}
fn forty_five_seconds() -> u64 {
    45_000
}
fn five_minutes() -> u64 {
    300_000
}
fn max_poll_records() -> u32 {
    500
}
fn is_zero(v: &u64) -> bool {
    *v == 0
}

named!(AcksDoc { "0" => Zero, "1" => One, "all" => All });
named!(CommitDoc {
    "auto" => Auto,
    "sync_after_process" => SyncAfterProcess,
    "async_after_process" => AsyncAfterProcess,
    "sync_before_process" => SyncBeforeProcess,
});
named!(OffsetResetDoc { "earliest" => Earliest, "latest" => Latest, "none" => None });
named!(AssignorDoc { "range" => Range, "round_robin" => RoundRobin });
named!(IsolationDoc {
    "read_uncommitted" => ReadUncommitted,
    "read_committed" => ReadCommitted,
});

impl KafkaDoc {
    pub fn read(f: Field<'_>) -> Res<KafkaDoc> {
        let o = f.obj(&[
            "brokers",
            "topics",
            "auto_leader_rebalance",
            "version",
            "eligible_leader_replicas",
            "timing",
        ])?;
        Ok(KafkaDoc {
            brokers: o.req("brokers", |f| f.u32())?,
            topics: o.req("topics", |f| f.list(TopicDoc::read))?,
            auto_leader_rebalance: o.or("auto_leader_rebalance", yes(), |f| f.bool())?,
            version: o.opt("version", |f| f.string())?,
            eligible_leader_replicas: o.opt("eligible_leader_replicas", |f| f.bool())?,
            timing: o.or("timing", KafkaTimingDoc::default(), KafkaTimingDoc::read)?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("brokers", self.brokers)
            .put("topics", write::list(&self.topics, TopicDoc::write))
            .put("auto_leader_rebalance", self.auto_leader_rebalance)
            .opt("version", self.version.as_ref())
            .opt("eligible_leader_replicas", self.eligible_leader_replicas)
            .put("timing", self.timing.write())
            .done()
    }
}

impl TopicDoc {
    pub fn read(f: Field<'_>) -> Res<TopicDoc> {
        let o = f.obj(&[
            "name",
            "partitions",
            "replication_factor",
            "min_insync_replicas",
            "unclean_leader_election",
        ])?;
        Ok(TopicDoc {
            name: o.req("name", |f| f.string())?,
            partitions: o.req("partitions", |f| f.u32())?,
            replication_factor: o.req("replication_factor", |f| f.u32())?,
            min_insync_replicas: o.or("min_insync_replicas", one(), |f| f.u32())?,
            unclean_leader_election: o.or("unclean_leader_election", false, |f| f.bool())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("partitions", self.partitions)
            .put("replication_factor", self.replication_factor)
            .put("min_insync_replicas", self.min_insync_replicas)
            .put("unclean_leader_election", self.unclean_leader_election)
            .done()
    }
}

impl KafkaTimingDoc {
    pub fn read(f: Field<'_>) -> Res<KafkaTimingDoc> {
        let o = f.obj(&[
            "heartbeat_interval_ms",
            "session_timeout_ms",
            "replica_lag_time_max_ms",
            "replica_fetch_wait_max_ms",
            "replica_socket_timeout_ms",
            "leader_imbalance_check_interval_ms",
        ])?;
        let d = KafkaTimingDoc::default();
        let ms = |key: &str, default: u64| o.or(key, default, |f| f.ms());
        Ok(KafkaTimingDoc {
            heartbeat_interval_ms: ms("heartbeat_interval_ms", d.heartbeat_interval_ms)?,
            session_timeout_ms: ms("session_timeout_ms", d.session_timeout_ms)?,
            replica_lag_time_max_ms: ms("replica_lag_time_max_ms", d.replica_lag_time_max_ms)?,
            replica_fetch_wait_max_ms: ms(
                "replica_fetch_wait_max_ms",
                d.replica_fetch_wait_max_ms,
            )?,
            replica_socket_timeout_ms: ms(
                "replica_socket_timeout_ms",
                d.replica_socket_timeout_ms,
            )?,
            leader_imbalance_check_interval_ms: ms(
                "leader_imbalance_check_interval_ms",
                d.leader_imbalance_check_interval_ms,
            )?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("heartbeat_interval_ms", self.heartbeat_interval_ms)
            .put("session_timeout_ms", self.session_timeout_ms)
            .put("replica_lag_time_max_ms", self.replica_lag_time_max_ms)
            .put("replica_fetch_wait_max_ms", self.replica_fetch_wait_max_ms)
            .put("replica_socket_timeout_ms", self.replica_socket_timeout_ms)
            .put(
                "leader_imbalance_check_interval_ms",
                self.leader_imbalance_check_interval_ms,
            )
            .done()
    }
}

impl ProducerDoc {
    pub fn read(f: Field<'_>) -> Res<ProducerDoc> {
        let o = f.obj(&[
            "name",
            "acks",
            "retries",
            "request_timeout_ms",
            "delivery_timeout_ms",
            "retry_backoff_ms",
            "max_in_flight",
            "enable_idempotence",
            "transactional_id",
        ])?;
        Ok(ProducerDoc {
            name: o.req("name", |f| f.string())?,
            acks: o.or("acks", acks_all(), |f| f.name())?,
            retries: o.or("retries", max_retries(), |f| f.u32())?,
            request_timeout_ms: o.or("request_timeout_ms", thirty_seconds(), |f| f.ms())?,
            delivery_timeout_ms: o.or("delivery_timeout_ms", two_minutes(), |f| f.ms())?,
            retry_backoff_ms: o.or("retry_backoff_ms", hundred(), |f| f.ms())?,
            max_in_flight: o.or("max_in_flight", five(), |f| f.u32())?,
            enable_idempotence: o.opt("enable_idempotence", |f| f.bool())?,
            transactional_id: o.opt("transactional_id", |f| f.string())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("acks", write::name(self.acks))
            .put("retries", self.retries)
            .put("request_timeout_ms", self.request_timeout_ms)
            .put("delivery_timeout_ms", self.delivery_timeout_ms)
            .put("retry_backoff_ms", self.retry_backoff_ms)
            .put("max_in_flight", self.max_in_flight)
            .opt("enable_idempotence", self.enable_idempotence)
            .opt("transactional_id", self.transactional_id.as_ref())
            .done()
    }
}

impl ReaderDoc {
    pub fn read(f: Field<'_>) -> Res<ReaderDoc> {
        let o = f.obj(&["name", "topic", "poll_interval_ms", "isolation_level"])?;
        Ok(ReaderDoc {
            name: o.req("name", |f| f.string())?,
            topic: o.req("topic", |f| f.string())?,
            poll_interval_ms: o.or("poll_interval_ms", five_hundred(), |f| f.ms())?,
            isolation_level: o.or("isolation_level", IsolationDoc::default(), |f| f.name())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("topic", &self.topic)
            .put("poll_interval_ms", self.poll_interval_ms)
            .put_if(
                self.isolation_level != IsolationDoc::default(),
                "isolation_level",
                write::name(self.isolation_level),
            )
            .done()
    }
}

impl ConsumerDoc {
    pub fn read(f: Field<'_>) -> Res<ConsumerDoc> {
        let o = f.obj(&[
            "name",
            "group",
            "topic",
            "topics",
            "commit",
            "auto_commit_interval_ms",
            "auto_offset_reset",
            "assignor",
            "session_timeout_ms",
            "heartbeat_interval_ms",
            "max_poll_interval_ms",
            "max_poll_records",
            "fetch_max_wait_ms",
            "processing_ms",
            "store",
            "join_at_ms",
            "isolation_level",
            "output_topic",
            "transactional_id",
        ])?;
        let ms = |key: &str, default: u64| o.or(key, default, |f| f.ms());
        Ok(ConsumerDoc {
            name: o.req("name", |f| f.string())?,
            group: o.req("group", |f| f.string())?,
            // Validation asks for exactly one of `topic` and `topics`.
            topic: o.or("topic", String::new(), |f| f.string())?,
            topics: o.or("topics", Vec::new(), |f| f.strings())?,
            commit: o.or("commit", commit_auto(), |f| f.name())?,
            auto_commit_interval_ms: ms("auto_commit_interval_ms", five_seconds())?,
            auto_offset_reset: o.or("auto_offset_reset", reset_latest(), |f| f.name())?,
            assignor: o.or("assignor", range_assignor(), |f| f.name())?,
            session_timeout_ms: ms("session_timeout_ms", forty_five_seconds())?,
            heartbeat_interval_ms: ms("heartbeat_interval_ms", three_seconds())?,
            max_poll_interval_ms: ms("max_poll_interval_ms", five_minutes())?,
            max_poll_records: o.or("max_poll_records", max_poll_records(), |f| f.u32())?,
            fetch_max_wait_ms: ms("fetch_max_wait_ms", five_hundred())?,
            processing_ms: ms("processing_ms", hundred())?,
            store: o.opt("store", |f| f.string())?,
            join_at_ms: ms("join_at_ms", 0)?,
            isolation_level: o.or("isolation_level", IsolationDoc::default(), |f| f.name())?,
            output_topic: o.opt("output_topic", |f| f.string())?,
            transactional_id: o.opt("transactional_id", |f| f.string())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("group", &self.group)
            .put_if(!self.topic.is_empty(), "topic", &self.topic)
            .put_if(!self.topics.is_empty(), "topics", self.topics.as_slice())
            .put("commit", write::name(self.commit))
            .put("auto_commit_interval_ms", self.auto_commit_interval_ms)
            .put("auto_offset_reset", write::name(self.auto_offset_reset))
            .put("assignor", write::name(self.assignor))
            .put("session_timeout_ms", self.session_timeout_ms)
            .put("heartbeat_interval_ms", self.heartbeat_interval_ms)
            .put("max_poll_interval_ms", self.max_poll_interval_ms)
            .put("max_poll_records", self.max_poll_records)
            .put("fetch_max_wait_ms", self.fetch_max_wait_ms)
            .put("processing_ms", self.processing_ms)
            .opt("store", self.store.as_ref())
            .put_if(!is_zero(&self.join_at_ms), "join_at_ms", self.join_at_ms)
            .put_if(
                self.isolation_level != IsolationDoc::default(),
                "isolation_level",
                write::name(self.isolation_level),
            )
            .opt("output_topic", self.output_topic.as_ref())
            .opt("transactional_id", self.transactional_id.as_ref())
            .done()
    }
}

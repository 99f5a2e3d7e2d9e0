//! The same document on the real cluster: declarations, then the script in real time, with
//! publishers and consumers that behave as the model's client applications do (`lapin`,
//! AMQP 0-9-1), then what can be observed at the end.

use crate::cluster::{self, Cluster};
use crate::observe::*;
use futures_lite::StreamExt;
use lapin::options::*;
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{
    BasicProperties, Channel, Connection, ConnectionProperties, Consumer, PublisherConfirm,
};
use mqlab_engine::{Fault, NodeId};
use mqlab_rabbitmq::{Action, PUBLISHER_BASE};
use mqlab_scenario::doc_rabbit::*;
use mqlab_scenario::validate::{validate, Happen, Validated, When};
use mqlab_scenario::ScenarioDoc;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{sleep, sleep_until, timeout, Instant};

/// How long a client waits before reconnecting, and before retrying `basic.consume` after a
/// cancel or a refusal: the model's applications (`RECONNECT_MS`, twice that).
const RECONNECT_MS: u64 = 1_000;
const RECONSUME_MS: u64 = 2_000;
/// How often a client looks at its connection.
const TICK: Duration = Duration::from_millis(20);

pub type Shared = Arc<Mutex<Cluster>>;

fn log(msg: &str) {
    eprintln!("[real] {msg}");
}

#[derive(Default)]
struct Recorder {
    obs: Observation,
    first_publish: BTreeMap<String, Instant>,
    last_confirm: BTreeMap<String, Instant>,
}

type Rec = Arc<Mutex<Recorder>>;

impl Recorder {
    fn message(&mut self, label: &str) -> Option<&mut MessageObs> {
        self.obs.messages.get_mut(label)
    }
    fn published(&mut self, publisher: &str, label: &str, plain: bool) {
        self.first_publish
            .entry(publisher.to_string())
            .or_insert_with(Instant::now);
        if let Some(m) = self.message(label) {
            m.publish = if plain {
                Publish::Sent
            } else {
                Publish::Unconfirmed
            };
        }
    }
    fn confirmed(&mut self, publisher: &str, label: &str, ack: bool, returned: bool) {
        if let Some(m) = self.message(label) {
            m.publish = if ack {
                Publish::Confirmed
            } else {
                Publish::Nacked
            };
            m.returned |= returned;
        }
        if ack {
            self.last_confirm
                .insert(publisher.to_string(), Instant::now());
            self.obs
                .publishers
                .entry(publisher.to_string())
                .or_default()
                .confirmed += 1;
        }
    }
}

#[derive(Debug)]
enum ClientCmd {
    Publish(Vec<(String, String)>),
    Crash,
    Restart,
    Finish,
}

fn scaled(ms: u64, scale: f64) -> Duration {
    Duration::from_secs_f64(ms as f64 * scale / 1000.0)
}

async fn connect(uri: &str, name: &str) -> Result<Connection, String> {
    let props = ConnectionProperties::default().with_connection_name(LongString::from(name));
    match timeout(Duration::from_secs(3), Connection::connect(uri, props)).await {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("connect timed out".into()),
    }
}

fn long(v: u64) -> AMQPValue {
    AMQPValue::LongLongInt(v as i64)
}

fn text(v: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(v))
}

fn queue_args(q: &QueueDoc) -> FieldTable {
    let mut a = FieldTable::default();
    if q.kind == QueueTypeDoc::Quorum {
        a.insert("x-queue-type".into(), text("quorum"));
        a.insert(
            "x-quorum-initial-group-size".into(),
            long(u64::from(q.quorum_members)),
        );
        if let Some(l) = q.delivery_limit {
            a.insert("x-delivery-limit".into(), long(u64::from(l)));
        }
    }
    if let Some(t) = q.message_ttl_ms {
        a.insert("x-message-ttl".into(), long(t));
    }
    if let Some(l) = q.max_length {
        a.insert("x-max-length".into(), long(u64::from(l)));
    }
    if let Some(o) = q.overflow {
        a.insert(
            "x-overflow".into(),
            text(match o {
                OverflowDoc::DropHead => "drop-head",
                OverflowDoc::RejectPublish => "reject-publish",
            }),
        );
    }
    if let Some(x) = &q.dead_letter_exchange {
        a.insert("x-dead-letter-exchange".into(), text(x));
    }
    if let Some(k) = &q.dead_letter_routing_key {
        a.insert("x-dead-letter-routing-key".into(), text(k));
    }
    a
}

/// The `ha-*` policy definition, as `rabbitmqctl set_policy` takes it.
pub fn policy_definition(p: &PolicyDoc) -> serde_json::Value {
    let mut d = serde_json::Map::new();
    let mode = match p.ha_mode {
        HaModeDoc::All => "all",
        HaModeDoc::Exactly => "exactly",
        HaModeDoc::Nodes => "nodes",
    };
    d.insert("ha-mode".into(), json!(mode));
    if let Some(params) = &p.ha_params {
        let v = match params {
            serde_json::Value::Array(a) => json!(a
                .iter()
                .filter_map(|n| n.as_str())
                .filter_map(cluster::node_index)
                .map(cluster::node_name)
                .collect::<Vec<_>>()),
            other => other.clone(),
        };
        d.insert("ha-params".into(), v);
    }
    d.insert(
        "ha-sync-mode".into(),
        json!(match p.ha_sync_mode {
            SyncModeDoc::Manual => "manual",
            SyncModeDoc::Automatic => "automatic",
        }),
    );
    let promote = |x: PromoteDoc| match x {
        PromoteDoc::Always => "always",
        PromoteDoc::WhenSynced => "when-synced",
    };
    d.insert(
        "ha-promote-on-failure".into(),
        json!(promote(p.ha_promote_on_failure)),
    );
    d.insert(
        "ha-promote-on-shutdown".into(),
        json!(promote(p.ha_promote_on_shutdown)),
    );
    serde_json::Value::Object(d)
}

async fn blocking<T: Send + 'static>(
    cluster: &Shared,
    f: impl FnOnce(&mut Cluster) -> T + Send + 'static,
) -> T {
    let c = cluster.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = c.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    })
    .await
    .expect("cluster task panicked")
}

/// Delete what a scenario declares (and any queue left over), clear every policy.
pub async fn reset(cluster: &Shared, doc: &RabbitDoc) -> Result<(), String> {
    blocking(cluster, |c| c.ensure_all_up()).await?;
    let leftovers = blocking(cluster, |c| c.queue_names()).await?;
    blocking(cluster, |c| c.clear_policies()).await?;
    let uri = cluster.lock().unwrap().amqp_uri(1);
    let conn = connect(&uri, "reset").await?;
    let mut names: BTreeSet<String> = leftovers.into_iter().collect();
    names.extend(doc.queues.iter().map(|q| q.name.clone()));
    for q in names {
        let ch = conn.create_channel().await.map_err(|e| e.to_string())?;
        if let Err(e) = ch
            .queue_delete(q.as_str().into(), QueueDeleteOptions::default())
            .await
        {
            log(&format!("delete {q}: {e}"));
        }
    }
    for x in &doc.exchanges {
        let ch = conn.create_channel().await.map_err(|e| e.to_string())?;
        let _ = ch
            .exchange_delete(x.name.as_str().into(), ExchangeDeleteOptions::default())
            .await;
    }
    let _ = conn.close(200, "reset".into()).await;
    Ok(())
}

async fn declare(cluster: &Shared, doc: &RabbitDoc) -> Result<(), String> {
    let n = doc.policies.len();
    for (i, p) in doc.policies.iter().enumerate() {
        let def = policy_definition(p).to_string();
        let (name, pattern, priority) = (p.name.clone(), p.pattern.clone(), (n - i).to_string());
        blocking(cluster, move |c| {
            c.ctl(
                1,
                &[
                    "set_policy",
                    "--apply-to",
                    "queues",
                    "--priority",
                    &priority,
                    &name,
                    &pattern,
                    &def,
                ],
            )
        })
        .await?;
    }
    let uri1 = cluster.lock().unwrap().amqp_uri(1);
    let conn1 = connect(&uri1, "declare").await?;
    let ch1 = conn1.create_channel().await.map_err(|e| e.to_string())?;
    for x in &doc.exchanges {
        let kind = match x.kind {
            ExchangeTypeDoc::Direct => lapin::ExchangeKind::Direct,
            ExchangeTypeDoc::Fanout => lapin::ExchangeKind::Fanout,
        };
        ch1.exchange_declare(
            x.name.as_str().into(),
            kind,
            ExchangeDeclareOptions {
                durable: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(|e| format!("exchange {}: {e}", x.name))?;
    }
    // Each queue from a client on its node: a classic queue's home is the declaring node
    // (client-local), a quorum queue's first leader too.
    for q in &doc.queues {
        let n = cluster::node_index(&q.node).ok_or("bad node")?;
        let uri = cluster.lock().unwrap().amqp_uri(n);
        let conn = connect(&uri, "declare").await?;
        let ch = conn.create_channel().await.map_err(|e| e.to_string())?;
        ch.queue_declare(
            q.name.as_str().into(),
            QueueDeclareOptions {
                durable: q.durable || q.kind == QueueTypeDoc::Quorum,
                ..Default::default()
            },
            queue_args(q),
        )
        .await
        .map_err(|e| format!("queue {}: {e}", q.name))?;
        let _ = conn.close(200, "declared".into()).await;
    }
    for b in &doc.bindings {
        ch1.queue_bind(
            b.queue.as_str().into(),
            b.exchange.as_str().into(),
            b.routing_key.as_str().into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .map_err(|e| format!("binding {} → {}: {e}", b.exchange, b.queue))?;
    }
    let _ = conn1.close(200, "declared".into()).await;
    // Wait until mirrors are in place and synchronised, quorum members online.
    let t = std::time::Instant::now();
    loop {
        let placement = blocking(cluster, |c| c.queue_placement(1)).await?;
        let settled = doc.queues.iter().all(|q| {
            let Some(p) = placement.iter().find(|p| p["name"] == q.name.as_str()) else {
                return false;
            };
            if q.kind == QueueTypeDoc::Quorum {
                let members = p["members"].as_array().map_or(0, |a| a.len());
                let online = p["online"].as_array().map_or(0, |a| a.len());
                return members > 0 && members == online && p["leader"].is_string();
            }
            let slaves = p["slave_pids"].as_array().map_or(0, |a| a.len());
            let synced = p["synchronised_slave_pids"]
                .as_array()
                .map_or(0, |a| a.len());
            let mirrored = doc
                .policies
                .iter()
                .any(|pol| crate::compare::pattern_matches(&pol.pattern, &q.name));
            !mirrored || (slaves > 0 && slaves == synced)
        });
        if settled {
            return Ok(());
        }
        if t.elapsed() > Duration::from_secs(20) {
            return Err(format!("queues did not settle: {placement:?}"));
        }
        sleep(Duration::from_millis(200)).await;
    }
}

struct PublisherState {
    cfg: PublisherDoc,
    uris: Vec<String>,
    rec: Rec,
    scale: f64,
    alive: bool,
    attempt: usize,
    conn: Option<(Connection, Channel)>,
    generation: u64,
    reconnect_at: Option<Instant>,
    backlog: VecDeque<(String, String)>,
    outstanding: BTreeSet<String>,
    committing: bool,
}

enum Settled {
    Confirm {
        generation: u64,
        label: String,
        /// (ack, returned), or why no confirm came.
        result: Result<(bool, bool), String>,
    },
    Commit {
        generation: u64,
        labels: Vec<String>,
        ok: bool,
    },
}

impl PublisherState {
    fn lost(&mut self, why: &str) {
        if let Some((conn, _)) = self.conn.take() {
            log(&format!("{}: connection lost ({why})", self.cfg.name));
            drop(conn);
        }
        // What has no confirm stays in doubt (unconfirmed): no re-publishing.
        self.outstanding.clear();
        self.committing = false;
        self.attempt += 1;
        self.reconnect_at = Some(Instant::now() + scaled(RECONNECT_MS, self.scale));
    }

    async fn try_connect(&mut self) {
        let uri = &self.uris[self.attempt % self.uris.len()];
        let r = async {
            let conn = connect(uri, &self.cfg.name).await?;
            let ch = conn.create_channel().await.map_err(|e| e.to_string())?;
            match self.cfg.mode {
                PublishModeDoc::Confirm => ch
                    .confirm_select(ConfirmSelectOptions::default())
                    .await
                    .map_err(|e| e.to_string())?,
                PublishModeDoc::Transaction => ch.tx_select().await.map_err(|e| e.to_string())?,
                PublishModeDoc::Plain => {}
            }
            Ok::<_, String>((conn, ch))
        }
        .await;
        match r {
            Ok(c) => {
                self.conn = Some(c);
                self.generation += 1;
                self.reconnect_at = None;
            }
            Err(e) => {
                log(&format!("{}: cannot connect to {uri}: {e}", self.cfg.name));
                self.attempt += 1;
                self.reconnect_at = Some(Instant::now() + scaled(RECONNECT_MS, self.scale));
            }
        }
    }

    fn props(&self, label: &str) -> BasicProperties {
        BasicProperties::default()
            .with_delivery_mode(if self.cfg.persistent { 2 } else { 1 })
            .with_message_id(label.into())
    }

    /// One `basic.publish` of an order (its label is the body and the message id), recorded
    /// as published once the channel took it: sent, or unconfirmed until its confirm or
    /// commit comes.
    async fn send(&self, ch: &Channel, label: &str, rk: &str) -> lapin::Result<PublisherConfirm> {
        let opts = BasicPublishOptions {
            mandatory: self.cfg.mandatory,
            immediate: false,
        };
        let confirm = ch
            .basic_publish(
                self.cfg.exchange.as_str().into(),
                rk.into(),
                opts,
                label.as_bytes(),
                self.props(label),
            )
            .await?;
        let plain = matches!(self.cfg.mode, PublishModeDoc::Plain);
        self.rec
            .lock()
            .unwrap()
            .published(&self.cfg.name, label, plain);
        Ok(confirm)
    }

    async fn pump(&mut self, tx: &mpsc::UnboundedSender<Settled>) {
        let Some(ch) = self.conn.as_ref().map(|(_, ch)| ch.clone()) else {
            return;
        };
        match self.cfg.mode {
            PublishModeDoc::Plain => {
                while let Some((label, rk)) = self.backlog.pop_front() {
                    if self.send(&ch, &label, &rk).await.is_err() {
                        self.backlog.push_front((label, rk));
                        return self.lost("publish failed");
                    }
                }
            }
            PublishModeDoc::Confirm => {
                while (self.outstanding.len() as u32) < self.cfg.confirm_window.max(1) {
                    let Some((label, rk)) = self.backlog.pop_front() else {
                        break;
                    };
                    match self.send(&ch, &label, &rk).await {
                        Ok(confirm) => {
                            self.outstanding.insert(label.clone());
                            let (tx, generation) = (tx.clone(), self.generation);
                            tokio::spawn(async move {
                                let result = confirm.await.map_err(|e| e.to_string()).map(|c| {
                                    let ack = c.is_ack();
                                    (ack, c.take_message().is_some())
                                });
                                let _ = tx.send(Settled::Confirm {
                                    generation,
                                    label,
                                    result,
                                });
                            });
                        }
                        Err(_) => {
                            self.backlog.push_front((label, rk));
                            return self.lost("publish failed");
                        }
                    }
                }
            }
            PublishModeDoc::Transaction => {
                if self.committing || self.backlog.is_empty() {
                    return;
                }
                let take = (self.cfg.tx_batch.max(1) as usize).min(self.backlog.len());
                let batch: Vec<(String, String)> = self.backlog.drain(..take).collect();
                for (label, rk) in &batch {
                    if self.send(&ch, label, rk).await.is_err() {
                        return self.lost("publish failed");
                    }
                }
                self.committing = true;
                let (tx, generation) = (tx.clone(), self.generation);
                let labels: Vec<String> = batch.into_iter().map(|(l, _)| l).collect();
                tokio::spawn(async move {
                    let ok = ch.tx_commit().await.is_ok();
                    let _ = tx.send(Settled::Commit {
                        generation,
                        labels,
                        ok,
                    });
                });
            }
        }
    }
}

async fn publisher_task(
    cfg: PublisherDoc,
    uris: Vec<String>,
    rec: Rec,
    mut rx: mpsc::UnboundedReceiver<ClientCmd>,
    scale: f64,
) {
    let mut s = PublisherState {
        cfg,
        uris,
        rec,
        scale,
        alive: true,
        attempt: 0,
        conn: None,
        generation: 0,
        reconnect_at: Some(Instant::now()),
        backlog: VecDeque::new(),
        outstanding: BTreeSet::new(),
        committing: false,
    };
    let (stx, mut srx) = mpsc::unbounded_channel::<Settled>();
    loop {
        if s.alive && s.conn.is_none() && s.reconnect_at.is_some_and(|t| Instant::now() >= t) {
            s.try_connect().await;
        }
        s.pump(&stx).await;
        tokio::select! {
            cmd = rx.recv() => match cmd {
                None | Some(ClientCmd::Finish) => break,
                // As in the model, the application's backlog takes the messages even while
                // it is down; they go out once it is connected.
                Some(ClientCmd::Publish(batch)) => s.backlog.extend(batch),
                Some(ClientCmd::Crash) => {
                    if let Some((conn, _)) = s.conn.take() {
                        let _ = conn.close(320, "killed".into()).await;
                    }
                    s.alive = false;
                    s.backlog.clear();
                    s.outstanding.clear();
                    s.committing = false;
                }
                Some(ClientCmd::Restart) => {
                    s.alive = true;
                    s.reconnect_at = Some(Instant::now());
                }
            },
            Some(settled) = srx.recv() => match settled {
                Settled::Confirm { generation, label, result } => {
                    if generation == s.generation && s.outstanding.remove(&label) {
                        match result {
                            Ok((ack, returned)) => {
                                s.rec.lock().unwrap().confirmed(&s.cfg.name, &label, ack, returned);
                            }
                            Err(e) => log(&format!("{}: {label}: no confirm ({e})", s.cfg.name)),
                        }
                    }
                }
                Settled::Commit { generation, labels, ok } => {
                    if generation == s.generation {
                        s.committing = false;
                        if ok {
                            let mut rec = s.rec.lock().unwrap();
                            for l in &labels {
                                rec.confirmed(&s.cfg.name, l, true, false);
                            }
                        } else {
                            s.lost("tx.commit failed");
                        }
                    }
                }
            },
            _ = sleep(TICK) => {
                let down = s.conn.as_ref().is_some_and(|(c, ch)| !c.status().connected() || !ch.status().connected());
                if down {
                    s.lost("closed");
                }
            }
        }
    }
    if let Some((conn, _)) = s.conn.take() {
        let _ = timeout(Duration::from_secs(2), conn.close(200, "done".into())).await;
    }
}

struct ConsumerState {
    cfg: AmqpConsumerDoc,
    uris: Vec<String>,
    rec: Rec,
    scale: f64,
    alive: bool,
    attempt: usize,
    conn: Option<Connection>,
    channel: Option<Channel>,
    consumer: Option<Consumer>,
    inbox: VecDeque<lapin::message::Delivery>,
    process_at: Option<Instant>,
    reconnect_at: Option<Instant>,
    reconsume_at: Option<Instant>,
}

impl ConsumerState {
    fn lost(&mut self, why: &str) {
        if self.conn.take().is_some() {
            log(&format!("{}: connection lost ({why})", self.cfg.name));
        }
        self.channel = None;
        self.consumer = None;
        self.inbox.clear();
        self.process_at = None;
        self.reconsume_at = None;
        self.attempt += 1;
        self.reconnect_at = Some(Instant::now() + scaled(RECONNECT_MS, self.scale));
    }

    async fn kill(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = timeout(Duration::from_secs(2), conn.close(320, "killed".into())).await;
        }
        self.channel = None;
        self.consumer = None;
        self.inbox.clear();
        self.process_at = None;
        self.reconsume_at = None;
        self.reconnect_at = None;
    }

    async fn try_connect(&mut self) {
        let uri = &self.uris[self.attempt % self.uris.len()];
        match connect(uri, &self.cfg.name).await {
            Ok(c) => {
                self.conn = Some(c);
                self.reconnect_at = None;
                self.reconsume_at = Some(Instant::now());
            }
            Err(e) => {
                log(&format!("{}: cannot connect to {uri}: {e}", self.cfg.name));
                self.attempt += 1;
                self.reconnect_at = Some(Instant::now() + scaled(RECONNECT_MS, self.scale));
            }
        }
    }

    async fn open_channel(&mut self) -> Result<Channel, String> {
        if let Some(ch) = self.channel.as_ref().filter(|ch| ch.status().connected()) {
            return Ok(ch.clone());
        }
        let conn = self.conn.as_ref().ok_or("no connection")?;
        let ch = conn.create_channel().await.map_err(|e| e.to_string())?;
        ch.basic_qos(
            self.cfg.prefetch.min(u32::from(u16::MAX)) as u16,
            BasicQosOptions::default(),
        )
        .await
        .map_err(|e| e.to_string())?;
        self.channel = Some(ch.clone());
        Ok(ch)
    }

    async fn try_consume(&mut self) {
        let r = match self.open_channel().await {
            Ok(ch) => ch
                .basic_consume(
                    self.cfg.queue.as_str().into(),
                    "".into(),
                    BasicConsumeOptions {
                        no_ack: self.cfg.auto_ack,
                        ..Default::default()
                    },
                    FieldTable::default(),
                )
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match r {
            Ok(c) => {
                self.consumer = Some(c);
                self.reconsume_at = None;
            }
            Err(e) => {
                if self.conn.as_ref().is_some_and(|c| c.status().connected()) {
                    log(&format!("{}: basic.consume refused: {e}", self.cfg.name));
                    self.rec
                        .lock()
                        .unwrap()
                        .obs
                        .consumers
                        .entry(self.cfg.name.clone())
                        .or_default()
                        .refused += 1;
                    self.channel = None;
                    self.reconsume_at = Some(Instant::now() + scaled(RECONSUME_MS, self.scale));
                } else {
                    self.lost("consume failed");
                }
            }
        }
    }

    async fn process(&mut self) {
        let Some(d) = self.inbox.pop_front() else {
            self.process_at = None;
            return;
        };
        let label = String::from_utf8_lossy(&d.data).to_string();
        if self.cfg.poison.contains(&label) {
            let _ = d
                .acker
                .reject(BasicRejectOptions {
                    requeue: self.cfg.reject_requeue,
                })
                .await;
        } else {
            if let Some(m) = self.rec.lock().unwrap().message(&label) {
                m.processed += 1;
            }
            if !self.cfg.auto_ack {
                let _ = d.acker.ack(BasicAckOptions::default()).await;
            }
        }
        self.process_at = if self.inbox.is_empty() {
            None
        } else {
            Some(Instant::now() + scaled(self.cfg.processing_ms, self.scale))
        };
    }

    fn delivered(&mut self, d: lapin::message::Delivery) {
        let label = String::from_utf8_lossy(&d.data).to_string();
        {
            let mut rec = self.rec.lock().unwrap();
            if let Some(m) = rec.message(&label) {
                m.deliveries.push(Delivery {
                    consumer: self.cfg.name.clone(),
                    redelivered: d.redelivered,
                });
            }
            rec.obs
                .consumers
                .entry(self.cfg.name.clone())
                .or_default()
                .order
                .push((label, d.redelivered));
        }
        self.inbox.push_back(d);
        if self.process_at.is_none() {
            self.process_at = Some(Instant::now() + scaled(self.cfg.processing_ms, self.scale));
        }
    }
}

async fn next_delivery(
    c: &mut Option<Consumer>,
) -> Option<lapin::Result<lapin::message::Delivery>> {
    match c {
        Some(c) => c.next().await,
        None => std::future::pending().await,
    }
}

async fn consumer_task(
    cfg: AmqpConsumerDoc,
    uris: Vec<String>,
    rec: Rec,
    mut rx: mpsc::UnboundedReceiver<ClientCmd>,
    scale: f64,
    t0: Instant,
) {
    let start = t0 + scaled(cfg.join_at_ms, scale);
    let mut s = ConsumerState {
        cfg,
        uris,
        rec,
        scale,
        alive: true,
        attempt: 0,
        conn: None,
        channel: None,
        consumer: None,
        inbox: VecDeque::new(),
        process_at: None,
        reconnect_at: Some(start),
        reconsume_at: None,
    };
    loop {
        let now = Instant::now();
        if s.alive && s.conn.is_none() && s.reconnect_at.is_some_and(|t| now >= t) {
            s.try_connect().await;
        }
        if s.alive
            && s.conn.is_some()
            && s.consumer.is_none()
            && s.reconsume_at.is_some_and(|t| now >= t)
        {
            s.try_consume().await;
        }
        let process_at = s.process_at;
        tokio::select! {
            cmd = rx.recv() => match cmd {
                None | Some(ClientCmd::Finish) => break,
                Some(ClientCmd::Crash) => { s.kill().await; s.alive = false; }
                Some(ClientCmd::Restart) => {
                    s.alive = true;
                    s.reconnect_at = Some(Instant::now());
                }
                Some(ClientCmd::Publish(_)) => {}
            },
            d = next_delivery(&mut s.consumer) => match d {
                Some(Ok(d)) => s.delivered(d),
                Some(Err(e)) => s.lost(&e.to_string()),
                None => {
                    let open = s.conn.as_ref().is_some_and(|c| c.status().connected())
                        && s.channel.as_ref().is_some_and(|c| c.status().connected());
                    s.consumer = None;
                    if open {
                        log(&format!("{}: basic.cancel", s.cfg.name));
                        s.rec.lock().unwrap().obs.consumers.entry(s.cfg.name.clone()).or_default().cancels += 1;
                        s.reconsume_at = Some(Instant::now() + scaled(RECONSUME_MS, s.scale));
                    } else {
                        s.lost("consumer stream ended");
                    }
                }
            },
            _ = async { sleep_until(process_at.unwrap()).await }, if process_at.is_some() => {
                s.process().await;
            }
            _ = sleep(TICK) => {
                if s.conn.as_ref().is_some_and(|c| !c.status().connected()) {
                    s.lost("closed");
                }
            }
        }
    }
    s.kill().await;
}

/// Run the document on the cluster and observe.
pub async fn observe(
    doc: &ScenarioDoc,
    cluster: &Shared,
    scale: f64,
) -> Result<Observation, String> {
    let r = doc.rabbitmq.as_ref().ok_or("not a RabbitMQ scenario")?;
    if r.nodes > cluster::NODES {
        return Err(format!(
            "{} nodes: the real cluster has {}",
            r.nodes,
            cluster::NODES
        ));
    }
    if r.publishers.iter().any(|p| p.republish_after_ms.is_some()) {
        return Err("republish_after_ms is not driven on the real cluster yet".into());
    }
    if r.partition_handling != PartitionHandlingDoc::Ignore {
        return Err(
            "partition_handling other than ignore is not set up on the real cluster".into(),
        );
    }
    let Validated::Rabbit(built) = validate(doc).map_err(|e| e.en)? else {
        return Err("not a RabbitMQ scenario".into());
    };
    let names = built.names.clone();
    let name = |id: NodeId| names.get(&id).cloned().unwrap_or_default();

    reset(cluster, r).await?;
    declare(cluster, r).await?;

    let rec: Rec = Arc::new(Mutex::new(Recorder::default()));
    for c in &r.consumers {
        rec.lock()
            .unwrap()
            .obs
            .consumers
            .insert(c.name.clone(), ConsumerObs::default());
    }
    let uris = |nodes: &[String]| -> Vec<String> {
        let c = cluster.lock().unwrap();
        nodes
            .iter()
            .filter_map(|n| cluster::node_index(n))
            .map(|n| c.amqp_uri(n))
            .collect()
    };
    let t0 = Instant::now();
    let mut clients: BTreeMap<String, mpsc::UnboundedSender<ClientCmd>> = BTreeMap::new();
    // The script's line to each client application, by name.
    let mut commands_for = |name: &str| {
        let (tx, rx) = mpsc::unbounded_channel();
        clients.insert(name.to_string(), tx);
        rx
    };
    let mut tasks = Vec::new();
    for p in &r.publishers {
        tasks.push(tokio::spawn(publisher_task(
            p.clone(),
            uris(&p.nodes),
            rec.clone(),
            commands_for(&p.name),
            scale,
        )));
    }
    for c in &r.consumers {
        tasks.push(tokio::spawn(consumer_task(
            c.clone(),
            uris(&c.nodes),
            rec.clone(),
            commands_for(&c.name),
            scale,
            t0,
        )));
    }

    // The script, in order, in real time. A node restart holds the script's clock until the
    // node is up (a real node takes seconds to boot; the model's is up at once).
    let mut entries: Vec<(u64, Happen<Action>)> = Vec::new();
    for s in &built.script {
        match s.when {
            When::At(at) => entries.push((at, s.what.clone())),
            When::AfterStep(_) => {
                return Err("after_step entries cannot be timed on a real cluster".into())
            }
        }
    }
    entries.sort_by_key(|e| e.0);
    let mut counters: BTreeMap<String, u32> = BTreeMap::new();
    let mut shift = Duration::ZERO;
    for (at, what) in entries {
        sleep_until(t0 + scaled(at, scale) + shift).await;
        match what {
            Happen::Action(Action::Publish {
                publisher,
                count,
                key,
                routing_key,
            }) => {
                let p = name(publisher);
                let mut batch = Vec::new();
                {
                    let mut rec = rec.lock().unwrap();
                    for _ in 0..count {
                        let n = counters.entry(key.clone()).or_insert(0);
                        *n += 1;
                        let label = format!("{key}-{n}");
                        rec.obs
                            .messages
                            .insert(label.clone(), MessageObs::new(&p, Publish::NotSent));
                        batch.push((label, routing_key.clone()));
                    }
                }
                if let Some(tx) = clients.get(&p) {
                    let _ = tx.send(ClientCmd::Publish(batch));
                }
            }
            Happen::Action(Action::SyncQueue { queue }) => {
                let q = r.queues[queue as usize].name.clone();
                log(&format!("rabbitmqctl sync_queue {q}"));
                let res = blocking(cluster, move |c| {
                    let up = (1..=cluster::NODES).find(|&n| c.is_running(n)).unwrap_or(1);
                    c.ctl(up, &["sync_queue", &q])
                })
                .await;
                if let Err(e) = res {
                    log(&format!("sync_queue: {e}"));
                }
            }
            Happen::Fault(f) => {
                let (node, verb) = match f {
                    Fault::Crash { node } => (node, "crash"),
                    Fault::Stop { node } => (node, "stop"),
                    Fault::Restart { node } => (node, "restart"),
                    other => return Err(format!("{other:?} is not driven on the real cluster")),
                };
                if node.0 >= PUBLISHER_BASE {
                    let cmd = if verb == "restart" {
                        ClientCmd::Restart
                    } else {
                        ClientCmd::Crash
                    };
                    log(&format!("{verb} client {}", name(node)));
                    if let Some(tx) = clients.get(&name(node)) {
                        let _ = tx.send(cmd);
                    }
                } else {
                    let n = node.0;
                    let t = Instant::now();
                    let res = match verb {
                        "crash" => blocking(cluster, move |c| c.kill(n)).await,
                        "stop" => blocking(cluster, move |c| c.stop(n)).await,
                        _ => {
                            let res = blocking(cluster, move |c| c.restart(n)).await;
                            shift += t.elapsed();
                            res
                        }
                    };
                    res?;
                }
            }
        }
    }
    sleep_until(t0 + scaled(doc.duration_ms, scale) + shift).await;

    // The end: where the queues' leaders are, then the clients go (consumers' unacked
    // deliveries are requeued), then what is left in each queue.
    let placement = blocking(cluster, |c| {
        let up = (1..=cluster::NODES).find(|&n| c.is_running(n)).unwrap_or(1);
        c.queue_placement(up)
    })
    .await
    .unwrap_or_default();
    for p in &placement {
        log(&format!("placement: {p}"));
    }
    for tx in clients.values() {
        let _ = tx.send(ClientCmd::Finish);
    }
    for t in tasks {
        let _ = timeout(Duration::from_secs(5), t).await;
    }
    sleep(Duration::from_millis(300)).await;

    let up: Vec<u32> = {
        let mut c = cluster.lock().unwrap();
        (1..=cluster::NODES).filter(|&n| c.is_running(n)).collect()
    };
    let mut obs = {
        let mut rec = rec.lock().unwrap();
        let mut obs = std::mem::take(&mut rec.obs);
        for (p, o) in obs.publishers.iter_mut() {
            if let (Some(a), Some(b)) = (rec.first_publish.get(p), rec.last_confirm.get(p)) {
                let secs = b.duration_since(*a).as_secs_f64().max(1e-3);
                o.per_second = Some(f64::from(o.confirmed) / secs);
            }
        }
        for p in &r.publishers {
            obs.publishers.entry(p.name.clone()).or_default();
        }
        obs
    };
    for q in &r.queues {
        let mut qo = QueueObs::default();
        if let Some(p) = placement.iter().find(|p| p["name"] == q.name.as_str()) {
            let leader = if q.kind == QueueTypeDoc::Quorum {
                p["leader"].as_str().map(str::to_string)
            } else {
                p["pid"].as_str().and_then(cluster::pid_node)
            };
            qo.leader = leader.as_deref().and_then(cluster::scenario_node);
            let mut mirrors: Vec<String> = p["slave_pids"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .filter_map(cluster::pid_node)
                        .filter_map(|n| cluster::scenario_node(&n))
                        .collect()
                })
                .unwrap_or_default();
            mirrors.sort();
            qo.mirrors = mirrors;
        }
        match drain(cluster, &up, &q.name).await {
            Some(items) => {
                qo.available = true;
                for (label, redelivered) in items {
                    if let Some(m) = obs.messages.get_mut(&label) {
                        m.remaining = Some(redelivered);
                    }
                    qo.remaining.push(label);
                }
            }
            None => qo.available = false,
        }
        if !qo.available {
            qo.leader = None;
        }
        obs.queues.insert(q.name.clone(), qo);
    }
    Ok(obs)
}

/// Empty a queue with `basic.get` from a node that is up: its labels in order with their
/// `redelivered` flags, or `None` if it cannot be read (home node down, no quorum).
async fn drain(cluster: &Shared, up: &[u32], queue: &str) -> Option<Vec<(String, bool)>> {
    let uri = cluster.lock().unwrap().amqp_uri(*up.first()?);
    let conn = connect(&uri, "drain").await.ok()?;
    let ch = conn.create_channel().await.ok()?;
    let mut out = Vec::new();
    let result = async {
        for _round in 0..5 {
            let q = timeout(
                Duration::from_secs(5),
                ch.queue_declare(
                    queue.into(),
                    QueueDeclareOptions {
                        passive: true,
                        ..Default::default()
                    },
                    FieldTable::default(),
                ),
            )
            .await
            .ok()?
            .ok()?;
            if q.message_count() == 0 && _round > 0 {
                return Some(());
            }
            loop {
                let got = timeout(
                    Duration::from_secs(5),
                    ch.basic_get(queue.into(), BasicGetOptions { no_ack: true }),
                )
                .await
                .ok()?
                .ok()?;
                match got {
                    Some(m) => out.push((
                        String::from_utf8_lossy(&m.delivery.data).to_string(),
                        m.delivery.redelivered,
                    )),
                    None => break,
                }
            }
            sleep(Duration::from_millis(200)).await;
        }
        Some(())
    }
    .await;
    let _ = timeout(Duration::from_secs(2), conn.close(200, "drained".into())).await;
    result.map(|_| out)
}

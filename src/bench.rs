//! `mqlab bench [--dist DIR | --no-bundle]`: print the figures DESIGN.md's quality bars talk about.
//! Nothing here passes or fails; it measures and prints (run it in release:
//! `cargo run --release -- bench`).
//!
//! - engine speed: steps per second of a heavy Kafka scenario's trace generation
//!   (`Player::load`), of the same trace with the Kafka model alone in the engine (no
//!   checkpoints, digest or descriptions), and of the bare engine with a ping-pong model;
//! - seek time: `Command::Seek` to pseudo-random steps of a trace of ≥ 100 000 steps;
//! - bundle size: dist/ gzipped (level 9), by kind of file, and split into what the home
//!   page's first load fetches (index.html and what it names), what a first load of a link
//!   to another page fetches (index.html and the playground's module it imports then) and
//!   what is loaded later (the rest).

use mqlab_engine::{Effects, Model, NodeId, World};
use mqlab_kafka::Kafka;
use mqlab_scenario::doc::{
    ActionDoc, KafkaDoc, KafkaTimingDoc, NetworkDoc, ProducerDoc, ReaderDoc, ScriptEntry, StoreDoc,
    StoreKindDoc, TopicDoc,
};
use mqlab_scenario::validate::{validate, Happen, Validated, When};
use mqlab_scenario::{AcksDoc, Command, Player, ScenarioDoc, Text, MAX_STEPS};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut dist = Some(PathBuf::from("dist"));
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--dist" => dist = Some(PathBuf::from(it.next().ok_or("--dist needs a directory")?)),
            // The wasm run of the same benchmark (scripts/bench.sh) measures speed only.
            "--no-bundle" => dist = None,
            other => return Err(format!("bench: unexpected argument \"{other}\"\nusage: mqlab bench [--dist DIR | --no-bundle]")),
        }
    }
    if cfg!(debug_assertions) {
        outln!(
            "note: a debug build; figures are only meaningful from `cargo run --release -- bench`"
        );
    }
    outln!("== engine ==");
    scenario_speed()?;
    engine_speed();
    outln!();
    outln!("== seek ==");
    seek_time()?;
    if let Some(dist) = dist {
        outln!();
        outln!("== bundle ({}) ==", dist.display());
        bundle_size(&dist)?;
    }
    Ok(())
}

fn text(en: &str) -> Text {
    Text {
        en: en.into(),
        zh: en.into(),
    }
}

/// A heavy Kafka world: 5 brokers, 2 topics × 6 partitions, RF 3, min.insync.replicas 2,
/// two acks=all producers sending 5 000 messages in bursts over the whole run, two readers,
/// a group of two consumers,
/// a leader crash and restart and a short network partition. `duration_ms` sets the length.
pub fn heavy_scenario(duration_ms: u64) -> ScenarioDoc {
    let topics = ["orders", "payments"];
    let producer = |name: &str, acks| ProducerDoc {
        name: name.into(),
        acks,
        retries: i32::MAX as u32,
        request_timeout_ms: 30_000,
        delivery_timeout_ms: 120_000,
        retry_backoff_ms: 100,
        max_in_flight: 5,
        enable_idempotence: None,
        transactional_id: None,
    };
    let mut script = Vec::new();
    // 5 000 messages (the validator's limit) in 100 bursts of 25 per producer, spread evenly.
    let bursts = 100u64;
    for i in 0..bursts {
        let at = 1_000 + i * (duration_ms.saturating_sub(2_000) / bursts);
        for (p, topic) in [("app-a", topics[0]), ("app-b", topics[1])] {
            script.push(ScriptEntry {
                at_ms: Some(at),
                after_step: None,
                action: ActionDoc::Produce {
                    producer: p.into(),
                    topic: topic.into(),
                    count: 25,
                    key: format!("{p}-{i}"),
                    partition: None,
                    same_key: false,
                },
            });
        }
    }
    let at = |fraction: u64| Some(duration_ms * fraction / 100);
    script.push(ScriptEntry {
        at_ms: at(20),
        after_step: None,
        action: ActionDoc::Crash {
            node: "broker-1".into(),
        },
    });
    script.push(ScriptEntry {
        at_ms: at(35),
        after_step: None,
        action: ActionDoc::Restart {
            node: "broker-1".into(),
        },
    });
    script.push(ScriptEntry {
        at_ms: at(50),
        after_step: None,
        action: ActionDoc::Isolate {
            node: "broker-3".into(),
        },
    });
    script.push(ScriptEntry {
        at_ms: at(52),
        after_step: None,
        action: ActionDoc::Reconnect {
            node: "broker-3".into(),
        },
    });
    script.push(ScriptEntry {
        at_ms: at(70),
        after_step: None,
        action: ActionDoc::Stop {
            node: "broker-5".into(),
        },
    });
    script.push(ScriptEntry {
        at_ms: at(80),
        after_step: None,
        action: ActionDoc::Restart {
            node: "broker-5".into(),
        },
    });
    script.push(ScriptEntry {
        at_ms: at(90),
        after_step: None,
        action: ActionDoc::ElectPreferredLeaders,
    });
    ScenarioDoc {
        id: "bench-heavy".into(),
        title: text("Benchmark: a busy five-broker cluster"),
        description: text("Generated by `mqlab bench`."),
        seed: 7,
        duration_ms,
        network: NetworkDoc {
            latency_ms: 1,
            jitter_ms: 2,
        },
        rabbitmq: None,
        kafka: Some(KafkaDoc {
            brokers: 5,
            topics: topics
                .iter()
                .map(|t| TopicDoc {
                    name: (*t).into(),
                    partitions: 6,
                    replication_factor: 3,
                    min_insync_replicas: 2,
                    unclean_leader_election: false,
                })
                .collect(),
            auto_leader_rebalance: false,
            version: None,
            eligible_leader_replicas: None,
            timing: KafkaTimingDoc::default(),
        }),
        producers: vec![
            producer("app-a", AcksDoc::All),
            producer("app-b", AcksDoc::All),
        ],
        readers: topics
            .iter()
            .map(|t| ReaderDoc {
                name: format!("reader-{t}"),
                topic: (*t).into(),
                poll_interval_ms: 500,
                isolation_level: Default::default(),
            })
            .collect(),
        // A group of two consumers committing after processing, into a plain table.
        consumers: ["billing-1", "billing-2"]
            .iter()
            .map(|name| {
                mqlab_scenario::doc::ConsumerDoc::read(mqlab_scenario::read::Field::new(
                    "consumers[]",
                    &serde_json::json!({
                        "name": name, "group": "billing", "topic": "orders",
                        "commit": "sync_after_process", "auto_offset_reset": "earliest",
                        "processing_ms": 20, "store": "orders-table"
                    }),
                ))
                .expect("a consumer document")
            })
            .collect(),
        stores: vec![StoreDoc {
            name: "orders-table".into(),
            kind: StoreKindDoc::PlainInsert,
        }],
        script,
    }
}

fn load_timed(doc: ScenarioDoc) -> Result<(Player, Duration), String> {
    let started = Instant::now();
    let player = Player::load(doc).map_err(|e| format!("bench scenario does not load: {e}"))?;
    Ok((player, started.elapsed()))
}

/// Player::load three times: the steps and the best time.
fn best_load(doc: &ScenarioDoc) -> Result<(u64, Duration), String> {
    let mut best: Option<(u64, Duration)> = None;
    for _ in 0..3 {
        let (player, elapsed) = load_timed(doc.clone())?;
        if best.is_none_or(|(_, b)| elapsed < b) {
            best = Some((player.total_steps(), elapsed));
        }
    }
    best.ok_or_else(|| "no run".to_string())
}

fn per_second(count: u64, elapsed: Duration) -> String {
    let rate = count as f64 / elapsed.as_secs_f64().max(1e-9);
    if rate >= 1e6 {
        format!("{:.2} M", rate / 1e6)
    } else {
        format!("{:.0} k", rate / 1e3)
    }
}

fn scenario_speed() -> Result<(), String> {
    // Ten simulated minutes of the heavy scenario; best of three generations.
    let doc = heavy_scenario(600_000);
    let (steps, elapsed) = best_load(&doc)?;
    outln!(
        "kafka scenario (5 brokers, 2 topics x 6 partitions, RF 3, 2 producers, 5000 messages, 10 min simulated): {steps} steps in {:.1} ms = {}steps/s (Player::load: trace, checkpoints, digest)",
        elapsed.as_secs_f64() * 1e3,
        per_second(steps, elapsed)
    );
    kafka_in_engine(&doc)?;
    rabbitmq_speed()
}

/// A busy RabbitMQ world: 3 nodes, a mirrored classic queue and a quorum queue, two
/// confirming publishers sending 5 000 persistent messages in bursts, two consumers, a node
/// killed and restarted; `duration_ms` sets the length.
pub fn rabbitmq_scenario(duration_ms: u64) -> ScenarioDoc {
    let bursts = 100u64;
    let mut script = Vec::new();
    for i in 0..bursts {
        let at = 1_000 + i * (duration_ms.saturating_sub(2_000) / bursts);
        for (publisher, queue) in [("shop", "orders"), ("bank", "payments")] {
            script.push(serde_json::json!({
                "at_ms": at, "do": "publish", "publisher": publisher, "count": 25,
                "key": format!("{publisher}-{i}"), "routing_key": queue
            }));
        }
    }
    script.push(
        serde_json::json!({ "at_ms": duration_ms * 3 / 10, "do": "crash", "node": "rabbit-1" }),
    );
    script.push(
        serde_json::json!({ "at_ms": duration_ms * 5 / 10, "do": "restart", "node": "rabbit-1" }),
    );
    ScenarioDoc::from_value(&serde_json::json!({
        "id": "bench-rabbitmq",
        "title": { "en": "Benchmark: a busy RabbitMQ cluster", "zh": "Benchmark: a busy RabbitMQ cluster" },
        "seed": 7,
        "duration_ms": duration_ms,
        "rabbitmq": {
            // Classic mirroring, as 3.13 has it (4.0 removed it).
            "version": "3.13",
            "nodes": 3,
            "queues": [
                { "name": "orders", "node": "rabbit-1" },
                { "name": "payments", "node": "rabbit-2", "type": "quorum" }
            ],
            "policies": [{ "name": "ha", "pattern": "^orders$", "ha_mode": "all" }],
            "publishers": [
                { "name": "shop", "nodes": ["rabbit-2", "rabbit-3"] },
                { "name": "bank", "nodes": ["rabbit-3", "rabbit-2"] }
            ],
            "consumers": [
                { "name": "billing", "nodes": ["rabbit-3", "rabbit-2"], "queue": "orders", "prefetch": 50, "processing_ms": 5 },
                { "name": "ledger", "nodes": ["rabbit-2", "rabbit-3"], "queue": "payments", "prefetch": 50, "processing_ms": 5 }
            ]
        },
        "stores": [{ "name": "table", "kind": "plain_insert" }],
        "script": script
    }))
    .expect("a RabbitMQ scenario document")
}

fn rabbitmq_speed() -> Result<(), String> {
    let (steps, elapsed) = best_load(&rabbitmq_scenario(600_000))?;
    outln!(
        "rabbitmq scenario (3 nodes, a mirrored and a quorum queue, 2 publishers, 5000 messages, 2 consumers, 10 min simulated): {steps} steps in {:.1} ms = {}steps/s (Player::load)",
        elapsed.as_secs_f64() * 1e3,
        per_second(steps, elapsed)
    );
    Ok(())
}

/// The same trace without the player's work (checkpoints, digest, descriptions): the Kafka
/// model alone in the engine.
fn kafka_in_engine(doc: &ScenarioDoc) -> Result<(), String> {
    let Validated::Kafka(built) =
        validate(doc).map_err(|e| format!("bench scenario does not validate: {e}"))?
    else {
        return Err("the bench scenario is a Kafka scenario".into());
    };
    let mut best: Option<(u64, Duration)> = None;
    for _ in 0..3 {
        let kafka = Kafka::new(built.config.clone());
        let nodes = kafka.node_ids();
        let started = Instant::now();
        let mut world = World::new(kafka, &nodes, built.seed, built.latency_ms, built.jitter_ms);
        for s in &built.script {
            match (&s.when, &s.what) {
                (When::At(at), Happen::Fault(f)) => world.schedule_fault(*at, f.clone()),
                (When::At(at), Happen::Action(a)) => world.schedule_action(*at, a.clone()),
                (When::AfterStep(_), _) => {}
            }
        }
        while world.steps_taken() < MAX_STEPS
            && world
                .next_event_at()
                .is_some_and(|t| t <= built.duration_ms)
        {
            if world.step().is_none() {
                break;
            }
        }
        let elapsed = started.elapsed();
        if best.is_none_or(|(_, b)| elapsed < b) {
            best = Some((world.steps_taken(), elapsed));
        }
    }
    let (steps, elapsed) = best.expect("three runs");
    outln!("kafka model in the bare engine (same scenario, no player): {steps} steps in {:.1} ms = {}steps/s", elapsed.as_secs_f64() * 1e3, per_second(steps, elapsed));
    Ok(())
}

/// The smallest useful model: pairs of nodes bouncing a counter back and forth, plus a
/// ticking timer on each node, so the engine's queue, network and timers all work.
#[derive(Clone, Debug, Default)]
struct PingPong {
    delivered: u64,
}

impl Model for PingPong {
    type Msg = u64;
    type Timer = u8;
    type Note = ();
    type Action = ();

    fn on_start(&mut self, node: NodeId, fx: &mut Effects<'_, Self>) {
        fx.set_timer(node, 50, 0);
        if node.0.is_multiple_of(2) {
            fx.send(node, NodeId(node.0 + 1), 0);
        }
    }
    fn on_message(&mut self, node: NodeId, from: NodeId, msg: u64, fx: &mut Effects<'_, Self>) {
        self.delivered += 1;
        fx.send(node, from, msg + 1);
    }
    fn on_refused(&mut self, _node: NodeId, _to: NodeId, _msg: u64, _fx: &mut Effects<'_, Self>) {}
    fn on_timer(&mut self, node: NodeId, timer: u8, fx: &mut Effects<'_, Self>) {
        fx.set_timer(node, 50, timer.wrapping_add(1));
    }
    fn on_down(&mut self, _node: NodeId, _graceful: bool, _fx: &mut Effects<'_, Self>) {}
    fn on_action(&mut self, _action: (), _fx: &mut Effects<'_, Self>) {}
}

fn engine_speed() {
    let nodes: Vec<NodeId> = (0..16).map(NodeId).collect();
    let steps = 2_000_000u64;
    let mut best: Option<Duration> = None;
    for _ in 0..3 {
        let mut world = World::new(PingPong::default(), &nodes, 1, 2, 3);
        let started = Instant::now();
        for _ in 0..steps {
            if world.step().is_none() {
                break;
            }
        }
        let elapsed = started.elapsed();
        std::hint::black_box(world.model().delivered);
        best = Some(best.map_or(elapsed, |b| b.min(elapsed)));
    }
    let elapsed = best.expect("three runs");
    outln!(
        "bare engine (ping-pong model, 16 nodes, jitter): {steps} steps in {:.1} ms = {}steps/s",
        elapsed.as_secs_f64() * 1e3,
        per_second(steps, elapsed)
    );
}

fn seek_time() -> Result<(), String> {
    // Long enough for well over 100 000 steps (the player stops at MAX_STEPS).
    let doc = heavy_scenario(1_500_000);
    let (mut player, elapsed) = load_timed(doc)?;
    let total = player.total_steps();
    outln!(
        "trace: {total} steps ({:.0} s simulated{}), generated in {:.1} ms",
        player.step_time_ms(total) as f64 / 1000.0,
        if player.truncated() {
            format!(", stopped at MAX_STEPS {MAX_STEPS}")
        } else {
            String::new()
        },
        elapsed.as_secs_f64() * 1e3
    );
    if total < 100_000 {
        outln!(
            "note: fewer than 100 000 steps; the model got quieter — lengthen the bench scenario"
        );
    }
    // 50 pseudo-random targets from a fixed LCG, so every run seeks to the same steps.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut times = Vec::new();
    for _ in 0..50 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let target = (state >> 33) % (total + 1);
        let started = Instant::now();
        player
            .apply(Command::Seek(target))
            .map_err(|e| e.to_string())?;
        times.push(started.elapsed());
        if player.position() != target {
            return Err(format!("seek to {target} ended at {}", player.position()));
        }
    }
    // Plus the two extremes.
    for command in [Command::End, Command::Start] {
        let started = Instant::now();
        player.apply(command).map_err(|e| e.to_string())?;
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    outln!(
        "seek to {} targets (50 pseudo-random, end, start): median {:.3} ms, max {:.3} ms",
        times.len(),
        ms(times[times.len() / 2]),
        ms(*times.last().expect("some"))
    );
    Ok(())
}

#[derive(Default)]
struct Sizes {
    files: usize,
    raw: u64,
    gz: u64,
}

fn gzip_len(bytes: &[u8]) -> Result<u64, String> {
    // Level 9, as `gzip -9` and a host serving pre-compressed files (tests/e2e/bench.mjs too).
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(encoder.finish().map_err(|e| e.to_string())?.len() as u64)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        // trunk's staging folder and lock file (`.stage`, `.trunk-lock`) are not served.
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
        {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether `text` names the file `rel` (a path relative to dist/, `/`-separated) as a URL:
/// `rel` after a quote, `/` or `(`, and not followed by more of a file name, so that
/// `app.css` is not found in `myapp.css` or `app.css.map`.
fn names(text: &str, rel: &str) -> bool {
    let name_char = |c: char| c.is_ascii_alphanumeric() || "._-/".contains(c);
    text.match_indices(rel).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + rel.len()..].chars().next();
        matches!(before, Some('"' | '\'' | '/' | '(' | '`')) && !after.is_some_and(name_char)
    })
}

/// `spec` (`./x.js`, `../y.js`; nothing else is a file of dist/) resolved against `dir`.
fn resolve(dir: &str, spec: &str) -> Option<String> {
    if !(spec.starts_with("./") || spec.starts_with("../")) {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in spec.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The quoted string right after each `keyword` in `js` (spaces between allowed).
fn quoted_after<'a>(js: &'a str, keyword: &str) -> Vec<&'a str> {
    js.match_indices(keyword)
        .filter_map(|(at, _)| {
            let rest = js[at + keyword.len()..].trim_start();
            let quote = rest
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'))?;
            let end = rest[1..].find(quote)?;
            Some(&rest[1..1 + end])
        })
        .collect()
}

/// The files a JavaScript module loads with it, resolved against its folder: the modules it
/// imports statically (`import … from "x"`, `import "x"`, `export … from "x"`) and the
/// files it fetches by its own address (`new URL("x_bg.wasm", import.meta.url)`, how
/// wasm-bindgen's module finds its wasm). A dynamic `import("x")` loads later.
fn loaded_with(js: &str, dir: &str) -> Vec<String> {
    let imports = quoted_after(js, "from")
        .into_iter()
        .chain(quoted_after(js, "import"))
        .map(str::to_string);
    let by_address = quoted_after(js, "new URL(").into_iter().map(|spec| {
        if spec.starts_with('.') {
            spec.to_string()
        } else {
            format!("./{spec}")
        }
    });
    imports
        .chain(by_address)
        .filter_map(|spec| resolve(dir, &spec))
        .collect()
}

/// The modules `text` imports dynamically (`import("./x.js")`), resolved against `dir`.
fn dynamic_imports(text: &str, dir: &str) -> Vec<String> {
    quoted_after(text, "import(")
        .into_iter()
        .filter_map(|spec| resolve(dir, spec))
        .collect()
}

/// The files fetched with the ones `start` marks: those an .html file names, those a module
/// loads with it, transitively; never the ones `elsewhere` marks. Returns, per file, whether
/// it is fetched.
fn reach(files: &[(String, Vec<u8>)], start: Vec<bool>, elsewhere: &[bool]) -> Vec<bool> {
    let mut fetched = start;
    // Files whose references have not been followed yet.
    let mut todo: Vec<usize> = (0..files.len()).filter(|&i| fetched[i]).collect();
    while let Some(i) = todo.pop() {
        let (rel, bytes) = &files[i];
        let text = String::from_utf8_lossy(bytes);
        let referenced: Vec<usize> = if rel.ends_with(".html") {
            (0..files.len())
                .filter(|&j| !elsewhere[j] && names(&text, &files[j].0))
                .collect()
        } else if rel.ends_with(".js") || rel.ends_with(".mjs") {
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            let loaded = loaded_with(&text, dir);
            (0..files.len())
                .filter(|&j| loaded.contains(&files[j].0))
                .collect()
        } else {
            Vec::new()
        };
        for j in referenced {
            if !fetched[j] {
                fetched[j] = true;
                todo.push(j);
            }
        }
    }
    fetched
}

/// What the home page's first load fetches: index.html, every file it names (Trunk writes
/// `./name-hash.ext` for the home page's module and wasm, the icon, the service worker) and
/// what those load with them — except the playground's files (`playground`, what
/// `opened_later` found), which the page's loader names to fetch them when another page is
/// opened.
fn first_load(files: &[(String, Vec<u8>)], playground: &[bool]) -> Vec<bool> {
    reach(
        files,
        files.iter().map(|(rel, _)| rel == "index.html").collect(),
        playground,
    )
}

/// What the page loads when another page is opened (the playground's module, which
/// index.html imports dynamically) and what that loads with it.
fn opened_later(files: &[(String, Vec<u8>)]) -> Vec<bool> {
    let dynamic: Vec<String> = files
        .iter()
        .filter(|(rel, _)| rel == "index.html")
        .flat_map(|(_, bytes)| dynamic_imports(&String::from_utf8_lossy(bytes), ""))
        .collect();
    reach(
        files,
        files.iter().map(|(rel, _)| dynamic.contains(rel)).collect(),
        &vec![false; files.len()],
    )
}

fn bundle_size(dist: &Path) -> Result<(), String> {
    if !dist.is_dir() {
        outln!(
            "{}/ not built (run `trunk build --release`)",
            dist.display().to_string().trim_end_matches('/')
        );
        return Ok(());
    }
    let kinds = ["wasm", "js", "css", "html", "other"];
    let mut sizes: Vec<Sizes> = kinds.iter().map(|_| Sizes::default()).collect();
    let mut paths = Vec::new();
    walk(dist, &mut paths)?;
    let mut files = Vec::new();
    let mut gz = Vec::new();
    for file in &paths {
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        let kind = kinds
            .iter()
            .position(|k| *k == ext)
            .unwrap_or(kinds.len() - 1);
        let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let g = gzip_len(&bytes)?;
        let s = &mut sizes[kind];
        s.files += 1;
        s.raw += bytes.len() as u64;
        s.gz += g;
        let rel = file.strip_prefix(dist).unwrap_or(file);
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.push((rel.join("/"), bytes));
        gz.push(g);
    }
    let kb = |b: u64| b as f64 / 1024.0;
    let mut total = Sizes::default();
    for (kind, s) in kinds.iter().zip(&sizes) {
        if s.files == 0 && *kind == "other" {
            continue;
        }
        outln!(
            "{kind:<6} {:>2} file(s) {:>9.1} KB raw {:>8.1} KB gzip",
            s.files,
            kb(s.raw),
            kb(s.gz)
        );
        total.files += s.files;
        total.raw += s.raw;
        total.gz += s.gz;
    }
    outln!(
        "total  {:>2} file(s) {:>9.1} KB raw {:>8.1} KB gzip (gzip -9, each file alone)",
        total.files,
        kb(total.raw),
        kb(total.gz)
    );
    let opened = opened_later(&files);
    let first = first_load(&files, &opened);
    let index = files.iter().map(|(rel, _)| rel == "index.html");
    let link: Vec<bool> = opened.iter().zip(index).map(|(o, i)| *o || i).collect();
    let rest: Vec<bool> = first.iter().zip(&link).map(|(f, l)| !f && !l).collect();
    for (label, chosen) in [
        (
            "first load of the home page (index.html and what it names; quality bar <= 300 KB)",
            &first,
        ),
        (
            "first load of a link to any other page (index.html and the playground's module it imports then)",
            &link,
        ),
        ("loaded later (the rest)", &rest),
    ] {
        let chosen: Vec<usize> = (0..files.len()).filter(|&i| chosen[i]).collect();
        let raw: u64 = chosen.iter().map(|&i| files[i].1.len() as u64).sum();
        let g: u64 = chosen.iter().map(|&i| gz[i]).sum();
        outln!(
            "{label}: {} file(s) {:.1} KB raw {:.1} KB gzip",
            chosen.len(),
            kb(raw),
            kb(g)
        );
        for i in chosen {
            outln!(
                "  {:<44} {:>9.1} KB raw {:>8.1} KB gzip",
                files[i].0,
                kb(files[i].1.len() as u64),
                kb(gz[i])
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The benchmark's scenarios must stay valid as the models change, or `bench` stops
    /// half way (it is informational in CI, so nothing else would notice).
    #[test]
    fn the_bench_scenarios_load() {
        Player::load(heavy_scenario(1_000)).expect("the Kafka bench scenario loads");
        Player::load(rabbitmq_scenario(1_000)).expect("the RabbitMQ bench scenario loads");
    }

    /// The home page's first load counts index.html, what it names and what those modules
    /// load with them; a module only imported dynamically is what a link to another page
    /// loads, with its own imports and the wasm it finds by its address; data nothing names
    /// loads later.
    #[test]
    fn first_load_follows_the_page_and_its_static_imports() {
        let file = |rel: &str, text: &str| (rel.to_string(), text.as_bytes().to_vec());
        let files = vec![
            file(
                "index.html",
                r#"<script>function open() { preload('./play_bg.wasm'); import('./play.js').then((m) => m.default()); }</script><script type="module">import init from './app-1.js'; init({ module_or_path: './app-1_bg.wasm' });</script><link rel="icon" href="./icon.svg"/>"#,
            ),
            file(
                "app-1.js",
                r#"import { f } from "./snippets/x/inline0.js"; const later = () => import("./lessons.js");"#,
            ),
            file(
                "snippets/x/inline0.js",
                r#"export * from '../../shared.js';"#,
            ),
            file("shared.js", "export const x = 1;"),
            file("app-1_bg.wasm", "\0asm"),
            file("icon.svg", "<svg/>"),
            file("lessons.js", "export default 1;"),
            file("lessons.json", "{}"),
            // Its name contains "icon.svg", which the page names: still not named itself.
            file("myicon.svg", "<svg/>"),
            file(
                "play.js",
                r#"import { y } from './shared.js'; const url = new URL('play_bg.wasm', import.meta.url);"#,
            ),
            file("play_bg.wasm", "\0asm"),
        ];
        let opened = opened_later(&files);
        let first = first_load(&files, &opened);
        let got: Vec<(&str, bool, bool)> = files
            .iter()
            .zip(first.iter().zip(&opened))
            .map(|((r, _), (f, o))| (r.as_str(), *f, *o))
            .collect();
        assert_eq!(
            got,
            vec![
                ("index.html", true, false),
                ("app-1.js", true, false),
                ("snippets/x/inline0.js", true, false),
                ("shared.js", true, true),
                ("app-1_bg.wasm", true, false),
                ("icon.svg", true, false),
                ("lessons.js", false, false),
                ("lessons.json", false, false),
                ("myicon.svg", false, false),
                ("play.js", false, true),
                ("play_bg.wasm", false, true),
            ]
        );
    }
}

//! `mqlab`: run, check and benchmark scenarios without a browser.

#[macro_use]
mod out;
mod bench;
mod explore;
mod summary_rabbit;

use mqlab_scenario::counters::{self, Side};
use mqlab_scenario::lesson::{validate_lesson, LessonDoc};
use mqlab_scenario::{Command, Frame, Lang, Player, ScenarioError};
use std::process::ExitCode;

const USAGE: &str = "usage:
  mqlab run FILE [--steps N] [--json] [--lang en|zh]   play a scenario, print its trace and outcome
  mqlab check FILE...                                   validate scenario files
  mqlab bench [--dist DIR | --no-bundle]               print engine speed, seek time and bundle size
  mqlab explore FILE [--property lost-acked|duplicated|order-broken] [--faults 1-3]
                [--moments N] [--runs N] [--seed N] [--keep-faults] [--doc OUT.json] [--lang en|zh]
                                                        search fault schedules for a schedule that breaks the property";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("explore") => explore::explore(&args[1..]),
        Some("-h" | "--help" | "help") => {
            outln!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The value after `--lang`.
fn lang_arg(value: Option<&String>) -> Result<Lang, String> {
    match value.map(String::as_str) {
        Some("en") => Ok(Lang::En),
        Some("zh") => Ok(Lang::Zh),
        _ => Err("--lang needs en or zh".into()),
    }
}

fn load(path: &str) -> Result<Player, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    Player::load_json(&text).map_err(|e: ScenarioError| format!("{path}: {e}"))
}

/// A scenario, or a lesson (a document with a "question"): checked against its scenario.
fn check_file(path: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    let is_lesson =
        serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.get("question").is_some());
    if is_lesson {
        let doc = LessonDoc::parse(&text).map_err(|e| format!("{path}: {e}"))?;
        let lesson = validate_lesson(&doc).map_err(|e| format!("{path}: {e}"))?;
        return Ok(format!("lesson, {} steps", lesson.doc.steps.len()));
    }
    let p = Player::load_json(&text).map_err(|e: ScenarioError| format!("{path}: {e}"))?;
    Ok(format!("{} steps", p.total_steps()))
}

fn run(args: &[String]) -> Result<(), String> {
    let mut file = None;
    let mut steps = None;
    let mut json = false;
    let mut lang = Lang::En;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--steps" => {
                let n = it.next().ok_or("--steps needs a number")?;
                steps = Some(
                    n.parse::<u64>()
                        .map_err(|_| format!("--steps: \"{n}\" is not a number"))?,
                );
            }
            "--lang" => lang = lang_arg(it.next())?,
            other if file.is_none() && !other.starts_with("--") => file = Some(other.to_string()),
            other => return Err(format!("unexpected argument \"{other}\"\n{USAGE}")),
        }
    }
    let file = file.ok_or(USAGE)?;
    let mut player = load(&file)?;
    let end = steps
        .unwrap_or(player.total_steps())
        .min(player.total_steps());
    let mut trace = Vec::new();
    while player.position() < end {
        player.apply(Command::Forward).map_err(|e| e.to_string())?;
        let time = player.step_time_ms(player.position());
        for h in player.happenings() {
            trace.push((player.position(), time, h));
        }
    }
    let frame = player.frame();
    if json {
        let trace: Vec<_> = trace.iter().map(|(step, time, h)| serde_json::json!({ "step": step, "time_ms": time, "severity": h.severity, "en": h.en, "zh": h.zh })).collect();
        let out = serde_json::json!({ "scenario": player.doc().id, "steps": player.position(), "total_steps": player.total_steps(), "trace_digest": format!("{:016x}", player.trace_digest()), "trace": trace, "final": frame });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    for (step, time, h) in &trace {
        outln!(
            "#{step:<6} t={:>9.3}s  {}",
            *time as f64 / 1000.0,
            h.text(lang)
        );
    }
    print_summary(&frame, lang);
    Ok(())
}

fn print_summary(frame: &Frame, lang: Lang) {
    let zh = lang == Lang::Zh;
    if !frame.queues.is_empty() {
        summary_rabbit::print_queues(frame, zh);
    } else {
        print_partitions(frame, zh);
    }
    print_ledger(frame, zh);
}

fn print_partitions(frame: &Frame, zh: bool) {
    out::section(zh, "分区", "partitions");
    let name = |id: u32| {
        frame
            .nodes
            .iter()
            .find(|n| n.id == id)
            .map_or(id.to_string(), |n| n.name.clone())
    };
    for p in &frame.partitions {
        let leader = p.leader.map_or_else(
            || {
                if zh {
                    "无（离线）".to_string()
                } else {
                    "none (offline)".to_string()
                }
            },
            name,
        );
        let list = |ids: &[u32]| {
            ids.iter()
                .map(|b| b.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        // KIP-966: the Eligible Leader Replicas, when there are any.
        let elr = if p.elr.is_empty() {
            String::new()
        } else {
            format!(", ELR [{}]", list(&p.elr))
        };
        outln!(
            "{}: leader {leader}, epoch {}, ISR [{}]{elr}",
            p.name,
            p.leader_epoch,
            list(&p.isr)
        );
        for r in &p.replicas {
            let cells: Vec<&str> = r.cells.iter().map(|c| c.label.as_str()).collect();
            outln!(
                "  {:<10} LEO {:>3}  HW {:>3}  {}[{}]",
                name(r.broker),
                r.log_end_offset,
                r.high_watermark,
                if r.acts_as_leader { "L " } else { "  " },
                cells.join(" ")
            );
        }
    }
}

fn print_ledger(frame: &Frame, zh: bool) {
    out::section(zh, "消息账本", "messages");
    for m in &frame.messages {
        let acked = match (m.acked, m.acked_offset) {
            (true, Some(o)) => format!("acked@{o}"),
            (true, None) if !frame.queues.is_empty() => "acked".into(),
            // acks=0: the Java client's RecordMetadata says offset -1.
            (true, None) => "acked@-1(acks=0)".into(),
            (false, _) => m
                .last_error
                .clone()
                .map_or("unacked".into(), |e| format!("unacked ({e})")),
        };
        let replicas: Vec<String> = m.replicas.iter().map(|b| b.to_string()).collect();
        let consumed = if frame.consumers.is_empty() {
            String::new()
        } else if zh {
            format!(
                " · 投递 {} 处理 {} 行 {} → {:?}",
                m.delivered_to.len(),
                m.processed,
                m.store_rows,
                m.consumption
            )
        } else {
            format!(
                " · delivered {} processed {} rows {} → {:?}",
                m.delivered_to.len(),
                m.processed,
                m.store_rows,
                m.consumption
            )
        };
        outln!(
            "  {:<10} {:<9} {:<28} replicas [{}] reads {} → {:?}{consumed}",
            m.label,
            m.partition,
            acked,
            replicas.join(","),
            m.reads,
            m.fate
        );
    }
    print_groups(frame, zh);
    outln!();
    let lang = if zh { Lang::Zh } else { Lang::En };
    // The ledger's counter table, one line a side: "produced 40 · acknowledged 40 · …".
    let line = |side: Side| {
        counters::on_side(side)
            .filter(|c| c.shown_in(false, frame.transactions))
            .map(|c| format!("{} {}", c.label(lang, false), c.of(&frame.ledger)))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    outln!("{}", line(Side::Broker));
    if !frame.consumers.is_empty() {
        outln!("{}", line(Side::Consumer));
    }
}

/// Consumer groups with their committed offsets, and each store: expected vs actual rows.
fn print_groups(frame: &Frame, zh: bool) {
    if frame.consumers.is_empty() {
        return;
    }
    let marks = |m: &[mqlab_scenario::frame::OffsetMark]| {
        let parts: Vec<String> = m
            .iter()
            .map(|m| format!("{}@{}", m.partition, m.offset))
            .collect();
        parts.join(", ")
    };
    if !frame.groups.is_empty() {
        out::section(zh, "消费组", "groups");
    }
    for g in &frame.groups {
        outln!(
            "{} (generation {}, {:?}): committed [{}]",
            g.name,
            g.generation,
            g.state,
            marks(&g.committed)
        );
        for c in frame.consumers.iter().filter(|c| c.group == g.name) {
            outln!(
                "  {:<12} {:?} assigned [{}] positions [{}] · {}",
                c.name,
                c.activity,
                c.assigned.join(", "),
                marks(&c.positions),
                c.commit.get(if zh { Lang::Zh } else { Lang::En })
            );
        }
    }
    out::section(zh, "下游存储", "stores");
    for s in &frame.stores {
        let keys: Vec<String> = s
            .rows
            .iter()
            .map(|r| {
                if r.duplicate {
                    format!("{}!", r.key)
                } else {
                    r.key.clone()
                }
            })
            .collect();
        // Named once, for both languages' sentences.
        let (name, kind, expected, actual) = (&s.name, s.kind, s.expected, s.rows.len());
        let (distinct, absorbed) = (s.distinct, s.absorbed);
        if zh {
            outln!("{name} ({kind:?})：应有 {expected} 行，实有 {actual} 行（{distinct} 个不同的键），拦下重复 {absorbed}");
        } else {
            outln!("{name} ({kind:?}): expected {expected} rows, actual {actual} ({distinct} distinct keys), repeats stopped {absorbed}");
        }
        outln!("  [{}]", keys.join(" "));
    }
}

fn check(files: &[String]) -> Result<(), String> {
    if files.is_empty() {
        return Err(USAGE.into());
    }
    let mut failed = 0;
    for file in files {
        match check_file(file) {
            Ok(what) => outln!("ok: {file} ({what})"),
            Err(e) => {
                outln!("error: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(format!("{failed} of {} file(s) invalid", files.len()));
    }
    Ok(())
}

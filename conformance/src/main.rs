//! `mqlab-conformance`: runs the RabbitMQ scenario documents of `conformance/suite.json`
//! against a real 3-node RabbitMQ cluster and against the model, and prints a table —
//! scenario, real outcome, model outcome, match — then every fact that differs. Exits
//! non-zero on any mismatch or error.
//!
//! ```text
//! mqlab-conformance [--suite conformance/suite.json] [--only SUBSTRING]... [--model-only]
//!                   [--base DIR] [--keep]
//! ```

mod cluster;
mod compare;
mod model;
mod observe;
mod real;

use compare::{Comparison, Suite, Verdict};
use mqlab_scenario::ScenarioDoc;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

struct Args {
    suite: PathBuf,
    only: Vec<String>,
    model_only: bool,
    base: PathBuf,
    keep: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        suite: PathBuf::from("conformance/suite.json"),
        only: Vec::new(),
        model_only: false,
        base: std::env::temp_dir().join(format!("mqlab-conformance-{}", std::process::id())),
        keep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--suite" => a.suite = it.next().ok_or("--suite FILE")?.into(),
            "--only" => a.only.push(it.next().ok_or("--only SUBSTRING")?),
            "--model-only" => a.model_only = true,
            "--base" => a.base = it.next().ok_or("--base DIR")?.into(),
            "--keep" => a.keep = true,
            "-h" | "--help" => {
                println!("mqlab-conformance [--suite FILE] [--only SUBSTRING]... [--model-only] [--base DIR] [--keep]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

struct Row {
    id: String,
    facts: String,
    real: String,
    model: String,
    outcome: Result<Comparison, String>,
    /// The mismatches of a first run that a second, on a fresh cluster, did not repeat.
    flaked: Vec<String>,
    seconds: f64,
}

fn load(dir: &Path, file: &str) -> Result<ScenarioDoc, String> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc = ScenarioDoc::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    mqlab_scenario::Player::load(doc.clone())
        .map_err(|e| format!("{}: {}: {}", path.display(), e.field, e.en))?;
    Ok(doc)
}

fn print_table(rows: &[Row]) {
    let headers = [
        "scenario",
        "facts",
        "real (RabbitMQ 3.10.8)",
        "model (3.13)",
        "match",
    ];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let m = match &r.outcome {
                Ok(c) if c.matched() => {
                    let k = c.known().count();
                    let a = c.allowed().count();
                    let mut s = "yes".to_string();
                    if k > 0 {
                        s.push_str(&format!(" ({k} known)"));
                    }
                    if a > 0 {
                        s.push_str(&format!(" ({a} allowed)"));
                    }
                    s
                }
                Ok(c) => match c.known().count() {
                    0 => format!("NO ({})", c.mismatches().count()),
                    k => format!("NO ({}; {k} known)", c.mismatches().count()),
                },
                Err(_) => "ERROR".into(),
            };
            [
                r.id.clone(),
                r.facts.clone(),
                r.real.clone(),
                r.model.clone(),
                m,
            ]
        })
        .collect();
    let mut w = headers.map(|h| h.chars().count());
    for c in &cells {
        for (i, x) in c.iter().enumerate() {
            w[i] = w[i].max(x.chars().count());
        }
    }
    let line = |c: &[String]| {
        let parts: Vec<String> = c
            .iter()
            .enumerate()
            .map(|(i, x)| format!("{x}{}", " ".repeat(w[i] - x.chars().count())))
            .collect();
        println!("| {} |", parts.join(" | "));
    };
    line(&headers.map(String::from));
    println!(
        "|{}|",
        w.iter()
            .map(|n| "-".repeat(n + 2))
            .collect::<Vec<_>>()
            .join("|")
    );
    for c in &cells {
        line(c);
    }
}

fn main() {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    let code = run(&args);
    eprintln!(
        "conformance: {:.0} s in all",
        started.elapsed().as_secs_f64()
    );
    std::process::exit(code);
}

fn run(args: &Args) -> i32 {
    let text = match std::fs::read_to_string(&args.suite) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", args.suite.display());
            return 2;
        }
    };
    let suite: Suite = match serde_json::from_str(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: {e}", args.suite.display());
            return 2;
        }
    };
    let dir = args.suite.parent().unwrap_or(Path::new(".")).to_path_buf();
    let entries: Vec<_> = suite
        .scenarios
        .iter()
        .filter(|e| args.only.is_empty() || args.only.iter().any(|o| e.file.contains(o)))
        .collect();

    let cluster = if args.model_only {
        None
    } else {
        match cluster::Cluster::start(&args.base, cluster::Ports::from_env()) {
            Ok(mut c) => {
                c.keep_dir = args.keep;
                Some(Arc::new(Mutex::new(c)))
            }
            Err(e) => {
                eprintln!("cannot start the RabbitMQ cluster: {e}");
                return 3;
            }
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let mut rows = Vec::new();
    for entry in entries {
        let t = Instant::now();
        let doc = match load(&dir, &entry.file) {
            Ok(d) => d,
            Err(e) => {
                rows.push(Row {
                    id: entry.file.clone(),
                    facts: entry.facts.clone(),
                    real: String::new(),
                    model: String::new(),
                    outcome: Err(e),
                    flaked: Vec::new(),
                    seconds: 0.0,
                });
                continue;
            }
        };
        eprintln!("== {} ==", doc.id);
        let model = model::observe(&doc);
        let real = match &cluster {
            None => Err("(not run: --model-only)".to_string()),
            Some(c) => {
                let mut r = runtime.block_on(real::observe(&doc, c, entry.scale));
                if let Err(e) = &r {
                    // One more try after a full restart: a harness hiccup is not a finding.
                    eprintln!("{}: {e}; retrying on a fresh cluster", doc.id);
                    let fresh = c.lock().unwrap_or_else(|e| e.into_inner()).full_restart();
                    r = fresh.and_then(|_| runtime.block_on(real::observe(&doc, c, entry.scale)));
                }
                r
            }
        };
        let mut outcome = match (&real, &model) {
            (Ok(r), Ok(m)) => Ok(compare::compare(entry, r, m)),
            (Err(e), _) | (_, Err(e)) => Err(e.clone()),
        };
        // A mismatch must repeat on a fresh cluster to count: the real broker's timing races
        // (a consumer's ack against a kill, a sync finishing a tick later) are not findings,
        // but each one-off is printed so new races get catalogued in suite.json.
        let mut real = real;
        let mut flaked = Vec::new();
        if let (Some(c), Ok(first), Ok(m)) = (&cluster, &outcome, &model) {
            if !first.matched() {
                let lines: Vec<String> = first
                    .mismatches()
                    .map(|l| format!("{}: real {}, model {}", l.fact, l.real, l.model))
                    .collect();
                eprintln!("{}: mismatch; running it again on a fresh cluster", doc.id);
                let fresh = c.lock().unwrap_or_else(|e| e.into_inner()).full_restart();
                let again =
                    fresh.and_then(|_| runtime.block_on(real::observe(&doc, c, entry.scale)));
                if let Ok(r) = &again {
                    let second = compare::compare(entry, r, m);
                    if second.matched() {
                        flaked = lines;
                    }
                    outcome = Ok(second);
                    real = again;
                }
            }
        }
        rows.push(Row {
            id: doc.id.clone(),
            facts: entry.facts.clone(),
            real: real
                .as_ref()
                .map_or_else(|e| e.clone(), |o| o.summary(!entry.ratios.is_empty())),
            model: model
                .as_ref()
                .map_or_else(|e| e.clone(), |o| o.summary(!entry.ratios.is_empty())),
            outcome,
            flaked,
            seconds: t.elapsed().as_secs_f64(),
        });
    }
    drop(cluster);

    println!();
    print_table(&rows);
    println!();
    let mut failed = 0;
    let mut flaky = 0;
    for r in &rows {
        if !r.flaked.is_empty() {
            flaky += 1;
        }
        for l in &r.flaked {
            println!("{}: FLAKY (not repeated on a fresh cluster) {l}", r.id);
        }
        match &r.outcome {
            Err(e) => {
                failed += 1;
                println!("{}: ERROR: {e}", r.id);
            }
            Ok(c) => {
                for l in c.mismatches() {
                    println!(
                        "{}: MISMATCH {}: real {}, model {}",
                        r.id, l.fact, l.real, l.model
                    );
                }
                for l in c.known() {
                    if let Verdict::Known { why } = &l.verdict {
                        println!(
                            "{}: known difference {}: real {}, model {} — {why}",
                            r.id, l.fact, l.real, l.model
                        );
                    }
                }
                for l in c.allowed() {
                    if let Verdict::Allowed { why } = &l.verdict {
                        println!(
                            "{}: allowed {}: real {}, model {} — {why}",
                            r.id, l.fact, l.real, l.model
                        );
                    }
                }
                if !c.matched() {
                    failed += 1;
                }
            }
        }
        eprintln!("{}: {:.0} s", r.id, r.seconds);
    }
    let passed = rows.len() - failed;
    println!("\nconformance: {passed} passed ({flaky} only on a second run), {failed} failed");
    if failed > 0 {
        1
    } else {
        0
    }
}

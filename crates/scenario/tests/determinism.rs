//! Determinism, natively: the examples' traces match the pinned digests (the same file the
//! browser test reads), a seed always gives the same trace, and the seed matters.
//!
//! Beside each digest, `tests/snapshots/<example>.log` holds the start of the example's event
//! log (the happenings `mqlab run` prints) and its final ledger, so a changed digest shows
//! what changed. Re-bless both after an intended change:
//! `MQLAB_BLESS=1 cargo test -p mqlab-scenario --test determinism`
//! rewrites the changed digests in `digests.txt` (nothing else in the file) and every snapshot.
#![cfg(not(target_arch = "wasm32"))]

mod pinned_digests;

use mqlab_scenario::{Command, Player, ScenarioDoc};
use std::path::{Path, PathBuf};

/// Happening lines kept in a snapshot: enough to show where a trace starts to differ,
/// small enough to read.
const SNAPSHOT_LINES: usize = 300;
/// Lines of context around the first difference in a failure message.
const CONTEXT: usize = 3;
/// Differing lines shown at most.
const SHOWN: usize = 12;

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn snapshot_path(id: &str) -> PathBuf {
    tests_dir().join("snapshots").join(format!("{id}.log"))
}

fn bless() -> bool {
    std::env::var("MQLAB_BLESS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The example's event log as a snapshot holds it: one line per happening (`#step t=…s text`,
/// as `mqlab run` prints), the first [`SNAPSHOT_LINES`], then the end of the trace and its
/// ledger.
fn event_log(player: &mut Player) -> String {
    let mut lines = Vec::new();
    let mut more = 0usize;
    while player.position() < player.total_steps() {
        player.apply(Command::Forward).expect("a step forward");
        let time = player.step_time_ms(player.position());
        for h in player.happenings() {
            if lines.len() < SNAPSHOT_LINES {
                lines.push(format!(
                    "#{:<6} t={:>9.3}s  {}",
                    player.position(),
                    time as f64 / 1000.0,
                    h.en
                ));
            } else {
                more += 1;
            }
        }
    }
    if more > 0 {
        lines.push(format!("… {more} more happenings"));
    }
    let f = player.frame();
    lines.push(format!(
        "end: step {}, t={:.3}s, digest {:016x}",
        f.step,
        f.time_ms as f64 / 1000.0,
        player.trace_digest()
    ));
    // Every counter of the one table, by its key, so a new counter is snapshotted too.
    let counts: Vec<String> = mqlab_scenario::counters::ALL
        .iter()
        .map(|c| format!("{} {}", c.key, c.of(&f.ledger)))
        .collect();
    lines.push(format!("ledger: {}", counts.join(" ")));
    lines.join("\n") + "\n"
}

fn example_log(text: &str) -> String {
    let mut p = Player::load_json(text).expect("an example loads");
    event_log(&mut p)
}

/// A unified-diff-like excerpt of the first differences between a snapshot and the log now.
fn diff_excerpt(id: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if first == a.len() && first == b.len() {
        return format!("{id}: the event log is unchanged (the difference is beyond it)");
    }
    // Resynchronise: the nearest later pair of equal lines (the change may insert or drop lines).
    let (mut ea, mut eb) = (a.len(), b.len());
    'search: for d in 1..(a.len() + b.len()).saturating_sub(2 * first).max(1) {
        for i in 0..=d {
            let (x, y) = (first + i, first + d - i);
            if x < a.len() && y < b.len() && a[x] == b[y] {
                (ea, eb) = (x, y);
                break 'search;
            }
        }
    }
    let start = first.saturating_sub(CONTEXT);
    let after = (a.len() - ea).min(CONTEXT);
    let mut out = vec![
        format!("--- tests/snapshots/{id}.log"),
        format!("+++ {id} now"),
        format!(
            "@@ -{},{} +{},{} @@",
            start + 1,
            ea - start + after,
            start + 1,
            eb - start + after
        ),
    ];
    out.extend(a[start..first].iter().map(|l| format!(" {l}")));
    out.extend(a[first..ea].iter().take(SHOWN).map(|l| format!("-{l}")));
    if ea - first > SHOWN {
        out.push(format!("-… {} more", ea - first - SHOWN));
    }
    out.extend(b[first..eb].iter().take(SHOWN).map(|l| format!("+{l}")));
    if eb - first > SHOWN {
        out.push(format!("+… {} more", eb - first - SHOWN));
    }
    out.extend(a[ea..].iter().take(CONTEXT).map(|l| format!(" {l}")));
    out.join("\n")
}

/// The snapshot of an example, or a note that there is none.
fn snapshot(id: &str) -> Option<String> {
    std::fs::read_to_string(snapshot_path(id)).ok()
}

/// Rewrite the digests that changed in `digests.txt` (keeping every other byte), drop pins of
/// examples that are gone, append new ones; and write every snapshot.
fn rebless() {
    let path = tests_dir().join("digests.txt");
    let old = std::fs::read_to_string(&path).expect("digests.txt");
    let sources = mqlab_scenario::example_sources();
    let digest = |text: &str| {
        Player::load_json(text)
            .expect("an example loads")
            .trace_digest()
    };
    let mut seen = Vec::new();
    let mut out = String::new();
    for line in old.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            out.push_str(line);
            continue;
        }
        let id = trimmed.split_whitespace().next().unwrap_or_default();
        let Some((_, text)) = sources.iter().find(|(e, _)| *e == id) else {
            continue; // not an example any more
        };
        seen.push(id.to_string());
        let old_hex = trimmed.split_whitespace().nth(1).unwrap_or_default();
        let new_hex = format!("{:016x}", digest(text));
        if old_hex.is_empty() {
            out.push_str(&format!("{id}  {new_hex}\n"));
        } else {
            out.push_str(&line.replacen(old_hex, &new_hex, 1));
        }
    }
    for (id, text) in sources {
        if !seen.iter().any(|s| s == id) {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("{id}  {:016x}\n", digest(text)));
        }
    }
    if out != old {
        std::fs::write(&path, out).expect("write digests.txt");
    }
    let dir = tests_dir().join("snapshots");
    std::fs::create_dir_all(&dir).expect("tests/snapshots/");
    for entry in std::fs::read_dir(&dir).expect("tests/snapshots/") {
        let p = entry.expect("an entry").path();
        let stem = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if p.extension().is_some_and(|x| x == "log") && !sources.iter().any(|(e, _)| *e == stem) {
            std::fs::remove_file(&p).expect("remove a stale snapshot");
        }
    }
    for (id, text) in sources {
        let log = example_log(text);
        if snapshot(id).as_deref() != Some(log.as_str()) {
            std::fs::write(snapshot_path(id), log).expect("write a snapshot");
        }
    }
}

#[test]
fn examples_match_the_pinned_digests() {
    if bless() {
        // digests.txt is compiled in (include_str!): the rewritten pins are checked on the
        // next build, by the next run without MQLAB_BLESS.
        rebless();
        return;
    }
    let bad = pinned_digests::mismatches();
    if bad.is_empty() {
        return;
    }
    // Show what changed: each changed example's event log against its snapshot.
    let mut report = vec![format!("trace digests changed:\n{}", bad.join("\n"))];
    for (id, text) in mqlab_scenario::example_sources() {
        if !bad.iter().any(|b| b.starts_with(&format!("{id}:"))) {
            continue;
        }
        match snapshot(id) {
            Some(old) => report.push(diff_excerpt(id, &old, &example_log(text))),
            None => report.push(format!("{id}: no snapshot in tests/snapshots/")),
        }
    }
    report.push(
        "If the change is intended: MQLAB_BLESS=1 cargo test -p mqlab-scenario --test determinism"
            .into(),
    );
    panic!("{}", report.join("\n\n"));
}

#[test]
fn the_snapshots_are_the_examples_event_logs() {
    if bless() {
        return; // examples_match_the_pinned_digests rewrites them
    }
    let mut bad = Vec::new();
    for (id, text) in mqlab_scenario::example_sources() {
        let now = example_log(text);
        match snapshot(id) {
            Some(old) if old == now => {}
            Some(old) => bad.push(diff_excerpt(id, &old, &now)),
            None => bad.push(format!("{id}: no snapshot tests/snapshots/{id}.log")),
        }
    }
    let dir = tests_dir().join("snapshots");
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let stem = entry
            .path()
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if !mqlab_scenario::example_sources()
            .iter()
            .any(|(e, _)| *e == stem)
        {
            bad.push(format!("tests/snapshots/{stem}.log: not an example"));
        }
    }
    assert!(
        bad.is_empty(),
        "event-log snapshots differ:\n\n{}\n\nIf the change is intended: MQLAB_BLESS=1 cargo test -p mqlab-scenario --test determinism",
        bad.join("\n\n")
    );
}

fn digest_with_seed(text: &str, seed: u64) -> u64 {
    let mut doc = ScenarioDoc::parse(text).expect("an example parses");
    doc.seed = seed;
    Player::load(doc)
        .expect("an example loads with any seed")
        .trace_digest()
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    for (id, text) in mqlab_scenario::example_sources() {
        for seed in [0, 1, 2, 7, 42, u64::MAX] {
            assert_eq!(
                digest_with_seed(text, seed),
                digest_with_seed(text, seed),
                "{id} with seed {seed} is not reproducible"
            );
        }
    }
}

#[test]
fn different_seeds_give_different_traces() {
    let seeds = [0, 1, 2, 7, 42, u64::MAX];
    let varies = mqlab_scenario::example_sources().iter().any(|(_, text)| {
        let digests: std::collections::BTreeSet<u64> =
            seeds.iter().map(|&s| digest_with_seed(text, s)).collect();
        digests.len() > 1
    });
    assert!(
        varies,
        "no example's trace depends on its seed: network jitter must be seeded"
    );
}

#[test]
fn loading_twice_gives_the_same_trace() {
    for (id, text) in mqlab_scenario::example_sources() {
        let a = Player::load_json(text).expect("loads");
        let b = Player::load_json(text).expect("loads");
        assert_eq!(a.trace_digest(), b.trace_digest(), "{id}");
        assert_eq!(a.total_steps(), b.total_steps(), "{id}");
    }
}

#[test]
fn a_changed_log_shows_its_first_differences() {
    let old = "a\nb\nc\nd\ne\n";
    let new = "a\nb\nX\nd\ne\n";
    let d = diff_excerpt("x", old, new);
    assert!(d.contains("-c\n+X\n d"), "{d}");
    assert!(d.contains(" a\n b\n-c"), "{d}");
}

//! The trace as a Mermaid sequence diagram, for slides and notes: one arrow per message a
//! node sends (records, acks, errors — not the heartbeat and fetch chatter), a note for each
//! alert (a kill, an election, a loss), up to the player's current step.

use crate::frame::{EnvelopeKind, NodeKind, Severity};
use crate::i18n::Lang;
use crate::{Command, Player};
use mqlab_engine::VecSet;
use std::fmt::Write;

/// Arrows and notes past this many are summed up in one last note: a diagram is for reading.
pub const MAX_LINES: usize = 400;

/// Mermaid's text may not hold these; they become look-alikes.
fn clean(text: &str) -> String {
    text.replace(';', ",")
        .replace('#', "＃")
        .replace(['\n', '\r'], " ")
}

/// The Mermaid sequence diagram of the trace from its start to `player`'s position.
pub fn mermaid(player: &Player, lang: Lang) -> String {
    let mut walker = player.clone();
    let until = player.position();
    let _ = walker.apply(Command::Seek(0));
    let first = walker.frame();
    let mut out = String::from("sequenceDiagram\n");
    let _ = writeln!(out, "    %% {}", clean(walker.doc().title.get(lang)));
    let alias = |id: u32| format!("n{id}");
    for node in first
        .nodes
        .iter()
        .filter(|n| n.kind != NodeKind::Controller)
    {
        let _ = writeln!(
            out,
            "    participant {} as {}",
            alias(node.id),
            clean(&node.name)
        );
    }
    let known: VecSet<u32> = first
        .nodes
        .iter()
        .filter(|n| n.kind != NodeKind::Controller)
        .map(|n| n.id)
        .collect();
    let mut seen = VecSet::new();
    let mut lines = 0usize;
    let mut left_out = 0usize;
    while walker.position() < until {
        if walker.apply(Command::Forward).is_err() {
            break;
        }
        let frame = walker.frame();
        let mut step_lines = Vec::new();
        for e in &frame.envelopes {
            if e.kind == EnvelopeKind::Control || !seen.insert(e.id) {
                continue;
            }
            if !known.contains(&e.from) || !known.contains(&e.to) {
                continue;
            }
            let arrow = match e.kind {
                EnvelopeKind::Error => "--x",
                EnvelopeKind::Ack => "-->>",
                _ => "->>",
            };
            step_lines.push(format!(
                "    {}{arrow}{}: {}",
                alias(e.from),
                alias(e.to),
                clean(e.label.get(lang))
            ));
        }
        for h in frame
            .happenings
            .iter()
            .filter(|h| h.severity == Severity::Alert)
        {
            let over = h
                .node
                .filter(|n| known.contains(n))
                .map_or_else(|| alias(*known.first().unwrap_or(&0)), alias);
            step_lines.push(format!("    Note over {over}: {}", clean(h.text(lang))));
        }
        for line in step_lines {
            if lines < MAX_LINES {
                out.push_str(&line);
                out.push('\n');
                lines += 1;
            } else {
                left_out += 1;
            }
        }
    }
    if left_out > 0 {
        let over = alias(*known.first().unwrap_or(&0));
        let note = match lang {
            Lang::En => format!("… and {left_out} more, left out"),
            Lang::Zh => format!("……另有 {left_out} 条未列出"),
        };
        let _ = writeln!(out, "    Note over {over}: {note}");
    }
    out
}

//! Where everything sits on the stage. Pure geometry computed from a frame, in viewBox units;
//! no Yew here, so the numbers can be reasoned about on their own.

use mqlab_scenario::frame::{Frame, NodeKind};
use std::collections::BTreeMap;
use std::fmt;

/// A number written with one decimal, by integer arithmetic: float formatting is sizeable
/// code in a wasm binary, and SVG coordinates need no more.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tenths(pub f64);

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let tenths = tenths.unsigned_abs();
        write!(f, "{sign}{}.{}", tenths / 10, tenths % 10)
    }
}

pub const WIDTH: f64 = 1000.0;
const MARGIN: f64 = 12.0;
const LEFT_W: f64 = 136.0;
const BROKERS_X: f64 = MARGIN + LEFT_W + 20.0;
const CARD_GAP: f64 = 14.0;
pub const CARD_TOP: f64 = 96.0;
pub const CARD_HEADER: f64 = 48.0;
pub const SLOT_H: f64 = 104.0;
pub const CELL_H: f64 = 24.0;
const CELL_W_MAX: f64 = 24.0;
const CELL_W_MIN: f64 = 18.0;
/// Broker-to-broker traffic runs along this lane, between the controller and the cards.
const LANE_Y: f64 = 78.0;
/// More brokers than this go on two rows, so that their logs stay readable.
const MAX_PER_ROW: usize = 5;
const ROW_GAP: f64 = 36.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageLayout {
    pub height: f64,
    /// The box of every node, by node id.
    pub boxes: BTreeMap<u32, Rect>,
    /// Where envelopes leave and arrive, by node id.
    pub anchors: BTreeMap<u32, (f64, f64)>,
    /// Row of each partition inside a broker card, by partition name.
    pub slots: BTreeMap<String, usize>,
    pub cell_w: f64,
    /// How many log cells fit in a card row.
    pub max_cells: usize,
}

impl StageLayout {
    pub fn of(frame: &Frame) -> StageLayout {
        let brokers: Vec<u32> = ids_of(frame, NodeKind::Broker);
        let clients: Vec<u32> = ids_of(frame, NodeKind::Producer)
            .into_iter()
            .chain(ids_of(frame, NodeKind::Reader))
            .collect();
        let slots: BTreeMap<String, usize> = frame
            .partitions
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();

        let per_row = if brokers.len() <= MAX_PER_ROW {
            brokers.len()
        } else {
            brokers.len().div_ceil(2)
        };
        let n = per_row.max(1) as f64;
        let region_w = WIDTH - MARGIN - BROKERS_X;
        let card_w = (region_w - CARD_GAP * (n - 1.0)) / n;
        let card_h = CARD_HEADER + SLOT_H * slots.len().max(1) as f64 + 6.0;
        // Room for the cells, less one cell's width for the LEO marker after the last.
        let usable = card_w - 16.0 - 16.0 - CELL_W_MIN;
        let max_cells = ((usable / CELL_W_MIN).floor() as usize).max(3);
        let cell_w = (usable / max_cells as f64).min(CELL_W_MAX);
        let max_cells = ((usable / cell_w).floor() as usize).max(3);

        let mut boxes = BTreeMap::new();
        let mut anchors = BTreeMap::new();
        for (i, id) in brokers.iter().enumerate() {
            let (row, col) = (i / per_row.max(1), i % per_row.max(1));
            let x = BROKERS_X + col as f64 * (card_w + CARD_GAP);
            let y = CARD_TOP + row as f64 * (card_h + ROW_GAP);
            boxes.insert(
                *id,
                Rect {
                    x,
                    y,
                    w: card_w,
                    h: card_h,
                },
            );
            // The second row's lane runs in the gap above it.
            anchors.insert(*id, (x + card_w / 2.0, y - (CARD_TOP - LANE_Y)));
        }
        for id in ids_of(frame, NodeKind::Controller) {
            let w = 240.0;
            let x = BROKERS_X + region_w / 2.0 - w / 2.0;
            boxes.insert(
                id,
                Rect {
                    x,
                    y: 8.0,
                    w,
                    h: 48.0,
                },
            );
            anchors.insert(id, (x + w / 2.0, 56.0));
        }
        let client_h = 56.0;
        for (i, id) in clients.iter().enumerate() {
            let y = 52.0 + i as f64 * (client_h + 18.0);
            boxes.insert(
                *id,
                Rect {
                    x: MARGIN,
                    y,
                    w: LEFT_W,
                    h: client_h,
                },
            );
            anchors.insert(*id, (MARGIN + LEFT_W, y + client_h / 2.0));
        }
        let bottom = boxes.values().map(|r| r.y + r.h).fold(0.0, f64::max);
        StageLayout {
            height: bottom + 12.0,
            boxes,
            anchors,
            slots,
            cell_w,
            max_cells,
        }
    }

    /// Centre-to-centre path of an envelope, nudged aside by direction so that a request
    /// and its reply do not cover each other.
    pub fn path(&self, from: u32, to: u32) -> Option<((f64, f64), (f64, f64))> {
        let a = *self.anchors.get(&from)?;
        let b = *self.anchors.get(&to)?;
        let nudge = if from < to { -5.0 } else { 5.0 };
        Some(((a.0, a.1 + nudge), (b.0, b.1 + nudge)))
    }

    /// Producers and readers: the column on the left.
    pub fn is_client(&self, id: u32) -> bool {
        self.boxes.get(&id).is_some_and(|r| r.x <= MARGIN)
    }

    /// Top of a partition's row inside a broker card whose top is `card_y`.
    pub fn slot_y(card_y: f64, slot: usize) -> f64 {
        card_y + CARD_HEADER + slot as f64 * SLOT_H
    }
}

fn ids_of(frame: &Frame, kind: NodeKind) -> Vec<u32> {
    frame
        .nodes
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.id)
        .collect()
}

/// Fraction of the way an envelope has travelled at `clock_ms`, kept off the very ends so it
/// is always seen on its line.
pub fn progress(sent_at_ms: u64, arrives_at_ms: u64, clock_ms: f64) -> f64 {
    let span = arrives_at_ms.saturating_sub(sent_at_ms).max(1) as f64;
    let raw = (clock_ms - sent_at_ms as f64) / span;
    0.12 + 0.76 * raw.clamp(0.0, 1.0)
}

/// The short form of a message label shown inside a log cell: "order-12" → "12".
pub fn short_label(label: &str) -> &str {
    match label.rsplit_once('-') {
        Some((_, tail)) if !tail.is_empty() && tail.len() <= 3 => tail,
        _ => label
            .get(..label.char_indices().nth(3).map_or(label.len(), |(i, _)| i))
            .unwrap_or(label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_stays_on_the_line() {
        assert!((progress(10, 20, 0.0) - 0.12).abs() < 1e-9);
        assert!((progress(10, 20, 15.0) - 0.5).abs() < 1e-9);
        assert!((progress(10, 20, 99.0) - 0.88).abs() < 1e-9);
        assert!((progress(10, 10, 10.0) - 0.12).abs() < 1e-9);
    }

    #[test]
    fn many_brokers_take_two_rows() {
        use mqlab_scenario::frame::{LedgerSummary, NodeStatus, NodeView};
        let node = |id: u32| NodeView {
            id,
            kind: NodeKind::Broker,
            name: format!("broker-{id}"),
            status: NodeStatus::Up,
            isolated: false,
            fenced: false,
            detail: String::new(),
        };
        let frame = |n: u32| Frame {
            step: 0,
            total_steps: 0,
            time_ms: 0,
            end_time_ms: 0,
            nodes: (1..=n).map(node).collect(),
            partitions: Vec::new(),
            envelopes: Vec::new(),
            faulty_links: Vec::new(),
            happenings: Vec::new(),
            messages: Vec::new(),
            ledger: LedgerSummary::default(),
            consumers: Vec::new(),
            groups: Vec::new(),
            stores: Vec::new(),
            queues: Vec::new(),
            publishers: Vec::new(),
            traffic: Vec::new(),
        };
        let five = StageLayout::of(&frame(5));
        assert!(five.boxes.values().all(|r| r.y == CARD_TOP));
        let nine = StageLayout::of(&frame(9));
        assert_eq!(nine.boxes.values().filter(|r| r.y == CARD_TOP).count(), 5);
        assert_eq!(nine.boxes.values().filter(|r| r.y > CARD_TOP).count(), 4);
        assert!(nine.boxes[&1].w > 140.0, "cards stay wide enough for a log");
        assert!(nine.max_cells >= 4);
    }

    #[test]
    fn tenths() {
        assert_eq!(Tenths(12.345).to_string(), "12.3");
        assert_eq!(Tenths(-0.06).to_string(), "-0.1");
        assert_eq!(Tenths(-0.04).to_string(), "0.0");
        assert_eq!(Tenths(1000.0).to_string(), "1000.0");
    }

    #[test]
    fn short_labels() {
        assert_eq!(short_label("order-12"), "12");
        assert_eq!(short_label("heartbeat"), "hea");
        assert_eq!(short_label("订单号码"), "订单号");
    }
}

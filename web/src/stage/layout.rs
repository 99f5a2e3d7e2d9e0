//! Where everything sits on the stage. Pure geometry computed from a frame, in viewBox units;
//! no Yew here, so the numbers can be reasoned about on their own.

use mqlab_scenario::frame::{Frame, NodeKind, StoreKind, StoreView};
use mqlab_scenario::VecMap as BTreeMap;
use mqlab_scenario::VecSet as BTreeSet;
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

/// The widest layout; a wider stage scales it up.
pub const WIDTH: f64 = 1000.0;
/// The narrowest layout (a phone's width at 1.1 CSS px a unit); a narrower stage scales it
/// down.
pub const MIN_WIDTH: f64 = 320.0;
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
/// A broker card narrower than this cannot show a partition's header and a few cells.
const CARD_W_MIN: f64 = 150.0;
/// Clients or the right column go beside the brokers only when it leaves cards this wide.
const CARD_W_BESIDE: f64 = 175.0;
const CONTROLLER_W: f64 = 240.0;
const CLIENT_GAP: f64 = 12.0;

// The column on the right: consumer groups, then the downstream stores.
const RIGHT_W: f64 = 236.0;
#[cfg(test)]
const RIGHT_X: f64 = WIDTH - MARGIN - RIGHT_W;
const RIGHT_GAP: f64 = 20.0;
/// Under the HW and LEO labels of a log: a lane for the consumers' positions (▲) and the
/// groups' committed offsets (◆), one line each.
pub const MARKER_LANE: f64 = 28.0;
pub const GROUP_HEAD: f64 = 36.0;
pub const CONSUMER_H: f64 = 64.0;
const CONSUMER_GAP: f64 = 6.0;
const BLOCK_GAP: f64 = 12.0;
pub const STORE_HEAD: f64 = 64.0;
pub const CHIP_H: f64 = 16.0;
const CHIP_GAP: f64 = 3.0;
/// Table rows or Redis keys per line, and seen-set ids per line.
const ROW_COLS: usize = 3;
const SEEN_COLS: usize = 8;
/// At most this many rows (ids) are drawn; earlier ones are summed up in a line.
pub const MAX_ROWS_SHOWN: usize = 36;
pub const MAX_SEEN_SHOWN: usize = 32;
/// The heading above the seen-set's ids.
pub const SEEN_HEAD: f64 = 16.0;
/// RabbitMQ: a queue's row in a node card (name, role, its messages, the counts).
pub const QUEUE_SLOT_H: f64 = 92.0;
/// RabbitMQ publishers: name, mode on two lines, persistence, confirms, throughput, state.
pub const PUBLISHER_H: f64 = 112.0;
const CLIENT_H: f64 = 56.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageLayout {
    /// The viewBox's width: the width the stage was laid out for.
    pub width: f64,
    pub height: f64,
    /// The box of every node, by node id.
    pub boxes: BTreeMap<u32, Rect>,
    /// Where envelopes leave and arrive, by node id.
    pub anchors: BTreeMap<u32, (f64, f64)>,
    /// Row of each partition (RabbitMQ: queue) inside a broker card, by its name.
    pub slots: BTreeMap<String, usize>,
    pub cell_w: f64,
    /// How many log cells fit in a card row.
    pub max_cells: usize,
    /// Height of a partition's (or queue's) row in a broker card (taller with consumers:
    /// their markers).
    pub slot_h: f64,
    /// Consumer-group frames, in the order their consumers appear.
    pub groups: Vec<(String, Rect)>,
    /// The downstream stores, in frame order.
    pub stores: Vec<StoreLayout>,
    /// Producers and readers (RabbitMQ: publishers), by node id.
    clients: BTreeSet<u32>,
}

/// Where a store and its rows (and seen ids) go.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreLayout {
    pub rect: Rect,
    /// Rows before this one are not drawn (a line says how many).
    pub first_row: usize,
    /// Top of the grid of rows.
    pub rows_y: f64,
    /// Seen-set stores: top of the heading of the ids, and the first id drawn.
    pub seen_y: Option<f64>,
    pub first_seen: usize,
}

impl StoreLayout {
    fn of(store: &StoreView, x: f64, y: f64) -> StoreLayout {
        let first_row = store.rows.len().saturating_sub(MAX_ROWS_SHOWN);
        let skipped_line = if first_row > 0 { CHIP_H } else { 0.0 };
        let rows_y = y + STORE_HEAD + skipped_line;
        let row_lines = grid_lines(store.rows.len() - first_row, ROW_COLS);
        let mut bottom = rows_y + row_lines as f64 * (CHIP_H + CHIP_GAP);
        let (seen_y, first_seen) = if store.kind == StoreKind::SeenSet {
            let first = store.seen.len().saturating_sub(MAX_SEEN_SHOWN);
            let seen_y = bottom + 4.0;
            bottom = seen_y
                + SEEN_HEAD
                + grid_lines(store.seen.len() - first, SEEN_COLS) as f64 * (CHIP_H + CHIP_GAP);
            (Some(seen_y), first)
        } else {
            (None, 0)
        };
        StoreLayout {
            rect: Rect {
                x,
                y,
                w: RIGHT_W,
                h: bottom - y + 6.0,
            },
            first_row,
            rows_y,
            seen_y,
            first_seen,
        }
    }

    /// The box of the `i`-th row drawn (counting from `first_row`).
    pub fn row_chip(&self, i: usize) -> Rect {
        chip(self.rect.x, self.rows_y, ROW_COLS, i)
    }

    /// The box of the `i`-th seen id drawn (counting from `first_seen`).
    pub fn seen_chip(&self, i: usize) -> Rect {
        chip(
            self.rect.x,
            self.seen_y.unwrap_or(self.rows_y) + SEEN_HEAD,
            SEEN_COLS,
            i,
        )
    }
}

fn grid_lines(items: usize, cols: usize) -> usize {
    items.div_ceil(cols)
}

/// A chip of a grid of `cols` columns inside a store box whose left edge is `x`.
fn chip(x: f64, top: f64, cols: usize, i: usize) -> Rect {
    let inner = RIGHT_W - 16.0;
    let w = (inner - CHIP_GAP * (cols - 1) as f64) / cols as f64;
    let (line, col) = (i / cols, i % cols);
    Rect {
        x: x + 8.0 + col as f64 * (w + CHIP_GAP),
        y: top + line as f64 * (CHIP_H + CHIP_GAP),
        w,
        h: CHIP_H,
    }
}

impl StageLayout {
    /// The layout at the widest width, as a wide screen shows it.
    pub fn of(frame: &Frame) -> StageLayout {
        StageLayout::fitting(frame, WIDTH)
    }

    /// The layout for a stage `width` units wide (clamped to [`MIN_WIDTH`, `WIDTH`]). Wide:
    /// clients on the left, brokers in the middle, groups and stores on the right. Narrower,
    /// the right column moves under the brokers; narrower still, the clients go on a row
    /// above them and the brokers wrap, so that text keeps its size and only the picture
    /// grows taller.
    pub fn fitting(frame: &Frame, width: f64) -> StageLayout {
        let width = width.clamp(MIN_WIDTH, WIDTH);
        let brokers: Vec<u32> = ids_of(frame, NodeKind::Broker);
        let clients: Vec<u32> = ids_of(frame, NodeKind::Producer)
            .into_iter()
            .chain(ids_of(frame, NodeKind::Reader))
            .collect();
        let rabbit = !frame.queues.is_empty();
        let slots: BTreeMap<String, usize> = frame
            .partitions
            .iter()
            .map(|p| &p.name)
            .chain(frame.queues.iter().map(|q| &q.name))
            .enumerate()
            .map(|(i, name)| (name.clone(), i))
            .collect();
        let has_right = !frame.consumers.is_empty() || !frame.stores.is_empty();
        let n_brokers = brokers.len().max(1);
        // Brokers on one row up to MAX_PER_ROW, else two rows; fewer per row when narrow.
        let wanted_per_row = if n_brokers <= MAX_PER_ROW {
            n_brokers
        } else {
            n_brokers.div_ceil(2)
        };
        let fits_at = |least: f64, region: f64, per_row: usize| {
            let n = per_row as f64;
            (region - CARD_GAP * (n - 1.0)) / n >= least
        };
        let fits = |region: f64, per_row: usize| fits_at(CARD_W_BESIDE, region, per_row);
        // In order of preference: everything side by side; the clients on a row above so
        // that consumers and stores stay beside the brokers (narrower cards); the clients
        // beside and the right column under the brokers; everything stacked.
        let beside_region = width - MARGIN - BROKERS_X;
        let right_room = RIGHT_GAP + RIGHT_W;
        let (clients_beside, right_beside) =
            if has_right && fits(beside_region - right_room, wanted_per_row) {
                (true, true)
            } else if has_right
                && fits_at(
                    CARD_W_MIN,
                    width - 2.0 * MARGIN - right_room,
                    wanted_per_row,
                )
            {
                (false, true)
            } else {
                (fits(beside_region, wanted_per_row.min(3)), false)
            };
        let brokers_x = if clients_beside { BROKERS_X } else { MARGIN };
        let region_w = if right_beside {
            width - MARGIN - RIGHT_W - RIGHT_GAP - brokers_x
        } else {
            width - MARGIN - brokers_x
        };
        let mut per_row = wanted_per_row;
        while per_row > 1 && !fits_at(CARD_W_MIN, region_w, per_row) {
            per_row -= 1;
        }
        let n = per_row as f64;
        let card_w = (region_w - CARD_GAP * (n - 1.0)) / n;
        let slot_h = if rabbit {
            QUEUE_SLOT_H
        } else if frame.consumers.is_empty() {
            SLOT_H
        } else {
            SLOT_H + MARKER_LANE
        };
        let card_h = CARD_HEADER + slot_h * slots.len().max(1) as f64 + 6.0;
        // Room for the cells, less one cell's width for the LEO marker after the last.
        let usable = card_w - 16.0 - 16.0 - CELL_W_MIN;
        let max_cells = ((usable / CELL_W_MIN).floor() as usize).max(3);
        let cell_w = (usable / max_cells as f64).min(CELL_W_MAX);
        let max_cells = ((usable / cell_w).floor() as usize).max(3);

        let mut boxes = BTreeMap::new();
        let mut anchors = BTreeMap::new();
        let client_h = if rabbit { PUBLISHER_H } else { CLIENT_H };
        // Clients: a column on the left, or rows across the top.
        let mut top: f64 = 8.0;
        // The clients' row and the controller stay above the brokers, clear of the right column.
        let region_right = brokers_x + region_w;
        let across =
            ((region_right - MARGIN + CLIENT_GAP) / (LEFT_W + CLIENT_GAP)).floor() as usize;
        for (i, id) in clients.iter().enumerate() {
            let (x, y) = if clients_beside {
                (MARGIN, 52.0 + i as f64 * (client_h + 18.0))
            } else {
                let (row, col) = (i / across.max(1), i % across.max(1));
                (
                    MARGIN + col as f64 * (LEFT_W + CLIENT_GAP),
                    8.0 + row as f64 * (client_h + CLIENT_GAP),
                )
            };
            boxes.insert(
                *id,
                Rect {
                    x,
                    y,
                    w: LEFT_W,
                    h: client_h,
                },
            );
            anchors.insert(*id, (x + LEFT_W, y + client_h / 2.0));
            if !clients_beside {
                top = top.max(y + client_h + 12.0);
            }
        }
        let controllers = ids_of(frame, NodeKind::Controller);
        // Clients on a row of their own: the controller ends that row when there is room.
        let row_end = MARGIN + clients.len().min(across) as f64 * (LEFT_W + CLIENT_GAP);
        let controller_on_clients_row = !clients_beside
            && !clients.is_empty()
            && clients.len() <= across
            && row_end + CONTROLLER_W <= region_right;
        let cards_top = if controller_on_clients_row {
            top.max(8.0 + 48.0 + 12.0) + (CARD_TOP - LANE_Y)
        } else if controllers.is_empty() && !clients_beside {
            top + (CARD_TOP - LANE_Y)
        } else {
            top - 8.0 + CARD_TOP
        };
        for id in controllers {
            let w = CONTROLLER_W.min(region_w);
            let (x, y) = if controller_on_clients_row {
                (region_right - w, 8.0)
            } else {
                (brokers_x + region_w / 2.0 - w / 2.0, top)
            };
            boxes.insert(id, Rect { x, y, w, h: 48.0 });
            anchors.insert(id, (x + w / 2.0, y + 48.0));
        }
        for (i, id) in brokers.iter().enumerate() {
            let (row, col) = (i / per_row, i % per_row);
            let x = brokers_x + col as f64 * (card_w + CARD_GAP);
            let y = cards_top + row as f64 * (card_h + ROW_GAP);
            boxes.insert(
                *id,
                Rect {
                    x,
                    y,
                    w: card_w,
                    h: card_h,
                },
            );
            // Each row's lane runs in the gap above it.
            anchors.insert(*id, (x + card_w / 2.0, y - (CARD_TOP - LANE_Y)));
        }
        let bottom_of =
            |boxes: &BTreeMap<u32, Rect>| boxes.values().map(|r| r.y + r.h).fold(0.0, f64::max);

        // The right column: a frame per consumer group holding its consumers' cards, then
        // the stores they write to. Beside the brokers, or in columns under them.
        let mut group_names: Vec<&str> = Vec::new();
        for name in frame
            .consumers
            .iter()
            .map(|c| c.group.as_str())
            .chain(frame.groups.iter().map(|g| g.name.as_str()))
        {
            if !group_names.contains(&name) {
                group_names.push(name);
            }
        }
        let mut columns = if right_beside {
            vec![(width - MARGIN - RIGHT_W, 8.0)]
        } else {
            let below = bottom_of(&boxes) + ROW_GAP;
            let n = ((width - 2.0 * MARGIN + RIGHT_GAP) / (RIGHT_W + RIGHT_GAP))
                .floor()
                .max(1.0) as usize;
            (0..n)
                .map(|i| (MARGIN + i as f64 * (RIGHT_W + RIGHT_GAP), below))
                .collect()
        };
        // Each block goes to the shortest column, so that the picture stays compact.
        fn shortest(columns: &[(f64, f64)]) -> usize {
            (0..columns.len())
                .min_by(|&a, &b| columns[a].1.total_cmp(&columns[b].1))
                .unwrap_or(0)
        }
        let mut groups = Vec::new();
        for name in group_names {
            let members: Vec<u32> = frame
                .consumers
                .iter()
                .filter(|c| c.group == name)
                .map(|c| c.id)
                .collect();
            let h = GROUP_HEAD + members.len() as f64 * (CONSUMER_H + CONSUMER_GAP);
            let col = shortest(&columns);
            let (x, y) = columns[col];
            groups.push((
                name.to_string(),
                Rect {
                    x,
                    y,
                    w: RIGHT_W,
                    h,
                },
            ));
            for (i, id) in members.into_iter().enumerate() {
                let cy = y + GROUP_HEAD + i as f64 * (CONSUMER_H + CONSUMER_GAP);
                boxes.insert(
                    id,
                    Rect {
                        x: x + 6.0,
                        y: cy,
                        w: RIGHT_W - 12.0,
                        h: CONSUMER_H,
                    },
                );
                anchors.insert(id, (x + 6.0, cy + CONSUMER_H / 2.0));
            }
            columns[col].1 = y + h + BLOCK_GAP;
        }
        let mut stores = Vec::new();
        for store in &frame.stores {
            let col = shortest(&columns);
            let (x, y) = columns[col];
            let placed = StoreLayout::of(store, x, y);
            columns[col].1 = placed.rect.y + placed.rect.h + BLOCK_GAP;
            stores.push(placed);
        }

        let bottom = bottom_of(&boxes)
            .max(groups.iter().map(|(_, r)| r.y + r.h).fold(0.0, f64::max))
            .max(
                stores
                    .iter()
                    .map(|s| s.rect.y + s.rect.h)
                    .fold(0.0, f64::max),
            );
        StageLayout {
            width,
            height: bottom + 12.0,
            boxes,
            anchors,
            slots,
            cell_w,
            max_cells,
            slot_h,
            groups,
            stores,
            clients: clients.into_iter().collect(),
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

    /// Producers and readers (RabbitMQ: publishers).
    pub fn is_client(&self, id: u32) -> bool {
        self.clients.contains(&id)
    }

    /// Top of a partition's row inside a broker card whose top is `card_y`.
    pub fn slot_y(&self, card_y: f64, slot: usize) -> f64 {
        card_y + CARD_HEADER + slot as f64 * self.slot_h
    }

    /// Which of a queue replica's messages fit on its row, head first: how many unacked
    /// (delivered, drawn first) and ready ones are drawn, and how many more are not (a "+N"
    /// takes the last place).
    pub fn queue_cells(&self, unacked: usize, ready: usize) -> (usize, usize, usize) {
        let room = self.max_cells;
        if unacked + ready <= room {
            return (unacked, ready, 0);
        }
        let room = room - 1;
        let shown_unacked = unacked.min(room);
        let shown_ready = ready.min(room - shown_unacked);
        (
            shown_unacked,
            shown_ready,
            unacked + ready - shown_unacked - shown_ready,
        )
    }

    /// The boxes that must not overlap: nodes, group frames (their cards are inside) and
    /// stores. For the tests, and anyone checking the picture.
    pub fn regions(&self) -> Vec<Rect> {
        let inside_a_group = |r: &Rect| self.groups.iter().any(|(_, g)| g.contains(r));
        self.boxes
            .values()
            .filter(|r| !inside_a_group(r))
            .chain(self.groups.iter().map(|(_, r)| r))
            .chain(self.stores.iter().map(|s| &s.rect))
            .copied()
            .collect()
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

/// At most `max` characters of `text`, the last one an ellipsis when it was cut.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars()
            .take(max.saturating_sub(1))
            .chain(std::iter::once('…'))
            .collect()
    }
}

/// As much of `text` as is drawn within `room` px at `size` (bold or not), the last character
/// an ellipsis when it was cut.
pub fn fit_width(text: &str, room: f64, size: f64, bold: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    (0..=chars.len())
        .rev()
        .map(|n| fit(text, n.max(1)))
        .find(|cut| text_width(cut, size, false, bold) <= room)
        .unwrap_or_else(|| "…".to_string())
}

/// A generous estimate of how wide `text` is drawn at `size` px: monospace or proportional
/// (wide fonts such as DejaVu Sans assumed), bold or not. Wide characters (CJK, symbols)
/// take a whole em.
pub fn text_width(text: &str, size: f64, mono: bool, bold: bool) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            _ if !c.is_ascii() => 1.0,
            _ if mono => 0.61,
            ' ' => 0.33,
            'i' | 'l' | 'j' | 't' | 'f' | 'r' | 'I' | '.' | ',' | ':' | ';' | '!' | '|' => 0.4,
            _ if c.is_ascii_uppercase() => 0.72,
            _ => 0.62,
        })
        .sum();
    ems * size * if bold && !mono { 1.08 } else { 1.0 }
}

/// The first pair of (left, right) texts on one line that fit `room` px with a gap between
/// them, widths from `measure`; the last pair when none does.
pub fn first_fitting<'a>(
    pairs: &[(&'a str, &'a str)],
    room: f64,
    measure: impl Fn(&str, &str) -> f64,
) -> (&'a str, &'a str) {
    pairs
        .iter()
        .copied()
        .find(|(left, right)| measure(left, right) <= room)
        .or_else(|| pairs.last().copied())
        .unwrap_or(("", ""))
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

    use mqlab_scenario::frame::{
        ConsumerActivity, ConsumerView, GroupState, GroupView, LedgerSummary, NodeStatus, NodeView,
        PartitionView, QueueAvailability, QueueReplicaView, QueueType, QueueView, ReplicaRole,
        RowView,
    };

    fn node(id: u32, kind: NodeKind) -> NodeView {
        NodeView {
            id,
            kind,
            name: format!("node-{id}"),
            status: NodeStatus::Up,
            isolated: false,
            fenced: false,
            paused: false,
            detail: String::new(),
        }
    }

    fn brokers(n: u32) -> Frame {
        Frame {
            step: 0,
            total_steps: 0,
            time_ms: 0,
            end_time_ms: 0,
            nodes: (1..=n).map(|id| node(id, NodeKind::Broker)).collect(),
            partitions: Vec::new(),
            envelopes: Vec::new(),
            faulty_links: Vec::new(),
            happenings: Vec::new(),
            messages: Vec::new(),
            ledger: LedgerSummary::default(),
            transactions: false,
            consumers: Vec::new(),
            groups: Vec::new(),
            stores: Vec::new(),
            queues: Vec::new(),
            publishers: Vec::new(),
            traffic: Vec::new(),
        }
    }

    fn partition(name: &str) -> PartitionView {
        PartitionView {
            topic: "orders".into(),
            partition: 0,
            name: name.into(),
            leader: Some(1),
            leader_epoch: 0,
            isr: vec![1],
            elr: Vec::new(),
            preferred_leader: 1,
            replicas: Vec::new(),
        }
    }

    fn consumer(id: u32, group: &str) -> ConsumerView {
        ConsumerView {
            id,
            name: format!("c-{id}"),
            group: group.into(),
            activity: ConsumerActivity::Polling,
            generation: Some(1),
            assigned: vec!["orders-0".into()],
            positions: Vec::new(),
            in_hand: Vec::new(),
            commit: Default::default(),
            store: "orders-table".into(),
        }
    }

    fn store(kind: StoreKind, rows: usize, seen: usize) -> StoreView {
        StoreView {
            name: "orders-table".into(),
            kind,
            rows: (0..rows)
                .map(|i| RowView {
                    key: format!("order-{i}"),
                    message: i as u32,
                    writes: 1,
                    duplicate: false,
                    by: "c-300".into(),
                })
                .collect(),
            seen: (0..seen).map(|i| format!("order-{i}")).collect(),
            absorbed: 0,
            expected: rows as u32,
            distinct: rows as u32,
        }
    }

    /// The seed's story on a bigger scale: 3 brokers with 3 partitions, a producer, two groups
    /// (four consumers and one), a table and a seen-set.
    fn consumer_frame() -> Frame {
        let mut frame = brokers(3);
        frame.nodes.push(node(0, NodeKind::Controller));
        frame.nodes.push(node(100, NodeKind::Producer));
        frame.partitions = vec![
            partition("orders-0"),
            partition("orders-1"),
            partition("orders-2"),
        ];
        for id in 300..305 {
            frame.nodes.push(node(id, NodeKind::Consumer));
        }
        frame.consumers = (300..304).map(|id| consumer(id, "billing")).collect();
        frame.consumers.push(consumer(304, "audit"));
        frame.groups = ["audit", "billing"]
            .map(|name| GroupView {
                name: name.into(),
                coordinator: Some(1),
                generation: 1,
                state: GroupState::Stable,
                committed: Vec::new(),
            })
            .to_vec();
        frame.stores = vec![
            store(StoreKind::PlainInsert, 10, 0),
            store(StoreKind::SeenSet, 7, 7),
        ];
        frame
    }

    #[test]
    fn consumers_sit_on_the_right_in_their_groups_frames() {
        let frame = consumer_frame();
        let layout = StageLayout::of(&frame);
        // Groups in the order their consumers come, each holding its members.
        let names: Vec<&str> = layout.groups.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["billing", "audit"]);
        for c in &frame.consumers {
            let card = layout.boxes[&c.id];
            let (_, group) = layout.groups.iter().find(|(n, _)| *n == c.group).unwrap();
            assert!(group.contains(&card), "{} inside its group", c.id);
            assert!(card.x >= RIGHT_X);
            // Envelopes reach a consumer at its card's left edge.
            assert_eq!(layout.anchors[&c.id], (card.x, card.y + card.h / 2.0));
        }
        // Broker cards make room for the column; every card stays wide enough for a log.
        for id in 1..=3 {
            let card = layout.boxes[&id];
            assert!(
                card.x + card.w <= RIGHT_X - 10.0,
                "broker {id} clear of the column"
            );
            assert!(card.w > 160.0);
        }
        assert!(
            layout.max_cells >= 6,
            "six records fit: {}",
            layout.max_cells
        );
        // Partition rows have a lane for the position and committed markers.
        assert_eq!(layout.slot_h, SLOT_H + MARKER_LANE);
        // The stores come under the groups, one after the other.
        let last_group = layout
            .groups
            .iter()
            .map(|(_, r)| r.y + r.h)
            .fold(0.0, f64::max);
        assert!(layout.stores[0].rect.y > last_group);
        assert!(layout.stores[1].rect.y > layout.stores[0].rect.y + layout.stores[0].rect.h);
        // Nothing overlaps, and everything is inside the stage.
        let regions = layout.regions();
        for (i, a) in regions.iter().enumerate() {
            assert!(a.x >= 0.0 && a.x + a.w <= layout.width && a.y + a.h <= layout.height);
            for b in &regions[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
    }

    fn queue(name: &str, nodes: &[u32]) -> QueueView {
        QueueView {
            name: name.into(),
            kind: QueueType::Classic,
            durable: true,
            mirroring: None,
            leader: nodes.first().copied(),
            availability: QueueAvailability::Available,
            replicas: nodes
                .iter()
                .map(|&node| QueueReplicaView {
                    node,
                    role: ReplicaRole::Mirror,
                    synced: true,
                    ready: Vec::new(),
                    unacked: Vec::new(),
                    on_disk: 0,
                })
                .collect(),
            consumers: Vec::new(),
        }
    }

    /// A RabbitMQ cluster: three nodes with two queues, two publishers, a consumer on each
    /// queue and a table.
    fn rabbit_frame() -> Frame {
        let mut frame = brokers(3);
        frame.nodes.push(node(100, NodeKind::Producer));
        frame.nodes.push(node(101, NodeKind::Producer));
        frame.nodes.push(node(300, NodeKind::Consumer));
        frame.nodes.push(node(301, NodeKind::Consumer));
        frame.queues = vec![queue("orders", &[1, 2, 3]), queue("payments", &[2])];
        frame.consumers = vec![consumer(300, "orders"), consumer(301, "payments")];
        frame.stores = vec![store(StoreKind::PlainInsert, 10, 0)];
        frame
    }

    fn assert_apart(layout: &StageLayout) {
        let regions = layout.regions();
        for (i, a) in regions.iter().enumerate() {
            assert!(a.x >= 0.0 && a.x + a.w <= layout.width && a.y + a.h <= layout.height);
            for b in &regions[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn rabbitmq_nodes_get_a_row_per_queue_publishers_and_consumers_their_columns() {
        let frame = rabbit_frame();
        let layout = StageLayout::of(&frame);
        assert_eq!(layout.slots["orders"], 0);
        assert_eq!(layout.slots["payments"], 1);
        assert_eq!(layout.slot_h, QUEUE_SLOT_H);
        for id in 1..=3 {
            let card = layout.boxes[&id];
            // Both queue rows fit in the card, under its header.
            assert!(layout.slot_y(card.y, 1) + QUEUE_SLOT_H <= card.y + card.h);
            assert!(card.x + card.w <= RIGHT_X - 10.0);
        }
        for id in [100, 101] {
            let r = layout.boxes[&id];
            assert!(layout.is_client(id));
            assert_eq!(r.h, PUBLISHER_H);
        }
        // A frame per queue on the right, holding its consumer.
        let names: Vec<&str> = layout.groups.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["orders", "payments"]);
        assert!(layout.groups[0].1.contains(&layout.boxes[&300]));
        assert!(layout.groups[1].1.contains(&layout.boxes[&301]));
        assert_apart(&layout);
    }

    #[test]
    fn a_queue_row_shows_unacked_first_then_ready_then_how_many_more() {
        let layout = StageLayout::of(&rabbit_frame());
        let room = layout.max_cells;
        assert!(room >= 6, "six messages fit: {room}");
        assert_eq!(layout.queue_cells(2, 3), (2, 3, 0));
        assert_eq!(layout.queue_cells(0, room), (0, room, 0));
        // One too many: the last place says "+2".
        assert_eq!(layout.queue_cells(0, room + 1), (0, room - 1, 2));
        assert_eq!(
            layout.queue_cells(3, 100),
            (3, room - 4, 100 + 3 - (room - 1))
        );
        assert_eq!(layout.queue_cells(room + 5, 0), (room - 1, 0, 6));
    }

    /// The widths a stage is laid out for: a phone's (and narrower: clamped), a laptop's
    /// sandbox and lesson, a compare side, the widest.
    const WIDTHS: [f64; 9] = [
        200.0, MIN_WIDTH, 480.0, 560.0, 640.0, 740.0, 780.0, 860.0, WIDTH,
    ];

    #[test]
    fn every_example_is_laid_out_without_overlaps_at_every_width() {
        use mqlab_scenario::{examples, Command, Player};
        for example in examples() {
            let mut player = Player::load(example.doc).expect("an example loads");
            let total = player.total_steps();
            for i in 0..=10 {
                player.apply(Command::Seek(total * i / 10)).unwrap();
                let frame = player.frame();
                for width in WIDTHS {
                    let layout = StageLayout::fitting(&frame, width);
                    assert_eq!(layout.width, width.max(MIN_WIDTH));
                    assert_apart(&layout);
                    for (id, r) in &layout.boxes {
                        assert!(
                            r.w >= 100.0,
                            "{}: node {id} {r:?} too narrow at {width}",
                            example.id
                        );
                    }
                    assert!(layout.max_cells >= 3);
                    for n in &frame.nodes {
                        assert!(layout.boxes.contains_key(&n.id));
                    }
                }
            }
        }
    }

    #[test]
    fn narrower_stages_move_the_columns_under_the_brokers() {
        let frame = consumer_frame();
        let wide = StageLayout::fitting(&frame, WIDTH);
        let laptop = StageLayout::fitting(&frame, 740.0);
        let phone = StageLayout::fitting(&frame, MIN_WIDTH);
        let lowest_broker = |l: &StageLayout| {
            (1..=3)
                .map(|id| l.boxes[&id].y + l.boxes[&id].h)
                .fold(0.0, f64::max)
        };
        // Wide: groups beside the brokers; laptop: under them, clients still on the left;
        // phone: clients on a row above, one broker a row.
        assert!(wide.groups.iter().all(|(_, g)| g.x >= RIGHT_X));
        assert!(laptop
            .groups
            .iter()
            .all(|(_, g)| g.y > lowest_broker(&laptop)));
        assert!(laptop.boxes[&1].x > LEFT_W);
        let phone_brokers: Vec<Rect> = (1..=3).map(|id| phone.boxes[&id]).collect();
        assert!(
            phone_brokers.windows(2).all(|w| w[1].y > w[0].y),
            "one broker a row"
        );
        assert!(phone.height > laptop.height && laptop.height > wide.height);
    }

    #[test]
    fn every_rabbitmq_example_is_laid_out_without_overlaps() {
        use mqlab_scenario::{examples, Command, Player};
        for example in examples()
            .into_iter()
            .filter(|e| e.id.starts_with("rabbitmq"))
        {
            let mut player = Player::load(example.doc).expect("an example loads");
            let total = player.total_steps();
            for i in 0..=10 {
                player.apply(Command::Seek(total * i / 10)).unwrap();
                let frame = player.frame();
                let layout = StageLayout::of(&frame);
                assert_apart(&layout);
                for n in &frame.nodes {
                    assert!(
                        layout.boxes.contains_key(&n.id),
                        "{}: {} placed",
                        example.id,
                        n.name
                    );
                }
                assert_eq!(layout.slots.len(), frame.queues.len());
            }
        }
    }

    #[test]
    fn store_rows_wrap_in_a_grid_and_the_oldest_give_way() {
        let few = StoreLayout::of(&store(StoreKind::PlainInsert, 7, 0), RIGHT_X, 100.0);
        assert_eq!(few.first_row, 0);
        assert_eq!(few.seen_y, None);
        // Three to a line: the 4th row starts the second line.
        assert_eq!(few.row_chip(3).x, few.row_chip(0).x);
        assert!(few.row_chip(3).y > few.row_chip(0).y + CHIP_H);
        assert!(!few.row_chip(0).overlaps(&few.row_chip(1)));
        assert!(few.rect.contains(&few.row_chip(6)));

        let many = StoreLayout::of(&store(StoreKind::SeenSet, 50, 50), RIGHT_X, 100.0);
        assert_eq!(many.first_row, 50 - MAX_ROWS_SHOWN);
        assert_eq!(many.first_seen, 50 - MAX_SEEN_SHOWN);
        let last_row = many.row_chip(MAX_ROWS_SHOWN - 1);
        let seen_y = many.seen_y.expect("a seen-set draws its ids");
        assert!(seen_y >= last_row.y + last_row.h);
        let first_id = many.seen_chip(0);
        assert!(first_id.y >= seen_y + SEEN_HEAD);
        assert!(many.rect.contains(&many.seen_chip(MAX_SEEN_SHOWN - 1)));
        assert!(many.rect.contains(&last_row));
        // The cap keeps a store's height bounded whatever the trace.
        let more = StoreLayout::of(&store(StoreKind::SeenSet, 500, 500), RIGHT_X, 100.0);
        assert_eq!(more.rect.h, many.rect.h);
    }

    #[test]
    fn without_consumers_the_brokers_keep_the_width() {
        let layout = StageLayout::of(&brokers(3));
        assert_eq!(layout.slot_h, SLOT_H);
        assert!(layout.groups.is_empty() && layout.stores.is_empty());
        let right = layout.boxes.values().map(|r| r.x + r.w).fold(0.0, f64::max);
        assert!((right - (WIDTH - MARGIN)).abs() < 1e-9);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("billing-app", 20), "billing-app");
        assert_eq!(fit("billing-application", 8), "billing…");
        assert_eq!(fit("订单表订单表", 4), "订单表…");
    }

    #[test]
    fn fit_width_leaves_room_for_what_stands_beside_the_text() {
        assert_eq!(fit_width("shop", 100.0, 14.0, true), "shop");
        let cut = fit_width("invoices-committed", 80.0, 14.0, true);
        assert!(
            cut.ends_with('…') && text_width(&cut, 14.0, false, true) <= 80.0,
            "{cut}"
        );
        assert_eq!(fit_width("invoices", 1.0, 14.0, true), "…");
    }

    #[test]
    fn text_width_counts_wide_characters_as_an_em() {
        assert!((text_width("ISR {1}", 10.0, true, false) - 42.7).abs() < 1e-9);
        assert!((text_width("在 ISR 中", 10.0, false, false) - 45.0).abs() < 1e-9);
        assert!(text_width("✕ out", 11.0, false, true) > text_width("✕ out", 11.0, false, false));
    }

    #[test]
    fn first_fitting_takes_the_longest_pair_that_fits() {
        let pairs = [("long left", "long right"), ("left", "right"), ("l", "r")];
        let measure = |l: &str, r: &str| (l.len() + r.len()) as f64;
        assert_eq!(
            first_fitting(&pairs, 30.0, measure),
            ("long left", "long right")
        );
        assert_eq!(first_fitting(&pairs, 10.0, measure), ("left", "right"));
        assert_eq!(first_fitting(&pairs, 1.0, measure), ("l", "r"));
        assert_eq!(first_fitting(&[], 1.0, measure), ("", ""));
    }

    #[test]
    fn many_brokers_take_two_rows() {
        let frame = brokers;
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

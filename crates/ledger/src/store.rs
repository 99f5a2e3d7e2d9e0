//! Downstream stores: where a consumer's processing lands. The five kinds are the seed's
//! idempotency strategies (and the plain table that has none), so a redelivered message shows
//! what each one does with a duplicate.

use crate::MessageId;
use mqlab_engine::{Millis, NodeId, VecSet};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// `INSERT INTO orders …`: a redelivered message becomes a second row.
    PlainInsert,
    /// A table with a unique key on the message key: the second INSERT fails and is logged.
    UniqueKey,
    /// `SELECT` by primary key first, then `UPDATE` if the row is there, else `INSERT`.
    LookupUpdate,
    /// Redis `SET key value`: writing the same key again changes nothing.
    RedisSet,
    /// A global message id checked in a Redis set before processing; seen ids are skipped.
    SeenSet,
}

impl StoreKind {
    pub const ALL: [StoreKind; 5] = [
        StoreKind::PlainInsert,
        StoreKind::UniqueKey,
        StoreKind::LookupUpdate,
        StoreKind::RedisSet,
        StoreKind::SeenSet,
    ];

    /// The name scenario files use.
    pub fn key(self) -> &'static str {
        match self {
            StoreKind::PlainInsert => "plain_insert",
            StoreKind::UniqueKey => "unique_key",
            StoreKind::LookupUpdate => "lookup_update",
            StoreKind::RedisSet => "redis_set",
            StoreKind::SeenSet => "seen_set",
        }
    }

    pub fn from_key(key: &str) -> Option<StoreKind> {
        StoreKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// What one write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteEffect {
    /// A new row or key.
    Inserted,
    /// A plain INSERT of a key already present: a second row, the duplicate the seed warns of.
    DuplicateRow,
    /// The unique key refused the second INSERT.
    Rejected,
    /// The lookup found the row and updated it in place.
    Updated,
    /// SET of a key that was already set: same value, nothing changes.
    Overwritten,
    /// The message id was in the seen-set: processing skipped.
    Skipped,
}

impl WriteEffect {
    /// The write added a row: counted against "one row per message".
    pub fn adds_row(self) -> bool {
        matches!(self, WriteEffect::Inserted | WriteEffect::DuplicateRow)
    }

    /// A repeat that the store's strategy absorbed.
    pub fn absorbed_duplicate(self) -> bool {
        matches!(
            self,
            WriteEffect::Rejected
                | WriteEffect::Updated
                | WriteEffect::Overwritten
                | WriteEffect::Skipped
        )
    }
}

/// A table row or a Redis key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The business key: the message label, e.g. "order-17".
    pub key: String,
    pub message: MessageId,
    /// Who wrote it first, and when.
    pub by: NodeId,
    pub at: Millis,
    /// How many writes landed on this row (updates and overwrites after the insert).
    pub writes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Store {
    pub name: String,
    pub kind: StoreKind,
    pub rows: Vec<Row>,
    /// The seen-set of message ids (SeenSet only).
    pub seen: VecSet<MessageId>,
    /// Duplicates the strategy stopped: rejected inserts, updates, overwrites, skips.
    pub absorbed: u32,
}

impl Store {
    pub fn new(name: String, kind: StoreKind) -> Self {
        Self {
            name,
            kind,
            rows: Vec::new(),
            seen: VecSet::new(),
            absorbed: 0,
        }
    }

    /// Process one message into the store, the way its strategy does it.
    pub fn write(&mut self, message: MessageId, key: &str, by: NodeId, at: Millis) -> WriteEffect {
        let existing = self.rows.iter().position(|r| r.key == key);
        let effect = match (self.kind, existing) {
            (StoreKind::PlainInsert, None) => WriteEffect::Inserted,
            (StoreKind::PlainInsert, Some(_)) => WriteEffect::DuplicateRow,
            (StoreKind::UniqueKey, Some(_)) => WriteEffect::Rejected,
            (StoreKind::LookupUpdate, Some(_)) => WriteEffect::Updated,
            (StoreKind::RedisSet, Some(_)) => WriteEffect::Overwritten,
            (StoreKind::SeenSet, _) if self.seen.contains(&message) => WriteEffect::Skipped,
            // The id is new: process (a plain insert) and remember the id.
            (StoreKind::SeenSet, _) => {
                self.seen.insert(message);
                if existing.is_some() {
                    WriteEffect::DuplicateRow
                } else {
                    WriteEffect::Inserted
                }
            }
            (_, None) => WriteEffect::Inserted,
        };
        if effect.adds_row() {
            self.rows.push(Row {
                key: key.to_string(),
                message,
                by,
                at,
                writes: 1,
            });
        } else if let Some(i) = existing {
            if matches!(effect, WriteEffect::Updated | WriteEffect::Overwritten) {
                self.rows[i].writes += 1;
            }
        }
        if effect.absorbed_duplicate() {
            self.absorbed += 1;
        }
        effect
    }

    /// Rows holding this message (more than one: a duplicate in the store).
    pub fn rows_for(&self, message: MessageId) -> usize {
        self.rows.iter().filter(|r| r.message == message).count()
    }

    /// Distinct keys in the store.
    pub fn distinct_keys(&self) -> usize {
        VecSet::from_iter(self.rows.iter().map(|r| r.key.as_str())).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same message written twice, as a redelivery does.
    fn twice(kind: StoreKind) -> (Store, [WriteEffect; 2]) {
        let mut store = Store::new("orders".into(), kind);
        let m = MessageId(7);
        let first = store.write(m, "order-7", NodeId(300), 1);
        let second = store.write(m, "order-7", NodeId(301), 2);
        (store, [first, second])
    }

    #[test]
    fn only_the_plain_insert_keeps_a_duplicate() {
        let expected = [
            (StoreKind::PlainInsert, WriteEffect::DuplicateRow, 2, 0),
            (StoreKind::UniqueKey, WriteEffect::Rejected, 1, 1),
            (StoreKind::LookupUpdate, WriteEffect::Updated, 1, 1),
            (StoreKind::RedisSet, WriteEffect::Overwritten, 1, 1),
            (StoreKind::SeenSet, WriteEffect::Skipped, 1, 1),
        ];
        for (kind, effect, rows, absorbed) in expected {
            let (store, effects) = twice(kind);
            assert_eq!(effects, [WriteEffect::Inserted, effect], "{kind:?}");
            assert_eq!(store.rows.len(), rows, "{kind:?}");
            assert_eq!(store.rows_for(MessageId(7)), rows, "{kind:?}");
            assert_eq!(store.absorbed, absorbed, "{kind:?}");
            assert_eq!(store.distinct_keys(), 1);
        }
    }

    #[test]
    fn store_kinds_round_trip_their_names() {
        for kind in StoreKind::ALL {
            assert_eq!(StoreKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(StoreKind::from_key("mongo"), None);
    }
}

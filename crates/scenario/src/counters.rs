//! The ledger's counters, in one table: the name a lesson file uses, the id in the page's
//! test ids, the label in English and Chinese (RabbitMQ's own word where it has one), and
//! how to read it from the ledger's summary. Lessons, goals, the comparison, the web panels
//! and the command line all read counters from here.

use crate::frame::LedgerSummary;
use crate::i18n::{pick, Lang};

/// Where a counter that not every scenario has is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShownIn {
    /// RabbitMQ scenarios: only its queues remove what they deliver.
    RabbitMq,
    /// Kafka scenarios with a transactional producer.
    Transactions,
}

/// Which side of the ledger a counter belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// What became of the messages on the broker.
    Broker,
    /// What consumers and their stores did with them.
    Consumer,
}

/// One counter of the ledger.
#[derive(Clone, Copy, Debug)]
pub struct LedgerCounter {
    /// The name lesson files use: `{"ledger": "store_duplicates"}`.
    pub key: &'static str,
    /// The same name in test ids: `ledger-store-duplicates`, `compare-store-duplicates-left`.
    pub slug: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    /// RabbitMQ's word, where it differs ("confirmed" for acknowledged).
    pub rabbit: Option<(&'static str, &'static str)>,
    pub side: Side,
    /// A count above zero breaks 不能多，不能少 (or the order): shown as a warning.
    pub alarm: bool,
    /// Shown only in some scenarios (`consumed`, `aborted`); `None`: in all.
    pub only: Option<ShownIn>,
    pub get: fn(&LedgerSummary) -> u32,
}

impl LedgerCounter {
    /// Its value in a ledger summary.
    pub fn of(&self, l: &LedgerSummary) -> u32 {
        (self.get)(l)
    }

    /// Whether a scenario shows it (`rabbit`: a RabbitMQ one; `transactions`: it has a
    /// transactional producer).
    pub fn shown_in(&self, rabbit: bool, transactions: bool) -> bool {
        match self.only {
            None => true,
            Some(ShownIn::RabbitMq) => rabbit,
            Some(ShownIn::Transactions) => transactions,
        }
    }

    /// Its label in `lang`; RabbitMQ's word in a RabbitMQ scenario.
    pub fn label(&self, lang: Lang, rabbit: bool) -> &'static str {
        match self.rabbit {
            Some((en, zh)) if rabbit => pick(lang, en, zh),
            _ => pick(lang, self.en, self.zh),
        }
    }
}

const fn counter(
    key: &'static str,
    slug: &'static str,
    (en, zh): (&'static str, &'static str),
    side: Side,
    alarm: bool,
    get: fn(&LedgerSummary) -> u32,
) -> LedgerCounter {
    LedgerCounter {
        key,
        slug,
        en,
        zh,
        rabbit: None,
        side,
        alarm,
        only: None,
        get,
    }
}

use Side::{Broker, Consumer};

pub const PRODUCED: LedgerCounter = counter(
    "produced",
    "produced",
    ("produced", "已发送"),
    Broker,
    false,
    |l| l.produced,
);
pub const ACKNOWLEDGED: LedgerCounter = LedgerCounter {
    rabbit: Some(("confirmed", "已确认 (confirm)")),
    ..counter(
        "acknowledged",
        "acknowledged",
        ("acknowledged", "已确认"),
        Broker,
        false,
        |l| l.acknowledged,
    )
};
pub const VISIBLE: LedgerCounter = LedgerCounter {
    rabbit: Some(("in a queue", "在队列中")),
    ..counter(
        "visible",
        "visible",
        ("visible", "可读"),
        Broker,
        false,
        |l| l.visible,
    )
};
pub const LOST: LedgerCounter =
    counter("lost", "lost", ("lost", "丢失"), Broker, true, |l| l.lost);
pub const UNAVAILABLE: LedgerCounter = counter(
    "unavailable",
    "unavailable",
    ("unavailable", "不可用"),
    Broker,
    true,
    |l| l.unavailable,
);
pub const FAILED: LedgerCounter = counter(
    "failed",
    "failed",
    ("failed", "失败"),
    Broker,
    true,
    |l| l.failed,
);
pub const DUPLICATED: LedgerCounter = counter(
    "duplicated",
    "duplicated",
    ("duplicated", "重复"),
    Broker,
    true,
    |l| l.duplicated,
);
pub const PENDING: LedgerCounter = counter(
    "pending",
    "pending",
    ("pending", "等待中"),
    Broker,
    false,
    |l| l.pending,
);
pub const OUT_OF_ORDER: LedgerCounter = counter(
    "out_of_order",
    "out-of-order",
    ("out of order", "乱序"),
    Broker,
    true,
    |l| l.out_of_order,
);
pub const ABORTED: LedgerCounter = LedgerCounter {
    only: Some(ShownIn::Transactions),
    ..counter(
        "aborted",
        "aborted",
        ("in aborted transactions", "属于已中止事务"),
        Broker,
        false,
        |l| l.aborted,
    )
};
pub const DELIVERED: LedgerCounter = counter(
    "delivered",
    "delivered",
    ("delivered", "已投递"),
    Consumer,
    false,
    |l| l.delivered,
);
pub const REDELIVERED: LedgerCounter = counter(
    "redelivered",
    "redelivered",
    ("redelivered", "重复投递"),
    Consumer,
    false,
    |l| l.redelivered,
);
pub const CONSUMED: LedgerCounter = LedgerCounter {
    only: Some(ShownIn::RabbitMq),
    ..counter(
        "consumed",
        "consumed",
        ("consumed (acked)", "已消费（已确认）"),
        Consumer,
        false,
        |l| l.consumed,
    )
};
pub const PROCESSED: LedgerCounter = counter(
    "processed",
    "processed",
    ("processed", "已处理"),
    Consumer,
    false,
    |l| l.processed,
);
pub const STORE_DUPLICATES: LedgerCounter = counter(
    "store_duplicates",
    "store-duplicates",
    ("store duplicates", "存储中重复"),
    Consumer,
    true,
    |l| l.store_duplicates,
);
pub const ABSORBED: LedgerCounter = counter(
    "absorbed",
    "absorbed",
    ("repeats stopped", "拦截的重复"),
    Consumer,
    false,
    |l| l.absorbed,
);
pub const SKIPPED: LedgerCounter = counter(
    "skipped",
    "skipped",
    ("skipped (lost)", "被跳过（丢失）"),
    Consumer,
    true,
    |l| l.skipped,
);

/// Every counter, in the order the ledger panel shows them.
pub const ALL: [LedgerCounter; 17] = [
    PRODUCED,
    ACKNOWLEDGED,
    VISIBLE,
    LOST,
    UNAVAILABLE,
    FAILED,
    DUPLICATED,
    PENDING,
    OUT_OF_ORDER,
    ABORTED,
    DELIVERED,
    REDELIVERED,
    CONSUMED,
    PROCESSED,
    STORE_DUPLICATES,
    ABSORBED,
    SKIPPED,
];

/// The counter a lesson names, if there is one.
pub fn by_key(key: &str) -> Option<&'static LedgerCounter> {
    ALL.iter().find(|c| c.key == key)
}

/// The counters of one side, in panel order.
pub fn on_side(side: Side) -> impl Iterator<Item = &'static LedgerCounter> {
    ALL.iter().filter(move |c| c.side == side)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_summary_field_has_one_counter_with_its_own_names() {
        // Each counter reads its own field: set them all apart and read them back.
        let l = LedgerSummary {
            produced: 1,
            acknowledged: 2,
            visible: 3,
            lost: 4,
            unavailable: 5,
            failed: 6,
            duplicated: 7,
            pending: 8,
            out_of_order: 9,
            aborted: 10,
            delivered: 11,
            redelivered: 12,
            consumed: 13,
            processed: 14,
            store_duplicates: 15,
            absorbed: 16,
            skipped: 17,
        };
        let values: Vec<u32> = ALL.iter().map(|c| c.of(&l)).collect();
        assert_eq!(values, (1..=17).collect::<Vec<u32>>());
        for (i, c) in ALL.iter().enumerate() {
            assert_eq!(c.slug, c.key.replace('_', "-"));
            assert!(ALL[..i].iter().all(|o| o.key != c.key && o.zh != c.zh));
            assert_eq!(by_key(c.key).map(|f| f.key), Some(c.key));
        }
    }
}

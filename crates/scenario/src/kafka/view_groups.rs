//! World → Frame for consumer groups and stores: consumers with their positions and the
//! records in hand, groups with their committed offsets, stores with their rows.

use super::describe::Describer;
use crate::frame::{ConsumerActivity, ConsumerView, GroupState, GroupView, OffsetMark, StoreView};
use crate::i18n::Text;
use crate::view::store_views;
use mqlab_engine::VecSet;
use mqlab_kafka::{CommitMode, ConsumerConfig, ConsumerPhase, GroupPhase, Kafka};

/// The commit mode in a few words, for the consumer's card.
pub fn commit_text(config: &ConsumerConfig) -> Text {
    // Integer arithmetic: float formatting would cost the wasm several kilobytes.
    let ms = config.auto_commit_interval_ms;
    let seconds = if ms.is_multiple_of(1000) {
        format!("{}", ms / 1000)
    } else {
        format!("{}.{:03}", ms / 1000, ms % 1000)
            .trim_end_matches('0')
            .to_string()
    };
    if config.transform.is_some() {
        // K23: the offsets go with the output, in the batch's transaction.
        return Text {
            en: "process → commit the transaction (output + offsets)".into(),
            zh: "先处理 → 再提交事务（输出 + offset）".into(),
        };
    }
    let (en, zh) = match config.commit {
        CommitMode::Auto => (
            format!("auto-commit every {seconds}s"),
            format!("每 {seconds} 秒自动提交"),
        ),
        CommitMode::SyncAfterProcess => (
            "process → commitSync".into(),
            "先处理 → 再 commitSync".into(),
        ),
        CommitMode::AsyncAfterProcess => (
            "process → commitAsync".into(),
            "先处理 → 再 commitAsync".into(),
        ),
        CommitMode::SyncBeforeProcess => (
            "commitSync → process".into(),
            "先 commitSync → 再处理".into(),
        ),
    };
    Text { en, zh }
}

pub fn consumers(kafka: &Kafka, d: &Describer<'_>) -> Vec<ConsumerView> {
    kafka
        .consumers()
        .map(|c| ConsumerView {
            id: c.id.0,
            name: d.name(c.id),
            group: c.config.group.clone(),
            activity: match c.phase {
                ConsumerPhase::Down => ConsumerActivity::Down,
                ConsumerPhase::Joining => ConsumerActivity::Joining,
                ConsumerPhase::Polling => ConsumerActivity::Polling,
                ConsumerPhase::Processing => ConsumerActivity::Processing,
                ConsumerPhase::Committing => ConsumerActivity::Committing,
                ConsumerPhase::Failed => ConsumerActivity::Failed,
            },
            generation: c.generation,
            assigned: c.assignment.iter().map(|&tp| kafka.tp_name(tp)).collect(),
            positions: c
                .positions
                .iter()
                .map(|(&tp, &offset)| OffsetMark {
                    partition: kafka.tp_name(tp),
                    offset,
                })
                .collect(),
            in_hand: c
                .unprocessed()
                .map(|m| kafka.ledger().label(m).to_string())
                .collect(),
            commit: commit_text(&c.config),
            store: kafka
                .stores()
                .get(c.config.store)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        })
        .collect()
}

pub fn groups(kafka: &Kafka) -> Vec<GroupView> {
    let names: VecSet<&str> = VecSet::from_iter(kafka.consumers().map(|c| c.config.group.as_str()));
    names
        .into_iter()
        .map(|name| {
            let committed = kafka
                .committed_offsets()
                .iter()
                .filter(|((g, _), _)| g == name)
                .map(|((_, tp), &offset)| OffsetMark {
                    partition: kafka.tp_name(*tp),
                    offset,
                })
                .collect();
            let (coordinator, generation, state) = match kafka.group(name) {
                Some((broker, g)) => (
                    Some(broker.0),
                    g.generation,
                    match g.phase {
                        GroupPhase::Empty => GroupState::Empty,
                        GroupPhase::PreparingRebalance => GroupState::Rebalancing,
                        GroupPhase::Stable => GroupState::Stable,
                    },
                ),
                None => (None, 0, GroupState::Unknown),
            };
            GroupView {
                name: name.to_string(),
                coordinator,
                generation,
                state,
                committed,
            }
        })
        .collect()
}

pub fn stores(kafka: &Kafka, d: &Describer<'_>) -> Vec<StoreView> {
    // One row is expected per acknowledged message of the topics written to a store.
    let expected = |i: usize| {
        let topic_names: VecSet<&str> = VecSet::from_iter(
            kafka
                .consumers()
                .filter(|c| c.config.store == i)
                .flat_map(|c| c.config.topics.iter())
                .map(|&t| kafka.config().topics[t as usize].name.as_str()),
        );
        kafka
            .ledger()
            .records()
            .iter()
            .filter(|r| r.is_acknowledged())
            .filter(|r| {
                r.destination
                    .rsplit_once('-')
                    .is_some_and(|(t, _)| topic_names.contains(&t))
            })
            .count() as u32
    };
    store_views(kafka.stores(), kafka.ledger(), expected, |n| d.name(n))
}

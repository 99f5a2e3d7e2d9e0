//! The ledger tab: 不能多，不能少. Counters first, then every message and its fate.

use crate::i18n::{self, Lang, T};
use mqlab_scenario::frame::{Fate, LedgerSummary, MessageView};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct LedgerProps {
    pub lang: Lang,
    pub summary: LedgerSummary,
    pub messages: Rc<Vec<MessageView>>,
    #[prop_or_default]
    pub selected: Option<u32>,
    /// A message was chosen (or unchosen: `None`).
    #[prop_or_default]
    pub on_select: Callback<Option<u32>>,
}

pub fn fate_text(fate: Fate) -> T {
    match fate {
        Fate::Pending => T::FatePending,
        Fate::Failed => T::FateFailed,
        Fate::Visible => T::FateVisible,
        Fate::Stored => T::FateStored,
        Fate::Unavailable => T::FateUnavailable,
        Fate::Lost => T::FateLost,
        Fate::VisibleUnacked => T::FateVisibleUnacked,
        Fate::Consumed => T::FateConsumed,
    }
}

pub fn fate_attr(fate: Fate) -> &'static str {
    match fate {
        Fate::Pending => "pending",
        Fate::Failed => "failed",
        Fate::Visible => "visible",
        Fate::Stored => "stored",
        Fate::Unavailable => "unavailable",
        Fate::Lost => "lost",
        Fate::VisibleUnacked => "visible_unacked",
        Fate::Consumed => "consumed",
    }
}

#[function_component(Ledger)]
pub fn ledger(props: &LedgerProps) -> Html {
    let lang = props.lang;
    let s = &props.summary;
    let counter = |testid: &'static str, label: T, value: u32, bad: bool| {
        html! {
            <div class={classes!("counter", (bad && value > 0).then_some("bad"))}>
                <span class="count" data-testid={testid}>{ value }</span>
                <span class="counter-label">{ label.get(lang) }</span>
            </div>
        }
    };
    // The partition column only says something when there is more than one.
    let partitions = props.messages.first().map(|first| &first.partition);
    let many = props
        .messages
        .iter()
        .any(|m| Some(&m.partition) != partitions);
    let rows = props.messages.iter().map(|m| {
        let selected = props.selected == Some(m.id);
        let id = m.id;
        let onclick = props.on_select.reform(move |_: MouseEvent| if selected { None } else { Some(id) });
        let ack = match (m.acked, m.acked_offset, &m.last_error) {
            (true, Some(offset), _) => i18n::offset_at(lang, offset),
            (true, None, _) => "✓".to_string(),
            (false, _, Some(err)) => format!("✕ {err}"),
            (false, _, None) => "…".to_string(),
        };
        let replicas: Vec<String> = m.replicas.iter().map(|r| r.to_string()).collect();
        html! {
            <tr key={m.id} class={classes!(selected.then_some("selected"), format!("fate-{}", fate_attr(m.fate)))}
                data-testid={format!("message-row-{}", m.label)} data-fate={fate_attr(m.fate)}>
                <td>
                    <button type="button" class="linkish" aria-pressed={selected.to_string()}
                        title={T::SelectMessage.get(lang)} {onclick}>{ &m.label }</button>
                </td>
                if many {
                    <td>{ &m.partition }</td>
                }
                <td>{ ack }</td>
                <td>{ if replicas.is_empty() { "—".to_string() } else { replicas.join(",") } }</td>
                <td>{ m.reads }</td>
                <td class="fate">
                    { fate_text(m.fate).get(lang) }
                    if m.out_of_order {
                        <span class="out-of-order" data-testid="out-of-order">{ format!(" ↯ {}", T::OutOfOrder.get(lang)) }</span>
                    }
                </td>
            </tr>
        }
    });

    html! {
        <div class="ledger">
            <p class="motto">{ T::LedgerMotto.get(lang) }</p>
            <div class="counters" data-testid="ledger-summary">
                { counter("ledger-produced", T::Produced, s.produced, false) }
                { counter("ledger-acknowledged", T::Acknowledged, s.acknowledged, false) }
                { counter("ledger-visible", T::Visible, s.visible, false) }
                { counter("ledger-lost", T::Lost, s.lost, true) }
                { counter("ledger-unavailable", T::Unavailable, s.unavailable, true) }
                { counter("ledger-failed", T::Failed, s.failed, true) }
                { counter("ledger-duplicated", T::Duplicated, s.duplicated, true) }
                { counter("ledger-pending", T::Pending, s.pending, false) }
                { counter("ledger-out-of-order", T::OutOfOrder, s.out_of_order, true) }
            </div>
            if props.messages.is_empty() {
                <p class="empty">{ T::NoMessages.get(lang) }</p>
            } else {
                <div class="table-wrap">
                    <table class="messages">
                        <thead>
                            <tr>
                                <th scope="col">{ T::Message.get(lang) }</th>
                                if many {
                                    <th scope="col">{ T::Partition.get(lang) }</th>
                                }
                                <th scope="col">{ T::Ack.get(lang) }</th>
                                <th scope="col">{ T::Replicas.get(lang) }</th>
                                <th scope="col">{ T::Reads.get(lang) }</th>
                                <th scope="col">{ T::Fate.get(lang) }</th>
                            </tr>
                        </thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            }
        </div>
    }
}

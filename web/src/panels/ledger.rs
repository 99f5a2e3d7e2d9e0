//! The ledger tab: 不能多，不能少. Counters first, then every message and its fate.

use crate::i18n::{self, Lang, T};
use crate::panels::event_log::LogEntry;
use mqlab_scenario::counters::{self, Side};
use mqlab_scenario::frame::{Consumption, Fate, LedgerSummary, MessageView, StoreView};
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
    /// The scenario has consumers: their counters and columns are shown.
    #[prop_or_default]
    pub consumers: bool,
    #[prop_or_default]
    pub stores: Rc<Vec<StoreView>>,
    /// The selected message's life, and the step the player is at (later steps are greyed).
    #[prop_or_default]
    pub life: Rc<Vec<LogEntry>>,
    #[prop_or_default]
    pub step: u64,
    /// A step of the life was chosen: go there.
    #[prop_or_default]
    pub on_seek: Callback<u64>,
    /// RabbitMQ's words: confirmed, in a queue, acked by a consumer.
    #[prop_or_default]
    pub rabbit: bool,
    /// A producer writes transactions: the aborted counter is shown.
    #[prop_or_default]
    pub transactions: bool,
}

pub fn consumption_text(c: Consumption) -> T {
    match c {
        Consumption::NotDelivered => T::ConsNotDelivered,
        Consumption::Delivered => T::ConsDelivered,
        Consumption::Processed => T::ConsProcessed,
        Consumption::Duplicated => T::ConsDuplicated,
        Consumption::Deduplicated => T::ConsDeduplicated,
        Consumption::Skipped => T::ConsSkipped,
    }
}

pub fn consumption_attr(c: Consumption) -> &'static str {
    match c {
        Consumption::NotDelivered => "not_delivered",
        Consumption::Delivered => "delivered",
        Consumption::Processed => "processed",
        Consumption::Duplicated => "duplicated",
        Consumption::Deduplicated => "deduplicated",
        Consumption::Skipped => "skipped",
    }
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
        Fate::Aborted => T::FateAborted,
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
        Fate::Aborted => "aborted",
    }
}

#[function_component(Ledger)]
pub fn ledger(props: &LedgerProps) -> Html {
    let lang = props.lang;
    let s = &props.summary;
    // Each counter of the table on its side, with RabbitMQ's words in a RabbitMQ scenario.
    let counters = |side: Side| {
        counters::on_side(side)
            .filter(|c| c.shown_in(props.rabbit, props.transactions))
            .map(|c| {
                let value = c.of(s);
                html! {
                    <div class={classes!("counter", (c.alarm && value > 0).then_some("bad"))}>
                        <span class="count" data-testid={format!("ledger-{}", c.slug)}>{ value }</span>
                        <span class="counter-label">{ c.label(lang, props.rabbit) }</span>
                    </div>
                }
            })
            .collect::<Html>()
    };
    // The partition column only says something when there is more than one.
    let partitions = props.messages.first().map(|first| &first.partition);
    let many = props
        .messages
        .iter()
        .any(|m| Some(&m.partition) != partitions);
    let consumers = props.consumers;
    // Message, acked, replicas and reads (or deliveries and processing), fate.
    let columns = 5;
    let rows = props.messages.iter().map(|m| {
        let selected = props.selected == Some(m.id);
        let id = m.id;
        let onclick = props.on_select.reform(move |_: MouseEvent| if selected { None } else { Some(id) });
        let ack = match (m.acked, m.acked_offset, &m.last_error) {
            (true, Some(offset), _) => html! { i18n::offset_at(lang, offset) },
            // Kafka with acks=0: the client is told offset -1 (no broker answer comes).
            (true, None, _) if !props.rabbit => html! { i18n::offset_at_unknown() },
            (true, None, _) => html! { "✓" },
            (false, _, Some(err)) => html! {
                <span class="error" title={err.clone()}>{ "✕ " }{ breakable(err) }</span>
            },
            (false, _, None) => html! { "…" },
        };
        let replicas: Vec<String> = m.replicas.iter().map(|r| r.to_string()).collect();
        let consumption = consumption_attr(m.consumption);
        let life = selected.then(|| life(m, props, columns));
        html! {
            <tbody key={m.id}>
            <tr class={classes!(selected.then_some("selected"), format!("fate-{}", fate_attr(m.fate)),
                    consumers.then(|| format!("cons-{consumption}")))}
                data-testid={format!("message-row-{}", m.label)} data-fate={fate_attr(m.fate)}
                data-consumption={consumers.then_some(consumption)}>
                <td>
                    <button type="button" class="linkish" aria-pressed={selected.to_string()}
                        title={T::SelectMessage.get(lang)} {onclick}>{ &m.label }</button>
                    if many {
                        <span class="partition">{ &m.partition }</span>
                    }
                </td>
                <td class="ack">{ ack }</td>
                if !consumers {
                    <td>{ if replicas.is_empty() { "—".to_string() } else { replicas.join(",") } }</td>
                }
                if consumers {
                    <td data-testid="deliveries">{ m.delivered_to.len() }</td>
                    <td data-testid="processed-rows">{ format!("{} / {}", m.processed, m.store_rows) }</td>
                } else {
                    <td>{ m.reads }</td>
                }
                <td class="fate">
                    { if props.rabbit && m.fate == Fate::Visible { T::FateInQueue } else { fate_text(m.fate) }.get(lang) }
                    if m.out_of_order {
                        <span class="out-of-order" data-testid="out-of-order">{ format!(" ↯ {}", counters::OUT_OF_ORDER.label(lang, false)) }</span>
                    }
                    if consumers {
                        <span class="consumption">{ consumption_text(m.consumption).get(lang) }</span>
                    }
                </td>
            </tr>
            { for life }
            </tbody>
        }
    });
    let expected = props.stores.iter().map(|store| {
        let actual = store.rows.len();
        let class = match actual.cmp(&(store.expected as usize)) {
            std::cmp::Ordering::Greater => "bad",
            std::cmp::Ordering::Less => "short",
            std::cmp::Ordering::Equal => "exact",
        };
        html! {
            <li class={classes!("expected", class)} data-testid={format!("ledger-expected-{}", store.name)}>
                { i18n::expected_vs_actual(lang, &store.name, store.expected, actual) }
            </li>
        }
    });

    html! {
        <div class="ledger">
            <p class="motto">{ T::LedgerMotto.get(lang) }</p>
            <div class="counters" data-testid="ledger-summary">
                { counters(Side::Broker) }
            </div>
            if consumers {
                <h3 class="ledger-sub">{ T::ConsumerSide.get(lang) }</h3>
                <div class="counters" data-testid="ledger-consumers">
                    { counters(Side::Consumer) }
                </div>
                <ul class="expected-list">{ for expected }</ul>
            }
            if props.messages.is_empty() {
                <p class="empty">{ T::NoMessages.get(lang) }</p>
            } else {
                <div class="table-wrap">
                    <table class="messages">
                        <thead>
                            <tr>
                                <th scope="col">{ T::Message.get(lang) }</th>
                                <th scope="col">{ T::Ack.get(lang) }</th>
                                if !consumers {
                                    <th scope="col">{ T::Replicas.get(lang) }</th>
                                }
                                if consumers {
                                    <th scope="col" title={counters::DELIVERED.label(lang, false)}>{ T::Deliveries.get(lang) }</th>
                                    <th scope="col">{ T::ProcRows.get(lang) }</th>
                                } else {
                                    <th scope="col">{ T::Reads.get(lang) }</th>
                                }
                                <th scope="col">{ T::Fate.get(lang) }</th>
                            </tr>
                        </thead>
                        { for rows }
                    </table>
                </div>
            }
        </div>
    }
}

/// A long name such as "NotEnoughReplicasException", allowed to wrap between its words so
/// the table fits a narrow panel.
fn breakable(name: &str) -> Html {
    let mut parts: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_uppercase() {
            parts.push(&name[start..i]);
            start = i;
        }
    }
    parts.push(&name[start..]);
    let n = parts.len();
    html! {
        { for parts.into_iter().enumerate().map(|(i, p)| html! {
            <>{ p }if i + 1 < n { <wbr /> }</>
        }) }
    }
}

/// The selected message's whole life, in a row under its own: what the ledger knows of it,
/// then every step of the trace that concerns it (later ones greyed), each a way to go there.
fn life(m: &MessageView, props: &LedgerProps, columns: usize) -> Html {
    let lang = props.lang;
    let mut facts = vec![i18n::life_produced(lang, &m.producer, m.attempts)];
    if !m.replicas.is_empty() {
        let replicas: Vec<String> = m.replicas.iter().map(|r| r.to_string()).collect();
        facts.push(format!("{} {}", T::Replicas.get(lang), replicas.join(",")));
    }
    if props.consumers {
        facts.push(if m.delivered_to.is_empty() {
            T::NotDeliveredYet.get(lang).to_string()
        } else {
            i18n::life_delivered(lang, &m.delivered_to)
        });
        facts.push(i18n::life_processed(lang, m.processed, m.store_rows));
    }
    let steps = props.life.iter().map(|entry| {
        let later = entry.step > props.step;
        let step = entry.step;
        let onclick = props.on_seek.reform(move |_: MouseEvent| step);
        let lines = entry.happenings.iter().map(|h| html! { <li>{ h.text(lang) }</li> });
        html! {
            <li class={classes!("life-step", later.then_some("later"))} key={entry.step}>
                <button type="button" class="linkish" {onclick}>{ i18n::steps_heading(lang, entry.step, entry.time_ms) }</button>
                <ul>{ for lines }</ul>
            </li>
        }
    });
    html! {
        <tr class="life-row">
            <td colspan={columns.to_string()} data-testid="message-life">
                <ul class="life-facts">{ for facts.iter().map(|f| html! { <li>{ f }</li> }) }</ul>
                <p class="life-heading">{ T::LifeHeading.get(lang) }</p>
                if props.life.is_empty() {
                    <p class="empty">{ T::LifeNoEvents.get(lang) }</p>
                } else {
                    <ol class="life-steps">{ for steps }</ol>
                }
            </td>
        </tr>
    }
}

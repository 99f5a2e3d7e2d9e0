//! The keyboard strip of presenter mode: every node the keyboard can act on, numbered as the
//! digit keys select them, the selected one marked, and the keys that act on it.

use crate::i18n::{Lang, T};
use mqlab_scenario::counters::{self, LedgerCounter};
use mqlab_scenario::frame::{LedgerSummary, NodeView};
use yew::prelude::*;

pub use crate::state::selectable;

/// The digit key that selects the `i`-th selectable node: 1 … 9, then 0.
pub fn digit(i: usize) -> char {
    match i {
        0..=8 => char::from(b'1' + i as u8),
        _ => '0',
    }
}

#[derive(Properties, PartialEq)]
pub struct PresenterBarProps {
    pub lang: Lang,
    pub nodes: Vec<NodeView>,
    pub selected: Option<u32>,
    /// The first end of a link being cut (`d`, then the other end's digit).
    pub cutting_from: Option<u32>,
    pub on_exit: Callback<()>,
}

#[function_component(PresenterBar)]
pub fn presenter_bar(props: &PresenterBarProps) -> Html {
    let lang = props.lang;
    let nodes = selectable(&props.nodes);
    let items = nodes.iter().enumerate().map(|(i, n)| {
        let selected = props.selected == Some(n.id);
        let cutting = props.cutting_from == Some(n.id);
        html! {
            <li class={classes!(selected.then_some("selected"), cutting.then_some("cutting"))}
                data-testid={format!("presenter-node-{}", n.name)} aria-current={selected.then_some("true")}>
                <kbd>{ digit(i) }</kbd>{ " " }{ &n.name }
                if selected { <span class="sr-only">{ T::Selected.get(lang) }</span> }
            </li>
        }
    });
    let hint = match (props.cutting_from, props.selected) {
        (Some(_), _) => T::PresenterCutHint,
        (None, Some(_)) => T::PresenterNodeKeys,
        (None, None) => T::PresenterSelectHint,
    };
    let exit = props.on_exit.reform(|_: MouseEvent| ());
    html! {
        <section class="presenter-bar" data-testid="presenter-bar" aria-label={T::PresenterMode.get(lang)}>
            <ol class="presenter-nodes">{ for items }</ol>
            <p class="presenter-hint" data-testid="presenter-hint" aria-live="polite">{ hint.get(lang) }</p>
            <button type="button" data-testid="presenter-exit" onclick={exit}>{ T::PresenterExit.get(lang) }</button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct LedgerStripProps {
    pub lang: Lang,
    pub ledger: LedgerSummary,
    /// RabbitMQ's words: confirmed, in a queue.
    pub rabbit: bool,
    /// Show the consumer side (delivered, processed, duplicates in stores).
    pub consumers: bool,
}

/// The counts that tell the story, from the ledger's counter table; the consumer side's when
/// the scenario has consumers.
const STRIP: [LedgerCounter; 5] = [
    counters::PRODUCED,
    counters::ACKNOWLEDGED,
    counters::LOST,
    counters::UNAVAILABLE,
    counters::DUPLICATED,
];
const STRIP_CONSUMERS: [LedgerCounter; 3] = [
    counters::PROCESSED,
    counters::STORE_DUPLICATES,
    counters::SKIPPED,
];

/// Presenter mode's ledger: the counts that tell the story, in type the back row can read.
#[function_component(LedgerStrip)]
pub fn ledger_strip(props: &LedgerStripProps) -> Html {
    let lang = props.lang;
    let l = &props.ledger;
    let consumer_side: &[LedgerCounter] = if props.consumers {
        &STRIP_CONSUMERS
    } else {
        &[]
    };
    let cells = STRIP.iter().chain(consumer_side).map(|c| {
        let n = c.of(l);
        (c.slug, c.label(lang, props.rabbit), n, c.alarm && n > 0)
    });
    html! {
        <ul class="ledger-strip" data-testid="ledger-strip" aria-label={T::Ledger.get(lang)}>
            { for cells.map(|(id, label, n, bad)| html! {
                <li class={classes!(bad.then_some("bad"))} data-testid={format!("strip-{id}")}>
                    <span class="n">{ if bad { format!("⚠ {n}") } else { n.to_string() } }</span>
                    <span class="label">{ label }</span>
                </li>
            }) }
        </ul>
    }
}

//! The event log tab: what happened at every step so far, newest at the bottom.

use crate::i18n::{self, Lang, T};
use mqlab_scenario::frame::{Happening, Severity};
use std::rc::Rc;
use yew::prelude::*;

pub use crate::state::LogEntry;

#[derive(Properties, Clone, PartialEq)]
pub struct EventLogProps {
    pub lang: Lang,
    /// Steps up to the current one, oldest first.
    pub entries: Rc<Vec<LogEntry>>,
    /// Some earlier steps are not in `entries`.
    #[prop_or_default]
    pub truncated: bool,
}

/// The most steps drawn at once; older ones scroll away.
const SHOWN: usize = 200;

pub fn severity_text(severity: Severity) -> T {
    match severity {
        Severity::Info => T::SevInfo,
        Severity::Notice => T::SevNotice,
        Severity::Alert => T::SevAlert,
    }
}

fn severity_attr(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Notice => "notice",
        Severity::Alert => "alert",
    }
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let lang = props.lang;
    let routine = use_state(|| false);
    let list_ref = use_node_ref();
    let toggle = {
        let routine = routine.clone();
        Callback::from(move |_: Event| routine.set(!*routine))
    };
    // Keep the newest entry in view.
    {
        let list_ref = list_ref.clone();
        use_effect_with((props.entries.clone(), *routine), move |_| {
            if let Some(list) = list_ref.cast::<web_sys::Element>() {
                list.set_scroll_top(list.scroll_height());
            }
        });
    }
    let show = |h: &&Happening| *routine || h.severity != Severity::Info;
    let visible: Vec<&LogEntry> = props
        .entries
        .iter()
        .filter(|e| e.happenings.iter().any(|h| show(&h)))
        .collect();
    let skipped = visible.len().saturating_sub(SHOWN);
    let items = visible.iter().skip(skipped).map(|entry| {
        let lines = entry.happenings.iter().filter(show).map(|h| {
            html! {
                <li class={classes!("happening", severity_attr(h.severity))}>
                    <span class="severity">{ severity_text(h.severity).get(lang) }</span>
                    <span class="text">{ h.text(lang) }</span>
                </li>
            }
        });
        html! {
            <li class="log-step" key={entry.step}>
                <span class="log-step-head">{ i18n::steps_heading(lang, entry.step, entry.time_ms) }</span>
                <ul>{ for lines }</ul>
            </li>
        }
    });

    html! {
        <div class="event-log">
            <label class="check">
                <input type="checkbox" checked={*routine} onchange={toggle} />
                { T::ShowRoutine.get(lang) }
            </label>
            if props.truncated || skipped > 0 {
                <p class="note">{ T::EarlierSteps.get(lang) }</p>
            }
            <ol class="log-list" ref={list_ref} role="log" aria-live="polite" aria-relevant="additions"
                aria-label={T::EventLog.get(lang)} data-testid="event-log">
                { for items }
            </ol>
            if visible.is_empty() {
                <p class="empty">{ T::NoEvents.get(lang) }</p>
            }
        </div>
    }
}

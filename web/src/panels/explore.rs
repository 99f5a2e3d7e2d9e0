//! The "Find a failure" tab: pick what must not happen (an acknowledged message lost, a
//! message processed twice, order broken) and how many faults at most; the search runs in a
//! Web Worker (web/src/bin/explorer_worker.rs) with progress and a stop button, and reports
//! the smallest schedule that does it, to open on the stage, or exactly what it tried.

use crate::i18n::{Lang, T};
use crate::state::{ExploreInput, ExploreState, SearchStatus};
use mqlab_scenario::explore::wire::Report;
use mqlab_scenario::explore::{seconds, thousands as grouped, Property};
use mqlab_scenario::ScenarioError;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::prelude::*;

/// The worker's loader, as Trunk names it beside the page (`data-loader-shim`).
const WORKER_URL: &str = "./explorer-worker_loader.js";

type Handler = Closure<dyn FnMut(MessageEvent)>;

thread_local! {
    /// The running search, if any: one per page. The handlers live as long as the worker.
    static SEARCH: RefCell<Option<(Worker, Handler, Handler)>> = const { RefCell::new(None) };
}

/// Start a search in a new worker (stopping any other); reports go to `report`.
pub fn start(request: String, report: Callback<Report>) {
    stop();
    let worker = match Worker::new(WORKER_URL) {
        Ok(w) => w,
        Err(_) => return report.emit(worker_failed()),
    };
    let to_worker = worker.clone();
    let on_report = report.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
        let Some(text) = m.data().as_string() else {
            return;
        };
        // The worker's wasm is running: now it can take the request.
        if text == "ready" {
            let _ = to_worker.post_message(&JsValue::from_str(&request));
            return;
        }
        match Report::from_json(&text) {
            Ok(r) => {
                let done = !matches!(r, Report::Progress(_));
                on_report.emit(r);
                if done {
                    halt();
                }
            }
            Err(e) => on_report.emit(Report::Failed(e)),
        }
    });
    let on_error = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        report.emit(worker_failed());
        halt();
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    SEARCH.with(|s| *s.borrow_mut() = Some((worker, on_message, on_error)));
}

/// Stop the search and let go of its worker.
pub fn stop() {
    if let Some((worker, _, _)) = SEARCH.with(|s| s.borrow_mut().take()) {
        worker.terminate();
    }
}

/// End the worker from inside one of its handlers (which must outlive the call).
fn halt() {
    SEARCH.with(|s| {
        if let Some((worker, _, _)) = &*s.borrow() {
            worker.terminate();
        }
    });
}

fn worker_failed() -> Report {
    Report::Failed(ScenarioError::new(
        "(worker)",
        "the search could not start: its file did not load (offline before the first search?)",
        "搜索无法启动：搜索程序的文件没有加载（第一次搜索之前就离线了？）",
    ))
}

#[derive(Properties, PartialEq)]
pub struct ExplorePanelProps {
    pub lang: Lang,
    pub explore: ExploreState,
    pub on_input: Callback<ExploreInput>,
    /// Start a search of the scenario on the stage with the chosen settings.
    pub on_start: Callback<()>,
    pub on_stop: Callback<()>,
}

#[function_component(ExplorePanel)]
pub fn explore_panel(props: &ExplorePanelProps) -> Html {
    let lang = props.lang;
    let x = &props.explore;
    let running = x.running();
    let on_property = props.on_input.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        ExploreInput::SetProperty(
            Property::from_key(&select.value()).unwrap_or(Property::LostAcked),
        )
    });
    let on_faults = props.on_input.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        ExploreInput::SetFaults(select.value().parse().unwrap_or(1))
    });
    let status = match &x.status {
        SearchStatus::Idle => html! {},
        SearchStatus::Running(progress) => {
            let (value, max, line) = match progress {
                Some(p) => (
                    p.runs,
                    p.budget,
                    T::ExploreRunning
                        .get(lang)
                        .replace("{runs}", &grouped(p.runs))
                        .replace("{budget}", &grouped(p.budget))
                        .replace("{k}", &p.faults.to_string())
                        .replace("{tried}", &grouped(p.tried))
                        .replace("{schedules}", &grouped(p.schedules)),
                ),
                None => (0, 1, T::ExploreStarting.get(lang).to_string()),
            };
            html! {
                <div data-testid="explore-progress">
                    <progress value={value.to_string()} max={max.to_string()}
                        aria-label={T::ExploreStart.get(lang)}></progress>
                    <p class="lesson-aside">{ line }</p>
                </div>
            }
        }
        SearchStatus::Stopped(runs) => html! {
            <p data-testid="explore-stopped">{ T::ExploreStopped.get(lang).replace("{runs}", &grouped(*runs)) }</p>
        },
        SearchStatus::Exhausted(summary) => html! {
            <p data-testid="explore-exhausted">{ summary.get(lang) }</p>
        },
        SearchStatus::Failed(why) => html! {
            <p class="error" role="alert" data-testid="explore-failed">{ why.get(lang) }</p>
        },
        SearchStatus::Found(c) => {
            let on_open = props.on_input.reform(|_: MouseEvent| ExploreInput::Open);
            let victim = T::ExploreVictim
                .get(lang)
                .replace("{victim}", c.victim.as_deref().unwrap_or("?"))
                .replace("{n}", &c.victims.to_string())
                .replace("{t}", &seconds(c.time_ms))
                .replace("{step}", &c.step.to_string());
            html! {
                <div data-testid="explore-found">
                    <p><strong>{ T::ExploreFound.get(lang)
                        .replace("{property}", x.property.label().get(lang))
                        .replace("{runs}", &grouped(c.runs)) }</strong></p>
                    if c.faults.is_empty() {
                        <p>{ T::ExploreNoFault.get(lang) }</p>
                    } else {
                        <ol class="explore-faults" data-testid="explore-faults">
                            { for c.faults.iter().map(|f| html! { <li>{ f.describe().get(lang).to_string() }</li> }) }
                        </ol>
                    }
                    <p data-testid="explore-victim">{ victim }</p>
                    <div class="lesson-controls">
                        <button type="button" class="primary" data-testid="explore-open" onclick={on_open}>
                            { T::ExploreOpen.get(lang) }
                        </button>
                    </div>
                    if x.opened {
                        <p class="lesson-aside" data-testid="explore-opened">{ T::ExploreOpened.get(lang) }</p>
                    }
                </div>
            }
        }
    };
    let start_or_stop = if running {
        let onclick = props.on_stop.reform(|_: MouseEvent| ());
        html! { <button type="button" data-testid="explore-stop" {onclick}>{ T::ExploreStop.get(lang) }</button> }
    } else {
        let onclick = props.on_start.reform(|_: MouseEvent| ());
        html! { <button type="button" class="primary" data-testid="explore-start" {onclick}>{ T::ExploreStart.get(lang) }</button> }
    };
    html! {
        <div class="explore-panel" data-testid="explore-panel">
            <p class="lesson-aside">{ T::ExploreIntro.get(lang) }</p>
            <div class="explore-settings">
                <label>
                    <span>{ T::ExploreProperty.get(lang) }</span>
                    <select data-testid="explore-property" disabled={running} onchange={on_property}>
                        { for Property::ALL.iter().map(|p| html! {
                            <option value={p.key()} selected={*p == x.property}>{ p.label().get(lang).to_string() }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ T::ExploreFaults.get(lang) }</span>
                    <select data-testid="explore-faults-max" disabled={running} onchange={on_faults}>
                        { for (1..=3u32).map(|n| html! {
                            <option value={n.to_string()} selected={n == x.faults}>{ n.to_string() }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="lesson-controls">{ start_or_stop }</div>
            <div role="status" aria-live="polite">{ status }</div>
        </div>
    }
}

//! The Web Worker that runs the counterexample search ("Find a failure") off the page's
//! thread, so the page stays responsive. It is a second, separately loaded wasm module:
//! fetched only when a search starts, never part of the first load. One message in (a
//! search request, as JSON), reports out (progress after every slice of runs, then a
//! counterexample, what was tried, or an error); the page stops a search by terminating
//! the worker. The protocol is `mqlab_scenario::explore::wire`, tested natively.

use mqlab_scenario::explore::wire::serve;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Runs per progress report: a few hundred milliseconds of searching in a browser.
const SLICE: u64 = 40;

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let out = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
        let Some(request) = message.data().as_string() else {
            return;
        };
        serve(&request, SLICE, |report| {
            // The page may be gone; nothing to tell anyone then.
            let _ = out.post_message(&JsValue::from_str(&report.to_json()));
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages sent before the wasm was running are lost: the page waits for this.
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

//! What the browser tells the app and remembers for it (language, motion, the address,
//! lesson progress), and the focus moves the app makes.

use crate::i18n::Lang;
use crate::progress::Progress;
use crate::route::{Parsed, Route};
use gloo::storage::{LocalStorage, Storage};

const LANG_KEY: &str = "mqlab.lang";
const PROGRESS_KEY: &str = "mqlab.progress";
const PRESENTER_KEY: &str = "mqlab.presenter";

/// The saved language, else the browser's: 中文 for any `zh*`, English otherwise.
pub fn initial_lang() -> Lang {
    match LocalStorage::get::<String>(LANG_KEY).ok().as_deref() {
        Some("en") => return Lang::En,
        Some("zh") => return Lang::Zh,
        _ => {}
    }
    let browser = gloo::utils::window()
        .navigator()
        .language()
        .unwrap_or_default();
    if browser.to_ascii_lowercase().starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

pub fn save_lang(lang: Lang) {
    let (code, html) = match lang {
        Lang::En => ("en", "en"),
        Lang::Zh => ("zh", "zh-CN"),
    };
    let _ = LocalStorage::set(LANG_KEY, code);
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", html);
    }
}

pub fn reduced_motion() -> bool {
    gloo::utils::window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// The page the address names, and what was wrong with the address.
pub fn route_in_url() -> Parsed {
    let hash = gloo::utils::window().location().hash().unwrap_or_default();
    Route::parse(hash.trim_start_matches('#'), |encoded| {
        js_sys::decode_uri_component(encoded).ok().map(String::from)
    })
}

/// The page's full address with this fragment (as a link to share).
pub fn page_address(fragment: &str) -> String {
    let location = gloo::utils::window().location();
    let base = format!(
        "{}{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if fragment.is_empty() {
        base
    } else {
        format!("{base}#{fragment}")
    }
}

/// Rewrites the address in place (no history entry, no hashchange event); an empty fragment
/// leaves the bare page address.
pub fn set_fragment(fragment: &str) {
    let window = gloo::utils::window();
    let current = window.location().hash().unwrap_or_default();
    if current.trim_start_matches('#') == fragment {
        return;
    }
    let url = if fragment.is_empty() {
        let location = window.location();
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    } else {
        format!("#{fragment}")
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Presenter mode stays on across reloads (a classroom machine).
pub fn presenter() -> bool {
    LocalStorage::raw()
        .get_item(PRESENTER_KEY)
        .ok()
        .flatten()
        .as_deref()
        == Some("on")
}

pub fn save_presenter(on: bool) {
    let storage = LocalStorage::raw();
    let _ = if on {
        storage.set_item(PRESENTER_KEY, "on")
    } else {
        storage.remove_item(PRESENTER_KEY)
    };
}

pub fn load_progress() -> Progress {
    LocalStorage::raw()
        .get_item(PROGRESS_KEY)
        .ok()
        .flatten()
        .map(|text| Progress::from_json(&text))
        .unwrap_or_default()
}

pub fn save_progress(progress: &Progress) {
    let _ = LocalStorage::raw().set_item(PROGRESS_KEY, &progress.to_json());
}

/// Puts the keyboard focus on a node of the stage.
pub fn focus_node(node: u32) {
    let selector = format!(
        "[data-testid='broker-{node}'], [data-testid='producer-{node}'], [data-testid='consumer-{node}']"
    );
    let element = gloo::utils::document()
        .query_selector(&selector)
        .ok()
        .flatten();
    if let Some(element) =
        element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::SvgElement>(e).ok())
    {
        let _ = element.focus();
    }
}

/// Puts the keyboard focus on the element with this id, once it has been drawn.
pub fn focus_by_id(id: &'static str) {
    gloo::timers::callback::Timeout::new(0, move || {
        let element = gloo::utils::document().get_element_by_id(id);
        if let Some(element) =
            element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = element.focus();
        }
    })
    .forget();
}

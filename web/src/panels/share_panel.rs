//! The Share tab: the link to exactly what is on the stage, the scenario as a JSON file to
//! download or load back, the trace as a Mermaid sequence diagram and the stage as an SVG.

use crate::i18n::{Lang, T};
use mqlab_scenario::Text;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    pub lang: Lang,
    /// The address that reopens what is on the stage.
    pub link: String,
    /// Why the last file could not be loaded.
    pub import_error: Option<Text>,
    pub on_download_json: Callback<()>,
    pub on_download_mermaid: Callback<()>,
    pub on_download_svg: Callback<()>,
    /// The text of a scenario file the learner picked.
    pub on_import: Callback<String>,
}

#[function_component(SharePanel)]
pub fn share_panel(props: &SharePanelProps) -> Html {
    let lang = props.lang;
    let copied = use_state(|| false);
    let on_copy = {
        let link = props.link.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            copy_to_clipboard(&link);
            copied.set(true);
        })
    };
    let on_file = {
        let on_import = props.on_import.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let on_import = on_import.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                on_import.emit(text.ok().and_then(|t| t.as_string()).unwrap_or_default());
            });
        })
    };
    let button = |testid: &'static str, label: T, cb: &Callback<()>| {
        let onclick = cb.reform(|_: MouseEvent| ());
        html! { <button type="button" data-testid={testid} {onclick}>{ label.get(lang) }</button> }
    };
    html! {
        <div class="share-panel" data-testid="share-panel">
            <section aria-labelledby="share-link-h">
                <h3 id="share-link-h">{ T::ShareLink.get(lang) }</h3>
                <p class="lesson-aside">{ T::ShareLinkHelp.get(lang) }</p>
                <input type="text" readonly=true class="share-link" data-testid="share-link"
                    aria-label={T::ShareLink.get(lang)} value={props.link.clone()} />
                <div class="lesson-controls">
                    <button type="button" class="primary" data-testid="share-copy" onclick={on_copy}>{ T::CopyLink.get(lang) }</button>
                    <span role="status" class="lesson-aside">{ if *copied { T::Copied.get(lang) } else { "" } }</span>
                </div>
                <p class="lesson-aside" data-testid="share-link-length">
                    { T::LinkLength.get(lang).replace("{n}", &props.link.chars().count().to_string()) }
                </p>
            </section>
            <section aria-labelledby="share-export-h">
                <h3 id="share-export-h">{ T::Export.get(lang) }</h3>
                <div class="lesson-controls">
                    { button("export-json", T::ExportJson, &props.on_download_json) }
                    { button("export-mermaid", T::ExportMermaid, &props.on_download_mermaid) }
                    { button("export-svg", T::ExportSvg, &props.on_download_svg) }
                </div>
            </section>
            <section aria-labelledby="share-import-h">
                <h3 id="share-import-h">{ T::Import.get(lang) }</h3>
                <label class="import">
                    <span>{ T::ImportHelp.get(lang) }</span>
                    <input type="file" accept=".json,application/json" data-testid="import-file" onchange={on_file} />
                </label>
                if let Some(error) = &props.import_error {
                    <p class="error" role="alert" data-testid="import-error">{ error.get(lang) }</p>
                }
            </section>
        </div>
    }
}

/// `navigator.clipboard.writeText(text)`, where the browser offers it.
fn copy_to_clipboard(text: &str) {
    let navigator = gloo::utils::window().navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else {
        return;
    };
    if let Some(write) = write.dyn_ref::<js_sys::Function>() {
        let _ = write.call1(&clipboard, &text.into());
    }
}

/// Saves `text` as a file named `name` (a download the browser asks about or just does).
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = gloo::utils::document();
    if let Ok(a) = document.create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        if let Some(body) = document.body() {
            let _ = body.append_child(&a);
            if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
                a.click();
            }
            let _ = body.remove_child(&a);
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The stage as a standalone SVG document: the drawing with the page's stylesheet inside it,
/// so it looks the same in a slide or an editor.
pub fn stage_svg() -> Option<String> {
    let document = gloo::utils::document();
    let svg = document
        .query_selector("[data-testid='stage'] svg")
        .ok()
        .flatten()?;
    let copy: web_sys::Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    copy.set_attribute("xmlns", "http://www.w3.org/2000/svg")
        .ok()?;
    let mut css = String::new();
    let sheets = document.style_sheets();
    for i in 0..sheets.length() {
        let Some(sheet) = sheets
            .item(i)
            .and_then(|s| s.dyn_into::<web_sys::CssStyleSheet>().ok())
        else {
            continue;
        };
        let Ok(rules) = sheet.css_rules() else {
            continue;
        };
        for j in 0..rules.length() {
            if let Some(rule) = rules.item(j) {
                css.push_str(&rule.css_text());
                css.push('\n');
            }
        }
    }
    let style = document
        .create_element_ns(Some("http://www.w3.org/2000/svg"), "style")
        .ok()?;
    style.set_text_content(Some(&css));
    copy.insert_before(&style, copy.first_child().as_ref())
        .ok()?;
    web_sys::XmlSerializer::new()
        .ok()?
        .serialize_to_string(&copy)
        .ok()
}

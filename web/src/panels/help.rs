//! The shortcut overlay, opened with `?`.

use crate::i18n::{Lang, T};
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct HelpProps {
    pub lang: Lang,
    pub on_close: Callback<()>,
}

#[function_component(Help)]
pub fn help(props: &HelpProps) -> Html {
    let lang = props.lang;
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let rows = [
        ("Space", T::KeyPlay),
        ("→ / ←", T::KeyStep),
        ("Home / End", T::KeyEnds),
        ("+ / −", T::KeySpeed),
        ("Enter", T::KeyMenu),
        ("1 … 9, 0", T::KeySelect),
        ("x / s / r", T::KeyKillStopRestart),
        ("i / c", T::KeyIsolate),
        ("d, 1 … 9", T::KeyCutLink),
        ("n", T::KeyNextStep),
        ("p", T::KeyPresenter),
        ("t", T::KeyPanel),
        ("?", T::KeyHelp),
        ("Esc", T::KeyClose),
    ]
    .map(|(keys, what)| html! { <tr><th scope="row"><kbd>{ keys }</kbd></th><td>{ what.get(lang) }</td></tr> });
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="overlay" data-testid="help" role="dialog" aria-modal="true" aria-labelledby="help-title">
            <div class="dialog">
                <h2 id="help-title">{ T::Shortcuts.get(lang) }</h2>
                <table>{ for rows }</table>
                <button type="button" class="primary" ref={close_ref} onclick={close}>{ T::Close.get(lang) }</button>
            </div>
        </div>
    }
}

//! The page's header: the name, the pages, what the page adds (the sandbox's scenario
//! picker) and the language switch. The home page's module draws the same header.

use crate::i18n::{Lang, T};
use yew::prelude::*;

/// Which of the pages in the header is the one shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Lessons,
    Sandbox,
    Compare,
}

#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    pub lang: Lang,
    pub page: Page,
    /// Asked with the other language.
    pub on_lang: Callback<Lang>,
    /// What the page adds between the pages and the language switch.
    #[prop_or_default]
    pub children: Html,
}

#[function_component(TopBar)]
pub fn top_bar(props: &TopBarProps) -> Html {
    let lang = props.lang;
    let other = match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    let on_lang = props.on_lang.reform(move |_: MouseEvent| other);
    let nav_link = |href: &'static str, testid: &'static str, label: T, page: Page| {
        let current = props.page == page;
        html! {
            <a {href} data-testid={testid} aria-current={current.then_some("page")}>{ label.get(lang) }</a>
        }
    };
    html! {
        <header class="top">
            <div class="brand">
                <h1>{ "MQ Lab" }</h1>
                <span class="tagline">{ T::Tagline.get(lang) }</span>
            </div>
            <nav class="pages" aria-label={T::MainNav.get(lang)}>
                { nav_link("#", "nav-lessons", T::Lessons, Page::Lessons) }
                { nav_link("#sandbox", "nav-sandbox", T::Sandbox, Page::Sandbox) }
                { nav_link("#compare", "nav-compare", T::Compare, Page::Compare) }
            </nav>
            { props.children.clone() }
            <button type="button" class="lang" data-testid="lang-switch" lang={if lang == Lang::Zh { "en" } else { "zh" }}
                aria-label={T::SwitchLanguage.get(lang)} onclick={on_lang}>
                { T::OtherLanguage.get(lang) }
            </button>
        </header>
    }
}

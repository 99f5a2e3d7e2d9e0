//! The home page on its own: what the page starts when its address names no other page
//! (`src/bin/home.rs`, a wasm of about a fifth of the playground's). It draws the lesson map
//! with the playground's header and keys. Any other page — a lesson, the sandbox, the
//! comparison, a shared link — is the playground's (`main.rs`): following a link there stops
//! this module and asks the page for the playground's (index.html's `mqlabOpenPlayground`),
//! which shows the loading line until it draws that page. The playground draws the lesson map
//! itself when it is already running.

use crate::i18n::Lang;
use crate::keys::shortcut;
use crate::pages::lesson_map::LessonMap;
use crate::pages::top_bar::{Page, TopBar};
use crate::panels::help::Help;
use crate::prefs;
use crate::state::Action;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use mqlab_scenario::lesson::cards;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;
use yew::AppHandle;

/// The id of the element the home page is drawn in (removed with it).
const ROOT_ID: &str = "home-root";
/// What index.html defines to load and start the playground's module.
const OPEN_PLAYGROUND: &str = "mqlabOpenPlayground";

thread_local! {
    static MOUNTED: RefCell<Option<AppHandle<HomeApp>>> = const { RefCell::new(None) };
}

/// Draws the home page, unless the address has meanwhile come to name another page.
pub fn start() {
    if !home_address() {
        open_playground();
        return;
    }
    let document = gloo::utils::document();
    if let Some(boot) = document.get_element_by_id("boot") {
        boot.remove();
    }
    let Ok(root) = document.create_element("div") else {
        return;
    };
    root.set_id(ROOT_ID);
    if document
        .body()
        .and_then(|b| b.append_child(&root).ok())
        .is_none()
    {
        return;
    }
    let handle = yew::Renderer::<HomeApp>::with_root(root).render();
    MOUNTED.with(|m| *m.borrow_mut() = Some(handle));
}

/// The address names the home page: no fragment (the playground would show it as well).
fn home_address() -> bool {
    let hash = gloo::utils::window().location().hash().unwrap_or_default();
    hash.is_empty() || hash == "#"
}

/// Stops the home page and asks the page for the playground, which opens the address.
fn open_playground() {
    if let Some(handle) = MOUNTED.with(|m| m.borrow_mut().take()) {
        handle.destroy();
    }
    if let Some(root) = gloo::utils::document().get_element_by_id(ROOT_ID) {
        root.remove();
    }
    let window = gloo::utils::window();
    if let Ok(open) = js_sys::Reflect::get(&window, &JsValue::from_str(OPEN_PLAYGROUND))
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = open.call0(&window);
    }
}

/// What the home page keeps: the playground's reducer holds the same for every page.
#[derive(Clone, PartialEq)]
struct Home {
    lang: Lang,
    presenter: bool,
    help: bool,
}

enum HomeAction {
    SetLang(Lang),
    ToggleHelp,
    TogglePresenter,
    CloseOverlays,
}

impl Reducible for Home {
    type Action = HomeAction;

    fn reduce(self: Rc<Self>, action: HomeAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            HomeAction::SetLang(lang) => next.lang = lang,
            HomeAction::ToggleHelp => next.help = !next.help,
            HomeAction::TogglePresenter => next.presenter = !next.presenter,
            HomeAction::CloseOverlays => next.help = false,
        }
        Rc::new(next)
    }
}

/// The keys the playground answers on its lesson map: the others act on a stage.
fn home_action(action: Action) -> Option<HomeAction> {
    match action {
        Action::ToggleHelp => Some(HomeAction::ToggleHelp),
        Action::TogglePresenter => Some(HomeAction::TogglePresenter),
        Action::CloseOverlays => Some(HomeAction::CloseOverlays),
        _ => None,
    }
}

#[function_component(HomeApp)]
pub fn home_app() -> Html {
    let home = use_reducer(|| Home {
        lang: prefs::initial_lang(),
        presenter: prefs::presenter(),
        help: false,
    });
    let lessons = use_memo((), |_| cards());
    let progress = use_memo((), |_| prefs::load_progress());
    let reduced_motion = use_memo((), |_| prefs::reduced_motion());
    let lang = home.lang;

    use_effect_with(lang, |lang| prefs::save_lang(*lang));
    use_effect_with(home.presenter, |on| prefs::save_presenter(*on));
    {
        let dispatcher = home.dispatcher();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::document(), "keydown", move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if let Some(action) = shortcut(e).and_then(home_action) {
                    dispatcher.dispatch(action);
                }
            });
            move || drop(listener)
        });
    }
    // A link to another page was followed: after this event, the playground takes over.
    use_effect_with((), |_| {
        let listener = EventListener::new(&gloo::utils::window(), "hashchange", |_| {
            if !home_address() {
                Timeout::new(0, open_playground).forget();
            }
        });
        move || drop(listener)
    });

    let on_lang = {
        let dispatcher = home.dispatcher();
        Callback::from(move |lang| dispatcher.dispatch(HomeAction::SetLang(lang)))
    };
    let on_close = {
        let dispatcher = home.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(HomeAction::CloseOverlays))
    };
    html! {
        <div class={classes!("app", (*reduced_motion).then_some("reduced-motion"), home.presenter.then_some("presenter"))}>
            <TopBar {lang} page={Page::Lessons} {on_lang} />
            <main class="main home-main">
                <LessonMap {lang} lessons={lessons.clone()} progress={progress.clone()} />
            </main>
            if home.help {
                <Help {lang} {on_close} />
            }
        </div>
    }
}

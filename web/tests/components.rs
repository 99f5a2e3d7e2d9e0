//! Components mounted in headless Chromium with hand-made frames; assertions read the DOM.
#![cfg(target_arch = "wasm32")]

mod fixtures;

use gloo::storage::Storage;
use mqlab_scenario::Lang;
use mqlab_web::ledger::{Ledger, LedgerProps};
use mqlab_web::player_bar::{PlayerBar, PlayerBarProps, Speed};
use mqlab_web::stage::{Stage, StageProps};
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::{BaseComponent, Callback, Html};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a component into a fresh element and waits until it has rendered.
async fn mount<C: BaseComponent>(props: C::Properties) -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

fn find(root: &Element, testid: &str) -> Element {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={testid}"))
}

fn text(root: &Element, testid: &str) -> String {
    find(root, testid).text_content().unwrap_or_default()
}

fn stage_props(lang: Lang) -> StageProps {
    StageProps {
        frame: Rc::new(fixtures::frame()),
        lang,
        clock_ms: 9_214.0,
        reduced_motion: false,
        selected_message: None,
        on_node: Callback::noop(),
        children: Html::default(),
    }
}

#[wasm_bindgen_test]
async fn stage_marks_the_leader_and_draws_hw_and_leo() {
    let root = mount::<Stage>(stage_props(Lang::En)).await;
    let leader = find(&root, "replica-orders-0-1");
    assert!(
        leader.class_list().contains("leader"),
        "broker-1's replica is drawn as leader"
    );
    assert!(leader.text_content().unwrap().contains("♛ leader"));
    let follower = find(&root, "replica-orders-0-2");
    assert!(!follower.class_list().contains("leader"));
    assert!(follower.text_content().unwrap().contains("follower"));
    assert_eq!(text(&root, "hw-orders-0-1"), "HW 2");
    assert_eq!(text(&root, "leo-orders-0-1"), "LEO 3");
    assert_eq!(text(&root, "hw-orders-0-2"), "HW=LEO 2");
    assert_eq!(
        find(&root, "broker-1")
            .get_attribute("data-leader-of")
            .as_deref(),
        Some("orders-0")
    );
    assert_eq!(
        find(&root, "broker-2")
            .get_attribute("data-leader-of")
            .as_deref(),
        Some("")
    );
    assert!(text(&root, "partition-orders-0-leader").contains("broker-1"));
    // Three cells on the leader's log, numbered by offset.
    let cells = leader.query_selector_all(".cell").unwrap();
    assert_eq!(cells.length(), 3);
    assert!(text(&root, "replica-orders-0-1").contains("ISR {1,2}"));
}

#[wasm_bindgen_test]
async fn a_crashed_broker_says_so_in_both_languages() {
    let root = mount::<Stage>(stage_props(Lang::En)).await;
    let broker = find(&root, "broker-3");
    assert_eq!(
        broker.get_attribute("data-status").as_deref(),
        Some("crashed")
    );
    assert!(broker.text_content().unwrap().contains("✕ crashed"));
    assert_eq!(
        find(&root, "broker-1")
            .get_attribute("data-status")
            .as_deref(),
        Some("up")
    );
    assert!(!text(&root, "broker-1").contains("crashed"));

    let root = mount::<Stage>(stage_props(Lang::Zh)).await;
    assert!(text(&root, "broker-3").contains("✕ 已崩溃"));
    assert!(text(&root, "replica-orders-0-1").contains("首领"));
}

fn bar(step: u64, total: u64) -> PlayerBarProps {
    PlayerBarProps {
        lang: Lang::En,
        step,
        total,
        time_ms: 9_214,
        playing: false,
        speed: Speed::One,
        marks: Rc::default(),
        on_input: Callback::noop(),
    }
}

fn disabled(root: &Element, testid: &str) -> bool {
    find(root, testid).has_attribute("disabled")
}

#[wasm_bindgen_test]
async fn player_bar_buttons_disable_at_the_ends() {
    let root = mount::<PlayerBar>(bar(0, 10)).await;
    assert!(disabled(&root, "player-start"));
    assert!(disabled(&root, "player-back"));
    assert!(!disabled(&root, "player-forward"));
    assert!(!disabled(&root, "player-end"));
    assert!(!disabled(&root, "player-play"));
    assert_eq!(text(&root, "step-counter"), "step 0 / 10");

    let root = mount::<PlayerBar>(bar(10, 10)).await;
    assert!(!disabled(&root, "player-start"));
    assert!(!disabled(&root, "player-back"));
    assert!(disabled(&root, "player-forward"));
    assert!(disabled(&root, "player-end"));
    assert!(disabled(&root, "player-play"));

    let root = mount::<PlayerBar>(bar(4, 10)).await;
    for id in [
        "player-start",
        "player-back",
        "player-forward",
        "player-end",
        "player-play",
    ] {
        assert!(!disabled(&root, id), "{id} is enabled mid-trace");
    }
    assert_eq!(text(&root, "sim-time"), "t = 9.214 s");
}

#[wasm_bindgen_test]
async fn ledger_shows_the_counts_and_fates() {
    let frame = fixtures::frame();
    let props = LedgerProps {
        lang: Lang::En,
        summary: frame.ledger.clone(),
        messages: Rc::new(frame.messages.clone()),
        selected: None,
        on_select: Callback::noop(),
    };
    let root = mount::<Ledger>(props).await;
    let summary = find(&root, "ledger-summary");
    assert_eq!(text(&summary, "ledger-lost"), "1");
    assert_eq!(text(&summary, "ledger-visible"), "2");
    assert_eq!(text(&summary, "ledger-acknowledged"), "3");
    let lost = find(&root, "message-row-order-2");
    assert_eq!(lost.get_attribute("data-fate").as_deref(), Some("lost"));
    assert!(lost.text_content().unwrap().contains("LOST"));
    assert_eq!(
        find(&root, "message-row-order-0")
            .get_attribute("data-fate")
            .as_deref(),
        Some("visible")
    );
}

#[wasm_bindgen_test]
async fn ledger_flags_a_message_that_overtook_an_earlier_one() {
    let mut frame = fixtures::frame();
    frame.messages[1].out_of_order = true;
    frame.ledger.out_of_order = 1;
    let props = LedgerProps {
        lang: Lang::Zh,
        summary: frame.ledger.clone(),
        messages: Rc::new(frame.messages.clone()),
        selected: None,
        on_select: Callback::noop(),
    };
    let root = mount::<Ledger>(props).await;
    assert_eq!(
        text(&find(&root, "ledger-summary"), "ledger-out-of-order"),
        "1"
    );
    let row = find(&root, "message-row-order-1");
    assert!(
        row.text_content().unwrap().contains("乱序"),
        "{:?}",
        row.text_content()
    );
    assert!(!find(&root, "message-row-order-0")
        .text_content()
        .unwrap()
        .contains("乱序"));
}

#[wasm_bindgen_test]
async fn the_language_switch_changes_what_the_page_says() {
    gloo::storage::LocalStorage::set("mqlab.lang", "en").unwrap();
    let root = mount::<mqlab_web::App>(()).await;
    let header = || {
        root.query_selector("header")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert!(
        header().contains("one step at a time"),
        "English first: {}",
        header()
    );
    assert_eq!(text(&root, "tab-ledger"), "Ledger");
    let switch: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(find(&root, "lang-switch"));
    switch.click();
    yew::scheduler::flush().await;
    assert!(header().contains("一步一步"), "then 中文: {}", header());
    assert_eq!(text(&root, "tab-ledger"), "账本");
    assert!(text(&root, "step-counter").starts_with("第 0 /"));
    let saved: String = gloo::storage::LocalStorage::get("mqlab.lang").unwrap();
    assert_eq!(saved, "zh");
}

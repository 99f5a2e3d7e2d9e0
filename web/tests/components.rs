//! Components mounted in headless Chromium with hand-made frames; assertions read the DOM.
#![cfg(target_arch = "wasm32")]

mod fixtures;

use gloo::storage::Storage;
use mqlab_scenario::Lang;
use mqlab_web::panels::ledger::{Ledger, LedgerProps};
use mqlab_web::panels::player_bar::{PlayerBar, PlayerBarProps, Speed};
use mqlab_web::panels::settings::{Settings, SettingsProps, SharedRabbit};
use mqlab_web::stage::menu::{NodeMenu, NodeMenuProps};
use mqlab_web::stage::{Stage, StageProps};
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::{BaseComponent, Callback, Html};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a component into a fresh element and waits until it has rendered.
/// Mounts a component in a container as wide as a wide screen's stage (1,100 px: the widest
/// layout at the stage's zoom).
async fn mount<C: BaseComponent>(props: C::Properties) -> Element {
    mount_in::<C>(props, 1100).await
}

async fn mount_in<C: BaseComponent>(props: C::Properties, width_px: u32) -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    root.set_attribute("style", &format!("width: {width_px}px"))
        .unwrap();
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

/// The element `selector` picks under `root`, as the DOM type the test works it through.
fn at<T: wasm_bindgen::JsCast>(root: &Element, selector: &str) -> T {
    wasm_bindgen::JsCast::unchecked_into(
        root.query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("no {selector}")),
    )
}

/// Click the element with this test id, as a user does.
fn click(root: &Element, testid: &str) {
    wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(find(root, testid)).click();
}

/// The stage drawing `frame` in `lang` at the fixtures' clock, at the page's zoom, telling
/// `on_node` which node was clicked.
fn stage_of(frame: mqlab_scenario::Frame, lang: Lang, on_node: Callback<u32>) -> StageProps {
    StageProps {
        frame: Rc::new(frame),
        lang,
        clock_ms: 9_214.0,
        reduced_motion: false,
        selected_message: None,
        on_node,
        children: Html::default(),
        menu_at: None,
        zoom: mqlab_web::stage::ZOOM,
        fill_height: false,
    }
}

/// The stage of the Kafka fixture frame.
fn stage_props(lang: Lang) -> StageProps {
    stage_of(fixtures::frame(), lang, Callback::noop())
}

/// The stage of the Kafka fixture frame with a consumer group and a store.
fn consumer_stage(lang: Lang) -> StageProps {
    stage_of(fixtures::consumer_frame(), lang, Callback::noop())
}

/// The stage measures the width it is given and lays out for it: at a phone's width the
/// brokers stack and the text keeps its size; the viewBox is the layout's width.
#[wasm_bindgen_test]
async fn the_stage_lays_out_for_the_width_it_has() {
    let wide = mount::<Stage>(stage_props(Lang::En)).await;
    let narrow = mount_in::<Stage>(stage_props(Lang::En), 360).await;
    // The first render measures; the second lays out for the measurement.
    yew::scheduler::flush().await;
    let width = |root: &Element| -> f64 {
        find(root, "stage")
            .get_attribute("data-layout-width")
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!((width(&wide) - 1000.0).abs() < 0.2, "{}", width(&wide));
    let w = width(&narrow);
    assert!((w - 360.0 / mqlab_web::stage::ZOOM).abs() < 2.0, "{w}");
    let view_box = narrow
        .query_selector("svg.stage-svg")
        .unwrap()
        .unwrap()
        .get_attribute("viewBox")
        .unwrap();
    assert!(view_box.starts_with(&format!("0 0 {}", mqlab_web::stage::layout::Tenths(w))));
    let top = |root: &Element, id: &str| {
        find(root, id)
            .query_selector("rect")
            .unwrap()
            .unwrap()
            .get_attribute("y")
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    // Wide: the brokers share a row; narrow: one under the other.
    assert_eq!(top(&wide, "broker-1"), top(&wide, "broker-2"));
    assert!(top(&narrow, "broker-2") > top(&narrow, "broker-1"));
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
    assert!(
        text(&root, "replica-orders-0-1").contains(concat!("♛ ", mqlab_scenario::term_zh!(leader)))
    );
}

/// The fixture after broker-2 left an ISR already at min.insync.replicas: it is in the ELR.
fn elr_frame() -> mqlab_scenario::Frame {
    let mut frame = fixtures::frame();
    frame.partitions[0].isr = vec![1];
    frame.partitions[0].elr = vec![2];
    frame
}

#[wasm_bindgen_test]
async fn the_elr_is_drawn_beside_the_isr_and_marks_its_replicas() {
    let mut props = stage_props(Lang::En);
    props.frame = Rc::new(elr_frame());
    let root = mount::<Stage>(props).await;
    assert_eq!(text(&root, "partition-orders-0-isr"), "ISR {1} · ELR {2}");
    let line = |broker: u32| {
        find(&root, &format!("replica-orders-0-{broker}"))
            .query_selector(".isr")
            .unwrap()
            .expect("an ISR line")
            .text_content()
            .unwrap()
    };
    assert!(line(1).ends_with("ISR {1} · ELR {2}"), "{}", line(1));
    let state = |broker: u32| {
        find(&root, &format!("replica-orders-0-{broker}"))
            .query_selector(".isr-state")
            .unwrap()
            .expect("a membership tag")
    };
    assert!(state(1).text_content().unwrap().ends_with("✓ in ISR"));
    assert!(state(2).class_list().contains("elr"));
    assert!(!state(2).class_list().contains("out"));
    assert!(state(2).text_content().unwrap().ends_with("◆ in ELR"));
    assert!(state(3).class_list().contains("out"));
    assert!(state(3).text_content().unwrap().ends_with("✕ out of ISR"));

    let mut props = stage_props(Lang::Zh);
    props.frame = Rc::new(elr_frame());
    let root = mount::<Stage>(props).await;
    assert!(text(&root, "replica-orders-0-2").contains("◆ 在 ELR 中"));
    assert!(text(&root, "replica-orders-0-2").contains("ELR（Eligible Leader Replicas，KIP-966）"));

    // No ELR: the line is as it always was.
    let root = mount::<Stage>(stage_props(Lang::En)).await;
    assert_eq!(text(&root, "partition-orders-0-isr"), "ISR {1,2}");
    assert!(!text(&root, "replica-orders-0-1").contains("ELR"));
}

#[wasm_bindgen_test]
async fn an_empty_isr_with_elr_on_says_so() {
    let mut frame = elr_frame();
    frame.partitions[0].leader = None;
    frame.partitions[0].isr = vec![];
    frame.partitions[0].elr = vec![1, 2];
    let mut props = stage_props(Lang::En);
    props.frame = Rc::new(frame.clone());
    let root = mount::<Stage>(props).await;
    let chip = find(&root, "partition-orders-0-isr");
    assert_eq!(chip.text_content().unwrap(), "ISR empty · ELR {1,2}");
    assert!(chip.class_list().contains("empty"));
    assert!(chip
        .get_attribute("title")
        .unwrap()
        .contains("only come from the ELR"));
    let replica = find(&root, "replica-orders-0-1");
    let line = replica
        .query_selector(".isr.empty")
        .unwrap()
        .expect("an empty ISR, marked");
    assert!(line.text_content().unwrap().contains("ELR {1,2}"));
    assert!(line.text_content().unwrap().contains("ISR empty"));
    assert!(replica.text_content().unwrap().contains("◆ in ELR"));

    let mut props = stage_props(Lang::Zh);
    props.frame = Rc::new(frame);
    let root = mount::<Stage>(props).await;
    assert_eq!(
        text(&root, "partition-orders-0-isr"),
        "ISR 为空 · ELR {1,2}"
    );
}

/// The box of an SVG element, in the stage's units: (left, right).
fn extent(el: &Element) -> (f64, f64) {
    use js_sys::{Function, Reflect};
    let get_bbox: Function = Reflect::get(el, &"getBBox".into()).unwrap().into();
    let b = get_bbox.call0(el).unwrap();
    let n = |k: &str| Reflect::get(&b, &k.into()).unwrap().as_f64().unwrap();
    (n("x"), n("x") + n("width"))
}

#[wasm_bindgen_test]
async fn the_isr_and_elr_line_fits_beside_the_tag_in_a_narrow_card() {
    // With the app's stylesheet, so the text has its real size.
    let document = gloo::utils::document();
    let style = document.create_element("style").unwrap();
    style.set_text_content(Some(include_str!("../../static/app.css")));
    document.body().unwrap().append_child(&style).unwrap();
    for lang in [Lang::En, Lang::Zh] {
        for (isr, elr) in [
            (vec![1], vec![2, 3]),
            (vec![], vec![1, 2]),
            (vec![1], vec![2]),
        ] {
            // Consumers take the right column: the three cards are at their narrowest.
            let mut frame = fixtures::consumer_frame();
            frame.partitions[0].isr = isr.clone();
            frame.partitions[0].elr = elr.clone();
            let root = mount::<Stage>(stage_of(frame, lang, Callback::noop())).await;
            for broker in 1..=3 {
                let replica = find(&root, &format!("replica-orders-0-{broker}"));
                let slot = extent(&replica.query_selector(".slot").unwrap().unwrap());
                let line = extent(&replica.query_selector(".isr").unwrap().unwrap());
                let tag = extent(&replica.query_selector(".isr-state").unwrap().unwrap());
                let what = format!("{lang:?} ISR {isr:?} ELR {elr:?} broker {broker}: slot {slot:?}, line {line:?}, tag {tag:?}");
                assert!(line.1 + 2.0 <= tag.0, "the line meets the tag: {what}");
                assert!(
                    slot.0 <= line.0 && tag.1 <= slot.1,
                    "out of the slot: {what}"
                );
            }
            root.remove();
        }
    }
    style.remove();
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

/// The ledger of `frame` in `lang`, as the page gives it for a Kafka scenario without
/// consumers, nothing selected.
fn ledger_of(frame: &mqlab_scenario::Frame, lang: Lang) -> LedgerProps {
    LedgerProps {
        lang,
        summary: frame.ledger.clone(),
        messages: Rc::new(frame.messages.clone()),
        selected: None,
        on_select: Callback::noop(),
        consumers: false,
        stores: Rc::default(),
        life: Rc::default(),
        step: frame.step,
        on_seek: Callback::noop(),
        rabbit: false,
        transactions: false,
    }
}

#[wasm_bindgen_test]
async fn ledger_shows_the_counts_and_fates() {
    let frame = fixtures::frame();
    let props = ledger_of(&frame, Lang::En);
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
    assert_eq!(
        count(&root, "[data-testid='ledger-aborted']"),
        0,
        "no transactions, no aborted counter"
    );
}

#[wasm_bindgen_test]
async fn ledger_counts_a_rolled_back_message_as_aborted_in_a_transactional_scenario() {
    let mut frame = fixtures::frame();
    frame.messages[2].fate = mqlab_scenario::frame::Fate::Aborted;
    frame.ledger.lost = 0;
    frame.ledger.aborted = 1;
    let props = LedgerProps {
        transactions: true,
        ..consumer_ledger(&frame, Lang::Zh)
    };
    let root = mount::<Ledger>(props).await;
    let summary = find(&root, "ledger-summary");
    assert_eq!(text(&summary, "ledger-aborted"), "1");
    assert!(summary.text_content().unwrap().contains("属于已中止事务"));
    let row = find(&root, "message-row-order-2");
    assert_eq!(row.get_attribute("data-fate").as_deref(), Some("aborted"));
    assert!(row.text_content().unwrap().contains("事务已中止"));
}

#[wasm_bindgen_test]
async fn ledger_flags_a_message_that_overtook_an_earlier_one() {
    let mut frame = fixtures::frame();
    frame.messages[1].out_of_order = true;
    frame.ledger.out_of_order = 1;
    let props = ledger_of(&frame, Lang::Zh);
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
    // No address: the home page, the lesson map.
    assert_eq!(text(&root, "nav-lessons"), "Lessons");
    assert!(text(&root, "question-message_loss").contains("no message is lost"));
    click(&root, "lang-switch");
    yew::scheduler::flush().await;
    assert!(header().contains("一步一步"), "then 中文: {}", header());
    assert_eq!(text(&root, "nav-lessons"), "课程");
    assert!(text(&root, "question-message_loss").contains("不丢消息"));
    let saved: String = gloo::storage::LocalStorage::get("mqlab.lang").unwrap();
    assert_eq!(saved, "zh");
}

// ---------- consumers, groups and stores ----------

fn attr(root: &Element, testid: &str, name: &str) -> String {
    find(root, testid).get_attribute(name).unwrap_or_default()
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

#[wasm_bindgen_test]
async fn consumers_are_drawn_in_their_group_with_activity_partitions_hand_and_commit() {
    let root = mount::<Stage>(consumer_stage(Lang::En)).await;
    let group = find(&root, "group-billing");
    assert_eq!(attr(&root, "group-billing", "data-generation"), "2");
    assert!(group.text_content().unwrap().contains("generation 2"));
    assert_eq!(text(&root, "group-billing-state"), "✓ stable");
    // Both consumers are inside the group's frame.
    assert!(group
        .query_selector("[data-testid='consumer-300']")
        .unwrap()
        .is_some());
    assert!(group
        .query_selector("[data-testid='consumer-301']")
        .unwrap()
        .is_some());

    let busy = find(&root, "consumer-300");
    let busy_text = busy.text_content().unwrap();
    assert_eq!(attr(&root, "consumer-300", "data-activity"), "processing");
    assert!(busy_text.contains("⚙ processing"), "{busy_text}");
    assert!(busy_text.contains("orders-0"), "{busy_text}");
    assert!(busy_text.contains("in hand: 5 6"), "{busy_text}");
    assert!(busy_text.contains("auto-commit every 5s"), "{busy_text}");
    assert!(!busy.class_list().contains("idle"));
    assert_eq!(busy.get_attribute("role").as_deref(), Some("button"));

    let idle = find(&root, "consumer-301");
    assert!(
        idle.class_list().contains("idle"),
        "a consumer with no partition is idle"
    );
    assert!(idle.text_content().unwrap().contains("idle: no partition"));
}

#[wasm_bindgen_test]
async fn a_rebalancing_group_and_a_killed_consumer_say_so_in_words() {
    let mut frame = fixtures::consumer_frame();
    frame.groups[0].state = mqlab_scenario::frame::GroupState::Rebalancing;
    frame.consumers[0].activity = mqlab_scenario::frame::ConsumerActivity::Down;
    let node = frame.nodes.iter_mut().find(|n| n.id == 300).unwrap();
    node.status = mqlab_scenario::frame::NodeStatus::Crashed;
    let root = mount::<Stage>(stage_of(frame.clone(), Lang::En, Callback::noop())).await;
    assert_eq!(attr(&root, "group-billing", "data-state"), "rebalancing");
    assert_eq!(text(&root, "group-billing-state"), "⟳ REBALANCING");
    assert_eq!(attr(&root, "consumer-300", "data-status"), "crashed");
    assert!(text(&root, "consumer-300").contains("✕ crashed"));

    let root = mount::<Stage>(stage_of(frame, Lang::Zh, Callback::noop())).await;
    assert_eq!(text(&root, "group-billing-state"), "⟳ 重平衡中");
    assert!(text(&root, "consumer-300").contains("已崩溃"));
    assert!(text(&root, "consumer-301").contains("空闲"));
}

#[wasm_bindgen_test]
async fn the_orders_table_flags_its_duplicate_rows_and_counts_expected_against_actual() {
    let root = mount::<Stage>(consumer_stage(Lang::En)).await;
    assert_eq!(
        text(&root, "store-orders-table-count"),
        "expected 6 · actual 10 rows"
    );
    assert_eq!(
        text(&root, "store-orders-table-duplicates"),
        "⚠ 4 duplicate row(s)"
    );
    assert_eq!(
        text(&root, "store-orders-table-absorbed"),
        "repeats stopped: 0"
    );
    assert!(text(&root, "store-orders-table").contains("plain INSERT"));
    let store = find(&root, "store-orders-table");
    assert_eq!(count(&store, ".row"), 10);
    // Eight rows share a key with another: each carries the mark, not only a colour.
    let dups = store.query_selector_all(".row.dup").unwrap();
    assert_eq!(dups.length(), 8);
    for i in 0..dups.length() {
        let row = dups.item(i).unwrap().text_content().unwrap();
        assert!(row.contains('⚠') && row.contains("duplicate"), "{row}");
    }
    assert!(!find(&root, "store-orders-table")
        .query_selector("[data-key='order-5']")
        .unwrap()
        .unwrap()
        .class_list()
        .contains("dup"));

    let root = mount::<Stage>(consumer_stage(Lang::Zh)).await;
    assert_eq!(
        text(&root, "store-orders-table-count"),
        "期望 6 行 · 实际 10 行"
    );
}

#[wasm_bindgen_test]
async fn a_seen_set_shows_its_ids_and_the_repeats_it_stopped() {
    let mut frame = fixtures::consumer_frame();
    let store = &mut frame.stores[0];
    store.kind = mqlab_scenario::frame::StoreKind::SeenSet;
    store.rows.drain(..4);
    for row in &mut store.rows {
        row.duplicate = false;
    }
    store.seen = (1..=6).map(|i| format!("order-{i}")).collect();
    store.absorbed = 4;
    let root = mount::<Stage>(stage_of(frame, Lang::En, Callback::noop())).await;
    assert_eq!(attr(&root, "store-orders-table", "data-kind"), "seen_set");
    assert_eq!(
        text(&root, "store-orders-table-duplicates"),
        "✓ no duplicate rows"
    );
    assert_eq!(
        text(&root, "store-orders-table-absorbed"),
        "repeats stopped: 4"
    );
    let seen = find(&root, "store-orders-table-seen");
    assert_eq!(seen.get_attribute("data-count").as_deref(), Some("6"));
    assert_eq!(count(&seen, ".seen-id"), 6);
    assert!(seen.text_content().unwrap().contains("6 id(s)"));
}

#[wasm_bindgen_test]
async fn positions_and_committed_offsets_are_marked_on_the_leaders_log() {
    let root = mount::<Stage>(consumer_stage(Lang::En)).await;
    let leader = find(&root, "replica-orders-0-1");
    let position = leader
        .query_selector("[data-testid='position-orders-0']")
        .unwrap()
        .expect("▲ on the leader's log");
    assert_eq!(
        position.get_attribute("data-who").as_deref(),
        Some("billing-app")
    );
    assert_eq!(position.get_attribute("data-offset").as_deref(), Some("6"));
    assert!(position.text_content().unwrap().contains("billing-app @6"));
    assert!(
        position.query_selector("path").unwrap().is_some(),
        "a shape, not only text"
    );
    let committed = leader
        .query_selector("[data-testid='committed-orders-0']")
        .unwrap()
        .expect("◆ on the leader's log");
    assert_eq!(committed.get_attribute("data-offset").as_deref(), Some("4"));
    assert!(committed.text_content().unwrap().contains("billing @4"));
    // Followers are not read from: no markers there.
    assert_eq!(
        count(&find(&root, "replica-orders-0-2"), ".marker.position"),
        0
    );
    // The strip under the stage says the same in words.
    assert_eq!(
        text(&root, "partition-orders-0-positions"),
        "▲ billing-app @6"
    );
    assert_eq!(text(&root, "partition-orders-0-committed"), "◆ billing @4");
}

/// The menu of `node` (in a RabbitMQ scenario's words if `rabbit`), in English; its commands
/// go nowhere.
fn menu_of(node: mqlab_scenario::frame::NodeView, rabbit: bool) -> NodeMenuProps {
    NodeMenuProps {
        lang: Lang::En,
        node,
        on_command: Callback::noop(),
        on_close: Callback::noop(),
        rabbit,
    }
}

#[wasm_bindgen_test]
async fn clicking_a_consumer_opens_its_menu_with_kill_close_and_restart() {
    use mqlab_web::stage::menu::NodeCommand;
    use std::cell::Cell;
    let clicked = Rc::new(Cell::new(None));
    let seen = clicked.clone();
    let root = mount::<Stage>(stage_of(
        fixtures::consumer_frame(),
        Lang::En,
        Callback::from(move |id| seen.set(Some(id))),
    ))
    .await;
    let card: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(find(&root, "consumer-300"));
    card.dispatch_event(&web_sys::Event::new("click").unwrap())
        .unwrap();
    assert_eq!(clicked.get(), Some(300));

    let frame = fixtures::consumer_frame();
    let node = frame.nodes.iter().find(|n| n.id == 300).unwrap().clone();
    let chosen = Rc::new(Cell::new(None));
    let got = chosen.clone();
    let props = NodeMenuProps {
        on_command: Callback::from(move |c| got.set(Some(c))),
        ..menu_of(node.clone(), false)
    };
    let root = mount::<NodeMenu>(props).await;
    assert!(text(&root, "menu-kill").contains("kill -9"));
    assert!(text(&root, "menu-stop").contains("close()"));
    // Shutting the consumer down and closing the menu read differently.
    assert!(text(&root, "menu-stop").contains("leaves the group"));
    assert!(text(&root, "menu-close").contains("Close this menu"));
    assert!(!text(&root, "menu-stop").starts_with("Close"));
    assert_eq!(count(&root, "[data-testid='menu-isolate']"), 0);
    assert_eq!(count(&root, "[data-testid='menu-restart']"), 0);
    click(&root, "menu-kill");
    assert_eq!(chosen.get(), Some((300, NodeCommand::Kill)));

    let mut down = node;
    down.status = mqlab_scenario::frame::NodeStatus::Crashed;
    let root = mount::<NodeMenu>(menu_of(down, false)).await;
    assert_eq!(count(&root, "[data-testid='menu-restart']"), 1);
    assert_eq!(count(&root, "[data-testid='menu-kill']"), 0);
}

/// The ledger of a scenario with consumers and stores: their columns and the stores' rows.
fn consumer_ledger(frame: &mqlab_scenario::Frame, lang: Lang) -> LedgerProps {
    LedgerProps {
        consumers: true,
        stores: Rc::new(frame.stores.clone()),
        ..ledger_of(frame, lang)
    }
}

#[wasm_bindgen_test]
async fn the_ledger_counts_deliveries_processing_and_store_duplicates() {
    let frame = fixtures::consumer_frame();
    let root = mount::<Ledger>(consumer_ledger(&frame, Lang::En)).await;
    let side = find(&root, "ledger-consumers");
    assert_eq!(text(&side, "ledger-delivered"), "6");
    assert_eq!(text(&side, "ledger-redelivered"), "6");
    assert_eq!(text(&side, "ledger-processed"), "6");
    assert_eq!(text(&side, "ledger-store-duplicates"), "4");
    assert_eq!(text(&side, "ledger-absorbed"), "0");
    assert_eq!(text(&side, "ledger-skipped"), "0");
    assert!(find(&side, "ledger-store-duplicates")
        .parent_element()
        .unwrap()
        .class_list()
        .contains("bad"));
    assert_eq!(
        text(&root, "ledger-expected-orders-table"),
        "orders-table: expected 6, actual 10 — ⚠ 4 too many (不能多)"
    );
    let twice = find(&root, "message-row-order-1");
    assert_eq!(
        twice.get_attribute("data-consumption").as_deref(),
        Some("duplicated")
    );
    assert_eq!(text(&twice, "deliveries"), "2");
    assert_eq!(text(&twice, "processed-rows"), "2 / 2");
    assert!(twice.text_content().unwrap().contains("duplicate rows"));
    let once = find(&root, "message-row-order-5");
    assert_eq!(
        once.get_attribute("data-consumption").as_deref(),
        Some("processed")
    );
    assert!(once.text_content().unwrap().contains("processed once"));

    // Fewer rows than expected: 不能少.
    let mut short = frame.clone();
    short.stores[0].rows.truncate(4);
    let root = mount::<Ledger>(consumer_ledger(&short, Lang::Zh)).await;
    assert_eq!(
        text(&root, "ledger-expected-orders-table"),
        "orders-table：期望 6，实际 4 — 目前少了 2（不能少）"
    );
    assert!(text(&root, "ledger-consumers").contains("拦截的重复"));

    // A scenario without consumers keeps the ledger as it was.
    let mut plain = consumer_ledger(&frame, Lang::En);
    plain.consumers = false;
    let root = mount::<Ledger>(plain).await;
    assert_eq!(count(&root, "[data-testid='ledger-consumers']"), 0);
    assert_eq!(count(&root, "[data-testid='deliveries']"), 0);
}

#[wasm_bindgen_test]
async fn a_selected_message_shows_its_whole_life_and_a_step_of_it_seeks() {
    use mqlab_scenario::frame::{Happening, Severity};
    use mqlab_web::panels::event_log::LogEntry;
    use std::cell::Cell;
    let frame = fixtures::consumer_frame();
    let happening = |en: &str| Happening {
        node: Some(300),
        severity: Severity::Notice,
        en: en.into(),
        zh: en.into(),
    };
    let sought = Rc::new(Cell::new(None));
    let got = sought.clone();
    let mut props = consumer_ledger(&frame, Lang::En);
    props.selected = Some(0);
    props.step = 100;
    props.life = Rc::new(vec![
        LogEntry {
            step: 75,
            time_ms: 3_414,
            happenings: vec![happening(
                "billing-app processed order-1: INSERT into orders-table",
            )],
        },
        LogEntry {
            step: 212,
            time_ms: 10_416,
            happenings: vec![happening(
                "billing-app processed order-1 again: a second row in orders-table",
            )],
        },
    ]);
    props.on_seek = Callback::from(move |step| got.set(Some(step)));
    let root = mount::<Ledger>(props).await;
    let life = find(&root, "message-life");
    let words = life.text_content().unwrap();
    assert!(
        words.contains("delivered 2 time(s): billing-app, billing-app"),
        "{words}"
    );
    assert!(
        words.contains("processed 2 time(s), 2 row(s) in the store"),
        "{words}"
    );
    assert!(words.contains("again: a second row"), "{words}");
    let steps = life.query_selector_all(".life-step").unwrap();
    assert_eq!(steps.length(), 2);
    // The step after the player's position is greyed as later.
    let later: Element = wasm_bindgen::JsCast::unchecked_into(steps.item(1).unwrap());
    assert!(later.class_list().contains("later"));
    let button: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(later.query_selector("button").unwrap().unwrap());
    button.click();
    assert_eq!(sought.get(), Some(212));
}

fn knobs(consumers: bool) -> mqlab_scenario::Knobs {
    use mqlab_scenario::doc::{AcksDoc, CommitDoc, StoreKindDoc};
    mqlab_scenario::Knobs {
        brokers: 3,
        partitions: 1,
        replication_factor: 3,
        min_insync_replicas: 2,
        acks: AcksDoc::All,
        retries: 5,
        max_in_flight: 5,
        unclean_leader_election: false,
        version: "4.1".into(),
        eligible_leader_replicas: true,
        idempotence: true,
        commit: consumers.then_some(CommitDoc::Auto),
        auto_commit_interval_ms: 5_000,
        auto_offset_reset: consumers.then_some(mqlab_scenario::doc::OffsetResetDoc::Latest),
        store: consumers.then_some(StoreKindDoc::PlainInsert),
        seed: 3,
    }
}

fn choose(root: &Element, selector: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = at(root, selector);
    select.set_value(value);
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// What the settings panel handed up on its last Apply (the knobs, and a RabbitMQ scenario's
/// section), if anything.
type Applied = Rc<std::cell::RefCell<Option<mqlab_web::panels::settings::Applied>>>;

/// The settings panel in `lang` for `knobs` of a scenario modelling `model_version`, with its
/// RabbitMQ section if it has one; and where Apply's values land.
fn settings(
    lang: Lang,
    knobs: mqlab_scenario::Knobs,
    model_version: &'static str,
    rabbit: Option<mqlab_scenario::doc_rabbit::RabbitDoc>,
) -> (SettingsProps, Applied) {
    let applied = Applied::default();
    let got = applied.clone();
    let props = SettingsProps {
        lang,
        knobs,
        model_version,
        error: None,
        rabbit: rabbit.map(|doc| SharedRabbit(Rc::new(doc))),
        on_apply: Callback::from(move |v| *got.borrow_mut() = Some(v)),
    };
    (props, applied)
}

/// Click Apply and let the panel hand its values up.
async fn apply(root: &Element) {
    click(root, "settings-apply");
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn settings_offer_commit_mode_and_store_when_there_are_consumers() {
    use mqlab_scenario::doc::{CommitDoc, StoreKindDoc};
    let (props, applied) = settings(Lang::En, knobs(true), "Kafka 3.7+ (KRaft)", None);
    let root = mount::<Settings>(props).await;
    find(&root, "settings-consumers");
    assert_eq!(count(&root, "#knob-commit option"), 4);
    assert_eq!(count(&root, "#knob-store option"), 5);
    assert!(text(&root, "knob-commit-help").contains("at least once"));
    assert!(text(&root, "knob-store-help").contains("second row"));

    assert_eq!(count(&root, "#knob-offset-reset option"), 3);
    assert!(text(&root, "knob-offset-reset-help").contains("skipped"));
    choose(&root, "#knob-offset-reset", "earliest");
    choose(&root, "#knob-store", "unique_key");
    choose(&root, "#knob-commit", "sync_before_process");
    yew::scheduler::flush().await;
    assert!(
        text(&root, "knob-store-help").contains("unique key"),
        "{}",
        text(&root, "knob-store-help")
    );
    assert!(text(&root, "knob-commit-help").contains("at most once"));
    apply(&root).await;
    let (chosen, _) = applied.borrow().clone().expect("Apply hands the knobs up");
    assert_eq!(chosen.store, Some(StoreKindDoc::UniqueKey));
    assert_eq!(chosen.commit, Some(CommitDoc::SyncBeforeProcess));
    assert_eq!(chosen.auto_commit_interval_ms, 5_000);
    assert_eq!(
        chosen.auto_offset_reset,
        Some(mqlab_scenario::doc::OffsetResetDoc::Earliest)
    );

    // No consumers: no consumer settings.
    let (props, _) = settings(Lang::Zh, knobs(false), "Kafka 3.7+ (KRaft)", None);
    let root = mount::<Settings>(props).await;
    assert_eq!(count(&root, "[data-testid='settings-consumers']"), 0);
    assert_eq!(count(&root, "#knob-store"), 0);
}

fn checkbox(root: &Element, selector: &str) -> web_sys::HtmlInputElement {
    at(root, selector)
}

#[wasm_bindgen_test]
async fn the_version_picker_writes_the_version_and_offers_elr_from_4_0() {
    let version = "Kafka 4.1+ (KRaft), ELR on";
    let (props, applied) = settings(Lang::En, knobs(false), version, None);
    let root = mount::<Settings>(props).await;
    assert_eq!(count(&root, "#knob-version option"), 4);
    let select: web_sys::HtmlSelectElement = at(&root, "#knob-version");
    assert_eq!(select.value(), "4.1");
    assert!(text(&root, "knob-version-help").contains("on by default"));
    // 4.1: ELR offered, on as the knobs say.
    let elr = checkbox(&root, "#knob-elr");
    assert!(!elr.disabled(), "ELR is offered on 4.1");
    assert!(elr.checked());
    assert!(text(&root, "knob-elr-help").contains("ELR"));

    // 4.0: ELR offered, off by default; switched on by hand, it is applied on.
    choose(&root, "#knob-version", "4.0");
    yew::scheduler::flush().await;
    assert!(text(&root, "knob-version-help").contains("off by default"));
    let elr = checkbox(&root, "#knob-elr");
    assert!(!elr.disabled(), "ELR is offered on 4.0");
    assert!(!elr.checked(), "4.0's default is ELR off");
    elr.click();
    yew::scheduler::flush().await;
    apply(&root).await;
    let (chosen, _) = applied.borrow().clone().expect("Apply hands the knobs up");
    assert_eq!(chosen.version, "4.0");
    assert!(chosen.eligible_leader_replicas);
    assert!(chosen.idempotence);

    // 3.6: no ELR to offer, and none applied.
    choose(&root, "#knob-version", "3.6");
    yew::scheduler::flush().await;
    assert!(text(&root, "knob-version-help").contains("KAFKA-15583"));
    let elr = checkbox(&root, "#knob-elr");
    assert!(elr.disabled() && !elr.checked(), "no ELR on 3.6");
    assert!(text(&root, "knob-elr-help").contains("4.0"));
    apply(&root).await;
    let (chosen, _) = applied.borrow().clone().unwrap();
    assert_eq!(chosen.version, "3.6");
    assert!(!chosen.eligible_leader_replicas);

    // 0.10: no ELR and no idempotent producer; back on 4.1 both return.
    choose(&root, "#knob-version", "0.10");
    yew::scheduler::flush().await;
    assert!(text(&root, "knob-version-help").contains("KIP-101"));
    assert!(checkbox(&root, "#knob-elr").disabled());
    let idempotence = checkbox(&root, "#knob-idempotence");
    assert!(idempotence.disabled() && !idempotence.checked());
    apply(&root).await;
    let (chosen, _) = applied.borrow().clone().unwrap();
    assert_eq!(chosen.version, "0.10");
    assert!(!chosen.eligible_leader_replicas && !chosen.idempotence);
    choose(&root, "#knob-version", "4.1");
    yew::scheduler::flush().await;
    assert!(checkbox(&root, "#knob-elr").checked());
    assert!(checkbox(&root, "#knob-idempotence").checked());
    apply(&root).await;
    let (chosen, _) = applied.borrow().clone().unwrap();
    assert_eq!(chosen.version, "4.1");
    assert!(chosen.eligible_leader_replicas && chosen.idempotence);

    // In Chinese too.
    let (props, _) = settings(Lang::Zh, knobs(false), version, None);
    let root = mount::<Settings>(props).await;
    assert!(root.text_content().unwrap().contains("Kafka 版本"));
    assert!(root
        .text_content()
        .unwrap()
        .contains("Eligible Leader Replicas（ELR，KIP-966）"));
    assert!(text(&root, "knob-version-help").contains("默认开启"));
}

#[wasm_bindgen_test]
async fn consumers_without_a_consumer_group_get_a_plain_frame() {
    let mut frame = fixtures::consumer_frame();
    frame.groups.clear();
    let root = mount::<Stage>(stage_of(frame, Lang::En, Callback::noop())).await;
    let plain = find(&root, "group-billing");
    assert!(plain.class_list().contains("plain"));
    assert_eq!(count(&root, "[data-testid='group-billing-state']"), 0);
    assert!(!plain.text_content().unwrap().contains("generation"));
    assert_eq!(count(&plain, "[data-testid^='consumer-']"), 2);
}

// ---------- RabbitMQ ----------

fn rabbit_stage(lang: Lang) -> StageProps {
    stage_of(fixtures::rabbit_frame(), lang, Callback::noop())
}

fn has_class(root: &Element, testid: &str, class: &str) -> bool {
    find(root, testid).class_list().contains(class)
}

#[wasm_bindgen_test]
async fn a_node_paused_by_pause_minority_says_so_instead_of_up_in_both_languages() {
    let paused = |lang| {
        let mut frame = fixtures::rabbit_frame();
        frame.nodes[2].paused = true;
        stage_of(frame, lang, Callback::noop())
    };
    let status = |root: &Element, testid: &str| {
        let line = find(root, testid)
            .query_selector(".node-status")
            .unwrap()
            .unwrap();
        line.text_content().unwrap_or_default()
    };
    let root = mount::<Stage>(paused(Lang::En)).await;
    assert!(has_class(&root, "broker-3", "paused"));
    assert_eq!(status(&root, "broker-3"), "⏸ paused: minority side");
    assert!(!has_class(&root, "broker-2", "paused"));
    assert_eq!(status(&root, "broker-2"), "up");
    let root = mount::<Stage>(paused(Lang::Zh)).await;
    assert_eq!(status(&root, "broker-3"), "⏸ 已暂停：处于少数派");
}

#[wasm_bindgen_test]
async fn rabbitmq_nodes_show_the_queue_replicas_they_host_in_words() {
    let root = mount::<Stage>(rabbit_stage(Lang::En)).await;
    // rabbit-2 leads orders: the delivered-not-acked message first (⇢, and ↻ as it was
    // delivered before), then the ready ones, and the counts in words.
    assert!(has_class(&root, "queue-orders-2", "leader"));
    assert_eq!(attr(&root, "queue-orders-2", "data-role"), "leader");
    let leader = text(&root, "queue-orders-2");
    assert!(leader.contains("♛ leader"), "{leader}");
    // Spaced out, or tight when the row is narrow (as here).
    let counts = leader.replace(" · ", "·");
    assert!(counts.contains("ready 2·unacked 1·disk 3"), "{leader}");
    let row = find(&root, "queue-orders-2");
    assert_eq!(count(&row, ".qcell"), 3);
    assert_eq!(count(&row, ".qcell.unacked"), 1);
    assert_eq!(count(&row, ".qcell.redelivered"), 2);
    let first = row.query_selector(".qcell").unwrap().unwrap();
    assert!(first.class_list().contains("unacked"));
    let above = first.query_selector(".offset").unwrap().unwrap();
    assert_eq!(above.text_content().as_deref(), Some("⇢↻"));
    assert!(first
        .text_content()
        .unwrap()
        .contains("order-3 · delivered, not acked · redelivered · persistent"));
    assert_eq!(
        find(&root, "broker-2")
            .get_attribute("data-leader-of")
            .as_deref(),
        Some("orders")
    );
    // An unsynchronised mirror, and the disk of the node that died.
    assert_eq!(attr(&root, "queue-orders-3", "data-synced"), "false");
    assert!(text(&root, "queue-orders-3").contains("mirror ✕ unsynced"));
    assert!(has_class(&root, "queue-orders-3", "unsynced"));
    assert_eq!(attr(&root, "queue-orders-1", "data-role"), "on_disk");
    assert!(text(&root, "queue-orders-1").contains("on disk only"));
    assert!(text(&root, "queue-orders-1").contains("disk 4"));
    // A queue that is down says so on every node.
    for node in 1..=3 {
        let id = format!("queue-audit-{node}");
        assert_eq!(attr(&root, &id, "data-availability"), "down");
        assert!(text(&root, &id).contains("✕ DOWN: no leader"));
    }
    // The partition strip gives way to the queues'.
    assert_eq!(count(&root, ".partition-chip:not(.queue-chip)"), 0);

    let root = mount::<Stage>(rabbit_stage(Lang::Zh)).await;
    assert!(text(&root, "queue-orders-3").contains("镜像 ✕ 未同步"));
    assert!(text(&root, "queue-orders-2").contains("就绪 2 · 未确认 1 · 磁盘 3"));
    assert!(text(&root, "queue-audit-2").contains("DOWN"));
}

#[wasm_bindgen_test]
async fn under_the_stage_each_queue_its_leader_and_policy_and_the_traffic_per_link() {
    let root = mount::<Stage>(rabbit_stage(Lang::En)).await;
    assert_eq!(
        attr(&root, "queue-orders", "data-availability"),
        "available"
    );
    assert_eq!(attr(&root, "queue-orders", "data-leader"), "2");
    assert_eq!(text(&root, "queue-orders-leader"), "♛ leader rabbit-2");
    assert!(text(&root, "queue-orders").contains("classic · durable · consumers: billing"));
    assert!(text(&root, "queue-orders-policy").contains("removed in RabbitMQ 4.0"));
    assert!(has_class(&root, "queue-audit", "offline"));
    assert_eq!(text(&root, "queue-audit-leader"), "✕ DOWN: no leader");
    assert!(text(&root, "queue-audit").contains("transient"));
    // Each link once, both directions; links between nodes first, marked as hops.
    assert_eq!(text(&root, "traffic-1-2"), "rabbit-1 →14 ←6 rabbit-2");
    assert!(has_class(&root, "traffic-1-2", "hop"));
    assert_eq!(text(&root, "traffic-2-300"), "rabbit-2 →5 ←4 billing");
    assert!(!has_class(&root, "traffic-2-300", "hop"));
    let order: Vec<String> = {
        let items = find(&root, "traffic").query_selector_all("li").unwrap();
        (0..items.length())
            .map(|i| {
                let e: Element = wasm_bindgen::JsCast::unchecked_into(items.item(i).unwrap());
                e.get_attribute("data-testid").unwrap()
            })
            .collect()
    };
    // Left to right as on the stage: the publisher before its node.
    assert_eq!(text(&root, "traffic-100-2"), "shop →7 ←7 rabbit-2");
    assert_eq!(order, ["traffic-1-2", "traffic-100-2", "traffic-2-300"]);

    let root = mount::<Stage>(rabbit_stage(Lang::Zh)).await;
    assert!(text(&root, "queue-orders-policy").contains("RabbitMQ 4.0 已移除"));
    assert_eq!(text(&root, "queue-orders-leader"), "♛ leader rabbit-2");
}

#[wasm_bindgen_test]
async fn publishers_show_their_mode_persistence_confirms_and_messages_per_second() {
    let root = mount::<Stage>(rabbit_stage(Lang::En)).await;
    let shop = text(&root, "producer-100");
    for part in [
        "confirms",
        "up to 100 unconfirmed",
        "persistent",
        "✓ 100 confirmed",
        "⚡ 490 msg/s",
    ] {
        assert!(shop.contains(part), "{part} in {shop}");
    }
    assert_eq!(attr(&root, "producer-100", "data-per-second"), "490");
    assert!(has_class(&root, "producer-100", "publisher"));
    let tx = text(&root, "producer-101");
    for part in ["transactions", "1 per tx.commit", "transient", "⚡ 4 msg/s"] {
        assert!(tx.contains(part), "{part} in {tx}");
    }
    assert!(attr(&root, "producer-101", "aria-label").contains("⚡ 4 msg/s"));
    // The consumer sits in its queue's frame, with its ack mode.
    assert!(text(&root, "group-orders").starts_with("queue orders"));
    assert!(text(&root, "consumer-300").contains("manual ack, prefetch 3"));
    assert!(
        attr(&root, "consumer-300", "aria-label").starts_with("billing, consumer of queue orders")
    );

    let root = mount::<Stage>(rabbit_stage(Lang::Zh)).await;
    assert!(text(&root, "producer-100").contains("⚡ 490 条/秒"));
    assert!(text(&root, "producer-101").contains("非持久消息"));
}

#[wasm_bindgen_test]
async fn a_crashed_publisher_says_so_and_its_menu_restarts_it() {
    let mut frame = fixtures::rabbit_frame();
    frame.nodes[3].status = mqlab_scenario::frame::NodeStatus::Crashed;
    let root = mount::<Stage>(stage_of(frame.clone(), Lang::En, Callback::noop())).await;
    assert_eq!(attr(&root, "producer-100", "data-status"), "crashed");
    assert!(text(&root, "producer-100").contains("✕ crashed"));
    let menu = |node: usize| menu_of(frame.nodes[node].clone(), true);
    let root = mount::<NodeMenu>(menu(3)).await;
    assert_eq!(count(&root, "[data-testid='menu-restart']"), 1);
    assert_eq!(count(&root, "[data-testid='menu-produce']"), 0);
    // An up publisher: publish, kill -9 or close its connection.
    let root = mount::<NodeMenu>(menu(4)).await;
    assert_eq!(text(&root, "menu-produce"), "Publish 5 messages");
    assert!(text(&root, "menu-kill").contains("kill -9"));
    assert!(text(&root, "menu-stop").contains("connection.close"));
    // A node: kill, stop, isolate; a consumer closes its connection.
    let root = mount::<NodeMenu>(menu(1)).await;
    assert_eq!(count(&root, "[data-testid='menu-isolate']"), 1);
    assert!(text(&root, "menu-stop").contains("Stop gracefully"));
    let root = mount::<NodeMenu>(menu(5)).await;
    assert!(text(&root, "menu-stop").contains("connection.close"));
}

#[wasm_bindgen_test]
async fn the_ledger_speaks_rabbitmq() {
    let frame = fixtures::rabbit_frame();
    let mut props = consumer_ledger(&frame, Lang::En);
    props.rabbit = true;
    let root = mount::<Ledger>(props).await;
    assert!(text(&root, "ledger-summary").contains("confirmed"));
    assert!(text(&root, "ledger-summary").contains("in a queue"));
    assert_eq!(text(&root, "ledger-consumed"), "1");
    assert!(text(&root, "ledger-consumers").contains("consumed (acked)"));
    let consumed = text(&root, "message-row-order-1");
    assert!(consumed.contains("✓ delivered and acked"), "{consumed}");
    assert!(consumed.contains("processed once"), "{consumed}");
    assert!(text(&root, "message-row-order-5").contains("✓ in the queue"));
    assert!(text(&root, "message-row-order-6").contains("✕ basic.nack"));

    // Kafka's words stay Kafka's.
    let root = mount::<Ledger>(consumer_ledger(&frame, Lang::En)).await;
    assert_eq!(count(&root, "[data-testid='ledger-consumed']"), 0);
    assert!(text(&root, "message-row-order-5").contains("✓ visible"));
}

/// The RabbitMQ section of the example `id`.
fn rabbit_doc(id: &str) -> mqlab_scenario::doc_rabbit::RabbitDoc {
    let doc = mqlab_scenario::examples()
        .into_iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no example {id}"))
        .doc;
    doc.rabbitmq.expect("a RabbitMQ scenario")
}

/// The settings panel of the RabbitMQ example `id` (its knobs have no Kafka commit mode), and
/// where Apply's values land.
fn rabbit_settings(id: &str) -> (SettingsProps, Applied) {
    let mut knobs = knobs(true);
    knobs.commit = None;
    let version = "RabbitMQ 4.x: quorum queues, delivery limit 20";
    settings(Lang::En, knobs, version, Some(rabbit_doc(id)))
}

fn toggle(root: &Element, selector: &str) {
    checkbox(root, selector).click();
}

#[wasm_bindgen_test]
async fn rabbitmq_settings_replace_the_kafka_fields_and_apply_to_the_document() {
    use mqlab_scenario::doc_rabbit::{PublishModeDoc, QueueTypeDoc};
    let (props, applied) = rabbit_settings("rabbitmq-autoack-vs-manual");
    let root = mount::<Settings>(props).await;
    for kafka in [
        "#knob-brokers",
        "#knob-rf",
        "#knob-acks",
        "#knob-idempotence",
        "#knob-commit",
    ] {
        assert_eq!(count(&root, kafka), 0, "{kafka} hidden");
    }
    assert_eq!(count(&root, "#knob-publisher-0-mode option"), 3);
    assert!(text(&root, "knob-publisher-0-mode-help").contains("safe and fast"));
    let checked = |selector: &str| checkbox(&root, selector).checked();
    assert!(checked("#knob-publisher-0-persistent"));
    assert!(checked("#knob-queue-0-durable"));
    assert!(checked("#knob-consumer-0-autoack"));
    find(&root, "settings-consumer-billing");
    assert_eq!(count(&root, "#knob-store"), 1);

    // RabbitMQ 4.x unless the document says 3.13; the help says what differs.
    assert_eq!(count(&root, "#knob-rabbit-version option"), 2);
    assert!(text(&root, "knob-rabbit-version-help").contains("removed in 4.0"));
    choose(&root, "#knob-rabbit-version", "3.13");
    yew::scheduler::flush().await;
    assert!(text(&root, "knob-rabbit-version-help").contains("ha-mode"));
    choose(&root, "#knob-publisher-0-mode", "transaction");
    toggle(&root, "#knob-publisher-0-persistent");
    toggle(&root, "#knob-queue-0-durable");
    toggle(&root, "#knob-consumer-0-autoack");
    yew::scheduler::flush().await;
    choose(&root, "#knob-queue-0-type", "quorum");
    set_input(&root, "#knob-consumer-0-prefetch", "7");
    yew::scheduler::flush().await;
    assert!(text(&root, "knob-publisher-0-mode-help").contains("tx.commit"));
    apply(&root).await;
    let (knobs, doc) = applied.borrow().clone().expect("Apply hands the values up");
    let doc = doc.expect("with the RabbitMQ section");
    assert_eq!(knobs.seed, 3);
    assert_eq!(doc.publishers[0].mode, PublishModeDoc::Transaction);
    assert!(!doc.publishers[0].persistent);
    assert!(!doc.queues[0].durable);
    assert_eq!(doc.queues[0].kind, QueueTypeDoc::Quorum);
    assert!(!doc.consumers[0].auto_ack);
    assert_eq!(doc.consumers[0].prefetch, 7);
    assert_eq!(doc.version.as_deref(), Some("3.13"));

    // A prefetch that is not a number is named, and nothing is applied.
    *applied.borrow_mut() = None;
    set_input(&root, "#knob-consumer-0-prefetch", "x");
    yew::scheduler::flush().await;
    apply(&root).await;
    assert!(applied.borrow().is_none());
    assert!(text(&root, "settings-error").contains("Prefetch"));
}

fn set_input(root: &Element, selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement = at(root, selector);
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn rabbitmq_settings_scale_the_consumers_and_limit_the_queue() {
    use mqlab_scenario::doc_rabbit::OverflowDoc;
    let (props, applied) = rabbit_settings("rabbitmq-backlog");
    let root = mount::<Settings>(props).await;
    let value = |selector: &str| at::<web_sys::HtmlInputElement>(&root, selector).value();
    // No limits yet: the fields are empty; drop-head is RabbitMQ's default.
    assert_eq!(value("#knob-consumer-count"), "1");
    assert_eq!(value("#knob-queue-0-ttl"), "");
    assert_eq!(value("#knob-queue-0-max-length"), "");
    assert_eq!(value("#knob-queue-0-overflow"), "drop-head");
    assert!(text(&root, "knob-queue-0-overflow-help").contains("oldest"));

    set_input(&root, "#knob-consumer-count", "3");
    set_input(&root, "#knob-queue-0-ttl", "5000");
    set_input(&root, "#knob-queue-0-max-length", "10");
    yew::scheduler::flush().await;
    choose(&root, "#knob-queue-0-overflow", "reject-publish");
    yew::scheduler::flush().await;
    assert!(text(&root, "knob-queue-0-overflow-help").contains("nack"));
    apply(&root).await;
    let (_, doc) = applied.borrow().clone().expect("Apply hands the values up");
    let doc = doc.expect("with the RabbitMQ section");
    let names: Vec<&str> = doc.consumers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["billing", "billing-2", "billing-3"]);
    assert!(doc.consumers.iter().all(|c| c.processing_ms == 400));
    assert_eq!(doc.queues[0].message_ttl_ms, Some(5000));
    assert_eq!(doc.queues[0].max_length, Some(10));
    assert_eq!(doc.queues[0].overflow, Some(OverflowDoc::RejectPublish));

    // Emptied again: no TTL. A length that is not a whole number ("1e3" passes the browser's
    // check) is named, and nothing is applied.
    *applied.borrow_mut() = None;
    set_input(&root, "#knob-queue-0-ttl", "");
    set_input(&root, "#knob-queue-0-max-length", "1e3");
    yew::scheduler::flush().await;
    apply(&root).await;
    assert!(applied.borrow().is_none());
    assert!(text(&root, "settings-error").contains("Max length"));
    set_input(&root, "#knob-queue-0-max-length", "");
    yew::scheduler::flush().await;
    apply(&root).await;
    let (_, doc) = applied.borrow().clone().expect("applied");
    let doc = doc.unwrap();
    assert_eq!(doc.queues[0].message_ttl_ms, None);
    assert_eq!(doc.queues[0].max_length, None);
}

// ---------- lessons ----------

use mqlab_scenario::lesson::run::{Outcome, Prediction, Verdict};
use mqlab_web::pages::lesson_map::{LessonMap, LessonMapProps};
use mqlab_web::panels::lesson_panel::{LessonPanel, LessonPanelProps};
use mqlab_web::progress::Progress;
use mqlab_web::{LessonInput, LessonState};
use wasm_bindgen::JsCast;

fn lesson_at(id: &str, step: usize) -> LessonState {
    let lesson = mqlab_scenario::lesson::lessons()
        .into_iter()
        .find(|l| l.doc.id == id)
        .unwrap();
    LessonState::new(Rc::new(lesson), step)
}

fn panel(lesson: LessonState, lang: Lang, on_input: Callback<LessonInput>) -> LessonPanelProps {
    LessonPanelProps {
        lang,
        lesson,
        playing: false,
        on_input,
        lessons: Rc::new(mqlab_scenario::lesson::cards()),
    }
}

#[wasm_bindgen_test]
async fn the_lesson_map_groups_lessons_by_question_and_shows_progress() {
    let mut progress = Progress::default();
    progress.finish("rabbitmq-single-node");
    progress.reach("ordering", 2);
    let root = mount::<LessonMap>(LessonMapProps {
        lang: Lang::En,
        lessons: Rc::new(mqlab_scenario::lesson::cards()),
        progress: Rc::new(progress),
    })
    .await;
    let ha = find(&root, "question-high_availability");
    assert!(ha.text_content().unwrap().contains("highly available"));
    assert!(ha
        .query_selector("[data-testid='lesson-card-kafka-high-availability']")
        .unwrap()
        .is_some());
    assert_eq!(
        text(&root, "lesson-progress-rabbitmq-single-node"),
        "✓ finished"
    );
    assert!(text(&root, "lesson-progress-ordering").contains("Resume at step 3"));
    assert_eq!(
        attr(&root, "lesson-card-ordering", "href"),
        "#lesson/ordering/3"
    );
    assert_eq!(
        attr(&root, "lesson-card-backlog", "href"),
        "#lesson/backlog/1"
    );
    assert_eq!(attr(&root, "open-sandbox", "href"), "#sandbox");
}

#[wasm_bindgen_test]
async fn the_lesson_panel_holds_next_until_the_world_shows_the_step_done() {
    let sent = Rc::new(std::cell::RefCell::new(Vec::new()));
    let on_input = {
        let sent = sent.clone();
        Callback::from(move |i: LessonInput| sent.borrow_mut().push(i))
    };
    // Step 3 of the duplicate lesson asks for a kill -9.
    let waiting = lesson_at("kafka-duplicate-consumption", 2);
    let root = mount::<LessonPanel>(panel(waiting.clone(), Lang::En, on_input.clone())).await;
    assert_eq!(attr(&root, "lesson-step", "data-kind"), "act");
    assert_eq!(attr(&root, "lesson-step", "data-done"), "false");
    assert_eq!(text(&root, "lesson-step-of"), "Step 3 of 12");
    assert!(disabled(&root, "lesson-next"));
    assert!(text(&root, "lesson-status").contains("Waiting"));
    assert!(text(&root, "lesson-hint").contains("Hint"));
    click(&root, "lesson-show-me");
    assert_eq!(sent.borrow().as_slice(), &[LessonInput::ShowMe]);

    let mut done = waiting;
    done.done = true;
    let root = mount::<LessonPanel>(panel(done, Lang::Zh, on_input)).await;
    assert!(!disabled(&root, "lesson-next"));
    assert!(text(&root, "lesson-status").contains("完成"));
    assert_eq!(text(&root, "lesson-step-of"), "第 3 步，共 12 步");
    click(&root, "lesson-next");
    assert_eq!(sent.borrow().last(), Some(&LessonInput::Next));
}

#[wasm_bindgen_test]
async fn a_wrong_estimate_is_judged_once_and_earlier_tries_are_listed() {
    // Step 5 of the duplicate lesson asks how many rows.
    let mut lesson = lesson_at("kafka-duplicate-consumption", 4);
    lesson.wrong.push((Prediction::Number(6), Verdict::TooLow));
    let root = mount::<LessonPanel>(panel(lesson.clone(), Lang::En, Callback::noop())).await;
    assert_eq!(attr(&root, "lesson-step", "data-kind"), "estimate");
    let all = root.text_content().unwrap_or_default();
    assert_eq!(all.matches("Too few").count(), 1, "{all}");
    assert!(text(&root, "lesson-verdict").starts_with("6: "));
    assert_eq!(text(&root, "lesson-tries"), "");

    lesson
        .wrong
        .push((Prediction::Number(12), Verdict::TooHigh));
    let root = mount::<LessonPanel>(panel(lesson, Lang::Zh, Callback::noop())).await;
    let all = root.text_content().unwrap_or_default();
    assert_eq!(all.matches("太多了").count(), 1, "{all}");
    assert_eq!(all.matches("太少了").count(), 1, "{all}");
    assert!(text(&root, "lesson-verdict").starts_with("12: "));
    assert!(text(&root, "lesson-tries").contains("6"));
    assert!(!text(&root, "lesson-tries").contains("12"));
}

#[wasm_bindgen_test]
async fn a_wrong_choice_is_struck_out_and_a_right_one_reveals_why() {
    let lesson = lesson_at("rabbitmq-consumer-loss", 5);
    let mut wrong = lesson.clone();
    wrong.wrong.push((Prediction::Choice(0), Verdict::Wrong));
    let root = mount::<LessonPanel>(panel(wrong, Lang::En, Callback::noop())).await;
    assert_eq!(attr(&root, "lesson-step", "data-kind"), "choose");
    assert!(disabled(&root, "lesson-choice-0"));
    assert!(!disabled(&root, "lesson-choice-1"));
    assert!(text(&root, "lesson-verdict").contains("not what the model shows"));
    assert!(disabled(&root, "lesson-next"));
    assert!(root
        .query_selector("[data-testid='lesson-reveal']")
        .unwrap()
        .is_none());

    let mut right = lesson;
    right.revealed = Some(Outcome::Proven(true));
    right.done = true;
    let root = mount::<LessonPanel>(panel(right, Lang::En, Callback::noop())).await;
    assert!(text(&root, "lesson-reveal").contains("Right"));
    assert!(!disabled(&root, "lesson-next"));
}

#[wasm_bindgen_test]
async fn the_end_of_a_lesson_lists_the_answer_linked_to_its_steps() {
    let mut end = lesson_at("kafka-duplicate-consumption", 7);
    end.done = true;
    end.finished = true;
    let root = mount::<LessonPanel>(panel(end.clone(), Lang::En, Callback::noop())).await;
    let view = find(&root, "lesson-answer-view");
    let links = view.query_selector_all("a.answer-step").unwrap();
    assert_eq!(links.length() as usize, end.doc().answer.len());
    let first = links.item(0).unwrap().dyn_into::<Element>().unwrap();
    assert_eq!(
        first.get_attribute("href").unwrap(),
        format!(
            "#lesson/kafka-duplicate-consumption/{}",
            end.doc().answer[0].step + 1
        )
    );
    assert!(root
        .query_selector("[data-testid='lesson-next']")
        .unwrap()
        .is_none());
}

fn finished(id: &str) -> LessonState {
    let mut end = lesson_at(id, 0);
    end.step = end.doc().steps.len() - 1;
    end.done = true;
    end.finished = true;
    end
}

/// The lesson panel at the end of the lesson `id`.
async fn end_of(id: &str, lang: Lang) -> Element {
    mount::<LessonPanel>(panel(finished(id), lang, Callback::noop())).await
}

#[wasm_bindgen_test]
async fn the_end_of_a_lesson_links_to_the_next_lesson_of_its_question() {
    // Within a question: high availability's 4th lesson, then its 5th.
    let root = end_of("kafka-high-availability", Lang::En).await;
    assert_eq!(
        attr(&root, "next-lesson", "href"),
        "#lesson/kafka-eligible-leader-replicas/1"
    );
    assert_eq!(attr(&root, "next-lesson", "data-next"), "same-question");
    let link = text(&root, "next-lesson");
    assert!(
        link.starts_with("Next in “How do you make a message queue highly available?”: "),
        "{link}"
    );
    assert!(link.contains("Kafka 4.1: when the last in-sync replica loses power"));

    // The last of its question: the first lesson of the next question on the map, said so.
    let root = end_of("kafka-eligible-leader-replicas", Lang::Zh).await;
    assert_eq!(
        attr(&root, "next-lesson", "href"),
        "#lesson/kafka-duplicate-consumption/1"
    );
    assert_eq!(attr(&root, "next-lesson", "data-next"), "next-question");
    assert!(text(&root, "next-lesson").contains("最后一课"));

    // The message-loss lessons are numbered 7 to 11: order, not position in the file.
    let root = end_of("rabbitmq-consumer-loss", Lang::En).await;
    assert_eq!(
        attr(&root, "next-lesson", "href"),
        "#lesson/kafka-producer-loss/1"
    );

    // The last lesson of the last question: back to the lesson map.
    let root = end_of("design-an-mq", Lang::En).await;
    assert_eq!(attr(&root, "next-lesson", "href"), "#");
    assert_eq!(attr(&root, "next-lesson", "data-next"), "lesson-map");
}

/// The header every page shares (the home page's module draws it too): the page shown is
/// marked, what the page adds sits before the language switch, and the switch asks for the
/// other language, labelled in it.
#[wasm_bindgen_test]
async fn the_top_bar_marks_its_page_and_offers_the_other_language() {
    use mqlab_web::pages::top_bar::{Page, TopBar, TopBarProps};
    let asked = Rc::new(std::cell::Cell::new(None));
    let on_lang = {
        let asked = asked.clone();
        Callback::from(move |lang| asked.set(Some(lang)))
    };
    let props = TopBarProps {
        lang: Lang::Zh,
        page: Page::Sandbox,
        on_lang,
        children: yew::html! { <span data-testid="added">{ "picker" }</span> },
    };
    let root = mount::<TopBar>(props).await;
    assert_eq!(
        find(&root, "nav-sandbox")
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );
    for other in ["nav-lessons", "nav-compare"] {
        assert_eq!(
            find(&root, other).get_attribute("aria-current"),
            None,
            "{other}"
        );
    }
    assert_eq!(text(&root, "nav-lessons"), "课程");
    assert_eq!(text(&root, "lang-switch"), "English");
    let header = at::<Element>(&root, "header");
    let children: Vec<String> = (0..header.child_element_count())
        .filter_map(|i| header.children().item(i))
        .map(|c| c.tag_name().to_ascii_lowercase())
        .collect();
    assert_eq!(children, ["div", "nav", "span", "button"]);
    click(&root, "lang-switch");
    assert_eq!(asked.get(), Some(Lang::En));
}

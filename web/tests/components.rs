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
        consumers: false,
        stores: Rc::default(),
        life: Rc::default(),
        step: frame.step,
        on_seek: Callback::noop(),
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
        consumers: false,
        stores: Rc::default(),
        life: Rc::default(),
        step: frame.step,
        on_seek: Callback::noop(),
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

// ---------- consumers, groups and stores ----------

fn consumer_stage(frame: mqlab_scenario::Frame, lang: Lang, on_node: Callback<u32>) -> StageProps {
    StageProps {
        frame: Rc::new(frame),
        lang,
        clock_ms: 9_214.0,
        reduced_motion: false,
        selected_message: None,
        on_node,
        children: Html::default(),
    }
}

fn attr(root: &Element, testid: &str, name: &str) -> String {
    find(root, testid).get_attribute(name).unwrap_or_default()
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

#[wasm_bindgen_test]
async fn consumers_are_drawn_in_their_group_with_activity_partitions_hand_and_commit() {
    let root = mount::<Stage>(consumer_stage(
        fixtures::consumer_frame(),
        Lang::En,
        Callback::noop(),
    ))
    .await;
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
    let root = mount::<Stage>(consumer_stage(frame.clone(), Lang::En, Callback::noop())).await;
    assert_eq!(attr(&root, "group-billing", "data-state"), "rebalancing");
    assert_eq!(text(&root, "group-billing-state"), "⟳ REBALANCING");
    assert_eq!(attr(&root, "consumer-300", "data-status"), "crashed");
    assert!(text(&root, "consumer-300").contains("✕ crashed"));

    let root = mount::<Stage>(consumer_stage(frame, Lang::Zh, Callback::noop())).await;
    assert_eq!(text(&root, "group-billing-state"), "⟳ 重平衡中");
    assert!(text(&root, "consumer-300").contains("已崩溃"));
    assert!(text(&root, "consumer-301").contains("空闲"));
}

#[wasm_bindgen_test]
async fn the_orders_table_flags_its_duplicate_rows_and_counts_expected_against_actual() {
    let root = mount::<Stage>(consumer_stage(
        fixtures::consumer_frame(),
        Lang::En,
        Callback::noop(),
    ))
    .await;
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

    let root = mount::<Stage>(consumer_stage(
        fixtures::consumer_frame(),
        Lang::Zh,
        Callback::noop(),
    ))
    .await;
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
    let root = mount::<Stage>(consumer_stage(frame, Lang::En, Callback::noop())).await;
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
    let root = mount::<Stage>(consumer_stage(
        fixtures::consumer_frame(),
        Lang::En,
        Callback::noop(),
    ))
    .await;
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

#[wasm_bindgen_test]
async fn clicking_a_consumer_opens_its_menu_with_kill_close_and_restart() {
    use mqlab_web::menu::{NodeCommand, NodeMenu, NodeMenuProps};
    use std::cell::Cell;
    let clicked = Rc::new(Cell::new(None));
    let seen = clicked.clone();
    let root = mount::<Stage>(consumer_stage(
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
        lang: Lang::En,
        node: node.clone(),
        layout: mqlab_web::layout::StageLayout::of(&frame),
        on_command: Callback::from(move |c| got.set(Some(c))),
        on_close: Callback::noop(),
    };
    let root = mount::<NodeMenu>(props).await;
    assert!(text(&root, "menu-kill").contains("kill -9"));
    assert!(text(&root, "menu-stop").contains("close()"));
    assert_eq!(count(&root, "[data-testid='menu-isolate']"), 0);
    assert_eq!(count(&root, "[data-testid='menu-restart']"), 0);
    let kill: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(find(&root, "menu-kill"));
    kill.click();
    assert_eq!(chosen.get(), Some((300, NodeCommand::Kill)));

    let mut down = node;
    down.status = mqlab_scenario::frame::NodeStatus::Crashed;
    let props = NodeMenuProps {
        lang: Lang::En,
        node: down,
        layout: mqlab_web::layout::StageLayout::of(&frame),
        on_command: Callback::noop(),
        on_close: Callback::noop(),
    };
    let root = mount::<NodeMenu>(props).await;
    assert_eq!(count(&root, "[data-testid='menu-restart']"), 1);
    assert_eq!(count(&root, "[data-testid='menu-kill']"), 0);
}

fn consumer_ledger(frame: &mqlab_scenario::Frame, lang: Lang) -> LedgerProps {
    LedgerProps {
        lang,
        summary: frame.ledger.clone(),
        messages: Rc::new(frame.messages.clone()),
        selected: None,
        on_select: Callback::noop(),
        consumers: true,
        stores: Rc::new(frame.stores.clone()),
        life: Rc::default(),
        step: frame.step,
        on_seek: Callback::noop(),
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
    use mqlab_web::event_log::LogEntry;
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
        idempotence: true,
        commit: consumers.then_some(CommitDoc::Auto),
        auto_commit_interval_ms: 5_000,
        store: consumers.then_some(StoreKindDoc::PlainInsert),
        seed: 3,
    }
}

fn choose(root: &Element, selector: &str, value: &str) {
    let select: web_sys::HtmlSelectElement =
        wasm_bindgen::JsCast::unchecked_into(root.query_selector(selector).unwrap().unwrap());
    select.set_value(value);
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn settings_offer_commit_mode_and_store_when_there_are_consumers() {
    use mqlab_scenario::doc::{CommitDoc, StoreKindDoc};
    use mqlab_web::settings::{Settings, SettingsProps};
    use std::cell::RefCell;
    let applied = Rc::new(RefCell::new(None));
    let got = applied.clone();
    let props = SettingsProps {
        lang: Lang::En,
        knobs: knobs(true),
        model_version: "Kafka 3.7+ (KRaft)",
        error: None,
        on_apply: Callback::from(move |k| *got.borrow_mut() = Some(k)),
    };
    let root = mount::<Settings>(props).await;
    find(&root, "settings-consumers");
    assert_eq!(count(&root, "#knob-commit option"), 4);
    assert_eq!(count(&root, "#knob-store option"), 5);
    assert!(text(&root, "knob-commit-help").contains("at least once"));
    assert!(text(&root, "knob-store-help").contains("second row"));

    choose(&root, "#knob-store", "unique_key");
    choose(&root, "#knob-commit", "sync_before_process");
    yew::scheduler::flush().await;
    assert!(
        text(&root, "knob-store-help").contains("unique key"),
        "{}",
        text(&root, "knob-store-help")
    );
    assert!(text(&root, "knob-commit-help").contains("at most once"));
    let apply: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(find(&root, "settings-apply"));
    apply.click();
    yew::scheduler::flush().await;
    let chosen = applied.borrow().clone().expect("Apply hands the knobs up");
    assert_eq!(chosen.store, Some(StoreKindDoc::UniqueKey));
    assert_eq!(chosen.commit, Some(CommitDoc::SyncBeforeProcess));
    assert_eq!(chosen.auto_commit_interval_ms, 5_000);

    // No consumers: no consumer settings.
    let props = SettingsProps {
        lang: Lang::Zh,
        knobs: knobs(false),
        model_version: "Kafka 3.7+ (KRaft)",
        error: None,
        on_apply: Callback::noop(),
    };
    let root = mount::<Settings>(props).await;
    assert_eq!(count(&root, "[data-testid='settings-consumers']"), 0);
    assert_eq!(count(&root, "#knob-store"), 0);
}

#[wasm_bindgen_test]
async fn consumers_without_a_consumer_group_get_a_plain_frame() {
    let mut frame = fixtures::consumer_frame();
    frame.groups.clear();
    let root = mount::<Stage>(consumer_stage(frame, Lang::En, Callback::noop())).await;
    let plain = find(&root, "group-billing");
    assert!(plain.class_list().contains("plain"));
    assert_eq!(count(&root, "[data-testid='group-billing-state']"), 0);
    assert!(!plain.text_content().unwrap().contains("generation"));
    assert_eq!(count(&plain, "[data-testid^='consumer-']"), 2);
}

//! Determinism in the browser: the wasm build of the player produces exactly the traces the
//! native build pinned in `digests.txt`. Run with
//! `cargo test -p mqlab-scenario --target wasm32-unknown-unknown --test wasm_determinism`
//! (the runner, wasm-bindgen-test-runner, drives headless Chromium).
#![cfg(target_arch = "wasm32")]

mod pinned_digests;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn examples_match_the_pinned_digests_in_wasm() {
    assert!(
        !pinned_digests::pinned().is_empty(),
        "digests.txt pins nothing"
    );
    let bad = pinned_digests::mismatches();
    assert!(
        bad.is_empty(),
        "wasm trace digests differ from the native pins:\n{}",
        bad.join("\n")
    );
}

#[wasm_bindgen_test]
fn the_same_seed_gives_the_same_trace_in_wasm() {
    for (id, text) in mqlab_scenario::example_sources() {
        let a = mqlab_scenario::Player::load_json(text).expect("loads");
        let b = mqlab_scenario::Player::load_json(text).expect("loads");
        assert_eq!(a.trace_digest(), b.trace_digest(), "{id}");
    }
}

//! The pages the address can open: the lesson map (home), the stage page of the sandbox
//! and of a lesson, and the comparison. `app` picks one from the state's view; every page
//! has the same `top_bar`.

pub mod compare;
pub mod lesson_map;
pub mod sandbox;
pub mod top_bar;

use crate::state::{Action, AppState};
use yew::prelude::*;

/// A callback that turns its value into an action for the reducer.
pub(crate) fn relay<V: 'static>(
    state: &UseReducerHandle<AppState>,
    action: fn(V) -> Action,
) -> Callback<V> {
    let dispatcher = state.dispatcher();
    Callback::from(move |v| dispatcher.dispatch(action(v)))
}

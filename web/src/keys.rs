//! The keyboard shortcuts: which action a key press asks for. The playground answers all of
//! them (`app.rs`); the home page's module the ones that mean something on the lesson map.

use crate::state::{Action, LessonInput, NodeCommand, PlayerInput};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

/// The action a key press asks for, unless the focus is somewhere that needs the key itself.
pub fn shortcut(e: &KeyboardEvent) -> Option<Action> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let key = e.key();
    let target = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let tag = target
        .as_ref()
        .map(|t| t.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(tag.as_str(), "input" | "select" | "textarea") {
        return None;
    }
    let on_button = tag == "button"
        || target
            .as_ref()
            .is_some_and(|t| t.get_attribute("role").is_some());
    if on_button && (key == " " || key == "Enter") {
        return None;
    }
    Some(match key.as_str() {
        " " | "k" => Action::Player(PlayerInput::PlayPause),
        "ArrowRight" | "l" => Action::Player(PlayerInput::Forward),
        "ArrowLeft" | "j" => Action::Player(PlayerInput::Back),
        "Home" => Action::Player(PlayerInput::Start),
        "End" => Action::Player(PlayerInput::End),
        "+" | "=" => Action::Faster,
        "-" | "_" => Action::Slower,
        "?" => Action::ToggleHelp,
        "Escape" => Action::CloseOverlays,
        "p" => Action::TogglePresenter,
        "t" => Action::TogglePanel,
        "n" => Action::Lesson(LessonInput::Next),
        "x" => Action::OnSelected(NodeCommand::Kill),
        "s" => Action::OnSelected(NodeCommand::Stop),
        "r" => Action::OnSelected(NodeCommand::Restart),
        "i" => Action::OnSelected(NodeCommand::Isolate),
        "c" => Action::OnSelected(NodeCommand::Reconnect),
        "d" => Action::StartCut,
        digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() => {
            let d = usize::from(digit.as_bytes()[0] - b'0');
            Action::SelectNodeAt(if d == 0 { 9 } else { d - 1 })
        }
        _ => return None,
    })
}

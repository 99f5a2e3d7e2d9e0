//! Scenarios and the player: the layer between the broker models and the UI.
//!
//! Loading is two-stage: [`doc`] holds plain serde structs exactly as a file spells them;
//! [`validate`] turns them into a model or a [`ScenarioError`] naming the field. The
//! [`Player`] runs the model, keeps checkpoints, seeks anywhere, and hands out [`Frame`]s:
//! plain data, so no model type ever reaches the UI.

pub mod doc;
pub mod frame;
pub mod i18n;

pub use doc::ScenarioDoc;
pub use frame::Frame;
pub use i18n::{Lang, Text};

// The Player API (signatures final; see docs/player-api.md): Player, Command, UserAction,
// TimelineMark, MarkKind, Knobs, ScenarioError, examples(). Implementation lands in player.rs.

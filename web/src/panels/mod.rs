//! What sits beside or under the stage: each panel draws plain data it is given (a frame's
//! parts, the lesson's state, the settings) and reports what the learner does through
//! callbacks; none holds the player or changes the world itself.

pub mod event_log;
pub mod help;
pub mod ledger;
pub mod lesson_panel;
pub mod player_bar;
pub mod presenter;
pub mod settings;
pub mod share_panel;

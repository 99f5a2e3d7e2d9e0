//! MQ Lab in the browser. Components draw the player's plain-data frames and send it
//! commands; only this crate touches the DOM, timers and storage.

pub mod compare_view;
pub mod event_log;
pub mod i18n;
pub mod ledger;
pub mod lesson_map;
pub mod lesson_panel;
pub mod link_problem;
pub mod player_bar;
pub mod presenter;
pub mod progress;
pub mod route;
pub mod settings;
pub mod share;
pub mod share_panel;
pub mod stage;

mod app;
mod help;
mod prefs;
mod state;
mod step_log;

pub use app::App;
pub use state::{LessonInput, LessonState};

//! MQ Lab in the browser. Components draw the player's plain-data frames and send it
//! commands; only this crate touches the DOM, timers and storage.

pub mod home;
pub mod i18n;
pub mod keys;
pub mod link_problem;
pub mod pages;
pub mod panels;
pub mod progress;
pub mod route;
pub mod share;
pub mod stage;

mod app;
mod lesson_files;
mod prefs;
mod state;

pub use app::App;
pub use state::{LessonInput, LessonState};

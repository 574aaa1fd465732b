//! The proxy console: a Leptos single-page app for the HTTP proxies an Octopus server uses to
//! reach Listening Tentacles and SSH targets.

pub mod api;
mod app;
pub mod changes;
pub mod components;
pub mod fleet;
pub mod forms;
pub mod pages;
pub mod routes;
pub mod state;

pub use app::App;

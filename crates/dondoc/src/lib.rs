//! The `dondoc` binary's library half: settings and the demo loader, shared by the command
//! and by the end-to-end tests.

pub mod config;
pub mod demo;

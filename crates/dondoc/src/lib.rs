//! The `dondoc` binary's library half: settings, the demo loader and the data generator,
//! shared by the command, the end-to-end tests and the benchmarks.

pub mod config;
pub mod demo;
pub mod gen;

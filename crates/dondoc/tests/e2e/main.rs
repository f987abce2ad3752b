//! The end-to-end suite, one test binary (one link, one build): pages, API, permissions for
//! every route and role, visibility of unpublished records, bad input, the report import, and
//! two server processes on one PostgreSQL. Every test that touches a database runs on SQLite
//! and on PostgreSQL (`<module>::<test>::sqlite`, `…::postgres`).

#[macro_use]
mod support;

mod accounts;
mod attacks;
mod bad_input;
mod cache;
mod closure;
mod coordination;
mod export;
mod filters;
mod follow;
mod http;
mod import;
mod inbox;
mod nodes;
mod open311;
mod outage;
mod permissions;
mod pickers;
mod plans;
mod portal;
mod proxy;
mod repeats;
mod replica;
mod report;
mod residents;
mod scenario;
mod served;
mod stats;
mod tabular;
mod visibility;
mod widgets;

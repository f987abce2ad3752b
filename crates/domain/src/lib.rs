//! dondoc's domain: the records a working session produces, the rules that govern them
//! (validation, state machines, derived states) and who may do what.
//!
//! Architecture invariant: no I/O, no async, nothing of SQL, HTTP or HTML lives here.

pub mod article;
pub mod calendar;
pub mod directive;
pub mod evidence;
pub mod follow;
pub mod input;
pub mod model;
pub mod permission;
pub mod petition;
pub mod resident;
pub mod target;
pub mod unit;
pub mod validate;
pub mod visibility;

pub use model::*;
pub use permission::{Action, Actor, Role};
pub use validate::{FieldCode, FieldError, Invalid};
pub use visibility::Visibility;

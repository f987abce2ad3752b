//! Why a use case refused or failed. No HTTP here: the web layer maps each case to a status
//! and a message in the user's language.

use dondoc_domain::Invalid;
use dondoc_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such record, or none the caller may see (the two look the same from outside).
    #[error("not found")]
    NotFound,
    /// The caller must sign in first.
    #[error("not signed in")]
    Unauthorized,
    /// The rules refuse this caller.
    #[error("forbidden")]
    Forbidden,
    /// The record changed since the caller read it.
    #[error("the record was changed by someone else")]
    Conflict,
    /// A unique value is taken; the field that holds it.
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The record's status does not allow this (a move the state machine refuses, a report on
    /// a closed directive).
    #[error("the record's status does not allow this")]
    Transition,
    /// Too many failed sign-ins for this account and address, or this address: the next
    /// attempt is checked after this wait.
    #[error("too many attempts; retry after {retry_after_secs} s")]
    TooMany { retry_after_secs: u64 },
    /// The database cannot be reached now; the same request may succeed later.
    #[error("the database is unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            StoreError::Conflict => Error::Conflict,
            StoreError::Duplicate(f) => Error::Duplicate(f),
            StoreError::Invalid(i) => Error::Invalid(i),
            e if e.is_unavailable() => Error::Unavailable,
            other => Error::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<dondoc_domain::directive::NotAllowed> for Error {
    fn from(_: dondoc_domain::directive::NotAllowed) -> Self {
        Error::Transition
    }
}

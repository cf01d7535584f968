//! The store's error type: a kind the caller can act on, and the detail.

use std::fmt;

/// What went wrong, for callers to act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreErrorKind {
    /// SQLite refused or failed (disk full, locked too long, I/O error).
    Database,
    /// A migration already applied differs from the one this build carries.
    MigrationChanged,
    /// The database was written by a newer build with migrations this one lacks.
    MigrationUnknown,
    /// The data directory holds no device identity yet (run `init`).
    NotInitialised,
    /// The data directory already holds a device identity.
    AlreadyInitialised,
    /// A row that must be unique already exists (e.g. a container code).
    Duplicate,
    /// Every label sequence in this device's block is used for that producer, code and day.
    SequenceExhausted,
    /// A stored row cannot be read back (altered by hand?).
    Corrupt,
}

/// An error from the device store.
#[derive(Debug)]
pub struct StoreError {
    kind: StoreErrorKind,
    detail: String,
}

impl StoreError {
    /// A new error.
    pub fn new(kind: StoreErrorKind, detail: impl Into<String>) -> StoreError {
        StoreError {
            kind,
            detail: detail.into(),
        }
    }

    /// The kind of error.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// The detail, in English.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        let kind = match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreErrorKind::Duplicate
            }
            _ => StoreErrorKind::Database,
        };
        StoreError::new(kind, e.to_string())
    }
}

pub(crate) fn corrupt(what: impl fmt::Display) -> StoreError {
    StoreError::new(StoreErrorKind::Corrupt, what.to_string())
}

//! The registry's error: a kind (which becomes the HTTP status) and a message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use yima_protocol::{ErrorBody, ErrorDetail};

/// What went wrong, for the caller to act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed request (400).
    BadRequest,
    /// Missing, stale, replayed or invalid authentication, or an unknown or revoked key (401).
    Unauthorized,
    /// Authenticated, but not allowed (403).
    Forbidden,
    /// No such thing (404).
    NotFound,
    /// Already exists or already used (409).
    Conflict,
    /// Body over the size limit (413).
    TooLarge,
    /// The database failed (500).
    Storage,
}

impl ErrorKind {
    fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Storage => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Storage => "storage",
        }
    }
}

/// A registry error.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct RegistryError {
    /// The kind.
    pub kind: ErrorKind,
    /// The message.
    pub message: String,
}

impl RegistryError {
    /// A new error.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> RegistryError {
        RegistryError {
            kind,
            message: message.into(),
        }
    }
}

impl From<rusqlite::Error> for RegistryError {
    fn from(e: rusqlite::Error) -> RegistryError {
        RegistryError::new(ErrorKind::Storage, format!("sqlite: {e}"))
    }
}

impl From<tokio_postgres::Error> for RegistryError {
    fn from(e: tokio_postgres::Error) -> RegistryError {
        // tokio-postgres displays a server error as just "db error": add the server's words.
        let detail = match (e.as_db_error(), std::error::Error::source(&e)) {
            (Some(db), _) => format!("{} ({})", db.message(), db.code().code()),
            (None, Some(source)) => format!("{e}: {source}"),
            (None, None) => e.to_string(),
        };
        RegistryError::new(ErrorKind::Storage, format!("postgres: {detail}"))
    }
}

impl From<deadpool_postgres::PoolError> for RegistryError {
    fn from(e: deadpool_postgres::PoolError) -> RegistryError {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            e => RegistryError::new(ErrorKind::Storage, format!("postgres pool: {e}")),
        }
    }
}

impl From<serde_json::Error> for RegistryError {
    fn from(e: serde_json::Error) -> RegistryError {
        RegistryError::new(ErrorKind::Storage, format!("stored JSON unreadable: {e}"))
    }
}

impl IntoResponse for RegistryError {
    fn into_response(self) -> Response {
        if self.kind == ErrorKind::Storage {
            tracing::error!("{}", self.message);
        }
        let body = ErrorBody {
            error: ErrorDetail {
                kind: self.kind.as_str().into(),
                message: self.message,
            },
        };
        (self.kind.status(), axum::Json(body)).into_response()
    }
}

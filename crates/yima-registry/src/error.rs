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
    /// The database failed or is busy (503 with `Retry-After`): the backend's words are
    /// logged, never sent.
    Storage,
    /// Too many requests from one address or key (429 with `Retry-After`).
    TooManyRequests,
    /// The request's body did not arrive in time (408).
    Timeout,
}

impl ErrorKind {
    /// Every kind (the OpenAPI document lists their names).
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::BadRequest,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::TooLarge,
        ErrorKind::Storage,
        ErrorKind::TooManyRequests,
        ErrorKind::Timeout,
    ];

    fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Storage => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Timeout => StatusCode::REQUEST_TIMEOUT,
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
            ErrorKind::TooManyRequests => "too_many_requests",
            ErrorKind::Timeout => "timeout",
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
    /// Seconds the caller should wait before trying again (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

impl RegistryError {
    /// A new error.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> RegistryError {
        RegistryError {
            kind,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error, asking the caller to wait `seconds` before trying again.
    pub fn retry_after(mut self, seconds: u64) -> RegistryError {
        self.retry_after = Some(seconds);
        self
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

/// Seconds a client is asked to wait before retrying after a storage failure.
pub const STORAGE_RETRY_AFTER_S: u64 = 2;

/// What a client is told when storage fails: nothing of the backend's text.
pub const STORAGE_MESSAGE: &str =
    "the registry's storage is unavailable; retry later (登记中心存储暂不可用，请稍后重试)";

impl IntoResponse for RegistryError {
    fn into_response(self) -> Response {
        let (message, retry_after) = if self.kind == ErrorKind::Storage {
            tracing::error!(
                kind = self.kind.as_str(),
                "storage failure: {}",
                self.message
            );
            (STORAGE_MESSAGE.to_string(), Some(STORAGE_RETRY_AFTER_S))
        } else {
            match self.kind {
                // Security refusals, logged with their reason.
                ErrorKind::Unauthorized | ErrorKind::Forbidden | ErrorKind::TooManyRequests => {
                    tracing::warn!(kind = self.kind.as_str(), "refused: {}", self.message)
                }
                _ => tracing::info!(kind = self.kind.as_str(), "refused: {}", self.message),
            }
            (self.message, self.retry_after)
        };
        let body = ErrorBody {
            error: ErrorDetail {
                kind: self.kind.as_str().into(),
                message,
                retry_after,
            },
        };
        let mut resp = (self.kind.status(), axum::Json(body)).into_response();
        if let Some(s) = retry_after {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_storage_failure_is_a_503_with_retry_after_and_without_the_backends_text() {
        let e: RegistryError = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(5),
            Some("database is locked".into()),
        )
        .into();
        let resp = e.into_response();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            resp.headers()[axum::http::header::RETRY_AFTER],
            STORAGE_RETRY_AFTER_S.to_string()
        );
        let body = axum::body::to_bytes(resp.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(body.error.kind, "storage");
        assert_eq!(body.error.retry_after, Some(STORAGE_RETRY_AFTER_S));
        assert!(
            !body.error.message.contains("sqlite"),
            "{}",
            body.error.message
        );
        assert!(
            !body.error.message.contains("locked"),
            "{}",
            body.error.message
        );
    }
}

//! Sync errors keep their kind: whether a retry can help is the caller's first question.

use std::fmt;
use yima_codes::Lang;
use yima_device::DeviceError;

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncErrorKind {
    /// The registry could not be reached or failed (5xx) after every retry: try again later.
    Unreachable,
    /// The registry refused the device's authentication (unknown, revoked key; bad clock).
    Unauthorized,
    /// The registry refused the request (e.g. a regulator pushing, a used enrolment code).
    Refused,
    /// The URL is not acceptable (plain HTTP to a remote host without the explicit flag).
    BadUrl,
    /// The device is not enrolled with a registry yet.
    NotEnrolled,
    /// The device store failed.
    Device,
    /// The registry's TLS certificate is not trusted (unknown CA, wrong name, expired), or
    /// the CA file given is unusable: a retry cannot help, the trust must be fixed.
    Certificate,
}

/// A sync error.
#[derive(Debug)]
pub struct SyncError {
    kind: SyncErrorKind,
    message: String,
}

impl SyncError {
    /// A new error.
    pub fn new(kind: SyncErrorKind, message: impl Into<String>) -> SyncError {
        SyncError {
            kind,
            message: message.into(),
        }
    }

    /// The kind.
    pub fn kind(&self) -> SyncErrorKind {
        self.kind
    }

    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        self.kind == SyncErrorKind::Unreachable
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let zh = match self.kind {
            SyncErrorKind::Unreachable => "无法连接登记中心，请稍后重试",
            SyncErrorKind::Unauthorized => "登记中心拒绝了本设备的身份",
            SyncErrorKind::Refused => "登记中心拒绝了请求",
            SyncErrorKind::BadUrl => "登记中心地址不可用",
            SyncErrorKind::NotEnrolled => "本设备尚未在登记中心注册，请先运行 yima enrol",
            SyncErrorKind::Device => "设备存储错误",
            SyncErrorKind::Certificate => {
                "登记中心的证书不受信任（请检查系统证书或注册时给出的 CA 文件）"
            }
        };
        match lang {
            Lang::Zh => format!("{zh}：{}", self.message),
            Lang::En => self.message.clone(),
        }
    }
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyncError {}

impl From<DeviceError> for SyncError {
    fn from(e: DeviceError) -> SyncError {
        SyncError::new(SyncErrorKind::Device, e.message(Lang::En))
    }
}

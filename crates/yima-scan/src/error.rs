//! Why an image could not be scanned: a kind to act on and messages in Chinese and English.

use std::path::PathBuf;
use yima_codes::Lang;

/// What went wrong, for the caller to act on (never parse the message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanErrorKind {
    /// The image (or the file) is larger than the limit; it was refused before decoding.
    TooLarge,
    /// The file is an image but broken (truncated, corrupt), or a decoder failed on it.
    Unreadable,
    /// The file is not an image format Yima reads (PNG, JPEG).
    Format,
    /// The file could not be read (missing, no permission, …).
    Io,
}

/// An image that could not be scanned. Finding no QR code is not an error.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// Refused before decoding: more pixels or bytes than allowed.
    #[error("image too large: {detail}")]
    TooLarge {
        /// What exceeded which limit.
        detail: String,
    },
    /// A broken image, or every decoder failed (panicked) on it.
    #[error("unreadable image: {detail}")]
    Unreadable {
        /// The decoder's explanation.
        detail: String,
    },
    /// Not a PNG or JPEG.
    #[error("unsupported image format: {detail}")]
    Format {
        /// What was found instead.
        detail: String,
    },
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl ScanError {
    /// The kind of failure.
    pub fn kind(&self) -> ScanErrorKind {
        match self {
            ScanError::TooLarge { .. } => ScanErrorKind::TooLarge,
            ScanError::Unreadable { .. } => ScanErrorKind::Unreadable,
            ScanError::Format { .. } => ScanErrorKind::Format,
            ScanError::Io { .. } => ScanErrorKind::Io,
        }
    }

    /// The message for a user, in `lang` (the detail from the decoder stays in English).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                ScanError::TooLarge { detail } => format!("图像过大，已拒绝：{detail}"),
                ScanError::Unreadable { detail } => format!("图像无法读取：{detail}"),
                ScanError::Format { detail } => {
                    format!("不支持的图像格式（仅支持 PNG、JPEG）：{detail}")
                }
                ScanError::Io { path, source } => {
                    format!("无法读取文件 {}：{source}", path.display())
                }
            },
        }
    }
}

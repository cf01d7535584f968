//! Why a label could not be rendered.

use yima_codes::Lang;

/// What went wrong, to act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RenderErrorKind {
    /// The payload was signed for another container than the label shows.
    Mismatch,
    /// A sheet with no label on it was asked for.
    Empty,
    /// The renderer failed (a bug: the SVG, PNG or PDF could not be produced).
    Internal,
    /// The text does not fit the largest QR code allowed.
    TooLarge,
    /// A container volume that is not a positive number of litres.
    BadVolume,
}

/// An error while rendering a label.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The payload names another container than the label.
    #[error("the QR payload is for container {payload}, the label for {label}")]
    Mismatch {
        /// The label's code.
        label: String,
        /// The payload's code.
        payload: String,
    },
    /// No labels for a sheet.
    #[error("no labels to put on the sheet")]
    Empty,
    /// The text needs a QR code larger than `max`.
    #[error("the text does not fit a QR code of version {max} at level M")]
    TooLarge {
        /// The largest version allowed.
        max: i16,
    },
    /// A container volume that is not a positive number of litres.
    #[error("the container volume must be a positive number of litres, not {0}")]
    BadVolume(String),
    /// A renderer failed.
    #[error("could not render the label as {format}: {detail}")]
    Internal {
        /// SVG, PNG, PDF or QR.
        format: &'static str,
        /// The renderer's message.
        detail: String,
    },
}

impl RenderError {
    /// The kind.
    pub fn kind(&self) -> RenderErrorKind {
        match self {
            RenderError::Mismatch { .. } => RenderErrorKind::Mismatch,
            RenderError::Empty => RenderErrorKind::Empty,
            RenderError::Internal { .. } => RenderErrorKind::Internal,
            RenderError::TooLarge { .. } => RenderErrorKind::TooLarge,
            RenderError::BadVolume(_) => RenderErrorKind::BadVolume,
        }
    }

    /// The message for a person, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RenderError::Mismatch { label, payload }, Lang::Zh) => {
                format!("二维码内容属于容器 {payload}，标签却是容器 {label}")
            }
            (RenderError::Empty, Lang::Zh) => "没有要排版的标签".to_string(),
            (RenderError::TooLarge { max }, Lang::Zh) => {
                format!("内容超出 {max} 版本（M 级纠错）二维码的容量")
            }
            (RenderError::BadVolume(v), Lang::Zh) => {
                format!("容器容积须为正数（升），而不是 {v}")
            }
            (RenderError::Internal { format, detail }, Lang::Zh) => {
                format!("无法生成 {format} 标签：{detail}")
            }
            (_, Lang::En) => self.to_string(),
        }
    }

    pub(crate) fn internal(format: &'static str, detail: impl ToString) -> RenderError {
        RenderError::Internal {
            format,
            detail: detail.to_string(),
        }
    }
}

//! Why no weight could be read from a scale: a kind to act on and messages in Chinese and
//! English.

use yima_codes::Lang;

/// What went wrong, for the caller to act on (never parse the message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleErrorKind {
    /// A line the chosen protocol does not read (wrong protocol setting, noise on the line).
    Unreadable,
    /// A weight in a unit Yima does not record (pounds, ounces, pieces, …).
    Unit,
    /// The scale reports overload or underload, or a weight that is zero, negative or more
    /// than a container holds.
    Range,
    /// The scale sent weights but never settled within the time given.
    Unstable,
    /// Nothing came from the scale within the time given.
    Timeout,
    /// The serial port could not be opened or read.
    Port,
}

/// A weight that could not be read or captured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScaleError {
    /// See [`ScaleErrorKind::Unreadable`].
    #[error("unreadable line from the scale: {line:?}")]
    Unreadable {
        /// The line as received (cut to 80 characters).
        line: String,
    },
    /// See [`ScaleErrorKind::Unit`].
    #[error("the scale weighs in {unit:?}; Yima records kg, g or t")]
    Unit {
        /// The unit the scale sent.
        unit: String,
    },
    /// See [`ScaleErrorKind::Range`].
    #[error("the scale's weight is out of range: {detail}")]
    Range {
        /// What the scale said, or the weight refused.
        detail: String,
    },
    /// See [`ScaleErrorKind::Unstable`].
    #[error("the scale did not settle within {seconds} s (last weight {last})")]
    Unstable {
        /// The time waited.
        seconds: u64,
        /// The last weight read, as the scale showed it.
        last: String,
    },
    /// See [`ScaleErrorKind::Timeout`].
    #[error("no weight from the scale within {seconds} s")]
    Timeout {
        /// The time waited.
        seconds: u64,
    },
    /// See [`ScaleErrorKind::Port`].
    #[error("serial port {port}: {detail}")]
    Port {
        /// The port's name.
        port: String,
        /// The operating system's explanation.
        detail: String,
    },
}

impl ScaleError {
    /// The kind of failure.
    pub fn kind(&self) -> ScaleErrorKind {
        match self {
            ScaleError::Unreadable { .. } => ScaleErrorKind::Unreadable,
            ScaleError::Unit { .. } => ScaleErrorKind::Unit,
            ScaleError::Range { .. } => ScaleErrorKind::Range,
            ScaleError::Unstable { .. } => ScaleErrorKind::Unstable,
            ScaleError::Timeout { .. } => ScaleErrorKind::Timeout,
            ScaleError::Port { .. } => ScaleErrorKind::Port,
        }
    }

    /// The message for a user, in `lang` (what the scale or the system said stays as it is).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                ScaleError::Unreadable { line } => {
                    format!("无法识别电子秤发送的数据：{line:?}（请检查通信协议设置）")
                }
                ScaleError::Unit { unit } => {
                    format!("电子秤的计量单位为 {unit:?}；本系统只记录 kg、g 或 t")
                }
                ScaleError::Range { detail } => format!("电子秤读数超出范围：{detail}"),
                ScaleError::Unstable { seconds, last } => {
                    format!("电子秤在 {seconds} 秒内未稳定（最后读数 {last}）")
                }
                ScaleError::Timeout { seconds } => {
                    format!("{seconds} 秒内未收到电子秤的读数")
                }
                ScaleError::Port { port, detail } => format!("串口 {port}：{detail}"),
            },
        }
    }

    pub(crate) fn unreadable(line: &str) -> ScaleError {
        ScaleError::Unreadable {
            line: line.chars().take(80).collect(),
        }
    }
}

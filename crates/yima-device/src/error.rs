//! The device's error: a kind the CLI and the app act on, and the detail in both languages.

use std::fmt;
use yima_codes::{CodeError, LabelCode, Lang};
use yima_core::{CustodyError, QuantityError};
use yima_store::{StoreError, StoreErrorKind};

/// What went wrong, for the caller to act on (never parse the message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Input that is malformed or out of range (codes, quantities, units, dates, forms).
    BadInput,
    /// A waste code that is not in the catalogue edition in use.
    UnknownWasteCode,
    /// A container this device has no record of.
    UnknownContainer,
    /// A transfer manifest under which this device holds no container.
    UnknownManifest,
    /// The step is not allowed in the container's state, for this role, or by this party.
    Forbidden,
    /// A time more than the allowed skew in the future.
    FutureTime,
    /// The record already exists (e.g. a duplicate container code).
    Duplicate,
    /// No free label sequence is left for this producer, waste code and day.
    SequenceExhausted,
    /// The data directory has no identity yet.
    NotInitialised,
    /// The data directory already has an identity.
    AlreadyInitialised,
    /// A handover message that is not for this device, altered, or does not fit.
    BadHandover,
    /// The labels scanned for a handover are not the containers its offer lists (one not on
    /// the list, one missing, or weights that do not add up).
    LabelMismatch,
    /// A scanned label's signature does not match its facts: the label was altered.
    ForgedLabel,
    /// A dispatch of containers the sender has not weighed since they came into its custody
    /// (the sender weighs before transfer): [`DeviceError::containers`] names them, for the
    /// caller to offer their weighing.
    NotWeighed,
    /// Location fixes for a manifest under which this device's organisation, as a carrier,
    /// holds no container picked up and still in transit: nothing is recorded.
    NotInTransit,
    /// A road pass that is damaged, altered, expired, early, or signed by a key the reader
    /// knows is not the carrier's: nothing of it is shown.
    BadRoadPass,
    /// The store failed (disk, lock, migrations) or holds unreadable rows.
    Storage,
    /// A document (the manifest's PDF) could not be rendered: a bug, not the user's input.
    Render,
}

impl ErrorKind {
    fn prefix(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            ErrorKind::BadInput => ("输入有误", "bad input"),
            ErrorKind::UnknownWasteCode => {
                ("名录中没有此废物代码", "waste code not in the catalogue")
            }
            ErrorKind::UnknownContainer => (
                "本设备没有此容器的记录",
                "no record of this container on this device",
            ),
            ErrorKind::Forbidden => ("不允许此操作", "step not allowed"),
            ErrorKind::FutureTime => ("时间在将来", "time is in the future"),
            ErrorKind::Duplicate => ("记录已存在", "already recorded"),
            ErrorKind::SequenceExhausted => ("当日序号已用尽", "label sequences used up"),
            ErrorKind::NotInitialised => (
                "设备尚未初始化，请先运行 yima init",
                "device not initialised: run yima init",
            ),
            ErrorKind::AlreadyInitialised => ("设备已初始化", "device already initialised"),
            ErrorKind::BadHandover => ("交接信息无效", "invalid handover"),
            ErrorKind::LabelMismatch => ("标签与交接清单不符", "labels do not match the handover"),
            ErrorKind::ForgedLabel => ("标签被篡改", "forged label"),
            ErrorKind::NotWeighed => ("出库前须称重", "weigh before dispatch"),
            ErrorKind::NotInTransit => ("不在运输途中", "not in transit"),
            ErrorKind::BadRoadPass => ("路检通行码无效", "road pass not valid"),
            ErrorKind::Storage => ("存储错误", "storage error"),
            ErrorKind::UnknownManifest => (
                "本设备没有此联单的记录",
                "no record of this manifest on this device",
            ),
            ErrorKind::Render => ("无法生成文档", "cannot render the document"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// An error from a device use case.
#[derive(Debug)]
pub struct DeviceError {
    kind: ErrorKind,
    en: String,
    zh: Option<String>,
    containers: Vec<LabelCode>,
}

impl DeviceError {
    /// An error with an English detail (the Chinese message then shows the kind and this detail).
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> DeviceError {
        DeviceError {
            kind,
            en: detail.into(),
            zh: None,
            containers: Vec::new(),
        }
    }

    /// An error with its detail in both languages.
    pub fn bilingual(kind: ErrorKind, en: impl Into<String>, zh: impl Into<String>) -> DeviceError {
        DeviceError {
            kind,
            en: en.into(),
            zh: Some(zh.into()),
            containers: Vec::new(),
        }
    }

    /// The same error, naming the containers it concerns (for the caller to act on).
    pub fn with_containers(mut self, containers: Vec<LabelCode>) -> DeviceError {
        self.containers = containers;
        self
    }

    /// The containers the error concerns, where it names them: for
    /// [`ErrorKind::NotWeighed`], the containers to weigh. Empty otherwise.
    pub fn containers(&self) -> &[LabelCode] {
        &self.containers
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The whole message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (lang, &self.zh) {
            (Lang::Zh, Some(zh)) => format!("{}：{zh}", self.kind.prefix(lang)),
            (Lang::Zh, None) => format!("{}：{}", self.kind.prefix(lang), self.en),
            (Lang::En, _) => format!("{}: {}", self.kind.prefix(lang), self.en),
        }
    }
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for DeviceError {}

impl From<StoreError> for DeviceError {
    fn from(e: StoreError) -> DeviceError {
        let kind = match e.kind() {
            StoreErrorKind::NotInitialised => ErrorKind::NotInitialised,
            StoreErrorKind::AlreadyInitialised => ErrorKind::AlreadyInitialised,
            StoreErrorKind::Duplicate => ErrorKind::Duplicate,
            StoreErrorKind::SequenceExhausted => ErrorKind::SequenceExhausted,
            _ => ErrorKind::Storage,
        };
        DeviceError::new(kind, e.detail())
    }
}

impl From<CodeError> for DeviceError {
    fn from(e: CodeError) -> DeviceError {
        let kind = if matches!(
            e.kind(),
            yima_codes::CodeErrorKind::SequenceExhausted { .. }
        ) {
            ErrorKind::SequenceExhausted
        } else {
            ErrorKind::BadInput
        };
        DeviceError::bilingual(kind, e.message(Lang::En), e.message(Lang::Zh))
    }
}

impl From<QuantityError> for DeviceError {
    fn from(e: QuantityError) -> DeviceError {
        let zh = match &e {
            QuantityError::NotANumber(s) => format!("{s:?} 不是最多三位小数的数字"),
            QuantityError::NotPositive(s) => format!("数量必须大于零，实际为 {s}"),
            QuantityError::Absurd { amount, unit, max } => {
                format!("数量 {amount} {unit} 超出单个容器可能的范围（最多 {max} {unit}）")
            }
            QuantityError::UnknownUnit(s) => format!("未知单位 {s:?}：应为 kg、t 或 L"),
        };
        DeviceError::bilingual(ErrorKind::BadInput, e.to_string(), zh)
    }
}

impl From<CustodyError> for DeviceError {
    fn from(e: CustodyError) -> DeviceError {
        let kind = match e {
            // Quantities that do not add up are the user's to fix, not a forbidden step.
            CustodyError::Balance { .. } | CustodyError::Operator { .. } => ErrorKind::BadInput,
            _ => ErrorKind::Forbidden,
        };
        let named = match &e {
            CustodyError::NotWeighed(c) => vec![c.clone()],
            _ => Vec::new(),
        };
        DeviceError::bilingual(kind, e.message(Lang::En), e.message(Lang::Zh))
            .with_containers(named)
    }
}

pub(crate) fn bad_input(en: impl Into<String>, zh: impl Into<String>) -> DeviceError {
    DeviceError::bilingual(ErrorKind::BadInput, en, zh)
}

//! Why an event may not be applied to a container, in English and Chinese.

use crate::correction::CorrectionError;
use crate::state::TransitionError;
use yima_codes::{CreditCode, LabelCode};

/// Why an event may not be applied to a container.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustodyError {
    /// The state table forbids the step.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The event does not concern the container.
    #[error("the event does not concern container {0}")]
    NotLinked(LabelCode),
    /// The container must be begun by a generating event (or a merge/split creating it).
    #[error("container {0} has no generating event before this one")]
    NoGenesis(LabelCode),
    /// The recorder (or giver) is not the organisation holding the container.
    #[error("{org} does not hold the container; {holder} does")]
    NotHolder {
        /// Who tried.
        org: CreditCode,
        /// Who holds it.
        holder: CreditCode,
    },
    /// A label's facts contradict each other or the recorder.
    #[error("label does not fit: {0}")]
    Label(String),
    /// The manifest named does not match the container's dispatch, or its parties.
    #[error("manifest mismatch: {0}")]
    Manifest(String),
    /// The manifest number does not fit its dispatch (year, or the sender's province and
    /// city).
    #[error(transparent)]
    ManifestNumber(#[from] yima_codes::ManifestMismatch),
    /// A manifest names the same organisation as sender and receiver.
    #[error("manifest {0} names its sender as receiver")]
    ReceiverIsSender(String),
    /// A correction names an event not in this container's chain.
    #[error("corrected event {0} is not in this container's chain")]
    UnknownCorrected(String),
    /// Only the organisation that recorded a step may correct it.
    #[error("{org} did not record the corrected event; {recorder} did and alone may correct it")]
    NotRecorder {
        /// Who tried.
        org: CreditCode,
        /// Who recorded the corrected event.
        recorder: CreditCode,
    },
    /// A correction's values would be refused in the original.
    #[error(transparent)]
    Correction(#[from] CorrectionError),
    /// Quantities that do not add up, or a discrepancy that does not fit the chain.
    #[error("quantities do not add up: {0}")]
    Quantities(String),
    /// A merge or split does not link exactly its sources and its outputs, or a container
    /// is begun by an event that may not begin it.
    #[error("lineage does not fit: {en}")]
    Lineage {
        /// What is wrong, in English.
        en: String,
        /// What is wrong, in Chinese.
        zh: String,
    },
    /// A merge's output is not the sum of its inputs, or a split's outputs do not add up to
    /// its input (within [`crate::BALANCE_TOLERANCE_PERMILLE`]).
    #[error("mass balance does not hold: {en}")]
    Balance {
        /// What is wrong, in English.
        en: String,
        /// What is wrong, in Chinese.
        zh: String,
    },
    /// An event is dated before the event it follows (beyond the allowed clock skew).
    #[error("the event is dated {at}, before the event it follows ({prev_at})")]
    BeforePrevious {
        /// The event's time.
        at: String,
        /// The time of the event it follows.
        prev_at: String,
    },
    /// A weighing's scale does not fit its method: a manual weighing names a scale, or a
    /// scale's identity is empty or not one plain line.
    #[error("weighing method and scale do not fit: {en}")]
    Weighing {
        /// What is wrong, in English.
        en: String,
        /// What is wrong, in Chinese.
        zh: String,
    },
    /// The refused part of a partly refused container: a split that sends back what was not
    /// refused, or under another manifest; or a step that would take the refused part along
    /// (dispose, merge, dispatch, void) before it is split off to go back.
    #[error("the refused part does not fit: {en}")]
    RefusedPart {
        /// What is wrong, in English.
        en: String,
        /// What is wrong, in Chinese.
        zh: String,
    },
    /// The operator a body names is not one plain line of a person's name (see
    /// [`crate::check_operator`]).
    #[error("the operator does not fit: {en}")]
    Operator {
        /// What is wrong, in English.
        en: String,
        /// What is wrong, in Chinese.
        zh: String,
    },
    /// A route track where no transport ends, or covering times outside the carrier's
    /// custody (see [`crate::check_track`]).
    #[error("the route track does not fit: {en}")]
    Track {
        /// What is wrong, in English.
        en: String,
        /// What is wrong, in Chinese.
        zh: String,
    },
    /// A dispatch of a container its sender has not weighed since it came into its custody
    /// (checked on intake, see [`crate::check_intake`]).
    #[error("the sender must weigh container {0} before dispatch")]
    NotWeighed(LabelCode),
    /// A merge or split declares a state the source was not in.
    #[error("the event says the source was {declared}, but it was {actual}")]
    InheritedState {
        /// State the event declares.
        declared: String,
        /// State the chain says.
        actual: String,
    },
}

impl CustodyError {
    /// The message in `lang` (details quoting stored values stay as they are).
    pub fn message(&self, lang: yima_codes::Lang) -> String {
        use yima_codes::Lang;
        match (self, lang) {
            (CustodyError::Transition(t), _) => t.message(lang),
            (_, Lang::En) => self.to_string(),
            (CustodyError::NotLinked(c), Lang::Zh) => format!("该事件与容器 {c} 无关"),
            (CustodyError::NoGenesis(c), Lang::Zh) => format!("容器 {c} 在此之前没有产生记录"),
            (CustodyError::NotHolder { org, holder }, Lang::Zh) => {
                format!("{org} 并不持有该容器，持有单位是 {holder}")
            }
            (CustodyError::Label(m), Lang::Zh) => format!("标签信息不一致：{m}"),
            (CustodyError::Manifest(m), Lang::Zh) => format!("与转移联单不符：{m}"),
            (CustodyError::ManifestNumber(m), Lang::Zh) => m.message(lang),
            (CustodyError::ReceiverIsSender(n), Lang::Zh) => {
                format!("转移联单 {n} 的接受人与移出人为同一单位")
            }
            (CustodyError::UnknownCorrected(e), Lang::Zh) => {
                format!("被更正的事件 {e} 不在该容器的链中")
            }
            (CustodyError::NotRecorder { org, recorder }, Lang::Zh) => {
                format!("{org} 不是被更正事件的记录单位；只有记录单位 {recorder} 可以更正")
            }
            (CustodyError::Correction(c), Lang::Zh) => c.message(lang),
            (CustodyError::Quantities(m), Lang::Zh) => format!("数量不符：{m}"),
            (CustodyError::Lineage { zh, .. }, Lang::Zh) => format!("来源与产出不符：{zh}"),
            (CustodyError::Balance { zh, .. }, Lang::Zh) => format!("物料不平衡：{zh}"),
            (CustodyError::RefusedPart { zh, .. }, Lang::Zh) => format!("拒收部分不符：{zh}"),
            (CustodyError::NotWeighed(c), Lang::Zh) => format!("容器 {c} 出库前须由移出人称重"),
            (CustodyError::Weighing { zh, .. }, Lang::Zh) => {
                format!("称重方式与电子秤不符：{zh}")
            }
            (CustodyError::Operator { zh, .. }, Lang::Zh) => format!("经办人不符合要求：{zh}"),
            (CustodyError::Track { zh, .. }, Lang::Zh) => format!("运输轨迹不符合要求：{zh}"),
            (CustodyError::BeforePrevious { at, prev_at }, Lang::Zh) => {
                format!("事件时间 {at} 早于它所接续的事件（{prev_at}）")
            }
            (CustodyError::InheritedState { declared, actual }, Lang::Zh) => {
                format!("事件声明来源容器状态为 {declared}，实际为 {actual}")
            }
        }
    }
}

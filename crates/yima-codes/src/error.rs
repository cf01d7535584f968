//! The error type shared by every code parser and generator.

use crate::text;
use crate::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of code an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CodeKind {
    /// Unified social credit code (统一社会信用代码, GB 32100).
    CreditCode,
    /// Waste code of the national catalogue (废物代码), `NNN-NNN-NN`.
    WasteCode,
    /// Waste category (废物类别), `HW01`–`HW50`.
    Category,
    /// Hazard characteristics (危险特性), as a set or in catalogue notation.
    Hazard,
    /// Digital identification code of a label (数字识别码, HJ 1276-2022).
    LabelCode,
    /// A device's block of label sequence numbers (标签序号段).
    SequenceBlock,
    /// Transfer manifest number (联单编号).
    ManifestNumber,
    /// Ledger batch code (台账批次编码, HJ 1259-2022).
    BatchCode,
    /// A date (for callers validating dates of their own; codes report a bad date inside
    /// them under their own kind).
    Date,
}

impl CodeKind {
    /// The name of this kind of code, for a person.
    pub fn name(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (CodeKind::CreditCode, Lang::En) => "unified social credit code",
            (CodeKind::CreditCode, Lang::Zh) => "统一社会信用代码",
            (CodeKind::WasteCode, Lang::En) => "waste code",
            (CodeKind::WasteCode, Lang::Zh) => "废物代码",
            (CodeKind::Category, Lang::En) => "waste category",
            (CodeKind::Category, Lang::Zh) => "废物类别",
            (CodeKind::Hazard, Lang::En) => "hazard characteristics",
            (CodeKind::Hazard, Lang::Zh) => "危险特性",
            (CodeKind::LabelCode, Lang::En) => "label identification code",
            (CodeKind::LabelCode, Lang::Zh) => "数字识别码",
            (CodeKind::SequenceBlock, Lang::En) => "label sequence block",
            (CodeKind::SequenceBlock, Lang::Zh) => "标签序号段",
            (CodeKind::ManifestNumber, Lang::En) => "transfer manifest number",
            (CodeKind::ManifestNumber, Lang::Zh) => "联单编号",
            (CodeKind::BatchCode, Lang::En) => "ledger batch code",
            (CodeKind::BatchCode, Lang::Zh) => "台账批次编码",
            (CodeKind::Date, Lang::En) => "date",
            (CodeKind::Date, Lang::Zh) => "日期",
        }
    }
}

/// What is wrong with a code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CodeErrorKind {
    /// The input is empty.
    Empty,
    /// The input has the wrong number of characters.
    Length {
        /// The required number of characters.
        expected: usize,
        /// The number of characters found.
        found: usize,
    },
    /// A character is not allowed where it stands.
    Character {
        /// 1-based position of the character (in characters, not bytes).
        position: usize,
        /// The character found.
        found: char,
        /// What is allowed there, e.g. "a digit".
        expected: &'static str,
    },
    /// The check character does not match the rest of the code.
    CheckCharacter {
        /// The check character the rest of the code requires.
        expected: char,
        /// The check character found.
        found: char,
    },
    /// A part of the code is well formed but has a value that does not exist
    /// (category HW42, date 20230231, province 99, sequence 000…).
    OutOfRange {
        /// Which part, e.g. "category", "date", "province code".
        what: &'static str,
        /// The value found, as written.
        value: String,
    },
    /// The input does not have the required shape.
    Format {
        /// The required shape, e.g. "NNN-NNN-NN or NNNNNNNN".
        expected: &'static str,
    },
    /// Every sequence of a block is used.
    SequenceExhausted {
        /// First sequence of the block.
        first: u16,
        /// Last sequence of the block.
        last: u16,
    },
}

impl CodeErrorKind {
    /// The detail part of a message, without the code and input.
    fn detail(&self, lang: Lang) -> String {
        use CodeErrorKind::*;
        match (self, lang) {
            (Empty, Lang::En) => "must not be empty".into(),
            (Empty, Lang::Zh) => "不能为空".into(),
            (Length { expected, found }, Lang::En) => {
                format!("should be {expected} characters long, found {found}")
            }
            (Length { expected, found }, Lang::Zh) => {
                format!("应为 {expected} 位，实际为 {found} 位")
            }
            (
                Character {
                    position,
                    found,
                    expected,
                },
                Lang::En,
            ) => {
                format!("at position {position}, found {found}, expected {expected}")
            }
            (
                Character {
                    position,
                    found,
                    expected,
                },
                Lang::Zh,
            ) => {
                format!("第 {position} 位为 {found}，应为{}", text::zh(expected))
            }
            (CheckCharacter { expected, found }, Lang::En) => {
                format!("check character should be {expected}, found {found}")
            }
            (CheckCharacter { expected, found }, Lang::Zh) => {
                format!("校验码应为 {expected}，实际为 {found}")
            }
            (OutOfRange { what, value }, Lang::En) => format!("{what} {value} is out of range"),
            (OutOfRange { what, value }, Lang::Zh) => {
                format!("{} {value} 超出有效范围", text::zh(what))
            }
            (Format { expected }, Lang::En) => format!("expected the format {expected}"),
            (Format { expected }, Lang::Zh) => format!("格式应为 {}", text::zh(expected)),
            (SequenceExhausted { first, last }, Lang::En) => {
                format!("every sequence from {first} to {last} is used")
            }
            (SequenceExhausted { first, last }, Lang::Zh) => {
                format!("序号 {first}–{last} 已全部用完")
            }
        }
    }
}

/// The part of a composite code an error was found in (for label codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Segment {
    /// English name, e.g. "waste code segment".
    pub(crate) en: &'static str,
    /// Chinese name.
    pub(crate) zh: &'static str,
    /// 1-based first position.
    pub(crate) first: usize,
    /// 1-based last position.
    pub(crate) last: usize,
}

/// A parse or generation error: says which code, what is wrong and where.
///
/// ```
/// use yima_codes::{CodeErrorKind, CodeKind, CreditCode, Lang};
/// let err = "91350100M000100Y4A".parse::<CreditCode>().unwrap_err();
/// assert_eq!(err.code(), CodeKind::CreditCode);
/// assert_eq!(err.kind(), &CodeErrorKind::CheckCharacter { expected: '3', found: 'A' });
/// assert_eq!(err.message(Lang::Zh), "统一社会信用代码 91350100M000100Y4A：校验码应为 3，实际为 A");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub struct CodeError {
    code: CodeKind,
    kind: CodeErrorKind,
    input: String,
    segment: Option<Segment>,
}

impl CodeError {
    /// A new error about `input`.
    pub(crate) fn new(code: CodeKind, kind: CodeErrorKind, input: impl Into<String>) -> Self {
        CodeError {
            code,
            kind,
            input: input.into(),
            segment: None,
        }
    }

    /// The same error inside a segment of a larger code: positions are shifted by
    /// `segment.first - 1`, and the code and input become the larger one's.
    pub(crate) fn in_segment(self, code: CodeKind, input: &str, segment: Segment) -> Self {
        let kind = match self.kind {
            CodeErrorKind::Character {
                position,
                found,
                expected,
            } => CodeErrorKind::Character {
                position: position + segment.first - 1,
                found,
                expected,
            },
            other => other,
        };
        CodeError {
            code,
            kind,
            input: input.to_string(),
            segment: Some(segment),
        }
    }

    /// What kind of code the error is about.
    pub fn code(&self) -> CodeKind {
        self.code
    }

    /// What is wrong.
    pub fn kind(&self) -> &CodeErrorKind {
        &self.kind
    }

    /// The input that was rejected (for generation errors: the code as it would have been
    /// written, as far as it could be).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The error as a full sentence in `lang`, naming the code, the input, and (for label
    /// codes) the segment.
    pub fn message(&self, lang: Lang) -> String {
        let mut out = String::from(self.code.name(lang));
        if !self.input.is_empty() {
            out.push(' ');
            out.push_str(&self.input);
        }
        let sep = match lang {
            Lang::En => ": ",
            Lang::Zh => "：",
        };
        out.push_str(sep);
        if let Some(s) = self.segment {
            match lang {
                Lang::En => out.push_str(&format!("{} (positions {}–{})", s.en, s.first, s.last)),
                Lang::Zh => out.push_str(&format!("{}（第 {}–{} 位）", s.zh, s.first, s.last)),
            }
            out.push_str(sep);
        }
        out.push_str(&self.kind.detail(lang));
        out
    }
}

impl fmt::Display for CodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        let e = CodeError::new(
            CodeKind::WasteCode,
            CodeErrorKind::Character {
                position: 5,
                found: 'x',
                expected: text::DIGIT,
            },
            "900x041-49",
        );
        assert_eq!(
            e.to_string(),
            "waste code 900x041-49: at position 5, found x, expected a digit"
        );
        assert_eq!(
            e.message(Lang::Zh),
            "废物代码 900x041-49：第 5 位为 x，应为数字"
        );
        let e = CodeError::new(CodeKind::Category, CodeErrorKind::Empty, "");
        assert_eq!(e.to_string(), "waste category: must not be empty");
        assert_eq!(e.message(Lang::Zh), "废物类别：不能为空");
        let e = CodeError::new(
            CodeKind::Category,
            CodeErrorKind::OutOfRange {
                what: text::CATEGORY,
                value: "HW42".into(),
            },
            "HW42",
        );
        assert_eq!(
            e.to_string(),
            "waste category HW42: category HW42 is out of range"
        );
        assert_eq!(
            e.message(Lang::Zh),
            "废物类别 HW42：废物类别 HW42 超出有效范围"
        );
        assert_eq!(e.kind().to_string(), "category HW42 is out of range");
    }
}

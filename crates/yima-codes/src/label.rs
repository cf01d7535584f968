//! Digital identification code of a hazardous-waste label (数字识别码, HJ 1276-2022).

use crate::error::Segment;
use crate::text;
use crate::util::{check_digits, check_len, format_date, parse_date, split_chars, string_serde};
use crate::{CodeError, CodeErrorKind, CodeKind, CreditCode, WasteCode};
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

const PRODUCER: Segment = Segment {
    en: "producer code segment",
    zh: "产生单位代码段",
    first: 1,
    last: 18,
};
const WASTE: Segment = Segment {
    en: "waste code segment",
    zh: "废物代码段",
    first: 19,
    last: 26,
};
const DATE: Segment = Segment {
    en: "date segment",
    zh: "产生日期段",
    first: 27,
    last: 34,
};
const SEQUENCE: Segment = Segment {
    en: "sequence segment",
    zh: "序号段",
    first: 35,
    last: 37,
};

/// The digital identification code of a label (HJ 1276-2022), 37 characters:
/// producer or collector credit code (18) + waste code digits (8) + generation date
/// `YYYYMMDD` (8) + sequence `001`–`999` (3) within that producer, waste code and day.
///
/// Parse errors name the segment and the position within the 37 characters.
///
/// ```
/// use chrono::NaiveDate;
/// use yima_codes::{LabelCode, Lang};
/// let code = LabelCode::new(
///     "91350100M000100Y43".parse()?,
///     "900-041-49".parse()?,
///     NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
///     7,
/// )?;
/// assert_eq!(code.as_str(), "91350100M000100Y439000414920240301007");
/// assert_eq!(code.as_str().parse::<LabelCode>()?, code);
///
/// let err = "91350100M000100Y439000414220240301007".parse::<LabelCode>().unwrap_err();
/// assert_eq!(
///     err.message(Lang::En),
///     "label identification code 91350100M000100Y439000414220240301007: \
///      waste code segment (positions 19–26): category HW42 is out of range",
/// );
/// # Ok::<(), yima_codes::CodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabelCode {
    text: String,
    producer: CreditCode,
    waste: WasteCode,
    date: NaiveDate,
    sequence: u16,
}

/// Checks a sequence number (1..=999).
fn check_sequence(sequence: u16) -> Result<(), CodeErrorKind> {
    if (1..=999).contains(&sequence) {
        Ok(())
    } else {
        Err(CodeErrorKind::OutOfRange {
            what: text::SEQUENCE,
            value: format!("{sequence:03}"),
        })
    }
}

impl LabelCode {
    /// Builds the code of a label from its parts.
    pub fn new(
        producer: CreditCode,
        waste: WasteCode,
        date: NaiveDate,
        sequence: u16,
    ) -> Result<LabelCode, CodeError> {
        let head = format!("{producer}{}", waste.digits());
        let err =
            |kind, tail: &str| CodeError::new(CodeKind::LabelCode, kind, format!("{head}{tail}"));
        let date_text = format_date(date).map_err(|k| err(k, &date.to_string()))?;
        check_sequence(sequence).map_err(|k| err(k, &format!("{date_text}{sequence:03}")))?;
        let text = format!("{head}{date_text}{sequence:03}");
        Ok(LabelCode {
            text,
            producer,
            waste,
            date,
            sequence,
        })
    }

    /// The producer's (or collector's) unified social credit code.
    pub fn producer(&self) -> &CreditCode {
        &self.producer
    }

    /// The waste code.
    pub fn waste_code(&self) -> &WasteCode {
        &self.waste
    }

    /// The generation date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The sequence within that producer, waste code and day (1..=999).
    pub fn sequence(&self) -> u16 {
        self.sequence
    }

    /// The 37 characters.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for LabelCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        check_len(s, 37).map_err(|kind| CodeError::new(CodeKind::LabelCode, kind, s))?;
        let in_segment =
            |segment: Segment| move |e: CodeError| e.in_segment(CodeKind::LabelCode, s, segment);
        let segment_error = |segment: Segment| {
            move |kind| {
                CodeError::new(CodeKind::LabelCode, kind, "").in_segment(
                    CodeKind::LabelCode,
                    s,
                    segment,
                )
            }
        };
        let (producer, rest) = split_chars(s, 18);
        let (waste, rest) = split_chars(rest, 8);
        let (date, sequence) = split_chars(rest, 8);

        let producer: CreditCode = producer.parse().map_err(in_segment(PRODUCER))?;
        let waste: WasteCode = waste.parse().map_err(in_segment(WASTE))?;
        check_digits(date, 0).map_err(segment_error(DATE))?;
        let date = parse_date(date).map_err(segment_error(DATE))?;
        check_digits(sequence, 0).map_err(segment_error(SEQUENCE))?;
        let sequence: u16 = sequence.parse().unwrap_or(0);
        check_sequence(sequence).map_err(segment_error(SEQUENCE))?;
        Ok(LabelCode {
            text: s.to_string(),
            producer,
            waste,
            date,
            sequence,
        })
    }
}

impl fmt::Display for LabelCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

string_serde!(LabelCode);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    const OK: &str = "91350100M000100Y439000414920240301007";

    fn with(at: usize, replacement: &str) -> String {
        let mut s = OK.to_string();
        s.replace_range(at - 1..at - 1 + replacement.len(), replacement);
        s
    }

    #[test]
    fn parts() {
        let code: LabelCode = OK.parse().unwrap();
        assert_eq!(code.producer().as_str(), "91350100M000100Y43");
        assert_eq!(code.waste_code().to_string(), "900-041-49");
        assert_eq!(code.date(), NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
        assert_eq!(code.sequence(), 7);
        assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{OK}\""));
        let rebuilt = LabelCode::new(
            code.producer().clone(),
            code.waste_code().clone(),
            code.date(),
            7,
        );
        assert_eq!(rebuilt.unwrap(), code);
    }

    #[test]
    fn new_rejects() {
        let code: LabelCode = OK.parse().unwrap();
        let new = |date, seq| {
            LabelCode::new(
                code.producer().clone(),
                code.waste_code().clone(),
                date,
                seq,
            )
        };
        let d = code.date();
        let err = new(d, 0).unwrap_err();
        assert_eq!(
            err.kind(),
            &CodeErrorKind::OutOfRange {
                what: "sequence",
                value: "000".into()
            }
        );
        assert_eq!(err.input(), &OK.replace("007", "000"));
        assert!(new(d, 1000).is_err());
        assert!(new(NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(), 1).is_err());
    }

    #[test]
    fn segment_errors() {
        let err = |s: &str| s.parse::<LabelCode>().unwrap_err();
        assert_eq!(err("").kind(), &CodeErrorKind::Empty);
        assert_eq!(
            err(&OK[..36]).kind(),
            &CodeErrorKind::Length {
                expected: 37,
                found: 36
            }
        );

        let e = err(&with(18, "A"));
        assert_eq!(
            e.kind(),
            &CodeErrorKind::CheckCharacter {
                expected: '3',
                found: 'A'
            }
        );
        assert_eq!(e.code(), CodeKind::LabelCode);
        assert!(e
            .to_string()
            .contains("producer code segment (positions 1–18): check character"));

        let e = err(&with(21, "x"));
        assert_eq!(
            e.kind(),
            &CodeErrorKind::Character {
                position: 21,
                found: 'x',
                expected: "a digit"
            }
        );
        assert_eq!(
            e.to_string(),
            format!(
                "label identification code {}: waste code segment (positions 19–26): \
                 at position 21, found x, expected a digit",
                with(21, "x")
            )
        );
        assert_eq!(
            e.message(Lang::Zh),
            format!(
                "数字识别码 {}：废物代码段（第 19–26 位）：第 21 位为 x，应为数字",
                with(21, "x")
            )
        );

        let e = err(&with(27, "20230231"));
        assert_eq!(
            e.kind(),
            &CodeErrorKind::OutOfRange {
                what: "date",
                value: "20230231".into()
            }
        );
        assert!(e
            .to_string()
            .contains("date segment (positions 27–34): date 20230231 is out"));
        let e = err(&with(30, "-"));
        assert_eq!(
            e.kind(),
            &CodeErrorKind::Character {
                position: 30,
                found: '-',
                expected: "a digit"
            }
        );
        let e = err(&with(35, "000"));
        assert_eq!(
            e.kind(),
            &CodeErrorKind::OutOfRange {
                what: "sequence",
                value: "000".into()
            }
        );
        assert!(e.to_string().contains("sequence segment (positions 35–37)"));
        let e = err(&with(37, "Y"));
        assert_eq!(
            e.kind(),
            &CodeErrorKind::Character {
                position: 37,
                found: 'Y',
                expected: "a digit"
            }
        );
        // Non-ASCII characters are counted as one position each.
        let e = err(&OK.replace("9000414", "900041废"));
        assert_eq!(
            e.kind(),
            &CodeErrorKind::Character {
                position: 25,
                found: '废',
                expected: "a digit"
            }
        );
    }
}

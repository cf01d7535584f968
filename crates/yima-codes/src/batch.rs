//! Ledger batch codes (台账批次编码, HJ 1259-2022 annex B).

use crate::text;
use crate::util::{check_digits, format_date, parse_date, string_serde};
use crate::{CodeError, CodeErrorKind, CodeKind, Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a ledger batch records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BatchKind {
    /// Generation (产生), `HWCS`.
    Generation,
    /// Into storage (入库), `HWRK`.
    IntoStore,
    /// Out of storage (出库), `HWCK`.
    OutOfStore,
    /// Own use (自行利用), `HWZXLY`.
    OwnUse,
    /// Own disposal (自行处置), `HWZXCZ`.
    OwnDisposal,
    /// Outsourced use (委托利用), `HWWWLY`.
    OutsourcedUse,
    /// Outsourced disposal (委托处置), `HWWWCZ`.
    OutsourcedDisposal,
}

impl BatchKind {
    /// Every kind, in ledger order.
    pub fn all() -> [BatchKind; 7] {
        use BatchKind::*;
        [
            Generation,
            IntoStore,
            OutOfStore,
            OwnUse,
            OwnDisposal,
            OutsourcedUse,
            OutsourcedDisposal,
        ]
    }

    /// The code prefix, e.g. `HWCS`.
    pub fn prefix(&self) -> &'static str {
        match self {
            BatchKind::Generation => "HWCS",
            BatchKind::IntoStore => "HWRK",
            BatchKind::OutOfStore => "HWCK",
            BatchKind::OwnUse => "HWZXLY",
            BatchKind::OwnDisposal => "HWZXCZ",
            BatchKind::OutsourcedUse => "HWWWLY",
            BatchKind::OutsourcedDisposal => "HWWWCZ",
        }
    }

    /// The name for a person, e.g. "产生" / "generation".
    pub fn name(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (BatchKind::Generation, Lang::Zh) => "产生",
            (BatchKind::IntoStore, Lang::Zh) => "入库",
            (BatchKind::OutOfStore, Lang::Zh) => "出库",
            (BatchKind::OwnUse, Lang::Zh) => "自行利用",
            (BatchKind::OwnDisposal, Lang::Zh) => "自行处置",
            (BatchKind::OutsourcedUse, Lang::Zh) => "委托利用",
            (BatchKind::OutsourcedDisposal, Lang::Zh) => "委托处置",
            (BatchKind::Generation, Lang::En) => "generation",
            (BatchKind::IntoStore, Lang::En) => "into storage",
            (BatchKind::OutOfStore, Lang::En) => "out of storage",
            (BatchKind::OwnUse, Lang::En) => "own use",
            (BatchKind::OwnDisposal, Lang::En) => "own disposal",
            (BatchKind::OutsourcedUse, Lang::En) => "outsourced use",
            (BatchKind::OutsourcedDisposal, Lang::En) => "outsourced disposal",
        }
    }

    /// The kind whose prefix begins `code`.
    fn of(code: &str) -> Option<BatchKind> {
        BatchKind::all()
            .into_iter()
            .find(|k| code.starts_with(k.prefix()))
    }
}

/// A ledger batch code: prefix + date `YYYYMMDD` + serial (1–999999, written with at least
/// 3 digits), e.g. `HWCS20211031001`.
///
/// Parsing rejects serials with extra leading zeros (`0001`), so each batch has one spelling.
///
/// ```
/// use chrono::NaiveDate;
/// use yima_codes::{BatchCode, BatchKind};
/// let code: BatchCode = "HWCS20211031001".parse()?;
/// assert_eq!(code.kind(), BatchKind::Generation);
/// assert_eq!(code.date(), NaiveDate::from_ymd_opt(2021, 10, 31).unwrap());
/// assert_eq!(code.serial(), 1);
/// assert_eq!(BatchCode::new(BatchKind::OwnUse, code.date(), 1234)?.as_str(), "HWZXLY202110311234");
/// # Ok::<(), yima_codes::CodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BatchCode {
    text: String,
    kind: BatchKind,
    date: NaiveDate,
    serial: u32,
}

fn check_serial(serial: u32) -> Result<(), CodeErrorKind> {
    if (1..=999_999).contains(&serial) {
        Ok(())
    } else {
        Err(CodeErrorKind::OutOfRange {
            what: text::SERIAL,
            value: format!("{serial:03}"),
        })
    }
}

impl BatchCode {
    /// Builds a batch code.
    pub fn new(kind: BatchKind, date: NaiveDate, serial: u32) -> Result<BatchCode, CodeError> {
        let err = |k, rest: String| {
            CodeError::new(CodeKind::BatchCode, k, format!("{}{rest}", kind.prefix()))
        };
        let date_text = format_date(date).map_err(|k| err(k, date.to_string()))?;
        check_serial(serial).map_err(|k| err(k, format!("{date_text}{serial:03}")))?;
        let text = format!("{}{date_text}{serial:03}", kind.prefix());
        Ok(BatchCode {
            text,
            kind,
            date,
            serial,
        })
    }

    /// What the batch records.
    pub fn kind(&self) -> BatchKind {
        self.kind
    }

    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The serial (1–999999).
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for BatchCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |k| CodeError::new(CodeKind::BatchCode, k, s);
        if s.is_empty() {
            return Err(err(CodeErrorKind::Empty));
        }
        let kind = BatchKind::of(s).ok_or_else(|| {
            err(CodeErrorKind::Format {
                expected: text::BATCH_FORMAT,
            })
        })?;
        let prefix = kind.prefix().len();
        let rest = &s[prefix..];
        check_digits(rest, prefix).map_err(err)?;
        if !(11..=14).contains(&rest.len()) {
            return Err(err(CodeErrorKind::Format {
                expected: text::BATCH_FORMAT,
            }));
        }
        let (date, serial_text) = rest.split_at(8);
        let date = parse_date(date).map_err(err)?;
        let serial: u32 = serial_text.parse().unwrap_or(0);
        check_serial(serial).map_err(err)?;
        if serial_text.len() > 3 && serial_text.starts_with('0') {
            return Err(err(CodeErrorKind::Format {
                expected: text::BATCH_SERIAL,
            }));
        }
        Ok(BatchCode {
            text: s.to_string(),
            kind,
            date,
            serial,
        })
    }
}

impl fmt::Display for BatchCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

string_serde!(BatchCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regulation_example() {
        let code: BatchCode = "HWCS20211031001".parse().unwrap();
        assert_eq!(code.kind(), BatchKind::Generation);
        assert_eq!(code.date(), NaiveDate::from_ymd_opt(2021, 10, 31).unwrap());
        assert_eq!(code.serial(), 1);
        assert_eq!(
            BatchCode::new(BatchKind::Generation, code.date(), 1).unwrap(),
            code
        );
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"HWCS20211031001\"");
    }

    #[test]
    fn kinds() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        for (kind, zh) in BatchKind::all().into_iter().zip([
            "产生",
            "入库",
            "出库",
            "自行利用",
            "自行处置",
            "委托利用",
            "委托处置",
        ]) {
            assert_eq!(kind.name(Lang::Zh), zh);
            let code = BatchCode::new(kind, d, 999_999).unwrap();
            assert_eq!(code.as_str(), format!("{}20240102999999", kind.prefix()));
            assert_eq!(code.as_str().parse::<BatchCode>().unwrap(), code);
        }
    }

    #[test]
    fn rejections() {
        let kind = |s: &str| s.parse::<BatchCode>().unwrap_err().kind().clone();
        let format = CodeErrorKind::Format {
            expected: text::BATCH_FORMAT,
        };
        assert_eq!(kind(""), CodeErrorKind::Empty);
        assert_eq!(kind("HWXX20211031001"), format);
        assert_eq!(kind("hwcs20211031001"), format);
        assert_eq!(kind("HWCS2021103101"), format);
        assert_eq!(kind("HWCS202110310011234"), format);
        assert_eq!(
            kind("HWZXLY2021103100a"),
            CodeErrorKind::Character {
                position: 17,
                found: 'a',
                expected: "a digit"
            }
        );
        assert_eq!(
            kind("HWCS20230231001"),
            CodeErrorKind::OutOfRange {
                what: "date",
                value: "20230231".into()
            }
        );
        assert_eq!(
            kind("HWCS20211031000"),
            CodeErrorKind::OutOfRange {
                what: "serial",
                value: "000".into()
            }
        );
        assert_eq!(
            kind("HWCS202110310001"),
            CodeErrorKind::Format {
                expected: text::BATCH_SERIAL
            }
        );
        let d = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        assert!(BatchCode::new(BatchKind::IntoStore, d, 0).is_err());
        assert!(BatchCode::new(BatchKind::IntoStore, d, 1_000_000).is_err());
    }
}

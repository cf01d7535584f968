//! Helpers shared by the code modules.

use crate::text;
use crate::CodeErrorKind;
use chrono::{Datelike, NaiveDate};

/// Implements `Serialize` and `Deserialize` as the type's string form (`Display` and
/// `FromStr`, so deserializing validates).
macro_rules! string_serde {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_serde;

/// Checks that `s` is not empty and has exactly `len` characters.
pub(crate) fn check_len(s: &str, len: usize) -> Result<(), CodeErrorKind> {
    if s.is_empty() {
        return Err(CodeErrorKind::Empty);
    }
    let found = s.chars().count();
    if found != len {
        return Err(CodeErrorKind::Length {
            expected: len,
            found,
        });
    }
    Ok(())
}

/// Checks that every character of `s` is an ASCII digit; positions are reported from
/// `offset + 1`.
pub(crate) fn check_digits(s: &str, offset: usize) -> Result<(), CodeErrorKind> {
    match s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, found)) => Err(CodeErrorKind::Character {
            position: offset + i + 1,
            found,
            expected: text::DIGIT,
        }),
        None => Ok(()),
    }
}

/// Parses 8 ASCII digits `YYYYMMDD` (already checked to be digits) as a calendar date.
pub(crate) fn parse_date(digits: &str) -> Result<NaiveDate, CodeErrorKind> {
    let out_of_range = || CodeErrorKind::OutOfRange {
        what: text::DATE,
        value: digits.into(),
    };
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<u32>().ok());
    match (n(0..4), n(4..6), n(6..8)) {
        (Some(y), Some(m), Some(d)) if digits.len() == 8 => {
            NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(out_of_range)
        }
        _ => Err(out_of_range()),
    }
}

/// Writes a date as `YYYYMMDD`; only years 0000–9999 fit.
pub(crate) fn format_date(date: NaiveDate) -> Result<String, CodeErrorKind> {
    if !(0..=9999).contains(&date.year()) {
        return Err(CodeErrorKind::OutOfRange {
            what: text::YEAR,
            value: date.year().to_string(),
        });
    }
    Ok(date.format("%Y%m%d").to_string())
}

/// Splits `s` at a character index (not a byte index).
pub(crate) fn split_chars(s: &str, at: usize) -> (&str, &str) {
    let byte = s.char_indices().nth(at).map_or(s.len(), |(b, _)| b);
    s.split_at(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("20240229"),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        );
        let bad = |s: &str| CodeErrorKind::OutOfRange {
            what: "date",
            value: s.into(),
        };
        assert_eq!(parse_date("20230231"), Err(bad("20230231")));
        assert_eq!(parse_date("20231301"), Err(bad("20231301")));
        assert_eq!(parse_date("20230100"), Err(bad("20230100")));
        let d = NaiveDate::from_ymd_opt(21, 1, 2).unwrap();
        assert_eq!(format_date(d).unwrap(), "00210102");
        assert_eq!(parse_date("00210102"), Ok(d));
        let far = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap();
        assert!(matches!(
            format_date(far),
            Err(CodeErrorKind::OutOfRange { what: "year", .. })
        ));
    }

    #[test]
    fn lengths_and_digits() {
        assert_eq!(check_len("", 3), Err(CodeErrorKind::Empty));
        assert_eq!(check_len("废物", 2), Ok(()));
        assert_eq!(
            check_len("ab", 3),
            Err(CodeErrorKind::Length {
                expected: 3,
                found: 2
            })
        );
        assert_eq!(
            check_digits("12a", 10),
            Err(CodeErrorKind::Character {
                position: 13,
                found: 'a',
                expected: "a digit"
            })
        );
        assert_eq!(split_chars("废物ab", 2), ("废物", "ab"));
        assert_eq!(split_chars("ab", 5), ("ab", ""));
    }
}

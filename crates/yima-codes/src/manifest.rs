//! Transfer manifest number (联单编号, 危险废物转移管理办法 art. 15).

use crate::text;
use crate::util::{check_digits, check_len, string_serde};
use crate::{CodeError, CodeErrorKind, CodeKind};
use std::fmt;
use std::str::FromStr;

/// The two-digit codes of China's provincial-level divisions (GB/T 2260), the only
/// province codes a manifest number may carry.
pub const PROVINCE_CODES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// A transfer manifest number: 14 digits, year (4) + sending province (2) + sending city (2)
/// + serial within that city and year (6), e.g. `20243501000123`.
///
/// ```
/// use yima_codes::ManifestNumber;
/// let n = ManifestNumber::new(2024, 35, 1, 123)?;
/// assert_eq!(n.as_str(), "20243501000123");
/// assert_eq!("20243501000123".parse::<ManifestNumber>()?, n);
/// # Ok::<(), yima_codes::CodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ManifestNumber {
    text: String,
    year: u16,
    province: u8,
    city: u8,
    serial: u32,
}

/// Checks the parts; the error names the first part out of range.
fn check(year: u16, province: u8, city: u8, serial: u32) -> Result<(), CodeErrorKind> {
    let bad = |what, value: String| Err(CodeErrorKind::OutOfRange { what, value });
    if !(2000..=2099).contains(&year) {
        return bad(text::YEAR, year.to_string());
    }
    if !PROVINCE_CODES.contains(&province) {
        return bad(text::PROVINCE, format!("{province:02}"));
    }
    if !(1..=99).contains(&city) {
        return bad(text::CITY, format!("{city:02}"));
    }
    if !(1..=999_999).contains(&serial) {
        return bad(text::SERIAL, format!("{serial:06}"));
    }
    Ok(())
}

impl ManifestNumber {
    /// Builds a number: year 2000–2099, an existing province code, city 01–99, serial
    /// 000001–999999.
    pub fn new(
        year: u16,
        province: u8,
        city: u8,
        serial: u32,
    ) -> Result<ManifestNumber, CodeError> {
        let text = format!("{year:04}{province:02}{city:02}{serial:06}");
        match check(year, province, city, serial) {
            Ok(()) => Ok(ManifestNumber {
                text,
                year,
                province,
                city,
                serial,
            }),
            Err(kind) => Err(CodeError::new(CodeKind::ManifestNumber, kind, text)),
        }
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The sending province's code (35 for Fujian).
    pub fn province(&self) -> u8 {
        self.province
    }

    /// The sending city's code within the province (01–99).
    pub fn city(&self) -> u8 {
        self.city
    }

    /// The serial within that city and year.
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for ManifestNumber {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |kind| CodeError::new(CodeKind::ManifestNumber, kind, s);
        check_len(s, 14).map_err(err)?;
        check_digits(s, 0).map_err(err)?;
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        let (year, province, city, serial) =
            (n(0..4) as u16, n(4..6) as u8, n(6..8) as u8, n(8..14));
        check(year, province, city, serial).map_err(err)?;
        Ok(ManifestNumber {
            text: s.to_string(),
            year,
            province,
            city,
            serial,
        })
    }
}

impl fmt::Display for ManifestNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

string_serde!(ManifestNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let n: ManifestNumber = "20243501000123".parse().unwrap();
        assert_eq!(
            (n.year(), n.province(), n.city(), n.serial()),
            (2024, 35, 1, 123)
        );
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"20243501000123\"");
        assert_eq!(PROVINCE_CODES.len(), 34);
    }

    #[test]
    fn rejections() {
        let kind = |s: &str| s.parse::<ManifestNumber>().unwrap_err().kind().clone();
        let bad = |what, value: &str| CodeErrorKind::OutOfRange {
            what,
            value: value.into(),
        };
        assert_eq!(kind(""), CodeErrorKind::Empty);
        assert_eq!(
            kind("2024350100012"),
            CodeErrorKind::Length {
                expected: 14,
                found: 13
            }
        );
        assert_eq!(
            kind("2024350100012a"),
            CodeErrorKind::Character {
                position: 14,
                found: 'a',
                expected: "a digit"
            }
        );
        assert_eq!(kind("19993501000123"), bad("year", "1999"));
        assert_eq!(kind("21003501000123"), bad("year", "2100"));
        assert_eq!(kind("20249901000123"), bad("province code", "99"));
        assert_eq!(kind("20241601000123"), bad("province code", "16"));
        assert_eq!(kind("20243500000123"), bad("city code", "00"));
        assert_eq!(kind("20243501000000"), bad("serial", "000000"));
        assert_eq!(
            ManifestNumber::new(2024, 35, 1, 0).unwrap_err().to_string(),
            "transfer manifest number 20243501000000: serial 000000 is out of range"
        );
        assert!(ManifestNumber::new(2024, 35, 100, 1).is_err());
        assert!(ManifestNumber::new(2024, 35, 1, 1_000_000).is_err());
        for p in [11, 15, 21, 23, 31, 37, 41, 46, 50, 54, 61, 65, 71, 81, 82] {
            assert!(ManifestNumber::new(2024, p, 1, 1).is_ok(), "{p}");
        }
    }
}

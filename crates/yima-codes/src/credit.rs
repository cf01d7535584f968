//! Unified social credit code (统一社会信用代码, GB 32100-2015).

use crate::text;
use crate::util::{check_len, string_serde};
use crate::{CodeError, CodeErrorKind, CodeKind};
use std::fmt;
use std::str::FromStr;

/// The 31 symbols of the code; a symbol's value is its index.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^i mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code (统一社会信用代码, GB 32100): 18 characters, the last a
/// check character.
///
/// Only uppercase is accepted, as the standard writes it; callers that want to be lenient
/// may uppercase user input first.
///
/// ```
/// use yima_codes::CreditCode;
/// let code: CreditCode = "91350100M000100Y43".parse()?;
/// assert_eq!(code.as_str(), "91350100M000100Y43");
/// assert_eq!(CreditCode::check_character("91130200699229617")?, 'X');
/// # Ok::<(), yima_codes::CodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

/// The value of each ASCII character in the alphabet, `u8::MAX` for the others: every
/// stored event's codes are checked when it is read, so this is a table, not a search.
const VALUES: [u8; 128] = {
    let mut table = [u8::MAX; 128];
    let symbols = ALPHABET.as_bytes();
    let mut i = 0;
    while i < symbols.len() {
        table[symbols[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The value of a symbol, if it is in the alphabet.
fn value(c: char) -> Option<u32> {
    match VALUES.get(c as usize) {
        Some(&v) if v != u8::MAX => Some(u32::from(v)),
        _ => None,
    }
}

/// Checks the characters of (a prefix of) a credit code against the GB 32100 pattern
/// `[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}`.
fn check_chars(s: &str) -> Result<(), CodeErrorKind> {
    for (i, c) in s.chars().enumerate() {
        let (ok, expected) = if (2..8).contains(&i) {
            (c.is_ascii_digit(), text::DIGIT)
        } else {
            (value(c).is_some(), text::CREDIT_CHAR)
        };
        if !ok {
            return Err(CodeErrorKind::Character {
                position: i + 1,
                found: c,
                expected,
            });
        }
    }
    Ok(())
}

/// The check character of 17 characters already known to be valid.
fn check_of(first17: &str) -> char {
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| value(c).unwrap_or(0) * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    ALPHABET.as_bytes()[check as usize] as char
}

impl CreditCode {
    /// The code, 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The check character that completes the first 17 characters of a code.
    pub fn check_character(first17: &str) -> Result<char, CodeError> {
        let err = |kind| CodeError::new(CodeKind::CreditCode, kind, first17);
        check_len(first17, 17).map_err(err)?;
        check_chars(first17).map_err(err)?;
        Ok(check_of(first17))
    }

    /// Builds a valid code from its first 17 characters by appending the check character.
    pub fn with_check(first17: &str) -> Result<CreditCode, CodeError> {
        let check = Self::check_character(first17)?;
        Ok(CreditCode(format!("{first17}{check}")))
    }
}

impl FromStr for CreditCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |kind| CodeError::new(CodeKind::CreditCode, kind, s);
        check_len(s, 18).map_err(err)?;
        check_chars(s).map_err(err)?;
        let expected = check_of(&s[..17]);
        let found = s[17..].chars().next().unwrap_or_default();
        if expected != found {
            return Err(err(CodeErrorKind::CheckCharacter { expected, found }));
        }
        Ok(CreditCode(s.to_string()))
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CreditCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

string_serde!(CreditCode);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn regulation_examples() {
        for ok in ["91350100M000100Y43", "91130200699229617X"] {
            let code: CreditCode = ok.parse().unwrap();
            assert_eq!(code.to_string(), ok);
            assert_eq!(CreditCode::with_check(&ok[..17]).unwrap(), code);
        }
        let err = "91350100M000100Y4A".parse::<CreditCode>().unwrap_err();
        assert_eq!(
            err.kind(),
            &CodeErrorKind::CheckCharacter {
                expected: '3',
                found: 'A'
            }
        );
        assert_eq!(
            err.to_string(),
            "unified social credit code 91350100M000100Y4A: check character should be 3, found A"
        );
        assert_eq!(
            err.message(Lang::Zh),
            "统一社会信用代码 91350100M000100Y4A：校验码应为 3，实际为 A"
        );
    }

    #[test]
    fn weights_are_powers_of_three() {
        let mut w = 1;
        for weight in WEIGHTS {
            assert_eq!(weight, w);
            w = w * 3 % 31;
        }
        assert_eq!(ALPHABET.chars().count(), 31);
    }

    #[test]
    fn rejections() {
        let kind = |s: &str| s.parse::<CreditCode>().unwrap_err().kind().clone();
        assert_eq!(kind(""), CodeErrorKind::Empty);
        assert_eq!(
            kind("91350100M000100Y4"),
            CodeErrorKind::Length {
                expected: 18,
                found: 17
            }
        );
        assert_eq!(
            kind("91350100m000100Y43"),
            CodeErrorKind::Character {
                position: 9,
                found: 'm',
                expected: text::CREDIT_CHAR
            }
        );
        assert_eq!(
            kind("913501A0M000100Y43"),
            CodeErrorKind::Character {
                position: 7,
                found: 'A',
                expected: text::DIGIT
            }
        );
        assert_eq!(
            kind("9135010OM000100Y43"),
            CodeErrorKind::Character {
                position: 8,
                found: 'O',
                expected: text::DIGIT
            }
        );
        assert_eq!(
            kind("I1350100M000100Y43"),
            CodeErrorKind::Character {
                position: 1,
                found: 'I',
                expected: text::CREDIT_CHAR
            }
        );
        assert_eq!(
            kind("91350100M000100Y4３"),
            CodeErrorKind::Character {
                position: 18,
                found: '３',
                expected: text::CREDIT_CHAR
            }
        );
        let err = "91350100m000100Y43".parse::<CreditCode>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unified social credit code 91350100m000100Y43: at position 9, found m, \
             expected a digit or an uppercase letter other than I, O, S, V, Z"
        );
        assert!(CreditCode::with_check("9135").is_err());
    }

    #[test]
    fn serde_as_string() {
        let code: CreditCode = "91130200699229617X".parse().unwrap();
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, "\"91130200699229617X\"");
        assert_eq!(serde_json::from_str::<CreditCode>(&json).unwrap(), code);
        assert!(serde_json::from_str::<CreditCode>("\"91130200699229617Y\"").is_err());
    }
}

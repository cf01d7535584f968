//! Waste code of the national catalogue (废物代码), `NNN-NNN-NN`.

use crate::category::{exists, out_of_range};
use crate::text;
use crate::util::{check_digits, string_serde};
use crate::{Category, CodeError, CodeErrorKind, CodeKind};
use std::fmt;
use std::str::FromStr;

/// A waste code of the national catalogue: `NNN-NNN-NN`, industry (GB/T 4754) +
/// sequence + category number.
///
/// Parsing accepts the hyphenated form and the 8 digits without hyphens; it checks that the
/// last two digits are an existing category number. Display is the hyphenated form.
///
/// ```
/// use yima_codes::WasteCode;
/// let code: WasteCode = "90004149".parse()?;
/// assert_eq!(code.to_string(), "900-041-49");
/// assert_eq!(code.digits(), "90004149");
/// assert_eq!(code.category()?.to_string(), "HW49");
/// # Ok::<(), yima_codes::CodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WasteCode(String);

impl WasteCode {
    /// The 8 digits, without hyphens.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The category the code belongs to (from its last two digits).
    pub fn category(&self) -> Result<Category, CodeError> {
        let n: u8 = self.0[6..].parse().unwrap_or(0);
        Category::new(n)
            .map_err(|e| CodeError::new(CodeKind::WasteCode, e.kind().clone(), self.to_string()))
    }

    /// The industry part, digits 1–3 (GB/T 4754 industry; `900` for non-specific).
    pub fn industry(&self) -> &str {
        &self.0[..3]
    }

    /// The sequence part, digits 4–6.
    pub fn sequence(&self) -> &str {
        &self.0[3..6]
    }
}

impl FromStr for WasteCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |kind| CodeError::new(CodeKind::WasteCode, kind, s);
        if s.is_empty() {
            return Err(err(CodeErrorKind::Empty));
        }
        let digits = match s.chars().count() {
            8 => {
                check_digits(s, 0).map_err(err)?;
                s.to_string()
            }
            10 => {
                for (i, c) in s.chars().enumerate() {
                    let (ok, expected) = match i {
                        3 | 7 => (c == '-', text::HYPHEN),
                        _ => (c.is_ascii_digit(), text::DIGIT),
                    };
                    if !ok {
                        let kind = CodeErrorKind::Character {
                            position: i + 1,
                            found: c,
                            expected,
                        };
                        return Err(err(kind));
                    }
                }
                s.chars().filter(char::is_ascii_digit).collect()
            }
            _ => {
                return Err(err(CodeErrorKind::Format {
                    expected: text::WASTE_FORMAT,
                }))
            }
        };
        let n: u8 = digits[6..].parse().unwrap_or(0);
        if !exists(n) {
            return Err(err(out_of_range(n)));
        }
        Ok(WasteCode(digits))
    }
}

impl fmt::Display for WasteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

string_serde!(WasteCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let code: WasteCode = "900-041-49".parse().unwrap();
        assert_eq!(code.category().unwrap(), Category::new(49).unwrap());
        assert_eq!(code.industry(), "900");
        assert_eq!(code.sequence(), "041");
        assert_eq!(code.digits(), "90004149");
        assert_eq!("90004149".parse::<WasteCode>().unwrap(), code);
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"900-041-49\"");
        let back: WasteCode = serde_json::from_str("\"90004149\"").unwrap();
        assert_eq!(back, code);
    }

    #[test]
    fn rejections() {
        let kind = |s: &str| s.parse::<WasteCode>().unwrap_err().kind().clone();
        assert_eq!(kind(""), CodeErrorKind::Empty);
        assert_eq!(
            kind("900-041-4"),
            CodeErrorKind::Format {
                expected: text::WASTE_FORMAT
            }
        );
        assert_eq!(
            kind("900_041-49"),
            CodeErrorKind::Character {
                position: 4,
                found: '_',
                expected: "'-'"
            }
        );
        assert_eq!(
            kind("900-0a1-49"),
            CodeErrorKind::Character {
                position: 6,
                found: 'a',
                expected: "a digit"
            }
        );
        assert_eq!(
            kind("900-04149"),
            CodeErrorKind::Format {
                expected: text::WASTE_FORMAT
            }
        );
        assert_eq!(
            kind("9000414-"),
            CodeErrorKind::Character {
                position: 8,
                found: '-',
                expected: "a digit"
            }
        );
        for bad in ["900-041-41", "900-041-44", "900-041-00", "900-041-51"] {
            let err = bad.parse::<WasteCode>().unwrap_err();
            let value = format!("HW{}", &bad[8..]);
            assert_eq!(
                err.kind(),
                &CodeErrorKind::OutOfRange {
                    what: "category",
                    value
                }
            );
            assert_eq!(err.code(), CodeKind::WasteCode);
        }
        assert_eq!(
            "900-041-42".parse::<WasteCode>().unwrap_err().to_string(),
            "waste code 900-041-42: category HW42 is out of range"
        );
    }
}

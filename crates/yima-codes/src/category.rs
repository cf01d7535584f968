//! Waste category (废物类别), `HW01`–`HW50` without `HW41`–`HW44`.

use crate::text;
use crate::util::{check_digits, check_len, string_serde};
use crate::{CodeError, CodeErrorKind, CodeKind};
use std::fmt;
use std::str::FromStr;

/// A waste category of the national catalogue: `HW01`–`HW50`; `HW41`–`HW44` do not exist.
///
/// ```
/// use yima_codes::Category;
/// let c: Category = "HW08".parse()?;
/// assert_eq!(c.number(), 8);
/// assert_eq!(c, Category::new(8)?);
/// assert!("HW42".parse::<Category>().is_err());
/// # Ok::<(), yima_codes::CodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Category(u8);

/// Whether `n` is the number of an existing category.
pub(crate) fn exists(n: u8) -> bool {
    matches!(n, 1..=40 | 45..=50)
}

/// The out-of-range error kind for category number `n`.
pub(crate) fn out_of_range(n: u8) -> CodeErrorKind {
    CodeErrorKind::OutOfRange {
        what: text::CATEGORY,
        value: format!("HW{n:02}"),
    }
}

impl Category {
    /// The category with number `n` (8 for HW08).
    pub fn new(n: u8) -> Result<Category, CodeError> {
        if exists(n) {
            Ok(Category(n))
        } else {
            Err(CodeError::new(
                CodeKind::Category,
                out_of_range(n),
                format!("HW{n:02}"),
            ))
        }
    }

    /// The number (8 for HW08), which is also the last two digits of its waste codes.
    pub fn number(&self) -> u8 {
        self.0
    }

    /// Every category, in order (46 of them).
    pub fn all() -> impl Iterator<Item = Category> {
        (1..=50).filter(|&n| exists(n)).map(Category)
    }
}

impl FromStr for Category {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |kind| CodeError::new(CodeKind::Category, kind, s);
        check_len(s, 4).map_err(err)?;
        let mut chars = s.chars();
        for (position, want, expected) in [(1, 'H', text::LETTER_H), (2, 'W', text::LETTER_W)] {
            let found = chars.next().unwrap_or_default();
            if found != want {
                return Err(err(CodeErrorKind::Character {
                    position,
                    found,
                    expected,
                }));
            }
        }
        let digits = &s[2..];
        check_digits(digits, 2).map_err(err)?;
        let n: u8 = digits.parse().unwrap_or(0);
        if !exists(n) {
            return Err(err(out_of_range(n)));
        }
        Ok(Category(n))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HW{:02}", self.0)
    }
}

string_serde!(Category);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range() {
        assert_eq!(Category::all().count(), 46);
        for n in 0..=255u8 {
            let ok = (1..=50).contains(&n) && !(41..=44).contains(&n);
            assert_eq!(Category::new(n).is_ok(), ok, "{n}");
            if ok {
                let c = Category::new(n).unwrap();
                assert_eq!(c.to_string().parse::<Category>().unwrap(), c);
            }
        }
        for bad in ["HW41", "HW42", "HW43", "HW44", "HW00", "HW51", "HW99"] {
            let err = bad.parse::<Category>().unwrap_err();
            assert_eq!(
                err.kind(),
                &CodeErrorKind::OutOfRange {
                    what: "category",
                    value: bad.into()
                },
                "{bad}"
            );
        }
        assert_eq!(Category::new(42).unwrap_err().input(), "HW42");
    }

    #[test]
    fn format() {
        assert_eq!(Category::new(8).unwrap().to_string(), "HW08");
        let kind = |s: &str| s.parse::<Category>().unwrap_err().kind().clone();
        assert_eq!(kind(""), CodeErrorKind::Empty);
        assert_eq!(
            kind("HW8"),
            CodeErrorKind::Length {
                expected: 4,
                found: 3
            }
        );
        assert_eq!(
            kind("hw08"),
            CodeErrorKind::Character {
                position: 1,
                found: 'h',
                expected: "the letter H"
            }
        );
        assert_eq!(
            kind("HX08"),
            CodeErrorKind::Character {
                position: 2,
                found: 'X',
                expected: "the letter W"
            }
        );
        assert_eq!(
            kind("HW0x"),
            CodeErrorKind::Character {
                position: 4,
                found: 'x',
                expected: "a digit"
            }
        );
        assert_eq!(
            serde_json::to_string(&Category::new(49).unwrap()).unwrap(),
            "\"HW49\""
        );
    }
}

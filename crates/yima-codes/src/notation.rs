//! The catalogue's notation of hazard characteristics (`T,I`, `T/C/I/R`).

use crate::hazard::parse_list;
use crate::text;
use crate::util::string_serde;
use crate::{CodeError, CodeErrorKind, CodeKind, HazardSet};
use std::fmt;
use std::str::FromStr;

/// Hazard characteristics as the catalogue writes them.
///
/// - `T`: has T (`certain` = {T}).
/// - `T,I`: has T and may have I (`certain` = {T}, `possible` = {I}); the first symbol of a
///   comma list is certain, the rest possible (the catalogue also writes `C,T`, `R,T`…).
/// - `T/C/I/R`: has one or more of them (`certain` empty, `possible` = {T, C, I, R}).
///
/// Display writes the certain hazards, then the possible ones, each group in the order
/// T, C, I, R, In (so the catalogue's `T,I,C` displays as `T,C,I`, which parses back to the
/// same value). A value with nothing certain and a single possible hazard, or with several
/// certain hazards, has no catalogue notation and does not round-trip.
///
/// ```
/// use yima_codes::{HazardNotation, HazardSet};
/// let n: HazardNotation = "T/In".parse()?;
/// assert!(n.certain.is_empty());
/// assert_eq!(n.default_hazards(), "T,In".parse::<HazardSet>()?);
/// assert_eq!(n.to_string(), "T/In");
/// # Ok::<(), yima_codes::CodeError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HazardNotation {
    /// Hazards the waste has.
    pub certain: HazardSet,
    /// Hazards the waste may have.
    pub possible: HazardSet,
}

impl HazardNotation {
    /// Every hazard named, certain or possible: what a label for this waste defaults to.
    pub fn default_hazards(&self) -> HazardSet {
        self.certain.union(self.possible)
    }
}

impl fmt::Display for HazardNotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let possible = self.possible.difference(self.certain);
        if self.certain.is_empty() {
            return possible.write_joined(f, "/");
        }
        self.certain.write_joined(f, ",")?;
        for h in possible.iter() {
            write!(f, ",{h}")?;
        }
        Ok(())
    }
}

impl FromStr for HazardNotation {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |kind| CodeError::new(CodeKind::Hazard, kind, s);
        if s.is_empty() {
            return Err(err(CodeErrorKind::Empty));
        }
        if s.contains('/') && s.contains(',') {
            return Err(err(CodeErrorKind::Format {
                expected: text::HAZARD_NOTATION,
            }));
        }
        if s.contains('/') {
            let possible = parse_list(s, '/').map_err(err)?.into_iter().collect();
            return Ok(HazardNotation {
                certain: HazardSet::default(),
                possible,
            });
        }
        let list = parse_list(s, ',').map_err(err)?;
        Ok(HazardNotation {
            certain: list[..1].iter().copied().collect(),
            possible: list[1..].iter().copied().collect(),
        })
    }
}

string_serde!(HazardNotation);

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> HazardSet {
        s.parse().unwrap()
    }

    #[test]
    fn notations() {
        let n = |s: &str| s.parse::<HazardNotation>().unwrap();
        assert_eq!(
            n("T"),
            HazardNotation {
                certain: set("T"),
                possible: set("")
            }
        );
        assert_eq!(
            n("T,I"),
            HazardNotation {
                certain: set("T"),
                possible: set("I")
            }
        );
        assert_eq!(
            n("C,T"),
            HazardNotation {
                certain: set("C"),
                possible: set("T")
            }
        );
        assert_eq!(
            n("T/C/I/R"),
            HazardNotation {
                certain: set(""),
                possible: set("T,C,I,R")
            }
        );
        assert_eq!(n("T/In").default_hazards(), set("T,In"));
        assert_eq!(n("T,I,R").default_hazards(), set("T,I,R"));
        assert_eq!(n("T,I,C").to_string(), "T,C,I");
        assert_eq!(n("T,C,I"), n("T,I,C"));
        let catalogue = [
            "T",
            "T,I",
            "C,T",
            "T,R",
            "T,C",
            "T/C/I/R",
            "T,I,R",
            "R,T",
            "In",
            "C",
            "T/In",
            "T/C",
            "C,R",
            "R",
            "R,C",
            "T/C/I/R/In",
        ];
        for s in catalogue {
            assert_eq!(n(s).to_string(), s);
        }
        let kind = |s: &str| s.parse::<HazardNotation>().unwrap_err().kind().clone();
        assert_eq!(kind(""), CodeErrorKind::Empty);
        assert_eq!(
            kind("T,C/I"),
            CodeErrorKind::Format {
                expected: text::HAZARD_NOTATION
            }
        );
        assert_eq!(
            kind("T/T"),
            CodeErrorKind::Format {
                expected: text::HAZARD_REPEAT
            }
        );
        assert_eq!(
            kind("T, I"),
            CodeErrorKind::Character {
                position: 3,
                found: ' ',
                expected: text::HAZARD_SYMBOL
            }
        );
        assert_eq!(serde_json::to_string(&n("T/In")).unwrap(), "\"T/In\"");
        assert_eq!(
            serde_json::from_str::<HazardNotation>("\"C,T\"").unwrap(),
            n("C,T")
        );
    }
}

//! Hazard characteristics (危险特性): single hazards, sets, and the catalogue notation.

use crate::text;
use crate::util::string_serde;
use crate::{CodeError, CodeErrorKind, CodeKind, Lang};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A hazard characteristic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Hazard {
    /// Toxicity (毒性).
    T,
    /// Corrosivity (腐蚀性).
    C,
    /// Ignitability (易燃性).
    I,
    /// Reactivity (反应性).
    R,
    /// Infectivity (感染性).
    In,
}

impl Hazard {
    /// Every hazard, in the catalogue's order T, C, I, R, In.
    pub fn all() -> [Hazard; 5] {
        [Hazard::T, Hazard::C, Hazard::I, Hazard::R, Hazard::In]
    }

    /// The symbol: "T", "C", "I", "R" or "In".
    pub fn symbol(&self) -> &'static str {
        match self {
            Hazard::T => "T",
            Hazard::C => "C",
            Hazard::I => "I",
            Hazard::R => "R",
            Hazard::In => "In",
        }
    }

    /// The name for a person, e.g. "毒性" / "toxicity".
    pub fn name(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Hazard::T, Lang::Zh) => "毒性",
            (Hazard::C, Lang::Zh) => "腐蚀性",
            (Hazard::I, Lang::Zh) => "易燃性",
            (Hazard::R, Lang::Zh) => "反应性",
            (Hazard::In, Lang::Zh) => "感染性",
            (Hazard::T, Lang::En) => "toxicity",
            (Hazard::C, Lang::En) => "corrosivity",
            (Hazard::I, Lang::En) => "ignitability",
            (Hazard::R, Lang::En) => "reactivity",
            (Hazard::In, Lang::En) => "infectivity",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for Hazard {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        if s.is_empty() {
            return Err(CodeError::new(CodeKind::Hazard, CodeErrorKind::Empty, s));
        }
        parse_token(s, 0).map_err(|kind| CodeError::new(CodeKind::Hazard, kind, s))
    }
}

/// Parses one hazard symbol that starts at 0-based character `start` of the whole input.
fn parse_token(token: &str, start: usize) -> Result<Hazard, CodeErrorKind> {
    if let Some(h) = Hazard::all().into_iter().find(|h| h.symbol() == token) {
        return Ok(h);
    }
    // Name the first character that cannot be explained: right after a valid symbol, a
    // separator was expected; otherwise a symbol.
    let prefix = ["In", "T", "C", "I", "R"]
        .into_iter()
        .find(|p| token.starts_with(p));
    let (offset, expected) = match prefix {
        Some(p) => (p.len(), text::HAZARD_SEPARATOR),
        None => (0, text::HAZARD_SYMBOL),
    };
    match token[offset..].chars().next() {
        Some(found) => Err(CodeErrorKind::Character {
            position: start + offset + 1,
            found,
            expected,
        }),
        None => Err(CodeErrorKind::Format {
            expected: text::HAZARD_NOTATION,
        }),
    }
}

/// Parses `s` as symbols separated by `sep`, each at most once, in the order written.
pub(crate) fn parse_list(s: &str, sep: char) -> Result<Vec<Hazard>, CodeErrorKind> {
    let mut out: Vec<Hazard> = Vec::new();
    let mut start = 0;
    for token in s.split(sep) {
        let h = parse_token(token, start)?;
        if out.contains(&h) {
            return Err(CodeErrorKind::Format {
                expected: text::HAZARD_REPEAT,
            });
        }
        out.push(h);
        start += token.chars().count() + 1;
    }
    Ok(out)
}

/// A set of hazard characteristics. Displayed and parsed as a comma list in the order
/// T, C, I, R, In (parsing accepts any order), e.g. `T,C`; the empty set is `""`.
///
/// ```
/// use yima_codes::{Hazard, HazardSet};
/// let set: HazardSet = "In,T".parse()?;
/// assert!(set.contains(Hazard::In) && set.contains(Hazard::T));
/// assert_eq!(set.to_string(), "T,In");
/// # Ok::<(), yima_codes::CodeError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HazardSet(u8);

impl HazardSet {
    /// Whether `hazard` is in the set.
    pub fn contains(&self, hazard: Hazard) -> bool {
        self.0 & hazard.bit() != 0
    }

    /// Adds `hazard`; returns whether it was new.
    pub fn insert(&mut self, hazard: Hazard) -> bool {
        let new = !self.contains(hazard);
        self.0 |= hazard.bit();
        new
    }

    /// The hazards, in the order T, C, I, R, In.
    pub fn iter(&self) -> impl Iterator<Item = Hazard> + '_ {
        Hazard::all().into_iter().filter(|h| self.contains(*h))
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The number of hazards in the set.
    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }

    /// Every hazard in either set.
    pub fn union(&self, other: HazardSet) -> HazardSet {
        HazardSet(self.0 | other.0)
    }

    /// The hazards of `self` that are not in `other`.
    pub fn difference(&self, other: HazardSet) -> HazardSet {
        HazardSet(self.0 & !other.0)
    }

    pub(crate) fn write_joined(&self, f: &mut fmt::Formatter<'_>, sep: &str) -> fmt::Result {
        for (i, h) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            f.write_str(h.symbol())?;
        }
        Ok(())
    }
}

impl FromIterator<Hazard> for HazardSet {
    fn from_iter<I: IntoIterator<Item = Hazard>>(iter: I) -> Self {
        let mut set = HazardSet::default();
        for h in iter {
            set.insert(h);
        }
        set
    }
}

impl fmt::Display for HazardSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_joined(f, ",")
    }
}

impl FromStr for HazardSet {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        if s.is_empty() {
            return Ok(HazardSet::default());
        }
        let kind = match s.find('/') {
            Some(byte) => Err(CodeErrorKind::Character {
                position: s[..byte].chars().count() + 1,
                found: '/',
                expected: text::COMMA,
            }),
            None => parse_list(s, ','),
        };
        kind.map(|list| list.into_iter().collect())
            .map_err(|kind| CodeError::new(CodeKind::Hazard, kind, s))
    }
}

string_serde!(HazardSet);

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> HazardSet {
        s.parse().unwrap()
    }

    #[test]
    fn hazards() {
        for h in Hazard::all() {
            assert_eq!(h.to_string().parse::<Hazard>().unwrap(), h);
        }
        assert_eq!(Hazard::In.name(Lang::Zh), "感染性");
        assert_eq!(Hazard::T.name(Lang::En), "toxicity");
        assert_eq!(serde_json::to_string(&Hazard::In).unwrap(), "\"In\"");
        assert!("t".parse::<Hazard>().is_err());
    }

    #[test]
    fn sets() {
        let mut s = HazardSet::default();
        assert!(s.is_empty() && s.to_string().is_empty());
        assert!(s.insert(Hazard::In) && s.insert(Hazard::C) && !s.insert(Hazard::C));
        assert_eq!(s.len(), 2);
        assert_eq!(s.to_string(), "C,In");
        assert_eq!(set("In,T,C"), set("T,C,In"));
        assert_eq!(set("T,C,In").to_string(), "T,C,In");
        assert_eq!(set(""), HazardSet::default());
        assert_eq!(serde_json::to_string(&set("R,T")).unwrap(), "\"T,R\"");
        let kind = |s: &str| s.parse::<HazardSet>().unwrap_err().kind().clone();
        assert_eq!(
            kind("T,T"),
            CodeErrorKind::Format {
                expected: text::HAZARD_REPEAT
            }
        );
        assert_eq!(
            kind("T,X"),
            CodeErrorKind::Character {
                position: 3,
                found: 'X',
                expected: text::HAZARD_SYMBOL
            }
        );
        assert_eq!(
            kind("T,Ix"),
            CodeErrorKind::Character {
                position: 4,
                found: 'x',
                expected: text::HAZARD_SEPARATOR
            }
        );
        assert_eq!(
            kind("T/C"),
            CodeErrorKind::Character {
                position: 2,
                found: '/',
                expected: text::COMMA
            }
        );
        assert_eq!(
            kind("T,"),
            CodeErrorKind::Format {
                expected: text::HAZARD_NOTATION
            }
        );
    }
}

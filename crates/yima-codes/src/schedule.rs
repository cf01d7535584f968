//! Which catalogue edition is in force on which date. The shipped 2021 edition is in force
//! from 2021-01-01 by default; an operator adds a later edition as a data file (the format
//! of `catalogue/<edition>.tsv`) and says from which date it is in force, with no rebuild.
//!
//! ```
//! use chrono::NaiveDate;
//! use yima_codes::{Catalogue, CatalogueSchedule};
//! let mut s = CatalogueSchedule::shipped();
//! let later = Catalogue::parse("test", "# edition test\n900-041-49\tHW49\t其他废物\t非特定行业\tT/In\t含有或沾染毒性的废弃包装物\n")?;
//! s.add(NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(), later);
//! assert_eq!(s.in_force(NaiveDate::from_ymd_opt(2029, 12, 31).unwrap()).edition(), "2021");
//! assert_eq!(s.in_force(NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()).edition(), "test");
//! # Ok::<(), yima_codes::CatalogueError>(())
//! ```

use crate::Catalogue;
use chrono::NaiveDate;

/// The date the shipped edition is in force from.
const SHIPPED_FROM: (i32, u32, u32) = (2021, 1, 1);

/// Catalogue editions, each with the date it is in force from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueSchedule {
    /// (in force from, edition), sorted by date; never empty.
    editions: Vec<(NaiveDate, Catalogue)>,
}

impl CatalogueSchedule {
    /// The shipped edition alone, in force from 2021-01-01.
    pub fn shipped() -> CatalogueSchedule {
        let (y, m, d) = SHIPPED_FROM;
        let from = NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        CatalogueSchedule {
            editions: vec![(from, Catalogue::latest())],
        }
    }

    /// Puts `catalogue` in force from `from` (until a later one is), replacing an edition of
    /// the same name.
    pub fn add(&mut self, from: NaiveDate, catalogue: Catalogue) {
        self.editions
            .retain(|(_, c)| c.edition() != catalogue.edition());
        self.editions.push((from, catalogue));
        self.editions.sort_by_key(|(d, _)| *d);
    }

    /// The edition in force on `date`: the one with the latest start on or before it (the
    /// earliest edition for a date before every start).
    pub fn in_force(&self, date: NaiveDate) -> &Catalogue {
        self.editions
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .or(self.editions.first())
            .map(|(_, c)| c)
            .expect("a schedule is never empty")
    }

    /// Every edition with its start, oldest first.
    pub fn editions(&self) -> impl Iterator<Item = (NaiveDate, &Catalogue)> {
        self.editions.iter().map(|(d, c)| (*d, c))
    }
}

impl Default for CatalogueSchedule {
    fn default() -> Self {
        CatalogueSchedule::shipped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn edition(name: &str) -> Catalogue {
        let text =
            format!("# edition {name}\n900-041-49\tHW49\t其他废物\t非特定行业\tT/In\t包装物\n");
        Catalogue::parse(name, &text).unwrap()
    }

    #[test]
    fn the_edition_in_force_is_the_latest_started() {
        let mut s = CatalogueSchedule::shipped();
        assert_eq!(s.in_force(day(2026, 6, 1)).edition(), "2021");
        s.add(day(2028, 1, 1), edition("b"));
        s.add(day(2027, 1, 1), edition("a"));
        assert_eq!(s.in_force(day(2020, 1, 1)).edition(), "2021");
        assert_eq!(s.in_force(day(2026, 12, 31)).edition(), "2021");
        assert_eq!(s.in_force(day(2027, 1, 1)).edition(), "a");
        assert_eq!(s.in_force(day(2028, 3, 1)).edition(), "b");
        // Moved: the same edition again replaces the first.
        s.add(day(2029, 1, 1), edition("a"));
        assert_eq!(s.in_force(day(2027, 6, 1)).edition(), "2021");
        assert_eq!(s.editions().count(), 3);
    }
}

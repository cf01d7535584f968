//! China's working-day calendar as data (`calendar/cn-workdays.tsv`): the State Council's
//! public holidays and adjusted working days per year, over the Monday–Friday week. The
//! deadlines of the transfer rules count working days (工作日): receipt within 5 working days
//! of pickup, a paper manifest's leg entered within 10.
//!
//! ```
//! use chrono::NaiveDate;
//! use yima_codes::WorkCalendar;
//! let cal = WorkCalendar::china();
//! let d = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
//! // Picked up on the last working day before the 2025 Spring Festival (Monday 27 January,
//! // holidays 28 January–4 February): the 5 working days are 5, 6, 7 and 8 February (a
//! // worked Saturday) and Monday 10 February.
//! assert_eq!(cal.add_working_days(d(1, 27), 5)?, d(2, 10));
//! # Ok::<(), yima_codes::CalendarError>(())
//! ```

use crate::Lang;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The calendar shipped with the crate.
const CHINA: &str = include_str!("../calendar/cn-workdays.tsv");

/// Why a calendar could not answer, or could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date's year has no holiday arrangement in the calendar: a count across it would
    /// be a guess.
    #[error("the working-day calendar does not cover {0}")]
    NotCovered(i32),
    /// A line of a calendar file is malformed.
    #[error("working-day calendar line {line}: {reason}")]
    Malformed {
        /// The line number (1-based).
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

impl CalendarError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (CalendarError::NotCovered(y), Lang::Zh) => {
                format!("工作日历未收录 {y} 年的节假日安排")
            }
            (CalendarError::Malformed { line, reason }, Lang::Zh) => {
                format!("工作日历第 {line} 行有误：{reason}")
            }
        }
    }
}

/// A working-day calendar: which years it covers, their holidays and their worked weekend
/// days, each year with the notice it was taken from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeMap<i32, String>,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// The calendar shipped with the crate (2024–2026 at least).
    pub fn china() -> &'static WorkCalendar {
        static CAL: OnceLock<WorkCalendar> = OnceLock::new();
        CAL.get_or_init(|| WorkCalendar::parse(CHINA).expect("the shipped calendar parses"))
    }

    /// Reads a calendar file (format in `calendar/cn-workdays.tsv`). An adjusted working day
    /// that is not a weekend day, a day listed twice or a date in a year without a `year`
    /// line is refused.
    pub fn parse(text: &str) -> Result<WorkCalendar, CalendarError> {
        let mut cal = WorkCalendar::default();
        for (i, raw) in text.lines().enumerate() {
            let bad = |reason: String| CalendarError::Malformed {
                line: i + 1,
                reason,
            };
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = raw.split('\t').collect();
            let [first, second, third] = fields[..] else {
                return Err(bad(format!("expected 3 tab-separated fields: {raw}")));
            };
            if first == "year" {
                let year: i32 = second
                    .parse()
                    .map_err(|_| bad(format!("not a year: {second}")))?;
                cal.years.insert(year, third.to_string());
                continue;
            }
            let date = NaiveDate::parse_from_str(first, "%Y-%m-%d")
                .map_err(|_| bad(format!("not a date: {first}")))?;
            if !cal.years.contains_key(&date.year()) {
                return Err(bad(format!("{date} before its `year` line")));
            }
            let fresh = match second {
                "holiday" => cal.holidays.insert(date),
                "workday" if is_weekend(date) => cal.workdays.insert(date),
                "workday" => return Err(bad(format!("{date} is a weekday, not a worked weekend"))),
                other => return Err(bad(format!("unknown kind {other}"))),
            };
            if !fresh || (cal.holidays.contains(&date) && cal.workdays.contains(&date)) {
                return Err(bad(format!("{date} listed twice")));
            }
        }
        Ok(cal)
    }

    /// Whether the calendar holds `year`'s arrangement.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The notice a covered year was taken from.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(String::as_str)
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if !self.covers(date.year()) {
            return Err(CalendarError::NotCovered(date.year()));
        }
        Ok(if is_weekend(date) {
            self.workdays.contains(&date)
        } else {
            !self.holidays.contains(&date)
        })
    }

    /// The `n`th working day after `date` (`date` itself not counted): the last day of a
    /// deadline of `n` working days starting on `date`.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day = next(day, date)?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// The number of working days after `from` up to and including `to` (0 when `to` is not
    /// after `from`).
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = next(day, from)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn next(day: NaiveDate, start: NaiveDate) -> Result<NaiveDate, CalendarError> {
    day.checked_add_days(Days::new(1))
        .ok_or(CalendarError::NotCovered(start.year()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn shipped_calendar_covers_2024_to_2026() {
        let cal = WorkCalendar::china();
        for y in 2024..=2026 {
            assert!(cal.covers(y), "{y}");
            assert!(cal.source(y).unwrap().starts_with("国办发明电"));
        }
        assert_eq!(
            cal.is_working_day(d(2023, 12, 29)),
            Err(CalendarError::NotCovered(2023))
        );
    }

    #[test]
    fn holidays_and_worked_weekends() {
        let cal = WorkCalendar::china();
        // National Day 2025 is 1–8 October; Saturday 11 October is worked.
        assert!(!cal.is_working_day(d(2025, 10, 8)).unwrap());
        assert!(cal.is_working_day(d(2025, 10, 9)).unwrap());
        assert!(cal.is_working_day(d(2025, 10, 11)).unwrap());
        assert!(!cal.is_working_day(d(2025, 10, 12)).unwrap());
        // An ordinary week.
        assert!(cal.is_working_day(d(2025, 3, 3)).unwrap());
        assert!(!cal.is_working_day(d(2025, 3, 1)).unwrap());
        // 2026: New Year 1–3 January, Sunday 4 January worked.
        assert!(!cal.is_working_day(d(2026, 1, 2)).unwrap());
        assert!(cal.is_working_day(d(2026, 1, 4)).unwrap());
    }

    #[test]
    fn five_working_days_across_national_day() {
        let cal = WorkCalendar::china();
        // Picked up Tuesday 30 September 2025: 9, 10, 11 (worked Saturday), 13, 14 October.
        assert_eq!(
            cal.add_working_days(d(2025, 9, 30), 5).unwrap(),
            d(2025, 10, 14)
        );
        assert_eq!(
            cal.working_days_between(d(2025, 9, 30), d(2025, 10, 14))
                .unwrap(),
            5
        );
        // Across a year end the next year must be covered.
        assert_eq!(
            cal.add_working_days(d(2026, 12, 28), 5),
            Err(CalendarError::NotCovered(2027))
        );
    }

    #[test]
    fn malformed_files_are_refused() {
        let line = |text: &str| match WorkCalendar::parse(text) {
            Err(CalendarError::Malformed { line, .. }) => line,
            other => panic!("{other:?}"),
        };
        assert_eq!(line("year\t2025\tx\n2025-03-03\tworkday\tMonday"), 2);
        assert_eq!(line("2025-03-03\tholiday\tno year line"), 1);
        assert_eq!(
            line("year\t2025\tx\n2025-10-01\tholiday\ta\n2025-10-01\tholiday\tb"),
            3
        );
        assert_eq!(line("year\t2025\tx\n2025-10-01\tday off"), 2);
        let cal = WorkCalendar::parse("year\t2030\tx\n2030-01-01\tholiday\t元旦").unwrap();
        assert!(!cal.is_working_day(d(2030, 1, 1)).unwrap());
    }
}

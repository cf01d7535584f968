//! Whether a manifest number fits the dispatch that carries it: its year and its sending
//! province and city (危险废物转移管理办法 art. 15).
//!
//! What the device knows of the sender is its unified social credit code. Characters 3–8 of
//! that code are the administrative division code (GB/T 2260) of the authority that
//! registered the sender; its first two digits are the sender's province and the next two its
//! city. That is the sender's province and city for this check:
//!
//! - a division code whose province is not a province (`10…`, national registration) says
//!   nothing, and the number's province and city are not checked;
//! - a division code with city `00` (registered by a provincial authority) fixes only the
//!   province;
//! - otherwise the number's province and city must both equal the division code's.
//!
//! The year is the year the manifest was made, before the waste leaves: it is the dispatch's
//! year (China date), or the year before for a manifest made in late December and used after
//! New Year. A later year, or one older than that, is refused.

use crate::{CreditCode, Lang, ManifestNumber, PROVINCE_CODES};
use chrono::{Datelike, NaiveDate};

/// Why a manifest number does not fit its dispatch.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ManifestMismatch {
    /// The number's year is not the dispatch's year or the year before.
    #[error("manifest {number} is of year {year}, but the waste leaves on {date}")]
    Year {
        /// The number.
        number: ManifestNumber,
        /// Its year.
        year: u16,
        /// The dispatch's date (China).
        date: NaiveDate,
    },
    /// The number's province or city is not the sender's.
    #[error(
        "manifest {number} is of province {province:02} city {city:02}, but sender {sender} is registered in {division}"
    )]
    Place {
        /// The number.
        number: ManifestNumber,
        /// Its province.
        province: u8,
        /// Its city.
        city: u8,
        /// The sender.
        sender: CreditCode,
        /// The sender's division code (6 digits).
        division: String,
    },
}

impl ManifestMismatch {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (ManifestMismatch::Year { number, year, date }, Lang::Zh) => {
                format!("联单编号 {number} 的年份为 {year}，但转移日期为 {date}")
            }
            (
                ManifestMismatch::Place {
                    number,
                    province,
                    city,
                    sender,
                    division,
                },
                Lang::Zh,
            ) => format!(
                "联单编号 {number} 的省份 {province:02}、地市 {city:02} 与移出人 {sender} 的登记地 {division} 不符"
            ),
        }
    }
}

/// The sender's province and city as its credit code tells them (see the module doc):
/// `None` when the code names no province, city `None` when it names only the province.
pub fn sender_place(sender: &CreditCode) -> Option<(u8, Option<u8>)> {
    let division = &sender.as_str()[2..8];
    let province: u8 = division[0..2].parse().ok()?;
    let city: u8 = division[2..4].parse().ok()?;
    if !PROVINCE_CODES.contains(&province) {
        return None;
    }
    Some((province, (city != 0).then_some(city)))
}

impl ManifestNumber {
    /// Checks the number against the dispatch: `sender` sends on `date` (China date).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use yima_codes::{CreditCode, ManifestNumber};
    /// let sender: CreditCode = "91350100M000100Y43".parse()?;
    /// let on = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
    /// assert!(ManifestNumber::new(2025, 35, 1, 1)?.fits(&sender, on).is_ok());
    /// assert!(ManifestNumber::new(2024, 35, 1, 1)?.fits(&sender, on).is_ok());
    /// assert!(ManifestNumber::new(2019, 35, 1, 1)?.fits(&sender, on).is_err());
    /// assert!(ManifestNumber::new(2025, 44, 3, 1)?.fits(&sender, on).is_err());
    /// # Ok::<(), yima_codes::CodeError>(())
    /// ```
    pub fn fits(&self, sender: &CreditCode, date: NaiveDate) -> Result<(), ManifestMismatch> {
        let year = i32::from(self.year());
        if year != date.year() && year != date.year() - 1 {
            return Err(ManifestMismatch::Year {
                number: self.clone(),
                year: self.year(),
                date,
            });
        }
        if let Some((province, city)) = sender_place(sender) {
            let city_differs = city.is_some_and(|c| c != self.city());
            if province != self.province() || city_differs {
                return Err(ManifestMismatch::Place {
                    number: self.clone(),
                    province: self.province(),
                    city: self.city(),
                    sender: sender.clone(),
                    division: sender.as_str()[2..8].to_string(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credit(first17: &str) -> CreditCode {
        CreditCode::with_check(first17).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn year_is_the_dispatch_year_or_the_one_before() {
        let fuzhou = credit("91350100M000100Y4");
        let n = |y| ManifestNumber::new(y, 35, 1, 7).unwrap();
        assert!(n(2025).fits(&fuzhou, day(2025, 6, 1)).is_ok());
        assert!(n(2024).fits(&fuzhou, day(2025, 1, 3)).is_ok());
        for y in [2019, 2023, 2026] {
            assert!(matches!(
                n(y).fits(&fuzhou, day(2025, 6, 1)),
                Err(ManifestMismatch::Year { .. })
            ));
        }
    }

    #[test]
    fn place_is_the_senders_registration() {
        let fuzhou = credit("91350100M000100Y4");
        let on = day(2025, 6, 1);
        let place = |p, c| {
            ManifestNumber::new(2025, p, c, 7)
                .unwrap()
                .fits(&fuzhou, on)
        };
        assert!(place(35, 1).is_ok());
        let err = place(35, 2).unwrap_err();
        assert!(matches!(err, ManifestMismatch::Place { city: 2, .. }));
        assert!(err.message(Lang::Zh).contains("350100"));
        assert!(matches!(place(44, 1), Err(ManifestMismatch::Place { .. })));
        // Registered by the province: only the province is known.
        let provincial = credit("91350000M000100Y4");
        let n = ManifestNumber::new(2025, 35, 9, 7).unwrap();
        assert!(n.fits(&provincial, on).is_ok());
        let n = ManifestNumber::new(2025, 44, 9, 7).unwrap();
        assert!(n.fits(&provincial, on).is_err());
        // Registered nationally: nothing is known of the place.
        let national = credit("91100000M000100Y4");
        assert!(n.fits(&national, on).is_ok());
    }
}

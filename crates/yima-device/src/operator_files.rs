//! The operator's data files in a data directory, read when a device is opened by the CLI or
//! the app alike:
//! - catalogue editions: `<data dir>/catalogue/<edition>.tsv` (the format of yima-codes'
//!   `catalogue/2021.tsv`) and `<data dir>/catalogue/in-force.tsv`, one line per edition,
//!   `YYYY-MM-DD<TAB>edition`, the date it is in force from (without it the shipped 2021
//!   edition is in force);
//! - storage facilities: `<data dir>/facilities.tsv`, one line per facility,
//!   `code<TAB>limit in months<TAB>small|-` (without it every facility has the one-year limit);
//! - weighing tolerances: `<data dir>/tolerances.tsv`, one line per unit of measure,
//!   `kg|t|L<TAB>per mille<TAB>smallest tolerance` (without it 2 %, at least 0.5 kg, 0.5 L or
//!   0.001 t): a weighing differing from the one before by more is a discrepancy.

use crate::deadlines::FacilityRules;
use crate::error::{DeviceError, ErrorKind};
use crate::{Clock, Device};
use std::path::Path;
use yima_codes::{Catalogue, CatalogueSchedule, Lang};
use yima_core::{Tolerances, Unit, UnitTolerance};

fn read(path: &Path) -> Result<String, DeviceError> {
    std::fs::read_to_string(path).map_err(|e| {
        DeviceError::bilingual(
            ErrorKind::Storage,
            format!("cannot read {}: {e}", path.display()),
            format!("无法读取 {}：{e}", path.display()),
        )
    })
}

/// Each meaningful line of an operator's file (blank lines and `#` comments skipped) with a
/// way to say it is malformed: what the line should be, in English and Chinese.
fn lines<'a>(
    path: &'a Path,
    text: &'a str,
    expected: (&'a str, &'a str),
) -> impl Iterator<Item = (&'a str, impl Fn() -> DeviceError + 'a)> + 'a {
    text.lines().enumerate().filter_map(move |(i, line)| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let malformed = move || {
            DeviceError::bilingual(
                ErrorKind::BadInput,
                format!(
                    "{} line {}: expected {}, found {line:?}",
                    path.display(),
                    i + 1,
                    expected.0
                ),
                format!(
                    "{} 第 {} 行应为 “{}”，实际为 {line:?}",
                    path.display(),
                    i + 1,
                    expected.1
                ),
            )
        };
        Some((line, malformed))
    })
}

/// The catalogue schedule the data directory sets, if it sets one.
pub fn catalogue_schedule(data_dir: &Path) -> Result<Option<CatalogueSchedule>, DeviceError> {
    let dir = data_dir.join("catalogue");
    let list = dir.join("in-force.tsv");
    if !list.exists() {
        return Ok(None);
    }
    let text = read(&list)?;
    let mut schedule = CatalogueSchedule::shipped();
    for (line, malformed) in lines(
        &list,
        &text,
        ("YYYY-MM-DD<TAB>edition", "YYYY-MM-DD<制表符>版本"),
    ) {
        let (date, edition) = line.split_once('\t').ok_or_else(&malformed)?;
        let from =
            chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| malformed())?;
        let edition = edition.trim();
        if edition.is_empty() || edition.contains(['/', '\\', '.']) {
            return Err(malformed());
        }
        let catalogue = Catalogue::parse(edition, &read(&dir.join(format!("{edition}.tsv")))?)
            .map_err(|e| {
                DeviceError::bilingual(
                    ErrorKind::BadInput,
                    e.message(Lang::En),
                    e.message(Lang::Zh),
                )
            })?;
        schedule.add(from, catalogue);
    }
    Ok(Some(schedule))
}

/// The operator's storage facilities, if the data directory lists them.
pub fn facility_rules(data_dir: &Path) -> Result<Option<FacilityRules>, DeviceError> {
    let path = data_dir.join("facilities.tsv");
    if !path.exists() {
        return Ok(None);
    }
    let text = read(&path)?;
    let mut rules = FacilityRules::default();
    let expected = (
        "code<TAB>months<TAB>small|-",
        "设施编码<制表符>月数<制表符>small 或 -",
    );
    for (line, malformed) in lines(&path, &text, expected) {
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [code, months, kind] = fields[..] else {
            return Err(malformed());
        };
        let months: u32 = months.parse().map_err(|_| malformed())?;
        if code.is_empty() || months == 0 {
            return Err(malformed());
        }
        match kind {
            "small" => {
                rules.small_points.insert(code.to_string());
            }
            "-" => {}
            _ => return Err(malformed()),
        }
        rules.limit_months.insert(code.to_string(), months);
    }
    Ok(Some(rules))
}

/// The operator's weighing tolerances, if the data directory sets them.
pub fn tolerances(data_dir: &Path) -> Result<Option<Tolerances>, DeviceError> {
    let path = data_dir.join("tolerances.tsv");
    if !path.exists() {
        return Ok(None);
    }
    let text = read(&path)?;
    let mut out = Tolerances::default();
    let expected = (
        "kg|t|L<TAB>per mille<TAB>smallest tolerance",
        "kg|t|L<制表符>千分比<制表符>最小允差",
    );
    for (line, malformed) in lines(&path, &text, expected) {
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [unit, permille, floor] = fields[..] else {
            return Err(malformed());
        };
        let unit: Unit = unit.parse().map_err(|_| malformed())?;
        let permille: u32 = permille.parse().map_err(|_| malformed())?;
        let floor_milli = yima_core::parse_milli(floor).map_err(|_| malformed())?;
        if permille > 1000 || floor_milli < 0 {
            return Err(malformed());
        }
        out.set(
            unit,
            UnitTolerance {
                permille,
                floor_milli,
            },
        );
    }
    Ok(Some(out))
}

impl<C: Clock> Device<C> {
    /// Applies the operator's files in `data_dir` (catalogue editions, storage facilities,
    /// weighing tolerances).
    pub fn apply_operator_files(&mut self, data_dir: &Path) -> Result<(), DeviceError> {
        if let Some(schedule) = catalogue_schedule(data_dir)? {
            self.set_catalogues(schedule);
        }
        if let Some(rules) = facility_rules(data_dir)? {
            self.set_facilities(rules);
        }
        if let Some(t) = tolerances(data_dir)? {
            self.set_tolerances(t);
        }
        Ok(())
    }
}

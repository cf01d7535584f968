//! The ledger written as an Excel workbook (XLSX), beside the CSV: the same records and the
//! same HJ 1259 column names (from the message catalogue), for one organisation (this
//! device's) and a period.
//!
//! One sheet with a stage column, not one sheet per stage. A regulator's import maps one
//! table with one set of columns (the CSV's, so one mapping serves both files) and filters by
//! the stage column; one container's records stay together in time order, so the chain of
//! batch codes (each record's source batch is the record before it) reads down the sheet
//! instead of across five sheets; and the records Yima keeps beyond HJ 1259's five tables
//! (receipt, split, weighing, void, correction) need no sheets of their own. The header row
//! is bold, frozen and filtered; quantities are numbers with the unit in its own column;
//! times are Excel datetimes in China time (UTC+8, as the CSV writes them).

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::ledger::LedgerRow;
use crate::ledger_csv::COLUMNS;
use crate::Device;
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use std::io::Write;
use std::path::{Path, PathBuf};
use yima_codes::Lang;

/// Columns holding a time (index into [`COLUMNS`]): written as datetimes.
const TIME_COLUMNS: [usize; 2] = [2, 18];
/// The quantity column: written as a number.
const QUANTITY_COLUMN: usize = 7;
/// The number of containers: a number too.
const COUNT_COLUMN: usize = 11;
/// The widest a column gets (characters of Latin text; a CJK character counts two).
const MAX_WIDTH: usize = 60;

/// Whether a ledger record falls in the China-time days `from` to `to` (inclusive; an open
/// end reaches the first or the last record), by its time.
pub(crate) fn in_period(row: &LedgerRow, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    let Some(day) = row
        .time
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return true;
    };
    from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t)
}

/// A ledger time (`2026-03-01 14:05:00+08:00`, China time) as an Excel datetime, which has no
/// time zone: the China wall-clock time.
fn excel_time(s: &str) -> Option<ExcelDateTime> {
    let t = chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%:z").ok()?;
    let china = chrono::FixedOffset::east_opt(8 * 3600)?;
    ExcelDateTime::from_timestamp(t.with_timezone(&china).naive_local().and_utc().timestamp()).ok()
}

/// The width a text takes in a spreadsheet cell: a CJK (wide) character takes two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => 2,
            0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

fn xlsx_error(e: XlsxError) -> DeviceError {
    DeviceError::bilingual(
        ErrorKind::Storage,
        format!("cannot write the ledger as XLSX: {e}"),
        format!("无法写入 XLSX 台账：{e}"),
    )
}

/// The workbook's bytes: one sheet, the header row in `lang`, `org` (name, credit code) in
/// the document's properties.
pub(crate) fn workbook(
    rows: &[LedgerRow],
    lang: Lang,
    org: (&str, &str),
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let title = match lang {
        Lang::Zh => format!("危险废物管理台账（HJ 1259）{} {}", org.0, org.1),
        Lang::En => format!("Hazardous waste ledger (HJ 1259) {} {}", org.0, org.1),
    };
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(&title)
            .set_company(org.0)
            .set_comment("Yima (一码); times in China time (UTC+8)"),
    );
    let sheet = book.add_worksheet();
    sheet.set_name(match lang {
        Lang::Zh => "台账",
        Lang::En => "Ledger",
    })?;
    let bold = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let time = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let number = Format::new().set_num_format("0.###");
    let mut widths: Vec<usize> = COLUMNS
        .iter()
        .map(|k| display_width(yima_i18n::t(lang, k)))
        .collect();
    for (c, key) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, yima_i18n::t(lang, key), &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, text) in crate::ledger_csv::cells(r, lang).iter().enumerate() {
            let col = c as u16;
            if text.is_empty() {
                continue;
            }
            let numeric = matches!(c, QUANTITY_COLUMN | COUNT_COLUMN);
            match text.parse::<f64>() {
                Ok(n) if numeric => {
                    sheet.write_number_with_format(row, col, n, &number)?;
                }
                _ => match excel_time(text).filter(|_| TIME_COLUMNS.contains(&c)) {
                    Some(t) => {
                        sheet.write_datetime_with_format(row, col, &t, &time)?;
                        widths[c] = widths[c].max("2026-03-01 14:05:00".len());
                        continue;
                    }
                    None => {
                        sheet.write_string(row, col, text)?;
                    }
                },
            }
            widths[c] = widths[c].max(display_width(text));
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).min(MAX_WIDTH) as f64 + 2.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, COLUMNS.len() as u16 - 1)?;
    book.save_to_buffer()
}

impl<C: Clock> Device<C> {
    /// Writes the ledger of this device's organisation for the China-time days `from` to `to`
    /// (inclusive; `None` leaves that end open) as an XLSX workbook, headers in `lang` (see
    /// the module's documentation for its layout). Returns the number of records.
    pub fn write_ledger_xlsx(
        &mut self,
        w: &mut dyn Write,
        lang: Lang,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<usize, DeviceError> {
        let org = self
            .store
            .read(|tx| Ok::<_, DeviceError>(tx.require_device()?.org))?;
        let rows: Vec<LedgerRow> = self
            .ledger()?
            .into_iter()
            .filter(|r| in_period(r, from, to))
            .collect();
        let bytes =
            workbook(&rows, lang, (&org.name, org.credit_code.as_str())).map_err(xlsx_error)?;
        w.write_all(&bytes).map_err(|e| {
            DeviceError::bilingual(
                ErrorKind::Storage,
                format!("cannot write the ledger: {e}"),
                format!("无法写入台账：{e}"),
            )
        })?;
        Ok(rows.len())
    }

    /// Writes the ledger as a new XLSX file in `dir/exports/` (named by the time, so an
    /// earlier export is never overwritten), flushed to disk; the period and the language as
    /// in [`Device::write_ledger_xlsx`]. Returns the file and the number of records.
    pub fn export_ledger_xlsx(
        &mut self,
        dir: &Path,
        lang: Lang,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<(PathBuf, usize), DeviceError> {
        let (mut file, path) = self.new_export(dir, "ledger", "xlsx")?;
        let rows = self.write_ledger_xlsx(&mut file, lang, from, to)?;
        file.sync_all().map_err(|e| {
            DeviceError::bilingual(
                ErrorKind::Storage,
                format!("cannot write the ledger {}: {e}", path.display()),
                format!("无法写入台账 {}：{e}", path.display()),
            )
        })?;
        Ok((path, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_text_is_twice_as_wide_and_times_read_as_china_wall_clock() {
        assert_eq!(display_width("废矿物油"), 8);
        assert_eq!(display_width("HW08"), 4);
        // 闽 takes two; A, the middle dot and D1234 one each.
        assert_eq!(display_width("闽A·D1234"), 9);
        let t = excel_time("2026-03-01 14:05:00+08:00").unwrap();
        assert_eq!(
            t.to_excel(),
            ExcelDateTime::parse_from_str("2026-03-01 14:05:00")
                .unwrap()
                .to_excel()
        );
        assert!(excel_time("not a time").is_none());
    }
}

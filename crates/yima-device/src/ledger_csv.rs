//! The ledger written as CSV, with the column names of HJ 1259 (Chinese, or English), from
//! the message catalogue (yima-i18n).

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::{Device, LedgerRow};
use std::io::Write;
use yima_codes::Lang;

/// The columns, as keys of the message catalogue (`common.ledger.<field>`: the names HJ 1259
/// writes, and their English).
pub(crate) const COLUMNS: [&str; 23] = [
    "common.ledger.stage",
    "common.ledger.batch_code",
    "common.ledger.time",
    "common.ledger.waste_name",
    "common.ledger.catalogue_name",
    "common.ledger.category",
    "common.ledger.waste_code",
    "common.ledger.quantity",
    "common.ledger.unit",
    "common.ledger.container_code",
    "common.ledger.container_type",
    "common.ledger.container_count",
    "common.ledger.facility_code",
    "common.ledger.facility_type",
    "common.ledger.handler",
    "common.ledger.destination",
    "common.ledger.source_batch",
    "common.ledger.method",
    "common.ledger.completed_at",
    "common.ledger.receiver_type",
    "common.ledger.receiver_name",
    "common.ledger.receiver_permit",
    "common.ledger.note",
];

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl<C: Clock> Device<C> {
    /// Writes the ledger as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read
    /// the Chinese correctly), headers in `lang`. Returns the number of records.
    pub fn write_ledger_csv(
        &mut self,
        w: &mut dyn Write,
        lang: Lang,
    ) -> Result<usize, DeviceError> {
        self.write_ledger_csv_between(w, lang, None, None)
    }

    /// Writes the ledger's records of the China-time days `from` to `to` (inclusive; `None`
    /// leaves that end open) as CSV, as [`Device::write_ledger_csv`] does.
    pub fn write_ledger_csv_between(
        &mut self,
        w: &mut dyn Write,
        lang: Lang,
        from: Option<chrono::NaiveDate>,
        to: Option<chrono::NaiveDate>,
    ) -> Result<usize, DeviceError> {
        let rows: Vec<_> = self
            .ledger()?
            .into_iter()
            .filter(|r| crate::ledger_xlsx::in_period(r, from, to))
            .collect();
        let io = |e: std::io::Error| {
            DeviceError::bilingual(
                ErrorKind::Storage,
                format!("cannot write the ledger: {e}"),
                format!("无法写入台账：{e}"),
            )
        };
        w.write_all("\u{feff}".as_bytes()).map_err(io)?;
        let header: Vec<&str> = COLUMNS.iter().map(|k| yima_i18n::t(lang, k)).collect();
        writeln!(w, "{}", header.join(",")).map_err(io)?;
        for r in &rows {
            let fields = cells(r, lang);
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            writeln!(w, "{}", line.join(",")).map_err(io)?;
        }
        Ok(rows.len())
    }

    /// Writes the ledger as a new CSV file in `dir/exports/` (named by the time, so an earlier
    /// export is never overwritten), flushed to disk. Returns the file and the number of records.
    pub fn export_ledger_csv(
        &mut self,
        dir: &std::path::Path,
        lang: Lang,
    ) -> Result<(std::path::PathBuf, usize), DeviceError> {
        let (mut file, path) = self.new_export(dir, "ledger", "csv")?;
        let rows = self.write_ledger_csv(&mut file, lang)?;
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

/// One record's cells, in the order of [`COLUMNS`] (the CSV's and the XLSX's).
pub(crate) fn cells(r: &LedgerRow, lang: Lang) -> [String; 23] {
    [
        r.stage.name(lang).to_string(),
        r.batch_code.clone(),
        r.time.clone(),
        r.waste_name.clone(),
        r.catalogue_name.clone(),
        r.category.clone(),
        r.waste_code.clone(),
        r.quantity.clone(),
        r.unit.clone(),
        r.container_code.clone(),
        r.container_type.clone(),
        r.container_count.to_string(),
        r.facility_code.clone(),
        r.facility_type.clone(),
        r.handler.clone(),
        r.destination.clone(),
        r.source_batch.clone(),
        r.method.clone(),
        r.completed_at.clone(),
        r.receiver_type.clone(),
        r.receiver_name.clone(),
        r.receiver_permit.clone(),
        r.note.clone(),
    ]
}

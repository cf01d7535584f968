//! The `scanned_labels` table: label payloads of containers taken over QR codes without
//! their history.

use crate::error::StoreError;
use crate::rows::Tx;
use rusqlite::{params, OptionalExtension};
use yima_codes::LabelCode;
use yima_core::{EventId, Timestamp};

impl Tx<'_> {
    /// Keeps the scanned label `payload` of `code`, taken in handover `event`; false when
    /// one is already kept (the first stays).
    pub fn insert_scanned_label(
        &self,
        code: &LabelCode,
        payload: &str,
        event: &EventId,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached(
                "INSERT INTO scanned_labels (code, payload, event_id, scanned_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (code) DO NOTHING",
            )?
            .execute(params![code.as_str(), payload, &event.as_bytes()[..], now.0])?;
        Ok(n == 1)
    }

    /// The label payload kept for `code`, if any.
    pub fn scanned_label(&self, code: &LabelCode) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT payload FROM scanned_labels WHERE code = ?1")?
            .query_row([code.as_str()], |r| r.get(0))
            .optional()?)
    }
}

impl Tx<'_> {
    /// Every kept label: its code, the handover it was scanned for, and its payload text.
    pub fn scanned_labels(&self) -> Result<Vec<(LabelCode, EventId, String)>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT code, event_id, payload FROM scanned_labels ORDER BY code")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (code, id, payload) = r?;
            out.push((
                crate::rows::parse_col("container code", &code)?,
                EventId(crate::rows::fixed("scanned label's event id", &id)?),
                payload,
            ));
        }
        Ok(out)
    }
}

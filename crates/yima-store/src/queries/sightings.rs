//! The `label_sightings` table: the labels this device scanned, to send to the registry
//! (see `migrations/device/0011_label_sightings.sql`), append-only, with the cursor of
//! what was sent.

use crate::error::StoreError;
use crate::rows::Tx;
use rusqlite::{params, OptionalExtension};
use yima_codes::CreditCode;
use yima_core::{Fix, Timestamp};

/// How long after a scan of a label the same reading of it is not kept again: a minute.
pub const SIGHTING_REPEAT_MS: i64 = 60_000;

/// One scan kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SightingRow {
    /// Its place in the table.
    pub seq: i64,
    /// The label's container code.
    pub code: String,
    /// When it was scanned.
    pub at: Timestamp,
    /// The device's location fix then, without its time.
    pub place: Option<(i32, i32, Option<u32>)>,
    /// `genuine`, `forged` or `unchecked`.
    pub seal: String,
}

impl Tx<'_> {
    /// Keeps a scan of `code` at `at`; a scan of it with the same seal less than
    /// [`SIGHTING_REPEAT_MS`] before (a camera reading one label frame after frame) makes
    /// it ignored, as does one at the same moment. Returns whether it was kept.
    pub fn insert_sighting(
        &self,
        code: &str,
        at: Timestamp,
        place: Option<(i32, i32, Option<u32>)>,
        seal: &str,
    ) -> Result<bool, StoreError> {
        let added = self
            .tx
            .prepare_cached(
                "INSERT INTO label_sightings (code, at, lat_e7, lon_e7, accuracy_m, seal)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (
                     SELECT 1 FROM label_sightings
                     WHERE code = ?1 AND at > ?2 - ?7 AND at <= ?2 AND seal = ?6)
                 ON CONFLICT (code, at) DO NOTHING",
            )?
            .execute(params![
                code,
                at.0,
                place.map(|p| p.0),
                place.map(|p| p.1),
                place.and_then(|p| p.2),
                seal,
                SIGHTING_REPEAT_MS
            ])?;
        Ok(added > 0)
    }

    /// Up to `limit` scans not sent yet, in the order kept.
    pub fn sightings_to_send(&self, limit: u32) -> Result<Vec<SightingRow>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT seq, code, at, lat_e7, lon_e7, accuracy_m, seal FROM label_sightings
             WHERE seq > COALESCE((SELECT last_seq FROM label_sightings_sent WHERE id = 1), 0)
             ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            let lat: Option<i32> = r.get(3)?;
            let lon: Option<i32> = r.get(4)?;
            let acc: Option<u32> = r.get(5)?;
            Ok(SightingRow {
                seq: r.get(0)?,
                code: r.get(1)?,
                at: Timestamp(r.get(2)?),
                place: lat.zip(lon).map(|(lat, lon)| (lat, lon, acc)),
                seal: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Marks every scan up to `seq` sent.
    pub fn mark_sightings_sent(&self, seq: i64) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO label_sightings_sent (id, last_seq) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
            )?
            .execute([seq])?;
        Ok(())
    }

    /// The last location fix `recorder` recorded at or after `since`, if any.
    pub fn last_fix_since(
        &self,
        recorder: &CreditCode,
        since: Timestamp,
    ) -> Result<Option<Fix>, StoreError> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT at, lat_e7, lon_e7, accuracy_m FROM track_fixes
                 WHERE recorder = ?1 AND at >= ?2 ORDER BY at DESC LIMIT 1",
            )?
            .query_row(params![recorder.as_str(), since.0], |r| {
                Ok(Fix {
                    at: Timestamp(r.get(0)?),
                    lat_e7: r.get(1)?,
                    lon_e7: r.get(2)?,
                    accuracy_m: r.get(3)?,
                })
            })
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use yima_core::Timestamp;

    #[test]
    fn scans_are_kept_once_and_sent_in_order_past_the_cursor() {
        let mut s = Store::open_in_memory().unwrap();
        let sent = s
            .write(|tx| -> Result<_, crate::StoreError> {
                assert!(tx.insert_sighting("A", Timestamp(1), Some((1, 2, Some(5))), "genuine")?);
                assert!(!tx.insert_sighting("A", Timestamp(1), None, "genuine")?);
                // Read again within the minute: not kept; read as forged, or a minute on: kept.
                assert!(!tx.insert_sighting("A", Timestamp(60_000), None, "genuine")?);
                assert!(tx.insert_sighting("B", Timestamp(2), None, "forged")?);
                let all = tx.sightings_to_send(10)?;
                assert_eq!(all.len(), 2);
                assert!(tx.insert_sighting("A", Timestamp(60_001), None, "genuine")?);
                assert_eq!(all[0].place, Some((1, 2, Some(5))));
                assert_eq!(all[1].place, None);
                tx.mark_sightings_sent(all[0].seq)?;
                tx.sightings_to_send(10)
            })
            .unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!((sent[0].code.as_str(), sent[1].code.as_str()), ("B", "A"));
        // Append-only.
        let err = s.write(|tx| -> Result<_, crate::StoreError> {
            tx.tx.execute("DELETE FROM label_sightings", [])?;
            Ok(())
        });
        assert!(err.is_err());
    }
}

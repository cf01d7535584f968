//! The `track_fixes` table: a carrier's location fixes per manifest (see
//! `migrations/device/0010_track_fixes.sql`), append-only.

use crate::error::StoreError;
use crate::rows::Tx;
use rusqlite::params;
use yima_codes::{CreditCode, ManifestNumber};
use yima_core::{Fix, Timestamp};

impl Tx<'_> {
    /// Keeps `fixes` recorded by `recorder` (a carrier) under `manifest`; a fix at a moment
    /// already kept for the two is ignored. Returns how many were added.
    pub fn insert_fixes(
        &self,
        manifest: &ManifestNumber,
        recorder: &CreditCode,
        fixes: &[Fix],
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO track_fixes (manifest, recorder, at, lat_e7, lon_e7, accuracy_m, stored_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (manifest, recorder, at) DO NOTHING",
        )?;
        let mut added = 0;
        for f in fixes {
            added += stmt.execute(params![
                manifest.as_str(),
                recorder.as_str(),
                f.at.0,
                f.lat_e7,
                f.lon_e7,
                f.accuracy_m,
                now.0
            ])?;
        }
        Ok(added)
    }

    /// The fixes `recorder` recorded under `manifest` from `from` to `to` (both included),
    /// sorted by time: a canonical track.
    pub fn fixes_between(
        &self,
        manifest: &ManifestNumber,
        recorder: &CreditCode,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Fix>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT at, lat_e7, lon_e7, accuracy_m FROM track_fixes
             WHERE manifest = ?1 AND recorder = ?2 AND at BETWEEN ?3 AND ?4
             ORDER BY at",
        )?;
        let rows = stmt.query_map(
            params![manifest.as_str(), recorder.as_str(), from.0, to.0],
            |r| {
                Ok(Fix {
                    at: Timestamp(r.get(0)?),
                    lat_e7: r.get(1)?,
                    lon_e7: r.get(2)?,
                    accuracy_m: r.get(3)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use yima_core::{Fix, Timestamp};

    fn fix(at: i64) -> Fix {
        Fix {
            at: Timestamp(at),
            lat_e7: 260_745_000,
            lon_e7: 1_192_965_000,
            accuracy_m: Some(5),
        }
    }

    #[test]
    fn fixes_are_kept_once_per_moment_and_never_changed() {
        let mut store = Store::open_in_memory().unwrap();
        let m = yima_codes::ManifestNumber::new(2024, 35, 1, 1).unwrap();
        let org: yima_codes::CreditCode = "91350100M000100Y43".parse().unwrap();
        let added = store
            .write(|tx| tx.insert_fixes(&m, &org, &[fix(2), fix(1), fix(2)], Timestamp(9)))
            .unwrap();
        assert_eq!(added, 2);
        let added = store
            .write(|tx| tx.insert_fixes(&m, &org, &[fix(1), fix(3)], Timestamp(9)))
            .unwrap();
        assert_eq!(added, 1);
        let held = store
            .read(|tx| tx.fixes_between(&m, &org, Timestamp(0), Timestamp(2)))
            .unwrap();
        assert_eq!(held, vec![fix(1), fix(2)]);
        for sql in [
            "UPDATE track_fixes SET lat_e7 = 0",
            "DELETE FROM track_fixes",
        ] {
            let err = store
                .write(|tx| {
                    tx.tx
                        .execute(sql, [])
                        .map_err(crate::error::StoreError::from)
                })
                .unwrap_err();
            assert!(err.to_string().contains("append-only"), "{err}");
        }
    }
}

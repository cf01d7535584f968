//! The SQLite store's sightings and the due list of the sighted codes it holds no container
//! of (migration 10).

use crate::error::RegistryError;
use crate::store::sightings::{sighting_of_row, who_columns};
use rusqlite::{params, Connection, TransactionBehavior};
use yima_codes::LabelCode;
use yima_core::{Sighting, Timestamp};

pub(super) fn put_sightings(
    conn: &mut Connection,
    sightings: &[Sighting],
    now: Timestamp,
) -> Result<usize, RegistryError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut new = 0;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO sightings (code, at, org, device, lat_e7, lon_e7, accuracy_m, seal, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (code, at, org, device) DO NOTHING",
        )?;
        let mut recheck = tx.prepare_cached(
            "UPDATE audit_containers SET version = version + 1, check_at = 0 WHERE code = ?1",
        )?;
        let mut due = tx.prepare_cached(
            "INSERT INTO sighting_audit (code, version, check_at) VALUES (?1, 1, 0)
             ON CONFLICT (code) DO UPDATE SET version = sighting_audit.version + 1, check_at = 0",
        )?;
        for s in sightings {
            let (org, device) = who_columns(&s.who);
            let added = insert.execute(params![
                s.code.as_str(),
                s.at.0,
                org,
                device,
                s.place.map(|p| p.lat_e7),
                s.place.map(|p| p.lon_e7),
                s.place.and_then(|p| p.accuracy_m).map(i64::from),
                s.seal.as_str(),
                now.0
            ])?;
            if added == 0 {
                continue;
            }
            new += 1;
            if recheck.execute([s.code.as_str()])? == 0 {
                due.execute([s.code.as_str()])?;
            }
        }
    }
    tx.commit()?;
    Ok(new)
}

pub(super) fn sightings_of(
    conn: &Connection,
    code: &LabelCode,
) -> Result<Vec<Sighting>, RegistryError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, at, org, device, lat_e7, lon_e7, accuracy_m, seal FROM sightings
         WHERE code = ?1 ORDER BY at, org, device",
    )?;
    let rows = stmt
        .query_map([code.as_str()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(sighting_of_row).collect()
}

pub(super) fn due(
    conn: &Connection,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<(LabelCode, i64)>, RegistryError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.code, s.version FROM sighting_audit s
         WHERE s.check_at <= ?1
           AND NOT EXISTS (SELECT 1 FROM audit_containers c WHERE c.code = s.code)
         ORDER BY s.check_at LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![now.0, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(code, v)| Ok((crate::store::parse("container code", &code)?, v)))
        .collect()
}

//! The PostgreSQL store's sightings and the due list of the sighted codes it holds no
//! container of (migration 11).

use crate::error::RegistryError;
use crate::store::sightings::{sighting_of_row, who_columns};
use deadpool_postgres::GenericClient;
use yima_codes::LabelCode;
use yima_core::{Sighting, Timestamp};

pub(super) async fn put_sightings(
    c: &mut deadpool_postgres::Object,
    sightings: &[Sighting],
    now: Timestamp,
) -> Result<usize, RegistryError> {
    let tx = c.transaction().await?;
    let insert = tx
        .prepare_cached(
            "INSERT INTO sightings (code, at, org, device, lat_e7, lon_e7, accuracy_m, seal, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code, at, org, device) DO NOTHING",
        )
        .await?;
    let recheck = tx
        .prepare_cached(
            "UPDATE audit_containers SET version = version + 1, check_at = 0 WHERE code = $1",
        )
        .await?;
    let due = tx
        .prepare_cached(
            "INSERT INTO sighting_audit (code, version, check_at) VALUES ($1, 1, 0)
             ON CONFLICT (code) DO UPDATE SET version = sighting_audit.version + 1, check_at = 0",
        )
        .await?;
    let mut new = 0;
    for s in sightings {
        let (org, device) = who_columns(&s.who);
        let added = tx
            .execute(
                &insert,
                &[
                    &s.code.as_str(),
                    &s.at.0,
                    &org,
                    &device,
                    &s.place.map(|p| p.lat_e7),
                    &s.place.map(|p| p.lon_e7),
                    &s.place.and_then(|p| p.accuracy_m).map(i64::from),
                    &s.seal.as_str(),
                    &now.0,
                ],
            )
            .await?;
        if added == 0 {
            continue;
        }
        new += 1;
        if tx.execute(&recheck, &[&s.code.as_str()]).await? == 0 {
            tx.execute(&due, &[&s.code.as_str()]).await?;
        }
    }
    tx.commit().await?;
    Ok(new)
}

pub(super) async fn sightings_of(
    c: &impl GenericClient,
    code: &LabelCode,
) -> Result<Vec<Sighting>, RegistryError> {
    let stmt = c
        .prepare_cached(
            "SELECT code, at, org, device, lat_e7, lon_e7, accuracy_m, seal FROM sightings
             WHERE code = $1 ORDER BY at, org, device",
        )
        .await?;
    c.query(&stmt, &[&code.as_str()])
        .await?
        .iter()
        .map(|r| {
            sighting_of_row((
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get(4),
                r.get(5),
                r.get(6),
                r.get(7),
            ))
        })
        .collect()
}

pub(super) async fn due(
    c: &impl GenericClient,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<(LabelCode, i64)>, RegistryError> {
    let stmt = c
        .prepare_cached(
            "SELECT s.code, s.version FROM sighting_audit s
             WHERE s.check_at <= $1
               AND NOT EXISTS (SELECT 1 FROM audit_containers c WHERE c.code = s.code)
             ORDER BY s.check_at LIMIT $2",
        )
        .await?;
    c.query(&stmt, &[&now.0, &i64::from(limit)])
        .await?
        .iter()
        .map(|r| Ok((crate::store::parse("container code", r.get(0))?, r.get(1))))
        .collect()
}

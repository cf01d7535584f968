//! The SQLite store's route fixes, kept beside the events that sign their track.

use crate::error::RegistryError;
use crate::store::{parse, TrackRecord};
use rusqlite::{params, Connection, TransactionBehavior};
use std::collections::HashMap;
use yima_core::{EventId, Fix, Timestamp};

pub(super) fn put_tracks(
    conn: &mut Connection,
    tracks: &[TrackRecord],
    now: Timestamp,
) -> Result<(), RegistryError> {
    if tracks.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO track_fixes (event_id, recorder, at, lat_e7, lon_e7, accuracy_m, stored_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (event_id, at) DO NOTHING",
        )?;
        for t in tracks {
            let id = t.event_id.to_string();
            for f in &t.fixes {
                stmt.execute(params![
                    id,
                    t.recorder.as_str(),
                    f.at.0,
                    f.lat_e7,
                    f.lon_e7,
                    f.accuracy_m.map(i64::from),
                    now.0
                ])?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

pub(super) fn tracks_of(
    conn: &mut Connection,
    events: &[EventId],
) -> Result<HashMap<EventId, Vec<Fix>>, RegistryError> {
    let mut out: HashMap<EventId, Vec<Fix>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, at, lat_e7, lon_e7, accuracy_m FROM track_fixes
         WHERE event_id = ?1 ORDER BY at",
    )?;
    for id in events {
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i32>(2)?,
                r.get::<_, i32>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        for row in rows {
            let (event, at, lat_e7, lon_e7, accuracy) = row?;
            let event: EventId = parse("event id", &event)?;
            out.entry(event).or_default().push(Fix {
                at: Timestamp(at),
                lat_e7,
                lon_e7,
                accuracy_m: accuracy.and_then(|a| u32::try_from(a).ok()),
            });
        }
    }
    Ok(out)
}

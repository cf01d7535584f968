//! The PostgreSQL store's route fixes, kept beside the events that sign their track.

use crate::error::RegistryError;
use crate::store::{parse, TrackRecord};
use deadpool_postgres::GenericClient;
use std::collections::HashMap;
use yima_core::{EventId, Fix, Timestamp};

pub(super) async fn put_tracks(
    c: &mut deadpool_postgres::Object,
    tracks: &[TrackRecord],
    now: Timestamp,
) -> Result<(), RegistryError> {
    if tracks.is_empty() {
        return Ok(());
    }
    let tx = c.transaction().await?;
    let stmt = tx
        .prepare_cached(
            "INSERT INTO track_fixes (event_id, recorder, at, lat_e7, lon_e7, accuracy_m, stored_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id, at) DO NOTHING",
        )
        .await?;
    for t in tracks {
        let id = t.event_id.to_string();
        for f in &t.fixes {
            tx.execute(
                &stmt,
                &[
                    &id,
                    &t.recorder.as_str(),
                    &f.at.0,
                    &f.lat_e7,
                    &f.lon_e7,
                    &f.accuracy_m.map(i64::from),
                    &now.0,
                ],
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn tracks_of(
    c: &impl GenericClient,
    events: &[EventId],
) -> Result<HashMap<EventId, Vec<Fix>>, RegistryError> {
    let mut out: HashMap<EventId, Vec<Fix>> = HashMap::new();
    if events.is_empty() {
        return Ok(out);
    }
    let ids: Vec<String> = events.iter().map(|e| e.to_string()).collect();
    let stmt = c
        .prepare_cached(
            "SELECT event_id, at, lat_e7, lon_e7, accuracy_m FROM track_fixes
             WHERE event_id = ANY($1) ORDER BY event_id, at",
        )
        .await?;
    for r in c.query(&stmt, &[&ids]).await? {
        let event: EventId = parse("event id", r.get::<_, &str>(0))?;
        out.entry(event).or_default().push(Fix {
            at: Timestamp(r.get(1)),
            lat_e7: r.get(2),
            lon_e7: r.get(3),
            accuracy_m: r
                .get::<_, Option<i64>>(4)
                .and_then(|a| u32::try_from(a).ok()),
        });
    }
    Ok(out)
}

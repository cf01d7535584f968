//! The `operators` log (the device's default operator) and `event_operators` (the person
//! who did each step on this device). Events name their operator in the signed body since
//! `EventBody::operator`; this table is what is known of the events recorded before, and
//! of handovers whose body names none (the giver composed them).

use crate::error::StoreError;
use crate::rows::Tx;
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;
use yima_core::{EventId, Timestamp};

impl Tx<'_> {
    /// Makes `name` the device's default operator from `now` on.
    pub fn set_operator(&self, name: &str, now: Timestamp) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("INSERT INTO operators (set_at, name) VALUES (?1, ?2)")?
            .execute(params![now.0, name])?;
        Ok(())
    }

    /// The device's default operator, if one was ever set.
    pub fn operator(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT name FROM operators ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?)
    }

    /// Keeps `name` as the person who did `event` on this device; the first kept stays.
    pub fn insert_event_operator(&self, event: &EventId, name: &str) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO event_operators (event_id, name) VALUES (?1, ?2)
                 ON CONFLICT (event_id) DO NOTHING",
            )?
            .execute(params![&event.as_bytes()[..], name])?;
        Ok(())
    }

    /// The person this device kept for `event`, if any.
    pub fn event_operator(&self, event: &EventId) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT name FROM event_operators WHERE event_id = ?1")?
            .query_row(params![&event.as_bytes()[..]], |r| r.get(0))
            .optional()?)
    }

    /// The person of every event that has one.
    pub fn event_operators(&self) -> Result<HashMap<EventId, String>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT event_id, name FROM event_operators")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = HashMap::new();
        for r in rows {
            let (id, name) = r?;
            out.insert(
                EventId(crate::rows::fixed("operator's event id", &id)?),
                name,
            );
        }
        Ok(out)
    }
}

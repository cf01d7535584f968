//! The `arrivals` table: when the registry received the events this device pulled.

use crate::error::StoreError;
use crate::rows::Tx;
use rusqlite::{params, OptionalExtension};
use yima_core::{EventId, Timestamp};

impl Tx<'_> {
    /// Records when the registry received `event` (a stored event); the first time kept.
    pub fn record_arrival(&self, event: &EventId, at: Timestamp) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO arrivals (event_id, arrived_at) VALUES (?1, ?2)",
            )?
            .execute(params![&event.as_bytes()[..], at.0])?;
        Ok(())
    }

    /// When the registry received `event`, if this device has pulled it.
    pub fn arrival(&self, event: &EventId) -> Result<Option<Timestamp>, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT arrived_at FROM arrivals WHERE event_id = ?1")?
            .query_row([&event.as_bytes()[..]], |r| r.get(0))
            .optional()?
            .map(Timestamp))
    }
}

//! The `online_offers_in` table: offers the registry brought for this device as the taker.

use crate::error::StoreError;
use crate::rows::Tx;
use rusqlite::{params, OptionalExtension};
use yima_core::{EventId, Timestamp};

/// An offer received for this device: its event id, its JSON, and when it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedOfferRow {
    /// The handover event's id.
    pub id: EventId,
    /// The offer's JSON.
    pub body: String,
    /// When this device received it.
    pub received_at: Timestamp,
}

impl Tx<'_> {
    /// Keeps an offer received for this device; false if it was kept before (the first stays).
    pub fn insert_received_offer(
        &self,
        id: &EventId,
        body: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached(
                "INSERT INTO online_offers_in (event_id, body, received_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (event_id) DO NOTHING",
            )?
            .execute(params![id.to_string(), body, now.0])?;
        Ok(n == 1)
    }

    /// The offer received with event id `id`, if any.
    pub fn received_offer(&self, id: &EventId) -> Result<Option<ReceivedOfferRow>, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT body, received_at FROM online_offers_in WHERE event_id = ?1")?
            .query_row([id.to_string()], |r| {
                Ok(ReceivedOfferRow {
                    id: *id,
                    body: r.get(0)?,
                    received_at: Timestamp(r.get(1)?),
                })
            })
            .optional()?)
    }

    /// Every offer received, oldest first.
    pub fn received_offers(&self) -> Result<Vec<ReceivedOfferRow>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT event_id, body, received_at FROM online_offers_in ORDER BY received_at, rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (id, body, received_at) = r?;
            out.push(ReceivedOfferRow {
                id: crate::rows::parse_col("offer's event id", &id)?,
                body,
                received_at: Timestamp(received_at),
            });
        }
        Ok(out)
    }
}

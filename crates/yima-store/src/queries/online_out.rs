//! The `online_offers_out` table: offers this device composed as the giver and queued for
//! the registry, sent or not yet.

use crate::error::StoreError;
use crate::rows::Tx;
use rusqlite::params;
use yima_core::{EventId, Timestamp};

/// An offer queued for the registry: its event id, its JSON, and when the registry took it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedOffer {
    /// The handover event's id.
    pub id: EventId,
    /// The offer's JSON.
    pub body: String,
    /// When it was queued.
    pub queued_at: Timestamp,
    /// When the registry took it (none: not sent yet).
    pub sent_at: Option<Timestamp>,
}

impl Tx<'_> {
    /// Queues an offer (its JSON `body`) for the registry; false if it was queued before.
    pub fn queue_online_offer(
        &self,
        id: &EventId,
        body: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached(
                "INSERT INTO online_offers_out (event_id, body, queued_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (event_id) DO NOTHING",
            )?
            .execute(params![id.to_string(), body, now.0])?;
        Ok(n == 1)
    }

    /// Records that the registry took the offer `id` (the first time counts).
    pub fn mark_online_offer_sent(&self, id: &EventId, now: Timestamp) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "UPDATE online_offers_out SET sent_at = ?2 WHERE event_id = ?1 AND sent_at IS NULL",
            )?
            .execute(params![id.to_string(), now.0])?;
        Ok(())
    }

    /// Every queued offer (only those not sent yet with `unsent`), oldest first.
    pub fn queued_online_offers(&self, unsent: bool) -> Result<Vec<QueuedOffer>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT event_id, body, queued_at, sent_at FROM online_offers_out
             WHERE (?1 = 0 OR sent_at IS NULL) ORDER BY queued_at, rowid",
        )?;
        let rows = stmt.query_map([unsent], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (id, body, queued_at, sent_at) = r?;
            out.push(QueuedOffer {
                id: crate::rows::parse_col("offer's event id", &id)?,
                body,
                queued_at: Timestamp(queued_at),
                sent_at: sent_at.map(Timestamp),
            });
        }
        Ok(out)
    }
}

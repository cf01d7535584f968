//! The `outbox` table: what this device recorded and the registry has not yet accepted.

use crate::error::StoreError;
use crate::rows::{OutboxStatus, Tx};

impl Tx<'_> {
    /// Number of events per outbox status: (pending, accepted, refused).
    pub fn outbox_counts(&self) -> Result<(u64, u64, u64), StoreError> {
        let mut out = (0, 0, 0);
        let mut stmt = self
            .tx
            .prepare_cached("SELECT status, count(*) FROM outbox GROUP BY status")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        for row in rows {
            let (status, n) = row?;
            match status.as_str() {
                "pending" => out.0 = n,
                "accepted" => out.1 = n,
                _ => out.2 = n,
            }
        }
        Ok(out)
    }

    /// The outbox status of an event, if it is in the outbox.
    pub fn outbox_status(&self, event_id: &str) -> Result<Option<OutboxStatus>, StoreError> {
        use rusqlite::OptionalExtension;
        let row = self
            .tx
            .prepare_cached(
                "SELECT o.status, o.reason FROM outbox o JOIN events e ON e.pos = o.event WHERE e.id = unhex(?1)",
            )?
            .query_row([event_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .optional()?;
        Ok(row.map(|(s, reason)| match s.as_str() {
            "accepted" => OutboxStatus::Accepted,
            "refused" => OutboxStatus::Refused(reason.unwrap_or_default()),
            _ => OutboxStatus::Pending,
        }))
    }

    /// Up to `limit` pending events, oldest first, skipping those at or before `after_pos`.
    pub fn pending_outbox(
        &self,
        after_pos: i64,
        limit: u32,
    ) -> Result<Vec<crate::EventRow>, StoreError> {
        let ids: Vec<String> = self
            .tx
            .prepare_cached(
                "SELECT lower(hex(e.id)) FROM outbox o JOIN events e ON e.pos = o.event
                 WHERE o.status = 'pending' AND o.event > ?1 ORDER BY o.event LIMIT ?2",
            )?
            .query_map(rusqlite::params![after_pos, limit], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.event_rows_by_id(&id)?);
        }
        Ok(out)
    }

    /// Marks an event accepted or refused by the registry (or leaves it pending with a note).
    pub fn mark_outbox(
        &self,
        event_id: &str,
        status: &OutboxStatus,
        note: Option<&str>,
        now: yima_core::Timestamp,
    ) -> Result<(), StoreError> {
        let (s, reason) = match status {
            OutboxStatus::Pending => ("pending", note.map(str::to_string)),
            OutboxStatus::Accepted => ("accepted", note.map(str::to_string)),
            OutboxStatus::Refused(r) => ("refused", Some(r.clone())),
        };
        self.tx
            .prepare_cached(
                "UPDATE outbox SET status = ?1, reason = ?2, updated_at = ?3
                 WHERE event = (SELECT pos FROM events WHERE id = unhex(?4))",
            )?
            .execute(rusqlite::params![s, reason, now.0, event_id])?;
        Ok(())
    }
}

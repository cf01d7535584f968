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
            .prepare_cached("SELECT status, reason FROM outbox WHERE event_id = ?1")?
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
}

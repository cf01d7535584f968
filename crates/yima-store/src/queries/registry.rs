//! The `registry` table: where this device syncs, and its feed cursor.

use crate::error::StoreError;
use crate::rows::Tx;
use rusqlite::{params, OptionalExtension};
use yima_core::Timestamp;

impl Tx<'_> {
    /// The registry URL and feed cursor, if this device has enrolled.
    pub fn registry(&self) -> Result<Option<(String, i64)>, StoreError> {
        Ok(self
            .tx
            .query_row(
                "SELECT url, feed_cursor FROM registry WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Records the registry this device enrolled with (replacing an earlier one).
    pub fn set_registry(&self, url: &str, now: Timestamp) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO registry (id, url, enrolled_at, feed_cursor) VALUES (1, ?1, ?2, 0)
             ON CONFLICT (id) DO UPDATE SET url = excluded.url, enrolled_at = excluded.enrolled_at, feed_cursor = 0",
            params![url, now.0],
        )?;
        Ok(())
    }

    /// Moves the feed cursor.
    pub fn set_feed_cursor(&self, cursor: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE registry SET feed_cursor = ?1 WHERE id = 1",
            [cursor],
        )?;
        Ok(())
    }
}

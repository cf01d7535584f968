//! The `handover_offers` table: handovers this device offered as the giver.

use crate::error::StoreError;
use crate::rows::Tx;
use rusqlite::{params, OptionalExtension};
use yima_core::{EventId, Signature, SignedEvent, Timestamp};

impl Tx<'_> {
    /// Records an offer this device signed as the giver.
    pub fn insert_offer(
        &self,
        offer: &SignedEvent,
        giver_signature: &Signature,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO handover_offers (event_id, body, seq, giver_signature, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                offer.id.to_string(),
                offer.canonical,
                offer.body.seq as i64,
                giver_signature.sig.to_string(),
                now.0
            ])?;
        self.used_offer_seq(offer.body.seq);
        Ok(())
    }

    /// The canonical body of an offer this device made.
    pub fn offer_body(&self, id: &EventId) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT body FROM handover_offers WHERE event_id = ?1")?
            .query_row([id.to_string()], |r| r.get(0))
            .optional()?)
    }

    /// Counter values used by offers that never became events (for verification).
    pub fn unaccepted_offer_seqs(&self) -> Result<Vec<u64>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT o.seq FROM handover_offers o LEFT JOIN events e ON e.id = unhex(o.event_id) WHERE e.id IS NULL ORDER BY o.seq",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        Ok(rows
            .map(|r| r.map(|v| v as u64))
            .collect::<Result<_, _>>()?)
    }
}

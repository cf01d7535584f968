//! The SQLite store's handover offers waiting for their takers.

use crate::error::RegistryError;
use crate::store::{OfferPut, OfferRecord};
use rusqlite::{params, Connection, TransactionBehavior};
use yima_core::{PublicKey, Timestamp};
use yima_protocol::HandoverOffer;

pub(super) fn put_offer(
    conn: &mut Connection,
    offer: &OfferRecord,
    max_waiting: u64,
    now: Timestamp,
) -> Result<OfferPut, RegistryError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = offer.event_id.to_string();
    let known = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM handover_offers WHERE event_id = ?1)
                 OR EXISTS (SELECT 1 FROM events WHERE id = ?1)",
        )?
        .query_row([&id], |r| r.get::<_, bool>(0))?;
    if known {
        return Ok(OfferPut::Already);
    }
    let waiting: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM handover_offers o
             WHERE o.giver_key = ?1 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = o.event_id)",
        )?
        .query_row([offer.giver.to_string()], |r| r.get(0))?;
    if waiting as u64 >= max_waiting {
        return Ok(OfferPut::Full);
    }
    tx.prepare_cached(
        "INSERT INTO handover_offers (event_id, giver_key, taker_key, body, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        id,
        offer.giver.to_string(),
        offer.taker.to_string(),
        offer.body,
        now.0
    ])?;
    tx.commit()?;
    Ok(OfferPut::Stored)
}

pub(super) fn offers_for(
    conn: &mut Connection,
    taker: &PublicKey,
    limit: u32,
) -> Result<Vec<HandoverOffer>, RegistryError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.body FROM handover_offers o
         WHERE o.taker_key = ?1 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = o.event_id)
         ORDER BY o.received_at, o.event_id LIMIT ?2",
    )?;
    let bodies = stmt
        .query_map(params![taker.to_string(), i64::from(limit)], |r| {
            r.get::<_, String>(0)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    bodies
        .iter()
        .map(|b| Ok(serde_json::from_str(b)?))
        .collect()
}

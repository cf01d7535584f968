//! The PostgreSQL store's handover offers waiting for their takers.

use crate::error::RegistryError;
use crate::store::{OfferPut, OfferRecord};
use deadpool_postgres::GenericClient;
use yima_core::{PublicKey, Timestamp};
use yima_protocol::HandoverOffer;

/// The first key of the advisory lock held while a giver's offer is put: the second is the
/// giver key's hash, so two posts of one giver count its waiting offers one after the other.
const OFFER_LOCK: i32 = 0x4f66_6672; // "Offr"

// Offers and events are distributed by different keys on Citus: "not taken yet" is an
// uncorrelated subquery (the offers' event ids among the stored events), never a join.

pub(super) async fn put_offer(
    c: &mut deadpool_postgres::Object,
    offer: &OfferRecord,
    max_waiting: u64,
    now: Timestamp,
) -> Result<OfferPut, RegistryError> {
    let tx = c.transaction().await?;
    let giver = offer.giver.to_string();
    let id = offer.event_id.to_string();
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))",
        &[&OFFER_LOCK, &giver],
    )
    .await?;
    let stmt = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM handover_offers WHERE event_id = $1)
                 OR EXISTS (SELECT 1 FROM events WHERE id = $1)",
        )
        .await?;
    let known: bool = tx.query_one(&stmt, &[&id]).await?.get(0);
    if known {
        return Ok(OfferPut::Already);
    }
    let stmt = tx
        .prepare_cached(
            "SELECT count(*) FROM handover_offers o
             WHERE o.giver_key = $1 AND o.event_id NOT IN (SELECT e.id FROM events e
                 WHERE e.id IN (SELECT event_id FROM handover_offers WHERE giver_key = $1))",
        )
        .await?;
    let waiting: i64 = tx.query_one(&stmt, &[&giver]).await?.get(0);
    if waiting as u64 >= max_waiting {
        return Ok(OfferPut::Full);
    }
    let stmt = tx
        .prepare_cached(
            "INSERT INTO handover_offers (event_id, giver_key, taker_key, body, received_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
        )
        .await?;
    let n = tx
        .execute(
            &stmt,
            &[&id, &giver, &offer.taker.to_string(), &offer.body, &now.0],
        )
        .await
        .map_err(super::text_error)?;
    tx.commit().await?;
    Ok(if n == 1 {
        OfferPut::Stored
    } else {
        OfferPut::Already
    })
}

pub(super) async fn offers_for(
    c: &impl GenericClient,
    taker: &PublicKey,
    limit: u32,
) -> Result<Vec<HandoverOffer>, RegistryError> {
    let stmt = c
        .prepare_cached(
            "SELECT o.body FROM handover_offers o
             WHERE o.taker_key = $1 AND o.event_id NOT IN (SELECT e.id FROM events e
                 WHERE e.id IN (SELECT event_id FROM handover_offers WHERE taker_key = $1))
             ORDER BY o.received_at, o.event_id LIMIT $2",
        )
        .await?;
    c.query(&stmt, &[&taker.to_string(), &i64::from(limit)])
        .await?
        .iter()
        .map(|r| Ok(serde_json::from_str(r.get::<_, &str>(0))?))
        .collect()
}

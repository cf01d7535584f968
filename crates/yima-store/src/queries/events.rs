//! The `events`, `event_signatures` and `event_links` tables: the custody record.

use crate::error::{corrupt, StoreError, StoreErrorKind};
use crate::rows::{parse_col, sig_row, EventRow, Head, LinkRow, NewEvent, Tx};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;
use yima_codes::LabelCode;
use yima_core::{EventId, PublicKey, RawEvent, Signature};

impl Tx<'_> {
    /// Appends an event with its signatures and links (and outbox entry). Appending an event
    /// already stored with the same signatures does nothing and returns `false`.
    pub fn append_event(&self, new: &NewEvent<'_>) -> Result<bool, StoreError> {
        let e = new.event;
        let id = e.id.to_string();
        if new.after.len() != e.body.links.len() {
            if self.has_event(&e.id)? {
                return Ok(false);
            }
            return Err(StoreError::new(
                StoreErrorKind::Corrupt,
                "one state per link is needed",
            ));
        }
        // An event already stored inserts nothing (one statement instead of a lookup first).
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO events (id, body, step, at, recorder, recorder_org, composer, seq, stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                id,
                e.canonical,
                e.body.step().as_str(),
                e.body.at.0,
                e.body.by.key.to_string(),
                e.body.by.org.as_str(),
                e.body.composer.to_string(),
                e.body.seq as i64,
                new.stored_at.0,
            ])?;
        if inserted == 0 {
            return Ok(false);
        }
        let mut sig_stmt = self.tx.prepare_cached(
            "INSERT INTO event_signatures (event_id, public_key, signature) VALUES (?1, ?2, ?3)",
        )?;
        for s in &e.signatures {
            let (k, v) = sig_row(s);
            sig_stmt.execute(params![id, k, v])?;
        }
        let mut link_stmt = self.tx.prepare_cached(
            "INSERT INTO event_links (event_id, container, prev, state_after, holder_after) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (l, (state, holder)) in e.body.links.iter().zip(&new.after) {
            link_stmt.execute(params![
                id,
                l.container.as_str(),
                l.prev.map(|p| p.to_string()),
                state.as_str(),
                holder.as_str()
            ])?;
        }
        if new.outbox {
            self.tx
                .prepare_cached(
                    "INSERT INTO outbox (event_id, status, updated_at) VALUES (?1, 'pending', ?2)",
                )?
                .execute(params![id, new.stored_at.0])?;
        }
        Ok(true)
    }

    /// Whether an event is stored.
    pub fn has_event(&self, id: &EventId) -> Result<bool, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?
            .query_row([id.to_string()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Number of stored events.
    pub fn event_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .tx
            .query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// The latest event of a container as stored, if any.
    pub fn head(&self, container: &LabelCode) -> Result<Option<Head>, StoreError> {
        let row = self
            .tx
            .prepare_cached(
                "SELECT l.event_id, l.state_after, l.holder_after FROM event_links l JOIN events e ON e.id = l.event_id
                 WHERE l.container = ?1 ORDER BY e.pos DESC LIMIT 1",
            )?
            .query_row([container.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .optional()?;
        row.map(|(id, state, holder)| {
            Ok(Head {
                event: parse_col("event id", &id)?,
                state: serde_json::from_value(serde_json::Value::String(state.clone()))
                    .map_err(|_| corrupt(format!("unknown state {state:?}")))?,
                holder: parse_col("holder", &holder)?,
            })
        })
        .transpose()
    }

    /// The next counter value for events composed by `composer`.
    pub fn next_seq(&self, composer: &PublicKey) -> Result<u64, StoreError> {
        let k = composer.to_string();
        let max_event: Option<i64> = self
            .tx
            .prepare_cached("SELECT max(seq) FROM events WHERE composer = ?1")?
            .query_row([&k], |r| r.get(0))?;
        let max_offer: Option<i64> = self
            .tx
            .prepare_cached("SELECT max(seq) FROM handover_offers")?
            .query_row([], |r| r.get(0))?;
        Ok(max_event.unwrap_or(0).max(max_offer.unwrap_or(0)) as u64 + 1)
    }

    fn event_rows(&self, sql: &str, arg: Option<&str>) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.tx.prepare_cached(sql)?;
        let map = |r: &rusqlite::Row<'_>| {
            Ok(EventRow {
                pos: r.get(0)?,
                id: r.get(1)?,
                body: r.get(2)?,
                step: r.get(3)?,
                at: r.get(4)?,
                recorder: r.get(5)?,
                recorder_org: r.get(6)?,
                composer: r.get(7)?,
                seq: r.get(8)?,
                stored_at: r.get(9)?,
                signatures: Vec::new(),
            })
        };
        let mut rows: Vec<EventRow> = match arg {
            Some(a) => stmt.query_map([a], map)?.collect::<Result<_, _>>()?,
            None => stmt.query_map([], map)?.collect::<Result<_, _>>()?,
        };
        if arg.is_none() {
            // Every event: one pass over the signatures instead of one query per event.
            let at: HashMap<String, usize> = rows
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), i))
                .collect();
            let mut sigs = self.tx.prepare_cached(
                "SELECT event_id, public_key, signature FROM event_signatures ORDER BY rowid",
            )?;
            let mut q = sigs.query([])?;
            while let Some(r) = q.next()? {
                // (A column that is not text names no stored event, as in the per-event query.)
                if let Some(&i) = r.get_ref(0)?.as_str().ok().and_then(|id| at.get(id)) {
                    rows[i].signatures.push((r.get(1)?, r.get(2)?));
                }
            }
            return Ok(rows);
        }
        let mut sigs = self.tx.prepare_cached(
            "SELECT public_key, signature FROM event_signatures WHERE event_id = ?1 ORDER BY rowid",
        )?;
        for row in &mut rows {
            row.signatures = sigs
                .query_map([&row.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
        }
        Ok(rows)
    }

    /// The row of one event, if stored.
    pub fn event_rows_by_id(&self, id: &str) -> Result<Vec<EventRow>, StoreError> {
        self.event_rows(
            "SELECT pos, id, body, step, at, recorder, recorder_org, composer, seq, stored_at FROM events WHERE id = ?1",
            Some(id),
        )
    }

    /// Every event row, in arrival order.
    pub fn all_event_rows(&self) -> Result<Vec<EventRow>, StoreError> {
        self.event_rows(
            "SELECT pos, id, body, step, at, recorder, recorder_org, composer, seq, stored_at FROM events ORDER BY pos",
            None,
        )
    }

    /// The event rows of one container, in arrival order.
    pub fn container_event_rows(&self, container: &LabelCode) -> Result<Vec<EventRow>, StoreError> {
        self.event_rows(
            "SELECT e.pos, e.id, e.body, e.step, e.at, e.recorder, e.recorder_org, e.composer, e.seq, e.stored_at
             FROM events e JOIN event_links l ON l.event_id = e.id WHERE l.container = ?1 ORDER BY e.pos",
            Some(container.as_str()),
        )
    }

    /// The ids and bodies of one container's events, in arrival order: all that folding its
    /// chain into a status needs (no signatures or index columns to read and parse).
    pub fn container_event_bodies(
        &self,
        container: &LabelCode,
    ) -> Result<Vec<(EventId, Vec<u8>)>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT e.id, e.body FROM events e JOIN event_links l ON l.event_id = e.id
             WHERE l.container = ?1 ORDER BY e.pos",
        )?;
        let rows = stmt.query_map([container.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        rows.map(|r| {
            let (id, body) = r?;
            Ok((parse_col("event id", &id)?, body))
        })
        .collect()
    }

    /// Every link row, in arrival order of their events.
    pub fn all_link_rows(&self) -> Result<Vec<LinkRow>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT l.event_id, l.container, l.prev, l.state_after, l.holder_after
             FROM event_links l LEFT JOIN events e ON e.id = l.event_id ORDER BY e.pos, l.container",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(LinkRow {
                event_id: r.get(0)?,
                container: r.get(1)?,
                prev: r.get(2)?,
                state_after: r.get(3)?,
                holder_after: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl EventRow {
    /// The row as a raw event for verification; unreadable ids or signatures are corruption.
    pub fn to_raw(&self) -> Result<RawEvent, StoreError> {
        let id: EventId = parse_col("event id", &self.id)?;
        let signatures = self
            .signatures
            .iter()
            .map(|(k, s)| {
                Ok(Signature {
                    key: parse_col("public key", k)?,
                    sig: parse_col("signature", s)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(RawEvent {
            id,
            canonical: self.body.clone(),
            signatures,
        })
    }
}

//! The `events`, `event_signatures` and `event_links` tables: the custody record.

use crate::error::{corrupt, StoreError, StoreErrorKind};
use crate::rows::{
    bytes_col, fixed, hex_col, parse_col, EventPos, EventRow, Head, Hot, LinkRow, NewEvent, Tx,
};
use rusqlite::{params, OptionalExtension};
use yima_codes::LabelCode;
use yima_core::{EventId, PublicKey, RawEvent, Signature, SignatureBytes};

impl Tx<'_> {
    /// Appends an event with its signatures and links (and outbox entry). Appending an event
    /// already stored with the same signatures does nothing and returns `false`.
    pub fn append_event(&self, new: &NewEvent<'_>) -> Result<bool, StoreError> {
        Ok(self.insert_event(new)?.is_some())
    }

    /// As [`Tx::append_event`], returning where the event was stored (`None` when it was
    /// stored already), so that signatures made after it can be added in the same
    /// transaction with [`Tx::add_signature`]. Each of the event's signatures is stored.
    pub fn insert_event(&self, new: &NewEvent<'_>) -> Result<Option<EventPos>, StoreError> {
        let e = new.event;
        if new.after.len() != e.body.links.len() {
            if self.has_event(&e.id)? {
                return Ok(None);
            }
            return Err(StoreError::new(
                StoreErrorKind::Corrupt,
                "one state per link is needed",
            ));
        }
        let id = &e.id.as_bytes()[..];
        // An event already stored inserts nothing (one statement instead of a lookup first).
        let inserted = self.run_hot(
            Hot::InsertEvent,
            "INSERT INTO events (id, body, step, at, recorder, recorder_org, composer, seq, stored_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
            params![
                id,
                e.canonical,
                e.body.step().as_str(),
                e.body.at.0,
                &e.body.by.key.as_bytes()[..],
                e.body.by.org.as_str(),
                &e.body.composer.as_bytes()[..],
                e.body.seq as i64,
                new.stored_at.0,
            ],
        )?;
        if inserted == 0 {
            return Ok(None);
        }
        let pos = EventPos(self.tx.last_insert_rowid());
        self.used_seq(&e.body.composer, e.body.seq);
        for s in &e.signatures {
            self.add_signature(pos, s)?;
        }
        for (l, (state, holder)) in e.body.links.iter().zip(&new.after) {
            self.run_hot(
                Hot::InsertLink,
                "INSERT INTO event_links (event_id, container, prev, state_after, holder_after) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    l.container.as_str(),
                    l.prev.as_ref().map(|p| &p.as_bytes()[..]),
                    state.as_str(),
                    holder.as_str()
                ],
            )?;
        }
        if new.outbox {
            self.run_hot(
                Hot::InsertOutbox,
                "INSERT INTO outbox (event, status, updated_at) VALUES (?1, 'pending', ?2)",
                params![pos.0, new.stored_at.0],
            )?;
        }
        Ok(Some(pos))
    }

    /// Adds a signature to the event stored at `pos` (by [`Tx::insert_event`], earlier in
    /// this transaction).
    pub fn add_signature(&self, pos: EventPos, s: &Signature) -> Result<(), StoreError> {
        self.run_hot(
            Hot::AddSignature,
            "INSERT INTO event_signatures (event, public_key, signature) VALUES (?1, ?2, ?3)",
            params![pos.0, &s.key.as_bytes()[..], &s.sig.as_bytes()[..]],
        )?;
        Ok(())
    }

    /// Whether an event is stored.
    pub fn has_event(&self, id: &EventId) -> Result<bool, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?
            .query_row([&id.as_bytes()[..]], |_| Ok(()))
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
            .query_row([container.as_str()], |r| Ok((hex_col(r, 0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
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

    /// The next counter value for events composed by `composer`. Read once per transaction,
    /// then counted here: a transaction holds the write lock, and only
    /// [`Tx::insert_event`] and [`Tx::insert_offer`] use counter values, which they record.
    pub fn next_seq(&self, composer: &PublicKey) -> Result<u64, StoreError> {
        if let Some((k, max)) = self.seq.get() {
            if k == *composer {
                return Ok(max + 1);
            }
        }
        let max_event: Option<i64> = self
            .tx
            .prepare_cached("SELECT max(seq) FROM events WHERE composer = ?1")?
            .query_row([&composer.as_bytes()[..]], |r| r.get(0))?;
        let max_offer: Option<i64> = self
            .tx
            .prepare_cached("SELECT max(seq) FROM handover_offers")?
            .query_row([], |r| r.get(0))?;
        let max = max_event.unwrap_or(0).max(max_offer.unwrap_or(0)) as u64;
        self.seq.set(Some((*composer, max)));
        Ok(max + 1)
    }

    /// Records that `composer` takes counter value `seq` for an event composed in this
    /// transaction but not stored yet (a batch hashes and signs its events on a second
    /// thread before storing them), so that [`Tx::next_seq`] gives the next event the value
    /// after it. Storing the event records the value as well.
    pub fn take_seq(&self, composer: &PublicKey, seq: u64) {
        self.used_seq(composer, seq);
    }

    /// Records that `composer` used counter value `seq` (an event stored).
    fn used_seq(&self, composer: &PublicKey, seq: u64) {
        if let Some((k, max)) = self.seq.get() {
            if k == *composer && seq > max {
                self.seq.set(Some((k, seq)));
            }
        }
    }

    /// Records that an offer used counter value `seq` (offers count for every composer, as
    /// in [`Tx::next_seq`]'s query).
    pub(crate) fn used_offer_seq(&self, seq: u64) {
        if let Some((k, max)) = self.seq.get() {
            self.seq.set(Some((k, max.max(seq))));
        }
    }

    fn event_rows(&self, sql: &str, arg: Option<&str>) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.tx.prepare_cached(sql)?;
        let map = |r: &rusqlite::Row<'_>| {
            Ok(EventRow {
                pos: r.get(0)?,
                id: bytes_col(r, 1)?,
                body: r.get(2)?,
                step: r.get(3)?,
                at: r.get(4)?,
                recorder: bytes_col(r, 5)?,
                recorder_org: r.get(6)?,
                composer: bytes_col(r, 7)?,
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
            // Every event: one pass over the signatures instead of one query per event. The
            // rows are in order of position: each signature finds its event by bisection.
            let mut sigs = self.tx.prepare_cached(
                // In insertion order: an event's signatures keep their order (the signer
                // first); which event comes first does not matter here.
                "SELECT event, public_key, signature FROM event_signatures ORDER BY rowid",
            )?;
            let mut q = sigs.query([])?;
            while let Some(r) = q.next()? {
                let pos: i64 = r.get(0)?;
                if let Ok(i) = rows.binary_search_by_key(&pos, |row| row.pos) {
                    rows[i]
                        .signatures
                        .push((bytes_col(r, 1)?, bytes_col(r, 2)?));
                }
            }
            return Ok(rows);
        }
        let mut sigs = self.tx.prepare_cached(
            "SELECT public_key, signature FROM event_signatures WHERE event = ?1 ORDER BY rowid",
        )?;
        for row in &mut rows {
            row.signatures = sigs
                .query_map([row.pos], |r| Ok((bytes_col(r, 0)?, bytes_col(r, 1)?)))?
                .collect::<Result<_, _>>()?;
        }
        Ok(rows)
    }

    /// The row of one event, if stored.
    pub fn event_rows_by_id(&self, id: &str) -> Result<Vec<EventRow>, StoreError> {
        self.event_rows(
            "SELECT pos, id, body, step, at, recorder, recorder_org, composer, seq, stored_at FROM events WHERE id = unhex(?1)",
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
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        rows.map(|r| {
            let (id, body) = r?;
            Ok((EventId(fixed("event id", &id)?), body))
        })
        .collect()
    }

    /// Every link row, in the order they were stored (an event's links one after the
    /// other, in the order of its body, unless the table was edited by hand).
    pub fn all_link_rows(&self) -> Result<Vec<LinkRow>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT event_id, container, prev, state_after, holder_after FROM event_links ORDER BY rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(LinkRow {
                event_id: bytes_col(r, 0)?,
                container: r.get(1)?,
                prev: match r.get_ref(2)? {
                    rusqlite::types::ValueRef::Null => None,
                    _ => Some(bytes_col(r, 2)?),
                },
                state_after: r.get(3)?,
                holder_after: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl EventRow {
    /// The row as a raw event for verification; ids, keys or signatures of the wrong length
    /// are corruption.
    pub fn to_raw(&self) -> Result<RawEvent, StoreError> {
        let signatures = self
            .signatures
            .iter()
            .map(|(k, s)| {
                Ok(Signature {
                    key: PublicKey(fixed("public key", k)?),
                    sig: SignatureBytes(fixed("signature", s)?),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(RawEvent {
            id: EventId(fixed("event id", &self.id)?),
            canonical: self.body.clone(),
            signatures,
        })
    }
}

//! The PostgreSQL store's ingest: lock the containers of a push, read what deciding needs,
//! decide every event with the shared rules ([`batch::decide_push`]), then write each table
//! with one statement. Every statement names the containers (or organisations) its rows
//! belong to, so on Citus each goes only to the shards holding them.

use super::enrol::{to_device, DEVICE_SELECT};
use crate::error::{ErrorKind, RegistryError};
use crate::signatures::SignatureCheck;
use crate::store::batch::{self, FeedItem, Known, Writes};
use crate::store::{refused_to_keep, status};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use yima_codes::LabelCode;
use yima_core::{PublicKey, SignedEvent, Timestamp};
use yima_protocol::PushResult;

/// The advisory lock key of a container: 64 bits of the SHA-256 of its code. Two codes
/// sharing a key only wait for each other needlessly.
fn lock_key(code: &LabelCode) -> i64 {
    let h = Sha256::digest(code.as_str().as_bytes());
    i64::from_be_bytes(h[..8].try_into().expect("8 bytes"))
}

/// Rows of three columns as the three arrays `unnest` takes.
pub(super) fn columns3<A, B, C>(rows: Vec<(A, B, C)>) -> (Vec<A>, Vec<B>, Vec<C>) {
    let n = rows.len();
    let mut cols = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (a, b, c) in rows {
        cols.0.push(a);
        cols.1.push(b);
        cols.2.push(c);
    }
    cols
}

/// Rows of four columns as the four arrays `unnest` takes.
fn columns4<A, B, C, D>(rows: Vec<(A, B, C, D)>) -> (Vec<A>, Vec<B>, Vec<C>, Vec<D>) {
    let n = rows.len();
    let mut cols = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (a, b, c, d) in rows {
        cols.0.push(a);
        cols.1.push(b);
        cols.2.push(c);
        cols.3.push(d);
    }
    cols
}

pub(super) async fn ingest_in(
    client: &mut deadpool_postgres::Object,
    events: &[SignedEvent],
    pusher: &PublicKey,
    signatures: SignatureCheck,
    now: Timestamp,
    quota: u64,
) -> Result<Vec<PushResult>, RegistryError> {
    let assumed = signatures.assumed();
    let tx = client.transaction().await?;
    let results = ingest_tx(&tx, events, pusher, assumed, now, quota).await?;
    if assumed && !signatures.passed().await {
        // Some signature does not verify: decide again, one signature at a time.
        tx.rollback().await?;
        let tx = client.transaction().await?;
        let results = ingest_tx(&tx, events, pusher, false, now, quota).await?;
        tx.commit().await?;
        return Ok(results);
    }
    tx.commit().await?;
    Ok(results)
}

async fn ingest_tx(
    tx: &deadpool_postgres::Transaction<'_>,
    events: &[SignedEvent],
    pusher: &PublicKey,
    checked: bool,
    now: Timestamp,
    quota: u64,
) -> Result<Vec<PushResult>, RegistryError> {
    // Lock every container of the push, in one order for everyone.
    let codes = batch::containers(events);
    let mut keys: Vec<i64> = events
        .iter()
        .flat_map(|e| e.body.links.iter().map(|l| lock_key(&l.container)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let stmt = tx
        .prepare_cached("SELECT pg_advisory_xact_lock(u.k) FROM unnest($1::bigint[]) WITH ORDINALITY AS u(k, n) ORDER BY u.n")
        .await?;
    let lock_params: [&(dyn tokio_postgres::types::ToSql + Sync); 1] = [&keys];
    tokio::try_join!(
        tx.batch_execute(super::KEYED_READS),
        tx.execute(&stmt, &lock_params)
    )?;

    // Read what the decisions need, now that no one else can change it: the queries go out
    // together (pipelined on the connection) rather than one round trip each.
    let signers: Vec<String> = batch::signers(events)
        .iter()
        .map(|k| k.to_string())
        .collect();
    let device_select = format!("{DEVICE_SELECT} WHERE d.public_key = ANY($1::text[])");
    let (statuses, parties, devices, regulators, chains) = tokio::try_join!(
        async {
            let stmt = tx
                .prepare_cached("SELECT code, status FROM containers WHERE code = ANY($1::text[])")
                .await?;
            tx.query(&stmt, &[&codes]).await
        },
        async {
            let stmt = tx
                .prepare_cached(
                    "SELECT container, org FROM container_parties WHERE container = ANY($1::text[])",
                )
                .await?;
            tx.query(&stmt, &[&codes]).await
        },
        async {
            let stmt = tx.prepare_cached(&device_select).await?;
            tx.query(&stmt, &[&signers]).await
        },
        async {
            if !batch::begins_containers(events) {
                return Ok(Vec::new());
            }
            let stmt = tx
                .prepare_cached(
                    "SELECT credit_code, jurisdiction FROM orgs WHERE jurisdiction IS NOT NULL",
                )
                .await?;
            // Shared with other pushes, exclusive with a regulator being registered (whose
            // backfill then sees this push's containers, or this push sees the regulator).
            let lock = tx
                .prepare_cached("SELECT pg_advisory_xact_lock_shared($1)")
                .await?;
            tx.execute(&lock, &[&super::REGULATORS_LOCK]).await?;
            tx.query(&stmt, &[]).await
        },
        async {
            // The chains of the push's containers: which of its events are stored (an
            // event's links are stored with it, and every container it links is among the
            // push's) and each chain's last position.
            let stmt = tx
                .prepare_cached(
                    "SELECT container, event_id, seq FROM event_links WHERE container = ANY($1::text[])",
                )
                .await?;
            tx.query(&stmt, &[&codes]).await
        },
    )?;
    let mut last: HashMap<String, i64> = HashMap::with_capacity(codes.len());
    let mut linked: HashSet<String> = HashSet::with_capacity(chains.len());
    for r in &chains {
        let seq: i64 = r.get(2);
        let top = last.entry(r.get(0)).or_insert(seq);
        *top = (*top).max(seq);
        linked.insert(r.get(1));
    }
    let mut known = Known {
        stored: events
            .iter()
            .map(|e| e.id.to_string())
            .filter(|id| linked.contains(id))
            .collect(),
        regulators: regulators.iter().map(|r| (r.get(0), r.get(1))).collect(),
        ..Known::default()
    };
    for r in statuses {
        known
            .statuses
            .insert(r.get::<_, String>(0), status::read(r.get(1))?);
    }
    for r in parties {
        known.parties.entry(r.get(0)).or_default().insert(r.get(1));
    }
    for r in devices {
        let d = to_device(&r)?;
        known.devices.insert(d.key, d);
    }

    let (results, w) = batch::decide_push(events, pusher, now, checked, known)?;
    // A container no stored event links has no row in any table a push derives from events
    // (its status, parties, audit summary and facts): its rows are written without the
    // conflict check an upsert makes each row pay (a third of those statements' time).
    let fresh: HashSet<String> = codes
        .iter()
        .filter(|c| !last.contains_key(c.as_str()))
        .cloned()
        .collect();
    write(tx, w, last, &fresh, pusher, now, quota).await?;
    Ok(results)
}

async fn write(
    tx: &deadpool_postgres::Transaction<'_>,
    w: Writes,
    last: HashMap<String, i64>,
    fresh: &HashSet<String>,
    pusher: &PublicKey,
    now: Timestamp,
    quota: u64,
) -> Result<(), RegistryError> {
    let Writes {
        events,
        links,
        forks,
        refused,
        containers,
        parties,
        feed,
        facts,
        audit,
        births: _,
        recheck,
        refused_links,
    } = w;
    let pusher = pusher.to_string();
    let placed = place(&events, &links, last, now);
    // Each table's rows in one statement; the statements go out together (pipelined on the
    // connection): none reads what another writes.
    let ((), (), (), (), (), ()) = tokio::try_join!(
        write_events(tx, events, links, &placed, &pusher, now),
        write_forks(tx, forks, now),
        write_refused(tx, refused, refused_links, &pusher, now, quota),
        write_containers(tx, containers, fresh),
        write_parties(tx, parties, fresh),
        super::audit::write(tx, facts, audit, recheck, fresh),
    )?;
    if !feed.is_empty() {
        write_feed(tx, feed, &placed).await?;
    }
    Ok(())
}

/// Where each event of a push goes: its home container (the first it links, where its row
/// lives) and its seq, its position: above the seq of every event linked to any of its
/// containers before it, and at least its arrival time in microseconds. The containers are
/// locked, so a chain's positions grow with it, with no sequence shared by all ingests.
pub(super) struct Placed {
    pub homes: Vec<String>,
    pub seqs: Vec<i64>,
}

fn place(
    events: &[batch::EventRow],
    links: &[(String, String, Option<String>)],
    mut last: HashMap<String, i64>,
    now: Timestamp,
) -> Placed {
    // Each event's links are written together, its containers in the body's (sorted) order.
    let mut containers: HashMap<&str, Vec<&str>> = HashMap::with_capacity(events.len());
    for (event, container, _) in links {
        containers.entry(event).or_default().push(container);
    }
    // Within a push, each event after the one before: one push's events never share a
    // position (events of unrelated containers in concurrent pushes may).
    let mut floor = now.0.saturating_mul(1000);
    let mut placed = Placed {
        homes: Vec::with_capacity(events.len()),
        seqs: Vec::with_capacity(events.len()),
    };
    for e in events {
        let codes = containers.get(e.id.as_str()).map_or(&[][..], |c| &c[..]);
        let seq = codes
            .iter()
            .filter_map(|c| last.get(*c))
            .map(|s| s + 1)
            .fold(floor, i64::max);
        for c in codes {
            last.insert(c.to_string(), seq);
        }
        placed.homes.push(
            codes
                .iter()
                .min()
                .map_or_else(String::new, |c| c.to_string()),
        );
        placed.seqs.push(seq);
        floor = seq + 1;
    }
    placed
}

/// Writes the events and their links, each event at its place.
async fn write_events(
    tx: &deadpool_postgres::Transaction<'_>,
    events: Vec<batch::EventRow>,
    links: Vec<(String, String, Option<String>)>,
    placed: &Placed,
    pusher: &str,
    now: Timestamp,
) -> Result<(), RegistryError> {
    if events.is_empty() {
        return Ok(());
    }
    let n = events.len();
    let (mut ids, mut bodies, mut signatures, mut steps) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut ats, mut recorders, mut recorder_orgs, mut fork_ofs) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut place_of: HashMap<&str, (&str, i64)> = HashMap::with_capacity(n);
    for (i, e) in events.iter().enumerate() {
        place_of.insert(&e.id, (&placed.homes[i], placed.seqs[i]));
    }
    let m = links.len();
    let (mut link_homes, mut link_seqs) = (Vec::with_capacity(m), Vec::with_capacity(m));
    for (event, _, _) in &links {
        let (home, seq) = place_of.get(event.as_str()).copied().ok_or_else(|| {
            RegistryError::new(
                ErrorKind::Storage,
                format!("link of unplaced event {event}"),
            )
        })?;
        link_homes.push(home.to_string());
        link_seqs.push(seq);
    }
    drop(place_of);
    for e in events {
        ids.push(e.id);
        bodies.push(e.body);
        signatures.push(e.signatures);
        steps.push(e.step);
        ats.push(e.at);
        recorders.push(e.recorder);
        recorder_orgs.push(e.recorder_org);
        fork_ofs.push(e.fork_of);
    }
    let (link_events, link_containers, prevs) = columns3(links);
    let stmt = tx
        .prepare_cached(
            "INSERT INTO events (container, seq, id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by, fork_of)
             SELECT u.container, u.seq, u.id, u.body, u.signatures, u.step, u.at, u.recorder, u.recorder_org, $11::bigint, $12::text, u.fork_of
             FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[])
                  AS u(container, seq, id, body, signatures, step, at, recorder, recorder_org, fork_of)",
        )
        .await?;
    let link_stmt = tx
        .prepare_cached(
            "INSERT INTO event_links (event_id, container, prev, home, seq)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])",
        )
        .await?;
    let event_params: [&(dyn tokio_postgres::types::ToSql + Sync); 12] = [
        &placed.homes,
        &placed.seqs,
        &ids,
        &bodies,
        &signatures,
        &steps,
        &ats,
        &recorders,
        &recorder_orgs,
        &fork_ofs,
        &now.0,
        &pusher,
    ];
    let link_params: [&(dyn tokio_postgres::types::ToSql + Sync); 5] = [
        &link_events,
        &link_containers,
        &prevs,
        &link_homes,
        &link_seqs,
    ];
    tokio::try_join!(
        tx.execute(&stmt, &event_params),
        tx.execute(&link_stmt, &link_params),
    )?;
    Ok(())
}

async fn write_forks(
    tx: &deadpool_postgres::Transaction<'_>,
    forks: Vec<(String, String, String)>,
    now: Timestamp,
) -> Result<(), RegistryError> {
    if forks.is_empty() {
        return Ok(());
    }
    let (events, containers, rivals) = columns3(forks);
    let stmt = tx
        .prepare_cached(
            "INSERT INTO forks (event_id, container, rival, flagged_at)
             SELECT u.e, u.c, u.r, $4::bigint FROM unnest($1::text[], $2::text[], $3::text[]) AS u(e, c, r)",
        )
        .await?;
    tx.execute(&stmt, &[&events, &containers, &rivals, &now.0])
        .await?;
    Ok(())
}

/// Counts the refused events and stores whole those within the pusher's quota: the tally's
/// row, locked by its upsert until commit, makes concurrent pushes of one device take turns.
async fn write_refused(
    tx: &deadpool_postgres::Transaction<'_>,
    mut refused: Vec<batch::RefusedRow>,
    refused_links: Vec<batch::RefusedLink>,
    pusher: &str,
    now: Timestamp,
    quota: u64,
) -> Result<(), RegistryError> {
    if refused.is_empty() {
        return Ok(());
    }
    let tally = tx
        .prepare_cached(
            "INSERT INTO refused_tally (pushed_by, refused, kept, last_at) VALUES ($1, $2, 0, $3)
             ON CONFLICT (pushed_by) DO UPDATE SET refused = refused_tally.refused + excluded.refused, last_at = excluded.last_at
             RETURNING kept",
        )
        .await?;
    let kept: i64 = tx
        .query_one(&tally, &[&pusher, &(refused.len() as i64), &now.0])
        .await?
        .get(0);
    let keep = refused_to_keep(refused.len(), kept as u64, quota);
    refused.truncate(keep);
    let count = tx
        .prepare_cached("UPDATE refused_tally SET kept = kept + $2 WHERE pushed_by = $1")
        .await?;
    tx.execute(&count, &[&pusher, &(keep as i64)]).await?;
    if refused.is_empty() {
        return Ok(());
    }
    // The refused events' anomalies, of those kept whole.
    let kept: HashSet<&str> = refused.iter().map(|r| r.0.as_str()).collect();
    let mut cols: [Vec<String>; 4] = Default::default();
    let mut ats: Vec<i64> = Vec::new();
    for (c, e, why, at, r) in refused_links.iter().filter(|l| kept.contains(l.1.as_str())) {
        for (col, v) in cols.iter_mut().zip([c, e, &why.to_string(), r]) {
            col.push(v.clone());
        }
        ats.push(*at);
    }
    if !ats.is_empty() {
        let [c, e, w, r] = &cols;
        let stmt = tx
            .prepare_cached(
                "INSERT INTO audit_refused (container, event, why, at, reason)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
                 ON CONFLICT DO NOTHING",
            )
            .await?;
        tx.execute(&stmt, &[c, e, w, &ats, r]).await?;
    }
    let (ids, bodies, sigs, reasons) = columns4(refused);
    let stmt = tx
        .prepare_cached(
            "INSERT INTO refused (event_id, body, signatures, reason, pushed_by, arrived_at)
             SELECT u.i, u.b, u.s, u.r, $5::text, $6::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(i, b, s, r)
             ON CONFLICT (event_id) DO NOTHING",
        )
        .await?;
    tx.execute(&stmt, &[&ids, &bodies, &sigs, &reasons, &pusher, &now.0])
        .await?;
    Ok(())
}

/// `rows` parted by whether `code` of each names a fresh container: (fresh, the rest).
pub(super) fn part<T>(
    rows: Vec<T>,
    fresh: &HashSet<String>,
    code: impl Fn(&T) -> &str,
) -> (Vec<T>, Vec<T>) {
    rows.into_iter().partition(|r| fresh.contains(code(r)))
}

/// Runs `insert` on the fresh rows and `upsert` on the rest (each only when it has rows),
/// the two statements pipelined.
pub(super) async fn insert_or_upsert(
    tx: &impl deadpool_postgres::GenericClient,
    insert: &str,
    upsert: &str,
    fresh: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    rest: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    counts: (usize, usize),
) -> Result<(), RegistryError> {
    tokio::try_join!(
        async {
            if counts.0 > 0 {
                let stmt = tx.prepare_cached(insert).await?;
                tx.execute(&stmt, fresh).await?;
            }
            Ok::<_, RegistryError>(())
        },
        async {
            if counts.1 > 0 {
                let stmt = tx.prepare_cached(upsert).await?;
                tx.execute(&stmt, rest).await?;
            }
            Ok::<_, RegistryError>(())
        },
    )?;
    Ok(())
}

async fn write_containers(
    tx: &deadpool_postgres::Transaction<'_>,
    containers: Vec<batch::ContainerRow>,
    fresh: &HashSet<String>,
) -> Result<(), RegistryError> {
    let (new, old) = part(containers, fresh, |r| &r.0);
    let counts = (new.len(), old.len());
    let (a, b, c, d) = columns4(new);
    let (e, f, g, h) = columns4(old);
    insert_or_upsert(
        tx,
        "INSERT INTO containers (code, head, status, division) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])",
        "INSERT INTO containers (code, head, status, division) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT (code) DO UPDATE SET head = excluded.head, status = excluded.status",
        &[&a, &b, &c, &d],
        &[&e, &f, &g, &h],
        counts,
    )
    .await
}

async fn write_parties(
    tx: &deadpool_postgres::Transaction<'_>,
    parties: Vec<(String, String)>,
    fresh: &HashSet<String>,
) -> Result<(), RegistryError> {
    let (new, old) = part(parties, fresh, |r| &r.0);
    let counts = (new.len(), old.len());
    let (a, b): (Vec<String>, Vec<String>) = new.into_iter().unzip();
    let (c, d): (Vec<String>, Vec<String>) = old.into_iter().unzip();
    insert_or_upsert(
        tx,
        "INSERT INTO container_parties (container, org) SELECT * FROM unnest($1::text[], $2::text[])",
        "INSERT INTO container_parties (container, org) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
        &[&a, &b],
        &[&c, &d],
        counts,
    )
    .await
}

async fn write_feed(
    tx: &deadpool_postgres::Transaction<'_>,
    items: Vec<FeedItem>,
    placed: &Placed,
) -> Result<(), RegistryError> {
    // Rows are written only where missing (an event may reach an organisation's feed
    // through two containers), each once, in order: the push's events, and the whole
    // history of a container and of every container sharing an event with it (merge/split
    // lineage, multi-container events) for an organisation that becomes its party, in
    // position order, so every event in a feed follows the events it links to.
    let mut rows = super::feed::FeedRows::default();
    let (mut party_codes, mut party_orgs) = (Vec::new(), Vec::new());
    let mut backfilled = false;
    for item in &items {
        match item {
            FeedItem::One { org, event } => {
                rows.add(org, &placed.homes[*event], placed.seqs[*event]);
            }
            FeedItem::Backfill { org, container } => {
                backfilled = true;
                for (home, seq, containers) in super::feed::family_history(tx, container).await? {
                    rows.add(org, &home, seq);
                    for c in containers {
                        party_codes.push(c);
                        party_orgs.push(org.clone());
                    }
                }
            }
        }
    }
    if !party_codes.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO container_parties (container, org) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            )
            .await?;
        tx.execute(&stmt, &[&party_codes, &party_orgs]).await?;
    }
    // Only a backfill can name an event already in a feed: the push's own are new.
    super::feed::append(tx, rows, backfilled).await
}

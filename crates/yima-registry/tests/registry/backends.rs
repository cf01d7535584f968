//! The story told to each backend, and both backends answering alike.

use crate::calls::{enrol, Entry, Transcript, ENROL_T, NOW};
use crate::common::*;
use crate::story::story;
use yima_core::{EventId, Timestamp};
use yima_protocol::PushOutcome;
use yima_registry::{PostgresStore, RegistryStore, SignatureCheck, SqliteStore};

/// Refused events and fork flags are kept beside the events: counted in the database itself.
const KEPT: &str = "SELECT (SELECT count(*) FROM refused), (SELECT count(*) FROM forks), (SELECT count(*) FROM events WHERE fork_of IS NOT NULL)";

/// Nine events refused (the forbidden transition, another party's correction, a correction
/// to `abc`, a manifest number that does not fit, a dispatch to its own sender, company B
/// twice, the regulator, the revoked key), one fork.
const EXPECT_KEPT: (i64, i64, i64) = (9, 1, 1);

async fn sqlite(world: &World) -> Transcript {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    let store = SqliteStore::open(&path).expect("open");
    let t = story(&store, world).await;
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("open");
    let kept = conn
        .query_row(KEPT, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("count");
    assert_eq!(kept, EXPECT_KEPT);
    // Opened again: migrations checked, not applied twice.
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.event_count().await.expect("count"), t.events);
    t
}

async fn postgres(world: &World) -> Transcript {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    let t = story(&store, world).await;
    let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    let row = client.query_one(KEPT, &[]).await.expect("count");
    assert_eq!((row.get(0), row.get(1), row.get(2)), EXPECT_KEPT);
    let again = PostgresStore::connect(&db.url).await.expect("reconnect");
    assert_eq!(again.event_count().await.expect("count"), t.events);
    t
}

#[tokio::test]
async fn sqlite_tells_the_story() {
    sqlite(&World::new()).await;
}

#[tokio::test]
async fn postgres_tells_the_story() {
    postgres(&World::new()).await;
}

/// An entry without its seq.
type Unnumbered = (EventId, Option<EventId>, Timestamp);

/// Feeds and histories without their seqs: cursor values are each backend's own (SQLite's
/// skip numbers where a row was already there), their order is not.
fn unnumbered(lists: &[(String, Vec<Entry>)]) -> Vec<(String, Vec<Unnumbered>)> {
    lists
        .iter()
        .map(|(name, entries)| {
            (
                name.clone(),
                entries.iter().map(|e| (e.1, e.2, e.3)).collect(),
            )
        })
        .collect()
}

/// The same events, the same answers: outcomes and reasons, feeds, histories, key directory.
#[tokio::test]
async fn both_backends_answer_alike() {
    let world = World::new();
    let lite = sqlite(&world).await;
    let pg = postgres(&world).await;
    assert_eq!(lite.pushes, pg.pushes);
    assert_eq!(unnumbered(&lite.feeds), unnumbered(&pg.feeds));
    assert_eq!(unnumbered(&lite.histories), unnumbered(&pg.histories));
    assert_eq!(lite.devices, pg.devices);
    assert_eq!(lite.events, pg.events);
}

/// A push whose batch signature check fails only after the store has decided it: nothing of
/// that decision is kept; the push is decided again one signature at a time, and only the
/// event whose signature does not verify is refused.
async fn forged_signature<S: RegistryStore>(s: &S, world: &World) {
    for org in world.orgs.all() {
        s.add_org(org.new_org(), ENROL_T).await.expect("add org");
    }
    enrol(s, &world.p, false, ENROL_T).await;
    let mut forged = world.gb.clone();
    forged.signatures[0].sig = world.ga.signatures[0].sig;
    let events = vec![world.ga.clone(), forged];
    let batch = events
        .iter()
        .flat_map(|e| e.signatures.iter().map(move |sig| (e.id, *sig)))
        .collect();
    let results = s
        .ingest(events, world.p.public(), SignatureCheck::start(batch), NOW)
        .await
        .expect("ingest");
    let outcomes: Vec<PushOutcome> = results.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [PushOutcome::Accepted, PushOutcome::Refused]);
    assert!(
        results[1]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("does not verify")),
        "{results:?}"
    );
    assert_eq!(s.event_count().await.expect("count"), 1);
}

#[tokio::test]
async fn sqlite_refuses_a_forged_signature_found_after_deciding() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    forged_signature(&store, &World::new()).await;
}

#[tokio::test]
async fn postgres_refuses_a_forged_signature_found_after_deciding() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    forged_signature(&store, &World::new()).await;
}

/// A registry file made by version 1 keeps its rows through the table rebuilds of
/// migrations 0002 and 0003, and its feed seqs: new entries come after every seq already
/// handed out, and feed rows name their events by seq.
#[tokio::test]
async fn sqlite_migrations_keep_rows_and_feed_seqs() {
    const V1: &str = include_str!("../../../../migrations/registry/sqlite/0001_registry.sql");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)",
        )
        .expect("bookkeeping");
        conn.execute_batch(V1).expect("version 1");
        conn.execute(
            "INSERT INTO schema_migrations VALUES (1, '0001_registry.sql', ?1)",
            [yima_registry::checksum(V1)],
        )
        .expect("record version 1");
        conn.execute_batch(
            "INSERT INTO events (seq, id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by)
                 VALUES (4, 'e1', '{}', '[]', 'generated', 0, 'k', 'o', 0, 'k');
             INSERT INTO event_links VALUES ('e1', 'C1', NULL);
             INSERT INTO container_parties VALUES ('C1', 'o');
             INSERT INTO feed (seq, org, event_id) VALUES (7, 'o', 'e1');
             UPDATE sqlite_sequence SET seq = 9 WHERE name = 'feed';
             INSERT INTO refused VALUES ('r1', '{}', '[]', 'why', 'k', 5), ('r2', '{}', '[]', 'why', 'k', 6);",
        )
        .expect("version 1 rows");
    }
    drop(SqliteStore::open(&path).expect("migrate"));
    let conn = rusqlite::Connection::open(&path).expect("open");
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect(sql);
    assert_eq!(count("SELECT count(*) FROM schema_migrations"), 11);
    // Migration 0005 starts the refused-event tally from the rows already kept.
    assert_eq!(
        count(
            "SELECT refused * 100 + kept * 10 + last_at FROM refused_tally WHERE pushed_by = 'k'"
        ),
        226
    );
    assert_eq!(
        count("SELECT count(*) FROM event_links WHERE container = 'C1'"),
        1
    );
    assert_eq!(count("SELECT count(*) FROM container_parties"), 1);
    assert_eq!(count("SELECT seq FROM feed WHERE event_seq = 4"), 7);
    conn.execute("INSERT INTO feed (org, event_seq) VALUES ('p', 4)", [])
        .expect("feed row");
    assert_eq!(count("SELECT max(seq) FROM feed"), 10);
    // An event is in an organisation's feed once.
    assert!(conn
        .execute("INSERT INTO feed (org, event_seq) VALUES ('p', 4)", [])
        .is_err());
    // Still append-only.
    assert!(conn.execute("DELETE FROM event_links", []).is_err());
}

//! The story told to each backend, and both backends answering alike.

use crate::common::*;
use crate::story::{story, Entry, Transcript};
use yima_core::{EventId, Timestamp};
use yima_registry::{PostgresStore, RegistryStore, SqliteStore};

/// Refused events and fork flags are kept beside the events: counted in the database itself.
const KEPT: &str = "SELECT (SELECT count(*) FROM refused), (SELECT count(*) FROM forks), (SELECT count(*) FROM events WHERE fork_of IS NOT NULL)";

/// Five events refused (the forbidden transition, company B twice, the regulator, the
/// revoked key), one fork.
const EXPECT_KEPT: (i64, i64, i64) = (5, 1, 1);

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

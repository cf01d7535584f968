//! What a PostgreSQL registry's schema guarantees: registries starting together migrate
//! once (an edited migration is refused), databases made by older versions keep their rows
//! through later migrations, stored events are append-only, and text PostgreSQL cannot
//! store is the caller's bad request.

use crate::calls::ENROL_T;
use crate::common::*;
use crate::postgres::{ingest, registries};
use crate::race::Race;
use yima_protocol::PushOutcome;
use yima_registry::{ErrorKind, PostgresStore, RegistryStore};

async fn client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registries_starting_together_migrate_once() {
    let db = PgDb::create().await;
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(async move { PostgresStore::connect(&url).await.map(|_| ()) })
        })
        .collect();
    for s in starts {
        s.await.expect("task").expect("every registry starts");
    }
    let c = client(&db.url).await;
    let n: i64 = c
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .await
        .expect("count")
        .get(0);
    // Each migration (0001 to 0012) once.
    assert_eq!(n, 12);
    let cursors: i64 = c
        .query_one("SELECT count(*) FROM feed_cursors", &[])
        .await
        .expect("feed cursors")
        .get(0);
    assert_eq!(cursors, 0);

    // A migration changed after it was applied is refused, not applied again.
    c.execute(
        "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1",
        &[],
    )
    .await
    .expect("edit");
    let e = PostgresStore::connect(&db.url)
        .await
        .err()
        .expect("refused");
    assert_eq!(e.kind, ErrorKind::Storage);
    assert!(e.message.contains("0001_registry.sql differs"), "{e}");
}

/// A database made by versions 1 and 2 keeps its feed through migration 0003: each row
/// then names its event by seq, keeps its own seq, and stays unique per organisation.
#[tokio::test]
async fn migration_0003_keeps_the_feed() {
    const V1: &str = include_str!("../../../../migrations/registry/postgres/0001_registry.sql");
    const V2: &str =
        include_str!("../../../../migrations/registry/postgres/0002_push_throughput.sql");
    let db = PgDb::create().await;
    let c = client(&db.url).await;
    c.batch_execute(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)",
    )
    .await
    .expect("bookkeeping");
    for (version, name, sql) in [
        (1i64, "0001_registry.sql", V1),
        (2, "0002_push_throughput.sql", V2),
    ] {
        c.batch_execute(sql).await.expect(name);
        c.execute(
            "INSERT INTO schema_migrations VALUES ($1, $2, $3)",
            &[&version, &name, &yima_registry::checksum(sql)],
        )
        .await
        .expect("record");
    }
    c.batch_execute(
        "INSERT INTO events (seq, id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by)
             VALUES (4, 'e1', '{}', '[]', 'generated', 0, 'k', 'o', 0, 'k');
         INSERT INTO feed (seq, org, event_id) VALUES (7, 'o', 'e1');
         UPDATE feed_head SET last_seq = 7;",
    )
    .await
    .expect("version 2 rows");
    drop(PostgresStore::connect(&db.url).await.expect("migrate"));
    let seq: i64 = c
        .query_one(
            "SELECT seq FROM feed WHERE org = 'o' AND event_seq = 4",
            &[],
        )
        .await
        .expect("feed row")
        .get(0);
    assert_eq!(seq, 7);
    // Migration 0010 names the event by its home too ('' for this one, which links none).
    assert!(c
        .execute(
            "INSERT INTO feed (seq, org, event_seq, event_container) VALUES (8, 'o', 4, '')",
            &[]
        )
        .await
        .is_err());
}

#[tokio::test]
async fn stored_events_cannot_be_changed() {
    let race = Race::new(1, 0);
    let db = PgDb::create().await;
    let (one, _) = registries(&db, &race).await;
    assert_eq!(
        ingest(&one, race.prefix.clone(), &race.p).await,
        [PushOutcome::Accepted; 3]
    );
    let c = client(&db.url).await;
    for sql in [
        "UPDATE events SET body = 'x'",
        "DELETE FROM events",
        "DELETE FROM event_links",
        "UPDATE event_links SET prev = NULL",
    ] {
        let e = c.execute(sql, &[]).await.expect_err(sql);
        let message = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_default();
        assert!(message.contains("is append-only"), "{sql}: {e:?}");
    }
}

/// PostgreSQL cannot store a NUL character in text: that is the caller's bad request, not a
/// storage failure. Quotes and SQL are just text.
#[tokio::test]
async fn text_postgres_cannot_store_is_a_bad_request() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    let mut org = Orgs::new().producer.new_org();
    org.name = "示例\0化工".into();
    let e = store
        .add_org(org.clone(), ENROL_T)
        .await
        .expect_err("NUL refused");
    assert_eq!(e.kind, ErrorKind::BadRequest, "{e}");
    org.name = "Robert'); DROP TABLE orgs;--".into();
    org.jurisdiction = Some("35' OR '1'='1".into());
    store
        .add_org(org.clone(), ENROL_T)
        .await
        .expect("stored as it is");
    let stored = store
        .org(org.credit_code.clone())
        .await
        .expect("org")
        .expect("registered");
    assert_eq!(
        (stored.name, stored.jurisdiction),
        (org.name, org.jurisdiction)
    );
}

/// A database made by versions 1 to 9 keeps its events, links and feeds through migration
/// 0010: each event gets its home (its first container), each link its event's home and
/// seq, each feed row its event's home, each organisation a cursor at its last seq; the
/// feed's single head and the events' sequence are gone, and the tables stay append-only.
#[tokio::test]
async fn migration_0010_keeps_events_links_and_feeds() {
    const BEFORE: [(i64, &str, &str); 9] = [
        (
            1,
            "0001_registry.sql",
            include_str!("../../../../migrations/registry/postgres/0001_registry.sql"),
        ),
        (
            2,
            "0002_push_throughput.sql",
            include_str!("../../../../migrations/registry/postgres/0002_push_throughput.sql"),
        ),
        (
            3,
            "0003_feed_by_seq.sql",
            include_str!("../../../../migrations/registry/postgres/0003_feed_by_seq.sql"),
        ),
        (
            4,
            "0004_parties_by_org.sql",
            include_str!("../../../../migrations/registry/postgres/0004_parties_by_org.sql"),
        ),
        (
            5,
            "0005_refused_quota.sql",
            include_str!("../../../../migrations/registry/postgres/0005_refused_quota.sql"),
        ),
        (
            6,
            "0006_sequence_blocks.sql",
            include_str!("../../../../migrations/registry/postgres/0006_sequence_blocks.sql"),
        ),
        (
            7,
            "0007_handover_offers.sql",
            include_str!("../../../../migrations/registry/postgres/0007_handover_offers.sql"),
        ),
        (
            8,
            "0008_track_fixes.sql",
            include_str!("../../../../migrations/registry/postgres/0008_track_fixes.sql"),
        ),
        (
            9,
            "0009_audit_index.sql",
            include_str!("../../../../migrations/registry/postgres/0009_audit_index.sql"),
        ),
    ];
    let db = PgDb::create().await;
    let c = client(&db.url).await;
    c.batch_execute(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)",
    )
    .await
    .expect("bookkeeping");
    for (version, name, sql) in BEFORE {
        c.batch_execute(sql).await.expect(name);
        c.execute(
            "INSERT INTO schema_migrations VALUES ($1, $2, $3)",
            &[&version, &name, &yima_registry::checksum(sql)],
        )
        .await
        .expect("record");
    }
    // e1 begins C1 and C2 (a split's outputs, say), e2 follows it in C1.
    c.batch_execute(
        "INSERT INTO events (seq, id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by)
             VALUES (4, 'e1', '{}', '[]', 'split', 0, 'k', 'o', 0, 'k'),
                    (5, 'e2', '{}', '[]', 'weighed', 0, 'k', 'o', 0, 'k');
         INSERT INTO event_links (event_id, container, prev) VALUES ('e1', 'C2', NULL), ('e1', 'C1', NULL), ('e2', 'C1', 'e1');
         INSERT INTO feed (seq, org, event_seq) VALUES (7, 'o', 4), (8, 'o', 5), (9, 'p', 5);
         UPDATE feed_head SET last_seq = 9;",
    )
    .await
    .expect("version 9 rows");
    drop(PostgresStore::connect(&db.url).await.expect("migrate"));

    let rows = |sql: &'static str| {
        let c = &c;
        async move {
            c.query(sql, &[])
                .await
                .expect(sql)
                .iter()
                .map(|r| format!("{}:{}", r.get::<_, String>(0), r.get::<_, i64>(1)))
                .collect::<Vec<String>>()
        }
    };
    assert_eq!(
        rows("SELECT id || '@' || container, seq FROM events ORDER BY seq").await,
        ["e1@C1:4", "e2@C1:5"]
    );
    assert_eq!(
        rows("SELECT container || '/' || event_id || '@' || home, seq FROM event_links ORDER BY container, event_id").await,
        ["C1/e1@C1:4", "C1/e2@C1:5", "C2/e1@C1:4"]
    );
    assert_eq!(
        rows("SELECT org || '@' || event_container || '#' || event_seq, seq FROM feed ORDER BY org, seq").await,
        ["o@C1#4:7", "o@C1#5:8", "p@C1#5:9"]
    );
    assert_eq!(
        rows("SELECT org, last_seq FROM feed_cursors ORDER BY org").await,
        ["o:8", "p:9"]
    );
    let gone: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relname IN ('feed_head', 'events_seq_seq')",
            &[],
        )
        .await
        .expect("catalog")
        .get(0);
    assert_eq!(gone, 0);
    for sql in ["DELETE FROM events", "UPDATE event_links SET home = 'C2'"] {
        let e = c.execute(sql, &[]).await.expect_err(sql);
        let message = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_default();
        assert!(message.contains("is append-only"), "{sql}: {e:?}");
    }
}

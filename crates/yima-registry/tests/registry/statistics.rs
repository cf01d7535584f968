//! The planner's statistics the registry gathers itself (`refresh_statistics`, run beside
//! `serve`): on PostgreSQL for exactly the tables changed past the threshold, once each; on
//! SQLite by SQLite's own judgement.

use crate::common::*;
use std::time::{Duration, Instant};
use yima_registry::{PostgresStore, RegistryStore, SqliteStore};

/// How many times `table`'s statistics were gathered by hand (not by autovacuum).
async fn analyzed(c: &tokio_postgres::Client, table: &str) -> i64 {
    c.query_one(
        "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = $1",
        &[&table],
    )
    .await
    .expect("table statistics")
    .get(0)
}

#[tokio::test]
async fn postgres_gathers_statistics_of_the_tables_that_changed_much_once() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    let (c, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    store.refresh_statistics().await.expect("first refresh");
    let (containers, events) = (
        analyzed(&c, "audit_containers").await,
        analyzed(&c, "events").await,
    );
    // 2 000 containers' summaries: past 500 rows + 5 % of a table that had none.
    c.batch_execute(
        "INSERT INTO audit_containers (code, producer, waste, category, division, state, holder, manifest, first_day, first_at, last_at)
         SELECT 'C' || i, 'P', '900-249-08', 'HW08', '350102', 'stored', 'P', NULL, '20250301', i, i
         FROM generate_series(1, 2000) AS i",
    )
    .await
    .expect("fill");
    let citus: bool = c
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')",
            &[],
        )
        .await
        .expect("extension")
        .get(0);
    if citus {
        // The coordinator holds none of a distributed table's rows: nothing is stale here
        // (the workers plan their shards' queries on their own statistics).
        store.refresh_statistics().await.expect("refresh on Citus");
        return;
    }
    // A backend reports what it changed to the statistics within seconds, not at once.
    let start = Instant::now();
    while analyzed(&c, "audit_containers").await == containers {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the changed table's statistics were never gathered"
        );
        store.refresh_statistics().await.expect("refresh");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(analyzed(&c, "audit_containers").await, containers + 1);
    // Unchanged tables are left alone, and a table just gathered is not gathered again.
    assert_eq!(store.refresh_statistics().await.expect("again"), 0);
    assert_eq!(analyzed(&c, "audit_containers").await, containers + 1);
    assert_eq!(analyzed(&c, "events").await, events);
}

#[tokio::test]
async fn sqlite_gathers_statistics_by_its_own_judgement() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    assert_eq!(store.refresh_statistics().await.expect("refresh"), 0);
}

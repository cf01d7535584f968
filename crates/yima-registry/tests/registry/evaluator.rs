//! The anomaly evaluator's batches on SQLite and PostgreSQL (the scenarios in
//! `batches.rs`).

use crate::batches::{containers, sighted};
use crate::common::World;
use crate::story::story;
use std::time::Duration;
use yima_core::{AnomalyConfig, Timestamp};
use yima_registry::anomalies::judge_batch;
use yima_registry::testing::PgDb;
use yima_registry::{PostgresStore, RegistryStore, SqliteStore};

#[tokio::test]
async fn sqlite_batch_leaves_a_changed_container_due_and_keeps_first_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    containers(&store, &World::new()).await;
}

#[tokio::test]
async fn postgres_batch_leaves_a_changed_container_due_and_keeps_first_found() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    containers(&store, &World::new()).await;
}

#[tokio::test]
async fn sqlite_sighting_batch_leaves_a_code_sighted_again_due() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    sighted(&store, &World::new()).await;
}

#[tokio::test]
async fn postgres_sighting_batch_leaves_a_code_sighted_again_due() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    sighted(&store, &World::new()).await;
}

/// On PostgreSQL a container whose row another transaction holds (a push writing it, say)
/// is skipped by a batch, not waited for: the others are kept at once, and it stays due.
#[tokio::test]
async fn postgres_batch_skips_a_container_another_transaction_holds() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    skips_held(&store, &db.url, &World::new()).await;
}

async fn skips_held<S: RegistryStore>(s: &S, url: &str, w: &World) {
    story(s, w).await;
    let now = Timestamp(crate::common::T0.0 + 30 * 24 * 3_600_000);
    let due = s.audit_due(now, 100).await.expect("due");
    assert_eq!(due.len(), 4);
    let judged = judge_batch(s, due, now, &AnomalyConfig::default())
        .await
        .expect("judge");
    let (mut holder, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    let tx = holder.transaction().await.expect("begin");
    tx.execute(
        "SELECT 1 FROM audit_containers WHERE code = $1 FOR UPDATE",
        &[&w.b.as_str()],
    )
    .await
    .expect("hold B");
    let kept = tokio::time::timeout(Duration::from_secs(20), s.put_anomalies(judged, now))
        .await
        .expect("not waiting for B")
        .expect("put");
    assert_eq!(kept.len(), 3, "{kept:?}");
    assert!(!kept.contains(&w.b));
    tx.rollback().await.expect("let go of B");
    let still: Vec<_> = s
        .audit_due(now, 100)
        .await
        .expect("due")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(still, vec![w.b.clone()]);
}

//! The anomaly evaluator's batches on SQLite and PostgreSQL (the scenarios in
//! `batches.rs`).

use crate::batches::{containers, sighted};
use crate::common::World;
use yima_registry::testing::PgDb;
use yima_registry::{PostgresStore, SqliteStore};

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

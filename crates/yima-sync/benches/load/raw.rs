//! The raw limit beside the registry benchmark's pushes: batch-verify the same signatures
//! and insert the same bytes into a one-table database, 1000 per transaction.

use std::time::Instant;
use yima_core::{verify_batch, EventId, Signature, SignedEvent};

/// Raw limit: batch verify + insert of the same bytes, 1000 per transaction.
pub fn raw_sqlite(events: &[SignedEvent]) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("raw.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .unwrap();
    let start = Instant::now();
    for chunk in events.chunks(1000) {
        let batch: Vec<(EventId, Signature)> = chunk
            .iter()
            .flat_map(|e| e.signatures.iter().map(move |s| (e.id, *s)))
            .collect();
        assert!(verify_batch(&batch));
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx
                .prepare_cached("INSERT INTO raw (id, body) VALUES (?1, ?2)")
                .unwrap();
            for e in chunk {
                stmt.execute(rusqlite::params![
                    e.id.to_string(),
                    std::str::from_utf8(&e.canonical).unwrap()
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    events.len() as f64 / start.elapsed().as_secs_f64()
}

pub async fn raw_postgres(url: &str, events: &[SignedEvent]) -> f64 {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute("CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .unwrap();
    let stmt = client
        .prepare("INSERT INTO raw (id, body) SELECT * FROM unnest($1::text[], $2::text[])")
        .await
        .unwrap();
    let start = Instant::now();
    for chunk in events.chunks(1000) {
        let batch: Vec<(EventId, Signature)> = chunk
            .iter()
            .flat_map(|e| e.signatures.iter().map(move |s| (e.id, *s)))
            .collect();
        assert!(verify_batch(&batch));
        let ids: Vec<String> = chunk.iter().map(|e| e.id.to_string()).collect();
        let bodies: Vec<String> = chunk
            .iter()
            .map(|e| String::from_utf8(e.canonical.clone()).unwrap())
            .collect();
        client.execute(&stmt, &[&ids, &bodies]).await.unwrap();
    }
    events.len() as f64 / start.elapsed().as_secs_f64()
}

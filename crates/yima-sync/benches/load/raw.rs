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

/// The tables a push writes, each with the column naming the containers its rows belong to.
pub const PUSHED_TABLES: [(&str, &str); 7] = [
    ("events", "container"),
    ("event_links", "container"),
    ("containers", "code"),
    ("container_parties", "container"),
    ("feed", "event_container"),
    ("audit_containers", "code"),
    ("audit_facts", "container"),
];

/// One table's rows of a batch of containers, column by column (every column the registry
/// writes is text or a bigint).
enum Column {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
}

/// The ceiling of a push that writes what the registry writes: batch-verify the signatures of
/// `events` and insert the very rows a registry stored for them in the tables `pushed` (read
/// back from the registry at `url` after its push) into empty copies of those tables with the
/// same indexes, 1000
/// events' rows per transaction, one statement per table, pipelined: no reads, no
/// decisions, no HTTP. Events of one container each (what the benchmark pushes).
pub async fn rows_postgres(url: &str, events: &[SignedEvent], pushed: &[(&str, &str)]) -> f64 {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut columns_of = Vec::new();
    for (table, _) in pushed {
        client
            .batch_execute(&format!(
                "DROP TABLE IF EXISTS copy_{table}; CREATE TABLE copy_{table} (LIKE {table} INCLUDING ALL)"
            ))
            .await
            .unwrap();
        let cols: Vec<(String, String)> = client
            .query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                &[&table],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert!(
            cols.iter().all(|(_, t)| t == "text" || t == "bigint"),
            "{table}: {cols:?}"
        );
        columns_of.push(cols);
    }
    // The rows of each batch, read before the clock starts.
    let mut batches = Vec::new();
    for chunk in events.chunks(1000) {
        let codes: Vec<String> = chunk
            .iter()
            .flat_map(|e| e.body.links.iter().map(|l| l.container.to_string()))
            .collect();
        let mut tables = Vec::new();
        for ((table, key), cols) in pushed.iter().zip(&columns_of) {
            let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
            let rows = client
                .query(
                    &format!(
                        "SELECT {} FROM {table} WHERE {key} = ANY($1::text[])",
                        names.join(", ")
                    ),
                    &[&codes],
                )
                .await
                .unwrap();
            let data: Vec<Column> = cols
                .iter()
                .enumerate()
                .map(|(i, (_, t))| {
                    if t == "bigint" {
                        Column::Int(rows.iter().map(|r| r.get(i)).collect())
                    } else {
                        Column::Text(rows.iter().map(|r| r.get(i)).collect())
                    }
                })
                .collect();
            let casts: Vec<String> = cols
                .iter()
                .enumerate()
                .map(|(i, (_, t))| format!("${}::{t}[]", i + 1))
                .collect();
            let sql = format!(
                "INSERT INTO copy_{table} ({}) SELECT * FROM unnest({})",
                names.join(", "),
                casts.join(", ")
            );
            tables.push((client.prepare(&sql).await.unwrap(), data));
        }
        batches.push((chunk, tables));
    }
    let start = Instant::now();
    for (chunk, tables) in &batches {
        let batch: Vec<(EventId, Signature)> = chunk
            .iter()
            .flat_map(|e| e.signatures.iter().map(move |s| (e.id, *s)))
            .collect();
        assert!(verify_batch(&batch));
        client.batch_execute("BEGIN").await.unwrap();
        let insert = |i: usize| {
            let (stmt, data) = &tables[i];
            let client = &client;
            async move {
                let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = data
                    .iter()
                    .map(|c| match c {
                        Column::Text(v) => v as &(dyn tokio_postgres::types::ToSql + Sync),
                        Column::Int(v) => v as &(dyn tokio_postgres::types::ToSql + Sync),
                    })
                    .collect();
                client.execute(stmt, &params).await.unwrap()
            }
        };
        // The statements go out together, as a push's do.
        futures_util::future::join_all((0..tables.len()).map(insert)).await;
        client.batch_execute("COMMIT").await.unwrap();
    }
    events.len() as f64 / start.elapsed().as_secs_f64()
}

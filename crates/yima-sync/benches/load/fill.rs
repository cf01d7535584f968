//! A registry filled up to a size for the history lookups: synthetic rows written
//! straight into its tables beside the real ones.

use std::time::Duration;

/// Synthetic rows up to `total` events: each a copy of a real event's text under a new id,
/// linked to a container of its own.
const FILL_SQLITE: &str = "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
INSERT INTO events (id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by, fork_of)
SELECT printf('f%063d', i), ?2, '[]', 'generated', 0, 'x', 'x', 0, 'x', NULL FROM n;
";

pub fn fill_sqlite(path: &std::path::Path, extra: usize, body: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(60)).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    conn.execute(FILL_SQLITE, rusqlite::params![extra as i64, body])
        .unwrap();
    conn.execute(
        "INSERT INTO event_links (event_id, container, prev) SELECT id, 'C' || substr(id, 2), NULL FROM events WHERE id LIKE 'f%'",
        [],
    )
    .unwrap();
    conn.execute_batch("COMMIT").unwrap();
}

pub async fn fill_postgres(url: &str, extra: usize, body: &str) {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    // Each synthetic event at home in its own container, at a position of its own.
    client
        .execute(
            "INSERT INTO events (container, seq, id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by, fork_of)
             SELECT 'C' || lpad(i::text, 63, '0'), i, 'f' || lpad(i::text, 63, '0'), $2, '[]', 'generated', 0, 'x', 'x', 0, 'x', NULL
             FROM generate_series(1, $1::bigint) AS i",
            &[&(extra as i64), &body],
        )
        .await
        .unwrap();
    client
        .execute(
            "INSERT INTO event_links (event_id, container, prev, home, seq)
             SELECT id, container, NULL, container, seq FROM events WHERE container LIKE 'C%'",
            &[],
        )
        .await
        .unwrap();
    client.batch_execute("ANALYZE").await.unwrap();
}

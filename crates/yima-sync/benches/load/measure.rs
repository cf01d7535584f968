//! What a PostgreSQL server did during a push: its CPU time, per statement where
//! `pg_stat_statements` is loaded, and the bytes its tables take per event.

/// A client of the database at `url`.
pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

/// The CPU seconds a PostgreSQL server's processes have used so far (its postmaster, the
/// children it waited for, and those alive), read from /proc: the server of `url`.
pub async fn server_cpu(url: &str) -> Option<f64> {
    let pid: i32 = connect(url)
        .await
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .ok()?
        .get(0);
    let stat = |pid: &str| -> Option<Vec<String>> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let after = text.rsplit_once(')')?.1;
        Some(after.split_whitespace().map(str::to_string).collect())
    };
    // Fields after the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    let postmaster = stat(&pid.to_string())?.get(1)?.clone();
    let ticks =
        |f: &[String], i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let own = stat(&postmaster)?;
    let mut total = ticks(&own, 11) + ticks(&own, 12) + ticks(&own, 13) + ticks(&own, 14);
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Some(f) = stat(&name) {
            if f.get(1) == Some(&postmaster) {
                total += ticks(&f, 11) + ticks(&f, 12);
            }
        }
    }
    Some(total / 100.0) // USER_HZ
}

/// Starts counting the statements of the database of `url`, when the server loads
/// `pg_stat_statements` (`shared_preload_libraries`); false, saying so, when it does not.
pub async fn statements_reset(url: &str) -> bool {
    let c = connect(url).await;
    let ready = c
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()",
        )
        .await;
    if let Err(e) = ready {
        println!(
            "(no per-statement breakdown: pg_stat_statements is not loaded by the server: {e})"
        );
        return false;
    }
    true
}

/// Where the server's time went during the push, per statement on this database, in µs
/// per event pushed (planning and execution; the statements' own time, not the wait for
/// the client): the ten largest, and their sum.
pub async fn statements(url: &str, n: usize) {
    let rows = connect(url)
        .await
        .query(
            "SELECT left(regexp_replace(s.query, '\\s+', ' ', 'g'), 72), s.calls, s.rows,
                    s.total_plan_time + s.total_exec_time
             FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
             WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat_statements%'
             ORDER BY 4 DESC",
            &[],
        )
        .await
        .unwrap();
    let per = |ms: f64| ms * 1000.0 / n as f64;
    let total: f64 = rows.iter().map(|r| r.get::<_, f64>(3)).sum();
    println!("| PostgreSQL push: statement | calls | rows | µs per event |");
    for r in rows.iter().take(10) {
        let (q, calls, nrows, ms): (String, i64, i64, f64) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        println!("| `{q}…` | {calls} | {nrows} | {:.1} |", per(ms));
    }
    println!(
        "| every statement ({}) | | | {:.1} |",
        rows.len(),
        per(total)
    );
}

/// The bytes the registry's tables (with their indexes) take per event pushed, on every node.
pub async fn stored_bytes(backend: &str, url: &str, n: usize) {
    let c = connect(url).await;
    let citus: bool = c
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let sql = if citus {
        "SELECT coalesce(sum(shard_size), 0)::bigint FROM citus_shards"
    } else {
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
         JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND c.relkind = 'r'"
    };
    let bytes: i64 = c.query_one(sql, &[]).await.unwrap().get(0);
    println!(
        "| {backend} | stored, tables and indexes | {:.0} bytes per event pushed |",
        bytes as f64 / n as f64
    );
}

//! Test support shared by the registry's and the sync client's tests: a fresh PostgreSQL
//! database per test on the server the tests use (`YIMA_TEST_PG`, else the local one).

/// A fresh PostgreSQL database for one test, dropped at the end (also when the test fails).
pub struct PgDb {
    /// URL of the fresh database.
    pub url: String,
    admin_url: String,
    name: String,
}

/// Where the tests find PostgreSQL: `YIMA_TEST_PG`, else the local server.
pub fn pg_admin_url() -> String {
    std::env::var("YIMA_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (url, String::new()),
    };
    let start = main
        .find("://")
        .map(|i| i + 3)
        .expect("YIMA_TEST_PG must be a postgres:// URL");
    let end = main[start..].find('/').map_or(main.len(), |i| start + i);
    format!("{}/{db}{query}", &main[..end])
}

async fn admin_client(url: &str) -> tokio_postgres::Client {
    match tokio_postgres::connect(url, tokio_postgres::NoTls).await {
        Ok((client, conn)) => {
            tokio::spawn(async move {
                let _ = conn.await;
            });
            client
        }
        Err(e) => panic!(
            "\n\nThe PostgreSQL conformance tests need a PostgreSQL server, and none answers at {url}: {e}{}\n\
             Start one, e.g.\n  \
             sudo pg_ctlcluster 15 main start        (Debian's packaged server; trust auth for 127.0.0.1, database `test`)\n  \
             docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:16\n\
             or point YIMA_TEST_PG at one: YIMA_TEST_PG=postgres://user:password@host:port/database cargo test -p yima-registry\n\
             (each test creates and drops a database of its own there).\n",
            std::error::Error::source(&e).map(|s| format!(" ({s})")).unwrap_or_default()
        ),
    }
}

impl PgDb {
    /// Creates a fresh database (panics, saying how to start a server, if none answers).
    pub async fn create() -> PgDb {
        let admin_url = pg_admin_url();
        let client = admin_client(&admin_url).await;
        let name = format!("yima_test_{:016x}", rand::random::<u64>());
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        PgDb {
            url: with_database(&admin_url, &name),
            admin_url,
            name,
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop may run inside the test's runtime, which cannot be blocked on: use a thread
        // with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let client = admin_client(&admin_url).await;
                // FORCE (PostgreSQL 13+) ends the pools' connections still open.
                if client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .is_err()
                {
                    client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                        .await
                } else {
                    Ok(())
                }
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) && !std::thread::panicking() {
            panic!("could not drop test database {}: {dropped:?}", self.name);
        }
    }
}

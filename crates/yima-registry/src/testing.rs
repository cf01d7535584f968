//! Test support shared by the registry's and the sync client's tests: a fresh PostgreSQL
//! database per test on the server the tests use (`YIMA_TEST_PG`, else the local one).
//! When that server is a Citus coordinator (`scripts/citus-cluster run -- cargo test …`),
//! each fresh database is made a Citus database of the same cluster: created on every
//! worker too, with the extension, and the workers added to it.

/// A fresh PostgreSQL database for one test, dropped at the end (also when the test fails).
pub struct PgDb {
    /// URL of the fresh database.
    pub url: String,
    admin_url: String,
    name: String,
    /// On a Citus cluster, the admin URLs of its workers, where the database also is.
    workers: Vec<String>,
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

/// The advisory lock, on the coordinator's admin database, that tests setting up a Citus
/// database take in turn.
const CITUS_SETUP_LOCK: i64 = 0x5949_4d41_4349_5431; // "YIMACIT1"

/// `url` with its host and port replaced.
fn with_host(url: &str, host: &str, port: i32) -> String {
    let start = url
        .find("://")
        .map(|i| i + 3)
        .expect("YIMA_TEST_PG must be a postgres:// URL");
    let end = url[start..]
        .find(['/', '?'])
        .map_or(url.len(), |i| start + i);
    let user = url[start..end]
        .rfind('@')
        .map_or(String::new(), |i| url[start..start + i + 1].to_string());
    format!("{}{user}{host}:{port}{}", &url[..start], &url[end..])
}

/// The nodes of the Citus cluster the admin database belongs to (coordinator first, then
/// the workers, as host and port), or none when it is not a Citus database.
async fn citus_nodes(client: &tokio_postgres::Client) -> Vec<(String, i32)> {
    let citus: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')",
            &[],
        )
        .await
        .expect("look for Citus")
        .get(0);
    if !citus {
        return Vec::new();
    }
    client
        .query(
            "SELECT nodename, nodeport FROM pg_dist_node WHERE noderole = 'primary' ORDER BY groupid",
            &[],
        )
        .await
        .expect("read the Citus nodes")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
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
        PgDb::create_on(&pg_admin_url()).await
    }

    /// Creates a fresh database on the server of `admin_url` (a database there to connect
    /// to while creating and dropping it).
    pub async fn create_on(admin_url: &str) -> PgDb {
        let admin_url = admin_url.to_string();
        let client = admin_client(&admin_url).await;
        let name = format!("yima_test_{:016x}", rand::random::<u64>());
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        let url = with_database(&admin_url, &name);
        let nodes = citus_nodes(&client).await;
        let mut db = PgDb {
            url,
            admin_url: admin_url.clone(),
            name: name.clone(),
            workers: Vec::new(),
        };
        if let Some(((coordinator, port), workers)) = nodes.split_first() {
            // One test at a time: adding a node updates shared catalogs (roles) on the
            // workers, which concurrent additions would update at once.
            client
                .execute("SELECT pg_advisory_lock($1)", &[&CITUS_SETUP_LOCK])
                .await
                .expect("wait for other tests' Citus setup");
            // Dropped with the database if anything below fails.
            db.workers = workers
                .iter()
                .map(|(h, p)| with_host(&admin_url, h, *p))
                .collect();
            for worker in &db.workers {
                admin_client(worker)
                    .await
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database on a worker");
                admin_client(&with_database(worker, &name))
                    .await
                    .batch_execute("CREATE EXTENSION citus")
                    .await
                    .expect("create Citus on a worker");
            }
            let fresh = admin_client(&db.url).await;
            fresh
                .batch_execute("CREATE EXTENSION citus")
                .await
                .expect("create Citus");
            fresh
                .execute(
                    "SELECT citus_set_coordinator_host($1, $2)",
                    &[coordinator, port],
                )
                .await
                .expect("set the coordinator");
            for (host, port) in workers {
                fresh
                    .execute("SELECT citus_add_node($1, $2)", &[host, port])
                    .await
                    .expect("add a worker");
            }
            client
                .execute("SELECT pg_advisory_unlock($1)", &[&CITUS_SETUP_LOCK])
                .await
                .expect("let other tests set up Citus");
        }
        db
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let workers = self.workers.clone();
        // Drop may run inside the test's runtime, which cannot be blocked on: use a thread
        // with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                for url in std::iter::once(&admin_url).chain(&workers) {
                    let client = admin_client(url).await;
                    // FORCE (PostgreSQL 13+) ends the pools' connections still open. A
                    // session can still be starting (a Citus node reconnecting after a
                    // worker was lost): end what is there and try again, for a few seconds.
                    let mut tries = 0;
                    loop {
                        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let Err(e) = client.batch_execute(&drop).await else {
                            break;
                        };
                        tries += 1;
                        if tries == 40 {
                            return Err(e);
                        }
                        let _ = client
                            .execute(
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                                 WHERE datname = $1 AND pid <> pg_backend_pid()",
                                &[&name],
                            )
                            .await;
                        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                    }
                }
                Ok::<_, tokio_postgres::Error>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) && !std::thread::panicking() {
            panic!("could not drop test database {}: {dropped:?}", self.name);
        }
    }
}

//! A worker of the cluster killed (as a crash would) in the middle of a device's push
//! through the registry, then started again: pushes fail while it is gone and the device
//! retries; every event the registry acknowledged is stored, each once.

use crate::cluster::{free_addr, Cluster, Serve};
use crate::common::PgDb;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use yima_core::{Role, Timestamp};
use yima_device::{Device, InitRequest, NewContainer, SystemClock};
use yima_protocol::{NewEnrolmentCode, NewOrg};

use yima_registry::{issue_enrolment_code, PostgresStore, RegistryStore};
use yima_sync::{Registry, SyncOptions};

const EVENTS: u64 = 600;

fn labelled(c: NewContainer) -> NewContainer {
    NewContainer {
        main_components: "矿物油".into(),
        contact: "王磊".into(),
        phone: "0591-87654321".into(),
        ..c
    }
}

#[test]
fn a_worker_lost_mid_push_loses_and_doubles_nothing_acknowledged() {
    let Some(cluster) = Cluster::start("a Citus worker lost mid-push") else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(PgDb::create_on(&cluster.url));
    let producer = crate::common::credit("91350100M000100Y4");
    let (store, code) = rt.block_on(async {
        let store = PostgresStore::connect(&db.url).await.expect("connect");
        let now = Timestamp::from_datetime(chrono::Utc::now());
        store
            .add_org(
                NewOrg {
                    credit_code: producer.clone(),
                    name: "福州示例化工有限公司".into(),
                    roles: vec![Role::Producer],
                    jurisdiction: None,
                },
                now,
            )
            .await
            .expect("add org");
        let code = issue_enrolment_code(
            &store,
            NewEnrolmentCode {
                org: producer.clone(),
                role: Role::Producer,
                admin: false,
            },
            now,
        )
        .await
        .expect("enrolment code");
        (store, code.code)
    });
    let addr = free_addr();
    let serve = Serve::start(&db.url, addr);

    let dir = tempfile::tempdir().unwrap();
    let req = InitRequest::new(Role::Producer, "福州示例化工有限公司", producer.as_str());
    let mut dev = Device::init(dir.path(), &req, SystemClock).unwrap();
    let client = Registry::new(
        &format!("http://{addr}"),
        SyncOptions {
            batch: 25,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(1000),
            max_attempts: 400,
            ..SyncOptions::default()
        },
    )
    .unwrap();
    rt.block_on(client.enrol(&mut dev, &code)).unwrap();
    // The device's block holds 500 sequences per waste code and day: two codes.
    for (waste, form) in [("900-041-49", "solid"), ("900-249-08", "liquid")] {
        let reqs: Vec<NewContainer> = (0..EVENTS / 2)
            .map(|_| labelled(NewContainer::new(waste, "5", "kg", form)))
            .collect();
        dev.register_all(&reqs).unwrap();
    }

    let done = AtomicU64::new(0);
    let lost = AtomicU64::new(0);
    let report = rt.block_on(async {
        let mut progress = |p: yima_sync::Progress| {
            done.store(p.done, Ordering::SeqCst);
        };
        let sync = client.sync(&mut dev, &mut progress);
        let crash = async {
            while done.load(Ordering::SeqCst) < EVENTS / 4 {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            tokio::task::block_in_place(|| cluster.kill("worker2"));
            lost.store(done.load(Ordering::SeqCst), Ordering::SeqCst);
            // Gone indeed: what reads every shard fails.
            assert!(store.event_count().await.is_err(), "worker2 still answers");
            tokio::time::sleep(Duration::from_millis(1500)).await;
            tokio::task::block_in_place(|| cluster.restart("worker2"));
        };
        let (report, ()) = tokio::join!(sync, crash);
        report
    });
    let report = report.expect("the device's sync completes once the worker is back");
    assert!(
        lost.load(Ordering::SeqCst) < EVENTS,
        "the worker was lost mid-push"
    );
    assert_eq!(report.accepted, EVENTS, "{report:?}");
    assert_eq!(report.refused, 0);
    assert_eq!(dev.outbox_counts().unwrap().pending, 0);
    drop(serve);
    // A transaction prepared on the lost worker and acknowledged is finished there by the
    // coordinator's recovery (every 2 s in the test cluster) soon after the worker is back:
    // wait for it, never past it.
    let stored = |limit: Duration| -> u64 {
        let start = Instant::now();
        loop {
            let n = rt.block_on(store.event_count()).expect("count");
            assert!(n <= EVENTS, "an event stored twice: {n}");
            if n == EVENTS || start.elapsed() >= limit {
                return n;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let mut n = stored(Duration::from_secs(60));
    if n < EVENTS {
        // Seen once in CI (14 of 600 still missing after 60 s): say so, and run the recovery
        // an operator would. Events the lost worker never prepared cannot come back this way:
        // the count below still fails.
        let recovered = rt.block_on(recover_prepared(&db.url));
        println!(
            "worker_lost: {n} of {EVENTS} events after 60 s; recover_prepared_transactions() \
             finished {recovered} prepared transactions"
        );
        n = stored(Duration::from_secs(30));
    }
    assert_eq!(n, EVENTS, "acknowledged events missing");
    let feed = rt.block_on(store.feed(producer, 0, 10_000)).expect("feed");
    assert_eq!(
        feed.entries.len() as u64,
        EVENTS,
        "each event once in the feed"
    );
    // The pool's connections live on `rt`: closed before the test database is dropped.
    drop(store);
    drop(rt);
    drop(db);
}

/// Runs the coordinator's recovery of prepared transactions now: how many it finished. First
/// prints what each worker still holds prepared and what the coordinator still counts as a
/// distributed transaction in progress (for the next time it is seen; errors only printed).
async fn recover_prepared(url: &str) -> i32 {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect to the coordinator");
    tokio::spawn(conn);
    for sql in [
        "SELECT string_agg(nodeport || ': ' || result, ', ')::text FROM \
         run_command_on_workers('SELECT count(*) FROM pg_prepared_xacts')",
        "SELECT count(*)::text FROM pg_dist_transaction",
        "SELECT count(*)::text FROM get_all_active_transactions() WHERE transaction_number > 0",
    ] {
        match client.query_one(sql, &[]).await {
            Ok(row) => println!("worker_lost: {sql}: {:?}", row.get::<_, Option<String>>(0)),
            Err(e) => println!("worker_lost: {sql}: {e}"),
        }
    }
    client
        .query_one("SELECT recover_prepared_transactions()", &[])
        .await
        .expect("recover_prepared_transactions")
        .get(0)
}

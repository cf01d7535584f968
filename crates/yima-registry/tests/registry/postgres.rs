//! What only a shared database has to get right: registries migrating at the same moment,
//! two registries (or two pushes) deciding the same container, a key enrolled twice at once,
//! and a feed read while others write.

use crate::calls::{ENROL_T, NOW};
use crate::common::*;
use crate::race::Race;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use yima_core::{EventId, SignedEvent};
use yima_protocol::{NewEnrolmentCode, PushOutcome};
use yima_registry::{code_hash, issue_enrolment_code, ErrorKind, PostgresStore, RegistryStore};

async fn client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    client
}

/// Two registries on one fresh database, with the race's organisations and devices.
async fn registries(db: &PgDb, race: &Race) -> (Arc<PostgresStore>, Arc<PostgresStore>) {
    let one = PostgresStore::connect(&db.url).await.expect("connect");
    let two = PostgresStore::connect(&db.url).await.expect("connect");
    for org in race.orgs.all() {
        one.add_org(org.new_org(), ENROL_T).await.expect("add org");
    }
    for m in [&race.p, &race.c] {
        let code = issue_enrolment_code(
            &one,
            NewEnrolmentCode {
                org: m.org.clone(),
                role: m.role,
                admin: false,
            },
            ENROL_T,
        )
        .await
        .expect("issue");
        two.redeem_enrolment(code_hash(&code.code), m.public(), ENROL_T)
            .await
            .expect("redeem");
    }
    (Arc::new(one), Arc::new(two))
}

async fn ingest(
    store: &Arc<PostgresStore>,
    events: Vec<SignedEvent>,
    by: &Member,
) -> Vec<PushOutcome> {
    let results = store
        .ingest(events, by.public(), false.into(), NOW)
        .await
        .expect("ingest");
    results.iter().map(|r| r.outcome).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registries_starting_together_migrate_once() {
    let db = PgDb::create().await;
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(async move { PostgresStore::connect(&url).await.map(|_| ()) })
        })
        .collect();
    for s in starts {
        s.await.expect("task").expect("every registry starts");
    }
    let c = client(&db.url).await;
    let n: i64 = c
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .await
        .expect("count")
        .get(0);
    // Each migration (0001 to 0012) once.
    assert_eq!(n, 12);
    let cursors: i64 = c
        .query_one("SELECT count(*) FROM feed_cursors", &[])
        .await
        .expect("feed cursors")
        .get(0);
    assert_eq!(cursors, 0);

    // A migration changed after it was applied is refused, not applied again.
    c.execute(
        "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1",
        &[],
    )
    .await
    .expect("edit");
    let e = PostgresStore::connect(&db.url)
        .await
        .err()
        .expect("refused");
    assert_eq!(e.kind, ErrorKind::Storage);
    assert!(e.message.contains("0001_registry.sql differs"), "{e}");
}

/// A database made by versions 1 and 2 keeps its feed through migration 0003: each row
/// then names its event by seq, keeps its own seq, and stays unique per organisation.
#[tokio::test]
async fn migration_0003_keeps_the_feed() {
    const V1: &str = include_str!("../../../../migrations/registry/postgres/0001_registry.sql");
    const V2: &str =
        include_str!("../../../../migrations/registry/postgres/0002_push_throughput.sql");
    let db = PgDb::create().await;
    let c = client(&db.url).await;
    c.batch_execute(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)",
    )
    .await
    .expect("bookkeeping");
    for (version, name, sql) in [
        (1i64, "0001_registry.sql", V1),
        (2, "0002_push_throughput.sql", V2),
    ] {
        c.batch_execute(sql).await.expect(name);
        c.execute(
            "INSERT INTO schema_migrations VALUES ($1, $2, $3)",
            &[&version, &name, &yima_registry::checksum(sql)],
        )
        .await
        .expect("record");
    }
    c.batch_execute(
        "INSERT INTO events (seq, id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by)
             VALUES (4, 'e1', '{}', '[]', 'generated', 0, 'k', 'o', 0, 'k');
         INSERT INTO feed (seq, org, event_id) VALUES (7, 'o', 'e1');
         UPDATE feed_head SET last_seq = 7;",
    )
    .await
    .expect("version 2 rows");
    drop(PostgresStore::connect(&db.url).await.expect("migrate"));
    let seq: i64 = c
        .query_one(
            "SELECT seq FROM feed WHERE org = 'o' AND event_seq = 4",
            &[],
        )
        .await
        .expect("feed row")
        .get(0);
    assert_eq!(seq, 7);
    // Migration 0010 names the event by its home too ('' for this one, which links none).
    assert!(c
        .execute(
            "INSERT INTO feed (seq, org, event_seq, event_container) VALUES (8, 'o', 4, '')",
            &[]
        )
        .await
        .is_err());
}

#[tokio::test]
async fn stored_events_cannot_be_changed() {
    let race = Race::new(1, 0);
    let db = PgDb::create().await;
    let (one, _) = registries(&db, &race).await;
    assert_eq!(
        ingest(&one, race.prefix.clone(), &race.p).await,
        [PushOutcome::Accepted; 3]
    );
    let c = client(&db.url).await;
    for sql in [
        "UPDATE events SET body = 'x'",
        "DELETE FROM events",
        "DELETE FROM event_links",
        "UPDATE event_links SET prev = NULL",
    ] {
        let e = c.execute(sql, &[]).await.expect_err(sql);
        let message = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_default();
        assert!(message.contains("is append-only"), "{sql}: {e:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_registries_deciding_one_container_keep_one_chain() {
    const N: usize = 12;
    let race = Race::new(N, 24);
    let db = PgDb::create().await;
    let (one, two) = registries(&db, &race).await;
    let prefix = ingest(&one, race.prefix.clone(), &race.p).await;
    assert!(
        prefix.iter().all(|o| *o == PushOutcome::Accepted),
        "{prefix:?}"
    );

    // Each container: two different pickups, at the same moment, through two registries.
    let mut tasks = Vec::new();
    for (x, y) in race.rivals() {
        let (one, two, c, p) = (one.clone(), two.clone(), race.c.clone(), race.p.clone());
        tasks.push(tokio::spawn(
            async move { ingest(&one, vec![x], &c).await[0] },
        ));
        tasks.push(tokio::spawn(
            async move { ingest(&two, vec![y], &p).await[0] },
        ));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.expect("task"));
    }
    for (i, pair) in outcomes.chunks(2).enumerate() {
        let mut pair = pair.to_vec();
        pair.sort_by_key(|o| *o as u8);
        assert_eq!(
            pair,
            [PushOutcome::Accepted, PushOutcome::Fork],
            "container {i}: one accepted, the other a fork"
        );
    }
    for (x, _) in &race.rivals() {
        let code = x.body.links[0].container.clone();
        let h = one.container_history(code).await.expect("history");
        assert_eq!(h.len(), 5, "generated, weighed, dispatched, two pickups");
        assert_eq!(h.iter().filter(|e| e.fork_of.is_some()).count(), 1);
        assert_eq!(
            h[4].fork_of,
            Some(h[3].event.id),
            "the later one is the fork"
        );
    }

    // The same events through both registries at once: each stored once.
    let fresh = race.fresh.clone();
    let (a, b) = tokio::join!(
        {
            let (one, p, fresh) = (one.clone(), race.p.clone(), fresh.clone());
            tokio::spawn(async move { ingest(&one, fresh, &p).await })
        },
        {
            let (two, p, fresh) = (two.clone(), race.p.clone(), fresh.clone());
            tokio::spawn(async move { ingest(&two, fresh, &p).await })
        }
    );
    let (a, b) = (a.expect("task"), b.expect("task"));
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        let mut pair = [*x, *y];
        pair.sort_by_key(|o| *o as u8);
        assert_eq!(
            pair,
            [PushOutcome::Accepted, PushOutcome::Duplicate],
            "event {i}"
        );
    }
    let expected = (race.prefix.len() + 2 * N + race.fresh.len()) as u64;
    assert_eq!(one.event_count().await.expect("count"), expected);
    let feed = one
        .feed(race.orgs.producer.code(), 0, 2000)
        .await
        .expect("feed");
    assert_eq!(
        feed.entries.len() as u64,
        expected,
        "each event once in the producer's feed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_enrolled_twice_at_once_is_enrolled_once() {
    let race = Race::new(0, 0);
    let db = PgDb::create().await;
    let (one, two) = registries(&db, &race).await;
    let key = yima_core::DeviceKey::from_secret(&[42; 32]).public();
    let mut codes = Vec::new();
    for _ in 0..2 {
        let req = NewEnrolmentCode {
            org: race.orgs.carrier.code(),
            role: yima_core::Role::Carrier,
            admin: false,
        };
        codes.push(
            issue_enrolment_code(one.as_ref(), req, ENROL_T)
                .await
                .expect("issue")
                .code,
        );
    }
    // One code redeemed twice at once, and one key with two codes at once.
    let same = [codes[0].clone(), codes[0].clone()];
    let other = yima_core::DeviceKey::from_secret(&[43; 32]).public();
    let (a, b) = tokio::join!(
        one.redeem_enrolment(code_hash(&same[0]), other, ENROL_T),
        two.redeem_enrolment(
            code_hash(&same[1]),
            yima_core::DeviceKey::from_secret(&[44; 32]).public(),
            ENROL_T
        )
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    assert_eq!(
        [a, b].into_iter().find_map(Result::err).map(|e| e.kind),
        Some(ErrorKind::Conflict)
    );
    let code = issue_enrolment_code(
        one.as_ref(),
        NewEnrolmentCode {
            org: race.orgs.carrier.code(),
            role: yima_core::Role::Carrier,
            admin: false,
        },
        ENROL_T,
    )
    .await
    .expect("issue");
    let (a, b) = tokio::join!(
        one.redeem_enrolment(code_hash(&codes[1]), key, ENROL_T),
        two.redeem_enrolment(code_hash(&code.code), key, ENROL_T)
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    assert_eq!(
        [a, b].into_iter().find_map(Result::err).map(|e| e.kind),
        Some(ErrorKind::Conflict)
    );
}

/// A race of `fresh` new containers on a fresh database with two registries: the race, the
/// database (dropped last), the registries, and the ids of the race's events.
async fn writing_race(
    fresh: usize,
) -> (
    Race,
    PgDb,
    Arc<PostgresStore>,
    Arc<PostgresStore>,
    HashSet<EventId>,
) {
    let race = Race::new(0, fresh);
    let db = PgDb::create().await;
    let (one, two) = registries(&db, &race).await;
    let all = race.fresh.iter().map(|e| e.id).collect();
    (race, db, one, two, all)
}

/// One task per `each` of the race's fresh events, pushing them one by one through the two
/// registries in turn; each push must be accepted.
fn spawn_writers(
    race: &Race,
    one: &Arc<PostgresStore>,
    two: &Arc<PostgresStore>,
    each: usize,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut writers = Vec::new();
    for (i, chunk) in race.fresh.chunks(each).enumerate() {
        let store = if i % 2 == 0 { one.clone() } else { two.clone() };
        let (chunk, p) = (chunk.to_vec(), race.p.clone());
        writers.push(tokio::spawn(async move {
            for e in chunk {
                assert_eq!(ingest(&store, vec![e], &p).await, [PushOutcome::Accepted]);
            }
        }));
    }
    writers
}

/// Pushes commit in any order; a reader following the producer's feed by its cursor while
/// they do must still see every event, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_read_while_registries_write_misses_nothing() {
    const WRITERS: usize = 6;
    const EACH: usize = 10;
    let (race, _db, one, two, all) = writing_race(WRITERS * EACH).await;

    let writers = spawn_writers(&race, &one, &two, EACH);
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (one, org, done) = (one.clone(), race.orgs.producer.code(), done.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let (mut after, mut seen) = (0, Vec::new());
            loop {
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "the reader is stuck at {} events",
                    seen.len()
                );
                // Read after the writers are done: an empty page then means the reader has
                // caught up with everything there is.
                let finished = done.load(Ordering::SeqCst);
                let page = one.feed(org.clone(), after, 4).await.expect("feed");
                seen.extend(page.entries.iter().map(|e| (e.seq, e.event.id)));
                after = page.next;
                if page.entries.is_empty() {
                    if finished {
                        return seen;
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
        })
    };
    for w in writers {
        w.await.expect("writer");
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.await.expect("reader");
    assert!(
        seen.windows(2).all(|w| w[0].0 < w[1].0),
        "cursor moves forward"
    );
    let ids: HashSet<EventId> = seen.iter().map(|e| e.1).collect();
    assert_eq!(ids.len(), seen.len(), "no event twice");
    assert_eq!(ids, all, "no event skipped");
}

/// PostgreSQL cannot store a NUL character in text: that is the caller's bad request, not a
/// storage failure. Quotes and SQL are just text.
#[tokio::test]
async fn text_postgres_cannot_store_is_a_bad_request() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    let mut org = Orgs::new().producer.new_org();
    org.name = "示例\0化工".into();
    let e = store
        .add_org(org.clone(), ENROL_T)
        .await
        .expect_err("NUL refused");
    assert_eq!(e.kind, ErrorKind::BadRequest, "{e}");
    org.name = "Robert'); DROP TABLE orgs;--".into();
    org.jurisdiction = Some("35' OR '1'='1".into());
    store
        .add_org(org.clone(), ENROL_T)
        .await
        .expect("stored as it is");
    let stored = store
        .org(org.credit_code.clone())
        .await
        .expect("org")
        .expect("registered");
    assert_eq!(
        (stored.name, stored.jurisdiction),
        (org.name, org.jurisdiction)
    );
}

/// A regulator registered while pushes begin containers in its jurisdiction ends up with
/// every one of them in its feed: either the push sees the new regulator, or the
/// regulator's backfill sees the push's events (they exclude each other, not the pushes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_regulator_registered_during_pushes_misses_no_container() {
    const WRITERS: usize = 4;
    const EACH: usize = 10;
    let (race, _db, one, two, all) = writing_race(WRITERS * EACH).await;
    let producer = race.orgs.producer.code();
    let jurisdiction = producer.as_str()[2..6].to_string();
    let late = credit("11350000MB0000009");

    let writers = spawn_writers(&race, &one, &two, EACH);
    // Midway through the pushes, from the other registry.
    tokio::time::sleep(Duration::from_millis(30)).await;
    two.add_org(
        yima_protocol::NewOrg {
            credit_code: late.clone(),
            name: "省生态环境厅（后登记）".into(),
            roles: vec![yima_core::Role::Regulator],
            jurisdiction: Some(jurisdiction),
        },
        NOW,
    )
    .await
    .expect("add the regulator");
    for w in writers {
        w.await.expect("writer");
    }
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = one.feed(late.clone(), after, 100).await.expect("feed");
        if page.entries.is_empty() {
            break;
        }
        seen.extend(page.entries.iter().map(|e| e.event.id));
        after = page.next;
    }
    let ids: HashSet<EventId> = seen.iter().copied().collect();
    assert_eq!(ids.len(), seen.len(), "no event twice");
    assert_eq!(ids, all, "no container missed");
}

/// A database made by versions 1 to 9 keeps its events, links and feeds through migration
/// 0010: each event gets its home (its first container), each link its event's home and
/// seq, each feed row its event's home, each organisation a cursor at its last seq; the
/// feed's single head and the events' sequence are gone, and the tables stay append-only.
#[tokio::test]
async fn migration_0010_keeps_events_links_and_feeds() {
    const BEFORE: [(i64, &str, &str); 9] = [
        (
            1,
            "0001_registry.sql",
            include_str!("../../../../migrations/registry/postgres/0001_registry.sql"),
        ),
        (
            2,
            "0002_push_throughput.sql",
            include_str!("../../../../migrations/registry/postgres/0002_push_throughput.sql"),
        ),
        (
            3,
            "0003_feed_by_seq.sql",
            include_str!("../../../../migrations/registry/postgres/0003_feed_by_seq.sql"),
        ),
        (
            4,
            "0004_parties_by_org.sql",
            include_str!("../../../../migrations/registry/postgres/0004_parties_by_org.sql"),
        ),
        (
            5,
            "0005_refused_quota.sql",
            include_str!("../../../../migrations/registry/postgres/0005_refused_quota.sql"),
        ),
        (
            6,
            "0006_sequence_blocks.sql",
            include_str!("../../../../migrations/registry/postgres/0006_sequence_blocks.sql"),
        ),
        (
            7,
            "0007_handover_offers.sql",
            include_str!("../../../../migrations/registry/postgres/0007_handover_offers.sql"),
        ),
        (
            8,
            "0008_track_fixes.sql",
            include_str!("../../../../migrations/registry/postgres/0008_track_fixes.sql"),
        ),
        (
            9,
            "0009_audit_index.sql",
            include_str!("../../../../migrations/registry/postgres/0009_audit_index.sql"),
        ),
    ];
    let db = PgDb::create().await;
    let c = client(&db.url).await;
    c.batch_execute(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)",
    )
    .await
    .expect("bookkeeping");
    for (version, name, sql) in BEFORE {
        c.batch_execute(sql).await.expect(name);
        c.execute(
            "INSERT INTO schema_migrations VALUES ($1, $2, $3)",
            &[&version, &name, &yima_registry::checksum(sql)],
        )
        .await
        .expect("record");
    }
    // e1 begins C1 and C2 (a split's outputs, say), e2 follows it in C1.
    c.batch_execute(
        "INSERT INTO events (seq, id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by)
             VALUES (4, 'e1', '{}', '[]', 'split', 0, 'k', 'o', 0, 'k'),
                    (5, 'e2', '{}', '[]', 'weighed', 0, 'k', 'o', 0, 'k');
         INSERT INTO event_links (event_id, container, prev) VALUES ('e1', 'C2', NULL), ('e1', 'C1', NULL), ('e2', 'C1', 'e1');
         INSERT INTO feed (seq, org, event_seq) VALUES (7, 'o', 4), (8, 'o', 5), (9, 'p', 5);
         UPDATE feed_head SET last_seq = 9;",
    )
    .await
    .expect("version 9 rows");
    drop(PostgresStore::connect(&db.url).await.expect("migrate"));

    let rows = |sql: &'static str| {
        let c = &c;
        async move {
            c.query(sql, &[])
                .await
                .expect(sql)
                .iter()
                .map(|r| format!("{}:{}", r.get::<_, String>(0), r.get::<_, i64>(1)))
                .collect::<Vec<String>>()
        }
    };
    assert_eq!(
        rows("SELECT id || '@' || container, seq FROM events ORDER BY seq").await,
        ["e1@C1:4", "e2@C1:5"]
    );
    assert_eq!(
        rows("SELECT container || '/' || event_id || '@' || home, seq FROM event_links ORDER BY container, event_id").await,
        ["C1/e1@C1:4", "C1/e2@C1:5", "C2/e1@C1:4"]
    );
    assert_eq!(
        rows("SELECT org || '@' || event_container || '#' || event_seq, seq FROM feed ORDER BY org, seq").await,
        ["o@C1#4:7", "o@C1#5:8", "p@C1#5:9"]
    );
    assert_eq!(
        rows("SELECT org, last_seq FROM feed_cursors ORDER BY org").await,
        ["o:8", "p:9"]
    );
    let gone: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relname IN ('feed_head', 'events_seq_seq')",
            &[],
        )
        .await
        .expect("catalog")
        .get(0);
    assert_eq!(gone, 0);
    for sql in ["DELETE FROM events", "UPDATE event_links SET home = 'C2'"] {
        let e = c.execute(sql, &[]).await.expect_err(sql);
        let message = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_default();
        assert!(message.contains("is append-only"), "{sql}: {e:?}");
    }
}

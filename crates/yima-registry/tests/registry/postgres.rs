//! What only a shared database has to get right: two registries (or two pushes) deciding
//! the same container, a key enrolled twice at once, a feed read while others write, and a
//! regulator registered during pushes. (Its schema's guarantees: `pg_schema.rs`.)

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

/// Two registries on one fresh database, with the race's organisations and devices.
pub async fn registries(db: &PgDb, race: &Race) -> (Arc<PostgresStore>, Arc<PostgresStore>) {
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

pub async fn ingest(
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

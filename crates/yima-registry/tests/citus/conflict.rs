//! Three registries on one Citus cluster, each handed one of three rival pickups of the same
//! container at the same moment, for many containers at once: the cluster decides exactly
//! what one registry alone decides (one accepted, the others forks), stores every event
//! once, and gives every feed each of its events once, numbered without a gap.

use crate::cluster::{free_addr, push, Cluster, Serve};
use crate::common::*;
use crate::race::Race;
use std::collections::HashSet;
use std::net::SocketAddr;
use yima_core::{EventId, SignedEvent, Timestamp};
use yima_protocol::{NewEnrolmentCode, PushOutcome};

use yima_registry::{
    code_hash, issue_enrolment_code, Engine, PostgresStore, RegistryStore, SqliteStore,
};

const CONTAINERS: usize = 16;
const PLATES: [&str; 3] = ["闽A·D1234", "闽A·D5678", "闽A·D9012"];

/// The race's organisations and its two devices, registered in `s`.
async fn register<S: RegistryStore>(s: &S, race: &Race) {
    let at = Timestamp(T0.0 - DAY);
    for org in race.orgs.all() {
        s.add_org(org.new_org(), at).await.expect("add org");
    }
    for m in [&race.p, &race.c] {
        let code = issue_enrolment_code(
            s,
            NewEnrolmentCode {
                org: m.org.clone(),
                role: m.role,
                admin: false,
            },
            at,
        )
        .await
        .expect("issue");
        s.redeem_enrolment(code_hash(&code.code), m.public(), at)
            .await
            .expect("redeem");
    }
}

/// A container's history as (event, fork of).
async fn history<S: RegistryStore>(s: &S, e: &SignedEvent) -> Vec<(EventId, Option<EventId>)> {
    let code = e.body.links[0].container.clone();
    s.container_history(code)
        .await
        .expect("history")
        .iter()
        .map(|h| (h.event.id, h.fork_of))
        .collect()
}

/// An organisation's whole feed: its entries' events, each there once; on PostgreSQL (a
/// cursor per organisation) also checked to be numbered 1, 2, 3… without a gap.
async fn feed<S: RegistryStore>(s: &S, org: &Org, numbered: bool) -> HashSet<EventId> {
    let name = &org.party.name;
    let page = s.feed(org.code(), 0, 10_000).await.expect("feed");
    assert!(!page.more);
    if numbered {
        let seqs: Vec<i64> = page.entries.iter().map(|e| e.seq).collect();
        let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
        assert_eq!(seqs, expected, "{name}'s feed numbered without a gap");
    }
    let ids: HashSet<EventId> = page.entries.iter().map(|e| e.event.id).collect();
    assert_eq!(
        ids.len(),
        page.entries.len(),
        "each event once in {name}'s feed"
    );
    ids
}

#[test]
fn three_registries_on_citus_decide_rival_pushes_as_one_registry_would() {
    let Some(cluster) = Cluster::start("three registries deciding rival pushes on Citus") else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(PgDb::create_on(&cluster.url));
    let race = Race::with_plates(CONTAINERS, 24, &PLATES);
    let store = rt.block_on(async {
        let store = PostgresStore::connect(&db.url).await.expect("connect");
        register(&store, &race).await;
        store
    });
    assert_eq!(store.engine(), Engine::Citus { workers: 2 });
    let addrs: Vec<SocketAddr> = (0..3).map(|_| free_addr()).collect();
    let serves: Vec<Serve> = addrs.iter().map(|a| Serve::start(&db.url, *a)).collect();
    let http = reqwest::Client::new();

    let order = rt.block_on(async {
        let prefix = push(&http, addrs[0], &race.p, &race.prefix).await;
        assert!(
            prefix.iter().all(|o| *o == PushOutcome::Accepted),
            "{prefix:?}"
        );
        // Every container's three pickups at once, each through another registry.
        let mut tasks = Vec::new();
        for contenders in &race.contenders {
            for (j, e) in contenders.iter().enumerate() {
                let (http, addr, c, e) = (http.clone(), addrs[j], race.c.clone(), e.clone());
                tasks.push(tokio::spawn(
                    async move { push(&http, addr, &c, &[e]).await[0] },
                ));
            }
        }
        let mut outcomes = Vec::new();
        for t in tasks {
            outcomes.push(t.await.expect("task"));
        }
        for (i, three) in outcomes.chunks(PLATES.len()).enumerate() {
            let mut three = three.to_vec();
            three.sort_by_key(|o| *o as u8);
            assert_eq!(
                three,
                [PushOutcome::Accepted, PushOutcome::Fork, PushOutcome::Fork],
                "container {i}: one accepted, the others forks"
            );
        }
        // The same events through the three registries at once: each stored once.
        let mut tasks = Vec::new();
        for addr in &addrs {
            let (http, addr, p, fresh) = (http.clone(), *addr, race.p.clone(), race.fresh.clone());
            tasks.push(tokio::spawn(
                async move { push(&http, addr, &p, &fresh).await },
            ));
        }
        let mut answers = Vec::new();
        for t in tasks {
            answers.push(t.await.expect("task"));
        }
        for i in 0..race.fresh.len() {
            let mut three: Vec<PushOutcome> = answers.iter().map(|a| a[i]).collect();
            three.sort_by_key(|o| *o as u8);
            assert_eq!(
                three,
                [
                    PushOutcome::Accepted,
                    PushOutcome::Duplicate,
                    PushOutcome::Duplicate
                ],
                "fresh event {i}"
            );
        }
        // Each container's pickups in the order the cluster decided them.
        let mut order = Vec::new();
        for contenders in &race.contenders {
            let h = history(&store, &contenders[0]).await;
            let decided: Vec<SignedEvent> = h[3..]
                .iter()
                .map(|(id, _)| {
                    contenders
                        .iter()
                        .find(|e| e.id == *id)
                        .expect("a pickup pushed")
                        .clone()
                })
                .collect();
            assert_eq!(decided.len(), PLATES.len(), "every pickup stored");
            order.push(decided);
        }
        order
    });
    drop(serves);

    // One registry alone, handed the same pushes one after the other in that order.
    let dir = tempfile::tempdir().unwrap();
    let alone = SqliteStore::open(&dir.path().join("alone.db")).expect("sqlite");
    rt.block_on(async {
        register(&alone, &race).await;
        let now = Timestamp::from_datetime(chrono::Utc::now());
        let by = |m: &Member| m.public();
        alone
            .ingest(race.prefix.clone(), by(&race.p), false.into(), now)
            .await
            .expect("prefix");
        for decided in &order {
            for (k, e) in decided.iter().enumerate() {
                let r = alone
                    .ingest(vec![e.clone()], by(&race.c), false.into(), now)
                    .await
                    .expect("pickup");
                let expected = if k == 0 {
                    PushOutcome::Accepted
                } else {
                    PushOutcome::Fork
                };
                assert_eq!(r[0].outcome, expected, "as the cluster decided");
            }
        }
        alone
            .ingest(race.fresh.clone(), by(&race.p), false.into(), now)
            .await
            .expect("fresh");

        for contenders in &race.contenders {
            assert_eq!(
                history(&store, &contenders[0]).await,
                history(&alone, &contenders[0]).await,
                "a container's history, forks and what they fork, as one registry has it"
            );
        }
        let expected = (race.prefix.len() + PLATES.len() * CONTAINERS + race.fresh.len()) as u64;
        assert_eq!(
            store.event_count().await.unwrap(),
            expected,
            "each event once"
        );
        assert_eq!(alone.event_count().await.unwrap(), expected);
        for org in [&race.orgs.producer, &race.orgs.carrier] {
            assert_eq!(
                feed(&store, org, true).await,
                feed(&alone, org, false).await,
                "{}",
                org.party.name
            );
        }
    });
}

//! Every rule finds exactly the anomalies injected in a generated city — on SQLite and on
//! PostgreSQL — through the registry's ingest, the scans of labels kept as the sightings
//! route keeps them, its evaluator past every deadline, and the audit API's list. Every
//! dispatched container's label is scanned on its way: the sighting rules stay quiet on
//! those scans.

mod common;

use common::*;
use std::collections::BTreeSet;
use yima_citygen::{generate, City, CityParams, Reporter, INJECTORS, NOT_AT_REGISTRY};
use yima_core::AnomalyRule;
use yima_registry::{PostgresStore, RegistryStore, SqliteStore};

/// A small city: every injector twice, in a few seconds of a debug build.
fn small() -> City {
    let params = CityParams {
        seed: 7,
        orgs: 30,
        containers: 120,
        days: 31,
        per_rule: 2,
        ..CityParams::default()
    };
    generate(&params, false).expect("a city")
}

#[test]
fn every_rule_has_an_injector_or_a_reason() {
    for rule in AnomalyRule::ALL {
        let injected = INJECTORS.iter().filter(|(r, _)| *r == rule).count();
        let excused = NOT_AT_REGISTRY.iter().filter(|(r, _)| *r == rule).count();
        assert_eq!(
            injected + excused,
            1,
            "rule {} needs exactly one injector (or one reason in NOT_AT_REGISTRY)",
            rule.as_str()
        );
    }
}

#[test]
fn the_same_seed_makes_the_same_city() {
    let (a, b) = (small(), small());
    assert_eq!(a.injected, b.injected);
    assert_eq!(a.sightings, b.sightings);
    let ids = |c: &City| -> Vec<_> {
        c.pushes
            .iter()
            .flat_map(|p| p.events.iter().map(|e| e.id))
            .collect()
    };
    assert_eq!(ids(&a), ids(&b));
}

async fn exact<S: RegistryStore>(s: &S, batch: usize) {
    let city = small();
    let want: BTreeSet<(String, String)> = city
        .injected
        .iter()
        .map(|(r, c)| (r.as_str().to_string(), c.to_string()))
        .collect();
    assert_eq!(want.len(), INJECTORS.len() * city.params.per_rule);
    enrol(s, &city).await;
    let mut tally = Tally::default();
    for p in city.batched(batch) {
        push(s, &p, &mut tally).await;
    }
    let per_rule = city.params.per_rule;
    assert_eq!(tally.deferred, 0, "{tally:?}");
    assert_eq!(tally.forks, per_rule, "{tally:?}");
    // Bad signature, wrong key, revoked key, off the manifest.
    assert_eq!(tally.refused, 4 * per_rule, "{tally:?}");
    // Scans of ordinary containers (two or three each when dispatched), besides the
    // injected ones: all kept.
    let honest = city
        .sightings
        .iter()
        .flat_map(|r| r.sightings.iter())
        .filter(|s| !city.injected.iter().any(|(_, c)| *c == s.code))
        .count();
    assert!(honest > city.params.containers, "{honest} ordinary scans");
    // Labels never registered: scanned by a device, and opened on the public page.
    let unseen: BTreeSet<_> = city
        .sightings
        .iter()
        .filter(|r| {
            r.sightings.iter().any(|s| {
                city.injected
                    .contains(&(AnomalyRule::UnseenLabel, s.code.clone()))
            })
        })
        .map(|r| matches!(r.reporter, Reporter::PublicPage))
        .collect();
    assert_eq!(unseen, BTreeSet::from([false, true]), "both paths");
    let views = city
        .sightings
        .iter()
        .filter(|r| r.reporter == Reporter::PublicPage)
        .count();
    assert!(
        views > per_rule,
        "ordinary labels opened on the public page too"
    );
    assert_eq!(report_all(s, &city).await, city.sighting_count());
    assert!(judge(s, city.judge_at).await > 0);
    let found = listed(s).await;
    let missed: Vec<_> = want.difference(&found).collect();
    let extra: Vec<_> = found.difference(&want).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "injected but not found: {missed:?}\nfound but not injected: {extra:?}"
    );
}

#[tokio::test]
async fn sqlite_finds_exactly_the_injected_anomalies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    exact(&store, 1).await;
}

#[tokio::test]
async fn postgres_finds_exactly_the_injected_anomalies() {
    let db = yima_registry::testing::PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    // Devices that were offline a while: many containers a push.
    exact(&store, 200).await;
}

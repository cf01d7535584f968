//! Sightings over HTTP on a free loopback port, on each backend: a label the registry never
//! saw, opened on its public page, is listed as `unseen_label` once its grace has passed —
//! to the regulator of its producer's province, not to another's (a label of the code that
//! no device of its producer signed is listed as a bad signature instead); two enrolled devices
//! scanning one label far apart within minutes is `two_places`; a device reporting a scan
//! as another device or organisation is refused with nothing kept.

use crate::calls::ENROL_T;
use crate::common::*;
use chrono::NaiveDate;
use yima_codes::LabelCode;
use yima_core::{AnomalyConfig, DeviceKey, LabelPayload, Quantity, Role, Timestamp, Unit};
use yima_device::{Clock, SystemClock};
use yima_protocol::{
    sign_request, DeviceInfo, NewEnrolmentCode, ReportedSighting, SightingsReport, SightingsStored,
};
use yima_registry::anomalies::evaluate_due;
use yima_registry::testing::PgDb;
use yima_registry::{
    code_hash, issue_enrolment_code, scope_of, AppState, AuditScope, Criteria, PostgresStore,
    RegistryStore, SqliteStore,
};

// Fuzhou and Xiamen, about 210 km apart.
const FUZHOU: (i32, i32) = (260_740_000, 1_192_960_000);
const XIAMEN: (i32, i32) = (244_800_000, 1_180_890_000);

async fn enrol_key<S: RegistryStore>(
    s: &S,
    org: &Org,
    role: Role,
    secret: u8,
) -> (DeviceKey, DeviceInfo) {
    let key = DeviceKey::from_secret(&[secret; 32]);
    let code = issue_enrolment_code(
        s,
        NewEnrolmentCode {
            org: org.code(),
            role,
            admin: false,
        },
        ENROL_T,
    )
    .await
    .expect("an enrolment code");
    let info = s
        .redeem_enrolment(code_hash(&code.code), key.public(), ENROL_T)
        .await
        .expect("enrol");
    (key, info)
}

fn code(org: &Org, seq: u16) -> LabelCode {
    LabelCode::new(
        org.code(),
        "900-041-49".parse().unwrap(),
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        seq,
    )
    .unwrap()
}

fn sighting(
    code: &LabelCode,
    at: Timestamp,
    place: (i32, i32),
    org: &Org,
    key: &DeviceKey,
) -> ReportedSighting {
    ReportedSighting {
        code: code.to_string(),
        at,
        lat_e7: Some(place.0),
        lon_e7: Some(place.1),
        accuracy_m: Some(30),
        org: org.code().to_string(),
        device: key.public(),
        seal: "genuine".into(),
    }
}

/// Posts a report signed by `key`; the status and, on 200, what was kept.
async fn report(
    url: &str,
    key: &DeviceKey,
    sightings: Vec<ReportedSighting>,
) -> (u16, Option<SightingsStored>) {
    let body = serde_json::to_vec(&SightingsReport { sightings }).unwrap();
    let nonce = format!("{:032x}", rand::random::<u128>());
    let auth = sign_request(
        key,
        "POST",
        "/v1/sightings",
        SystemClock.now().0,
        &nonce,
        &body,
    );
    let mut request = reqwest::Client::new()
        .post(format!("{url}/v1/sightings"))
        .body(body);
    for (name, value) in auth.headers().iter() {
        request = request.header(*name, value);
    }
    let response = request.send().await.expect("the registry answers");
    let status = response.status().as_u16();
    let stored = if status == 200 {
        Some(response.json().await.expect("what was kept"))
    } else {
        None
    };
    (status, stored)
}

/// The (container, rule) of every anomaly `scope` lists.
async fn listed<S: RegistryStore>(s: &S, scope: &AuditScope) -> Vec<(String, String)> {
    let page = s
        .audit_anomalies(scope.clone(), Criteria::default(), None, None, 100)
        .await
        .expect("anomalies");
    page.anomalies
        .into_iter()
        .map(|a| (a.container, a.rule))
        .collect()
}

async fn sightings_judged<S: RegistryStore>(store: S) {
    let o = Orgs::new();
    for org in o.all() {
        store.add_org(org.new_org(), ENROL_T).await.expect("an org");
    }
    let (pk, _) = enrol_key(&store, &o.producer, Role::Producer, 1).await;
    let (ck, _) = enrol_key(&store, &o.carrier, Role::Carrier, 2).await;
    let (_, fj_dev) = enrol_key(&store, &o.regulator, Role::Regulator, 3).await;
    let (_, gd_dev) = enrol_key(&store, &o.regulator44, Role::Regulator, 4).await;
    let state = AppState::new(store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(yima_registry::serve_plain(listener, state.clone()));
    let s = state.store.as_ref();
    let fj = scope_of(s, &fj_dev).await.expect("scope");
    let gd = scope_of(s, &gd_dev).await.expect("scope");
    let cfg = AnomalyConfig::default();

    // A label of a code the registry never saw, signed by the producer's device, opened on
    // the public page: "no record", and kept as a sighting.
    let unseen = code(&o.producer, 7);
    let label = LabelPayload::sign(&unseen, Quantity::new(20_000, Unit::Kg).unwrap(), &pk);
    let page = reqwest::get(format!("{url}/L/{}", label.url_path()))
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 404);
    let kept = s.sightings_of(unseen.clone()).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].who, yima_core::Sighter::PublicPage);
    // Signed by a device of the producer its code names: a real label never registered.
    assert_eq!(kept[0].seal, yima_core::Seal::Genuine);
    let seen_at = kept[0].at;

    // Within its grace, nothing.
    evaluate_due(s, seen_at, &cfg, 100).await.expect("judge");
    assert_eq!(listed(s, &AuditScope::All).await, vec![]);
    let before = Timestamp(seen_at.0 + cfg.unseen_grace_ms - 1);
    evaluate_due(s, before, &cfg, 100).await.expect("judge");
    assert_eq!(listed(s, &AuditScope::All).await, vec![]);
    // Its grace past (the deadline the first judging set): unseen, to Fujian's regulator
    // and the producer whose code it bears; not to Guangdong's, nor to the carrier.
    let after = Timestamp(seen_at.0 + cfg.unseen_grace_ms);
    assert_eq!(evaluate_due(s, after, &cfg, 100).await.expect("judge"), 1);
    let want = vec![(unseen.to_string(), "unseen_label".to_string())];
    assert_eq!(listed(s, &AuditScope::All).await, want);
    assert_eq!(listed(s, &fj).await, want);
    assert_eq!(listed(s, &AuditScope::Party(o.producer.code())).await, want);
    assert_eq!(listed(s, &gd).await, vec![]);
    assert_eq!(
        listed(s, &AuditScope::Party(o.carrier.code())).await,
        vec![]
    );

    // The attack: the producer's device reports a scan as the carrier's device, or as
    // its own device of the carrier; refused, nothing kept — even with a scan of its own.
    let cloned = code(&o.producer, 8);
    let now = SystemClock.now();
    let own = sighting(&cloned, now, FUZHOU, &o.producer, &pk);
    let as_other_device = sighting(&cloned, now, XIAMEN, &o.carrier, &ck);
    let as_other_org = sighting(&cloned, now, XIAMEN, &o.carrier, &pk);
    let mut other_device_own_org = sighting(&cloned, now, XIAMEN, &o.producer, &pk);
    other_device_own_org.device = ck.public();
    for bad in [as_other_device, as_other_org, other_device_own_org] {
        assert_eq!(report(&url, &pk, vec![own.clone(), bad]).await.0, 403);
    }
    assert_eq!(s.sightings_of(cloned.clone()).await.unwrap(), vec![]);

    // Two enrolled devices scan one label in Fuzhou and in Xiamen five minutes apart.
    let first = sighting(
        &cloned,
        Timestamp(now.0 - 10 * MINUTE),
        FUZHOU,
        &o.producer,
        &pk,
    );
    let second = sighting(
        &cloned,
        Timestamp(now.0 - 5 * MINUTE),
        XIAMEN,
        &o.carrier,
        &ck,
    );
    assert_eq!(
        report(&url, &pk, vec![first.clone()]).await,
        (200, Some(SightingsStored { stored: 1 }))
    );
    // Reported again (a sync retried): kept once.
    assert_eq!(
        report(&url, &pk, vec![first]).await,
        (200, Some(SightingsStored { stored: 0 }))
    );
    assert_eq!(
        report(&url, &ck, vec![second]).await,
        (200, Some(SightingsStored { stored: 1 }))
    );
    evaluate_due(s, now, &cfg, 100).await.expect("judge");
    let two = (cloned.to_string(), "two_places".to_string());
    let got = listed(s, &fj).await;
    assert!(got.contains(&two), "{got:?}");
    assert!(!listed(s, &gd).await.contains(&two));
    let detail = s
        .audit_anomalies(
            AuditScope::All,
            Criteria::default(),
            Some("two_places".into()),
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(detail.anomalies.len(), 1);
    assert!(
        detail.anomalies[0].en.contains("km apart"),
        "{}",
        detail.anomalies[0].en
    );

    // The attack the producer's keys stop: labels of the producer's codes printed by
    // someone else, signed with a key of their own (the carrier's enrolled device, and a
    // key no registry knows). Each page says forged, each view is kept as a forged label,
    // and the code is listed as a bad signature, never as an unseen label of the producer.
    let crafted = code(&o.producer, 9);
    for key in [&ck, &DeviceKey::from_secret(&[99; 32])] {
        let label = LabelPayload::sign(&crafted, Quantity::new(20_000, Unit::Kg).unwrap(), key);
        let page = reqwest::get(format!("{url}/L/{}?lang=en", label.url_path()))
            .await
            .unwrap();
        assert_eq!(page.status().as_u16(), 404);
        let text = page.text().await.unwrap();
        assert!(text.contains("Forged or altered label"), "{text}");
    }
    let kept = s.sightings_of(crafted.clone()).await.unwrap();
    let seals: Vec<yima_core::Seal> = kept.iter().map(|k| k.seal).collect();
    assert_eq!(seals, vec![yima_core::Seal::Forged; 2]);
    let far = Timestamp(kept[1].at.0 + 2 * cfg.unseen_grace_ms);
    evaluate_due(s, far, &cfg, 100).await.expect("judge");
    let got = listed(s, &AuditScope::All).await;
    assert!(
        got.contains(&(crafted.to_string(), "bad_signature".to_string())),
        "{got:?}"
    );
    assert!(
        !got.contains(&(crafted.to_string(), "unseen_label".to_string())),
        "{got:?}"
    );

    // A code of a producer this registry does not register (another province's): its
    // label cannot be checked here, and is kept as unchecked.
    let elsewhere = LabelCode::new(
        yima_codes::CreditCode::with_check("91440300MA5XY8001").expect("a credit code"),
        "900-041-49".parse().unwrap(),
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        1,
    )
    .unwrap();
    let label = LabelPayload::sign(&elsewhere, Quantity::new(20_000, Unit::Kg).unwrap(), &pk);
    let page = reqwest::get(format!("{url}/L/{}?lang=en", label.url_path()))
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 404);
    assert!(page.text().await.unwrap().contains("may not be genuine"));
    let kept = s.sightings_of(elsewhere).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].seal, yima_core::Seal::Unchecked);
}

#[tokio::test]
async fn sqlite_lists_unseen_labels_and_labels_in_two_places() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    sightings_judged(store).await;
}

#[tokio::test]
async fn postgres_lists_unseen_labels_and_labels_in_two_places() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    sightings_judged(store).await;
}

/// A registered container (A, after the story): a forged label of it opened on the public
/// page is a `bad_signature` with no event; two devices' scans far apart, `two_places`;
/// neither is an unseen label. Listed with the container, in its scope.
async fn registered_container_sighted<S: RegistryStore>(store: S) {
    let w = World::new();
    crate::story::story(&store, &w).await;
    let fj = AuditScope::Jurisdiction("35".into());
    let gd = AuditScope::Jurisdiction("44".into());
    let state = AppState::new(store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(yima_registry::serve_plain(listener, state.clone()));
    let s = state.store.as_ref();
    let cfg = AnomalyConfig::default();

    let genuine = LabelPayload::sign(&w.a, Quantity::new(20_000, Unit::Kg).unwrap(), &w.p.key);
    let forged = LabelPayload::sign(&w.a, Quantity::new(20_000, Unit::Kg).unwrap(), &w.g.key);
    for (label, status) in [(&genuine, 200), (&forged, 404)] {
        let page = reqwest::get(format!("{url}/L/{}", label.url_path()))
            .await
            .unwrap();
        assert_eq!(page.status().as_u16(), status);
        // Views a millisecond apart at least: each is its own sighting.
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let seals: Vec<yima_core::Seal> = s
        .sightings_of(w.a.clone())
        .await
        .unwrap()
        .iter()
        .map(|x| x.seal)
        .collect();
    assert_eq!(
        seals,
        vec![yima_core::Seal::Genuine, yima_core::Seal::Forged]
    );
    let now = SystemClock.now();
    let scan = |at: i64, place: (i32, i32), org: &Org, key: &DeviceKey| yima_core::Sighting {
        code: w.a.clone(),
        at: Timestamp(at),
        place: Some(yima_core::SightingPlace {
            lat_e7: place.0,
            lon_e7: place.1,
            accuracy_m: None,
        }),
        who: yima_core::Sighter::Device {
            org: org.code(),
            device: key.public().short(),
        },
        seal: yima_core::Seal::Genuine,
    };
    let far = vec![
        scan(now.0 - 20 * MINUTE, FUZHOU, &w.orgs.carrier, &w.c.key),
        scan(now.0 - 19 * MINUTE, XIAMEN, &w.orgs.receiver, &w.r.key),
    ];
    assert_eq!(s.put_sightings(far, now).await.unwrap(), 2);
    evaluate_due(s, now, &cfg, 1000).await.expect("judge");
    let got = listed(s, &fj).await;
    let a = w.a.to_string();
    for rule in ["bad_signature", "two_places"] {
        assert!(
            got.contains(&(a.clone(), rule.to_string())),
            "{rule}: {got:?}"
        );
    }
    assert!(
        !got.contains(&(a.clone(), "unseen_label".to_string())),
        "{got:?}"
    );
    let page = s
        .audit_anomalies(
            fj.clone(),
            Criteria::default(),
            Some("bad_signature".into()),
            None,
            100,
        )
        .await
        .unwrap();
    let sighted = page
        .anomalies
        .iter()
        .find(|x| x.container == a && x.event.is_none())
        .expect("a forged label sighted: no event");
    assert!(sighted.en.contains("public label page"), "{}", sighted.en);
    assert!(!listed(s, &gd)
        .await
        .iter()
        .any(|(c, r)| c == &a && r == "two_places"));
}

#[tokio::test]
async fn sqlite_judges_a_registered_containers_sightings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    registered_container_sighted(store).await;
}

#[tokio::test]
async fn postgres_judges_a_registered_containers_sightings() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    registered_container_sighted(store).await;
}

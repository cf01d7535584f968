//! The audit API's search and counts on each backend after the story: a regulator finds the
//! containers with a custody party in its jurisdiction (a transfer that enters it too), an
//! organisation what it is a custody party of, and nothing else — however it filters; a
//! regulator's evidence bundle holds whole what its scope holds; the index built after
//! migration 9 from the events stored before it says what the index kept at ingest says.

use crate::calls::ENROL_T;
use crate::common::*;
use crate::story::story;
use yima_core::{verify_bundle, BundleScope, Role, Timestamp};
use yima_protocol::{AuditFilter, AuditGroup, DeviceInfo, NewOrg};
use yima_registry::{
    bundle_as, scope_of, AuditScope, Criteria, ErrorKind, PostgresStore, RegistryStore, SqliteStore,
};

const NOW: Timestamp = Timestamp(T0.0 + 30 * 24 * 3600 * 1000);

fn criteria(f: AuditFilter) -> Criteria {
    Criteria::check(&f).expect("well-formed filter")
}

/// Every container code `scope` finds with `f`, page by page (2 a page).
async fn found<S: RegistryStore>(s: &S, scope: &AuditScope, f: AuditFilter) -> Vec<String> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .audit_search(scope.clone(), criteria(f.clone()), after, 2)
            .await
            .expect("search");
        assert!(page.containers.len() <= 2);
        out.extend(page.containers.iter().map(|c| c.code.clone()));
        match page.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

fn codes(list: &[&yima_codes::LabelCode]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|c| c.to_string()).collect();
    v.sort();
    v
}

fn device(org: &Org, role: Role) -> DeviceInfo {
    DeviceInfo {
        key: yima_core::DeviceKey::from_secret(&[9; 32]).public(),
        org: org.code(),
        org_name: org.party.name.clone(),
        org_roles: vec![role],
        role,
        admin: false,
        enrolled_at: ENROL_T,
        revoked_at: None,
        seq_block: None,
    }
}

/// Everything the audit API must answer after the story, on `s`.
pub async fn audit<S: RegistryStore>(s: &S, w: &World) {
    let o = &w.orgs;
    // H, labelled by a revoked key, was refused: the registry does not hold it.
    let all = codes(&[&w.a, &w.b, &w.e, &w.x]);
    let fujian_producer = codes(&[&w.a, &w.b, &w.e]);
    let none = AuditFilter::default;

    // Scopes of devices: a regulator's jurisdiction, anyone else's own custody.
    let fj = scope_of(s, &device(&o.regulator, Role::Regulator))
        .await
        .expect("scope");
    assert_eq!(fj, AuditScope::Jurisdiction("35".into()));
    let gd = scope_of(s, &device(&o.regulator44, Role::Regulator))
        .await
        .expect("scope");
    let xm_org = Org::new(
        "11350200M00000003",
        "厦门市生态环境局",
        Role::Regulator,
        Some("3502"),
    );
    s.add_org(xm_org.new_org(), ENROL_T).await.expect("Xiamen");
    let xm = scope_of(s, &device(&xm_org, Role::Regulator))
        .await
        .expect("scope");
    let producer = scope_of(s, &device(&o.producer, Role::Producer))
        .await
        .expect("scope");
    assert_eq!(producer, AuditScope::Party(o.producer.code()));
    // A producer's device claiming the regulator role in its request gets its own scope.
    assert_eq!(
        scope_of(s, &device(&o.producer, Role::Regulator))
            .await
            .expect("scope"),
        AuditScope::Party(o.producer.code())
    );
    let carrier = AuditScope::Party(o.carrier.code());
    let receiver = AuditScope::Party(o.receiver.code());
    let other = AuditScope::Party(o.other.code());
    s.add_org(
        NewOrg {
            credit_code: credit("11100000M00000004"),
            name: "生态环境部".into(),
            roles: vec![Role::Regulator],
            jurisdiction: Some(String::new()),
        },
        ENROL_T,
    )
    .await
    .expect("the ministry");
    let mut ministry = device(&o.regulator, Role::Regulator);
    ministry.org = credit("11100000M00000004");
    let national = scope_of(s, &ministry).await.expect("scope");
    assert_eq!(national, AuditScope::All);

    assert_eq!(found(s, &national, none()).await, all);
    assert_eq!(found(s, &fj, none()).await, fujian_producer);
    assert_eq!(found(s, &gd, none()).await, codes(&[&w.x]));
    // A leaves Fuzhou for a receiver in Xiamen: Xiamen's regulator sees it enter; B, which
    // never left its Fuzhou producer, it does not.
    assert_eq!(found(s, &xm, none()).await, codes(&[&w.a]));
    assert_eq!(found(s, &producer, none()).await, fujian_producer);
    assert_eq!(found(s, &carrier, none()).await, codes(&[&w.a]));
    assert_eq!(found(s, &receiver, none()).await, codes(&[&w.a]));
    assert_eq!(found(s, &other, none()).await, codes(&[&w.x]));

    // Each filter, within a scope.
    let manifest = AuditFilter {
        manifest: Some(manifest_number().to_string()),
        ..none()
    };
    assert_eq!(found(s, &fj, manifest.clone()).await, codes(&[&w.a]));
    // Spaces, dots and case do not matter in a plate; the rival pickup's plate is found too.
    for plate in ["闽A·D1234", "闽a d1234", "闽AD5678"] {
        let f = AuditFilter {
            plate: Some(plate.into()),
            ..none()
        };
        assert_eq!(found(s, &fj, f).await, codes(&[&w.a]), "{plate}");
    }
    let f = AuditFilter {
        carrier: Some(o.carrier.code().to_string()),
        ..none()
    };
    assert_eq!(found(s, &national, f).await, codes(&[&w.a]));
    let f = AuditFilter {
        org: Some(o.receiver.code().to_string()),
        ..none()
    };
    assert_eq!(found(s, &national, f).await, codes(&[&w.a]));
    let f = AuditFilter {
        producer: Some(o.other.code().to_string()),
        ..none()
    };
    assert_eq!(found(s, &national, f).await, codes(&[&w.x]));
    let f = AuditFilter {
        division: Some("3502".into()),
        ..none()
    };
    assert_eq!(found(s, &national, f).await, codes(&[&w.a]));
    let f = AuditFilter {
        code: Some(w.b.to_string().to_lowercase()),
        ..none()
    };
    assert_eq!(found(s, &fj, f).await, codes(&[&w.b]));
    let f = AuditFilter {
        code: Some(o.producer.code().to_string()),
        ..none()
    };
    assert_eq!(found(s, &national, f).await, fujian_producer);
    let f = AuditFilter {
        waste: Some(w.a.waste_code().to_string()),
        category: Some(w.a.waste_code().category().unwrap().to_string()),
        ..none()
    };
    let same_waste: Vec<String> = fujian_producer
        .iter()
        .filter(|c| c.as_str()[18..26] == w.a.as_str()[18..26])
        .cloned()
        .collect();
    assert_eq!(found(s, &fj, f).await, same_waste);
    let states = |st: &str| AuditFilter {
        state: Some(st.into()),
        ..none()
    };
    assert_eq!(found(s, &fj, states("received")).await, codes(&[&w.a]));
    assert_eq!(
        found(s, &fj, states("disposed")).await,
        Vec::<String>::new()
    );
    // A period before anything happened, and one after the story.
    let before = AuditFilter {
        to: Some(T0.0 - 1000),
        ..none()
    };
    assert_eq!(found(s, &national, before).await, Vec::<String>::new());
    let after = AuditFilter {
        from: Some(NOW.0),
        ..none()
    };
    assert_eq!(found(s, &national, after).await, Vec::<String>::new());
    let during = AuditFilter {
        from: Some(T0.0 - 1000),
        to: Some(NOW.0),
        ..none()
    };
    assert_eq!(found(s, &national, during).await, all);

    // The attack: company B, with valid keys, looks for company A's containers by every
    // fact it might know of them. Nothing, and not whether they exist.
    for f in [
        manifest.clone(),
        AuditFilter {
            code: Some(w.a.to_string()),
            ..none()
        },
        AuditFilter {
            plate: Some("闽A·D1234".into()),
            ..none()
        },
        AuditFilter {
            producer: Some(o.producer.code().to_string()),
            ..none()
        },
    ] {
        assert_eq!(
            found(s, &other, f.clone()).await,
            Vec::<String>::new(),
            "{f:?}"
        );
        let counts = s
            .audit_counts(other.clone(), criteria(f), AuditGroup::Producer)
            .await
            .expect("counts");
        assert_eq!(counts.total, 0);
    }
    // Guangdong's regulator cannot find what belongs only to Fujian, nor read its bundle;
    // Xiamen's reads A's whole history (it never was in its feed) and it verifies.
    assert_eq!(found(s, &gd, manifest).await, Vec::<String>::new());
    let err = bundle_as(
        s,
        o.regulator44.code(),
        Some(gd.clone()),
        BundleScope::Container(w.a.clone()),
        NOW,
    )
    .await
    .expect_err("refused");
    assert_eq!(err.kind, ErrorKind::NotFound);
    let a = bundle_as(
        s,
        xm_org.code(),
        Some(xm.clone()),
        BundleScope::Container(w.a.clone()),
        NOW,
    )
    .await
    .expect("A's bundle for Xiamen");
    let report = verify_bundle(a.to_text().as_bytes()).expect("readable");
    assert!(
        report
            .failures
            .iter()
            .all(|f| f.kind == yima_core::BundleFailureKind::Verify(yima_core::FailureKind::Fork)),
        "{:?}",
        report.failures
    );
    assert!(a.events.iter().any(|e| e.id == w.ga.id), "from its start");
    let by_manifest = bundle_as(
        s,
        xm_org.code(),
        Some(xm),
        BundleScope::Manifest(manifest_number()),
        NOW,
    )
    .await
    .expect("the manifest's bundle for Xiamen");
    assert_eq!(by_manifest.events, a.events);

    // Counts: by producer, province, state and month, scoped like the search.
    let counts = s
        .audit_counts(national.clone(), criteria(none()), AuditGroup::Producer)
        .await
        .expect("counts");
    assert_eq!(counts.total, 4);
    let by: Vec<(String, u64)> = counts
        .groups
        .iter()
        .map(|g| (g.key.clone(), g.containers))
        .collect();
    assert_eq!(
        by,
        vec![
            (o.producer.code().to_string(), 3),
            (o.other.code().to_string(), 1)
        ]
    );
    let counts = s
        .audit_counts(national.clone(), criteria(none()), AuditGroup::Province)
        .await
        .expect("counts");
    let by: Vec<(&str, u64)> = counts
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.containers))
        .collect();
    assert_eq!(by, vec![("35", 3), ("44", 1)]);
    let counts = s
        .audit_counts(fj.clone(), criteria(none()), AuditGroup::State)
        .await
        .expect("counts");
    assert_eq!(counts.total, 3);
    assert!(counts
        .groups
        .iter()
        .any(|g| g.key == "received" && g.containers == 1));
    let counts = s
        .audit_counts(xm_scope_for_counts(), criteria(none()), AuditGroup::Month)
        .await
        .expect("counts");
    let month = T0.china_date().format("%Y%m").to_string();
    assert_eq!(
        counts
            .groups
            .iter()
            .map(|g| (g.key.clone(), g.containers))
            .collect::<Vec<_>>(),
        vec![(month, 1)]
    );
}

fn xm_scope_for_counts() -> AuditScope {
    AuditScope::Jurisdiction("3502".into())
}

/// What the whole audit index answers, to compare a rebuilt index with.
async fn everything<S: RegistryStore>(s: &S) -> Vec<yima_protocol::AuditContainer> {
    s.audit_search(AuditScope::All, criteria(AuditFilter::default()), None, 500)
        .await
        .expect("search")
        .containers
}

#[tokio::test]
async fn sqlite_audits_by_jurisdiction_and_party_and_rebuilds_its_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    let w = World::new();
    let kept = {
        let store = SqliteStore::open(&path).expect("open");
        story(&store, &w).await;
        audit(&store, &w).await;
        everything(&store).await
    };
    // As if the events had been stored before migration 9: the index is dropped and the
    // migration forgotten; opening the store applies it again, rebuilding the index.
    {
        let c = rusqlite::Connection::open(&path).expect("open");
        c.execute_batch(
            "DROP TABLE audit_facts; DROP TABLE audit_containers; DROP TABLE audit_anomalies;
             DROP TABLE audit_refused;
             DELETE FROM schema_migrations WHERE version = 9;",
        )
        .expect("forget the index");
    }
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(everything(&store).await, kept);
    audit_again(&store, &w).await;
}

#[tokio::test]
async fn postgres_audits_by_jurisdiction_and_party_and_rebuilds_its_index() {
    let db = PgDb::create().await;
    let w = World::new();
    let kept = {
        let store = PostgresStore::connect(&db.url).await.expect("connect");
        story(&store, &w).await;
        audit(&store, &w).await;
        everything(&store).await
    };
    let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    client
        .batch_execute(
            "DROP TABLE audit_facts; DROP TABLE audit_containers; DROP TABLE audit_anomalies;
             DROP TABLE audit_refused;
             DELETE FROM schema_migrations WHERE version = 9;",
        )
        .await
        .expect("forget the index");
    let store = PostgresStore::connect(&db.url).await.expect("reconnect");
    assert_eq!(everything(&store).await, kept);
    audit_again(&store, &w).await;
}

/// The rebuilt index answers the searches again (the organisations are already there).
async fn audit_again<S: RegistryStore>(s: &S, w: &World) {
    let o = &w.orgs;
    let f = AuditFilter {
        plate: Some("闽A·D1234".into()),
        ..AuditFilter::default()
    };
    assert_eq!(
        found(s, &AuditScope::Jurisdiction("3502".into()), f.clone()).await,
        codes(&[&w.a])
    );
    assert_eq!(
        found(s, &AuditScope::Party(o.other.code()), f).await,
        Vec::<String>::new()
    );
}

/// Every anomaly `scope` lists (rule, container), page by page (3 a page).
async fn listed<S: RegistryStore>(
    s: &S,
    scope: &AuditScope,
    rule: Option<&str>,
) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .audit_anomalies(
                scope.clone(),
                criteria(AuditFilter::default()),
                rule.map(str::to_string),
                after,
                3,
            )
            .await
            .expect("anomalies");
        out.extend(
            page.anomalies
                .iter()
                .map(|a| (a.container.clone(), a.rule.clone(), a.event.clone())),
        );
        match page.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

/// The anomalies judged after the story: each found once, where it is, by whom may see it;
/// judged again when a deadline passes, and only then.
async fn judged<S: RegistryStore>(s: &S, w: &World) {
    story(s, w).await;
    let o = &w.orgs;
    let config = yima_core::AnomalyConfig::default();
    // Nothing is listed before the evaluator has judged.
    assert!(listed(s, &AuditScope::All, None).await.is_empty());
    let judged = yima_registry::anomalies::evaluate_due(s, NOW, &config, 100)
        .await
        .expect("judge");
    assert_eq!(judged, 4, "every container the registry holds");
    assert_eq!(
        yima_registry::anomalies::evaluate_due(s, NOW, &config, 100)
            .await
            .expect("judge"),
        0,
        "nothing is due again until a push or a deadline"
    );
    let all = listed(s, &AuditScope::All, None).await;
    let fork = all
        .iter()
        .find(|(c, r, _)| c == w.a.as_str() && r == "fork")
        .expect("A's fork");
    let forked = fork.2.clone().expect("names the forking event");
    assert!(
        [w.pua.id.to_string(), w.pua_rival.id.to_string()].contains(&forked),
        "{forked}"
    );
    // A's transport ended with no route track: also an anomaly; received and never accepted
    // nor refused, its manifest is not closed 30 days on. The regulator's void of B,
    // pushed by the producer's device which never signed it, was refused for its
    // signatures: an anomaly of B. E and X have none.
    let mut rules: Vec<(&str, &str)> = all
        .iter()
        .map(|(c, r, _)| (c.as_str(), r.as_str()))
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        vec![
            (w.a.as_str(), "fork"),
            (w.a.as_str(), "manifest_not_closed"),
            (w.a.as_str(), "track_missing"),
            (w.b.as_str(), "bad_signature")
        ],
        "{all:?}"
    );
    assert!(all.contains(&(
        w.b.to_string(),
        "bad_signature".into(),
        Some(w.regulator_voids.id.to_string())
    )));
    assert_eq!(
        listed(s, &AuditScope::All, Some("fork")).await,
        vec![fork.clone()]
    );
    // Who may see them: Fujian's regulator and A's parties; not company B nor Guangdong.
    assert_eq!(
        listed(s, &AuditScope::Jurisdiction("35".into()), None).await,
        all
    );
    let of_a: Vec<_> = all
        .iter()
        .filter(|(c, _, _)| c == w.a.as_str())
        .cloned()
        .collect();
    assert_eq!(
        listed(s, &AuditScope::Party(o.carrier.code()), None).await,
        of_a,
        "the carrier held A, never B"
    );
    assert!(listed(s, &AuditScope::Party(o.other.code()), None)
        .await
        .is_empty());
    assert!(listed(s, &AuditScope::Jurisdiction("44".into()), None)
        .await
        .is_empty());

    // A year and more on, B is still in store: judged again at its limit, it is overdue.
    let year = Timestamp(NOW.0 + 400 * 24 * 3_600_000);
    let due = s.audit_due(year, 100).await.expect("due");
    let due: Vec<&str> = due.iter().map(|(c, _)| c.as_str()).collect();
    assert!(due.contains(&w.b.as_str()), "{due:?}");
    assert!(!due.contains(&w.a.as_str()), "A runs no deadline: {due:?}");
    yima_registry::anomalies::evaluate_due(s, year, &config, 100)
        .await
        .expect("judge");
    let overdue = listed(s, &AuditScope::All, Some("storage_overdue")).await;
    let containers: Vec<&str> = overdue.iter().map(|(c, _, _)| c.as_str()).collect();
    assert!(containers.contains(&w.b.as_str()), "{overdue:?}");
    // B dispatched, then picked up under another manifest number: the pickup is refused,
    // and judged again B shows it as loaded off its manifest, naming the pickup.
    let off: Vec<&yima_core::SignedEvent> = w.b_off_manifest.iter().collect();
    let r = crate::calls::push(s, &mut Default::default(), "off manifest", &w.p, &off, year).await;
    assert_eq!(
        r.iter().map(|r| r.outcome).collect::<Vec<_>>(),
        [
            yima_protocol::PushOutcome::Accepted,
            yima_protocol::PushOutcome::Accepted,
            yima_protocol::PushOutcome::Refused
        ],
        "{r:?}"
    );
    yima_registry::anomalies::evaluate_due(s, year, &config, 100)
        .await
        .expect("judge");
    assert_eq!(
        listed(s, &AuditScope::All, Some("not_on_manifest")).await,
        vec![(
            w.b.to_string(),
            "not_on_manifest".into(),
            Some(w.b_off_manifest[2].id.to_string())
        )]
    );
    // A malformed rule is no rule.
    assert!(yima_registry::check_rule("lost").is_err());
}

#[tokio::test]
async fn sqlite_judges_anomalies_as_pushed_and_as_deadlines_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    judged(&store, &World::new()).await;
}

#[tokio::test]
async fn postgres_judges_anomalies_as_pushed_and_as_deadlines_pass() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    judged(&store, &World::new()).await;
}

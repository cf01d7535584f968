//! `yima audit` against a real registry served on a free port: two drums carried from
//! Fuzhou to a receiver in Xiamen and synced; Fujian's regulator finds them by plate and
//! manifest, counts them and reads each one's timeline verified; another organisation finds
//! nothing; a malformed filter is refused in both languages with nothing asked of the
//! registry.

use crate::common::*;
use yima_codes::CreditCode;
use yima_core::{Role, Timestamp};
use yima_protocol::{NewEnrolmentCode, NewOrg};
use yima_registry::{issue_enrolment_code, AppState, RegistryStore, ServeOptions, SqliteStore};

/// A registry on a free port, with the world's organisations and Fujian's regulator; the
/// enrolment code of each (credit code → code). Served until the test ends.
fn registry(dir: &std::path::Path, orgs: &[(Org, Role, Option<&str>)]) -> (String, Vec<String>) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = SqliteStore::open(&dir.join("registry.db")).unwrap();
    let now = Timestamp::from_datetime(chrono::Utc::now());
    let codes = rt.block_on(async {
        let mut codes = Vec::new();
        for (org, role, jur) in orgs {
            let credit: CreditCode = org.0.parse().unwrap();
            store
                .add_org(
                    NewOrg {
                        credit_code: credit.clone(),
                        name: org.1.into(),
                        roles: vec![*role],
                        jurisdiction: jur.map(str::to_string),
                    },
                    now,
                )
                .await
                .unwrap();
            let req = NewEnrolmentCode {
                org: credit,
                role: *role,
                admin: false,
            };
            codes.push(issue_enrolment_code(&store, req, now).await.unwrap().code);
        }
        codes
    });
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store);
    let metrics = state.metrics.clone();
    // The anomaly evaluator runs beside it, as `yima-registry serve` runs it, every 100 ms.
    rt.spawn(yima_registry::anomalies::run_evaluator(
        state.clone(),
        yima_core::AnomalyConfig::default(),
        std::time::Duration::from_millis(100),
        std::future::pending(),
    ));
    let router = yima_registry::router(state);
    std::thread::spawn(move || {
        rt.block_on(yima_registry::serve(
            listener,
            router,
            ServeOptions::default(),
            metrics,
            std::future::pending(),
        ))
    });
    (url, codes)
}

#[test]
fn a_regulator_searches_counts_and_reads_a_verified_timeline_and_others_find_nothing() {
    let w = World::new();
    const FUJIAN: Org = ("11350000MB0000001W", "福建省生态环境厅");
    let regulator = Device::init(w.tmp.path(), "regulator", "regulator", FUJIAN, &[]);
    let (url, codes) = registry(
        w.tmp.path(),
        &[
            (PRODUCER, Role::Producer, None),
            (CARRIER, Role::Carrier, None),
            (CARRIER2, Role::Carrier, None),
            (RECEIVER, Role::Receiver, None),
            (FUJIAN, Role::Regulator, Some("35")),
        ],
    );
    for (dev, code) in [&w.p, &w.c, &w.c2, &w.r, &regulator].iter().zip(&codes) {
        dev.ok(&["enrol", "--registry", &url, "--code", code]);
    }
    let drums = dispatched(&w, 2);
    let refs: Vec<&str> = drums.iter().map(String::as_str).collect();
    w.handover(&w.p, &w.c, &pickup_args(&refs));
    for d in [&w.p, &w.c] {
        d.ok(&["sync"]);
    }
    let mut sorted = drums.clone();
    sorted.sort();

    // By plate (as typed by a person), a page of one at a time, then every page.
    let first = regulator.json(&["audit", "search", "--plate", "闽a·d 1234", "--limit", "1"]);
    assert_eq!(first["containers"].as_array().unwrap().len(), 1, "{first}");
    let next = first["next"].as_str().expect("a next page").to_string();
    let second = regulator.json(&[
        "audit",
        "search",
        "--plate",
        "闽A·D1234",
        "--limit",
        "1",
        "--after",
        &next,
    ]);
    let found: Vec<&str> = [&first, &second]
        .iter()
        .map(|p| p["containers"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(found, sorted);
    let out = regulator.run(&[
        "--lang",
        "zh",
        "audit",
        "search",
        "--manifest",
        MANIFEST,
        "--all",
        "--limit",
        "1",
    ]);
    assert!(out.success(), "{out:#?}");
    for d in &drums {
        assert!(out.stdout.contains(d.as_str()), "{}", out.stdout);
    }
    assert!(out.stdout.contains("运输中"), "{}", out.stdout);
    let counts = regulator.json(&["audit", "counts", "--by", "state"]);
    assert_eq!(counts["total"], 2, "{counts}");
    assert_eq!(counts["groups"][0]["key"], "in_transit", "{counts}");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let none = regulator.json(&["audit", "counts", "--until", "2020-01-01"]);
    assert_eq!(none["total"], 0, "{none}");
    let some = regulator.json(&["audit", "counts", "--since", "2020-01-01", "--by", "day"]);
    assert_eq!(some["total"], 2, "{some} ({today})");

    // The timeline of one drum from the registry's bundle, verified here.
    let tl = regulator.json(&["audit", "timeline", &drums[0]]);
    let steps: Vec<&str> = tl["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps.first(), Some(&"generated"), "{tl}");
    assert_eq!(steps.last(), Some(&"picked_up"), "{tl}");
    assert!(tl["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["verified"] == true));
    let out = regulator.run(&["--lang", "en", "audit", "timeline", &drums[0]]);
    assert!(out.success() && out.stdout.contains("verified"), "{out:#?}");

    // Delivered with no route track, and synced: the registry's evaluator, running beside
    // it, finds the transport without a track for each drum; a rule that is none is refused.
    w.handover(
        &w.c,
        &w.r,
        &["receive", &drums[0], &drums[1], "--manifest", MANIFEST],
    );
    for d in [&w.c, &w.r] {
        d.ok(&["sync"]);
    }
    let mut judged = serde_json::Value::Null;
    for _ in 0..100 {
        judged = regulator.json(&["audit", "anomalies", "--all", "--rule", "track_missing"]);
        if judged["anomalies"].as_array().is_some_and(|a| a.len() == 2) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let listed: Vec<&str> = judged["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["container"].as_str().unwrap())
        .collect();
    assert_eq!(listed, sorted, "{judged}");
    let out = regulator.run(&["--lang", "zh", "audit", "anomalies"]);
    assert!(
        out.success() && out.stdout.contains("运输无轨迹") && out.stdout.contains("异常数 2"),
        "{out:#?}"
    );
    assert!(!regulator
        .run(&["audit", "anomalies", "--rule", "lost"])
        .success());
    let none = w.c2.json(&["audit", "anomalies"]);
    assert_eq!(none["anomalies"], serde_json::json!([]), "{none}");

    // The second carrier, with a valid key, never held them: nothing by any fact, and no
    // timeline.
    for args in [
        vec!["audit", "search"],
        vec!["audit", "search", "--manifest", MANIFEST],
        vec!["audit", "search", "--plate", "闽A·D1234"],
        vec!["audit", "search", "--code", &drums[0]],
    ] {
        let page = w.c2.json(&args);
        assert_eq!(
            page["containers"],
            serde_json::json!([]),
            "{args:?}: {page}"
        );
    }
    assert!(!w.c2.run(&["audit", "timeline", &drums[0]]).success());

    // A malformed filter: said in both languages; the period is checked before asking.
    let e = regulator.error(&["audit", "search", "--since", "2026-02-30"]);
    assert_eq!(e["kind"], "bad_input", "{e}");
    let zh = regulator.run(&["--lang", "zh", "audit", "counts", "--by", "week"]);
    assert!(!zh.success() && has_chinese(&zh.stderr), "{zh:#?}");
    let e = regulator.run(&["audit", "search", "--state", "lost"]);
    assert!(!e.success() && e.stderr.contains("state"), "{e:#?}");
}

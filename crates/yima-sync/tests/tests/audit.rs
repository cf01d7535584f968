//! The audit API through real devices and a real registry on both backends: the regulator
//! of a jurisdiction a transfer leaves, and the one it enters, find its containers by plate
//! and manifest, count them, and read each one's timeline verified offline from the
//! registry's bundle; another province's regulator and an organisation that never held
//! them find nothing by any fact they might know, and read nothing.

use crate::authority::add_org;
use crate::harness::*;
use yima_core::{BundleScope, Role, Step};
use yima_protocol::{AuditFilter, AuditGroup};
use yima_sync::SyncErrorKind;

crate::on_both_backends!(regulators_and_parties_search_what_they_may_and_nothing_else);
async fn regulators_and_parties_search_what_they_may_and_nothing_else<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let (_c, mut carrier) = reg.carrier().await;
    let (_r, mut receiver) = reg.receiver().await;
    let codes = vec![
        dispatched_drum(&mut producer, "20"),
        dispatched_drum(&mut producer, "30"),
    ];
    hand_over(&mut producer, &mut carrier, &codes, pickup());
    hand_over(&mut carrier, &mut receiver, &codes, receive());
    // A drum the producer keeps: it never leaves Fuzhou (no manifest names Xiamen for it).
    let kept = producer
        .register(&container("900-041-49", "10"))
        .unwrap()
        .code;
    for dev in [&mut producer, &mut carrier, &mut receiver] {
        let r = sync(&reg, dev).await;
        assert_eq!(r.refused, 0, "{r:?}");
    }
    let mut moved = codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    moved.sort();

    let client = reg.client();
    let by_plate = AuditFilter {
        plate: Some("闽a d1234".into()),
        ..AuditFilter::default()
    };
    let by_manifest = AuditFilter {
        manifest: Some(manifest().number.to_string()),
        ..AuditFilter::default()
    };

    // Fujian's regulator: the drums by plate, one page at a time.
    let (_f, mut fujian) = reg
        .device(&regulator_code(), "福建省生态环境厅", Role::Regulator, None)
        .await;
    let first = client
        .audit_search(&mut fujian, &by_plate, None, Some(1))
        .await
        .unwrap();
    assert_eq!(first.containers.len(), 1);
    let next = first.next.clone().expect("a second page");
    let second = client
        .audit_search(&mut fujian, &by_plate, Some(&next), Some(1))
        .await
        .unwrap();
    let found: Vec<String> = first
        .containers
        .iter()
        .chain(&second.containers)
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(found, moved);
    assert!(second.containers.iter().all(|c| c.state == "received"));
    let counts = client
        .audit_counts(&mut fujian, &AuditFilter::default(), AuditGroup::State)
        .await
        .unwrap();
    assert_eq!(counts.total, 3);
    let states: Vec<(&str, u64)> = counts
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.containers))
        .collect();
    assert_eq!(states, vec![("generated", 1), ("received", 2)]);

    // Xiamen's regulator (the receiver's city): the drums entering it, not the one kept in
    // Fuzhou; each one's timeline, from the registry's bundle, verified offline.
    let xiamen = credit("11350200M00000003");
    add_org(&reg, xiamen.clone(), Role::Regulator, Some("3502")).await;
    let (_x, mut xm) = reg
        .device(&xiamen, "厦门市生态环境局", Role::Regulator, None)
        .await;
    let page = client
        .audit_search(&mut xm, &AuditFilter::default(), None, None)
        .await
        .unwrap();
    let found: Vec<String> = page.containers.iter().map(|c| c.code.clone()).collect();
    assert_eq!(found, moved);
    let bytes = client
        .fetch_bundle(&mut xm, &BundleScope::Container(codes[0].clone()))
        .await
        .unwrap();
    let timeline = yima_device::bundle_timeline(&bytes, &codes[0]).unwrap();
    assert!(timeline.ok(), "{:?}", timeline.report.failures);
    let steps: Vec<Step> = timeline.steps.iter().filter_map(|s| s.step).collect();
    assert_eq!(steps.first(), Some(&Step::Generated));
    assert_eq!(steps.last(), Some(&Step::Received));
    assert!(steps.contains(&Step::PickedUp));
    assert!(timeline.steps.iter().all(|s| s.verified));
    assert_eq!(
        timeline.steps[0].org_name.as_deref(),
        Some("福州示例化工有限公司")
    );
    let err = client
        .fetch_bundle(&mut xm, &BundleScope::Container(kept.clone()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), SyncErrorKind::Refused, "{err}");

    // The attacks: Guangdong's regulator and a Fuzhou company that never held the drums,
    // each with a valid key, search by every fact they might know; they find nothing, count
    // nothing and read no bundle.
    let guangdong = credit("11440000M00000002");
    add_org(&reg, guangdong.clone(), Role::Regulator, Some("44")).await;
    let (_g, mut gd) = reg
        .device(&guangdong, "广东省生态环境厅", Role::Regulator, None)
        .await;
    let stranger = credit("91350100MA8XY7001");
    add_org(&reg, stranger.clone(), Role::Producer, None).await;
    let (_s, mut st) = reg
        .device(&stranger, "福州另一化工有限公司", Role::Producer, None)
        .await;
    for dev in [&mut gd, &mut st] {
        for f in [
            AuditFilter::default(),
            by_plate.clone(),
            by_manifest.clone(),
            AuditFilter {
                code: Some(codes[0].to_string()),
                ..AuditFilter::default()
            },
            AuditFilter {
                producer: Some(producer_code().to_string()),
                ..AuditFilter::default()
            },
        ] {
            let page = client.audit_search(dev, &f, None, None).await.unwrap();
            assert!(page.containers.is_empty(), "{f:?}: {page:?}");
            let counts = client
                .audit_counts(dev, &f, AuditGroup::Producer)
                .await
                .unwrap();
            assert_eq!(counts.total, 0, "{f:?}");
        }
        let err = client
            .fetch_bundle(dev, &BundleScope::Container(codes[0].clone()))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), SyncErrorKind::Refused, "{err}");
    }

    // The anomalies, once the registry has judged: the carrier's transport ended with no
    // route track, for each drum; listed to Fujian, not to the others.
    let judged = yima_registry::anomalies::evaluate_due(
        reg.state.store.as_ref(),
        yima_core::Timestamp::from_datetime(chrono::Utc::now()),
        &yima_core::AnomalyConfig::default(),
        100,
    )
    .await
    .unwrap();
    assert_eq!(judged, 3);
    let found = client
        .audit_anomalies(&mut fujian, &AuditFilter::default(), None, None, None)
        .await
        .unwrap();
    let mut listed: Vec<(String, String)> = found
        .anomalies
        .iter()
        .map(|a| (a.container.clone(), a.rule.clone()))
        .collect();
    listed.sort();
    let expected: Vec<(String, String)> = moved
        .iter()
        .map(|c| (c.clone(), "track_missing".to_string()))
        .collect();
    assert_eq!(listed, expected);
    assert!(found
        .anomalies
        .iter()
        .all(|a| !a.zh.is_empty() && !a.en.is_empty()));
    let forks = client
        .audit_anomalies(
            &mut fujian,
            &AuditFilter::default(),
            Some("fork"),
            None,
            None,
        )
        .await
        .unwrap();
    assert!(forks.anomalies.is_empty());
    for dev in [&mut gd, &mut st] {
        let found = client
            .audit_anomalies(dev, &AuditFilter::default(), None, None, None)
            .await
            .unwrap();
        assert!(found.anomalies.is_empty(), "{found:?}");
    }

    // A malformed filter is refused, naming it.
    let err = client
        .audit_search(
            &mut fujian,
            &AuditFilter {
                state: Some("lost".into()),
                ..AuditFilter::default()
            },
            None,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), SyncErrorKind::Refused, "{err}");
    assert!(err.to_string().contains("state"), "{err}");
}

//! Evidence bundles from the registry: exported by a real server, verified offline with the
//! device's use case, failing naming the event once one byte of it changes; and refused,
//! with nothing disclosed, to an organisation that never touched the container.

use crate::harness::*;
use crate::on_both_backends;
use yima_core::{BundleFailureKind, BundleScope, FailureKind, Role};
use yima_device::verify_bundle_file;
use yima_protocol::NewOrg;
use yima_sync::SyncErrorKind;

async fn bundle_round_trip<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let stranger = credit("91350100M000900X1");
    reg.state
        .store
        .add_org(
            NewOrg {
                credit_code: stranger.clone(),
                name: "福州另一化工有限公司".into(),
                roles: vec![Role::Producer],
                jurisdiction: None,
            },
            now(),
        )
        .await
        .unwrap();
    let (_p_dir, mut producer) = reg.producer().await;
    let code = dispatched_drum(&mut producer, "25");
    sync(&reg, &mut producer).await;

    let client = reg.client();
    let scope = BundleScope::Container(code.clone());
    let bytes = client.fetch_bundle(&mut producer, &scope).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bundle.json");
    std::fs::write(&file, &bytes).unwrap();
    // Attested by the registry's key: verified with it pinned.
    let registry_key = reg.state.registry_key().await.unwrap().public();
    let report = verify_bundle_file(&file, Some(&registry_key)).unwrap();
    assert!(report.ok(), "{:?}", report.failures);
    assert_eq!(report.attested_by, Some(registry_key));
    assert_eq!(report.events, 3, "generated, weighed, dispatched");
    assert_eq!(report.scope, scope);
    let by_manifest = client
        .fetch_bundle(&mut producer, &BundleScope::Manifest(manifest().number))
        .await
        .unwrap();
    let by_manifest = yima_device::verify_bundle_bytes(&by_manifest).unwrap();
    assert!(by_manifest.ok(), "{:?}", by_manifest.failures);
    assert_eq!(by_manifest.events, 3, "the manifest's one container");

    // The regulator of Fujian reads it too, as it reads it in its feed.
    let (_r_dir, mut regulator) = reg
        .device(&regulator_code(), "福建省生态环境厅", Role::Regulator, None)
        .await;
    client.fetch_bundle(&mut regulator, &scope).await.unwrap();

    // One byte of the second event's body changed: that event fails, and only it.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let line = text
        .lines()
        .filter(|l| l.starts_with("{\"id\":"))
        .nth(1)
        .unwrap();
    let at = text.find(line).unwrap() + line.find("\"body\":").unwrap() + 30;
    let mut changed = bytes.clone();
    changed[at] ^= 0x04;
    std::fs::write(&file, &changed).unwrap();
    let report = verify_bundle_file(&file, None).unwrap();
    assert!(!report.ok());
    let second: yima_core::WireEvent =
        serde_json::from_str(line.trim_end_matches(',')).expect("an event per line");
    assert!(
        report.failures.iter().any(|f| f.position == Some(1)
            && f.event == Some(second.id)
            && f.kind == BundleFailureKind::Verify(FailureKind::IdMismatch)),
        "{:?}",
        report.failures
    );
    assert!(report.failures.iter().all(|f| f.position != Some(0)));

    // The attack: a stranger organisation's enrolled device asks for the container, and
    // for its manifest. Refused, nothing disclosed (the same answer as for a container that
    // does not exist).
    let (_s_dir, mut strange) = reg
        .device(&stranger, "福州另一化工有限公司", Role::Producer, None)
        .await;
    for scope in [scope.clone(), BundleScope::Manifest(manifest().number)] {
        let err = client.fetch_bundle(&mut strange, &scope).await.unwrap_err();
        assert_eq!(err.kind(), SyncErrorKind::Refused, "{err}");
        let message = err.to_string();
        assert!(message.contains("404"), "{message}");
        assert!(!message.contains(&second.id.to_string()));
        assert!(!message.contains("\"events\""), "{message}");
    }
}
on_both_backends!(bundle_round_trip);

//! Evidence bundles exported by each backend after the story: what an organisation may read,
//! verifying offline; nothing at all for an organisation that never touched the container.

use crate::common::*;
use crate::story::story;
use yima_core::{verify_bundle, BundleFailureKind, BundleScope, FailureKind, Timestamp};
use yima_registry::{bundle_for, ErrorKind, PostgresStore, RegistryStore, SqliteStore};

const NOW: Timestamp = Timestamp(T0.0 + 30 * 24 * 3600 * 1000);

async fn bundles<S: RegistryStore>(s: &S, w: &World) {
    story(s, w).await;
    let o = &w.orgs;

    // B, generated and stored by the producer (every attempt on it by others refused).
    let b = bundle_for(
        s,
        o.producer.code(),
        BundleScope::Container(w.b.clone()),
        NOW,
    )
    .await
    .expect("B's bundle");
    let text = b.to_text();
    let report = verify_bundle(text.as_bytes()).expect("readable");
    assert!(report.ok(), "{:?}", report.failures);
    assert_eq!(b.events.len(), 2);
    assert!(
        b.keys.iter().all(|k| k.key == w.p.public()),
        "only the signer's key"
    );
    // Fujian's regulator reads it too; Guangdong's does not.
    bundle_for(
        s,
        o.regulator.code(),
        BundleScope::Container(w.b.clone()),
        NOW,
    )
    .await
    .expect("the regulator's");

    // One byte of one event changed: the bundle fails, naming that event.
    let at = text.find(&w.sb.id.to_string()).expect("B's store") + 80;
    let mut bytes = text.clone().into_bytes();
    bytes[at] ^= 0x01;
    match verify_bundle(&bytes) {
        Ok(r) => assert!(
            r.failures
                .iter()
                .any(|f| f.position == Some(1) && f.event == Some(w.sb.id)),
            "{:?}",
            r.failures
        ),
        Err(e) => panic!("the file still reads as a bundle: {e}"),
    }

    // A carries the rival pickup stored as a fork: the bundle says so, naming it.
    let a = bundle_for(
        s,
        o.carrier.code(),
        BundleScope::Container(w.a.clone()),
        NOW,
    )
    .await
    .expect("A's bundle");
    let report = verify_bundle(a.to_text().as_bytes()).expect("readable");
    let forks: Vec<_> = report
        .failures
        .iter()
        .filter(|f| f.kind == BundleFailureKind::Verify(FailureKind::Fork))
        .collect();
    assert_eq!(forks.len(), 1, "{:?}", report.failures);
    assert!([w.pua.id, w.pua_rival.id].contains(&forks[0].event.expect("named")));
    let manifest = bundle_for(
        s,
        o.receiver.code(),
        BundleScope::Manifest(manifest_number()),
        NOW,
    )
    .await
    .expect("the manifest's bundle");
    assert_eq!(
        manifest.events, a.events,
        "A is the manifest's one container"
    );

    // The attack: company B, with valid keys, asks for company A's containers it never
    // touched (it tried to void B: refused). Nothing, and not whether they exist.
    for (org, scope) in [
        (o.other.code(), BundleScope::Container(w.b.clone())),
        (o.other.code(), BundleScope::Container(w.a.clone())),
        (o.other.code(), BundleScope::Manifest(manifest_number())),
        (o.regulator44.code(), BundleScope::Container(w.a.clone())),
    ] {
        let err = bundle_for(s, org.clone(), scope.clone(), NOW)
            .await
            .expect_err("refused");
        assert_eq!(err.kind, ErrorKind::NotFound, "{org} {scope}");
    }
    let unknown = bundle_for(s, o.other.code(), BundleScope::Container(w.h.clone()), NOW)
        .await
        .expect_err("refused");
    assert_eq!(unknown.kind, ErrorKind::NotFound);
}

#[tokio::test]
async fn sqlite_exports_bundles_only_of_what_an_organisation_may_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    bundles(&store, &World::new()).await;
}

#[tokio::test]
async fn postgres_exports_bundles_only_of_what_an_organisation_may_read() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    bundles(&store, &World::new()).await;
}

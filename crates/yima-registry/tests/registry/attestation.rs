//! The registry's attestation of the bundles it exports, over HTTP on each backend: the
//! bundle `GET /v1/bundle` answers verifies with the key `GET /v1/registry-key` publishes
//! pinned, and fails pinned once a key record is changed or an event left out; registries
//! on one database sign with one key (kept by the first to ask, also when they ask at once);
//! a key given in the configuration is the one used. The binary's `--registry-key-file`
//! and its start-up line: in `process.rs`.

use crate::common::*;
use crate::story::story;
use yima_core::{
    verify_bundle_with, BundleFailureKind, DeviceKey, EvidenceBundle, KeyRecordsRestOn, PublicKey,
};
use yima_device::{Clock, SystemClock};
use yima_protocol::sign_request;
use yima_registry::testing::PgDb;
use yima_registry::{AppState, PostgresStore, RegistryKeyAnswer, RegistryStore, SqliteStore};

/// Serves `state` on a free loopback port; its URL.
async fn served<S: RegistryStore>(state: &AppState<S>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(yima_registry::serve_plain(listener, state.clone()));
    url
}

/// The key `GET /v1/registry-key` answers, unsigned.
async fn published(url: &str) -> PublicKey {
    let resp = reqwest::get(format!("{url}/v1/registry-key"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json::<RegistryKeyAnswer>().await.unwrap().key
}

/// `GET path` signed by `key`: status and body.
async fn signed_get(url: &str, key: &DeviceKey, path: &str) -> (u16, String) {
    let nonce = format!("{:032x}", rand::random::<u128>());
    let auth = sign_request(key, "GET", path, SystemClock.now().0, &nonce, b"");
    let mut request = reqwest::Client::new().get(format!("{url}{path}"));
    for (name, value) in auth.headers().iter() {
        request = request.header(*name, value);
    }
    let resp = request.send().await.expect("the registry answers");
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn exported_bundles_are_attested<S: RegistryStore>(store: S) {
    let w = World::new();
    story(&store, &w).await;
    let state = AppState::new(store);
    let url = served(&state).await;
    let key = published(&url).await;
    assert_eq!(key, state.registry_key().await.unwrap().public());

    let (status, text) = signed_get(&url, &w.c.key, &format!("/v1/bundle?container={}", w.a)).await;
    assert_eq!(status, 200, "{text}");
    let r = verify_bundle_with(text.as_bytes(), Some(&key)).expect("readable");
    assert_eq!(r.attested_by, Some(key));
    assert_eq!(r.key_records, KeyRecordsRestOn::PinnedRegistryKey);
    // A's bundle carries the rival pickup kept as a fork: that, and nothing of the attestation.
    assert!(
        r.failures.iter().all(|f| !matches!(
            f.kind,
            BundleFailureKind::Unattested | BundleFailureKind::BadAttestation
        )),
        "{:?}",
        r.failures
    );
    let (status, b_text) =
        signed_get(&url, &w.p.key, &format!("/v1/bundle?container={}", w.b)).await;
    assert_eq!(status, 200, "{b_text}");
    let r = verify_bundle_with(b_text.as_bytes(), Some(&key)).expect("readable");
    assert!(r.ok(), "{:?}", r.failures);

    // The exporter's word changed after export: a key's organisation name, its revocation,
    // an event left out. Each fails with the registry's key pinned.
    let bundle: EvidenceBundle = serde_json::from_str(&b_text).unwrap();
    assert_eq!(bundle.to_text(), b_text, "written again byte for byte");
    let mut renamed = bundle.clone();
    renamed.keys[0].org_name = "另一家公司".into();
    let mut revoked = bundle.clone();
    revoked.keys[0].revoked_at = Some(T0);
    let mut shorter = bundle.clone();
    shorter.events.pop();
    for changed in [renamed, revoked, shorter] {
        let r = verify_bundle_with(changed.to_text().as_bytes(), Some(&key)).unwrap();
        assert!(
            r.failures
                .iter()
                .any(|f| f.kind == BundleFailureKind::BadAttestation),
            "{:?}",
            r.failures
        );
    }
    // Another key pinned (a forger's, or another registry's): the registry's bundle fails.
    let other = DeviceKey::from_secret(&[99; 32]).public();
    let r = verify_bundle_with(b_text.as_bytes(), Some(&other)).unwrap();
    assert!(r
        .failures
        .iter()
        .any(|f| f.kind == BundleFailureKind::BadAttestation));
}

#[tokio::test]
async fn sqlite_attests_the_bundles_it_exports_with_the_key_it_publishes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    exported_bundles_are_attested(store).await;
}

#[tokio::test]
async fn postgres_attests_the_bundles_it_exports_with_the_key_it_publishes() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    exported_bundles_are_attested(store).await;
}

#[tokio::test]
async fn two_sqlite_registries_on_one_file_sign_with_one_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    let one = AppState::new(SqliteStore::open(&path).expect("open"));
    let two = AppState::new(SqliteStore::open(&path).expect("open again"));
    let (a, b) = tokio::join!(one.registry_key(), two.registry_key());
    let (a, b) = (a.unwrap().public(), b.unwrap().public());
    assert_eq!(a, b);
    // Kept: a third registry started later reads the same, and the key a new one would
    // have generated is not kept.
    let three = SqliteStore::open(&path).expect("open a third time");
    let kept = three.registry_key([5; 32]).await.unwrap();
    assert_eq!(DeviceKey::from_secret(&kept).public(), a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_registries_starting_at_once_end_with_one_key() {
    let db = PgDb::create().await;
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(async move {
                let state = AppState::new(PostgresStore::connect(&url).await.expect("connect"));
                let key = state.registry_key().await.expect("a key").public();
                key
            })
        })
        .collect();
    let mut keys = Vec::new();
    for s in starts {
        keys.push(s.await.expect("task"));
    }
    assert!(keys.windows(2).all(|k| k[0] == k[1]), "{keys:?}");
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    let kept = store.registry_key([5; 32]).await.unwrap();
    assert_eq!(DeviceKey::from_secret(&kept).public(), keys[0]);
}

#[tokio::test]
async fn a_key_given_in_the_configuration_is_the_one_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    let w = World::new();
    story(&store, &w).await;
    let file = dir.path().join("registry.key");
    let given = DeviceKey::from_secret(&[77; 32]);
    std::fs::write(&file, format!("{}\n", hex::encode(given.secret_bytes()))).unwrap();
    let from_file = yima_registry::read_registry_key(&file).expect("the key file reads");
    assert_eq!(from_file.public(), given.public());
    let state = AppState::new(store).with_registry_key(from_file);
    let url = served(&state).await;
    assert_eq!(published(&url).await, given.public());
    let (status, text) = signed_get(&url, &w.p.key, &format!("/v1/bundle?container={}", w.b)).await;
    assert_eq!(status, 200, "{text}");
    let r = verify_bundle_with(text.as_bytes(), Some(&given.public())).unwrap();
    assert!(r.ok(), "{:?}", r.failures);
    // The database keeps no key of its own meanwhile: the first asked for is kept now.
    let fresh = [6; 32];
    assert_eq!(state.store.registry_key(fresh).await.unwrap(), fresh);

    // A file of anything but 64 hex digits is refused, naming it.
    std::fs::write(&file, "not a key").unwrap();
    let err = yima_registry::read_registry_key(&file).unwrap_err();
    assert!(err.to_string().contains("registry.key"), "{err}");
}

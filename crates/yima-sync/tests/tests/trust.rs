//! Private trust (issue 12, finding 9): a registry whose certificate comes from a private
//! CA is trusted when the device is given the CA's file, or when the system's store holds
//! it (`SSL_CERT_FILE`); without either, the certificate failure is reported at once as
//! such, not retried as if the network were down.

use crate::harness::*;
use std::sync::Arc;
use std::time::{Duration, Instant};
use yima_core::Role;
use yima_device::{Device, InitRequest, SystemClock};
use yima_registry::{AppState, ServeOptions, SqliteStore};
use yima_sync::{Registry, SyncErrorKind, SyncOptions};

/// A private CA and a certificate it signed for `localhost`: (CA PEM, server config).
fn private_ca() -> (String, Arc<rustls::ServerConfig>) {
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "Yima test private CA");
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca_cert, &ca_key)
        .unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone(), ca_cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    (ca_cert.pem(), Arc::new(config))
}

/// A registry served over TLS with a certificate from a private CA; its `https://localhost`
/// URL and the CA's PEM.
async fn tls_registry() -> (TestRegistry<SqliteStore>, String, String) {
    let (ca, tls) = private_ca();
    let reg = TestRegistry::<SqliteStore>::start_configured(
        |s: AppState<SqliteStore>| s,
        ServeOptions {
            tls: Some(tls),
            ..ServeOptions::default()
        },
    )
    .await;
    let url = format!("https://localhost:{}", reg.addr.port());
    (reg, url, ca)
}

fn new_device(dir: &std::path::Path) -> Dev {
    let req = InitRequest::new(
        Role::Producer,
        "福州示例化工有限公司",
        producer_code().as_str(),
    );
    Device::init(dir, &req, SystemClock).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_certified_by_a_private_ca_is_trusted_with_its_ca_file() {
    let (reg, url, ca) = tls_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let mut dev = new_device(dir.path());
    let client = Registry::new(
        &url,
        SyncOptions {
            extra_ca_pem: Some(ca.clone().into_bytes()),
            ..fast_options()
        },
    )
    .unwrap();
    let code = reg.code(&producer_code(), Role::Producer, false).await;
    client.enrol(&mut dev, &code).await.unwrap();
    dev.register_all(&[container("900-041-49", "5")]).unwrap();
    let report = client.sync(&mut dev, &mut |_| {}).await.unwrap();
    assert_eq!(report.accepted, 1, "{report:?}");

    // Kept beside the database at enrolment, the CA serves every later sync (as `yima sync`
    // and the app make them), and enrolling again without one forgets it.
    yima_sync::keep_ca(dir.path(), Some(ca.as_bytes())).unwrap();
    assert!(dir.path().join(yima_sync::REGISTRY_CA_FILE).is_file());
    let later = |dev: &mut Dev, ca: Option<Vec<u8>>| {
        Registry::for_device(
            dev,
            SyncOptions {
                extra_ca_pem: ca,
                ..fast_options()
            },
        )
        .unwrap()
    };
    let client = later(&mut dev, yima_sync::kept_ca(dir.path()).unwrap());
    dev.register_all(&[container("900-041-49", "6")]).unwrap();
    let report = client.sync(&mut dev, &mut |_| {}).await.unwrap();
    assert_eq!(report.accepted, 1, "{report:?}");
    yima_sync::keep_ca(dir.path(), None).unwrap();
    assert_eq!(yima_sync::kept_ca(dir.path()).unwrap(), None);
    let client = later(&mut dev, None);
    let e = client.sync(&mut dev, &mut |_| {}).await.unwrap_err();
    assert_eq!(e.kind(), SyncErrorKind::Certificate, "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_reported_at_once_as_such() {
    let (reg, url, _ca) = tls_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let mut dev = new_device(dir.path());
    // Forty attempts with backoff would take many seconds if it were retried.
    let client = Registry::new(&url, fast_options()).unwrap();
    let code = reg.code(&producer_code(), Role::Producer, false).await;
    let started = Instant::now();
    let e = client.enrol(&mut dev, &code).await.unwrap_err();
    assert_eq!(e.kind(), SyncErrorKind::Certificate, "{e}");
    assert!(!e.is_retryable());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // A file that is not a certificate is refused before any request.
    let bad = Registry::new(
        &url,
        SyncOptions {
            extra_ca_pem: Some(b"not a certificate".to_vec()),
            ..fast_options()
        },
    );
    assert_eq!(
        bad.err().map(|e| e.kind()),
        Some(SyncErrorKind::Certificate)
    );
}

/// Run by the next test in a process of its own, with `SSL_CERT_FILE` set (changing the
/// environment of this multi-threaded process would race the other tests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by the_system_store_is_trusted_and_ssl_cert_file_is_honoured"]
async fn enrol_over_tls_with_the_system_store() {
    let url = std::env::var("YIMA_TEST_TLS_URL").unwrap();
    let code = std::env::var("YIMA_TEST_TLS_CODE").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut dev = new_device(dir.path());
    let client = Registry::new(&url, fast_options()).unwrap();
    client.enrol(&mut dev, &code).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_system_store_is_trusted_and_ssl_cert_file_is_honoured() {
    let (reg, url, ca) = tls_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("private-ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let child = |ssl_cert_file: Option<&std::path::Path>, code: String| {
        let mut cmd = tokio::process::Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "--exact",
            "trust::enrol_over_tls_with_the_system_store",
            "--ignored",
            "--nocapture",
        ])
        .env("YIMA_TEST_TLS_URL", &url)
        .env("YIMA_TEST_TLS_CODE", code)
        .env_remove("SSL_CERT_DIR");
        match ssl_cert_file {
            Some(f) => cmd.env("SSL_CERT_FILE", f),
            None => cmd.env_remove("SSL_CERT_FILE"),
        };
        cmd.output()
    };
    let code = reg.code(&producer_code(), Role::Producer, false).await;
    let without = child(None, code.clone()).await.unwrap();
    assert!(
        !without.status.success(),
        "the private CA is in no store: {without:?}"
    );
    let with = child(Some(&ca_file), code).await.unwrap();
    assert!(
        with.status.success(),
        "SSL_CERT_FILE names the private CA: {}",
        String::from_utf8_lossy(&with.stdout)
    );
}

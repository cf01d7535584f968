//! TLS to PostgreSQL (issue 12, finding 7): `sslmode=require` encrypts, `verify-full`
//! refuses a certificate no trusted root vouches for or that names another host,
//! `sslrootcert` adds a root, and a server offering no TLS is refused before the startup
//! message (user, database) is sent in plain text.

use crate::common::PgDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use yima_registry::{ErrorKind, PostgresStore, RegistryStore};

async fn admin() -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(
        &yima_registry::testing::pg_admin_url(),
        tokio_postgres::NoTls,
    )
    .await
    .expect("connect");
    tokio::spawn(conn);
    client
}

fn with(url: &str, params: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{params}")
}

fn db_name(url: &str) -> String {
    let path = url.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().to_string()
}

/// The server's own certificate file (PEM): a root that vouches for it.
async fn server_certificate() -> String {
    let c = admin().await;
    let on: String = c.query_one("SHOW ssl", &[]).await.unwrap().get(0);
    assert_eq!(
        on, "on",
        "these tests need the PostgreSQL server to offer TLS (ssl = on)"
    );
    c.query_one("SHOW ssl_cert_file", &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sslmode_require_encrypts_every_connection() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&with(&db.url, "sslmode=require"))
        .await
        .expect("connect with TLS");
    store.ready().await.unwrap();
    let row = admin()
        .await
        .query_one(
            "SELECT count(*), coalesce(bool_and(s.ssl), false) FROM pg_stat_ssl s
             JOIN pg_stat_activity a ON a.pid = s.pid WHERE a.datname = $1",
            &[&db_name(&db.url)],
        )
        .await
        .unwrap();
    let (n, all_tls): (i64, bool) = (row.get(0), row.get(1));
    assert!(n >= 1, "the store holds a connection");
    assert!(all_tls, "every connection of the store is encrypted");
    drop(store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_checks_the_chain_and_the_name() {
    let db = PgDb::create().await;
    let cert = server_certificate().await;
    // No trusted root vouches for the server's (self-signed) certificate.
    let e = PostgresStore::connect(&with(&db.url, "sslmode=verify-full"))
        .await
        .err()
        .expect("an untrusted certificate is refused");
    assert_eq!(e.kind, ErrorKind::Storage);
    assert!(e.message.contains("certificate"), "{e}");
    // With the certificate as a root, the chain holds; the name is checked by
    // verify-full only when the host is one the certificate names.
    let root = format!("sslrootcert={cert}");
    let ca = PostgresStore::connect(&with(&db.url, &format!("sslmode=verify-ca&{root}")))
        .await
        .expect("verify-ca with the root");
    ca.ready().await.unwrap();
    let names = dns_names(&first_der(&std::fs::read_to_string(&cert).unwrap()));
    let name = names
        .first()
        .expect("the server's certificate names a host (subjectAltName)");
    let by_name = db.url.replacen("127.0.0.1", name, 1);
    assert_ne!(by_name, db.url, "the test URL connects by 127.0.0.1");
    let full = PostgresStore::connect(&with(&by_name, &format!("sslmode=verify-full&{root}")))
        .await
        .expect("verify-full with the root and the certificate's name");
    full.ready().await.unwrap();
    let e = PostgresStore::connect(&with(&db.url, &format!("sslmode=verify-full&{root}")))
        .await
        .err()
        .expect("the certificate does not name 127.0.0.1");
    assert!(e.message.contains("certificate"), "{e}");
}

/// The first PEM certificate's DER.
fn first_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64_decode(&body)
}

fn base64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = A.iter().position(|a| *a == c).expect("base64") as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

/// DNS names of a certificate's subjectAltName ([2] IA5String entries), read loosely.
fn dns_names(der: &[u8]) -> Vec<String> {
    // OID 2.5.29.17 (subjectAltName).
    let oid = [0x06, 0x03, 0x55, 0x1d, 0x11];
    let Some(at) = der.windows(oid.len()).position(|w| w == oid) else {
        return Vec::new();
    };
    let rest = &der[at + oid.len()..];
    let mut names = Vec::new();
    let mut i = 0;
    while i + 2 < rest.len().min(200) {
        if rest[i] == 0x82 {
            let len = rest[i + 1] as usize;
            if let Some(name) = rest.get(i + 2..i + 2 + len) {
                if let Ok(n) = std::str::from_utf8(name) {
                    if !n.is_empty() && n.bytes().all(|b| b.is_ascii_graphic()) {
                        names.push(n.to_string());
                    }
                }
            }
            i += 2 + len;
        } else {
            i += 1;
        }
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_refuses_a_server_without_tls_before_saying_who_connects() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 8];
        s.read_exact(&mut request).await.unwrap();
        // "No TLS here."
        s.write_all(b"N").await.unwrap();
        let mut after = Vec::new();
        let _ = s.read_to_end(&mut after).await;
        (request, after)
    });
    let url = format!("postgres://yima_secret_user@127.0.0.1:{port}/yima_db?sslmode=require");
    let e = PostgresStore::connect(&url)
        .await
        .err()
        .expect("refused without TLS");
    assert_eq!(e.kind, ErrorKind::Storage);
    let (request, after) = server.await.unwrap();
    assert_eq!(
        request,
        [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f],
        "an SSLRequest first"
    );
    assert!(
        after.is_empty(),
        "nothing sent in plain text after the refusal: {after:?}"
    );
}

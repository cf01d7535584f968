//! TLS to PostgreSQL with rustls, chosen by the URL's `sslmode` as libpq reads it:
//!
//! - `disable`, `prefer` (the default): no TLS (`prefer` falls back to plain text anyway);
//! - `require`: encrypted, the server's certificate not checked — unless `sslrootcert` is
//!   given, which makes it `verify-ca`, as in libpq;
//! - `verify-ca`: encrypted, the certificate chained to a trusted root (the system's store
//!   and `sslrootcert`), whatever name it bears;
//! - `verify-full`: the same, and the certificate names the host connected to.
//!
//! A server that offers no TLS is refused in every mode from `require` on.

use crate::error::{ErrorKind, RegistryError};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect};

/// How the connection to PostgreSQL is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// No TLS (`disable`, `prefer` or no `sslmode`).
    Disable,
    /// TLS, the certificate not checked.
    Require,
    /// TLS, the certificate chained to a trusted root.
    VerifyCa,
    /// TLS, the certificate chained to a trusted root and naming the host.
    VerifyFull,
}

/// A PostgreSQL URL split into what tokio-postgres reads and the TLS settings it does not.
#[derive(Debug, PartialEq, Eq)]
pub struct TlsUrl {
    /// The URL without `sslmode` and `sslrootcert`.
    pub url: String,
    /// The mode.
    pub mode: SslMode,
    /// A root certificate file (PEM), trusted besides the system's store.
    pub root_cert: Option<String>,
}

fn bad(m: String) -> RegistryError {
    RegistryError::new(ErrorKind::Storage, m)
}

/// Reads `sslmode` and `sslrootcert` out of a `postgres://` URL's query.
pub fn parse_url(url: &str) -> Result<TlsUrl, RegistryError> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut mode = None;
    let mut root_cert = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslmode", v)) => mode = Some(v),
            Some(("sslrootcert", v)) => root_cert = Some(percent_decode(v)),
            _ => kept.push(pair),
        }
    }
    let mode = match (mode, &root_cert) {
        (None | Some("disable") | Some("prefer"), _) => SslMode::Disable,
        (Some("require"), None) => SslMode::Require,
        (Some("require") | Some("verify-ca"), Some(_)) | (Some("verify-ca"), None) => {
            SslMode::VerifyCa
        }
        (Some("verify-full"), _) => SslMode::VerifyFull,
        (Some(other), _) => {
            return Err(bad(format!(
                "invalid PostgreSQL URL: sslmode {other:?} (disable, prefer, require, verify-ca or verify-full)"
            )))
        }
    };
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok(TlsUrl {
        url,
        mode,
        root_cert,
    })
}

/// `%XX` escapes decoded (a path in a URL may carry them).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The rustls client configuration for `mode` (not `Disable`).
pub fn client_config(
    mode: SslMode,
    root_cert: Option<&str>,
) -> Result<Arc<rustls::ClientConfig>, RegistryError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(format!("TLS: {e}")))?;
    let config = if mode == SslMode::Require {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
            .with_no_client_auth()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        // The system's store (SSL_CERT_FILE and SSL_CERT_DIR honoured); unreadable entries
        // are skipped, as a browser would.
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        if let Some(path) = root_cert {
            let pem = std::fs::read(path).map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
            let mut added = 0;
            for cert in rustls_pemfile_certs(&pem) {
                roots
                    .add(cert)
                    .map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
                added += 1;
            }
            if added == 0 {
                return Err(bad(format!("sslrootcert {path}: no PEM certificate")));
            }
        }
        if roots.is_empty() {
            return Err(bad(format!(
                "sslmode {mode:?}: no trusted root certificate (give sslrootcert)"
            )));
        }
        let webpki =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| bad(format!("TLS: {e}")))?;
        let verifier: Arc<dyn ServerCertVerifier> = if mode == SslMode::VerifyCa {
            Arc::new(AnyName(webpki))
        } else {
            webpki
        };
        builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth()
    };
    Ok(Arc::new(config))
}

/// The certificates of a PEM text.
fn rustls_pemfile_certs(pem: &[u8]) -> Vec<CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .collect()
}

/// `require`: the handshake's signatures are checked, the certificate is not.
#[derive(Debug)]
struct Unchecked(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain is checked, not the name.
#[derive(Debug)]
struct AnyName(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// tokio-postgres' TLS over rustls.
#[derive(Clone)]
pub struct MakeRustls(pub Arc<rustls::ClientConfig>);

impl<S> MakeTlsConnect<S> for MakeRustls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<RustlsConnect> {
        let name = ServerName::try_from(domain.to_string())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Ok(RustlsConnect(self.0.clone(), name))
    }
}

/// One connection's TLS handshake.
pub struct RustlsConnect(Arc<rustls::ClientConfig>, ServerName<'static>);

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let tls = tokio_rustls::TlsConnector::from(self.0)
                .connect(self.1, stream)
                .await?;
            Ok(RustlsStream(Box::new(tls)))
        })
    }
}

/// A TLS stream to PostgreSQL.
pub struct RustlsStream<S>(Box<tokio_rustls::client::TlsStream<S>>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> tokio_postgres::tls::TlsStream for RustlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_sslrootcert_are_read_out_of_the_url() {
        let u = parse_url("postgres://u@h:5432/db").unwrap();
        assert_eq!(
            (u.url.as_str(), u.mode, u.root_cert),
            ("postgres://u@h:5432/db", SslMode::Disable, None)
        );
        let u = parse_url("postgres://u@h/db?sslmode=prefer&connect_timeout=5").unwrap();
        assert_eq!(
            (u.url.as_str(), u.mode),
            ("postgres://u@h/db?connect_timeout=5", SslMode::Disable)
        );
        assert_eq!(
            parse_url("postgres://h/db?sslmode=require").unwrap().mode,
            SslMode::Require
        );
        let u = parse_url("postgres://h/db?sslmode=require&sslrootcert=%2Fetc%2Fca.pem").unwrap();
        assert_eq!(
            u.mode,
            SslMode::VerifyCa,
            "a root certificate makes require verify-ca, as in libpq"
        );
        assert_eq!(u.root_cert.as_deref(), Some("/etc/ca.pem"));
        assert_eq!(u.url, "postgres://h/db");
        assert_eq!(
            parse_url("postgres://h/db?sslmode=verify-ca").unwrap().mode,
            SslMode::VerifyCa
        );
        let u =
            parse_url("postgres://h/db?application_name=y&sslmode=verify-full&sslrootcert=/ca.pem")
                .unwrap();
        assert_eq!(
            (u.url.as_str(), u.mode),
            ("postgres://h/db?application_name=y", SslMode::VerifyFull)
        );
        assert!(parse_url("postgres://h/db?sslmode=allow-anything").is_err());
    }
}

//! The connection loop: HTTP/1.1 over TCP or TLS with a header timeout (which also closes
//! connections idle between requests), connection limits in total and per address (over
//! them a connection is closed at once, so one client holding thousands of idle sockets
//! cannot starve the others), each request told its peer's address, and a graceful
//! shutdown that stops accepting and lets requests in flight finish.

use crate::metrics::Metrics;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// How connections are served.
#[derive(Clone)]
pub struct ServeOptions {
    /// Time for a request's head (and a TLS handshake) to arrive, counted from when the
    /// server starts waiting for it: a connection idle that long between requests is closed.
    pub header_timeout: Duration,
    /// Connections open at once, in total.
    pub max_connections: usize,
    /// Connections open at once from one address.
    pub max_connections_per_address: usize,
    /// On shutdown, how long requests in flight may take to finish.
    pub shutdown_grace: Duration,
    /// TLS, when the registry terminates it itself.
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

impl Default for ServeOptions {
    /// 10 s for a head, 10 000 connections, 256 per address, 30 s to finish on shutdown.
    fn default() -> Self {
        ServeOptions {
            header_timeout: Duration::from_secs(10),
            max_connections: 10_000,
            max_connections_per_address: 256,
            shutdown_grace: Duration::from_secs(30),
            tls: None,
        }
    }
}

/// Connections open per address; an entry leaves when its last connection closes.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// One connection counted against its address, released on drop.
struct AddressSlot(Arc<PerAddress>, IpAddr);

impl PerAddress {
    fn enter(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(ip).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(AddressSlot(self.clone(), ip))
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut map = self.0 .0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.1);
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting, asks
/// every connection to close after its request in flight and waits for them (at most
/// `shutdown_grace`). Each request carries `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let total = Arc::new(Semaphore::new(options.max_connections));
    let per_address = Arc::new(PerAddress::default());
    let (closing_tx, closing) = watch::channel(false);
    let tls = options.tls.clone().map(tokio_rustls::TlsAcceptor::from);
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors, most likely: wait for connections to close.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Reap finished connection tasks as we go.
        while tasks.try_join_next().is_some() {}
        let Ok(permit) = total.clone().try_acquire_owned() else {
            metrics.connection_refused();
            tracing::warn!(peer = %peer, limit = options.max_connections, "connection refused: too many connections");
            continue;
        };
        let Some(slot) = per_address.enter(peer.ip(), options.max_connections_per_address) else {
            metrics.connection_refused();
            tracing::warn!(peer = %peer.ip(), limit = options.max_connections_per_address, "connection refused: too many connections from one address");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let closing = closing.clone();
        let metrics = metrics.clone();
        let tls = tls.clone();
        let header_timeout = options.header_timeout;
        tasks.spawn(async move {
            metrics.connection(true);
            match tls {
                None => connection(stream, peer, router, header_timeout, closing).await,
                Some(acceptor) => {
                    match tokio::time::timeout(header_timeout, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => {
                            connection(stream, peer, router, header_timeout, closing).await
                        }
                        Ok(Err(e)) => {
                            tracing::debug!(peer = %peer, error = %e, "TLS handshake failed")
                        }
                        Err(_) => tracing::debug!(peer = %peer, "TLS handshake timed out"),
                    }
                }
            }
            metrics.connection(false);
            drop((permit, slot));
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    let drained = tokio::time::timeout(options.shutdown_grace, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = tasks.len(),
            "shutdown: connections still open after the grace period are dropped"
        );
        tasks.abort_all();
    }
    Ok(())
}

/// Serves one connection until it closes, or until `closing` asks it to finish.
async fn connection<I>(
    io: I,
    peer: SocketAddr,
    router: Router,
    header_timeout: Duration,
    mut closing: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = router.map_request(move |mut req: axum::extract::Request<_>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        req
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let conn = builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(peer = %peer, error = %e, "connection ended");
            }
        }
        _ = async { let _ = closing.wait_for(|c| *c).await; } => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

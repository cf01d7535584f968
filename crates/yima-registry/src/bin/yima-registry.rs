//! `yima-registry`: serve the registry, or administer it from a shell on its host.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use yima_core::{Role, Timestamp};
use yima_protocol::{EnrolmentQr, NewEnrolmentCode, NewOrg};
use yima_registry::{
    issue_enrolment_code, AppState, PostgresStore, Rate, RateLimits, RegistryStore, ServeOptions,
    SqliteStore,
};

/// Yima's central registry.
#[derive(Parser)]
#[command(name = "yima-registry", version, about)]
struct Cli {
    /// Database: an SQLite file (`sqlite:PATH` or a plain path; the default) or `postgres://…`
    /// (TLS with `?sslmode=require`, `verify-ca` or `verify-full`, and `sslrootcert=FILE`).
    #[arg(
        long,
        global = true,
        env = "YIMA_REGISTRY_DB",
        default_value = "sqlite:yima-registry.db"
    )]
    db: String,
    /// Log format: `text` (for people) or `json` (one object a line, for collectors).
    /// Levels by `RUST_LOG` (default `info`).
    #[arg(
        long,
        global = true,
        env = "YIMA_REGISTRY_LOG_FORMAT",
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Limits of `serve`: timeouts, connections, rates.
#[derive(clap::Args)]
struct Limits {
    /// Seconds for a request's head to arrive; a connection idle this long between
    /// requests is closed too.
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Seconds for a request's body to arrive (408 after).
    #[arg(long, default_value_t = 30)]
    body_timeout: u64,
    /// Connections open at once.
    #[arg(long, default_value_t = 10_000)]
    max_connections: usize,
    /// Connections open at once from one address.
    #[arg(long, default_value_t = 256)]
    max_connections_per_address: usize,
    /// Enrolment attempts per address: BURST/PER_MINUTE.
    #[arg(long, default_value = "10/30", value_parser = parse_rate)]
    enrol_rate: Rate,
    /// Pushes per address: BURST/PER_MINUTE.
    #[arg(long, default_value = "600/3000", value_parser = parse_rate)]
    push_rate_per_address: Rate,
    /// Pushes per device key: BURST/PER_MINUTE.
    #[arg(long, default_value = "120/600", value_parser = parse_rate)]
    push_rate_per_key: Rate,
    /// Views of labels' public pages (GET /L/…, what a phone's camera opens from a label)
    /// per address: BURST/PER_MINUTE.
    #[arg(long, default_value = "60/300", value_parser = parse_rate)]
    page_rate: Rate,
    /// Behind a proxy: the header whose last address is the client's (e.g.
    /// x-forwarded-for), for the per-address rate limits. Raise
    /// --max-connections-per-address too: every connection then comes from the proxy.
    #[arg(long)]
    client_ip_header: Option<axum::http::HeaderName>,
    /// Seconds requests in flight may take to finish after SIGTERM or Ctrl-C.
    #[arg(long, default_value_t = 30)]
    shutdown_grace: u64,
    /// Seconds between rounds of judging anomalies (of containers pushes changed, and of
    /// those whose deadline passed).
    #[arg(long, default_value_t = 30)]
    judge_every: u64,
    /// Seconds between checks of which tables changed enough for their planner statistics
    /// to be gathered afresh (searches on recent days need them; autovacuum may lag or be
    /// off).
    #[arg(long, default_value_t = 60)]
    analyze_every: u64,
}

fn parse_rate(s: &str) -> Result<Rate, String> {
    let (burst, per_minute) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?}: expected BURST/PER_MINUTE, e.g. 10/30"))?;
    Ok(Rate {
        burst: burst.trim().parse().map_err(|e| format!("{s:?}: {e}"))?,
        per_minute: per_minute
            .trim()
            .parse()
            .map_err(|e| format!("{s:?}: {e}"))?,
    })
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8700")]
        listen: SocketAddr,
        /// TLS certificate chain (PEM).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Allow plain HTTP on a non-loopback address (behind a TLS-terminating proxy).
        #[arg(long)]
        insecure_http: bool,
        #[command(flatten)]
        limits: Limits,
        /// Refused events kept whole per pushing device; beyond it they are only counted.
        #[arg(long, default_value_t = yima_registry::REFUSED_QUOTA)]
        refused_quota: u64,
        /// The registry's signing key, which attests the evidence bundles it exports: a
        /// file holding its 32-byte Ed25519 secret as 64 hex digits (give every registry
        /// serving one database the same file). Without it, the key kept in the database,
        /// generated there by the first registry to start.
        #[arg(long, env = "YIMA_REGISTRY_KEY_FILE")]
        registry_key_file: Option<PathBuf>,
    },
    /// Administer the registry directly on its database.
    Admin {
        #[command(subcommand)]
        command: Admin,
    },
}

#[derive(Subcommand)]
enum Admin {
    /// Register an organisation.
    AddOrg {
        #[arg(long)]
        credit_code: String,
        #[arg(long)]
        name: String,
        /// Comma-separated roles: producer, carrier, receiver, regulator.
        #[arg(long)]
        roles: String,
        /// For regulators: the division code prefix overseen (e.g. 35 for Fujian, 3501 for Fuzhou).
        #[arg(long)]
        jurisdiction: Option<String>,
    },
    /// Issue a single-use enrolment code for a device of an organisation.
    EnrolCode {
        #[arg(long)]
        org: String,
        #[arg(long)]
        role: String,
        /// The device may issue codes and revoke keys for its organisation.
        #[arg(long)]
        admin: bool,
        /// The registry's URL as devices reach it: the code is also given as an enrolment
        /// QR code's text (and image, with --qr), which the app scans instead of typing both.
        #[arg(long)]
        url: Option<String>,
        /// Write the enrolment QR code as a PNG image to this file (needs --url).
        #[arg(long, requires = "url")]
        qr: Option<PathBuf>,
    },
    /// Revoke a device key (events it signs from then on are refused).
    Revoke {
        #[arg(long)]
        key: String,
        /// From when (RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
    },
    /// Give an enrolled device that has none (enrolled before the registry gave blocks)
    /// its own block of label sequences; it takes it up at its next sync.
    GiveBlock {
        #[arg(long)]
        key: String,
    },
    /// List enrolled devices.
    Devices,
}

/// Logs to stderr, as text or JSON lines; levels by `RUST_LOG` (default `info`).
fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

enum Db {
    Sqlite(PathBuf),
    Postgres(String),
}

fn parse_db(url: &str) -> Db {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Db::Postgres(url.to_string())
    } else {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        Db::Sqlite(PathBuf::from(path))
    }
}

async fn serve<S: RegistryStore>(
    store: S,
    listen: SocketAddr,
    tls: Option<(PathBuf, PathBuf)>,
    insecure: bool,
    limits: Limits,
    registry_key_file: Option<PathBuf>,
) -> Result<()> {
    let state = AppState::new(store)
        .with_limits(RateLimits {
            enrol_per_address: limits.enrol_rate,
            push_per_address: limits.push_rate_per_address,
            push_per_key: limits.push_rate_per_key,
            page_per_address: limits.page_rate,
            ..RateLimits::default()
        })
        .with_body_timeout(Duration::from_secs(limits.body_timeout));
    let state = match limits.client_ip_header {
        Some(h) => state.with_client_ip_header(h),
        None => state,
    };
    let state = match &registry_key_file {
        Some(path) => state.with_registry_key(yima_registry::read_registry_key(path)?),
        None => state,
    };
    // The key is read (or generated and kept) now, and printed for the operator to publish.
    let registry_key = state
        .registry_key()
        .await
        .context("cannot read or keep the registry key")?
        .public();
    let source = match &registry_key_file {
        Some(path) => path.display().to_string(),
        None => "the database".into(),
    };
    tracing::info!(key = %registry_key, from = %source, "registry key (attests evidence bundles)");
    eprintln!(
        "yima-registry: registry key / 登记中心公钥 {registry_key} (from {source}; publish it: bundles are verified with `yima verify --bundle FILE --registry-key {registry_key}`)"
    );
    let mut options = ServeOptions {
        header_timeout: Duration::from_secs(limits.header_timeout),
        max_connections: limits.max_connections,
        max_connections_per_address: limits.max_connections_per_address,
        shutdown_grace: Duration::from_secs(limits.shutdown_grace),
        tls: None,
    };
    let scheme = match tls {
        Some((cert, key)) => {
            // Both ring and aws-lc-rs may be compiled in: name the provider, or rustls panics.
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                .await
                .with_context(|| {
                    format!(
                        "cannot load TLS certificate {} / key {}",
                        cert.display(),
                        key.display()
                    )
                })?;
            options.tls = Some(config.get_inner());
            "https"
        }
        None => {
            if !listen.ip().is_loopback() && !insecure {
                bail!("refusing plain HTTP on {listen}: give --tls-cert and --tls-key, or --insecure-http behind a TLS proxy");
            }
            "http"
        }
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(address = %addr, "serving {scheme}://{addr}");
    eprintln!("yima-registry: serving {scheme}://{addr}");
    let metrics = state.metrics.clone();
    let (stop_judging, judging_stopped) = tokio::sync::oneshot::channel::<()>();
    let judge = tokio::spawn(yima_registry::anomalies::run_evaluator(
        state.clone(),
        yima_core::AnomalyConfig::default(),
        Duration::from_secs(limits.judge_every.max(1)),
        async {
            let _ = judging_stopped.await;
        },
    ));
    let (stop_analyzing, analyzing_stopped) = tokio::sync::oneshot::channel::<()>();
    let analyze = tokio::spawn(yima_registry::statistics::run_statistics(
        state.clone(),
        Duration::from_secs(limits.analyze_every.max(1)),
        async {
            let _ = analyzing_stopped.await;
        },
    ));
    yima_registry::serve(
        listener,
        yima_registry::router(state),
        options,
        metrics,
        shutdown_signal(),
    )
    .await?;
    let _ = stop_judging.send(());
    let _ = stop_analyzing.send(());
    let _ = judge.await;
    let _ = analyze.await;
    tracing::info!("stopped: requests in flight finished");
    Ok(())
}

/// SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down: no new connections, finishing requests in flight");
}

async fn admin<S: RegistryStore>(store: S, cmd: Admin) -> Result<()> {
    match cmd {
        Admin::AddOrg {
            credit_code,
            name,
            roles,
            jurisdiction,
        } => {
            let roles = roles
                .split(',')
                .map(|r| r.parse::<Role>())
                .collect::<Result<Vec<_>, _>>()?;
            let credit_code = credit_code
                .parse()
                .map_err(|e: yima_codes::CodeError| anyhow::anyhow!(e.to_string()))?;
            let org = NewOrg {
                credit_code,
                name,
                roles,
                jurisdiction,
            };
            yima_registry::check_org(&org)?;
            store.add_org(org, now()).await?;
            println!("organisation registered");
        }
        Admin::EnrolCode {
            org,
            role,
            admin,
            url,
            qr,
        } => {
            let org = org
                .parse()
                .map_err(|e: yima_codes::CodeError| anyhow::anyhow!(e.to_string()))?;
            // The URL is checked before a code is spent on it.
            if let Some(url) = &url {
                EnrolmentQr::new("AAAAA-AAAAA-AAAAA-AAAAA", url).map_err(|_| {
                    anyhow::anyhow!(
                        "{url}: not an http:// or https:// address / 不是有效的登记中心地址"
                    )
                })?;
            }
            let code = issue_enrolment_code(
                &store,
                NewEnrolmentCode {
                    org,
                    role: role.parse()?,
                    admin,
                },
                now(),
            )
            .await?;
            if let Some(url) = url {
                let text = EnrolmentQr::new(&code.code, &url)?.to_text();
                eprintln!("enrolment QR code / 注册二维码: {text}");
                if let Some(path) = qr {
                    let png = yima_label::screen_qr_png(&text)?.png;
                    std::fs::write(&path, png).with_context(|| path.display().to_string())?;
                    eprintln!("written to / 已写入 {}", path.display());
                }
            }
            // The code alone on the last line of standard output, for scripts.
            println!("{}", code.code);
        }
        Admin::Revoke { key, at } => {
            let at = match at {
                Some(t) => {
                    Timestamp::from_datetime(chrono::DateTime::parse_from_rfc3339(&t)?.to_utc())
                }
                None => now(),
            };
            if at > now() {
                bail!("a revocation takes effect at the latest now, not at {at} / 吊销最晚自现在起生效");
            }
            if !store.revoke(key.parse()?, at).await? {
                bail!("no such device, or already revoked");
            }
            println!("revoked from {at}");
        }
        Admin::GiveBlock { key } => {
            let given = store.give_sequence_block(key.parse()?).await?;
            if given.already_had {
                println!("the device already holds block {}", given.seq_block);
            } else {
                println!(
                    "block {} given: the device takes it up at its next sync",
                    given.seq_block
                );
            }
        }
        Admin::Devices => {
            for d in store.devices().await? {
                let revoked = d
                    .revoked_at
                    .map(|r| format!(" revoked {r}"))
                    .unwrap_or_default();
                let block = d
                    .seq_block
                    .map(|b| format!(" block {b}"))
                    .unwrap_or_default();
                println!(
                    "{} {} {} {}{}{block}{revoked}",
                    d.key,
                    d.org,
                    d.org_name,
                    d.role,
                    if d.admin { " admin" } else { "" }
                );
            }
        }
    }
    Ok(())
}

async fn run<S: RegistryStore>(store: S, command: Command) -> Result<()> {
    match command {
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            insecure_http,
            limits,
            refused_quota,
            registry_key_file,
        } => {
            store.set_refused_quota(refused_quota);
            serve(
                store,
                listen,
                tls_cert.zip(tls_key),
                insecure_http,
                limits,
                registry_key_file,
            )
            .await
        }
        Command::Admin { command } => admin(store, command).await,
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    init_logs(cli.log_format);
    match parse_db(&cli.db) {
        Db::Sqlite(path) => {
            let store = SqliteStore::open(&path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            run(store, cli.command).await
        }
        Db::Postgres(url) => {
            // Not the URL itself in the message: it may hold a password.
            let store = PostgresStore::connect(&url)
                .await
                .context("cannot open the PostgreSQL database")?;
            tracing::info!(engine = %store.engine(), "database ready");
            run(store, cli.command).await
        }
    }
}

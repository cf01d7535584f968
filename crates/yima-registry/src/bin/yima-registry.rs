//! `yima-registry`: serve the registry, or administer it from a shell on its host.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use yima_core::{Role, Timestamp};
use yima_protocol::{NewEnrolmentCode, NewOrg};
use yima_registry::{issue_enrolment_code, AppState, PostgresStore, RegistryStore, SqliteStore};

/// Yima's central registry.
#[derive(Parser)]
#[command(name = "yima-registry", version, about)]
struct Cli {
    /// Database: an SQLite file (`sqlite:PATH` or a plain path; the default) or `postgres://…`.
    #[arg(
        long,
        global = true,
        env = "YIMA_REGISTRY_DB",
        default_value = "sqlite:yima-registry.db"
    )]
    db: String,
    #[command(subcommand)]
    command: Command,
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
    },
    /// Revoke a device key (events it signs from then on are refused).
    Revoke {
        #[arg(long)]
        key: String,
        /// From when (RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
    },
    /// List enrolled devices.
    Devices,
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
) -> Result<()> {
    let state = AppState::new(store);
    match tls {
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
            eprintln!("yima-registry: serving https://{listen}");
            axum_server::bind_rustls(listen, config)
                .serve(yima_registry::router(state).into_make_service())
                .await?;
        }
        None => {
            if !listen.ip().is_loopback() && !insecure {
                bail!("refusing plain HTTP on {listen}: give --tls-cert and --tls-key, or --insecure-http behind a TLS proxy");
            }
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            eprintln!("yima-registry: serving http://{}", listener.local_addr()?);
            yima_registry::serve_plain(listener, state).await?;
        }
    }
    Ok(())
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
        Admin::EnrolCode { org, role, admin } => {
            let org = org
                .parse()
                .map_err(|e: yima_codes::CodeError| anyhow::anyhow!(e.to_string()))?;
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
            println!("{}", code.code);
        }
        Admin::Revoke { key, at } => {
            let at = match at {
                Some(t) => {
                    Timestamp::from_datetime(chrono::DateTime::parse_from_rfc3339(&t)?.to_utc())
                }
                None => now(),
            };
            if !store.revoke(key.parse()?, at).await? {
                bail!("no such device, or already revoked");
            }
            println!("revoked from {at}");
        }
        Admin::Devices => {
            for d in store.devices().await? {
                let revoked = d
                    .revoked_at
                    .map(|r| format!(" revoked {r}"))
                    .unwrap_or_default();
                println!(
                    "{} {} {} {}{}{revoked}",
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
        } => serve(store, listen, tls_cert.zip(tls_key), insecure_http).await,
        Command::Admin { command } => admin(store, command).await,
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
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
            run(store, cli.command).await
        }
    }
}

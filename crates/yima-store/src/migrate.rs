//! Embedded migrations, each applied in its own transaction with its bookkeeping, and
//! checked by checksum at every start so an edited migration is caught.

use crate::error::{StoreError, StoreErrorKind};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// A migration: its version, name and SQL.
pub struct Migration {
    /// Version number (the file's numeric prefix).
    pub version: i64,
    /// File name.
    pub name: &'static str,
    /// The SQL.
    pub sql: &'static str,
}

/// The device store's migrations, from `migrations/device/`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_custody.sql",
        sql: include_str!("../../../migrations/device/0001_custody.sql"),
    },
    Migration {
        version: 2,
        name: "0002_sync.sql",
        sql: include_str!("../../../migrations/device/0002_sync.sql"),
    },
    Migration {
        version: 3,
        name: "0003_compact.sql",
        sql: include_str!("../../../migrations/device/0003_compact.sql"),
    },
    Migration {
        version: 4,
        name: "0004_scanned_labels.sql",
        sql: include_str!("../../../migrations/device/0004_scanned_labels.sql"),
    },
    Migration {
        version: 5,
        name: "0005_lean_rows.sql",
        sql: include_str!("../../../migrations/device/0005_lean_rows.sql"),
    },
    Migration {
        version: 6,
        name: "0006_operators.sql",
        sql: include_str!("../../../migrations/device/0006_operators.sql"),
    },
    Migration {
        version: 7,
        name: "0007_arrivals.sql",
        sql: include_str!("../../../migrations/device/0007_arrivals.sql"),
    },
    Migration {
        version: 8,
        name: "0008_assigned_blocks.sql",
        sql: include_str!("../../../migrations/device/0008_assigned_blocks.sql"),
    },
    Migration {
        version: 9,
        name: "0009_online_offers.sql",
        sql: include_str!("../../../migrations/device/0009_online_offers.sql"),
    },
    Migration {
        version: 10,
        name: "0010_track_fixes.sql",
        sql: include_str!("../../../migrations/device/0010_track_fixes.sql"),
    },
    Migration {
        version: 11,
        name: "0011_label_sightings.sql",
        sql: include_str!("../../../migrations/device/0011_label_sightings.sql"),
    },
];

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

/// Applies what is missing and checks what was applied before.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL
        ) STRICT;",
    )?;
    let applied: Vec<(i64, String, String)> = {
        let mut stmt =
            conn.prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (version, name, sum) in &applied {
        match migrations.iter().find(|m| m.version == *version) {
            None => {
                return Err(StoreError::new(
                    StoreErrorKind::MigrationUnknown,
                    format!("the database has migration {name} that this build does not know: use a newer Yima"),
                ))
            }
            Some(m) if &checksum(m.sql) != sum => {
                return Err(StoreError::new(
                    StoreErrorKind::MigrationChanged,
                    format!("migration {name} differs from the one applied to this database (checksum mismatch)"),
                ))
            }
            Some(_) => {}
        }
    }
    for m in migrations {
        if applied.iter().any(|(v, _, _)| *v == m.version) {
            continue;
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have applied it while we waited for the lock.
        let done: Option<i64> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [m.version],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_none() {
            tx.execute_batch(m.sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, strftime('%s','now'))",
                params![m.version, m.name, checksum(m.sql)],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

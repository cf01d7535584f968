//! Embedded migrations: applied once, recorded with their checksum, checked at every open;
//! and the connection settings every store runs with.

use crate::common::{dump, err_kind};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::path::Path;
use yima_store::{migrate, Migration, Store, StoreErrorKind, MIGRATIONS};

const TABLES: [&str; 15] = [
    "operators",
    "event_operators",
    "scanned_labels",
    "device",
    "known_keys",
    "events",
    "event_signatures",
    "event_links",
    "containers",
    "label_sequences",
    "handover_offers",
    "batches",
    "outbox",
    "online_offers_out",
    "online_offers_in",
];

fn recorded(path: &Path) -> Vec<(i64, String, String, i64)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn schema(path: &Path) -> Vec<(String, String, Option<String>)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn sha256_hex(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

fn fresh() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yima.db");
    Store::open(&path).expect("a fresh store opens");
    (dir, path)
}

#[test]
fn a_fresh_store_applies_and_records_every_migration() {
    let (_dir, path) = fresh();
    let got: Vec<(i64, String, String)> = recorded(&path)
        .into_iter()
        .map(|(v, n, c, _)| (v, n, c))
        .collect();
    let want: Vec<(i64, String, String)> = MIGRATIONS
        .iter()
        .map(|m| (m.version, m.name.to_string(), sha256_hex(m.sql)))
        .collect();
    assert_eq!(got, want);
    assert_eq!(got[0].1, "0001_custody.sql");
    let objects = schema(&path);
    for t in TABLES {
        assert!(
            objects.iter().any(|(ty, n, _)| ty == "table" && n == t),
            "table {t} missing"
        );
    }
    let triggers: Vec<&str> = objects
        .iter()
        .filter(|(ty, _, _)| ty == "trigger")
        .map(|(_, n, _)| n.as_str())
        .collect();
    for t in [
        "events",
        "event_signatures",
        "event_links",
        "containers",
        "label_sequences",
        "batches",
        "handover_offers",
        "scanned_labels",
        "operators",
        "event_operators",
        "arrivals",
        "assigned_blocks",
        "online_offers_in",
        "device",
        "track_fixes",
        "label_sightings",
    ] {
        for op in ["update", "delete"] {
            let name = format!("{t}_no_{op}");
            assert!(triggers.contains(&name.as_str()), "trigger {name} missing");
        }
    }
    assert!(triggers.contains(&"outbox_no_delete"));
    assert!(
        !triggers.contains(&"outbox_no_update"),
        "outbox status changes"
    );
    // An online offer is marked sent, never removed.
    assert!(triggers.contains(&"online_offers_out_no_delete"));
    assert!(!triggers.contains(&"online_offers_out_no_update"));
    assert_eq!(triggers.len(), 34, "{triggers:?}");
}

#[test]
fn reopening_is_idempotent() {
    let (_dir, path) = fresh();
    {
        let mut store = Store::open(&path).unwrap();
        store
            .write(|tx| {
                tx.draw_batch(
                    yima_codes::BatchKind::Generation,
                    chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                )
            })
            .unwrap();
    }
    let migrations = recorded(&path);
    let objects = schema(&path);
    for _ in 0..3 {
        Store::open(&path).expect("reopens");
    }
    let conn = Connection::open(&path).unwrap();
    let code: String = conn
        .query_row("SELECT code FROM batches", [], |r| r.get(0))
        .unwrap();
    assert_eq!(code, "HWCS20250101001", "data survives reopening");
    // Reopening applied nothing again and changed no schema object.
    assert_eq!(recorded(&path), migrations);
    assert_eq!(schema(&path), objects);
}

#[test]
fn an_edited_migration_refuses_to_open() {
    let (_dir, path) = fresh();
    let conn = Connection::open(&path).unwrap();
    let n = conn
        .execute(
            "UPDATE schema_migrations SET checksum = ?1 WHERE version = 1",
            [sha256_hex("-- something else")],
        )
        .unwrap();
    assert_eq!(n, 1);
    drop(conn);
    let err = Store::open(&path).err().expect("must not open");
    assert_eq!(err.kind(), StoreErrorKind::MigrationChanged);
    assert!(
        err.detail().contains("0001_custody.sql"),
        "{}",
        err.detail()
    );
    // And it keeps refusing: nothing was "repaired" by the failed open.
    assert_eq!(
        err_kind(Store::open(&path)),
        StoreErrorKind::MigrationChanged
    );
}

#[test]
fn an_unknown_migration_refuses_to_open() {
    let (_dir, path) = fresh();
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, '9999_future.sql', ?1, 0)",
        [sha256_hex("CREATE TABLE future (x INTEGER);")],
    )
    .unwrap();
    drop(conn);
    let err = Store::open(&path).err().expect("must not open");
    assert_eq!(err.kind(), StoreErrorKind::MigrationUnknown);
    assert!(err.detail().contains("9999_future.sql"), "{}", err.detail());
}

const A: Migration = Migration {
    version: 1,
    name: "0001_a.sql",
    sql: "CREATE TABLE a (x INTEGER NOT NULL) STRICT;",
};
const A_EDITED: Migration = Migration {
    version: 1,
    name: "0001_a.sql",
    sql: "CREATE TABLE a (x INTEGER NOT NULL, y TEXT) STRICT;",
};
const B: Migration = Migration {
    version: 2,
    name: "0002_b.sql",
    sql: "CREATE TABLE b (x INTEGER NOT NULL) STRICT; INSERT INTO b VALUES (1);",
};
const BROKEN: Migration = Migration {
    version: 3,
    name: "0003_broken.sql",
    sql: "CREATE TABLE c (x INTEGER NOT NULL) STRICT; INSERT INTO no_such_table VALUES (1);",
};

fn names(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM schema_migrations ORDER BY version")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn has_table(conn: &Connection, t: &str) -> bool {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [t],
        |r| r.get::<_, i64>(0),
    )
    .unwrap()
        == 1
}

#[test]
fn later_migrations_apply_on_top_and_each_is_checked() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn, &[A]).unwrap();
    assert_eq!(names(&conn), ["0001_a.sql"]);
    migrate(&mut conn, &[A, B]).unwrap();
    migrate(&mut conn, &[A, B]).unwrap();
    assert_eq!(names(&conn), ["0001_a.sql", "0002_b.sql"]);
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM b", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1, "a migration runs once");

    // An older build does not know 0002.
    assert_eq!(
        err_kind(migrate(&mut conn, &[A])),
        StoreErrorKind::MigrationUnknown
    );
    // A build whose 0001 was edited.
    assert_eq!(
        err_kind(migrate(&mut conn, &[A_EDITED, B])),
        StoreErrorKind::MigrationChanged
    );

    // A failing migration leaves neither its tables nor its bookkeeping behind.
    assert_eq!(
        err_kind(migrate(&mut conn, &[A, B, BROKEN])),
        StoreErrorKind::Database
    );
    assert!(
        !has_table(&conn, "c"),
        "the broken migration was rolled back"
    );
    assert_eq!(names(&conn), ["0001_a.sql", "0002_b.sql"]);
}

#[test]
fn connection_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yima.db");
    let store = Store::open(&path).unwrap();
    // Per connection: only the store's own connection shows them.
    assert_eq!(store.pragma("synchronous").unwrap(), 2, "synchronous=FULL");
    assert_eq!(store.pragma("foreign_keys").unwrap(), 1, "foreign_keys=ON");
    assert!(store.pragma("busy_timeout").unwrap() >= 1000);
    // Persistent in the file: any connection shows it.
    let other = Connection::open(&path).unwrap();
    let mode: String = other
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(store);
    // Still WAL after the store is closed and reopened.
    let store = Store::open(&path).unwrap();
    let mode: String = other
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(store.pragma("synchronous").unwrap(), 2);
}

#[test]
fn foreign_keys_are_enforced_on_the_stores_connection() {
    // A container row naming an event that does not exist is refused.
    let mut store = Store::open_in_memory().unwrap();
    let label = {
        // Any well-formed label will do: take one from a real registration.
        let dir = tempfile::tempdir().unwrap();
        let clock = yima_device::ManualClock::new(crate::common::T0);
        let mut d = crate::common::init(
            dir.path(),
            yima_core::Role::Producer,
            &crate::common::producer(),
            &clock,
        );
        d.register(&crate::common::new_container("900-041-49"))
            .unwrap()
    };
    let r = store.write(|tx| tx.insert_container(&label, &yima_core::EventId([7; 32]), "2025"));
    let err = r.expect_err("refused");
    assert!(err.detail().contains("FOREIGN KEY"), "{}", err.detail());
}

/// A store written before migration 0003 (hex text ids, keys and signatures; signatures,
/// links and outbox rows named by hex id) is carried over whole: every row reads back the
/// same, and the record still verifies.
#[test]
fn migration_0003_carries_a_version_2_store_over() {
    use yima_device::{Device, ManualClock, STORE_FILE};
    let dir = tempfile::tempdir().unwrap();
    // A store of today's version with custody rows in every table.
    let now_dir = dir.path().join("now");
    let clock = ManualClock::new(crate::common::T0);
    let mut d = crate::common::init(
        &now_dir,
        yima_core::Role::Producer,
        &crate::common::producer(),
        &clock,
    );
    let a = d
        .register(&crate::common::new_container("900-041-49"))
        .unwrap()
        .code;
    let b = d
        .register(&crate::common::new_container("900-041-49"))
        .unwrap()
        .code;
    clock.advance(60_000);
    d.record(&crate::common::step(
        &[a.clone(), b.clone()],
        crate::common::store_action(),
    ))
    .unwrap();
    let want = d.history(&a).unwrap();
    drop(d);

    // The same rows written as version 2 kept them.
    let old_dir = dir.path().join("old");
    std::fs::create_dir_all(&old_dir).unwrap();
    let mut conn = Connection::open(old_dir.join(STORE_FILE)).unwrap();
    migrate(&mut conn, &MIGRATIONS[..2]).unwrap();
    conn.execute_batch(&format!(
        "ATTACH '{}' AS now;
         INSERT INTO device SELECT * FROM now.device;
         INSERT INTO known_keys SELECT * FROM now.known_keys;
         INSERT INTO label_sequences SELECT * FROM now.label_sequences;
         INSERT INTO batches SELECT * FROM now.batches;
         INSERT INTO events SELECT pos, lower(hex(id)), body, step, at, lower(hex(recorder)),
             recorder_org, lower(hex(composer)), seq, stored_at FROM now.events;
         INSERT INTO event_signatures SELECT lower(hex(e.id)), lower(hex(s.public_key)),
             lower(hex(s.signature)) FROM now.event_signatures s JOIN now.events e ON e.pos = s.event;
         INSERT INTO event_links SELECT lower(hex(event_id)), container,
             CASE WHEN prev IS NULL THEN NULL ELSE lower(hex(prev)) END, state_after, holder_after
             FROM now.event_links;
         INSERT INTO containers SELECT code, lower(hex(event_id)), waste_code, category, name,
             producer, generated_on, quantity_milli, unit, catalogue_edition FROM now.containers;
         INSERT INTO outbox SELECT lower(hex(e.id)), o.status, o.reason, o.updated_at
             FROM now.outbox o JOIN now.events e ON e.pos = o.event;",
        now_dir.join(STORE_FILE).display()
    ))
    .unwrap();
    drop(conn);

    // Opening applies 0003: the rows read back as they were, and the record verifies.
    let mut d = Device::open(&old_dir, ManualClock::new(crate::common::T0)).unwrap();
    assert!(d.verify(None).unwrap().ok());
    let got = d.history(&a).unwrap();
    assert_eq!(format!("{got:?}"), format!("{want:?}"));
    drop(d);
    let old = Connection::open(old_dir.join(STORE_FILE)).unwrap();
    let new = Connection::open(now_dir.join(STORE_FILE)).unwrap();
    for table in [
        "events",
        "event_signatures",
        "event_links",
        "containers",
        "outbox",
        "label_sequences",
        "batches",
    ] {
        assert_eq!(dump(&old, table), dump(&new, table), "{table}");
    }
    assert_eq!(recorded(&old_dir.join(STORE_FILE)).len(), MIGRATIONS.len());
}

#[test]
fn migration_0005_keeps_outbox_statuses_and_the_append_only_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yima.db");
    let mut conn = Connection::open(&path).unwrap();
    migrate(&mut conn, &MIGRATIONS[..4]).unwrap();
    conn.execute_batch(
        "INSERT INTO events (pos, id, body, step, at, recorder, recorder_org, composer, seq, stored_at)
         VALUES (1, zeroblob(32), x'7b7d', 'generated', 1, zeroblob(32), 'o', zeroblob(32), 1, 1),
                (2, randomblob(32), x'7b7d', 'stored', 2, zeroblob(32), 'o', zeroblob(32), 2, 2),
                (3, randomblob(32), x'7b7d', 'stored', 3, zeroblob(32), 'o', zeroblob(32), 3, 3);
         INSERT INTO outbox (event, status, reason, updated_at)
         VALUES (1, 'accepted', NULL, 5), (2, 'refused', 'no key', 6), (3, 'pending', 'retry', 7);
         INSERT INTO containers VALUES ('C1', zeroblob(32), '900-041-49', 'HW49', 'n', 'p',
             '2025-01-01', 25000, 'kg', '2025');
         INSERT INTO label_sequences VALUES ('p', '90004149', '20250101', 7);
         INSERT INTO batches VALUES ('b-1'), ('b-2');",
    )
    .unwrap();
    drop(conn);

    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.read(|tx| tx.outbox_counts()).unwrap(), (1, 1, 1));
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let outbox: Vec<(i64, String, Option<String>, i64)> = conn
        .prepare("SELECT event, status, reason, updated_at FROM outbox ORDER BY event")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        outbox,
        vec![
            (1, "accepted".into(), None, 5),
            (2, "refused".into(), Some("no key".into()), 6),
            (3, "pending".into(), Some("retry".into()), 7),
        ]
    );
    let count = |t: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        (
            count("containers"),
            count("label_sequences"),
            count("batches")
        ),
        (1, 1, 2)
    );
    // The status check still refuses anything else, and the rules still hold.
    assert!(conn
        .execute("UPDATE outbox SET status = 'lost' WHERE event = 3", [])
        .is_err());
    for sql in [
        "DELETE FROM outbox",
        "DELETE FROM containers",
        "UPDATE containers SET name = 'x'",
        "DELETE FROM label_sequences",
        "UPDATE label_sequences SET seq = 8",
        "DELETE FROM batches",
        "UPDATE batches SET code = 'b-3'",
    ] {
        assert!(conn.execute(sql, []).is_err(), "{sql}");
    }
    assert_eq!(count("containers"), 1);
}

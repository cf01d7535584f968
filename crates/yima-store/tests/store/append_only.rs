//! Custody rows are never changed or removed: the triggers refuse every UPDATE and DELETE,
//! even through a connection of its own; outbox rows change status but are never deleted.

use crate::common::*;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use yima_core::Role;
use yima_device::{Device, HandoverStep, ManualClock, STORE_FILE};
use yima_store::Store;

/// Every custody table, with a column to try to change and the words of its trigger.
const CUSTODY: [(&str, &str, &str); 11] = [
    ("operators", "name", "append-only"),
    ("event_operators", "name", "append-only"),
    ("events", "step", "append-only"),
    ("event_signatures", "signature", "append-only"),
    ("event_links", "state_after", "append-only"),
    ("containers", "name", "append-only"),
    ("label_sequences", "seq", "append-only"),
    ("batches", "code", "append-only"),
    ("handover_offers", "giver_signature", "append-only"),
    ("device", "org_name", "never changed"),
    ("device", "org_name", "never deleted"),
];

/// A producer's data directory with rows in every table: two containers registered,
/// stored and dispatched, one handed over to a carrier (two signatures), one offered only.
fn populated() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(T0);
    let mut p = init(&dir.path().join("p"), Role::Producer, &producer(), &clock);
    let mut c = init(&dir.path().join("c"), Role::Carrier, &carrier(), &clock);
    p.set_operator("王磊").unwrap();
    let a = p.register(&new_container(WASTES[0])).unwrap().code;
    let b = p.register(&new_container(WASTES[1])).unwrap().code;
    clock.advance(60_000);
    let both = [a.clone(), b.clone()];
    p.record(&step(&both, store_action())).unwrap();
    weigh_each(&mut p, &both);
    clock.advance(60_000);
    p.record(&step(&both, dispatch_action(&producer(), 2025, 1)))
        .unwrap();
    clock.advance(60_000);
    let card = c.identity().unwrap();
    let pickup = || HandoverStep::Pickup {
        manifest: manifest(&producer(), 2025, 1).number,
        vehicle_plate: "闽A·D1234".into(),
        driver: "陈师傅".into(),
        permit: "闽交运管许可榕字 350100000001 号".into(),
    };
    let offer = p
        .offer_handover(std::slice::from_ref(&a), &card, pickup(), None, None)
        .unwrap();
    let ack = c.accept_handover(&offer).unwrap();
    p.confirm_handover(&ack).unwrap();
    p.offer_handover(std::slice::from_ref(&b), &card, pickup(), None, None)
        .unwrap();
    let path = dir.path().join("p").join(STORE_FILE);
    (dir, path)
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn refused(conn: &Connection, sql: &str, words: &str) {
    let err = conn
        .execute(sql, [])
        .err()
        .unwrap_or_else(|| panic!("{sql} was allowed"));
    let text = err.to_string();
    assert!(text.contains(words), "{sql}: {text}");
    assert_eq!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ConstraintViolation),
        "{sql}"
    );
}

fn verify_ok(path: &Path) {
    let dir = path.parent().unwrap();
    let mut device = Device::open(dir, ManualClock::new(T0)).unwrap();
    let report = device.verify(None).unwrap();
    assert!(report.ok(), "{:?}", report.failures);
}

#[test]
fn every_custody_table_refuses_update_and_delete() {
    let (_dir, path) = populated();
    verify_ok(&path);
    let conn = Connection::open(&path).unwrap();
    for (table, column, words) in CUSTODY {
        let before = dump(&conn, table);
        assert!(!before.is_empty(), "{table} has no row to test on");
        if words != "never deleted" {
            refused(
                &conn,
                &format!("UPDATE {table} SET {column} = {column}"),
                words,
            );
            // Even one row, through a condition.
            refused(
                &conn,
                &format!("UPDATE {table} SET {column} = {column} WHERE {column} = (SELECT min({column}) FROM {table})"),
                words,
            );
        }
        if words != "never changed" {
            refused(&conn, &format!("DELETE FROM {table}"), words);
            refused(
                &conn,
                &format!(
                    "DELETE FROM {table} WHERE {column} = (SELECT max({column}) FROM {table})"
                ),
                words,
            );
        }
        assert_eq!(dump(&conn, table), before, "{table} changed");
    }
    // An upsert that would change a row is an update too.
    refused(
        &conn,
        "INSERT INTO batches (code) SELECT code FROM batches WHERE true ON CONFLICT (code) DO UPDATE SET code = excluded.code || 'x'",
        "append-only",
    );
    // After every refused statement the record still verifies.
    drop(conn);
    verify_ok(&path);
}

#[test]
fn outbox_rows_change_status_but_are_never_deleted() {
    let (_dir, path) = populated();
    let conn = Connection::open(&path).unwrap();
    let n = count(&conn, "outbox");
    assert!(
        n >= 5,
        "every event this device recorded is in the outbox ({n})"
    );
    refused(&conn, "DELETE FROM outbox", "never deleted");
    refused(
        &conn,
        "DELETE FROM outbox WHERE rowid = (SELECT min(rowid) FROM outbox)",
        "never deleted",
    );
    assert_eq!(count(&conn, "outbox"), n);

    // The status is what changes (sync marks events accepted).
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        store.read(|tx| tx.outbox_counts()).unwrap(),
        (n as u64, 0, 0)
    );
    let changed = conn
        .execute(
            "UPDATE outbox SET status = 'accepted' WHERE rowid = (SELECT min(rowid) FROM outbox)",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    assert_eq!(
        store.read(|tx| tx.outbox_counts()).unwrap(),
        (n as u64 - 1, 1, 0)
    );
    // Only the three statuses exist.
    assert!(conn
        .execute("UPDATE outbox SET status = 'gone'", [])
        .is_err());
}

#[test]
fn the_store_api_cannot_store_an_event_twice() {
    let (_dir, path) = populated();
    let mut store = Store::open(&path).unwrap();
    let before = store.read(|tx| tx.all_event_rows()).unwrap();
    // Appending a stored event again is a no-op, not a replacement.
    let first = &before[0];
    let raw = first.to_raw().unwrap();
    let event = yima_core::SignedEvent::from_parts(raw.id, raw.canonical, raw.signatures).unwrap();
    let after: Vec<_> = event
        .body
        .links
        .iter()
        .map(|_| (yima_core::ContainerState::Voided, producer().credit_code))
        .collect();
    let fresh = store
        .write(|tx| {
            tx.append_event(&yima_store::NewEvent {
                event: &event,
                after,
                outbox: true,
                stored_at: T0,
            })
        })
        .unwrap();
    assert!(!fresh);
    let again = store.read(|tx| tx.all_event_rows()).unwrap();
    assert_eq!(
        again
            .iter()
            .map(|r| (&r.id, &r.body, r.pos))
            .collect::<Vec<_>>(),
        before
            .iter()
            .map(|r| (&r.id, &r.body, r.pos))
            .collect::<Vec<_>>()
    );
    drop(store);
    verify_ok(&path);
}

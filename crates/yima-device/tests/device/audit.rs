//! The audit of the link rows against the signed bodies, whatever order the rows are stored
//! in: link rows met out of their usual place (after a hand edit) still belong to their
//! event, and a link row naming an event that is not stored is reported, naming it.

use crate::common::*;
use rusqlite::{params, Connection};
use std::path::Path;
use yima_core::{EventId, FailureKind, Role};
use yima_device::Device;

/// The device's file opened by hand, with the append-only triggers dropped.
fn by_hand(dir: &Path) -> Connection {
    let conn = Connection::open(dir.join(yima_device::STORE_FILE)).unwrap();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for n in names {
        conn.execute_batch(&format!("DROP TRIGGER \"{n}\""))
            .unwrap();
    }
    conn
}

/// Deletes the link row of `event` for `container` and inserts it again, at the end of the
/// table, with `state` as its state after the event if given.
fn move_link_to_end(conn: &Connection, event: &EventId, container: &str, state: Option<&str>) {
    let id = &event.as_bytes()[..];
    let (prev, stored_state, holder): (Option<Vec<u8>>, String, String) = conn
        .query_row(
            "SELECT prev, state_after, holder_after FROM event_links WHERE event_id = ?1 AND container = ?2",
            params![id, container],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let n = conn
        .execute(
            "DELETE FROM event_links WHERE event_id = ?1 AND container = ?2",
            params![id, container],
        )
        .unwrap();
    assert_eq!(n, 1);
    conn.execute(
        "INSERT INTO event_links (event_id, container, prev, state_after, holder_after) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, container, prev, state.unwrap_or(&stored_state), holder],
    )
    .unwrap();
}

#[test]
fn link_rows_stored_out_of_order_still_belong_to_their_event() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let codes: Vec<_> = ["10", "20", "30"]
        .iter()
        .map(|a| p.register(&drum(a)).unwrap().code)
        .collect();
    let first = p.history(&codes[0]).unwrap()[0]
        .id
        .parse::<EventId>()
        .unwrap();
    let stored = p.record(&req(&codes, store())).unwrap();
    assert_eq!(stored.body.links.len(), 3);
    assert_verifies(&mut p);
    drop(p);

    // A whole run moved (the first event's only link) and a run split in two (one of the
    // store's three links moved behind the others).
    let conn = by_hand(dir.path());
    move_link_to_end(&conn, &first, codes[0].as_str(), None);
    move_link_to_end(&conn, &stored.id, codes[1].as_str(), None);
    drop(conn);
    let mut p = Device::open(dir.path(), &clock).unwrap();
    assert_verifies(&mut p);
    drop(p);

    // A moved row is still compared with the chain: an edit of it names the event.
    let conn = by_hand(dir.path());
    move_link_to_end(&conn, &stored.id, codes[2].as_str(), Some("generated"));
    drop(conn);
    let mut p = Device::open(dir.path(), &clock).unwrap();
    let r = p.verify(None).unwrap();
    assert!(!r.ok());
    assert!(
        r.failures.iter().all(|f| f.event == stored.id),
        "{:#?}",
        r.failures
    );
    assert!(
        r.failures
            .iter()
            .any(|f| f.container.as_ref() == Some(&codes[2])),
        "{:#?}",
        r.failures
    );
}

#[test]
fn link_rows_of_an_event_not_stored_name_it_once_with_its_least_container() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let a = p.register(&drum("10")).unwrap().code;
    let b = p.register(&drum("20")).unwrap().code;
    drop(p);
    let ghost = EventId([0xab; 32]);
    let conn = by_hand(dir.path());
    // Two runs of the ghost's rows, apart: the greater code first.
    for code in [&b, &a] {
        conn.execute(
            "INSERT INTO event_links (event_id, container, prev, state_after, holder_after) VALUES (?1, ?2, NULL, 'stored', ?3)",
            params![&ghost.as_bytes()[..], code.as_str(), producer_org().credit_code.as_str()],
        )
        .unwrap();
        if code == &b {
            move_link_to_end(&conn, &first_event(&conn), a.as_str(), None);
        }
    }
    drop(conn);
    let mut p = Device::open(dir.path(), &clock).unwrap();
    let r = p.verify(None).unwrap();
    let ghosts: Vec<_> = r.failures.iter().filter(|f| f.event == ghost).collect();
    assert_eq!(ghosts.len(), 1, "{:#?}", r.failures);
    assert_eq!(ghosts[0].kind, FailureKind::BrokenLink);
    assert_eq!(ghosts[0].container.as_ref(), Some(&a));
    assert_eq!(r.failures.len(), 1, "{:#?}", r.failures);
}

/// The first stored event's id.
fn first_event(conn: &Connection) -> EventId {
    let id: Vec<u8> = conn
        .query_row("SELECT id FROM events ORDER BY pos LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    EventId(id.try_into().unwrap())
}

//! 2. One event per durable transaction.

use super::common::*;
use rusqlite::{params, Connection, TransactionBehavior};
use std::time::{Duration, Instant};
use yima_core::Timestamp;
use yima_device::ManualClock;
// ---------------------------------------------------------------------------------------
// 2. One event per durable transaction.

pub(crate) struct Durable {
    pub(crate) record: Vec<Duration>,
    pub(crate) register: Vec<Duration>,
    pub(crate) bare: Vec<Duration>,
}

pub(crate) fn durable(n: usize) -> Durable {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("device");
    let now = now_ms();
    let mut device = producer(&dir, ManualClock::new(Timestamp(now)));
    let reqs = containers(n, now);
    let bare_dir = tmp.path().join("bare");
    std::fs::create_dir_all(&bare_dir).unwrap();
    let mut bare = bare_db(&bare_dir.join("bare.db"));

    // register one at a time, each call its own durable transaction; a bare durable insert
    // of that event's bytes right after it, so background load hits both alike.
    let mut out = Durable {
        record: Vec::with_capacity(n),
        register: Vec::with_capacity(n),
        bare: Vec::with_capacity(2 * n),
    };
    let mut codes = Vec::with_capacity(n);
    // Untimed: a second connection reads back the bytes just stored, to insert them bare.
    let reader = Connection::open(dir.join(yima_device::STORE_FILE)).unwrap();
    let last_body = || -> (String, Vec<u8>) {
        reader
            .query_row(
                // The store keeps ids as bytes; the bare table takes them as hex text.
                "SELECT lower(hex(id)), body FROM events ORDER BY pos DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let bare_insert = |bare: &mut Connection, (id, body): (String, Vec<u8>)| {
        let t = Instant::now();
        let tx = bare
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        tx.prepare_cached("INSERT INTO events (id, body) VALUES (?1, ?2)")
            .unwrap()
            .execute(params![id, body])
            .unwrap();
        tx.commit().unwrap();
        t.elapsed()
    };
    for req in &reqs {
        let t = Instant::now();
        let label = device.register(req).expect("register");
        out.register.push(t.elapsed());
        codes.push(label.code);
        out.bare.push(bare_insert(&mut bare, last_body()));
    }
    for code in &codes {
        let t = Instant::now();
        device.record(&store_request(code)).expect("record");
        out.record.push(t.elapsed());
        out.bare.push(bare_insert(&mut bare, last_body()));
    }
    out.record.sort();
    out.register.sort();
    out.bare.sort();
    out
}

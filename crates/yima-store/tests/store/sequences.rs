//! Label sequences and batch codes: drawn once, never again; a device draws only from its
//! block, so two devices of one producer never collide.

use crate::common::*;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use yima_codes::{BatchKind, CreditCode, SequenceBlock, WasteCode};
use yima_store::{Store, StoreError, StoreErrorKind};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, d).unwrap()
}

fn waste(s: &str) -> WasteCode {
    s.parse().unwrap()
}

/// Draws one sequence with the block stored in the device row, in its own transaction.
fn draw(
    store: &mut Store,
    producer: &CreditCode,
    w: &WasteCode,
    d: NaiveDate,
) -> Result<u16, StoreError> {
    store.write(|tx| {
        let block = tx.require_device()?.seq_block;
        tx.draw_label_sequence(producer, w, d, &block)
    })
}

#[test]
fn a_drawn_sequence_is_never_drawn_again_and_stays_in_the_block() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yima.db");
    let block = SequenceBlock::new(5, 9).unwrap();
    let mut store = store_with_device(&path, block, 1);
    let p = producer().credit_code;
    let w = waste(WASTES[0]);
    assert_eq!(
        store.read(|tx| tx.require_device()).unwrap().seq_block,
        block,
        "the block round-trips through the device row"
    );

    let mut got = Vec::new();
    for i in 0..3 {
        got.push(draw(&mut store, &p, &w, day(1)).unwrap());
        if i == 1 {
            // Reopening forgets nothing.
            drop(store);
            store = Store::open(&path).unwrap();
        }
    }
    assert_eq!(got, [5, 6, 7]);

    // A draw whose transaction fails is not consumed.
    let r: Result<u16, StoreError> = store.write(|tx| {
        let n = tx.draw_label_sequence(&p, &w, day(1), &block)?;
        assert_eq!(n, 8);
        Err(StoreError::new(StoreErrorKind::Database, "abandoned"))
    });
    assert!(r.is_err());

    got.push(draw(&mut store, &p, &w, day(1)).unwrap());
    got.push(draw(&mut store, &p, &w, day(1)).unwrap());
    assert_eq!(got, [5, 6, 7, 8, 9]);
    assert!(got.iter().all(|n| block.contains(*n)));

    // The block is full for this producer, waste code and day — and stays full.
    let err = draw(&mut store, &p, &w, day(1)).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::SequenceExhausted);
    drop(store);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        draw(&mut store, &p, &w, day(1)).unwrap_err().kind(),
        StoreErrorKind::SequenceExhausted
    );

    // Another day, waste code or producer has sequences of its own.
    assert_eq!(draw(&mut store, &p, &w, day(2)).unwrap(), 5);
    assert_eq!(draw(&mut store, &p, &waste(WASTES[1]), day(1)).unwrap(), 5);
    assert_eq!(
        draw(&mut store, &carrier().credit_code, &w, day(1)).unwrap(),
        5
    );

    // A wider block (say, after a re-split) still never hands out a used sequence: it
    // fills the free ones, lowest first.
    let wide = SequenceBlock::new(1, 11).unwrap();
    let more: Vec<u16> = store
        .write(|tx| {
            (0..6)
                .map(|_| tx.draw_label_sequence(&p, &w, day(1), &wide))
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap();
    assert_eq!(more, [1, 2, 3, 4, 10, 11]);
    let err = store
        .write(|tx| tx.draw_label_sequence(&p, &w, day(1), &wide))
        .unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::SequenceExhausted);
}

#[test]
fn two_devices_with_disjoint_blocks_never_collide() {
    let dir = tempfile::tempdir().unwrap();
    let blocks = [
        SequenceBlock::split(0, 2).unwrap(),
        SequenceBlock::split(1, 2).unwrap(),
    ];
    let mut stores: Vec<Store> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| store_with_device(&dir.path().join(format!("d{i}.db")), *b, i as u8 + 1))
        .collect();
    let p = producer().credit_code;
    let w = waste(WASTES[2]);
    let mut drawn: [Vec<u16>; 2] = [Vec::new(), Vec::new()];
    let mut done = [false, false];
    // Both devices work offline at once, a few labels per transaction, until both are full.
    while !done.iter().all(|d| *d) {
        for i in 0..2 {
            if done[i] {
                continue;
            }
            let r = stores[i].write(|tx| {
                let block = tx.require_device()?.seq_block;
                let mut out = Vec::new();
                for _ in 0..37 {
                    match tx.draw_label_sequence(&p, &w, day(3), &block) {
                        Ok(n) => out.push(n),
                        Err(e) if e.kind() == StoreErrorKind::SequenceExhausted => break,
                        Err(e) => return Err(e),
                    }
                }
                Ok(out)
            });
            let out = r.unwrap();
            if out.is_empty() {
                done[i] = true;
            }
            drawn[i].extend(out);
        }
    }
    for (i, b) in blocks.iter().enumerate() {
        let set: BTreeSet<u16> = drawn[i].iter().copied().collect();
        assert_eq!(
            set.len(),
            drawn[i].len(),
            "device {i} drew a sequence twice"
        );
        assert_eq!(
            set.len(),
            b.len() as usize,
            "device {i} drew its whole block"
        );
        assert!(
            set.iter().all(|n| b.contains(*n)),
            "device {i} left its block"
        );
    }
    let a: BTreeSet<u16> = drawn[0].iter().copied().collect();
    let b: BTreeSet<u16> = drawn[1].iter().copied().collect();
    assert!(a.is_disjoint(&b));
    assert_eq!(a.union(&b).count(), 999);
    for s in &mut stores {
        assert_eq!(
            draw(s, &p, &w, day(3)).unwrap_err().kind(),
            StoreErrorKind::SequenceExhausted
        );
    }
}

fn batch(store: &mut Store, kind: BatchKind, d: u32) -> String {
    store
        .write(|tx| tx.draw_batch(kind, day(d)))
        .unwrap()
        .as_str()
        .to_string()
}

#[test]
fn batch_codes_count_per_kind_and_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yima.db");
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        batch(&mut store, BatchKind::Generation, 1),
        "HWCS20250101001"
    );
    assert_eq!(
        batch(&mut store, BatchKind::Generation, 1),
        "HWCS20250101002"
    );
    assert_eq!(
        batch(&mut store, BatchKind::IntoStore, 1),
        "HWRK20250101001"
    );
    assert_eq!(
        batch(&mut store, BatchKind::Generation, 2),
        "HWCS20250102001"
    );
    assert_eq!(
        batch(&mut store, BatchKind::Generation, 1),
        "HWCS20250101003"
    );
    for kind in BatchKind::all() {
        let code = batch(&mut store, kind, 9);
        assert_eq!(code, format!("{}20250109001", kind.prefix()));
    }
    for kind in BatchKind::all() {
        let code = batch(&mut store, kind, 9);
        assert_eq!(code, format!("{}20250109002", kind.prefix()));
    }
    // Several in one transaction, and after reopening.
    let codes: Vec<u32> = store
        .write(|tx| {
            (0..3)
                .map(|_| {
                    tx.draw_batch(BatchKind::OutOfStore, day(1))
                        .map(|b| b.serial())
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap();
    assert_eq!(codes, [1, 2, 3]);
    drop(store);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        batch(&mut store, BatchKind::Generation, 1),
        "HWCS20250101004"
    );
    assert_eq!(
        batch(&mut store, BatchKind::OutOfStore, 1),
        "HWCK20250101004"
    );
    // A failed transaction draws nothing.
    let r: Result<(), StoreError> = store.write(|tx| {
        tx.draw_batch(BatchKind::Generation, day(1))?;
        Err(StoreError::new(StoreErrorKind::Database, "abandoned"))
    });
    assert!(r.is_err());
    assert_eq!(
        batch(&mut store, BatchKind::Generation, 1),
        "HWCS20250101005"
    );
    // A thousandth batch in a day still gets a code (the serial grows past three digits).
    let last = store
        .write(|tx| {
            let mut last = None;
            for _ in 0..1000 {
                last = Some(tx.draw_batch(BatchKind::OwnUse, day(20))?);
            }
            Ok::<_, StoreError>(last.unwrap())
        })
        .unwrap();
    assert_eq!(last.serial(), 1000);
    assert_eq!(last.as_str(), "HWZXLY202501201000");
    assert_eq!(
        last.as_str().parse::<yima_codes::BatchCode>().unwrap(),
        last
    );
}

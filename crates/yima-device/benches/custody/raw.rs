//! The raw limits: bare Ed25519, bare SQLite insert, bare batch verify.

use super::common::*;
use ed25519_dalek::{Signer, SigningKey};
use rusqlite::{params, TransactionBehavior};
use std::path::Path;
use std::time::{Duration, Instant};
use yima_core::{RawEvent, SIGNATURE_DOMAIN};
// ---------------------------------------------------------------------------------------
// Raw limits.

/// Bare Ed25519 signatures over each event's canonical bytes.
pub(crate) fn raw_sign(key: &SigningKey, events: &[RawEvent]) -> Duration {
    let t = Instant::now();
    let mut acc = 0u8;
    for e in events {
        acc ^= key.sign(&e.canonical).to_bytes()[0];
    }
    std::hint::black_box(acc);
    t.elapsed()
}

/// Bare SQLite insert of (hex id, canonical bytes), all in one transaction.
pub(crate) fn raw_insert(dir: &Path, events: &[RawEvent]) -> Duration {
    let mut conn = bare_db(&dir.join("bare.db"));
    let ids: Vec<String> = events.iter().map(|e| e.id.to_string()).collect();
    let t = Instant::now();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    {
        let mut stmt = tx
            .prepare_cached("INSERT INTO events (id, body) VALUES (?1, ?2)")
            .unwrap();
        for (id, e) in ids.iter().zip(events) {
            stmt.execute(params![id, e.canonical]).unwrap();
        }
    }
    tx.commit().unwrap();
    t.elapsed()
}

/// Bare `ed25519_dalek::verify_batch` over the events' signatures (inputs prepared untimed),
/// on one thread, then in two halves on two threads.
pub(crate) fn raw_verify_batch(events: &[RawEvent]) -> (Duration, Duration) {
    let mut messages = Vec::new();
    let mut sigs = Vec::new();
    let mut keys = Vec::new();
    let mut key_cache: std::collections::HashMap<[u8; 32], ed25519_dalek::VerifyingKey> =
        Default::default();
    for e in events {
        for s in &e.signatures {
            let mut m = SIGNATURE_DOMAIN.to_vec();
            m.extend_from_slice(e.id.as_bytes());
            messages.push(m);
            sigs.push(ed25519_dalek::Signature::from_bytes(s.sig.as_bytes()));
            let k = *key_cache.entry(*s.key.as_bytes()).or_insert_with(|| {
                ed25519_dalek::VerifyingKey::from_bytes(s.key.as_bytes()).unwrap()
            });
            keys.push(k);
        }
    }
    let refs: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
    let t = Instant::now();
    let ok = ed25519_dalek::verify_batch(&refs, &sigs, &keys).is_ok();
    let d = t.elapsed();
    assert!(ok, "bare batch verification failed");
    // The same signatures in two halves, one per core: what the raw limit becomes when it
    // may use the second core too, as `verify` does.
    let h = refs.len() / 2;
    let t = Instant::now();
    let ok = std::thread::scope(|scope| {
        let first =
            scope.spawn(|| ed25519_dalek::verify_batch(&refs[..h], &sigs[..h], &keys[..h]).is_ok());
        let second = ed25519_dalek::verify_batch(&refs[h..], &sigs[h..], &keys[h..]).is_ok();
        first.join().unwrap() && second
    });
    let d2 = t.elapsed();
    assert!(ok, "bare batch verification on two threads failed");
    (d, d2)
}

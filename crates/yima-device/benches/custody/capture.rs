//! 1. Batched capture (and the verification of what it stored).

use super::common::*;
use super::raw::*;
use ed25519_dalek::SigningKey;
use std::time::{Duration, Instant};
use yima_core::{
    decode, encode, verify, EventId, KeyDirectory, KeyEntry, RawEvent, Timestamp, VerifyOptions,
};
use yima_device::{ActionRequest, ManualClock};
// ---------------------------------------------------------------------------------------
// 1. Batched capture.

pub(crate) struct CaptureRep {
    pub(crate) register: Duration,
    pub(crate) register_sign: Duration,
    pub(crate) register_insert: Duration,
    pub(crate) record: Duration,
    pub(crate) record_sign: Duration,
    pub(crate) record_insert: Duration,
    pub(crate) verify_core: Duration,
    pub(crate) verify_device: Duration,
    pub(crate) verify_bare: Duration,
    pub(crate) verify_bare_two: Duration,
    pub(crate) events_verified: usize,
    /// Mean canonical body size of the generated and the stored events, in bytes.
    pub(crate) body_bytes: (usize, usize),
    /// Parts of verification, over the same events: SHA-256 ids, decode (parse and
    /// canonical check), encode alone.
    pub(crate) part_hash: Duration,
    pub(crate) part_decode: Duration,
    pub(crate) part_encode: Duration,
}

/// Times the content checks `verify` makes per event, each over every event.
pub(crate) fn verify_parts(events: &[RawEvent]) -> (Duration, Duration, Duration) {
    let t = Instant::now();
    let mut acc = 0u8;
    for e in events {
        acc ^= EventId::of_canonical(&e.canonical).as_bytes()[0];
    }
    let hash = t.elapsed();
    let t = Instant::now();
    let bodies: Vec<_> = events
        .iter()
        .map(|e| decode(&e.canonical).expect("decodes"))
        .collect();
    let dec = t.elapsed();
    let t = Instant::now();
    for b in &bodies {
        acc ^= encode(b)[0];
    }
    let enc = t.elapsed();
    std::hint::black_box(acc);
    (hash, dec, enc)
}

pub(crate) fn capture_rep(n: usize) -> CaptureRep {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("device");
    let now = now_ms();
    let mut device = producer(&dir, ManualClock::new(Timestamp(now)));
    let reqs = containers(n, now);

    // register_all: N generated events (sign + insert + label + container rows), one transaction.
    let t = Instant::now();
    let labels = device.register_all(&reqs).expect("register_all");
    let register = t.elapsed();
    assert_eq!(labels.len(), n);

    // record_all: N stored events chained on those containers, one transaction.
    let stores: Vec<ActionRequest> = labels.iter().map(|l| store_request(&l.code)).collect();
    let t = Instant::now();
    let stored = device.record_all(&stores).expect("record_all");
    let record = t.elapsed();
    assert_eq!(stored.len(), n);

    // The same bytes, raw.
    let events = stored_events(&dir);
    assert_eq!(events.len(), 2 * n);
    let (generated, chained) = events.split_at(n);
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let register_sign = raw_sign(&key, generated);
    let bare_dir = tmp.path().join("bare-g");
    std::fs::create_dir_all(&bare_dir).unwrap();
    let register_insert = raw_insert(&bare_dir, generated);
    let record_sign = raw_sign(&key, chained);
    let bare_dir = tmp.path().join("bare-s");
    std::fs::create_dir_all(&bare_dir).unwrap();
    let record_insert = raw_insert(&bare_dir, chained);

    // Verification of the 2N stored events.
    let card = device.identity().expect("identity");
    let mut keys = KeyDirectory::new();
    keys.insert(
        card.key,
        KeyEntry {
            org: card.org.credit_code.clone(),
            roles: card.org_roles.clone(),
            revoked_at: None,
        },
    );
    let options = VerifyOptions {
        complete_devices: vec![card.key],
        unused_seqs: Vec::new(),
    };
    let t = Instant::now();
    let report = verify(&events, &keys, &options);
    let verify_core = t.elapsed();
    assert!(report.ok(), "verify failed: {:?}", report.failures.first());
    let t = Instant::now();
    let result = device.verify(None).expect("device verify");
    let verify_device = t.elapsed();
    assert!(
        result.ok(),
        "device verify failed: {:?}",
        result.failures.first()
    );
    let (verify_bare, verify_bare_two) = raw_verify_batch(&events);
    let (part_hash, part_decode, part_encode) = verify_parts(&events);

    CaptureRep {
        register,
        register_sign,
        register_insert,
        record,
        record_sign,
        record_insert,
        verify_core,
        verify_device,
        verify_bare,
        verify_bare_two,
        events_verified: events.len(),
        body_bytes: (mean_len(generated), mean_len(chained)),
        part_hash,
        part_decode,
        part_encode,
    }
}

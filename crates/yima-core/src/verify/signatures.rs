//! Every signature of a set of events, checked in batches that any number of threads take
//! from one queue: the thread with other work (decoding, chains) takes batches once it is
//! done, so the two cores finish together.

use super::RawEvent;
use crate::signing::{PublicKey, SIGNATURE_DOMAIN};
use ed25519_dalek::VerifyingKey;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The message a signature signs: the domain separator and the event id (as in `signing`).
const SIGNED_LEN: usize = SIGNATURE_DOMAIN.len() + 32;

/// Signatures per batch at least, unless fewer are left: a batch check has a fixed cost
/// (its multi-scalar multiplication's buckets) that only a few hundred signatures amortise.
const MIN_BATCH: usize = 256;

/// How many of the `left` signatures the next batch takes: half of them (so the first
/// batches are large, their fixed cost spread thin, and the last ones small, so that
/// both threads finish together), at least [`MIN_BATCH`].
fn batch_size(left: usize) -> usize {
    (left / 2).max(MIN_BATCH).min(left)
}

/// The signatures to check, as (event index, signature index), and where the next batch
/// starts.
pub(super) struct Batches<'a> {
    events: &'a [RawEvent],
    items: Vec<(usize, usize)>,
    next: AtomicUsize,
}

impl<'a> Batches<'a> {
    /// Every signature of `events`, in order.
    pub(super) fn new(events: &'a [RawEvent]) -> Batches<'a> {
        let items: Vec<(usize, usize)> = events
            .iter()
            .enumerate()
            .flat_map(|(e, raw)| (0..raw.signatures.len()).map(move |s| (e, s)))
            .collect();
        Batches {
            events,
            items,
            next: AtomicUsize::new(0),
        }
    }

    /// Takes the next batch, if any is left.
    fn take(&self) -> Option<Range<usize>> {
        let len = self.items.len();
        let start = self
            .next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < len).then(|| n + batch_size(len - n))
            })
            .ok()?;
        Some(start..start + batch_size(len - start))
    }

    /// Checks batches until none is left to take; returns those that failed.
    pub(super) fn work(&self) -> Vec<Range<usize>> {
        let mut failed = Vec::new();
        // A device's events all carry its key: each distinct key is decompressed once per
        // thread, not once per signature (about half the cost of a signature in a batch).
        let mut points = HashMap::new();
        while let Some(batch) = self.take() {
            if !self.verifies(batch.clone(), &mut points) {
                failed.push(batch);
            }
        }
        failed
    }

    /// Every signature, as one failed batch: when a thread checking them was lost.
    pub(super) fn all(&self) -> Vec<Range<usize>> {
        std::iter::once(0..self.items.len()).collect()
    }

    /// `ed25519_dalek::verify_batch` over the signatures in `range`: `false` if any fails or
    /// any key is not a curve point.
    fn verifies(
        &self,
        range: Range<usize>,
        points: &mut HashMap<PublicKey, Option<VerifyingKey>>,
    ) -> bool {
        let items = &self.items[range];
        let mut keys = Vec::with_capacity(items.len());
        let mut messages = Vec::with_capacity(items.len());
        let mut sigs = Vec::with_capacity(items.len());
        for &(e, s) in items {
            let raw = &self.events[e];
            let signature = &raw.signatures[s];
            let point = *points
                .entry(signature.key)
                .or_insert_with(|| VerifyingKey::from_bytes(signature.key.as_bytes()).ok());
            let Some(point) = point else {
                return false;
            };
            keys.push(point);
            let mut m = [0u8; SIGNED_LEN];
            m[..SIGNATURE_DOMAIN.len()].copy_from_slice(SIGNATURE_DOMAIN);
            m[SIGNATURE_DOMAIN.len()..].copy_from_slice(raw.id.as_bytes());
            messages.push(m);
            sigs.push(ed25519_dalek::Signature::from_bytes(
                signature.sig.as_bytes(),
            ));
        }
        let messages: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
        ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok()
    }

    /// The signatures of the `failed` batches that do not verify one by one, as (event
    /// index, signature index).
    pub(super) fn bad_in(&self, failed: &[Range<usize>]) -> Vec<(usize, usize)> {
        failed
            .iter()
            .flat_map(|b| self.items[b.clone()].iter().copied())
            .filter(|&(e, s)| {
                let raw = &self.events[e];
                let signature = &raw.signatures[s];
                !signature.key.verify(&raw.id, &signature.sig)
            })
            .collect()
    }
}

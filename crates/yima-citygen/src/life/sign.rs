//! Signing and batching: every life's events signed in parallel and laid out phase by
//! phase as devices push them, and those pushes merged into larger batches.

use super::build::{Pushes, Unsigned};
use super::MINUTE;
use crate::{CityTrack, Push};
use std::collections::HashMap;
use yima_core::{DeviceKey, EventId, SignedEvent, Timestamp};

/// Signs every life's events (in parallel) and lays out the pushes phase by phase.
pub(super) fn sign_all(lives: Vec<Pushes>, keys: &[&DeviceKey], progress: bool) -> Vec<Push> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = lives.len().div_ceil(threads).max(1);
    let mut lives = lives;
    let total = lives.len();
    let signed: Vec<Vec<(u8, Push)>> = std::thread::scope(|s| {
        let handles: Vec<_> = lives
            .chunks_mut(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    for (k, life) in part.iter_mut().enumerate() {
                        let events: Vec<SignedEvent> = std::mem::take(&mut life.events)
                            .into_iter()
                            .map(|u| sign(u, keys))
                            .collect();
                        for (phase, pusher, idx, tracks) in std::mem::take(&mut life.pushes) {
                            let at = idx
                                .iter()
                                .map(|i| events[*i].body.at)
                                .max()
                                .map(|t| Timestamp(t.0 + MINUTE))
                                .expect("a push has events");
                            out.push((
                                phase,
                                Push {
                                    phase,
                                    pusher: keys[pusher].public(),
                                    at,
                                    events: idx.iter().map(|i| events[*i].clone()).collect(),
                                    tracks: tracks
                                        .into_iter()
                                        .map(|(i, _, fixes)| CityTrack {
                                            event: events[i].id,
                                            carrier: events[i]
                                                .body
                                                .event
                                                .giver()
                                                .expect("a handover")
                                                .org
                                                .clone(),
                                            fixes,
                                        })
                                        .collect(),
                                },
                            ));
                        }
                        if progress && (k + 1) % 10_000 == 0 {
                            eprintln!("citygen: a thread signed {} lives (of {total})", k + 1);
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("signing thread"))
            .collect()
    });
    let mut all: Vec<(u8, Push)> = signed.into_iter().flatten().collect();
    // Stable: within a phase, containers keep their order.
    all.sort_by_key(|(phase, _)| *phase);
    all.into_iter().map(|(_, p)| p).collect()
}

fn sign(u: Unsigned, keys: &[&DeviceKey]) -> SignedEvent {
    let signatures = u
        .signers
        .iter()
        .map(|d| {
            let mut s = keys[*d].sign(&u.id);
            if u.forge {
                s.sig = keys[*d].sign(&EventId::of_canonical(b"another event")).sig;
            }
            s
        })
        .collect();
    SignedEvent {
        id: u.id,
        canonical: u.canonical,
        body: u.body,
        signatures,
    }
}

/// `pushes` merged into batches of at most `max` events of one pusher, phase by phase (a
/// push's events stay in one batch and in order).
pub(crate) fn batched(pushes: &[Push], max: usize) -> Vec<Push> {
    let mut out: Vec<Push> = Vec::new();
    let mut open: HashMap<yima_core::PublicKey, usize> = HashMap::new();
    let mut phase = None;
    for p in pushes {
        // A new phase: close every batch.
        if phase != Some(p.phase) {
            open.clear();
            phase = Some(p.phase);
        }
        match open.get(&p.pusher) {
            Some(&i) if out[i].events.len() + p.events.len() <= max => {
                let b = &mut out[i];
                b.events.extend(p.events.iter().cloned());
                b.tracks.extend(p.tracks.iter().cloned());
                b.at = b.at.max(p.at);
            }
            _ => {
                open.insert(p.pusher, out.len());
                out.push(p.clone());
            }
        }
    }
    out
}

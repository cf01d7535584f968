//! The device's side of syncing with the registry: what to push, what the answers mean for
//! the outbox, storing pulled events, learning keys, and signing requests. The HTTP lives in
//! `yima-sync`; nothing here touches the network.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::status::{append, load_status};
use crate::Device;
use rand::RngCore;
use serde::Serialize;
use std::collections::BTreeMap;
use yima_codes::LabelCode;
use yima_core::{apply, ContainerStatus, SignedEvent, Timestamp, WireEvent};
use yima_protocol::{sign_request, DeviceInfo, FeedEntry, PushOutcome, PushResult, RequestAuth};
use yima_store::{KeySource, KnownKey, OutboxStatus, Tx};

/// What a pull stored.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PullReport {
    /// Events new to this device, stored.
    pub stored: usize,
    /// Events this device already had.
    pub known: usize,
    /// Events stored that fork a chain (kept and flagged by verification).
    pub forks: usize,
}

/// Outbox counts: pending, accepted, refused.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct OutboxCounts {
    /// Not yet accepted.
    pub pending: u64,
    /// Accepted by the registry.
    pub accepted: u64,
    /// Refused by the registry (kept, with the reason, in `history`).
    pub refused: u64,
}

/// The status of `code` just after `event` on its chain (for storing a fork).
fn status_at(
    tx: &Tx<'_>,
    code: &LabelCode,
    event: yima_core::EventId,
) -> Result<Option<ContainerStatus>, DeviceError> {
    let mut status: Option<ContainerStatus> = None;
    for row in tx.container_event_rows(code)? {
        let raw = row.to_raw()?;
        let e = SignedEvent::from_parts(raw.id, raw.canonical, raw.signatures).map_err(|err| {
            DeviceError::new(
                ErrorKind::Storage,
                format!("stored event {} is unreadable: {err}", raw.id),
            )
        })?;
        let link = e.body.link(code).expect("selected by link");
        if link.prev != status.as_ref().map(|s| s.head) {
            continue;
        }
        status = Some(apply(status.as_ref(), e.id, &e.body, code)?);
        if e.id == event {
            return Ok(status);
        }
    }
    Ok(None)
}

impl<C: Clock> Device<C> {
    /// The registry this device syncs with, and its feed cursor.
    pub fn registry(&mut self) -> Result<Option<(String, i64)>, DeviceError> {
        self.store.read(|tx| Ok(tx.registry()?))
    }

    /// Records the registry this device enrolled with.
    pub fn set_registry(&mut self, url: &str) -> Result<(), DeviceError> {
        let now = self.clock.now();
        self.store.write(|tx| Ok(tx.set_registry(url, now)?))
    }

    /// Signs a request to the registry with this device's key.
    pub fn sign_request(
        &mut self,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<RequestAuth, DeviceError> {
        let key = self
            .store
            .read(|tx| Ok::<_, DeviceError>(tx.require_device()?.key))?;
        let mut nonce = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        Ok(sign_request(
            &key,
            method,
            path,
            self.clock.now().0,
            &hex_lower(&nonce),
            body,
        ))
    }

    /// Up to `limit` events still to push, after local position `after_pos`: (position, event).
    pub fn outbox_batch(
        &mut self,
        after_pos: i64,
        limit: u32,
    ) -> Result<Vec<(i64, WireEvent)>, DeviceError> {
        self.store.read(|tx| {
            tx.pending_outbox(after_pos, limit)?
                .into_iter()
                .map(|row| {
                    let raw = row.to_raw()?;
                    Ok((
                        row.pos,
                        WireEvent {
                            id: raw.id,
                            body: String::from_utf8_lossy(&raw.canonical).into_owned(),
                            signatures: raw.signatures,
                        },
                    ))
                })
                .collect()
        })
    }

    /// Records the registry's answers. Nothing is deleted or rewritten: an event is marked
    /// accepted, or refused with the reason; a deferred one stays pending.
    pub fn mark_pushed(&mut self, results: &[PushResult]) -> Result<(), DeviceError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            for r in results {
                let id = r.id.to_string();
                let status = match r.outcome {
                    PushOutcome::Accepted | PushOutcome::Duplicate | PushOutcome::Fork => {
                        OutboxStatus::Accepted
                    }
                    PushOutcome::Refused => {
                        OutboxStatus::Refused(r.reason.clone().unwrap_or_default())
                    }
                    PushOutcome::Deferred => OutboxStatus::Pending,
                };
                let note = match r.outcome {
                    PushOutcome::Fork => r.reason.as_deref().map(|x| format!("fork: {x}")),
                    PushOutcome::Deferred => r.reason.as_deref().map(|x| format!("deferred: {x}")),
                    _ => None,
                };
                tx.mark_outbox(&id, &status, note.as_deref(), now)?;
            }
            Ok(())
        })
    }

    /// Outbox counts.
    pub fn outbox_counts(&mut self) -> Result<OutboxCounts, DeviceError> {
        self.store.read(|tx| {
            let (pending, accepted, refused) = tx.outbox_counts()?;
            Ok(OutboxCounts {
                pending,
                accepted,
                refused,
            })
        })
    }

    /// Stores a page of the registry's feed and moves the cursor to `next`, in one transaction.
    pub fn store_pulled(
        &mut self,
        entries: &[FeedEntry],
        next: i64,
    ) -> Result<PullReport, DeviceError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let mut report = PullReport::default();
            for entry in entries {
                let e = entry.event.parse().map_err(|err| {
                    DeviceError::new(
                        ErrorKind::BadHandover,
                        format!(
                            "the registry sent an invalid event {}: {err}",
                            entry.event.id.short()
                        ),
                    )
                })?;
                if tx.has_event(&e.id)? {
                    report.known += 1;
                    continue;
                }
                let mut statuses = BTreeMap::new();
                for l in &e.body.links {
                    let Some(prev) = l.prev else { continue };
                    let current = load_status(tx, &l.container)?;
                    let status = match current {
                        Some(s) if s.head == prev => Some(s),
                        _ => status_at(tx, &l.container, prev)?,
                    };
                    let Some(status) = status else {
                        return Err(DeviceError::new(
                            ErrorKind::Storage,
                            format!(
                                "event {} follows {} of {}, which this device does not have",
                                e.id.short(),
                                prev.short(),
                                l.container
                            ),
                        ));
                    };
                    statuses.insert(l.container.clone(), status);
                }
                if entry.fork_of.is_some() {
                    report.forks += 1;
                }
                append(tx, &e, &statuses, false, now)?;
                // History pulled after a handover taken over QR codes arrives behind it:
                // the kept status would no longer be the fold of the chain; read it again.
                for l in &e.body.links {
                    tx.forget_status(&l.container);
                }
                report.stored += 1;
            }
            tx.set_feed_cursor(next)?;
            Ok(report)
        })
    }

    /// Learns the registry's key directory (new keys, and revocations of known ones).
    pub fn learn_keys(&mut self, devices: &[DeviceInfo]) -> Result<usize, DeviceError> {
        let now: Timestamp = self.clock.now();
        self.store.write(|tx| {
            let mut added = 0;
            for d in devices {
                let k = KnownKey {
                    key: d.key,
                    org: d.org.clone(),
                    org_name: d.org_name.clone(),
                    roles: d.org_roles.clone(),
                    source: KeySource::Registry,
                    revoked_at: d.revoked_at,
                };
                if tx.add_known_key(&k, now)? {
                    added += 1;
                }
                if let Some(r) = d.revoked_at {
                    tx.set_key_revoked(&d.key, r)?;
                }
            }
            Ok(added)
        })
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

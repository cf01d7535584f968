//! The device's side of syncing with the registry: what to push, what the answers mean for
//! the outbox, storing pulled events, learning keys, and signing requests. The HTTP lives in
//! `yima-sync`; nothing here touches the network.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::status::{append, keep_unapplied, load_status};
use crate::Device;
use rand::RngCore;
use serde::Serialize;
use std::collections::BTreeMap;
use yima_codes::LabelCode;
use yima_core::{apply, ContainerStatus, Timestamp, WireEvent};
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
    /// Events stored without being applied: forks that break a rule of custody (kept and
    /// flagged by verification).
    pub unapplied: usize,
    /// Route fixes new to this device, pulled beside events that sign their track.
    pub fixes: usize,
}

/// Where a device's block of label sequences comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockSource {
    /// Given by the registry at enrolment: no other device of the organisation draws from it.
    Registry,
    /// Chosen when the device was set up (`--seq-block`).
    SetUp,
    /// None: the device draws from all of 1-999, as another device of its organisation set
    /// up the same way would, so two of them can draw the same label code (a fork). It
    /// should enrol with the registry, which gives it a block, or be set up with one.
    None,
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

/// The status of `code` just after `event` on its chain (for storing a fork): the events
/// from the container's start to `event`, followed back by their links from `event` (so a
/// branch that is not the one first stored is followed too), folded in order.
fn status_at(
    tx: &Tx<'_>,
    code: &LabelCode,
    event: yima_core::EventId,
) -> Result<Option<ContainerStatus>, DeviceError> {
    let mut by_id = std::collections::HashMap::new();
    for e in crate::stored::container_events(tx, code)? {
        by_id.insert(e.id, e);
    }
    let mut path = Vec::new();
    let mut cursor = Some(event);
    while let Some(id) = cursor {
        let Some(e) = by_id.get(&id) else {
            return Ok(None);
        };
        // A chain's links are hashes: they cannot loop, but a damaged store could.
        if path.len() > by_id.len() {
            return Ok(None);
        }
        path.push(e);
        cursor = e.body.link(code).and_then(|l| l.prev);
    }
    let mut status: Option<ContainerStatus> = None;
    for e in path.into_iter().rev() {
        status = Some(apply(status.as_ref(), e.id, &e.body, code)?);
    }
    Ok(status)
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

    /// Records the label sequence block the registry gave this device at enrolment: its
    /// labels are drawn from it from now on, so no other device of its organisation draws
    /// the same code.
    pub fn assign_sequence_block(
        &mut self,
        block: &yima_codes::SequenceBlock,
    ) -> Result<(), DeviceError> {
        let now = self.clock.now();
        self.store.write(|tx| Ok(tx.assign_block(block, now)?))
    }

    /// The block of label sequences this device draws from, and where it comes from.
    pub fn sequence_block(
        &mut self,
    ) -> Result<(yima_codes::SequenceBlock, BlockSource), DeviceError> {
        self.store.read(|tx| {
            let device = tx.require_device()?;
            let source = if tx.has_assigned_block()? {
                BlockSource::Registry
            } else if device.seq_block != yima_codes::SequenceBlock::FULL {
                BlockSource::SetUp
            } else {
                BlockSource::None
            };
            Ok((device.seq_block, source))
        })
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
                    tx.record_arrival(&e.id, entry.arrived_at)?;
                    report.known += 1;
                    continue;
                }
                let mut statuses = BTreeMap::new();
                // A fork built on an event kept unapplied has no status to follow from.
                let mut unfollowable = false;
                for l in &e.body.links {
                    let Some(prev) = l.prev else { continue };
                    let current = load_status(tx, &l.container)?;
                    let status = match current {
                        Some(s) if s.head == prev => Some(s),
                        _ => match status_at(tx, &l.container, prev) {
                            Ok(s) => s,
                            Err(err) if breaks_custody(&err) => {
                                unfollowable = true;
                                continue;
                            }
                            Err(err) => return Err(err),
                        },
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
                // The registry keeps a fork without applying it, so one breaking a rule of
                // custody can arrive here: kept unapplied, flagged by verification, and sync
                // goes on (one party's fork stops no one else's work).
                let applied = if unfollowable {
                    Err(None)
                } else {
                    append(tx, &e, &statuses, false, now).map_err(Some)
                };
                match applied {
                    Ok(_) => {}
                    Err(None) => {
                        keep_unapplied(tx, &e, &statuses, now)?;
                        report.unapplied += 1;
                    }
                    Err(Some(err)) if breaks_custody(&err) => {
                        keep_unapplied(tx, &e, &statuses, now)?;
                        report.unapplied += 1;
                    }
                    Err(Some(err)) => return Err(err),
                }
                tx.record_arrival(&e.id, entry.arrived_at)?;
                // History pulled after a handover taken over QR codes arrives behind it:
                // the kept status would no longer be the fold of the chain; read it again.
                for l in &e.body.links {
                    tx.forget_status(&l.container);
                }
                report.stored += 1;
            }
            // The route fixes beside the events, kept once they hash to the signed track.
            report.fixes = crate::track_sync::store_pulled_fixes(tx, entries, now)?;
            tx.set_feed_cursor(next)?;
            Ok(report)
        })
    }

    /// Learns the registry's key directory (new keys, and revocations of known ones). A
    /// device with no block of label sequences (neither given at enrolment nor chosen at
    /// set-up) takes up the one the registry has given it since, if the directory shows one.
    pub fn learn_keys(&mut self, devices: &[DeviceInfo]) -> Result<KeysLearned, DeviceError> {
        let now: Timestamp = self.clock.now();
        self.store.write(|tx| {
            let mut learned = KeysLearned::default();
            let me = tx.require_device()?;
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
                    learned.added += 1;
                }
                if let Some(r) = d.revoked_at {
                    tx.set_key_revoked(&d.key, r)?;
                }
                if let Some(block) = d.seq_block.filter(|_| d.key == me.key.public()) {
                    if me.seq_block == yima_codes::SequenceBlock::FULL
                        && !tx.has_assigned_block()?
                    {
                        tx.assign_block(&block, now)?;
                        learned.block_taken_up = Some(block);
                    }
                }
            }
            Ok(learned)
        })
    }
}

/// What [`Device::learn_keys`] learned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeysLearned {
    /// Keys new to the device.
    pub added: usize,
    /// The block of label sequences the registry has given this device, taken up now.
    pub block_taken_up: Option<yima_codes::SequenceBlock>,
}

/// Whether `err` is a rule of custody refusing an event (not storage or input failing).
fn breaks_custody(err: &DeviceError) -> bool {
    matches!(err.kind(), ErrorKind::Forbidden | ErrorKind::BadInput)
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

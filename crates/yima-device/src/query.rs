//! What a device can show: one container, the list, and a container's timeline.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::status::load_status;
use crate::Device;
use serde::Serialize;
use yima_codes::LabelCode;
use yima_core::{ContainerLabel, ContainerState, EventKind, SignedEvent, Step, Timestamp};
use yima_store::OutboxStatus;

/// One container as this device knows it.
#[derive(Clone, Debug, Serialize)]
pub struct ContainerView {
    /// The label as generated.
    pub label: ContainerLabel,
    /// Its state.
    pub state: ContainerState,
    /// Credit code of the organisation holding it.
    pub holder: String,
    /// Manifest number it travels under, if dispatched.
    pub manifest: Option<String>,
    /// Number of events in its chain.
    pub events: usize,
    /// Catalogue edition it was labelled under.
    pub catalogue_edition: String,
}

/// One line of `container list`.
#[derive(Clone, Debug, Serialize)]
pub struct ContainerSummary {
    /// Code.
    pub code: String,
    /// Waste code.
    pub waste_code: String,
    /// Waste name.
    pub name: String,
    /// Declared quantity with unit.
    pub quantity: String,
    /// State.
    pub state: ContainerState,
}

/// One event of a container's timeline.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryEntry {
    /// Event id (hex).
    pub id: String,
    /// The step.
    pub step: Step,
    /// When it happened.
    pub at: Timestamp,
    /// Recorder's organisation.
    pub org: String,
    /// Recorder's role.
    pub role: yima_core::Role,
    /// Short keys of every signer.
    pub signers: Vec<String>,
    /// Sync status: pending, accepted, refused, or none (learned from another device).
    pub sync: String,
    /// Step details in English key=value form.
    pub details: Vec<(String, String)>,
}

fn unknown(code: &LabelCode) -> DeviceError {
    DeviceError::bilingual(
        ErrorKind::UnknownContainer,
        format!("no record of container {code}"),
        format!("没有容器 {code} 的记录"),
    )
}

fn details(kind: &EventKind) -> Vec<(String, String)> {
    let kv = |k: &str, v: String| (k.to_string(), v);
    match kind {
        EventKind::Generated {
            batch,
            label,
            catalogue_edition,
        } => vec![
            kv("batch", batch.to_string()),
            kv("waste", format!("{} {}", label.waste_code, label.name)),
            kv("quantity", label.quantity.to_string()),
            kv("catalogue", catalogue_edition.clone()),
        ],
        EventKind::Stored {
            batch,
            facility_code,
        } => vec![
            kv("batch", batch.to_string()),
            kv("facility", facility_code.clone()),
        ],
        EventKind::Dispatched {
            batch, manifest, ..
        } => vec![
            kv("batch", batch.to_string()),
            kv("manifest", manifest.number.to_string()),
            kv("carrier", manifest.carrier.name.clone()),
            kv("receiver", manifest.receiver.name.clone()),
        ],
        EventKind::PickedUp {
            giver,
            manifest,
            vehicle_plate,
            driver,
            ..
        } => vec![
            kv("from", giver.org.to_string()),
            kv("manifest", manifest.to_string()),
            kv("vehicle", vehicle_plate.clone()),
            kv("driver", driver.clone()),
        ],
        EventKind::RelayHandover {
            giver,
            vehicle_plate,
            place,
            ..
        } => vec![
            kv("from", giver.org.to_string()),
            kv("vehicle", vehicle_plate.clone()),
            kv("place", place.clone()),
        ],
        EventKind::Received { giver, manifest } => vec![
            kv("from", giver.org.to_string()),
            kv("manifest", manifest.to_string()),
        ],
        EventKind::Weighed { measured } => vec![kv("measured", measured.to_string())],
        EventKind::Accepted { quantity } => vec![kv("accepted", quantity.to_string())],
        EventKind::PartlyRefused {
            accepted,
            refused,
            reason,
        } => vec![
            kv("accepted", accepted.to_string()),
            kv("refused", refused.to_string()),
            kv("reason", reason.clone()),
        ],
        EventKind::Refused { quantity, reason } => vec![
            kv("refused", quantity.to_string()),
            kv("reason", reason.clone()),
        ],
        EventKind::Returned { giver, reason } => vec![
            kv("from", giver.org.to_string()),
            kv("reason", reason.clone()),
        ],
        EventKind::Disposed {
            batch,
            mode,
            method,
            completed_at,
        } => vec![
            kv("batch", batch.to_string()),
            kv("mode", mode.name(yima_codes::Lang::En).into()),
            kv("method", method.clone()),
            kv("completed", completed_at.to_string()),
        ],
        EventKind::Merged { target, .. } => vec![kv("into", target.code.to_string())],
        EventKind::Split { parts, .. } => {
            vec![kv(
                "parts",
                parts
                    .iter()
                    .map(|p| p.code.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            )]
        }
        EventKind::Correction {
            corrects,
            reason,
            changes,
        } => {
            let mut v = vec![
                kv("corrects", corrects.short()),
                kv("reason", reason.clone()),
            ];
            v.extend(changes.iter().map(|(k, x)| (format!("set {k}"), x.clone())));
            v
        }
        EventKind::Void { reason } => vec![kv("reason", reason.clone())],
    }
}

impl<C: Clock> Device<C> {
    /// One container.
    pub fn container(&mut self, code: &LabelCode) -> Result<ContainerView, DeviceError> {
        self.store.read(|tx| {
            let status = load_status(tx, code)?.ok_or_else(|| unknown(code))?;
            let edition = tx
                .container(code)?
                .map(|c| c.catalogue_edition)
                .unwrap_or_default();
            Ok(ContainerView {
                state: status.state,
                holder: status.holder.to_string(),
                manifest: status.manifest.as_ref().map(|m| m.number.to_string()),
                events: status.chain.len(),
                label: status.label,
                catalogue_edition: edition,
            })
        })
    }

    /// Every container this device has a label for.
    pub fn containers(&mut self) -> Result<Vec<ContainerSummary>, DeviceError> {
        self.store.read(|tx| {
            let mut out = Vec::new();
            for row in tx.containers()? {
                let code: LabelCode = row.code.parse()?;
                let state = load_status(tx, &code)?
                    .map(|s| s.state)
                    .ok_or_else(|| unknown(&code))?;
                let quantity = format!(
                    "{} {}",
                    yima_core::format_milli(row.quantity_milli),
                    row.unit
                );
                out.push(ContainerSummary {
                    code: row.code,
                    waste_code: row.waste_code,
                    name: row.name,
                    quantity,
                    state,
                });
            }
            Ok(out)
        })
    }

    /// A container's events, oldest first.
    pub fn history(&mut self, code: &LabelCode) -> Result<Vec<HistoryEntry>, DeviceError> {
        self.store.read(|tx| {
            let rows = tx.container_event_rows(code)?;
            if rows.is_empty() {
                return Err(unknown(code));
            }
            let mut out = Vec::new();
            for row in rows {
                let raw = row.to_raw()?;
                let e = SignedEvent::from_parts(raw.id, raw.canonical, raw.signatures).map_err(
                    |err| {
                        DeviceError::new(
                            ErrorKind::Storage,
                            format!("stored event {} is unreadable: {err}", raw.id),
                        )
                    },
                )?;
                let sync = match tx.outbox_status(&e.id.to_string())? {
                    Some(OutboxStatus::Pending) => "pending".to_string(),
                    Some(OutboxStatus::Accepted) => "accepted".to_string(),
                    Some(OutboxStatus::Refused(r)) => format!("refused: {r}"),
                    None => "none".to_string(),
                };
                out.push(HistoryEntry {
                    id: e.id.to_string(),
                    step: e.body.step(),
                    at: e.body.at,
                    org: e.body.by.org.to_string(),
                    role: e.body.by.role,
                    signers: e.signatures.iter().map(|s| s.key.short()).collect(),
                    sync,
                    details: details(&e.body.event),
                });
            }
            Ok(out)
        })
    }
}

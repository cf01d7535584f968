//! What a device can show: one container, the list, and a container's timeline.

use crate::clock::Clock;
use crate::deadlines::{entered_late, limits_in, Limits, SMALL_POINT_LIMIT_KG_MILLI};
use crate::error::{DeviceError, ErrorKind};
use crate::status::{load_status, SCANNED_LABEL_UNKNOWN};
use crate::Device;
use serde::Serialize;
use yima_codes::{LabelCode, WorkCalendar};
use yima_core::{describe_party, ContainerLabel, ContainerState, EventKind, Step, Timestamp};
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
    /// Its receipt deadline and storage age, judged today.
    pub limits: Limits,
    /// Label fields this device does not know: every field the signed label does not carry,
    /// when the container came in a QR handover and its history is not here yet (see
    /// [`SCANNED_LABEL_UNKNOWN`]); empty otherwise.
    pub unknown_fields: Vec<&'static str>,
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
    /// Its receipt deadline and storage age, judged today.
    pub limits: Limits,
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
    /// Who did the step (经办人): the operator the signed event names for its recorder,
    /// else the person this device kept with it (its own operator, for events it recorded
    /// or took part in before operators were signed, and for handovers the giver composed);
    /// `None` when neither is known.
    pub operator: Option<String>,
    /// Step details in English key=value form.
    pub details: Vec<(String, String)>,
    /// A transfer leg this device entered more than 10 working days after its date (a paper
    /// manifest's leg entered late); `None` when not known (calendar not covering the dates).
    pub entered_late: Option<bool>,
    /// When the registry received it, for an event pulled from the registry.
    pub arrived_at: Option<Timestamp>,
    /// Whether it reached the registry more than [`LATE_ARRIVAL_MS`] after its date: events
    /// held back, or dated back (to before their key's revocation), flagged for the regulator.
    pub arrived_late: bool,
}

/// A correction as the history shows it: the event it corrects (short id), its own id, and
/// each field with its corrected value.
type Corrected = (String, String, Vec<(String, String)>);
/// How long after its date an event may reach the registry before it is flagged: 7 days, a
/// device offline on a long trip. The one place to adjust it.
pub const LATE_ARRIVAL_MS: i64 = 7 * 24 * 3_600_000;

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
        EventKind::Weighing {
            discrepancy,
            measured,
            method,
            scale,
            weigher,
        } => {
            let mut v = vec![
                kv("measured", measured.to_string()),
                kv("method", method.as_str().into()),
            ];
            // Weighed electronically: read from this scale, not typed in.
            if let Some(scale) = scale {
                v.push(kv("scale", scale.clone()));
            }
            v.push(kv("weigher", weigher.clone()));
            if let Some(d) = discrepancy {
                v.push(kv(
                    "discrepancy",
                    d.describe(measured, yima_codes::Lang::En),
                ));
            }
            v
        }
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
        EventKind::Split {
            parts, returning, ..
        } => {
            let mut v = vec![kv(
                "parts",
                parts
                    .iter()
                    .map(|p| p.code.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            )];
            // The refused part going back, and to whom.
            if let Some(r) = returning {
                v.push(kv("returning", r.code.to_string()));
                v.push(kv("to", describe_party(&r.manifest.sender)));
                v.push(kv("manifest", r.manifest.number.to_string()));
            }
            v
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
        EventKind::Void { quantity, reason } => {
            let mut v: Vec<_> = quantity
                .iter()
                .map(|q| kv("quantity", q.to_string()))
                .collect();
            v.push(kv("reason", reason.clone()));
            v
        }
    }
}

impl<C: Clock> Device<C> {
    /// One container.
    pub fn container(&mut self, code: &LabelCode) -> Result<ContainerView, DeviceError> {
        let today = self.clock.now().china_date();
        self.store.read(|tx| {
            let status = load_status(tx, code)?.ok_or_else(|| unknown(code))?;
            let limits = limits_in(tx, code, status.state, today, &self.facilities)?;
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
                limits,
                unknown_fields: match status.partial_from {
                    Some(_) => SCANNED_LABEL_UNKNOWN.to_vec(),
                    None => Vec::new(),
                },
            })
        })
    }

    /// Every container this device has a label for.
    pub fn containers(&mut self) -> Result<Vec<ContainerSummary>, DeviceError> {
        let today = self.clock.now().china_date();
        self.store.read(|tx| {
            let mut out = Vec::new();
            // Kilograms held per small storage point, and which rows are in one.
            let mut held: std::collections::BTreeMap<String, i64> = Default::default();
            let mut in_point: Vec<Option<String>> = Vec::new();
            for row in tx.containers()? {
                let code: LabelCode = row.code.parse()?;
                let status = load_status(tx, &code)?.ok_or_else(|| unknown(&code))?;
                let state = status.state;
                let limits = limits_in(tx, &code, state, today, &self.facilities)?;
                let point = limits
                    .storage
                    .as_ref()
                    .map(|s| s.facility_code.clone())
                    .filter(|f| self.facilities.small_points.contains(f));
                if let Some(f) = &point {
                    *held.entry(f.clone()).or_default() +=
                        status.label.quantity.kilograms_milli().unwrap_or(0);
                }
                in_point.push(point);
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
                    limits,
                });
            }
            // Containers taken over QR codes whose history has not synced yet: known by
            // their scanned labels only, and held here all the same.
            let listed: std::collections::BTreeSet<String> =
                out.iter().map(|s| s.code.clone()).collect();
            for (code, _, _) in tx.scanned_labels()? {
                if listed.contains(code.as_str()) {
                    continue;
                }
                let Some(status) = load_status(tx, &code)? else {
                    continue;
                };
                let state = status.state;
                let limits = limits_in(tx, &code, state, today, &self.facilities)?;
                in_point.push(None);
                out.push(ContainerSummary {
                    code: code.to_string(),
                    waste_code: status.label.waste_code.to_string(),
                    name: status.label.name.clone(),
                    quantity: status.label.quantity.to_string(),
                    state,
                    limits,
                });
            }
            for (summary, point) in out.iter_mut().zip(in_point) {
                summary.limits.small_point_over =
                    point.is_some_and(|f| held[&f] > SMALL_POINT_LIMIT_KG_MILLI);
            }
            out.sort_by(|a, b| a.code.cmp(&b.code));
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
            let own = tx.require_device()?.key.public();
            let mut out = Vec::new();
            for row in rows {
                let stored_at = Timestamp(row.stored_at);
                let e = crate::stored::signed(row.to_raw()?)?;
                let sync = match tx.outbox_status(&e.id.to_string())? {
                    Some(OutboxStatus::Pending) => "pending".to_string(),
                    Some(OutboxStatus::Accepted) => "accepted".to_string(),
                    Some(OutboxStatus::Refused(r)) => format!("refused: {r}"),
                    None => "none".to_string(),
                };
                let arrived_at = tx.arrival(&e.id)?;
                let operator = match &e.body.operator {
                    Some(name) => Some(name.clone()),
                    None => tx.event_operator(&e.id)?,
                };
                out.push(HistoryEntry {
                    operator,
                    arrived_at,
                    arrived_late: arrived_at.is_some_and(|a| a.0 - e.body.at.0 > LATE_ARRIVAL_MS),
                    id: e.id.to_string(),
                    step: e.body.step(),
                    at: e.body.at,
                    org: e.body.by.org.to_string(),
                    role: e.body.by.role,
                    signers: e.signatures.iter().map(|s| s.key.short()).collect(),
                    sync,
                    details: details(&e.body.event),
                    // Only what this device entered itself: an event learned from another
                    // device was stored when it arrived, not when it was entered.
                    entered_late: if e.body.composer == own {
                        entered_late(&e.body.event, e.body.at, stored_at, WorkCalendar::china())
                    } else {
                        Some(false)
                    },
                });
            }
            // A corrected step shows what corrected it and the corrected values; its own
            // details stay as recorded (the original).
            let corrections: Vec<Corrected> = out
                .iter()
                .filter(|h| h.step == Step::Correction)
                .filter_map(|h| {
                    let corrects = h.details.iter().find(|(k, _)| k == "corrects")?.1.clone();
                    let set = h
                        .details
                        .iter()
                        .filter_map(|(k, v)| Some((k.strip_prefix("set ")?.to_string(), v.clone())))
                        .collect();
                    Some((corrects, h.id.clone(), set))
                })
                .collect();
            for (corrects, by, set) in corrections {
                let short = &by[..12.min(by.len())];
                if let Some(h) = out.iter_mut().find(|h| h.id.starts_with(&corrects)) {
                    for (field, value) in set {
                        h.details
                            .push((format!("corrected {field}"), format!("{value} ({short})")));
                    }
                }
            }
            Ok(out)
        })
    }
}

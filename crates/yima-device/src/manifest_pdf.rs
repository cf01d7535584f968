//! The transfer manifest to print (危险废物转移联单): its parties, each container with the
//! quantity sent and as received, accepted or refused, and every signature of every step
//! from the dispatch on, with whether it verified on this device; gathered from the events
//! of the manifest's containers (the scope of the EPCIS export) and rendered by
//! `yima-label`.

use crate::clock::Clock;
use crate::epcis_export::{in_scope, EpcisScope};
use crate::error::{DeviceError, ErrorKind};
use crate::ledger::china_time;
use crate::status::load_status;
use crate::Device;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use yima_codes::{CreditCode, LabelCode, Lang, ManifestNumber};
use yima_core::{
    format_milli, ContainerLabel, EventId, EventKind, Quantity, SignedEvent, Step,
    TransferManifest, Unit,
};
use yima_label::{
    ManifestSheet, SheetCarrier, SheetCell, SheetCorrection, SheetLine, SheetParty, SheetSignature,
};

/// Both languages, Chinese first: `出库 dispatched`.
fn both(zh: &str, en: &str) -> String {
    format!("{zh} {en}")
}

/// A China time without its offset (the sheet says UTC+8 once).
fn china(t: yima_core::Timestamp) -> String {
    china_time(t).chars().take(19).collect()
}

/// A quantity's difference, signed: `+0.5 kg`, `-1.5 kg`.
fn signed_difference(milli: i64, unit: Unit) -> String {
    let sign = if milli < 0 { "-" } else { "+" };
    format!("{sign}{} {unit}", format_milli(milli.abs()))
}

/// One container's quantities along the manifest.
#[derive(Default)]
struct Quantities {
    /// The last weighing before the dispatch under this manifest.
    weighed_before: Option<Quantity>,
    dispatched: bool,
    received: Option<Quantity>,
    accepted: Option<Quantity>,
    refused: Option<Quantity>,
    reason: String,
    /// The weighing `weighed_before` comes from.
    weighed_before_by: Option<EventId>,
    /// The values shown as a correction set them, with what was first recorded.
    corrected: Vec<SheetCorrection>,
}

impl Quantities {
    /// `cell` now shows a value recorded by a step: marked corrected, with `original`, when
    /// a correction changed it, else unmarked (a later step replaces an earlier one's mark).
    fn mark(&mut self, cell: SheetCell, original: Option<String>) {
        self.corrected.retain(|c| c.cell != cell);
        if let Some(original) = original {
            self.corrected.push(SheetCorrection { cell, original });
        }
    }
}

/// The steps of the manifest's containers as corrected: each corrected step with every
/// correction of it applied in order ([`yima_core::apply_to_step`], as the ledger applies
/// them), and the fields corrections changed.
#[derive(Default)]
struct Corrected {
    steps: HashMap<EventId, EventKind>,
    fields: HashMap<EventId, HashSet<String>>,
}

impl Corrected {
    fn of(events: &[SignedEvent]) -> Corrected {
        let mut out = Corrected::default();
        for e in events {
            let EventKind::Correction {
                changes, corrects, ..
            } = &e.body.event
            else {
                continue;
            };
            let Some(original) = events.iter().find(|x| &x.id == corrects) else {
                continue;
            };
            let Some(container) = e.body.links.first().map(|l| &l.container) else {
                continue;
            };
            let step = out
                .steps
                .entry(*corrects)
                .or_insert_with(|| original.body.event.clone());
            let before = yima_core::apply_to_step(step, container, changes);
            out.fields
                .entry(*corrects)
                .or_default()
                .extend(before.into_iter().map(|(f, _)| f));
        }
        out
    }

    /// The step `e` as corrected.
    fn step<'a>(&'a self, e: &'a SignedEvent) -> &'a EventKind {
        self.steps.get(&e.id).unwrap_or(&e.body.event)
    }

    /// Whether a correction changed any of `fields` of `e`.
    fn changed(&self, e: &SignedEvent, fields: &[&str]) -> bool {
        self.fields
            .get(&e.id)
            .is_some_and(|f| fields.iter().any(|x| f.contains(*x)))
    }

    /// What `e` first recorded of `fields`, worded by `word`, when a correction changed it.
    fn original(
        &self,
        e: &SignedEvent,
        fields: &[&str],
        word: impl Fn(&EventKind) -> Option<String>,
    ) -> Option<String> {
        self.changed(e, fields)
            .then(|| word(&e.body.event))
            .flatten()
    }
}

fn unknown(number: &ManifestNumber) -> DeviceError {
    DeviceError::bilingual(
        ErrorKind::UnknownManifest,
        format!("this device holds no container under manifest {number}"),
        format!("本设备没有联单 {number} 下的容器"),
    )
}

/// The organisations' names this device knows: the manifest's parties, its own, and those
/// of the keys it trusts.
type Names = HashMap<CreditCode, String>;

fn sheet_party(names: &Names, org: &CreditCode) -> SheetParty {
    SheetParty {
        name: names.get(org).cloned().unwrap_or_default(),
        credit_code: org.to_string(),
    }
}

/// The part an organisation plays on the manifest, worded.
fn part(m: &TransferManifest, carriers: &[SheetCarrier], org: &CreditCode) -> Option<String> {
    if org == &m.sender.credit_code {
        Some(both("移出人", "sender"))
    } else if org == &m.receiver.credit_code {
        Some(both("接受人", "receiver"))
    } else if carriers.iter().any(|c| c.party.credit_code == org.as_str()) {
        Some(both("承运人", "carrier"))
    } else {
        None
    }
}

fn line(label: &ContainerLabel, q: &Quantities, tolerances: &yima_core::Tolerances) -> SheetLine {
    let sent = q.weighed_before.unwrap_or(label.quantity);
    let hazards: Vec<&str> = label.hazards.iter().map(|h| h.name(Lang::Zh)).collect();
    let discrepancy = q.received.and_then(|r| {
        tolerances
            .discrepancy(&sent, &r)
            .map(|d| signed_difference(d.difference(&r), r.unit))
    });
    SheetLine {
        label_code: label.code.to_string(),
        name: label.name.clone(),
        waste_code: label.waste_code.to_string(),
        category: label.category.to_string(),
        form: both(label.form.name(Lang::Zh), label.form.name(Lang::En)),
        hazards: format!("{} {}", hazards.join("、"), label.hazards),
        sent: sent.to_string(),
        received: q.received.map(|r| r.to_string()),
        accepted: q.accepted.map(|r| r.to_string()),
        refused: q.refused.map(|r| r.to_string()),
        refusal_reason: q.reason.clone(),
        discrepancy,
        corrected: q.corrected.clone(),
    }
}

/// Kilograms in total of the quantities in kg or t, if any.
fn total_kg<'a>(qs: impl Iterator<Item = &'a Quantity>) -> Option<String> {
    let kg: Vec<i64> = qs.filter_map(Quantity::kilograms_milli).collect();
    (!kg.is_empty()).then(|| format!("{} kg", format_milli(kg.iter().sum())))
}

impl<C: Clock> Device<C> {
    /// The transfer manifest `number` as this device knows it, ready to print: its parties
    /// (the carriers with the vehicle, driver and permit their pickups and relays recorded),
    /// each container dispatched under it with the quantity sent (the sender's weighing before
    /// the dispatch, else as labelled) and, where recorded, weighed on receipt (a difference
    /// beyond this device's tolerance marked), accepted and refused; and each signature of
    /// each step from the dispatch on, with whether the step verified here. A number under
    /// which this device holds no container is `UnknownManifest`.
    pub fn manifest_sheet(
        &mut self,
        number: &ManifestNumber,
    ) -> Result<ManifestSheet, DeviceError> {
        let verification = self.verify(None)?;
        let failed: HashSet<EventId> = verification.failures.iter().map(|f| f.event).collect();
        let all = self.stored_events()?;
        let events = in_scope(all, &EpcisScope::Manifest(number.clone()));

        // The manifest as its dispatch states it, and the containers sent under it.
        let mut manifest: Option<TransferManifest> = None;
        let mut codes: Vec<LabelCode> = Vec::new();
        for e in &events {
            if let EventKind::Dispatched { manifest: m, .. } = &e.body.event {
                if &m.number == number {
                    manifest.get_or_insert_with(|| m.clone());
                    codes.extend(e.body.links.iter().map(|l| l.container.clone()));
                }
            }
        }
        let (printer, known, statuses) = self.store.read(|tx| {
            let device = tx.require_device()?;
            let known = tx.known_keys()?;
            let mut statuses = Vec::new();
            if codes.is_empty() {
                // Known only from a later step (a handover taken without the dispatch).
                for e in &events {
                    if e.body.event.manifest() == Some(number) {
                        codes.extend(e.body.links.iter().map(|l| l.container.clone()));
                    }
                }
            }
            codes.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            codes.dedup();
            for code in &codes {
                statuses.push(load_status(tx, code)?);
            }
            Ok::<_, DeviceError>((device, known, statuses))
        })?;
        if manifest.is_none() {
            manifest = statuses
                .iter()
                .flatten()
                .filter_map(|s| s.manifest.clone())
                .find(|m| &m.number == number);
        }
        let Some(manifest) = manifest else {
            return Err(unknown(number));
        };
        // Parts split off a container (a refused part going back) are not lines of their own.
        let split_parts: HashSet<LabelCode> = events
            .iter()
            .filter(|e| e.body.step() == Step::Split)
            .flat_map(|e| e.body.links.iter().filter(|l| l.prev.is_none()))
            .map(|l| l.container.clone())
            .collect();
        let mut labels: BTreeMap<LabelCode, ContainerLabel> = BTreeMap::new();
        for (code, status) in codes.iter().zip(&statuses) {
            if split_parts.contains(code) {
                continue;
            }
            if let Some(s) = status {
                labels.insert(code.clone(), s.label.clone());
            }
        }
        if labels.is_empty() {
            return Err(unknown(number));
        }

        let mut names: Names = known.into_iter().map(|k| (k.org, k.org_name)).collect();
        names.insert(printer.org.credit_code.clone(), printer.org.name.clone());
        for p in [&manifest.sender, &manifest.carrier, &manifest.receiver] {
            names.insert(p.credit_code.clone(), p.name.clone());
        }

        // Every step counts as corrected (quantities, a refusal's reason, transport facts).
        let corrected = Corrected::of(&events);
        const QUANTITY: &[&str] = &["quantity", "unit"];
        let measured_of = |k: &EventKind| match k {
            EventKind::Weighed { measured } | EventKind::Weighing { measured, .. } => {
                Some(measured.to_string())
            }
            _ => None,
        };

        let mut quantities: HashMap<LabelCode, Quantities> = HashMap::new();
        let mut carriers: Vec<SheetCarrier> = Vec::new();
        let mut steps: Vec<&SignedEvent> = Vec::new();
        let receiver = &manifest.receiver.credit_code;
        for e in &events {
            let mine: Vec<&LabelCode> = e
                .body
                .links
                .iter()
                .map(|l| &l.container)
                .filter(|c| labels.contains_key(*c))
                .collect();
            if mine.is_empty() {
                continue;
            }
            // A later dispatch under another manifest ends this manifest's part of a chain.
            if let EventKind::Dispatched { manifest: m, .. } = &e.body.event {
                if &m.number != number {
                    for c in &mine {
                        quantities.entry((*c).clone()).or_default().dispatched = false;
                    }
                    continue;
                }
            }
            let kind = corrected.step(e);
            let measured = match kind {
                EventKind::Weighed { measured } | EventKind::Weighing { measured, .. } => {
                    Some(*measured)
                }
                _ => None,
            };
            let measured_was = corrected.original(e, QUANTITY, measured_of);
            let mut on_manifest = false;
            for c in &mine {
                let q = quantities.entry((*c).clone()).or_default();
                // The dispatch, or a later step under the manifest when the dispatch is not
                // held here.
                if e.body.event.manifest() == Some(number) {
                    q.dispatched = true;
                }
                if !q.dispatched {
                    if let Some(m) = measured {
                        q.weighed_before = Some(m);
                        q.weighed_before_by = Some(e.id);
                        q.mark(SheetCell::Sent, measured_was.clone());
                    }
                    continue;
                }
                on_manifest = true;
                let reason_was = corrected.original(e, &["reason"], |k| match k {
                    EventKind::PartlyRefused { reason, .. } | EventKind::Refused { reason, .. } => {
                        Some(reason.clone())
                    }
                    _ => None,
                });
                match kind {
                    _ if measured.is_some() && &e.body.by.org == receiver => {
                        q.received = measured;
                        q.mark(SheetCell::Received, measured_was.clone());
                    }
                    EventKind::Accepted { quantity } => {
                        q.accepted = Some(*quantity);
                        let was = corrected.original(e, QUANTITY, |k| match k {
                            EventKind::Accepted { quantity } => Some(quantity.to_string()),
                            _ => None,
                        });
                        q.mark(SheetCell::Accepted, was);
                    }
                    EventKind::PartlyRefused {
                        accepted,
                        refused,
                        reason,
                    } => {
                        q.accepted = Some(*accepted);
                        q.refused = Some(*refused);
                        q.reason = reason.clone();
                        q.mark(SheetCell::Accepted, None);
                        q.mark(SheetCell::Refused, reason_was);
                    }
                    EventKind::Refused { quantity, reason } => {
                        q.refused = Some(*quantity);
                        q.reason = reason.clone();
                        q.mark(SheetCell::Refused, reason_was);
                    }
                    _ => {}
                }
            }
            if !on_manifest {
                continue;
            }
            steps.push(e);
            let transport = match kind {
                EventKind::PickedUp {
                    driver,
                    permit,
                    vehicle_plate,
                    ..
                } => Some((driver, permit, vehicle_plate, String::new())),
                EventKind::RelayHandover {
                    driver,
                    permit,
                    vehicle_plate,
                    place,
                    ..
                } => Some((driver, permit, vehicle_plate, place.clone())),
                _ => None,
            };
            if let Some((driver, permit, plate, place)) = transport {
                let mut marks = Vec::new();
                for (field, cell) in [
                    ("vehicle_plate", SheetCell::VehiclePlate),
                    ("driver", SheetCell::Driver),
                    ("permit", SheetCell::Permit),
                    ("place", SheetCell::RelayPlace),
                ] {
                    let was = corrected.original(e, &[field], |k| match (k, field) {
                        (
                            EventKind::PickedUp { driver, .. }
                            | EventKind::RelayHandover { driver, .. },
                            "driver",
                        ) => Some(driver.clone()),
                        (
                            EventKind::PickedUp { permit, .. }
                            | EventKind::RelayHandover { permit, .. },
                            "permit",
                        ) => Some(permit.clone()),
                        (
                            EventKind::PickedUp { vehicle_plate, .. }
                            | EventKind::RelayHandover { vehicle_plate, .. },
                            "vehicle_plate",
                        ) => Some(vehicle_plate.clone()),
                        (EventKind::RelayHandover { place, .. }, "place") => Some(place.clone()),
                        _ => None,
                    });
                    if let Some(original) = was {
                        marks.push(SheetCorrection { cell, original });
                    }
                }
                let c = SheetCarrier {
                    party: sheet_party(&names, &e.body.by.org),
                    vehicle_plate: plate.clone(),
                    driver: driver.clone(),
                    permit: permit.clone(),
                    relay_place: place,
                    corrected: marks,
                };
                if !carriers.contains(&c) {
                    carriers.push(c);
                }
            }
        }
        if carriers.is_empty() {
            carriers.push(SheetCarrier {
                party: sheet_party(&names, &manifest.carrier.credit_code),
                ..SheetCarrier::default()
            });
        }

        // A correction of the weighing a line shows as sent, recorded before the dispatch, is
        // signed for with the steps it changed.
        let sent_by: HashSet<EventId> = quantities
            .values()
            .filter_map(|q| q.weighed_before_by)
            .collect();
        let order: HashMap<EventId, usize> =
            events.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        for e in &events {
            if let EventKind::Correction { corrects, .. } = &e.body.event {
                if sent_by.contains(corrects) && !steps.iter().any(|s| s.id == e.id) {
                    steps.push(e);
                }
            }
        }
        steps.sort_by_key(|e| order.get(&e.id).copied().unwrap_or(usize::MAX));

        let own_key = printer.key.public();
        let mut signatures = Vec::new();
        for e in steps {
            let containers = e
                .body
                .links
                .iter()
                .filter(|l| labels.contains_key(&l.container))
                .count();
            let step = both(e.body.step().name(Lang::Zh), e.body.step().name(Lang::En));
            for sig in &e.signatures {
                let (org, role) = if sig.key == e.body.by.key {
                    (&e.body.by.org, e.body.by.role)
                } else if let Some(g) = e.body.event.giver().filter(|g| g.key == sig.key) {
                    (&g.org, g.role)
                } else {
                    (&e.body.by.org, e.body.by.role)
                };
                let operator = if sig.key == e.body.by.key && e.body.operator.is_some() {
                    e.body.operator.clone()
                } else if sig.key == own_key {
                    self.store.read(|tx| tx.event_operator(&e.id))?
                } else {
                    None
                };
                signatures.push(SheetSignature {
                    step: step.clone(),
                    party: sheet_party(&names, org),
                    role: part(&manifest, &carriers, org)
                        .unwrap_or_else(|| both(role.name(Lang::Zh), role.name(Lang::En))),
                    operator,
                    key: sig.key.short(),
                    at: china(e.body.at),
                    containers,
                    verified: !failed.contains(&e.id),
                });
            }
        }

        let empty = Quantities::default();
        let lines: Vec<SheetLine> = labels
            .values()
            .map(|l| {
                line(
                    l,
                    quantities.get(&l.code).unwrap_or(&empty),
                    &self.tolerances,
                )
            })
            .collect();
        let sent: Vec<Quantity> = labels
            .values()
            .map(|l| {
                quantities
                    .get(&l.code)
                    .and_then(|q| q.weighed_before)
                    .unwrap_or(l.quantity)
            })
            .collect();
        let pick = |f: fn(&Quantities) -> Option<Quantity>| -> Vec<Quantity> {
            quantities.values().filter_map(f).collect()
        };
        let mut totals = Vec::new();
        for (zh, en, list) in [
            ("发出", "sent", sent),
            ("接收称重", "weighed on receipt", pick(|q| q.received)),
            ("接受", "accepted", pick(|q| q.accepted)),
            ("拒收", "refused", pick(|q| q.refused)),
        ] {
            if let Some(kg) = total_kg(list.iter()) {
                totals.push(format!("{zh} {en} {kg}"));
            }
        }
        Ok(ManifestSheet {
            number: number.to_string(),
            sender: sheet_party(&names, &manifest.sender.credit_code),
            carriers,
            receiver: sheet_party(&names, &manifest.receiver.credit_code),
            receiver_permit: manifest.receiver_permit.clone(),
            mode: both(manifest.mode.name(Lang::Zh), manifest.mode.name(Lang::En)),
            emergency_measures: manifest.emergency_measures.clone(),
            lines,
            signatures,
            totals,
            printed_at: china(self.clock.now()),
            printed_by: SheetParty {
                name: printer.org.name.clone(),
                credit_code: printer.org.credit_code.to_string(),
            },
        })
    }

    /// The transfer manifest `number` as a PDF of A4 pages ([`Device::manifest_sheet`],
    /// rendered by [`yima_label::manifest_pdf`] with the CJK font embedded).
    pub fn manifest_pdf(&mut self, number: &ManifestNumber) -> Result<Vec<u8>, DeviceError> {
        let sheet = self.manifest_sheet(number)?;
        yima_label::manifest_pdf(&sheet).map_err(|e| {
            DeviceError::bilingual(ErrorKind::Render, e.message(Lang::En), e.message(Lang::Zh))
        })
    }

    /// Writes the manifest's PDF as a new `manifest-<number>-<China time>.pdf` in
    /// `dir/exports/`, flushed to disk; returns the file.
    pub fn export_manifest_pdf(
        &mut self,
        dir: &Path,
        number: &ManifestNumber,
    ) -> Result<PathBuf, DeviceError> {
        let pdf = self.manifest_pdf(number)?;
        self.save_export(dir, &format!("manifest-{number}"), "pdf", &pdf)
    }
}

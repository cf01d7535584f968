//! Manifests as the people named on them work through them: a driver's pickups (containers
//! dispatched to this carrier and not yet taken) and a receiver's arrivals against the
//! manifest (what was declared, what came, what the weighbridge said).

use crate::error::DeviceError;
use crate::status::load_status;
use crate::Clock;
use crate::Device;
use serde::Serialize;
use std::collections::BTreeMap;
use yima_codes::{CreditCode, LabelCode};
use yima_core::{ContainerState, Party, Quantity, Timestamp};

/// What this device's organisation is to a manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ManifestPart {
    /// It sent the waste (移出人).
    Sender,
    /// It carries the waste (承运人): the containers still to pick up are its pickups.
    Carrier,
    /// It receives the waste (接受人): the containers still on their way are its arrivals.
    Receiver,
    /// Named nowhere on it (a regulator reading it).
    Other,
}

/// One container of a manifest.
#[derive(Clone, Debug, Serialize)]
pub struct ManifestLine {
    /// The container.
    pub code: LabelCode,
    /// Waste name.
    pub name: String,
    /// The quantity its label declares.
    pub declared: Quantity,
    /// The quantity last weighed, if it was.
    pub measured: Option<Quantity>,
    /// `measured − declared`, in the declared unit, when the units agree.
    pub difference_milli: Option<i64>,
    /// Whether that difference is beyond this device's tolerance for the unit.
    pub beyond_tolerance: bool,
    /// Where it is in its life.
    pub state: ContainerState,
    /// Who holds it.
    pub holder: CreditCode,
    /// Whether it is still to come for this device's organisation: to pick up (carrier: it is
    /// dispatched, not yet taken) or to arrive (receiver: dispatched or on its way).
    pub waiting: bool,
}

/// A manifest and its containers, as this device knows them.
#[derive(Clone, Debug, Serialize)]
pub struct ManifestView {
    /// The 14-digit manifest number.
    pub number: String,
    /// What this device's organisation is to it.
    pub part: ManifestPart,
    /// 移出人.
    pub sender: Party,
    /// 承运人.
    pub carrier: Party,
    /// 接受人.
    pub receiver: Party,
    /// When its first container still waiting for the carrier was dispatched, if one is.
    pub dispatched_at: Option<Timestamp>,
    /// Its containers, by code.
    pub lines: Vec<ManifestLine>,
    /// How many lines are still to come for this device's organisation.
    pub waiting: usize,
    /// Declared kilograms (thousandths) of the lines in kg or t.
    pub declared_kg_milli: i64,
    /// Weighed kilograms (thousandths) of the lines weighed in kg or t.
    pub measured_kg_milli: i64,
}

fn part_of(org: &CreditCode, sender: &Party, carrier: &Party, receiver: &Party) -> ManifestPart {
    if &carrier.credit_code == org {
        ManifestPart::Carrier
    } else if &receiver.credit_code == org {
        ManifestPart::Receiver
    } else if &sender.credit_code == org {
        ManifestPart::Sender
    } else {
        ManifestPart::Other
    }
}

fn waiting(part: ManifestPart, state: ContainerState) -> bool {
    match part {
        ManifestPart::Carrier => state == ContainerState::Dispatched,
        ManifestPart::Receiver => {
            matches!(
                state,
                ContainerState::Dispatched | ContainerState::InTransit
            )
        }
        ManifestPart::Sender | ManifestPart::Other => false,
    }
}

impl<C: Clock> Device<C> {
    /// Every manifest this device knows a container of, the ones with containers still to
    /// come first (oldest dispatch first), then by number. A container's manifest is the one
    /// of its last dispatch; containers known only by a scanned label (history not synced)
    /// count when their status names it.
    pub fn manifests(&mut self) -> Result<Vec<ManifestView>, DeviceError> {
        let tolerances = self.tolerances;
        self.store.read(|tx| {
            let org = tx.require_device()?.org.credit_code;
            let mut codes: Vec<LabelCode> = Vec::new();
            for row in tx.containers()? {
                codes.push(row.code.parse()?);
            }
            for (code, _, _) in tx.scanned_labels()? {
                codes.push(code);
            }
            codes.sort_by_key(|c| c.to_string());
            codes.dedup_by_key(|c| c.to_string());
            let mut by_number: BTreeMap<String, ManifestView> = BTreeMap::new();
            for code in codes {
                let Some(status) = load_status(tx, &code)? else {
                    continue;
                };
                let Some(m) = &status.manifest else {
                    continue;
                };
                let part = part_of(&org, &m.sender, &m.carrier, &m.receiver);
                let view = by_number
                    .entry(m.number.to_string())
                    .or_insert_with(|| ManifestView {
                        number: m.number.to_string(),
                        part,
                        sender: m.sender.clone(),
                        carrier: m.carrier.clone(),
                        receiver: m.receiver.clone(),
                        dispatched_at: None,
                        lines: Vec::new(),
                        waiting: 0,
                        declared_kg_milli: 0,
                        measured_kg_milli: 0,
                    });
                let declared = status.label.quantity;
                let measured = status.measured;
                let difference_milli = measured
                    .filter(|q| q.unit == declared.unit)
                    .map(|q| q.milli - declared.milli);
                let beyond_tolerance =
                    measured.is_some_and(|q| tolerances.discrepancy(&declared, &q).is_some());
                let waits = waiting(part, status.state);
                if status.state == ContainerState::Dispatched {
                    if let Some(at) = status.head_at {
                        view.dispatched_at = Some(view.dispatched_at.map_or(at, |d| d.min(at)));
                    }
                }
                view.waiting += usize::from(waits);
                view.declared_kg_milli += declared.kilograms_milli().unwrap_or(0);
                view.measured_kg_milli += measured.and_then(|q| q.kilograms_milli()).unwrap_or(0);
                view.lines.push(ManifestLine {
                    code,
                    name: status.label.name.clone(),
                    declared,
                    measured,
                    difference_milli,
                    beyond_tolerance,
                    state: status.state,
                    holder: status.holder.clone(),
                    waiting: waits,
                });
            }
            let mut out: Vec<ManifestView> = by_number.into_values().collect();
            out.sort_by(|a, b| {
                (b.waiting > 0)
                    .cmp(&(a.waiting > 0))
                    .then(
                        a.dispatched_at
                            .map(|t| t.0)
                            .cmp(&b.dispatched_at.map(|t| t.0)),
                    )
                    .then(a.number.cmp(&b.number))
            });
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(code: &str) -> Party {
        Party {
            credit_code: code.parse().unwrap(),
            name: code.into(),
        }
    }

    #[test]
    fn the_part_follows_the_manifest_and_decides_what_waits() {
        let (s, c, r) = (
            party("91350100M000100Y43"),
            party("91350100MA2XY80011"),
            party("91350200MA3ABC8Q2E"),
        );
        let me = |p: &Party| part_of(&p.credit_code, &s, &c, &r);
        assert_eq!(me(&s), ManifestPart::Sender);
        assert_eq!(me(&c), ManifestPart::Carrier);
        assert_eq!(me(&r), ManifestPart::Receiver);
        assert_eq!(me(&party("11350000MB0000001W")), ManifestPart::Other);

        use ContainerState::*;
        assert!(waiting(ManifestPart::Carrier, Dispatched));
        assert!(!waiting(ManifestPart::Carrier, InTransit));
        assert!(waiting(ManifestPart::Receiver, Dispatched));
        assert!(waiting(ManifestPart::Receiver, InTransit));
        assert!(!waiting(ManifestPart::Receiver, Received));
        assert!(!waiting(ManifestPart::Sender, Dispatched));
        assert!(!waiting(ManifestPart::Other, InTransit));
    }
}

//! What a correction may change, checked as strictly as the values it replaces, and how a
//! correction of a container's genesis changes its label.

use crate::event::EventKind;
use crate::model::{ContainerLabel, PhysicalForm};
use crate::quantity::{Quantity, Unit};
use std::collections::BTreeMap;
use yima_codes::{HazardSet, Lang};

/// The label fields a correction of a container's genesis (generation, merge, split) changes.
pub const LABEL_FIELDS: &[&str] = &[
    "name",
    "form",
    "hazards",
    "main_components",
    "harmful_components",
    "precautions",
    "contact",
    "phone",
    "container_type",
    "facility_code",
    "remarks",
    "quantity",
    "unit",
];

/// The facts of a step a correction may change.
pub const STEP_FIELDS: &[&str] = &[
    "vehicle_plate",
    "driver",
    "permit",
    "place",
    "method",
    "reason",
    "location",
    "weigher",
];

/// Whether a correction may name `field`: a label's fact or a step's. The code, the parties
/// and the chain itself are never corrected: a wrong container is voided instead.
pub fn is_correctable(field: &str) -> bool {
    LABEL_FIELDS.contains(&field) || STEP_FIELDS.contains(&field)
}

/// Fields that may not be blank, as when first recorded (the label fields HJ 1276 requires,
/// and every fact of a step that is required when the step is recorded).
const REQUIRED: &[&str] = &[
    "name",
    "main_components",
    "contact",
    "phone",
    "facility_code",
    "vehicle_plate",
    "driver",
    "permit",
    "place",
    "method",
    "reason",
    "weigher",
];

/// Why a correction's changes are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorrectionError {
    /// No field changed.
    #[error("a correction must change at least one field")]
    Empty,
    /// A field that cannot be corrected.
    #[error("{0:?} cannot be corrected")]
    NotCorrectable(String),
    /// A field the corrected step does not have.
    #[error("{field:?} is not a field of a {step} step")]
    NotOfStep {
        /// The field.
        field: String,
        /// The corrected step's machine name.
        step: &'static str,
    },
    /// A value that would be refused in the original.
    #[error("{field}: {value:?} is not valid ({why})")]
    Invalid {
        /// The field.
        field: String,
        /// The value given.
        value: String,
        /// What is wrong with it.
        why: String,
    },
}

impl CorrectionError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (CorrectionError::Empty, Lang::Zh) => "更正至少要修改一个字段".into(),
            (CorrectionError::NotCorrectable(f), Lang::Zh) => format!("字段 {f:?} 不能更正"),
            (CorrectionError::NotOfStep { field, step }, Lang::Zh) => {
                format!("字段 {field:?} 不属于被更正的「{step}」步骤")
            }
            (CorrectionError::Invalid { field, value, why }, Lang::Zh) => {
                format!("{field}：{value:?} 无效（{why}）")
            }
        }
    }
}

fn invalid(field: &str, value: &str, why: impl Into<String>) -> CorrectionError {
    CorrectionError::Invalid {
        field: field.into(),
        value: value.into(),
        why: why.into(),
    }
}

/// Checks every changed value as the original would have been checked: a known field, not
/// blank where the original is required, a quantity a decimal in its unit, a form, hazards
/// and a unit that parse. `unit` is the unit a corrected `quantity` is in when `unit` is not
/// corrected too.
pub fn check_changes(
    changes: &BTreeMap<String, String>,
    unit: Unit,
) -> Result<(), CorrectionError> {
    if changes.is_empty() {
        return Err(CorrectionError::Empty);
    }
    let unit = match changes.get("unit") {
        Some(u) => u
            .parse::<Unit>()
            .map_err(|e| invalid("unit", u, e.to_string()))?,
        None => unit,
    };
    for (field, value) in changes {
        let f = field.as_str();
        if !is_correctable(f) {
            return Err(CorrectionError::NotCorrectable(field.clone()));
        }
        if value.trim() != value {
            return Err(invalid(f, value, "leading or trailing spaces"));
        }
        if REQUIRED.contains(&f) && value.is_empty() {
            return Err(invalid(f, value, "required"));
        }
        match f {
            "quantity" => {
                Quantity::parse(value, unit).map_err(|e| invalid(f, value, e.to_string()))?;
            }
            "form" => {
                value
                    .parse::<PhysicalForm>()
                    .map_err(|_| invalid(f, value, "expected solid, semi_solid, liquid or gas"))?;
            }
            "hazards" => {
                value
                    .parse::<HazardSet>()
                    .map_err(|e| invalid(f, value, e.to_string()))?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The fields a correction of `kind` may name.
pub fn fields_of(kind: &EventKind) -> &'static [&'static str] {
    match kind {
        EventKind::Generated { .. } | EventKind::Merged { .. } | EventKind::Split { .. } => &[
            "name",
            "form",
            "hazards",
            "main_components",
            "harmful_components",
            "precautions",
            "contact",
            "phone",
            "container_type",
            "facility_code",
            "remarks",
            "quantity",
            "unit",
            "location",
        ],
        EventKind::Stored { .. } | EventKind::Dispatched { .. } => &["facility_code", "location"],
        EventKind::PickedUp { .. } => &["driver", "permit", "vehicle_plate", "location"],
        EventKind::RelayHandover { .. } => {
            &["driver", "permit", "place", "vehicle_plate", "location"]
        }
        EventKind::Weighed { .. } | EventKind::Accepted { .. } => &["quantity", "unit", "location"],
        EventKind::Weighing { .. } => &["quantity", "unit", "method", "weigher", "location"],
        EventKind::PartlyRefused { .. } | EventKind::Refused { .. } => &["reason", "location"],
        EventKind::Returned { .. } | EventKind::Void { .. } => &["reason", "location"],
        EventKind::Disposed { .. } => &["method", "location"],
        EventKind::Received { .. } => &["location"],
        EventKind::Correction { .. } => &["reason"],
    }
}

/// Checks `changes` against the step they correct: each field one the step has, each value
/// valid as in [`check_changes`] (a weighing's method one of `scale`, `manual`).
pub fn check_correction(
    changes: &BTreeMap<String, String>,
    corrected: &EventKind,
    unit: Unit,
) -> Result<(), CorrectionError> {
    check_changes(changes, unit)?;
    let allowed = fields_of(corrected);
    for (field, value) in changes {
        if !allowed.contains(&field.as_str()) {
            return Err(CorrectionError::NotOfStep {
                field: field.clone(),
                step: corrected.step().as_str(),
            });
        }
        if field == "method" && matches!(corrected, EventKind::Weighing { .. }) {
            let method = value
                .parse::<crate::WeighMethod>()
                .map_err(|_| invalid(field, value, "expected scale or manual"))?;
            if let EventKind::Weighing {
                scale: Some(scale), ..
            } = corrected
            {
                if method == crate::WeighMethod::Manual {
                    return Err(invalid(
                        field,
                        value,
                        format!("the weighing was read from the scale {scale}"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Applies the label fields of checked `changes` to `label`; returns each changed field with
/// its value before, in field order.
pub fn apply_to_label(
    label: &mut ContainerLabel,
    changes: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let mut before = Vec::new();
    for (field, value) in changes {
        let old = match field.as_str() {
            "name" => std::mem::replace(&mut label.name, value.clone()),
            "main_components" => std::mem::replace(&mut label.main_components, value.clone()),
            "harmful_components" => std::mem::replace(&mut label.harmful_components, value.clone()),
            "precautions" => std::mem::replace(&mut label.precautions, value.clone()),
            "contact" => std::mem::replace(&mut label.contact, value.clone()),
            "phone" => std::mem::replace(&mut label.phone, value.clone()),
            "container_type" => std::mem::replace(&mut label.container_type, value.clone()),
            "facility_code" => std::mem::replace(&mut label.facility_code, value.clone()),
            "remarks" => std::mem::replace(&mut label.remarks, value.clone()),
            "form" => match value.parse::<PhysicalForm>() {
                Ok(f) => std::mem::replace(&mut label.form, f).as_str().to_string(),
                Err(_) => continue,
            },
            "hazards" => match value.parse::<HazardSet>() {
                Ok(h) => std::mem::replace(&mut label.hazards, h).to_string(),
                Err(_) => continue,
            },
            "quantity" | "unit" => match apply_to_quantity(&mut label.quantity, field, changes) {
                Some(old) => old,
                None => continue,
            },
            _ => continue,
        };
        before.push((field.clone(), old));
    }
    before
}

/// Applies the `quantity` or `unit` change of checked `changes` to `quantity` (a corrected
/// quantity read in the corrected unit when the unit changes too, else in its own; a unit
/// corrected alone keeps the amount); returns the value before, or `None` when `field` is
/// not one it changes.
fn apply_to_quantity(
    quantity: &mut Quantity,
    field: &str,
    changes: &BTreeMap<String, String>,
) -> Option<String> {
    let unit = changes
        .get("unit")
        .and_then(|u| u.parse::<Unit>().ok())
        .unwrap_or(quantity.unit);
    match field {
        "quantity" => {
            let q = Quantity::parse(changes.get("quantity")?, unit).ok()?;
            Some(std::mem::replace(quantity, q).amount())
        }
        "unit" if !changes.contains_key("quantity") => {
            let q = Quantity::new(quantity.milli, unit).ok()?;
            Some(std::mem::replace(quantity, q).unit.symbol().to_string())
        }
        _ => None,
    }
}

/// Applies a correction's checked `changes` to the step it corrects, as every view shows the
/// step: only the fields [`fields_of`] gives the step (as [`check_correction`] allows; any
/// other is left alone, and `location`, which is the body's, not the step's), and for the
/// genesis of a container (generation, merge, split) the label of `container` through
/// [`apply_to_label`]. Returns each changed field with its value before, in field order.
/// Corrections of the same step apply one after another, each to the step as the one before
/// left it.
pub fn apply_to_step(
    step: &mut EventKind,
    container: &yima_codes::LabelCode,
    changes: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let allowed = fields_of(step);
    let changes: BTreeMap<String, String> = changes
        .iter()
        .filter(|(f, _)| allowed.contains(&f.as_str()) && f.as_str() != "location")
        .map(|(f, v)| (f.clone(), v.clone()))
        .collect();
    let label = match step {
        EventKind::Generated { label, .. } => Some(label),
        EventKind::Merged { target, .. } => Some(target),
        EventKind::Split { parts, .. } => parts.iter_mut().find(|p| &p.code == container),
        _ => None,
    };
    if let Some(label) = label {
        return apply_to_label(label, &changes);
    }
    let mut before = Vec::new();
    for (field, value) in &changes {
        let text = |slot: &mut String| std::mem::replace(slot, value.clone());
        let old = match (&mut *step, field.as_str()) {
            (
                EventKind::Weighed { measured: q }
                | EventKind::Weighing { measured: q, .. }
                | EventKind::Accepted { quantity: q },
                "quantity" | "unit",
            ) => apply_to_quantity(q, field, &changes),
            (EventKind::Weighing { method, .. }, "method") => match value.parse() {
                Ok(m) => Some(std::mem::replace(method, m).as_str().to_string()),
                Err(_) => None,
            },
            (EventKind::Weighing { weigher, .. }, "weigher") => Some(text(weigher)),
            (EventKind::Disposed { method, .. }, "method") => Some(text(method)),
            (
                EventKind::Stored { facility_code, .. }
                | EventKind::Dispatched { facility_code, .. },
                "facility_code",
            ) => Some(text(facility_code)),
            (
                EventKind::PickedUp { driver, .. } | EventKind::RelayHandover { driver, .. },
                "driver",
            ) => Some(text(driver)),
            (
                EventKind::PickedUp { permit, .. } | EventKind::RelayHandover { permit, .. },
                "permit",
            ) => Some(text(permit)),
            (
                EventKind::PickedUp { vehicle_plate, .. }
                | EventKind::RelayHandover { vehicle_plate, .. },
                "vehicle_plate",
            ) => Some(text(vehicle_plate)),
            (EventKind::RelayHandover { place, .. }, "place") => Some(text(place)),
            (
                EventKind::PartlyRefused { reason, .. }
                | EventKind::Refused { reason, .. }
                | EventKind::Returned { reason, .. }
                | EventKind::Void { reason, .. }
                | EventKind::Correction { reason, .. },
                "reason",
            ) => Some(text(reason)),
            _ => None,
        };
        if let Some(old) = old {
            before.push((field.clone(), old));
        }
    }
    before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn values_are_checked_like_the_originals() {
        for bad in [
            map(&[("quantity", "abc")]),
            map(&[("quantity", "0")]),
            map(&[("form", "plasma")]),
            map(&[("hazards", "X")]),
            map(&[("unit", "lb")]),
            map(&[("contact", "")]),
            map(&[("name", " padded ")]),
            map(&[("code", "x")]),
            map(&[]),
        ] {
            assert!(check_changes(&bad, Unit::Kg).is_err(), "{bad:?}");
        }
        assert!(check_changes(&map(&[("quantity", "12.5"), ("form", "liquid")]), Unit::Kg).is_ok());
        // A quantity is read in the corrected unit when the unit is corrected too.
        assert!(check_changes(&map(&[("quantity", "150"), ("unit", "t")]), Unit::Kg).is_err());
        assert!(check_changes(&map(&[("quantity", "150"), ("unit", "kg")]), Unit::T).is_ok());
    }

    #[test]
    fn a_field_must_belong_to_the_step_corrected() {
        let void = EventKind::Void {
            quantity: None,
            reason: "x".into(),
        };
        let e = check_correction(&map(&[("vehicle_plate", "闽A12345")]), &void, Unit::Kg);
        assert!(matches!(e, Err(CorrectionError::NotOfStep { .. })), "{e:?}");
        assert!(check_correction(&map(&[("reason", "typo")]), &void, Unit::Kg).is_ok());
        let w = EventKind::Weighing {
            discrepancy: None,
            measured: Quantity::parse("1", Unit::Kg).unwrap(),
            method: crate::WeighMethod::Scale,
            scale: None,
            weigher: "王".into(),
        };
        assert!(check_correction(&map(&[("method", "guess")]), &w, Unit::Kg).is_err());
        assert!(check_correction(&map(&[("method", "manual")]), &w, Unit::Kg).is_ok());
    }

    #[test]
    fn a_step_takes_the_fields_it_has_and_says_what_they_were() {
        let code: yima_codes::LabelCode = "91350100M000100Y439000414920250101001".parse().unwrap();
        let kg = |a: &str| Quantity::parse(a, Unit::Kg).unwrap();
        let mut accepted = EventKind::Accepted { quantity: kg("19") };
        let before = apply_to_step(&mut accepted, &code, &map(&[("quantity", "18.5")]));
        assert_eq!(
            accepted,
            EventKind::Accepted {
                quantity: kg("18.5")
            }
        );
        assert_eq!(before, vec![("quantity".to_string(), "19".to_string())]);
        // A unit corrected alone keeps the amount; with a quantity, the quantity is in it.
        let mut w = EventKind::Weighed {
            measured: kg("1500"),
        };
        apply_to_step(&mut w, &code, &map(&[("quantity", "1.5"), ("unit", "t")]));
        assert_eq!(
            w,
            EventKind::Weighed {
                measured: Quantity::parse("1.5", Unit::T).unwrap()
            }
        );
        // A refusal's reason may be corrected, its quantities may not (not fields of it).
        let mut refused = EventKind::PartlyRefused {
            accepted: kg("15"),
            reason: "包装破损".into(),
            refused: kg("6"),
        };
        let before = apply_to_step(
            &mut refused,
            &code,
            &map(&[("quantity", "1"), ("reason", "渗漏"), ("location", "x")]),
        );
        assert_eq!(before, vec![("reason".to_string(), "包装破损".to_string())]);
        assert_eq!(
            refused,
            EventKind::PartlyRefused {
                accepted: kg("15"),
                reason: "渗漏".into(),
                refused: kg("6"),
            }
        );
        // A relay's transport facts.
        let actor = crate::Actor {
            org: "91350100MA2XY80011".parse().unwrap(),
            role: crate::Role::Carrier,
            key: crate::DeviceKey::from_secret(&[7; 32]).public(),
        };
        let mut relay = EventKind::RelayHandover {
            driver: "陈".into(),
            giver: actor,
            manifest: yima_codes::ManifestNumber::new(2025, 35, 1, 123).unwrap(),
            permit: "p".into(),
            place: "莆田".into(),
            vehicle_plate: "闽A".into(),
        };
        let before = apply_to_step(
            &mut relay,
            &code,
            &map(&[("place", "泉州"), ("vehicle_plate", "闽C")]),
        );
        assert_eq!(before.len(), 2);
        assert!(matches!(
            &relay,
            EventKind::RelayHandover { place, vehicle_plate, .. }
                if place == "泉州" && vehicle_plate == "闽C"
        ));
    }
}

//! Reading a body straight from its canonical bytes, member by member in the order of
//! `docs/EVENT-ENCODING.md`. Every member name and punctuation is matched literally and
//! every value through [`Reader`], so bytes are accepted only in their one canonical form:
//! what this returns encodes back to exactly the bytes it was read from.

use super::reader::Reader;
use crate::event::{Actor, EventBody, EventKind, Link, ReturningPart, Step, EVENT_FORMAT_VERSION};
use crate::model::{
    ContainerLabel, Party, PhysicalForm, Timestamp, TransferManifest, TreatmentMode,
};
use crate::quantity::{Quantity, Unit};
use crate::role::Role;
use crate::signing::{EventId, PublicKey};
use crate::state::ContainerState;
use crate::weighing::{Discrepancy, WeighMethod};
use std::collections::BTreeMap;
use yima_codes::{CreditCode, LabelCode};

/// The body in `bytes` if they are its canonical encoding (version 1); `None` for anything
/// else, including bodies of another version.
pub(super) fn read_body(bytes: &[u8]) -> Option<EventBody> {
    let mut r = Reader::new(bytes)?;
    debug_assert_eq!(EVENT_FORMAT_VERSION, 1);
    r.lit(b"{\"v\":1,\"at\":")?;
    let at = Timestamp(r.i64()?);
    r.lit(b",\"by\":")?;
    let by = actor(&mut r)?;
    r.lit(b",\"composer\":")?;
    let composer = PublicKey(r.hex32()?);
    r.lit(b",\"event\":")?;
    let event = kind(&mut r, &by.org)?;
    r.lit(b",\"links\":[")?;
    let new_codes: Vec<&LabelCode> = event.new_labels().into_iter().map(|l| &l.code).collect();
    let mut links = Vec::with_capacity(1);
    if !r.eat(b"]") {
        loop {
            r.lit(b"{\"container\":")?;
            let container = r.code_or(&new_codes)?;
            r.lit(b",\"prev\":")?;
            let prev = r.nullable(|r| r.hex32().map(EventId))?;
            r.lit(b"}")?;
            links.push(Link { container, prev });
            if r.eat(b"]") {
                break;
            }
            r.lit(b",")?;
        }
    }
    r.lit(b",\"location\":")?;
    let location = r.nullable(Reader::string)?;
    // Written only when named; left out (not `null`) otherwise, as in bodies from before.
    let operator = if r.eat(b",\"operator\":") {
        Some(r.string()?)
    } else {
        None
    };
    // The same for the route track, between `operator` and `seq`.
    let track = if r.eat(b",\"track\":") {
        Some(track(&mut r)?)
    } else {
        None
    };
    r.lit(b",\"seq\":")?;
    let seq = r.u64()?;
    r.lit(b"}")?;
    if !r.at_end() {
        return None;
    }
    Some(EventBody {
        v: EVENT_FORMAT_VERSION,
        at,
        by,
        composer,
        event,
        links,
        location,
        operator,
        track,
        seq,
    })
}

fn track(r: &mut Reader<'_>) -> Option<crate::track::TrackDigest> {
    r.lit(b"{\"fixes\":")?;
    let fixes = u32::try_from(r.u64()?).ok()?;
    r.lit(b",\"first\":")?;
    let first = Timestamp(r.i64()?);
    r.lit(b",\"last\":")?;
    let last = Timestamp(r.i64()?);
    r.lit(b",\"sha256\":")?;
    let sha256 = r.hex32()?;
    r.lit(b"}")?;
    Some(crate::track::TrackDigest {
        fixes,
        first,
        last,
        sha256,
    })
}

fn role(r: &mut Reader<'_>) -> Option<Role> {
    r.name(&Role::ALL.map(|x| (x.as_str(), x)))
}

fn actor(r: &mut Reader<'_>) -> Option<Actor> {
    r.lit(b"{\"org\":")?;
    let org = r.code()?;
    r.lit(b",\"role\":")?;
    let role = role(r)?;
    r.lit(b",\"key\":")?;
    let key = PublicKey(r.hex32()?);
    r.lit(b"}")?;
    Some(Actor { org, role, key })
}

/// A party; its code is often the recorder's (`known`).
fn party(r: &mut Reader<'_>, known: &CreditCode) -> Option<Party> {
    r.lit(b"{\"credit_code\":")?;
    let credit_code = r.code_or(&[known])?;
    r.lit(b",\"name\":")?;
    let name = r.string()?;
    r.lit(b"}")?;
    Some(Party { credit_code, name })
}

fn quantity(r: &mut Reader<'_>) -> Option<Quantity> {
    r.lit(b"{\"milli\":")?;
    let milli = r.i64()?;
    r.lit(b",\"unit\":")?;
    let unit = r.name(&[Unit::Kg, Unit::T, Unit::L].map(|u| (u.symbol(), u)))?;
    r.lit(b"}")?;
    Some(Quantity { milli, unit })
}

fn discrepancy(r: &mut Reader<'_>) -> Option<Discrepancy> {
    r.lit(b"{\"expected\":")?;
    let expected = quantity(r)?;
    r.lit(b",\"tolerance\":")?;
    let tolerance = quantity(r)?;
    r.lit(b"}")?;
    Some(Discrepancy {
        expected,
        tolerance,
    })
}

fn treatment(r: &mut Reader<'_>) -> Option<TreatmentMode> {
    r.name(&[
        ("use", TreatmentMode::Use),
        ("disposal", TreatmentMode::Disposal),
    ])
}

fn state(r: &mut Reader<'_>) -> Option<ContainerState> {
    r.name(&ContainerState::ALL.map(|s| (s.as_str(), s)))
}

fn label(r: &mut Reader<'_>, recorder: &CreditCode) -> Option<ContainerLabel> {
    r.lit(b"{\"code\":")?;
    let code = r.code()?;
    r.lit(b",\"name\":")?;
    let name = r.string()?;
    r.lit(b",\"category\":")?;
    let category = r.code()?;
    r.lit(b",\"waste_code\":")?;
    let waste_code = r.code()?;
    r.lit(b",\"form\":")?;
    let form = r.name(&PhysicalForm::ALL.map(|f| (f.as_str(), f)))?;
    r.lit(b",\"hazards\":")?;
    let hazards = r.code()?;
    r.lit(b",\"main_components\":")?;
    let main_components = r.string()?;
    r.lit(b",\"harmful_components\":")?;
    let harmful_components = r.string()?;
    r.lit(b",\"precautions\":")?;
    let precautions = r.string()?;
    r.lit(b",\"producer\":")?;
    let producer = party(r, recorder)?;
    r.lit(b",\"contact\":")?;
    let contact = r.string()?;
    r.lit(b",\"phone\":")?;
    let phone = r.string()?;
    r.lit(b",\"generated_on\":")?;
    let generated_on = r.date()?;
    r.lit(b",\"quantity\":")?;
    let quantity = quantity(r)?;
    r.lit(b",\"container_type\":")?;
    let container_type = r.string()?;
    r.lit(b",\"facility_code\":")?;
    let facility_code = r.string()?;
    r.lit(b",\"remarks\":")?;
    let remarks = r.string()?;
    r.lit(b"}")?;
    Some(ContainerLabel {
        code,
        name,
        category,
        waste_code,
        form,
        hazards,
        main_components,
        harmful_components,
        precautions,
        producer,
        contact,
        phone,
        generated_on,
        quantity,
        container_type,
        facility_code,
        remarks,
    })
}

fn manifest(r: &mut Reader<'_>, recorder: &CreditCode) -> Option<TransferManifest> {
    r.lit(b"{\"number\":")?;
    let number = r.code()?;
    r.lit(b",\"sender\":")?;
    let sender = party(r, recorder)?;
    r.lit(b",\"carrier\":")?;
    let carrier = party(r, recorder)?;
    r.lit(b",\"receiver\":")?;
    let receiver = party(r, recorder)?;
    r.lit(b",\"receiver_permit\":")?;
    let receiver_permit = r.string()?;
    r.lit(b",\"mode\":")?;
    let mode = treatment(r)?;
    r.lit(b",\"emergency_measures\":")?;
    let emergency_measures = r.string()?;
    r.lit(b"}")?;
    Some(TransferManifest {
        number,
        sender,
        carrier,
        receiver,
        receiver_permit,
        mode,
        emergency_measures,
    })
}

/// Reads `,"name":` then the value `$value` reads.
macro_rules! member {
    ($r:ident, $name:literal, $value:expr) => {{
        $r.lit(concat!(",\"", $name, "\":").as_bytes())?;
        $value
    }};
}

/// The event; `recorder` is the organisation that recorded it.
fn kind(r: &mut Reader<'_>, recorder: &CreditCode) -> Option<EventKind> {
    r.lit(b"{\"type\":")?;
    let step = r.name(&Step::ALL.map(|s| (s.as_str(), s)))?;
    let kind = match step {
        Step::Generated => EventKind::Generated {
            batch: member!(r, "batch", r.code()?),
            catalogue_edition: member!(r, "catalogue_edition", r.string()?),
            label: member!(r, "label", label(r, recorder)?),
        },
        Step::Stored => EventKind::Stored {
            batch: member!(r, "batch", r.code()?),
            facility_code: member!(r, "facility_code", r.string()?),
        },
        Step::Dispatched => EventKind::Dispatched {
            batch: member!(r, "batch", r.code()?),
            facility_code: member!(r, "facility_code", r.string()?),
            manifest: member!(r, "manifest", manifest(r, recorder)?),
            outsourced_batch: member!(r, "outsourced_batch", r.code()?),
        },
        Step::PickedUp => EventKind::PickedUp {
            driver: member!(r, "driver", r.string()?),
            giver: member!(r, "giver", actor(r)?),
            manifest: member!(r, "manifest", r.code()?),
            permit: member!(r, "permit", r.string()?),
            vehicle_plate: member!(r, "vehicle_plate", r.string()?),
        },
        Step::RelayHandover => EventKind::RelayHandover {
            driver: member!(r, "driver", r.string()?),
            giver: member!(r, "giver", actor(r)?),
            manifest: member!(r, "manifest", r.code()?),
            permit: member!(r, "permit", r.string()?),
            place: member!(r, "place", r.string()?),
            vehicle_plate: member!(r, "vehicle_plate", r.string()?),
        },
        Step::Received => EventKind::Received {
            giver: member!(r, "giver", actor(r)?),
            manifest: member!(r, "manifest", r.code()?),
        },
        Step::Weighed => EventKind::Weighed {
            measured: member!(r, "measured", quantity(r)?),
        },
        Step::Weighing => EventKind::Weighing {
            discrepancy: member!(r, "discrepancy", r.nullable(discrepancy)?),
            measured: member!(r, "measured", quantity(r)?),
            method: member!(
                r,
                "method",
                r.name(&WeighMethod::ALL.map(|m| (m.as_str(), m)))?
            ),
            // Written only when read from a scale; left out (not `null`) otherwise.
            scale: if r.eat(b",\"scale\":") {
                Some(r.string()?)
            } else {
                None
            },
            weigher: member!(r, "weigher", r.string()?),
        },
        Step::Accepted => EventKind::Accepted {
            quantity: member!(r, "quantity", quantity(r)?),
        },
        Step::PartlyRefused => EventKind::PartlyRefused {
            accepted: member!(r, "accepted", quantity(r)?),
            reason: member!(r, "reason", r.string()?),
            refused: member!(r, "refused", quantity(r)?),
        },
        Step::Refused => EventKind::Refused {
            quantity: member!(r, "quantity", quantity(r)?),
            reason: member!(r, "reason", r.string()?),
        },
        Step::Returned => EventKind::Returned {
            giver: member!(r, "giver", actor(r)?),
            reason: member!(r, "reason", r.string()?),
        },
        Step::Disposed => EventKind::Disposed {
            batch: member!(r, "batch", r.code()?),
            completed_at: member!(r, "completed_at", Timestamp(r.i64()?)),
            method: member!(r, "method", r.string()?),
            mode: member!(r, "mode", treatment(r)?),
        },
        Step::Merged => EventKind::Merged {
            inherited_state: member!(r, "inherited_state", state(r)?),
            target: member!(r, "target", label(r, recorder)?),
        },
        Step::Split => EventKind::Split {
            inherited_state: member!(r, "inherited_state", state(r)?),
            parts: member!(r, "parts", labels(r, recorder)?),
            // Only in the split that sends a refused part back; left out otherwise.
            returning: if r.eat(b",\"returning\":") {
                r.lit(b"{\"code\":")?;
                let code = r.code()?;
                let manifest = member!(r, "manifest", manifest(r, recorder)?);
                r.lit(b"}")?;
                Some(ReturningPart { code, manifest })
            } else {
                None
            },
        },
        Step::Correction => EventKind::Correction {
            changes: member!(r, "changes", changes(r)?),
            corrects: member!(r, "corrects", EventId(r.hex32()?)),
            reason: member!(r, "reason", r.string()?),
        },
        Step::Void => EventKind::Void {
            // Stated since it was added; left out (not `null`) in voids from before.
            quantity: if r.eat(b",\"quantity\":") {
                Some(quantity(r)?)
            } else {
                None
            },
            reason: member!(r, "reason", r.string()?),
        },
    };
    r.lit(b"}")?;
    Some(kind)
}

fn labels(r: &mut Reader<'_>, recorder: &CreditCode) -> Option<Vec<ContainerLabel>> {
    r.lit(b"[")?;
    let mut out = Vec::new();
    if r.eat(b"]") {
        return Some(out);
    }
    loop {
        out.push(label(r, recorder)?);
        if r.eat(b"]") {
            return Some(out);
        }
        r.lit(b",")?;
    }
}

/// A map with its keys in strictly ascending byte order (so no key twice).
fn changes(r: &mut Reader<'_>) -> Option<BTreeMap<String, String>> {
    r.lit(b"{")?;
    let mut out = BTreeMap::new();
    if r.eat(b"}") {
        return Some(out);
    }
    loop {
        let key = r.string()?;
        if out.last_key_value().is_some_and(|(l, _)| l >= &key) {
            return None;
        }
        r.lit(b":")?;
        let value = r.string()?;
        out.insert(key, value);
        if r.eat(b"}") {
            return Some(out);
        }
        r.lit(b",")?;
    }
}

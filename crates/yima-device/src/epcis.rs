//! Verified custody events as a GS1 EPCIS 2.0 JSON-LD document: a pure mapping (no IO),
//! beside the ledger's, from the events a device holds to one `EPCISDocument`.
//!
//! Identifiers. EPCIS 2.0 allows any URI as an EPC. Yima has no GS1 company prefix and no
//! registered domain of its own, so its identifiers are URNs in one namespace, all built
//! here from [`YIMA_URN`] (the one place to change for an HTTPS identifier domain later):
//! - a container: `urn:yima:label:<37-character label code>` (the code of its QR label);
//! - an organisation: `urn:yima:org:<unified social credit code>` (GB 32100), as the
//!   `owning_party` / `possessing_party` of `sourceList` and `destinationList`;
//! - a transfer manifest: `urn:yima:manifest:<14 digits>` in `bizTransactionList`;
//! - a storage or treatment facility: `urn:yima:facility:<credit code>:<facility code>`.
//!
//! An event's `eventID` is `ni:///sha-256;<hex>` (RFC 6920's form as GS1 writes it) of
//! Yima's own event id: the SHA-256 of the event's canonical encoding
//! (`docs/EVENT-ENCODING.md`), which its signatures sign. It is not GS1's event hash (no
//! `?ver=CBV2.0`): the document names the signed Yima event, which anyone holding it can
//! check. Yima's own fields travel as extensions under the `yima:` prefix, bound in the
//! document's `@context` to [`YIMA_NS`]: the step, the recorder, the signatures, each
//! container's waste code and category and previous event, the operator, and whether the
//! event verified on this device.
//!
//! Steps: generation → ObjectEvent ADD `commissioning` (the label as `ilmd`); storage →
//! OBSERVE `storing`; dispatch → `shipping`; pickup → `departing`, relay → `arriving`,
//! receipt → `receiving` (parties and manifest), return → `receiving` / `returned`; weighing
//! → OBSERVE `inspecting` with a sensor report (`Mass` or `Volume`); acceptance → `accepting` /
//! `conformant`; a part refused → `accepting` with Yima's `partly_refused` disposition;
//! refusal → Yima's `rejecting` step (CBV 2.0 has none) / `non_conformant`; disposal →
//! `destroying` / `destroyed`, use (利用) → `decommissioning` / `inactive`; split and merge
//! → TransformationEvent `repackaging`; correction → OBSERVE with Yima's `correcting` step
//! naming the corrected event; void → ObjectEvent DELETE `decommissioning` / `inactive`.
//! Every event in scope maps to exactly one EPCIS event (the match has no catch-all arm).

use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use yima_codes::{CreditCode, LabelCode, ManifestNumber};
use yima_core::{
    ContainerLabel, EventId, EventKind, Quantity, SignedEvent, Timestamp, TreatmentMode, Unit,
};

/// GS1's EPCIS 2.0 JSON-LD context.
pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
/// The namespace of Yima's extensions (the `yima:` prefix).
pub const YIMA_NS: &str = "urn:yima:epcis:";
/// The root of Yima's identifiers.
pub const YIMA_URN: &str = "urn:yima:";

/// A container's EPC.
pub fn container_epc(code: &LabelCode) -> String {
    format!("{YIMA_URN}label:{code}")
}

/// An organisation's identifier.
pub fn org_uri(code: &CreditCode) -> String {
    format!("{YIMA_URN}org:{code}")
}

/// An event's `eventID`.
pub fn event_uri(id: &EventId) -> String {
    format!("ni:///sha-256;{id}")
}

fn manifest_uri(number: &impl std::fmt::Display) -> String {
    format!("{YIMA_URN}manifest:{number}")
}

fn facility_uri(org: &CreditCode, facility: &str) -> String {
    let safe: String = facility
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                c.to_string()
            } else {
                c.to_string().bytes().map(|b| format!("%{b:02X}")).collect()
            }
        })
        .collect();
    format!("{YIMA_URN}facility:{org}:{safe}")
}

/// UN/ECE Recommendation 20 codes, as EPCIS writes units of measure.
fn uom(unit: Unit) -> &'static str {
    match unit {
        Unit::Kg => "KGM",
        Unit::T => "TNE",
        Unit::L => "LTR",
    }
}

fn amount(q: &Quantity) -> Value {
    q.amount()
        .parse::<f64>()
        .map(Value::from)
        .unwrap_or(Value::Null)
}

fn quantity(q: &Quantity) -> Value {
    json!({ "yima:amount": amount(q), "yima:unit": q.unit.symbol() })
}

/// RFC 3339 in China time (China keeps +08:00 all year), milliseconds kept.
pub fn china_rfc3339(t: Timestamp) -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset");
    t.to_datetime()
        .with_timezone(&offset)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

/// sourceList and destinationList: who held the containers before and after, as owning and
/// possessing parties.
fn parties(ev: &mut Map<String, Value>, from: &[(&str, &CreditCode)], to: &[(&str, &CreditCode)]) {
    let list = |entries: &[(&str, &CreditCode)], key: &str| -> Value {
        entries
            .iter()
            .map(|(kind, org)| {
                let mut p = Map::new();
                p.insert("type".into(), (*kind).into());
                p.insert(key.into(), org_uri(org).into());
                Value::Object(p)
            })
            .collect()
    };
    if !from.is_empty() {
        ev.insert("sourceList".into(), list(from, "source"));
    }
    if !to.is_empty() {
        ev.insert("destinationList".into(), list(to, "destination"));
    }
}

fn biz_transaction(ev: &mut Map<String, Value>, number: &impl std::fmt::Display) {
    ev.insert(
        "bizTransactionList".into(),
        json!([{ "type": format!("{YIMA_NS}transferManifest"), "bizTransaction": manifest_uri(number) }]),
    );
}

/// A carrier taking custody under a manifest (pickup, or a relay between carriers): the
/// manifest, giver to carrier, and `[driver, permit, vehicle plate]`.
fn carried(
    ev: &mut Map<String, Value>,
    manifest: &ManifestNumber,
    giver: &CreditCode,
    carrier: &CreditCode,
    [driver, permit, plate]: [&str; 3],
) {
    biz_transaction(ev, manifest);
    parties(
        ev,
        &[("possessing_party", giver)],
        &[("possessing_party", carrier)],
    );
    ev.insert("yima:driver".into(), driver.into());
    ev.insert("yima:permit".into(), permit.into());
    ev.insert("yima:vehiclePlate".into(), plate.into());
}

fn label_ilmd(l: &ContainerLabel) -> Value {
    json!({
        "yima:wasteName": l.name,
        "yima:wasteCode": l.waste_code.to_string(),
        "yima:category": l.category.to_string(),
        "yima:form": l.form,
        "yima:hazards": l.hazards,
        "yima:mainComponents": l.main_components,
        "yima:harmfulComponents": l.harmful_components,
        "yima:producer": org_uri(&l.producer.credit_code),
        "yima:producerName": l.producer.name,
        "yima:generatedOn": l.generated_on.to_string(),
        "yima:declaredQuantity": quantity(&l.quantity),
        "yima:containerType": l.container_type,
    })
}

/// The verification of an event on the device: the problems found with it (none: verified).
pub type Problems<'a> = HashMap<EventId, Vec<&'a str>>;

/// One EPCIS event for a Yima event. `labels` gives each container's label where this
/// device knows it (for the waste code and category of every event).
pub fn epcis_event(
    e: &SignedEvent,
    labels: &HashMap<LabelCode, ContainerLabel>,
    problems: &Problems<'_>,
) -> Value {
    let b = &e.body;
    let by = &b.by.org;
    let epcs: Vec<String> = b
        .links
        .iter()
        .map(|l| container_epc(&l.container))
        .collect();
    // Containers an event begins (split parts, a merge's target) have no previous event.
    let existing: Vec<String> = b
        .links
        .iter()
        .filter(|l| l.prev.is_some())
        .map(|l| container_epc(&l.container))
        .collect();
    let created: Vec<String> = b
        .links
        .iter()
        .filter(|l| l.prev.is_none())
        .map(|l| container_epc(&l.container))
        .collect();
    let mut ev = Map::new();
    let object = |ev: &mut Map<String, Value>, action: &str, step: &str| {
        ev.insert("type".into(), "ObjectEvent".into());
        ev.insert("action".into(), action.into());
        ev.insert("epcList".into(), json!(epcs));
        ev.insert("bizStep".into(), step.into());
    };
    let transform = |ev: &mut Map<String, Value>| {
        ev.insert("type".into(), "TransformationEvent".into());
        ev.insert("inputEPCList".into(), json!(existing));
        ev.insert("outputEPCList".into(), json!(created));
        ev.insert("bizStep".into(), "repackaging".into());
    };
    let disposition = |ev: &mut Map<String, Value>, d: &str| {
        ev.insert("disposition".into(), d.into());
    };
    let location = |ev: &mut Map<String, Value>, facility: &str| {
        ev.insert(
            "bizLocation".into(),
            json!({ "id": facility_uri(by, facility) }),
        );
    };
    match &b.event {
        EventKind::Generated {
            batch,
            catalogue_edition,
            label,
        } => {
            object(&mut ev, "ADD", "commissioning");
            disposition(&mut ev, "active");
            if !label.facility_code.is_empty() {
                location(&mut ev, &label.facility_code);
            }
            let mut ilmd = label_ilmd(label);
            ilmd["yima:catalogueEdition"] = catalogue_edition.as_str().into();
            ev.insert("ilmd".into(), ilmd);
            ev.insert("yima:batch".into(), batch.to_string().into());
        }
        EventKind::Stored {
            batch,
            facility_code,
        } => {
            object(&mut ev, "OBSERVE", "storing");
            disposition(&mut ev, "in_progress");
            location(&mut ev, facility_code);
            ev.insert("yima:batch".into(), batch.to_string().into());
        }
        EventKind::Dispatched {
            batch,
            facility_code,
            manifest,
            outsourced_batch,
        } => {
            object(&mut ev, "OBSERVE", "shipping");
            disposition(&mut ev, "in_progress");
            location(&mut ev, facility_code);
            biz_transaction(&mut ev, &manifest.number);
            parties(
                &mut ev,
                &[("owning_party", &manifest.sender.credit_code)],
                &[("owning_party", &manifest.receiver.credit_code)],
            );
            ev.insert("yima:batch".into(), batch.to_string().into());
            ev.insert(
                "yima:outsourcedBatch".into(),
                outsourced_batch.to_string().into(),
            );
            ev.insert(
                "yima:carrier".into(),
                org_uri(&manifest.carrier.credit_code).into(),
            );
            ev.insert(
                "yima:treatment".into(),
                manifest.mode.name(yima_codes::Lang::En).into(),
            );
            ev.insert(
                "yima:receiverPermit".into(),
                manifest.receiver_permit.as_str().into(),
            );
        }
        EventKind::PickedUp {
            driver,
            giver,
            manifest,
            permit,
            vehicle_plate,
        } => {
            let transport = [driver, permit, vehicle_plate].map(|t| t.as_str());
            object(&mut ev, "OBSERVE", "departing");
            disposition(&mut ev, "in_transit");
            carried(&mut ev, manifest, &giver.org, by, transport);
        }
        EventKind::RelayHandover {
            driver,
            giver,
            manifest,
            permit,
            place,
            vehicle_plate,
        } => {
            let transport = [driver, permit, vehicle_plate].map(|t| t.as_str());
            object(&mut ev, "OBSERVE", "arriving");
            disposition(&mut ev, "in_transit");
            carried(&mut ev, manifest, &giver.org, by, transport);
            ev.insert("yima:place".into(), place.as_str().into());
        }
        EventKind::Received { giver, manifest } => {
            object(&mut ev, "OBSERVE", "receiving");
            disposition(&mut ev, "in_progress");
            biz_transaction(&mut ev, manifest);
            parties(
                &mut ev,
                &[("possessing_party", &giver.org)],
                &[("possessing_party", by)],
            );
        }
        EventKind::Returned { giver, reason } => {
            object(&mut ev, "OBSERVE", "receiving");
            disposition(&mut ev, "returned");
            parties(
                &mut ev,
                &[("possessing_party", &giver.org)],
                &[("possessing_party", by)],
            );
            ev.insert("yima:reason".into(), reason.as_str().into());
        }
        EventKind::Weighed { measured } => {
            object(&mut ev, "OBSERVE", "inspecting");
            ev.insert("sensorElementList".into(), weight_report(measured));
        }
        EventKind::Weighing {
            discrepancy,
            measured,
            method,
            scale,
            weigher,
        } => {
            object(&mut ev, "OBSERVE", "inspecting");
            ev.insert("sensorElementList".into(), weight_report(measured));
            ev.insert("yima:weigher".into(), weigher.as_str().into());
            ev.insert("yima:weighMethod".into(), json!(method));
            if let Some(s) = scale {
                ev.insert("yima:scale".into(), s.as_str().into());
            }
            if let Some(d) = discrepancy {
                ev.insert("yima:discrepancy".into(), json!(d));
            }
        }
        EventKind::Accepted { quantity: q } => {
            object(&mut ev, "OBSERVE", "accepting");
            disposition(&mut ev, "conformant");
            ev.insert("yima:accepted".into(), quantity(q));
        }
        EventKind::PartlyRefused {
            accepted,
            reason,
            refused,
        } => {
            object(&mut ev, "OBSERVE", "accepting");
            disposition(&mut ev, &format!("{YIMA_NS}partly_refused"));
            ev.insert("yima:accepted".into(), quantity(accepted));
            ev.insert("yima:refused".into(), quantity(refused));
            ev.insert("yima:reason".into(), reason.as_str().into());
        }
        EventKind::Refused {
            quantity: q,
            reason,
        } => {
            object(&mut ev, "OBSERVE", &format!("{YIMA_NS}rejecting"));
            disposition(&mut ev, "non_conformant");
            ev.insert("yima:refused".into(), quantity(q));
            ev.insert("yima:reason".into(), reason.as_str().into());
        }
        EventKind::Disposed {
            batch,
            completed_at,
            method,
            mode,
        } => {
            match mode {
                TreatmentMode::Disposal => {
                    object(&mut ev, "OBSERVE", "destroying");
                    disposition(&mut ev, "destroyed");
                }
                TreatmentMode::Use => {
                    object(&mut ev, "OBSERVE", "decommissioning");
                    disposition(&mut ev, "inactive");
                }
            }
            ev.insert("yima:batch".into(), batch.to_string().into());
            ev.insert("yima:method".into(), method.as_str().into());
            ev.insert(
                "yima:treatment".into(),
                mode.name(yima_codes::Lang::En).into(),
            );
            ev.insert(
                "yima:completedAt".into(),
                china_rfc3339(*completed_at).into(),
            );
        }
        EventKind::Merged {
            inherited_state,
            target,
        } => {
            transform(&mut ev);
            ev.insert("ilmd".into(), label_ilmd(target));
            ev.insert("yima:inheritedState".into(), json!(inherited_state));
        }
        EventKind::Split {
            inherited_state,
            parts,
            returning,
        } => {
            transform(&mut ev);
            ev.insert(
                "yima:parts".into(),
                parts
                    .iter()
                    .map(|p| json!({ "yima:epc": container_epc(&p.code), "yima:quantity": quantity(&p.quantity) }))
                    .collect(),
            );
            ev.insert("yima:inheritedState".into(), json!(inherited_state));
            if let Some(r) = returning {
                ev.insert("yima:returning".into(), container_epc(&r.code).into());
                biz_transaction(&mut ev, &r.manifest.number);
            }
        }
        EventKind::Correction {
            changes,
            corrects,
            reason,
        } => {
            object(&mut ev, "OBSERVE", &format!("{YIMA_NS}correcting"));
            ev.insert("yima:corrects".into(), event_uri(corrects).into());
            ev.insert("yima:changes".into(), json!(changes));
            ev.insert("yima:reason".into(), reason.as_str().into());
        }
        EventKind::Void {
            quantity: q,
            reason,
        } => {
            object(&mut ev, "DELETE", "decommissioning");
            disposition(&mut ev, "inactive");
            if let Some(q) = q {
                ev.insert("yima:quantity".into(), quantity(q));
            }
            ev.insert("yima:reason".into(), reason.as_str().into());
        }
    }
    ev.insert("eventTime".into(), china_rfc3339(b.at).into());
    ev.insert("eventTimeZoneOffset".into(), "+08:00".into());
    ev.insert("eventID".into(), event_uri(&e.id).into());
    // Yima's own fields.
    ev.insert("yima:step".into(), b.event.step().as_str().into());
    ev.insert(
        "yima:recordedBy".into(),
        json!({ "yima:org": org_uri(by), "yima:role": b.by.role, "yima:key": b.by.key }),
    );
    if let Some(g) = b.event.giver() {
        ev.insert(
            "yima:givenBy".into(),
            json!({ "yima:org": org_uri(&g.org), "yima:role": g.role, "yima:key": g.key }),
        );
    }
    ev.insert(
        "yima:containers".into(),
        b.links
            .iter()
            .map(|l| {
                let mut c = json!({ "yima:epc": container_epc(&l.container) });
                if let Some(label) = labels.get(&l.container) {
                    c["yima:wasteCode"] = label.waste_code.to_string().into();
                    c["yima:category"] = label.category.to_string().into();
                }
                if let Some(prev) = &l.prev {
                    c["yima:previousEvent"] = event_uri(prev).into();
                }
                c
            })
            .collect(),
    );
    if let Some(op) = &b.operator {
        ev.insert("yima:operator".into(), op.as_str().into());
    }
    if let Some(place) = &b.location {
        ev.insert("yima:location".into(), place.as_str().into());
    }
    ev.insert("yima:seq".into(), b.seq.into());
    ev.insert("yima:signatures".into(), json!(e.signatures));
    let found = problems.get(&e.id);
    ev.insert(
        "yima:verified".into(),
        found.is_none_or(|p| p.is_empty()).into(),
    );
    if let Some(p) = found.filter(|p| !p.is_empty()) {
        ev.insert("yima:problems".into(), json!(p));
    }
    Value::Object(ev)
}

/// A weighing as a sensor report: CBV 2.0's measurement types `Mass` (kg, t) or `Volume` (L),
/// the value in its unit's UN/ECE code.
fn weight_report(measured: &Quantity) -> Value {
    let kind = match measured.unit {
        Unit::L => "Volume",
        Unit::Kg | Unit::T => "Mass",
    };
    json!([{ "sensorReport": [{ "type": kind, "value": amount(measured), "uom": uom(measured.unit) }] }])
}

/// An `EPCISDocument` of `events` (each once, in the order given), created at `created`.
pub fn epcis_document(
    events: &[SignedEvent],
    labels: &HashMap<LabelCode, ContainerLabel>,
    problems: &Problems<'_>,
    created: Timestamp,
) -> Value {
    let mut seen = HashSet::new();
    let list: Vec<Value> = events
        .iter()
        .filter(|e| seen.insert(e.id))
        .map(|e| epcis_event(e, labels, problems))
        .collect();
    json!({
        "@context": [EPCIS_CONTEXT, { "yima": YIMA_NS }],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": china_rfc3339(created),
        "epcisBody": { "eventList": list },
    })
}

#[cfg(test)]
#[path = "epcis_tests.rs"]
mod tests;

//! The EPCIS mapping's unit tests (beside `epcis.rs`, which they test).

use super::*;
use chrono::NaiveDate;
use yima_codes::{BatchCode, BatchKind, ManifestNumber};
use yima_core::{
    Actor, ContainerState, DeviceKey, EventBody, Link, Party, ReturningPart, Role,
    TransferManifest, WeighMethod, EVENT_FORMAT_VERSION,
};

/// 2025-01-01T00:00:00Z, 08:00 in China.
const T0: Timestamp = Timestamp(1_735_689_600_000);

fn credit(first17: &str) -> CreditCode {
    CreditCode::with_check(first17).unwrap()
}

fn producer() -> Party {
    Party {
        credit_code: credit("91350100M000100Y4"),
        name: "福州示例化工有限公司".into(),
    }
}

fn carrier() -> Party {
    Party {
        credit_code: credit("91350100MA2XY8001"),
        name: "闽运危险货物运输有限公司".into(),
    }
}

fn receiver() -> Party {
    Party {
        credit_code: credit("91350200MA3ABC8Q2"),
        name: "厦门绿源环保处置有限公司".into(),
    }
}

fn actor(party: &Party, role: Role, secret: u8) -> (Actor, DeviceKey) {
    let key = DeviceKey::from_secret(&[secret; 32]);
    let actor = Actor {
        org: party.credit_code.clone(),
        role,
        key: key.public(),
    };
    (actor, key)
}

fn code(seq: u16) -> LabelCode {
    format!("91350100M000100Y439000414920250101{seq:03}")
        .parse()
        .unwrap()
}

fn kg(amount: &str) -> Quantity {
    Quantity::parse(amount, Unit::Kg).unwrap()
}

fn label(seq: u16, amount: &str) -> ContainerLabel {
    let mut l = ContainerLabel::from_code(&code(seq), kg(amount)).unwrap();
    l.name = "废矿物油".into();
    l.producer = producer();
    l.facility_code = "产生点 1".into();
    l
}

fn batch(kind: BatchKind) -> BatchCode {
    BatchCode::new(kind, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), 1).unwrap()
}

fn number() -> ManifestNumber {
    ManifestNumber::new(2025, 35, 1, 123).unwrap()
}

fn manifest() -> TransferManifest {
    TransferManifest {
        number: number(),
        sender: producer(),
        carrier: carrier(),
        receiver: receiver(),
        receiver_permit: "闽危废经许字 350200001 号".into(),
        mode: TreatmentMode::Disposal,
        emergency_measures: "泄漏时用砂土覆盖".into(),
    }
}

/// An event recorded (and signed) by `by` on `links`.
fn sealed(by: &(Actor, DeviceKey), event: EventKind, links: Vec<Link>) -> SignedEvent {
    SignedEvent::seal(
        EventBody {
            v: EVENT_FORMAT_VERSION,
            at: T0,
            by: by.0.clone(),
            composer: by.0.key,
            event,
            links,
            location: None,
            track: None,
            operator: Some("王磊".into()),
            seq: 1,
        },
        &by.1,
    )
}

fn after(prev: &SignedEvent, seq: u16) -> Vec<Link> {
    vec![Link {
        container: code(seq),
        prev: Some(prev.id),
    }]
}

fn map(e: &SignedEvent) -> Value {
    epcis_event(
        e,
        &HashMap::from([(code(1), label(1, "180"))]),
        &Problems::new(),
    )
}

fn generated() -> SignedEvent {
    let p = actor(&producer(), Role::Producer, 1);
    sealed(
        &p,
        EventKind::Generated {
            batch: batch(BatchKind::Generation),
            catalogue_edition: "2025".into(),
            label: label(1, "180"),
        },
        vec![Link {
            container: code(1),
            prev: None,
        }],
    )
}

#[test]
fn identifiers_are_urns_of_yima_and_the_event_id_as_a_named_hash() {
    assert_eq!(
        container_epc(&code(1)),
        "urn:yima:label:91350100M000100Y439000414920250101001"
    );
    assert_eq!(
        org_uri(&producer().credit_code),
        format!("urn:yima:org:{}", producer().credit_code)
    );
    assert_eq!(
        manifest_uri(&number()),
        format!("urn:yima:manifest:{number}", number = number())
    );
    // Anything but URI-safe ASCII is percent-encoded (UTF-8), so the URI stays one.
    assert_eq!(
        facility_uri(&producer().credit_code, "仓 A-1"),
        format!(
            "urn:yima:facility:{}:%E4%BB%93%20A-1",
            producer().credit_code
        )
    );
    let e = generated();
    let id = event_uri(&e.id);
    let hex = id.strip_prefix("ni:///sha-256;").unwrap();
    assert_eq!(hex, e.id.to_string());
    assert_eq!(hex.len(), 64);
    assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(china_rfc3339(T0), "2025-01-01T08:00:00.000+08:00");
}

#[test]
fn generation_commissions_the_container_with_its_label() {
    let e = generated();
    let v = map(&e);
    assert_eq!(v["type"], "ObjectEvent");
    assert_eq!(v["action"], "ADD");
    assert_eq!(v["bizStep"], "commissioning");
    assert_eq!(v["disposition"], "active");
    assert_eq!(v["epcList"], json!([container_epc(&code(1))]));
    assert_eq!(v["eventID"], event_uri(&e.id));
    assert_eq!(v["eventTime"], "2025-01-01T08:00:00.000+08:00");
    assert_eq!(v["eventTimeZoneOffset"], "+08:00");
    assert_eq!(
        v["bizLocation"]["id"],
        facility_uri(&producer().credit_code, "产生点 1")
    );
    assert_eq!(v["ilmd"]["yima:wasteName"], "废矿物油");
    assert_eq!(v["ilmd"]["yima:wasteCode"], "900-041-49");
    assert_eq!(v["ilmd"]["yima:category"], "HW49");
    assert_eq!(
        v["ilmd"]["yima:declaredQuantity"],
        json!({ "yima:amount": 180.0, "yima:unit": "kg" })
    );
    assert_eq!(v["yima:step"], "generated");
    assert_eq!(v["yima:operator"], "王磊");
    assert_eq!(
        v["yima:recordedBy"]["yima:org"],
        org_uri(&producer().credit_code)
    );
    assert_eq!(v["yima:signatures"].as_array().unwrap().len(), 1);
    assert_eq!(v["yima:verified"], true);
    assert!(v.get("yima:problems").is_none());
}

#[test]
fn dispatch_and_pickup_name_the_manifest_and_the_parties() {
    let g = generated();
    let p = actor(&producer(), Role::Producer, 1);
    let dispatch = sealed(
        &p,
        EventKind::Dispatched {
            batch: batch(BatchKind::OutOfStore),
            facility_code: "WS-01".into(),
            manifest: manifest(),
            outsourced_batch: batch(BatchKind::OutsourcedDisposal),
        },
        after(&g, 1),
    );
    let v = map(&dispatch);
    assert_eq!(
        (v["action"].as_str(), v["bizStep"].as_str()),
        (Some("OBSERVE"), Some("shipping"))
    );
    assert_eq!(v["disposition"], "in_progress");
    assert_eq!(
        v["bizTransactionList"],
        json!([{ "type": "urn:yima:epcis:transferManifest", "bizTransaction": format!("urn:yima:manifest:{}", number()) }])
    );
    assert_eq!(
        v["sourceList"],
        json!([{ "type": "owning_party", "source": org_uri(&producer().credit_code) }])
    );
    assert_eq!(
        v["destinationList"],
        json!([{ "type": "owning_party", "destination": org_uri(&receiver().credit_code) }])
    );
    assert_eq!(v["yima:carrier"], org_uri(&carrier().credit_code));
    assert_eq!(
        v["yima:containers"][0]["yima:previousEvent"],
        event_uri(&g.id)
    );
    assert_eq!(v["yima:containers"][0]["yima:wasteCode"], "900-041-49");

    let c = actor(&carrier(), Role::Carrier, 2);
    let mut pickup = sealed(
        &c,
        EventKind::PickedUp {
            driver: "陈师傅".into(),
            giver: p.0.clone(),
            manifest: number(),
            permit: "闽交运管许可榕字 350100000001 号".into(),
            vehicle_plate: "闽A·D1234".into(),
        },
        after(&dispatch, 1),
    );
    pickup.countersign(&p.1);
    let v = map(&pickup);
    assert_eq!(v["bizStep"], "departing");
    assert_eq!(v["disposition"], "in_transit");
    assert_eq!(
        v["sourceList"],
        json!([{ "type": "possessing_party", "source": org_uri(&producer().credit_code) }])
    );
    assert_eq!(
        v["destinationList"],
        json!([{ "type": "possessing_party", "destination": org_uri(&carrier().credit_code) }])
    );
    assert_eq!(
        v["bizTransactionList"][0]["bizTransaction"],
        manifest_uri(&number())
    );
    assert_eq!(
        v["yima:givenBy"]["yima:org"],
        org_uri(&producer().credit_code)
    );
    assert_eq!(v["yima:signatures"].as_array().unwrap().len(), 2);
}

#[test]
fn weighing_acceptance_refusal_and_treatment_map_to_cbv_steps() {
    let g = generated();
    let r = actor(&receiver(), Role::Receiver, 3);
    let at = |event| map(&sealed(&r, event, after(&g, 1)));

    let v = at(EventKind::Weighing {
        discrepancy: None,
        measured: kg("165.5"),
        method: WeighMethod::Scale,
        scale: None,
        weigher: "李工".into(),
    });
    assert_eq!(
        (v["action"].as_str(), v["bizStep"].as_str()),
        (Some("OBSERVE"), Some("inspecting"))
    );
    assert_eq!(
        v["sensorElementList"],
        json!([{ "sensorReport": [{ "type": "Mass", "value": 165.5, "uom": "KGM" }] }])
    );
    let litres = at(EventKind::Weighed {
        measured: Quantity::parse("20", Unit::L).unwrap(),
    });
    assert_eq!(
        litres["sensorElementList"][0]["sensorReport"][0],
        json!({ "type": "Volume", "value": 20.0, "uom": "LTR" })
    );

    let v = at(EventKind::Accepted {
        quantity: kg("165.5"),
    });
    assert_eq!(
        (v["bizStep"].as_str(), v["disposition"].as_str()),
        (Some("accepting"), Some("conformant"))
    );
    assert_eq!(
        v["yima:accepted"],
        json!({ "yima:amount": 165.5, "yima:unit": "kg" })
    );

    let v = at(EventKind::PartlyRefused {
        accepted: kg("160"),
        reason: "含水率超标".into(),
        refused: kg("5.5"),
    });
    assert_eq!(v["bizStep"], "accepting");
    assert_eq!(v["disposition"], "urn:yima:epcis:partly_refused");
    assert_eq!(v["yima:refused"]["yima:amount"], 5.5);

    let v = at(EventKind::Refused {
        quantity: kg("165.5"),
        reason: "不符".into(),
    });
    assert_eq!(
        (v["bizStep"].as_str(), v["disposition"].as_str()),
        (Some("urn:yima:epcis:rejecting"), Some("non_conformant"))
    );

    let disposed = |mode| {
        at(EventKind::Disposed {
            batch: batch(BatchKind::OwnDisposal),
            completed_at: T0,
            method: "D10".into(),
            mode,
        })
    };
    let v = disposed(TreatmentMode::Disposal);
    assert_eq!(
        (v["bizStep"].as_str(), v["disposition"].as_str()),
        (Some("destroying"), Some("destroyed"))
    );
    assert_eq!(v["yima:completedAt"], "2025-01-01T08:00:00.000+08:00");
    let v = disposed(TreatmentMode::Use);
    assert_eq!(
        (v["bizStep"].as_str(), v["disposition"].as_str()),
        (Some("decommissioning"), Some("inactive"))
    );

    let v = at(EventKind::Void {
        quantity: Some(kg("180")),
        reason: "标签错误".into(),
    });
    assert_eq!(
        (v["action"].as_str(), v["bizStep"].as_str()),
        (Some("DELETE"), Some("decommissioning"))
    );
}

#[test]
fn storage_a_return_and_a_correction_map_to_their_steps() {
    let g = generated();
    let p = actor(&producer(), Role::Producer, 1);
    let v = map(&sealed(
        &p,
        EventKind::Stored {
            batch: batch(BatchKind::IntoStore),
            facility_code: "WS-01".into(),
        },
        after(&g, 1),
    ));
    assert_eq!(
        (v["bizStep"].as_str(), v["disposition"].as_str()),
        (Some("storing"), Some("in_progress"))
    );
    assert_eq!(
        v["bizLocation"]["id"],
        facility_uri(&producer().credit_code, "WS-01")
    );

    let c = actor(&carrier(), Role::Carrier, 2);
    let v = map(&sealed(
        &p,
        EventKind::Returned {
            giver: c.0.clone(),
            reason: "拒收".into(),
        },
        after(&g, 1),
    ));
    assert_eq!(
        (v["bizStep"].as_str(), v["disposition"].as_str()),
        (Some("receiving"), Some("returned"))
    );
    assert_eq!(
        v["sourceList"][0]["source"],
        org_uri(&carrier().credit_code)
    );
    assert_eq!(
        v["destinationList"][0]["destination"],
        org_uri(&producer().credit_code)
    );

    let v = map(&sealed(
        &p,
        EventKind::Correction {
            changes: [("container_type".to_string(), "IBC 吨桶".to_string())].into(),
            corrects: g.id,
            reason: "录错".into(),
        },
        after(&g, 1),
    ));
    assert_eq!(v["action"], "OBSERVE");
    assert_eq!(v["bizStep"], "urn:yima:epcis:correcting");
    assert_eq!(v["yima:corrects"], event_uri(&g.id));
    assert_eq!(v["yima:changes"]["container_type"], "IBC 吨桶");
}

#[test]
fn a_split_is_a_transformation_from_the_source_to_its_parts() {
    let g = generated();
    let r = actor(&receiver(), Role::Receiver, 3);
    let mut links = after(&g, 1);
    links.extend([2, 3].map(|seq| Link {
        container: code(seq),
        prev: None,
    }));
    let split = sealed(
        &r,
        EventKind::Split {
            inherited_state: ContainerState::Accepted,
            parts: vec![label(2, "160"), label(3, "5.5")],
            returning: Some(ReturningPart {
                code: code(3),
                manifest: manifest(),
            }),
        },
        links,
    );
    let v = map(&split);
    assert_eq!(v["type"], "TransformationEvent");
    assert!(v.get("action").is_none());
    assert_eq!(v["bizStep"], "repackaging");
    assert_eq!(v["inputEPCList"], json!([container_epc(&code(1))]));
    assert_eq!(
        v["outputEPCList"],
        json!([container_epc(&code(2)), container_epc(&code(3))])
    );
    assert_eq!(v["yima:returning"], container_epc(&code(3)));
    assert_eq!(
        v["bizTransactionList"][0]["bizTransaction"],
        manifest_uri(&number())
    );
}

#[test]
fn the_document_holds_each_event_once_and_marks_what_failed_to_verify() {
    let e = generated();
    let labels = HashMap::new();
    let problems: Problems<'_> = HashMap::from([(e.id, vec!["bad_signature"])]);
    let doc = epcis_document(&[e.clone(), e.clone()], &labels, &problems, T0);
    assert_eq!(doc["type"], "EPCISDocument");
    assert_eq!(doc["schemaVersion"], "2.0");
    assert_eq!(doc["creationDate"], "2025-01-01T08:00:00.000+08:00");
    assert_eq!(doc["@context"], json!([EPCIS_CONTEXT, { "yima": YIMA_NS }]));
    let list = doc["epcisBody"]["eventList"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["yima:verified"], false);
    assert_eq!(list[0]["yima:problems"], json!(["bad_signature"]));
    // Without the label, the container is named but its waste code is not guessed.
    assert!(list[0]["yima:containers"][0]
        .get("yima:wasteCode")
        .is_none());
}

//! GS1 EPCIS 2.0 exports: a chain from producer to carriers to receiver exported for one
//! container, for its manifest and for a period, and every step of the demo, each validated
//! against GS1's EPCIS JSON schema read from `../shared/data/epcis/` (never copied here);
//! GS1's own examples beside it validate, and broken documents do not, so the validator is
//! known to work. Without the shared folder the schema checks are skipped in one line
//! (`YIMA_REQUIRE_SHARED=1` makes that a failure).

use crate::common::*;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use yima_codes::{LabelCode, ManifestNumber};
use yima_core::{Role, Timestamp};
use yima_device::{container_epc, run_demo, Action, Device, EpcisScope, ErrorKind, ManualClock};

/// GS1's schema and examples, or `None` (after one line saying what was skipped and why).
fn gs1(what: &str) -> Option<PathBuf> {
    yima_testdata::shared("data/epcis", what)
}

fn read(dir: &Path, name: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(name)).expect("GS1's file");
    serde_json::from_str(&text).expect("GS1's file is JSON")
}

/// GS1's EPCIS JSON schema (draft-07; its `$ref`s are all inside it, so nothing is fetched),
/// with formats (`uri`, `date-time`) checked.
struct Schema(jsonschema::Validator);

impl Schema {
    fn load(dir: &Path) -> Schema {
        let schema = read(dir, "EPCIS-JSON-Schema.json");
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&schema)
            .expect("GS1's schema compiles without the network");
        Schema(validator)
    }

    fn errors(&self, doc: &Value) -> Vec<String> {
        self.0
            .iter_errors(doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    fn assert_valid(&self, doc: &Value, what: &str) {
        let errors = self.errors(doc);
        assert!(errors.is_empty(), "{what} does not validate: {errors:#?}");
    }
}

fn events(doc: &Value) -> &Vec<Value> {
    doc["epcisBody"]["eventList"]
        .as_array()
        .expect("an event list")
}

fn steps(doc: &Value) -> Vec<&str> {
    events(doc)
        .iter()
        .map(|e| e["bizStep"].as_str().expect("a bizStep"))
        .collect()
}

/// The EPCs an event names (an object event's, a transformation's inputs and outputs).
fn epcs(event: &Value) -> Vec<&str> {
    ["epcList", "inputEPCList", "outputEPCList"]
        .iter()
        .filter_map(|k| event[k].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn ids(doc: &Value) -> BTreeSet<&str> {
    let list: Vec<&str> = events(doc)
        .iter()
        .map(|e| e["eventID"].as_str().expect("an eventID"))
        .collect();
    let set: BTreeSet<&str> = list.iter().copied().collect();
    assert_eq!(set.len(), list.len(), "each event once");
    set
}

fn day(text: &str) -> Option<chrono::NaiveDate> {
    Some(text.parse().expect("a day"))
}

/// Producer → carrier → relay carrier → receiver, over three China-time days: two drums
/// generated, stored, weighed and dispatched on 2025-01-01, picked up and relayed that
/// day; received on 2025-01-02, where one is weighed and accepted and the other refused;
/// the accepted one disposed of on 2025-01-03. Returns the receiver's device and the drums.
struct Chain {
    _dirs: Vec<tempfile::TempDir>,
    accepted: LabelCode,
    refused: LabelCode,
}

fn chain<'a>(clock: &'a ManualClock) -> (Chain, Dev<'a>) {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), clock);
    let mut c2 = init(dirs[2].path(), Role::Carrier, &carrier2_org(), clock);
    let mut r = init(dirs[3].path(), Role::Receiver, &receiver_org(), clock);
    let codes = dispatched(&mut p, 2);
    clock.advance(HOUR);
    hand_over(&mut p, &mut c, &codes, pickup());
    clock.advance(HOUR);
    hand_over(&mut c, &mut c2, &codes, relay());
    clock.advance(24 * HOUR);
    hand_over(&mut c2, &mut r, &codes, receive());
    let (a, b) = (codes[0].clone(), codes[1].clone());
    clock.advance(HOUR);
    r.record(&req(std::slice::from_ref(&a), weighed_by("19.5", "林娜")))
        .unwrap();
    r.record(&req(
        std::slice::from_ref(&a),
        Action::Accept { quantity: None },
    ))
    .unwrap();
    r.record(&req(
        std::slice::from_ref(&b),
        Action::Refuse {
            reason: "包装破损".into(),
        },
    ))
    .unwrap();
    clock.advance(24 * HOUR);
    r.record(&req(
        std::slice::from_ref(&a),
        Action::Dispose {
            mode: None,
            method: "D10 焚烧".into(),
            completed_at: None,
        },
    ))
    .unwrap();
    // The receiver holds the whole chain, as from the registry.
    for from in [&mut p, &mut c, &mut c2] {
        feed(from, &mut r);
    }
    assert_verifies(&mut r);
    let chain = Chain {
        _dirs: dirs,
        accepted: a,
        refused: b,
    };
    (chain, r)
}

#[test]
fn a_chain_exports_for_a_container_its_manifest_and_a_period_and_validates() {
    let clock = clock();
    let (chain, mut r) = chain(&clock);
    let (a, b) = (&chain.accepted, &chain.refused);

    // One container: its chain from commissioning to destruction, in order.
    let (doc, n) = r.epcis(&EpcisScope::Container(a.clone())).unwrap();
    assert_eq!(n, events(&doc).len());
    assert_eq!(
        steps(&doc),
        [
            "commissioning",
            "storing",
            "inspecting",
            "shipping",
            "departing",
            "arriving",
            "receiving",
            "inspecting",
            "accepting",
            "destroying"
        ]
    );
    let epc = container_epc(a);
    for e in events(&doc) {
        assert!(epcs(e).contains(&epc.as_str()), "{e:#}");
        assert_eq!(e["yima:verified"], true, "{e:#}");
    }
    let list = events(&doc);
    assert_eq!(list[0]["action"], "ADD");
    assert_eq!(list[0]["ilmd"]["yima:wasteCode"], "900-041-49");
    assert_eq!(
        list[3]["bizTransactionList"][0]["bizTransaction"],
        format!("urn:yima:manifest:{}", manifest_number())
    );
    assert_eq!(list[4]["disposition"], "in_transit");
    assert_eq!(
        list[7]["sensorElementList"][0]["sensorReport"][0],
        json!({ "type": "Mass", "value": 19.5, "uom": "KGM" })
    );
    assert_eq!(list[8]["disposition"], "conformant");
    assert_eq!(list[8]["yima:accepted"]["yima:amount"], 19.5);
    assert_eq!(list[9]["disposition"], "destroyed");
    assert_eq!(list[9]["eventTime"].as_str().unwrap()[..10], *"2025-01-03");
    // Who had it: the receiver took it from the relay carrier.
    assert_eq!(
        list[6]["sourceList"][0]["source"],
        yima_device::org_uri(&carrier2_org().credit_code)
    );
    assert_eq!(
        list[6]["destinationList"][0]["destination"],
        yima_device::org_uri(&receiver_org().credit_code)
    );

    // The manifest: both drums, every event of theirs once.
    let (by_manifest, _) = r.epcis(&EpcisScope::Manifest(manifest_number())).unwrap();
    let (other, _) = r.epcis(&EpcisScope::Container(b.clone())).unwrap();
    let both: BTreeSet<&str> = ids(&doc).union(&ids(&other)).copied().collect();
    assert_eq!(ids(&by_manifest), both);
    assert!(steps(&other).contains(&"urn:yima:epcis:rejecting"));
    let named: HashSet<&str> = events(&by_manifest).iter().flat_map(epcs).collect();
    assert_eq!(
        named,
        HashSet::from([epc.as_str(), container_epc(b).as_str()])
    );

    // A period: the events of 2025-01-02 (China time), nothing else.
    let (all, total) = r
        .epcis(&EpcisScope::Period {
            from: None,
            to: None,
        })
        .unwrap();
    assert_eq!(total, r.verify(None).unwrap().events);
    let (second_day, n) = r
        .epcis(&EpcisScope::Period {
            from: day("2025-01-02"),
            to: day("2025-01-02"),
        })
        .unwrap();
    let expected: BTreeSet<&str> = events(&all)
        .iter()
        .filter(|e| e["eventTime"].as_str().unwrap().starts_with("2025-01-02"))
        .map(|e| e["eventID"].as_str().unwrap())
        .collect();
    assert_eq!(n, 4, "receipt, weighing, acceptance, refusal");
    assert_eq!(ids(&second_day), expected);
    assert_eq!(
        steps(&second_day),
        [
            "receiving",
            "inspecting",
            "accepting",
            "urn:yima:epcis:rejecting"
        ]
    );

    let Some(dir) = gs1("validating EPCIS exports against GS1's schema") else {
        return;
    };
    let schema = Schema::load(&dir);
    schema.assert_valid(&doc, "the container's export");
    schema.assert_valid(&by_manifest, "the manifest's export");
    schema.assert_valid(&second_day, "the period's export");
    schema.assert_valid(&all, "the whole store's export");
}

#[test]
fn gs1s_examples_validate_and_broken_documents_do_not() {
    let Some(dir) = gs1("checking GS1's EPCIS schema with GS1's examples") else {
        return;
    };
    let schema = Schema::load(&dir);
    for example in [
        "Example_9.6.1-ObjectEvent.jsonld",
        "Example_9.6.3-AggregationEvent.jsonld",
        "Example_9.6.4-TransformationEvent.jsonld",
    ] {
        schema.assert_valid(&read(&dir, example), example);
    }

    // GS1's own example with an action EPCIS does not have.
    let mut foo = read(&dir, "Example_9.6.1-ObjectEvent.jsonld");
    foo["epcisBody"]["eventList"][0]["action"] = "FOO".into();
    assert!(!schema.errors(&foo).is_empty(), "an action FOO is refused");

    // And Yima's own export, valid, then broken in ways the mapping must avoid.
    let clock = clock();
    let (chain, mut r) = chain(&clock);
    let (doc, _) = r
        .epcis(&EpcisScope::Container(chain.accepted.clone()))
        .unwrap();
    schema.assert_valid(&doc, "the export");
    // The dispatch (the fourth event), changed at a JSON pointer (`None`: removed).
    let broken = |field: &str, value: Option<Value>| {
        let mut d = doc.clone();
        let event = d.pointer_mut("/epcisBody/eventList/3").unwrap();
        assert_eq!(event["bizStep"], "shipping");
        let (parent, key) = field.rsplit_once('/').unwrap();
        let parent = event.pointer_mut(parent).unwrap();
        match value {
            Some(v) => parent[key] = v,
            None => {
                parent.as_object_mut().unwrap().remove(key).unwrap();
            }
        }
        d
    };
    for (field, value, why) in [
        ("/action", Some(json!("FOO")), "an unknown action"),
        ("/eventTime", None, "no event time"),
        (
            "/eventTime",
            Some(json!("2025-01-01 08:00")),
            "a time not in RFC 3339",
        ),
        (
            "/eventTimeZoneOffset",
            Some(json!("+8")),
            "a malformed offset",
        ),
        (
            "/bizStep",
            Some(json!("urn:epcglobal:cbv:bizstep:shipping")),
            "a CBV 1 URN as a step",
        ),
        (
            "/wasteCode",
            Some(json!("900-041-49")),
            "an extension without a prefix",
        ),
        (
            "/bizTransactionList/0/bizTransaction",
            Some(json!("not a uri")),
            "a manifest not a URI",
        ),
        ("/sourceList/0/source", None, "a source without its party"),
    ] {
        assert!(
            !schema.errors(&broken(field, value)).is_empty(),
            "{why} is refused"
        );
    }
    let mut untyped = doc.clone();
    untyped.as_object_mut().unwrap().remove("@context");
    assert!(
        !schema.errors(&untyped).is_empty(),
        "a document without @context is refused"
    );
}

#[test]
fn every_step_of_the_demo_exports_valid_epcis() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path()).unwrap();
    let clock = ManualClock::new(Timestamp::from_datetime(chrono::Utc::now()));
    let mut docs = Vec::new();
    let mut seen = BTreeSet::new();
    for party in ["producer", "carrier", "receiver"] {
        let mut dev = Device::open(&dir.path().join(party), &clock).unwrap();
        let held = dev.verify(None).unwrap().events;
        let (doc, n) = dev
            .epcis(&EpcisScope::Period {
                from: None,
                to: None,
            })
            .unwrap();
        assert_eq!(n, held, "{party}: every event it holds");
        assert_eq!(events(&doc).len(), n);
        for e in events(&doc) {
            seen.insert(e["yima:step"].as_str().unwrap().to_string());
        }
        docs.push((party, doc));
    }
    for step in [
        "generated",
        "stored",
        "correction",
        "weighing",
        "dispatched",
        "picked_up",
        "received",
        "accepted",
        "partly_refused",
        "split",
        "returned",
        "disposed",
        "void",
    ] {
        assert!(seen.contains(step), "the demo exports {step}: {seen:?}");
    }
    let Some(shared) = gs1("validating the demo's EPCIS exports against GS1's schema") else {
        return;
    };
    let schema = Schema::load(&shared);
    for (party, doc) in &docs {
        schema.assert_valid(doc, party);
    }
}

#[test]
fn unknown_containers_and_manifests_are_refused_and_exports_go_into_exports() {
    let clock = clock();
    let (chain, mut r) = chain(&clock);
    let e = r
        .epcis(&EpcisScope::Container(stranger(&clock)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownContainer, "{e}");
    let nobody = ManifestNumber::new(2025, 35, 1, 999).unwrap();
    let e = r.epcis(&EpcisScope::Manifest(nobody)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownContainer, "{e}");
    // An empty period is an empty document, not an error.
    let (doc, n) = r
        .epcis(&EpcisScope::Period {
            from: day("2024-12-01"),
            to: day("2024-12-31"),
        })
        .unwrap();
    assert_eq!((n, events(&doc).len()), (0, 0));

    let scope = EpcisScope::Container(chain.accepted.clone());
    let home = tempfile::tempdir().unwrap();
    let (path, n) = r.export_epcis(home.path(), &scope).unwrap();
    assert!(path.starts_with(home.path().join("exports")), "{path:?}");
    assert_eq!(path.extension().unwrap(), "jsonld");
    let written: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(written, r.epcis(&scope).unwrap().0);
    assert_eq!(n, events(&written).len());
    let mut bytes = Vec::new();
    assert_eq!(r.write_epcis(&mut bytes, &scope).unwrap(), n);
    assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap(), written);
}

#[test]
fn a_merge_is_a_transformation_into_the_new_container_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let a = p.register(&drum("10")).unwrap().code;
    let b = p.register(&drum("15")).unwrap().code;
    clock.advance(HOUR);
    let merged = p
        .record(&req(
            &[a.clone(), b.clone()],
            Action::Merge { quantity: None },
        ))
        .unwrap();
    let target = match &merged.body.event {
        yima_core::EventKind::Merged { target, .. } => target.code.clone(),
        other => panic!("not a merge: {other:?}"),
    };
    let (doc, n) = p.epcis(&EpcisScope::Container(target.clone())).unwrap();
    assert_eq!(n, 1, "the new container begins at the merge");
    let e = &events(&doc)[0];
    assert_eq!(e["type"], "TransformationEvent");
    assert_eq!(e["bizStep"], "repackaging");
    let inputs: BTreeSet<&str> = e["inputEPCList"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        inputs,
        BTreeSet::from([container_epc(&a).as_str(), container_epc(&b).as_str()])
    );
    assert_eq!(e["outputEPCList"], json!([container_epc(&target)]));
    assert_eq!(
        e["ilmd"]["yima:declaredQuantity"],
        json!({ "yima:amount": 25.0, "yima:unit": "kg" })
    );
    // A source's export ends with the merge too.
    let (of_a, _) = p.epcis(&EpcisScope::Container(a.clone())).unwrap();
    assert_eq!(steps(&of_a), ["commissioning", "repackaging"]);

    let Some(shared) = gs1("validating a merge's EPCIS export against GS1's schema") else {
        return;
    };
    let schema = Schema::load(&shared);
    schema.assert_valid(&doc, "the merge");
    schema.assert_valid(&of_a, "a merged source");
}

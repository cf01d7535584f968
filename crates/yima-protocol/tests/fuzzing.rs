//! The fuzz targets' checks (`yima_protocol::fuzzing`), run briefly on every `cargo test`:
//! on arbitrary bytes, and on real events and requests with bytes changed, inserted or cut.

use proptest::prelude::*;
use yima_codes::{BatchCode, BatchKind, CreditCode, LabelCode, WasteCode};
use yima_core::{
    Actor, ContainerLabel, DeviceKey, EventBody, EventKind, Link, Party, PhysicalForm, Quantity,
    Role, SignedEvent, Timestamp, Unit, EVENT_FORMAT_VERSION,
};
use yima_protocol::{fuzzing, PushRequest, WireEvent};

/// A real generated event, signed.
fn generated() -> SignedEvent {
    let producer: CreditCode = "91350100M000100Y43".parse().unwrap();
    let waste: WasteCode = "900-041-49".parse().unwrap();
    let at = Timestamp(1_796_000_000_000);
    let day = at.china_date();
    let code = LabelCode::new(producer.clone(), waste.clone(), day, 7).unwrap();
    let key = DeviceKey::from_secret(&[5; 32]);
    let label = ContainerLabel {
        code: code.clone(),
        name: "废活性炭".into(),
        category: waste.category().unwrap(),
        waste_code: waste,
        form: PhysicalForm::Solid,
        hazards: "T".parse().unwrap(),
        main_components: "活性炭".into(),
        harmful_components: "有机物".into(),
        precautions: "防潮".into(),
        producer: Party {
            credit_code: producer.clone(),
            name: "福州示例化工有限公司".into(),
        },
        contact: "王磊".into(),
        phone: "0591-87654321".into(),
        generated_on: day,
        quantity: Quantity::parse("25.5", Unit::Kg).unwrap(),
        container_type: "袋".into(),
        facility_code: "CS01".into(),
        remarks: String::new(),
    };
    let body = EventBody {
        v: EVENT_FORMAT_VERSION,
        at,
        by: Actor {
            org: producer,
            role: Role::Producer,
            key: key.public(),
        },
        composer: key.public(),
        event: EventKind::Generated {
            batch: BatchCode::new(BatchKind::Generation, day, 7).unwrap(),
            catalogue_edition: "2021".into(),
            label,
        },
        links: vec![Link {
            container: code,
            prev: None,
        }],
        location: None,
        operator: None,
        track: None,
        seq: 1,
    };
    SignedEvent::seal(body, &key)
}

/// `bytes` with one edit: a byte changed, inserted or cut at `at` (taken modulo the length).
fn edit(mut bytes: Vec<u8>, how: u8, at: usize, byte: u8) -> Vec<u8> {
    let i = at % (bytes.len() + 1);
    match how % 3 {
        0 if i < bytes.len() => bytes[i] = byte,
        1 => bytes.insert(i, byte),
        _ if i < bytes.len() => {
            bytes.remove(i);
        }
        _ => bytes.push(byte),
    }
    bytes
}

#[test]
fn a_real_event_and_its_push_pass_the_checks_unchanged() {
    let e = generated();
    let w = WireEvent::of(&e);
    fuzzing::event_body(w.body.as_bytes());
    fuzzing::wire_event(w.clone());
    let push = serde_json::to_vec(&PushRequest {
        events: vec![w],
        tracks: Vec::new(),
    })
    .unwrap();
    fuzzing::push_body(&push);
    fuzzing::request(b"k\nt\nn\ns\nPOST\n/v1/events\n{}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_the_readers(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        fuzzing::push_body(&data);
        fuzzing::event_body(&data);
        fuzzing::request(&data);
    }

    #[test]
    fn a_real_event_edited_is_refused_or_still_canonical(how: u8, at: usize, byte: u8) {
        let body = WireEvent::of(&generated()).body.into_bytes();
        fuzzing::event_body(&edit(body, how, at, byte));
    }

    #[test]
    fn a_real_push_edited_is_read_or_refused_without_panic(how: u8, at: usize, byte: u8) {
        let push = serde_json::to_vec(&PushRequest { events: vec![WireEvent::of(&generated())], tracks: Vec::new() }).unwrap();
        fuzzing::push_body(&edit(push, how, at, byte));
    }

    #[test]
    fn signed_requests_verify_only_as_signed(
        method in "[A-Z]{1,7}",
        path in "/v1/[a-z/?=&0-9-]{0,40}",
        time in any::<i64>(),
        nonce in "[0-9a-f]{0,70}",
        body in "\\PC{0,200}",
    ) {
        let data = format!("k\n{time}\n{nonce}\ns\n{method}\n{path}\n{body}");
        fuzzing::request(data.as_bytes());
    }
}

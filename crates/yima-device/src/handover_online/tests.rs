use crate::{
    Action, ActionRequest, Device, ErrorKind, HandoverForm, InitRequest, ManifestForm, ManualClock,
    NewContainer,
};
use yima_core::{Role, Timestamp, WireEvent};
use yima_protocol::FeedEntry;

pub(crate) type Dev<'a> = Device<&'a ManualClock>;

pub(crate) fn drum(amount: &str) -> NewContainer {
    NewContainer {
        main_components: "矿物油".into(),
        contact: "王磊".into(),
        phone: "0591-87654321".into(),
        ..NewContainer::new("900-249-08", amount, "kg", "liquid")
    }
}

pub(crate) fn init<'a>(
    dir: &std::path::Path,
    role: Role,
    name: &str,
    code: &str,
    clock: &'a ManualClock,
) -> Dev<'a> {
    Device::init(dir, &InitRequest::new(role, name, code), clock).unwrap()
}

/// The producer's and the carrier's devices of these tests, in `dir`'s `p` and `c`.
pub(crate) fn producer_and_carrier<'a>(
    dir: &std::path::Path,
    clock: &'a ManualClock,
) -> (Dev<'a>, Dev<'a>) {
    (
        init(
            &dir.join("p"),
            Role::Producer,
            "福州示例化工有限公司",
            "91350100M000100Y43",
            clock,
        ),
        init(
            &dir.join("c"),
            Role::Carrier,
            "闽运危货运输有限公司",
            "91350100MA2XY80011",
            clock,
        ),
    )
}

/// The QR text of `giver`'s pickup offer of `code` to `taker` (its identity read from its
/// card's QR code).
pub(crate) fn pickup_offer_text(
    giver: &mut Dev<'_>,
    taker: &mut Dev<'_>,
    code: &yima_codes::LabelCode,
) -> String {
    let card = crate::IdentityCard::from_qr_text(&taker.identity().unwrap().to_qr_text().unwrap())
        .unwrap();
    giver
        .offer_handover_qr(std::slice::from_ref(code), &card, pickup(), None, None)
        .unwrap()
        .to_text()
}

/// A container's label as the QR text printed on it.
pub(crate) fn label_text(d: &mut Dev<'_>, code: &yima_codes::LabelCode) -> String {
    d.label_payload(code).unwrap().1.to_text()
}

pub(crate) fn pickup() -> crate::HandoverStep {
    HandoverForm {
        step: "pickup".into(),
        manifest: "20263501000123".into(),
        vehicle_plate: "闽A·D1234".into(),
        driver: "陈师傅".into(),
        permit: "闽交运管许可榕字 350100000001 号".into(),
        ..HandoverForm::default()
    }
    .step()
    .unwrap()
}

/// A producer with two drums, the first dispatched under a manifest naming the carrier.
pub(crate) fn dispatched(producer: &mut Dev<'_>) -> (yima_codes::LabelCode, yima_codes::LabelCode) {
    let oil = producer.register(&drum("180")).unwrap().code;
    let other = producer.register(&drum("20")).unwrap().code;
    let manifest = producer
        .transfer_manifest(&ManifestForm {
            number: "20263501000123".into(),
            carrier_code: "91350100MA2XY80011".into(),
            carrier_name: "闽运危货运输有限公司".into(),
            receiver_code: "91350200MA3ABC8Q2E".into(),
            receiver_name: "厦门危废处置有限公司".into(),
            receiver_permit: "闽危废经许字 350200001 号".into(),
            mode: "disposal".into(),
            emergency_measures: String::new(),
        })
        .unwrap();
    let at = |action| ActionRequest {
        codes: vec![oil.clone()],
        action,
        at: None,
        location: None,
    };
    producer
        .record(&at(Action::Store {
            facility_code: "WS-01".into(),
        }))
        .unwrap();
    producer
        .record(&at(Action::Weigh {
            measured: yima_core::Quantity::parse("200", yima_core::Unit::Kg).unwrap(),
            method: yima_core::WeighMethod::Scale,
            scale: None,
            weigher: "王磊".into(),
        }))
        .unwrap();
    producer
        .record(&at(Action::Dispatch {
            manifest,
            facility_code: "WS-01".into(),
        }))
        .unwrap();
    (oil, other)
}

#[test]
fn an_offer_sent_online_is_taken_with_its_labels_and_comes_back_to_the_giver_by_its_pull() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Timestamp(1_772_409_600_000)); // 2026-03-02
    let mut producer = init(
        &dir.path().join("p"),
        Role::Producer,
        "福州示例化工有限公司",
        "91350100M000100Y43",
        &clock,
    );
    let mut carrier = init(
        &dir.path().join("c"),
        Role::Carrier,
        "闽运危货运输有限公司",
        "91350100MA2XY80011",
        &clock,
    );
    let mut other = init(
        &dir.path().join("o"),
        Role::Carrier,
        "闽运危货运输有限公司",
        "91350100MA2XY80011",
        &clock,
    );
    let (oil, spare) = dispatched(&mut producer);
    let card = carrier.identity().unwrap();

    let sent = producer
        .offer_handover_online(std::slice::from_ref(&oil), &card, pickup(), None, None)
        .unwrap();
    assert_eq!(sent.codes, vec![oil.clone()]);
    assert!(!sent.sent && !sent.taken);
    let offers = producer.offers_to_send().unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].event.id, sent.id);
    producer.mark_offers_sent(&[sent.id]).unwrap();
    assert!(producer.offers_to_send().unwrap().is_empty());
    assert!(producer.sent_offers().unwrap()[0].sent);

    // Only the device the offer names keeps it, once; a broken signature is left out.
    assert_eq!(other.store_received_offers(&offers).unwrap(), 0);
    assert!(other.received_offers().unwrap().is_empty());
    let mut forged = offers[0].clone();
    forged.event.signatures[0] = yima_core::DeviceKey::from_secret(&[9; 32]).sign(&forged.event.id);
    forged.event.signatures[0].key = offers[0].event.signatures[0].key;
    assert_eq!(carrier.store_received_offers(&[forged]).unwrap(), 0);
    assert_eq!(carrier.store_received_offers(&offers).unwrap(), 1);
    assert_eq!(carrier.store_received_offers(&offers).unwrap(), 0);
    clock.advance(60_000);
    let waiting = carrier.received_offers().unwrap();
    assert_eq!(waiting.len(), 1);
    let w = &waiting[0];
    assert_eq!((w.id, w.kind.as_str()), (sent.id, "pickup"));
    assert_eq!(w.giver_org.as_str(), "91350100M000100Y43");
    assert_eq!(w.manifest.as_deref(), Some("20263501000123"));
    assert_eq!(w.codes, vec![oil.clone()]);

    let label = label_text;
    let oil_label = label(&mut producer, &oil);
    let spare_label = label(&mut producer, &spare);
    let checks = carrier
        .check_received_offer_labels(&sent.id, &[oil_label.clone(), spare_label.clone()])
        .unwrap();
    assert_eq!(checks[0].on_offer, crate::LabelOnOffer::Listed);
    assert_eq!(checks[1].on_offer, crate::LabelOnOffer::NotListed);

    // A label off the list, or one missing: refused, nothing stored.
    let e = carrier
        .take_received_offer(&sent.id, &[oil_label.clone(), spare_label])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LabelMismatch);
    let e = carrier.take_received_offer(&sent.id, &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LabelMismatch);
    assert_eq!(carrier.outbox_counts().unwrap().pending, 0);

    let event = carrier.take_received_offer(&sent.id, &[oil_label]).unwrap();
    assert_eq!(event.id, sent.id);
    assert_eq!(event.signatures.len(), 2);
    assert!(carrier.received_offers().unwrap().is_empty());
    assert_eq!(carrier.outbox_counts().unwrap().pending, 1);
    assert_eq!(
        carrier
            .take_received_offer(&sent.id, &[])
            .unwrap_err()
            .kind(),
        ErrorKind::Duplicate
    );

    // The giver pulls the dual-signed event from the registry's feed: stored as its own.
    let entry = FeedEntry {
        seq: 1,
        event: WireEvent::of(&event),
        arrived_at: crate::Clock::now(&clock),
        fork_of: None,
        fixes: None,
    };
    let pulled = producer.store_pulled(&[entry], 1).unwrap();
    assert_eq!(pulled.stored, 1);
    let mine = producer.sent_offers().unwrap();
    assert!(mine[0].taken);
    assert!(producer.verify(None).unwrap().ok());
    assert!(carrier.verify(None).unwrap().ok());
}

//! Handover offers: each uses a counter value of its composer, accepted or not, so the
//! counter has no gap that verification would take for a lost event.

use crate::common::*;
use yima_core::{EventId, Role};
use yima_device::{HandoverOffer, HandoverStep, ManualClock, STORE_FILE};
use yima_store::Store;

fn seq_of(offer: &HandoverOffer) -> u64 {
    yima_core::decode(offer.event.body.as_bytes())
        .expect("offer body decodes")
        .seq
}

fn pickup() -> HandoverStep {
    HandoverStep::Pickup {
        manifest: manifest(&producer(), 2025, 7).number,
        vehicle_plate: "闽A·D1234".into(),
        driver: "陈师傅".into(),
        permit: "闽交运管许可榕字 350100000001 号".into(),
    }
}

#[test]
fn offers_use_counter_values_and_unaccepted_ones_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(T0);
    let p_dir = dir.path().join("p");
    let mut p = init(&p_dir, Role::Producer, &producer(), &clock);
    let mut c = init(&dir.path().join("c"), Role::Carrier, &carrier(), &clock);
    let me = p.identity().unwrap().key;
    let card = c.identity().unwrap();

    let codes: Vec<_> = (0..3)
        .map(|i| p.register(&new_container(WASTES[i])).unwrap().code)
        .collect();
    clock.advance(60_000);
    p.record(&step(&codes, store_action())).unwrap();
    weigh_each(&mut p, &codes);
    clock.advance(60_000);
    p.record(&step(&codes, dispatch_action(&producer(), 2025, 7)))
        .unwrap();
    clock.advance(60_000);

    // A second connection on the same file, as the app and the CLI may hold.
    let mut store = Store::open(&p_dir.join(STORE_FILE)).unwrap();
    // 3 registrations, 1 store, 3 weighings, 1 dispatch: counters 1..=8.
    assert_eq!(store.read(|tx| tx.next_seq(&me)).unwrap(), 9);
    assert_eq!(
        store.read(|tx| tx.unaccepted_offer_seqs()).unwrap(),
        Vec::<u64>::new()
    );
    // Another composer's counter is its own.
    let other = yima_core::DeviceKey::from_secret(&[9; 32]).public();
    assert_eq!(store.read(|tx| tx.next_seq(&other)).unwrap(), 1);

    let offers: Vec<HandoverOffer> = codes
        .iter()
        .map(|code| {
            p.offer_handover(std::slice::from_ref(code), &card, pickup(), None, None)
                .unwrap()
        })
        .collect();
    let seqs: Vec<u64> = offers.iter().map(seq_of).collect();
    assert_eq!(seqs, [9, 10, 11], "each offer takes the next counter value");
    assert_eq!(store.read(|tx| tx.next_seq(&me)).unwrap(), 12);
    assert_eq!(
        store.read(|tx| tx.unaccepted_offer_seqs()).unwrap(),
        [9, 10, 11]
    );
    for (offer, seq) in offers.iter().zip(&seqs) {
        let body = store.read(|tx| tx.offer_body(&offer.event.id)).unwrap();
        assert_eq!(
            body.as_deref(),
            Some(offer.event.body.as_bytes()),
            "offer {seq}"
        );
    }
    assert_eq!(
        store.read(|tx| tx.offer_body(&EventId([1; 32]))).unwrap(),
        None
    );

    // The carrier takes the middle one; once the producer stores the acknowledgement it is
    // an event, no longer an unaccepted offer.
    let ack = c.accept_handover(&offers[1]).unwrap();
    assert_eq!(
        store.read(|tx| tx.unaccepted_offer_seqs()).unwrap(),
        [9, 10, 11],
        "accepted by the taker, not yet stored by the giver"
    );
    p.confirm_handover(&ack).unwrap();
    assert_eq!(
        store.read(|tx| tx.unaccepted_offer_seqs()).unwrap(),
        [9, 11]
    );
    // The next event this device composes follows the offers, not its last event.
    assert_eq!(store.read(|tx| tx.next_seq(&me)).unwrap(), 12);
    p.register(&new_container(WASTES[0])).unwrap();
    assert_eq!(store.read(|tx| tx.next_seq(&me)).unwrap(), 13);
    let last = store.read(|tx| tx.all_event_rows()).unwrap().pop().unwrap();
    assert_eq!((last.step.as_str(), last.seq), ("generated", 12));

    // The producer's own events: counters without a gap but for the unaccepted offers.
    let mut used: Vec<i64> = store
        .read(|tx| tx.all_event_rows())
        .unwrap()
        .into_iter()
        .filter(|r| r.composer == me.as_bytes())
        .map(|r| r.seq)
        .collect();
    used.extend([9, 11]);
    used.sort();
    let n = used.len() as i64;
    assert_eq!(used, (1..=n).collect::<Vec<_>>());

    // And verification accepts those gaps.
    drop(store);
    let report = p.verify(None).unwrap();
    assert!(report.ok(), "{:?}", report.failures);
}

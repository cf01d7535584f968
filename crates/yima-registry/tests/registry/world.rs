//! The story's world: devices that lived through a container's life offline (real keys,
//! real events, made by `yima_device`), and events no honest device would record, built by
//! hand.

use crate::common::*;
use yima_codes::{BatchCode, BatchKind, LabelCode, ManifestNumber};
use yima_core::{
    DeviceKey, EventBody, EventKind, Link, Quantity, Role, SignedEvent, Step, Timestamp,
    TransferManifest, Unit, EVENT_FORMAT_VERSION,
};
use yima_device::{Action, Clock, HandoverStep, IdentityCard, ManualClock};

/// The one event of `events` that is `step` of `code` (and recorded by the device `by`, when
/// given: a device also holds the events it learned from others).
fn find(events: &[SignedEvent], code: &LabelCode, step: Step, by: Option<&Member>) -> SignedEvent {
    let found: Vec<&SignedEvent> = events
        .iter()
        .filter(|e| e.body.step() == step && e.body.links.iter().any(|l| &l.container == code))
        .filter(|e| by.is_none_or(|m| e.body.by.key == m.key.public()))
        .collect();
    assert_eq!(found.len(), 1, "one {step:?} event of {code}");
    found[0].clone()
}

/// A body composed and recorded by `by`, for events built by hand.
fn body(at: Timestamp, by: &Member, event: EventKind, links: Vec<Link>, seq: u64) -> EventBody {
    EventBody {
        v: EVENT_FORMAT_VERSION,
        at,
        by: by.actor(),
        composer: by.public(),
        event,
        links,
        location: None,
        operator: None,
        track: None,
        seq,
    }
}

fn void(code: &LabelCode, prev: &SignedEvent) -> (EventKind, Vec<Link>) {
    (
        EventKind::Void {
            quantity: None,
            reason: "labelled in error".into(),
        },
        vec![Link {
            container: code.clone(),
            prev: Some(prev.id),
        }],
    )
}

/// Everything the story needs: organisations, device keys and events, made once so both
/// backends are told exactly the same story.
pub struct World {
    pub orgs: Orgs,

    pub p: Member,
    /// A second device of the producer, revoked at `revoked_at`.
    pub p2: Member,
    pub c: Member,
    pub v: Member,
    pub g: Member,
    pub r: Member,
    pub revoked_at: Timestamp,

    /// Container A: generated, stored, weighed by its producer, dispatched, picked up (and a
    /// rival pickup), received, weighed by the receiver.
    pub a: LabelCode,
    /// Container B: generated and stored.
    pub b: LabelCode,
    /// p2's containers, before and after its revocation.
    pub e: LabelCode,
    pub h: LabelCode,
    /// Company B's container.
    pub x: LabelCode,

    pub ga: SignedEvent,
    pub sa: SignedEvent,
    /// The producer's weighing of A before its dispatch.
    pub wpa: SignedEvent,
    pub da: SignedEvent,
    pub pua: SignedEvent,
    /// A second pickup of A from the same dispatched state: the carrier countersigned two
    /// offers of the producer for the same place in A's chain.
    pub pua_rival: SignedEvent,
    pub rva: SignedEvent,
    pub wa: SignedEvent,
    pub gb: SignedEvent,
    pub sb: SignedEvent,
    pub ge: SignedEvent,
    pub gh: SignedEvent,
    pub gx: SignedEvent,

    /// The carrier weighs A while carrying it: the state table forbids it.
    pub carrier_weighs: SignedEvent,
    /// Company B voids company A's container B, at its head.
    pub stranger_voids: SignedEvent,
    /// Company B voids company A's container B at a place already taken (a would-be fork).
    pub stranger_forks: SignedEvent,
    /// The regulator voids B.
    pub regulator_voids: SignedEvent,
    /// The producer dispatches B under a 2019 manifest number of Guangdong.
    pub dispatch_2019_guangdong: SignedEvent,
    /// The receiver corrects the producer's generation of A: only its recorder may.
    pub receiver_corrects_label: SignedEvent,
    /// The producer corrects A's quantity to `abc`.
    pub producer_corrects_abc: SignedEvent,
    /// The producer dispatches B to itself.
    pub dispatch_to_itself: SignedEvent,
    /// B weighed and dispatched by its producer, then picked up under another manifest
    /// number (pushed only by the anomaly tests, after the story).
    pub b_off_manifest: Vec<SignedEvent>,
}

impl World {
    pub fn new() -> World {
        let orgs = Orgs::new();
        let (producer, carrier, receiver, other) =
            (&orgs.producer, &orgs.carrier, &orgs.receiver, &orgs.other);

        let dirs: Vec<tempfile::TempDir> = (0..5)
            .map(|_| tempfile::tempdir().expect("temp dir"))
            .collect();
        let clock = ManualClock::new(T0);
        let mut p = init(dirs[0].path(), Role::Producer, producer, None, &clock);
        let mut p2 = init(
            dirs[1].path(),
            Role::Producer,
            producer,
            Some("500-999"),
            &clock,
        );
        let mut c = init(dirs[2].path(), Role::Carrier, carrier, None, &clock);
        let mut v = init(dirs[3].path(), Role::Receiver, receiver, None, &clock);
        let mut g = init(dirs[4].path(), Role::Producer, other, None, &clock);

        let manifest = orgs.manifest();

        let a = p.register(&drum("20")).expect("register A").code;
        let b = p.register(&drum("30")).expect("register B").code;
        let x = g.register(&drum("40")).expect("register X").code;
        clock.advance(10 * MINUTE);
        let store = || Action::Store {
            facility_code: "WS-01".into(),
        };
        p.record(&req(&a, store())).expect("store A");
        p.record(&req(&b, store())).expect("store B");
        p.record(&req(&a, weighing("20"))).expect("weigh A");
        clock.advance(10 * MINUTE);
        p.record(&req(
            &a,
            Action::Dispatch {
                manifest,
                facility_code: "WS-01".into(),
            },
        ))
        .expect("dispatch A");
        clock.advance(HOUR);

        let c_card: IdentityCard = c.identity().expect("carrier card");
        let offer = p
            .offer_handover(
                std::slice::from_ref(&a),
                &c_card,
                pickup("闽A·D1234"),
                None,
                None,
            )
            .expect("offer");
        // Before the first offer is confirmed, the producer's device offers again (another
        // vehicle): the same place in A's chain. The carrier countersigns both.
        let rival = p
            .offer_handover(
                std::slice::from_ref(&a),
                &c_card,
                pickup("闽A·D5678"),
                None,
                None,
            )
            .expect("rival offer");
        let ack = c.accept_handover(&offer).expect("accept pickup");
        p.confirm_handover(&ack).expect("confirm pickup");
        let c_key = device_store(dirs[2].path()).1;
        let mut pua_rival = rival.event.parse().expect("rival event");
        pua_rival.countersign(&c_key);
        clock.advance(HOUR);

        let v_card = v.identity().expect("receiver card");
        let offer = c
            .offer_handover(
                std::slice::from_ref(&a),
                &v_card,
                HandoverStep::Receive {
                    manifest: manifest_number(),
                },
                None,
                None,
            )
            .expect("offer receipt");
        let ack = v.accept_handover(&offer).expect("accept receipt");
        c.confirm_handover(&ack).expect("confirm receipt");
        clock.advance(10 * MINUTE);
        let kg = |s: &str| Quantity::parse(s, Unit::Kg).expect("quantity");
        v.record(&req(
            &a,
            Action::Weigh {
                measured: kg("19.5"),
                method: yima_core::WeighMethod::Scale,
                scale: None,
                weigher: "林娜".into(),
            },
        ))
        .expect("weigh A");

        // p2 registers E, is revoked half an hour later, then registers H.
        clock.advance(HOUR);
        let e = p2.register(&drum("5")).expect("register E").code;
        let revoked_at = at(clock.now(), 30 * MINUTE);
        clock.advance(HOUR);
        let h = p2.register(&drum("6")).expect("register H").code;

        let (p_events, _) = device_store(dirs[0].path());
        let (p2_events, _) = device_store(dirs[1].path());
        let (v_events, _) = device_store(dirs[3].path());
        let (g_events, _) = device_store(dirs[4].path());
        let pm = member(dirs[0].path(), producer, Role::Producer);
        let p2m = member(dirs[1].path(), producer, Role::Producer);
        let cm = member(dirs[2].path(), carrier, Role::Carrier);
        let vm = member(dirs[3].path(), receiver, Role::Receiver);
        let gm = member(dirs[4].path(), other, Role::Producer);
        let rm = Member {
            org: orgs.regulator.code(),
            role: Role::Regulator,
            key: DeviceKey::from_secret(&[35; 32]),
        };

        let pua = find(&p_events, &a, Step::PickedUp, None);
        let sb = find(&p_events, &b, Step::Stored, None);
        let gb = find(&p_events, &b, Step::Generated, None);
        let late = at(clock.now(), 10 * MINUTE);
        let carrier_weighs = {
            let kind = EventKind::Weighed { measured: kg("19") };
            SignedEvent::seal(
                body(
                    late,
                    &cm,
                    kind,
                    vec![Link {
                        container: a.clone(),
                        prev: Some(pua.id),
                    }],
                    100,
                ),
                &cm.key,
            )
        };
        let (kind, links) = void(&b, &sb);
        let stranger_voids = SignedEvent::seal(body(late, &gm, kind, links, 100), &gm.key);
        let (kind, links) = void(&b, &gb);
        let stranger_forks = SignedEvent::seal(body(late, &gm, kind, links, 101), &gm.key);
        let (kind, links) = void(&b, &sb);
        let regulator_voids = SignedEvent::seal(body(late, &rm, kind, links, 1), &rm.key);
        let dispatch_b = |manifest: TransferManifest, seq: u64| {
            let day = late.china_date();
            let kind = EventKind::Dispatched {
                batch: BatchCode::new(BatchKind::OutOfStore, day, 900 + seq as u32)
                    .expect("a batch code"),
                facility_code: "WS-01".into(),
                manifest,
                outsourced_batch: BatchCode::new(BatchKind::OutsourcedDisposal, day, 900)
                    .expect("a batch code"),
            };
            let links = vec![Link {
                container: b.clone(),
                prev: Some(sb.id),
            }];
            SignedEvent::seal(body(late, &pm, kind, links, seq), &pm.key)
        };
        // Corrections of A's generation after its weighing: by the receiver (a party of the
        // chain with a valid key, but not the recorder), and by the producer with a value
        // the original would refuse.
        let wa = find(&v_events, &a, Step::Weighing, Some(&vm));
        let ga = find(&p_events, &a, Step::Generated, None);
        let correct_a = |field: &str, value: &str| {
            let kind = EventKind::Correction {
                changes: [(field.to_string(), value.to_string())].into(),
                corrects: ga.id,
                reason: "录入错误".into(),
            };
            let links = vec![Link {
                container: a.clone(),
                prev: Some(wa.id),
            }];
            (kind, links)
        };
        let (kind, links) = correct_a("name", "伪造名称");
        let receiver_corrects_label = SignedEvent::seal(body(late, &vm, kind, links, 200), &vm.key);
        let (kind, links) = correct_a("quantity", "abc");
        let producer_corrects_abc = SignedEvent::seal(body(late, &pm, kind, links, 200), &pm.key);
        let mut m = orgs.manifest();
        m.number = ManifestNumber::new(2019, 44, 3, 1).expect("a number");
        let dispatch_2019_guangdong = dispatch_b(m, 900);
        let mut m = orgs.manifest();
        m.receiver = orgs.producer.party.clone();
        let dispatch_to_itself = dispatch_b(m, 901);
        let wpa = find(&p_events, &a, Step::Weighing, Some(&pm));
        let wa = wa.clone();
        // B weighed and dispatched under A's manifest, then picked up by the carrier under
        // another manifest number: a load off its manifest.
        let b_off_manifest = {
            let weigh = EventKind::Weighing {
                discrepancy: None,
                measured: kg("30"),
                method: yima_core::WeighMethod::Scale,
                scale: None,
                weigher: "王磊".into(),
            };
            let link = |prev: &SignedEvent| {
                vec![Link {
                    container: b.clone(),
                    prev: Some(prev.id),
                }]
            };
            let wb = SignedEvent::seal(body(at(late, MINUTE), &pm, weigh, link(&sb), 902), &pm.key);
            let day = late.china_date();
            let dispatch = EventKind::Dispatched {
                batch: BatchCode::new(BatchKind::OutOfStore, day, 902).expect("a batch code"),
                facility_code: "WS-01".into(),
                manifest: orgs.manifest(),
                outsourced_batch: BatchCode::new(BatchKind::OutsourcedDisposal, day, 902)
                    .expect("a batch code"),
            };
            let db = SignedEvent::seal(
                body(at(late, 2 * MINUTE), &pm, dispatch, link(&wb), 903),
                &pm.key,
            );
            let pickup = EventKind::PickedUp {
                driver: "陈明".into(),
                giver: pm.actor(),
                manifest: ManifestNumber::new(2025, 35, 1, 77).expect("a number"),
                permit: "闽交运管许可榕字 350100000001 号".into(),
                vehicle_plate: "闽A·D1234".into(),
            };
            let mut pickup = body(at(late, 3 * MINUTE), &cm, pickup, link(&db), 904);
            pickup.composer = pm.public();
            let mut pub_ = SignedEvent::seal(pickup, &pm.key);
            pub_.countersign(&cm.key);
            vec![wb, db, pub_]
        };

        World {
            orgs,
            p: pm,
            p2: p2m,
            c: cm,
            v: vm,
            g: gm,
            r: rm,
            revoked_at,
            ga: find(&p_events, &a, Step::Generated, None),
            sa: find(&p_events, &a, Step::Stored, None),
            wpa,
            da: find(&p_events, &a, Step::Dispatched, None),
            pua,
            pua_rival,
            rva: find(&v_events, &a, Step::Received, None),
            wa,
            gb,
            sb,
            ge: find(&p2_events, &e, Step::Generated, None),
            gh: find(&p2_events, &h, Step::Generated, None),
            gx: find(&g_events, &x, Step::Generated, None),
            a,
            b,
            e,
            h,
            x,
            carrier_weighs,
            stranger_voids,
            stranger_forks,
            regulator_voids,
            dispatch_2019_guangdong,
            dispatch_to_itself,
            receiver_corrects_label,
            producer_corrects_abc,
            b_off_manifest,
        }
    }
}

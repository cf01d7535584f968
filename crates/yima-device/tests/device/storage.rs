//! Storage at receivers and collectors: accepted waste goes into the receiver's own store and
//! out of it to use or disposal; a party that does not hold the container may not store it.

use crate::common::*;
use yima_core::{ContainerState, Role, Step};
use yima_device::{Action, ErrorKind, HandoverStep};

#[test]
fn a_receiver_stores_accepted_waste_and_disposes_of_it_from_its_store() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), &clock);
    let (c_id, r_id) = (c.identity().unwrap(), r.identity().unwrap());
    let codes = dispatched(&mut p, 1);
    clock.advance(HOUR);
    let offer = p
        .offer_handover(&codes, &c_id, pickup(), None, None)
        .unwrap();
    p.confirm_handover(&c.accept_handover(&offer).unwrap())
        .unwrap();
    clock.advance(HOUR);
    let receive = HandoverStep::Receive {
        manifest: manifest_number(),
    };
    let offer = c
        .offer_handover(&codes, &r_id, receive, None, None)
        .unwrap();
    c.confirm_handover(&r.accept_handover(&offer).unwrap())
        .unwrap();

    // The carrier does not hold it any more and may not store it.
    let before = events(&mut c);
    let e = c.record(&req(&codes, store())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(events(&mut c), before);

    r.record(&req(&codes, Action::Accept { quantity: None }))
        .unwrap();
    r.record(&req(&codes, store())).expect("a receiver stores");
    assert_eq!(
        r.container(&codes[0]).unwrap().state,
        ContainerState::Stored
    );
    r.record(&req(
        &codes,
        Action::Dispose {
            mode: None,
            method: "D10 焚烧".into(),
            completed_at: None,
        },
    ))
    .expect("out of store to disposal");
    let steps: Vec<Step> = r
        .history(&codes[0])
        .unwrap()
        .iter()
        .map(|h| h.step)
        .collect();
    assert_eq!(
        &steps[steps.len() - 3..],
        [Step::Accepted, Step::Stored, Step::Disposed]
    );
    assert_verifies(&mut r);
}

const DAY: i64 = 24 * HOUR;

#[test]
fn storage_age_is_warned_a_month_before_a_year_and_flagged_after() {
    use yima_device::StorageFlag;
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let code = p.register(&drum("20")).unwrap().code;
    assert_eq!(p.container(&code).unwrap().limits.storage, None);
    p.record(&req(std::slice::from_ref(&code), store()))
        .unwrap();
    let age = p.container(&code).unwrap().limits.storage.expect("stored");
    assert_eq!(age.since.to_string(), "2025-01-01");
    assert_eq!(age.limit.to_string(), "2026-01-01");
    assert_eq!((age.days, age.flag), (0, StorageFlag::Within));
    clock.advance(340 * DAY);
    let age = p.container(&code).unwrap().limits.storage.unwrap();
    assert_eq!((age.days, age.flag), (340, StorageFlag::Near));
    clock.advance(26 * DAY);
    let age = p.container(&code).unwrap().limits.storage.unwrap();
    assert_eq!(age.flag, StorageFlag::Over);
    let listed = p.containers().unwrap();
    assert_eq!(
        listed[0].limits.storage.as_ref().unwrap().flag,
        StorageFlag::Over
    );
    // Out of storage, no age is shown.
    weigh_as_labelled(&mut p, std::slice::from_ref(&code));
    p.record(&req(std::slice::from_ref(&code), dispatch_now(&clock)))
        .unwrap();
    assert_eq!(p.container(&code).unwrap().limits.storage, None);
}

/// A dispatch under a manifest of the clock's year.
fn dispatch_now(clock: &yima_device::ManualClock) -> Action {
    use yima_device::Clock;
    let year = clock.now().china_date().format("%Y").to_string();
    let mut m = manifest();
    m.number = yima_codes::ManifestNumber::new(year.parse().unwrap(), 35, 1, 9).unwrap();
    Action::Dispatch {
        manifest: m,
        facility_code: "WS-01".into(),
    }
}

#[test]
fn a_facilitys_own_limit_and_the_3_t_of_a_small_storage_point() {
    use yima_device::{FacilityRules, StorageFlag};
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let mut rules = FacilityRules::default();
    rules.limit_months.insert("WS-01".into(), 6);
    rules.small_points.insert("SP-01".into());
    p.set_facilities(rules);
    let into = |facility: &str| Action::Store {
        facility_code: facility.into(),
    };
    let ws = p.register(&drum("20")).unwrap().code;
    p.record(&req(std::slice::from_ref(&ws), into("WS-01")))
        .unwrap();
    let age = p.container(&ws).unwrap().limits.storage.unwrap();
    assert_eq!(age.limit.to_string(), "2025-07-01");
    clock.advance(200 * DAY);
    assert_eq!(
        p.container(&ws).unwrap().limits.storage.unwrap().flag,
        StorageFlag::Over
    );

    let a = p.register(&drum("1600")).unwrap().code;
    let b = p.register(&drum("1300")).unwrap().code;
    p.record(&req(&[a.clone(), b.clone()], into("SP-01")))
        .unwrap();
    let over = |p: &mut Dev<'_>| -> Vec<bool> {
        let list = p.containers().unwrap();
        [&a, &b, &ws]
            .iter()
            .map(|c| {
                let s = list.iter().find(|s| s.code == c.as_str()).unwrap();
                s.limits.small_point_over
            })
            .collect()
    };
    assert_eq!(over(&mut p), [false, false, false], "2.9 t");
    let c = p.register(&drum("200")).unwrap().code;
    p.record(&req(std::slice::from_ref(&c), into("SP-01")))
        .unwrap();
    assert_eq!(over(&mut p), [true, true, false], "3.1 t");
}

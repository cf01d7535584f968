//! Many containers of one producer, each dispatched with two rival pickups, for the races
//! only PostgreSQL has to win (two registries on one database).

use crate::common::*;
use yima_codes::LabelCode;
use yima_core::{Role, SignedEvent};
use yima_device::{Action, ManualClock};

/// Many containers of one producer, each dispatched, with two rival pickups each, and more
/// containers just generated: for races between registries.
pub struct Race {
    pub orgs: Orgs,
    pub p: Member,
    pub c: Member,
    /// Generated, weighed and dispatched events of the raced containers, in order.
    pub prefix: Vec<SignedEvent>,
    /// Per raced container: two different pickups of the same dispatched event.
    pub rivals: Vec<(SignedEvent, SignedEvent)>,
    /// Generated events of more containers.
    pub fresh: Vec<SignedEvent>,
}

impl Race {
    pub fn new(n: usize, fresh: usize) -> Race {
        let orgs = Orgs::new();
        let dirs: Vec<tempfile::TempDir> = (0..2)
            .map(|_| tempfile::tempdir().expect("temp dir"))
            .collect();
        let clock = ManualClock::new(T0);
        let mut p = init(dirs[0].path(), Role::Producer, &orgs.producer, None, &clock);
        let mut c = init(dirs[1].path(), Role::Carrier, &orgs.carrier, None, &clock);
        let codes: Vec<LabelCode> = (0..n)
            .map(|i| {
                p.register(&drum(&format!("{}", 10 + i)))
                    .expect("register")
                    .code
            })
            .collect();
        clock.advance(MINUTE);
        for (i, code) in codes.iter().enumerate() {
            p.record(&req(code, weighing(&format!("{}", 10 + i))))
                .expect("weigh");
            p.record(&req(
                code,
                Action::Dispatch {
                    manifest: orgs.manifest(),
                    facility_code: "WS-01".into(),
                },
            ))
            .expect("dispatch");
        }
        clock.advance(MINUTE);
        let card = c.identity().expect("card");
        let c_key = device_store(dirs[1].path()).1;
        let mut rivals = Vec::new();
        for code in &codes {
            let pair = [pickup("闽A·D1234"), pickup("闽A·D5678")].map(|step| {
                let offer = p
                    .offer_handover(std::slice::from_ref(code), &card, step, None, None)
                    .expect("offer");
                let mut e = offer.event.parse().expect("offer event");
                e.countersign(&c_key);
                e
            });
            let [one, two] = pair;
            assert_ne!(one.id, two.id);
            rivals.push((one, two));
        }
        let fresh_codes: Vec<LabelCode> = (0..fresh)
            .map(|_| p.register(&drum("1")).expect("register").code)
            .collect();
        let (events, _) = device_store(dirs[0].path());
        let (fresh, prefix) = events.into_iter().partition(|e| {
            e.body
                .links
                .iter()
                .any(|l| fresh_codes.contains(&l.container))
        });
        Race {
            p: member(dirs[0].path(), &orgs.producer, Role::Producer),
            c: member(dirs[1].path(), &orgs.carrier, Role::Carrier),
            orgs,
            prefix,
            rivals,
            fresh,
        }
    }
}

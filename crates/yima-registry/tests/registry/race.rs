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
    /// Per raced container: a pickup of the dispatched event by each plate raced.
    pub contenders: Vec<Vec<SignedEvent>>,
    /// Generated events of more containers.
    pub fresh: Vec<SignedEvent>,
}

impl Race {
    pub fn new(n: usize, fresh: usize) -> Race {
        Race::with_plates(n, fresh, &["闽A·D1234", "闽A·D5678"])
    }

    /// As [`Race::new`], with one rival pickup per plate (at least two).
    pub fn with_plates(n: usize, fresh: usize, plates: &[&str]) -> Race {
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
        let mut contenders = Vec::new();
        for code in &codes {
            let all: Vec<SignedEvent> = plates
                .iter()
                .map(|plate| {
                    let offer = p
                        .offer_handover(
                            std::slice::from_ref(code),
                            &card,
                            pickup(plate),
                            None,
                            None,
                        )
                        .expect("offer");
                    let mut e: SignedEvent = offer.event.parse().expect("offer event");
                    e.countersign(&c_key);
                    e
                })
                .collect();
            assert_ne!(all[0].id, all[1].id);
            contenders.push(all);
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
            contenders,
            fresh,
        }
    }
}

impl Race {
    /// Per raced container: its first two rival pickups of the same dispatched event.
    pub fn rivals(&self) -> Vec<(SignedEvent, SignedEvent)> {
        self.contenders
            .iter()
            .map(|c| (c[0].clone(), c[1].clone()))
            .collect()
    }
}

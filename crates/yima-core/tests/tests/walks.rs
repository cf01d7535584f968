//! Property tests of whole chains: random lives walked through the state table verify
//! cleanly, and lose that when any event but the newest is dropped.

use crate::harness::{describe, Who, World};
use proptest::prelude::*;
use yima_core::yima_codes::LabelCode;
use yima_core::{
    transition, verify, ContainerState, EventId, EventKind, FailureKind, Party, Role, Step,
    TransferManifest, VerifyOptions, RULES,
};

fn role_of(who: Who) -> Role {
    match who {
        Who::Producer => Role::Producer,
        Who::Carrier | Who::Carrier2 => Role::Carrier,
        Who::Receiver | Who::Receiver2 => Role::Receiver,
    }
}

/// Random choices, read one at a time; 0 once they run out.
struct Choices<'a>(std::slice::Iter<'a, u32>);

impl Choices<'_> {
    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.0.next().copied().unwrap_or(0) as usize % from.len()]
    }
}

/// Where the walk is: the containers it carries (all in the same state, holder and
/// manifest), and who is named as producer on their labels.
struct Walk {
    w: World,
    current: Vec<LabelCode>,
    state: ContainerState,
    holder: Who,
    owner: Who,
    manifest: Option<TransferManifest>,
    steps: Vec<Step>,
}

impl Walk {
    fn who(&self, party: &Party) -> Who {
        Who::ALL
            .into_iter()
            .find(|w| self.w.credit(*w) == party.credit_code)
            .expect("a party of the world")
    }

    /// Whether the walk can record `step` by `role` now, with a consistent custody story.
    fn feasible(&self, step: Step, role: Role) -> bool {
        let holder_role = role_of(self.holder);
        match step {
            // Handovers are recorded by the taker; the table says who that may be.
            Step::PickedUp | Step::RelayHandover | Step::Received => true,
            Step::Returned => self.owner == Who::Producer && role == Role::Producer,
            Step::Merged => role == holder_role && self.current.len() >= 2,
            Step::Split => role == holder_role && self.current.len() == 1,
            _ => role == holder_role,
        }
    }

    /// Records `step` by `role` on every current container (a correction: on the first).
    fn record(&mut self, step: Step, role: Role, ch: &mut Choices) {
        let giver = self.holder;
        let giver_role = step.is_handover().then(|| role_of(giver));
        let next = transition(Some(self.state), step, role, giver_role)
            .unwrap_or_else(|e| panic!("the walk chose a step the table refuses: {e}"));
        let current = self.current.clone();
        let cs: Vec<&LabelCode> = current.iter().collect();
        let w = &mut self.w;
        match step {
            Step::Stored => drop(w.store_by(self.holder, &cs)),
            Step::Dispatched => {
                let carrier = ch.pick(&[Who::Carrier, Who::Carrier2]);
                let receivers: Vec<Who> = [Who::Receiver, Who::Receiver2]
                    .into_iter()
                    .filter(|r| *r != self.holder)
                    .collect();
                let receiver = ch.pick(&receivers);
                let m = w.manifest(self.holder, carrier, receiver);
                w.dispatch(self.holder, &m, &cs);
                self.manifest = Some(m);
            }
            Step::PickedUp | Step::RelayHandover | Step::Received | Step::Returned => {
                let m = self.manifest.clone();
                let number = m.as_ref().map(|m| m.number.clone());
                let taker = match step {
                    Step::PickedUp if self.state == ContainerState::Dispatched => {
                        self.who(&m.as_ref().expect("dispatched").carrier)
                    }
                    Step::PickedUp => ch.pick(&[Who::Carrier, Who::Carrier2]),
                    Step::RelayHandover => {
                        if giver == Who::Carrier {
                            Who::Carrier2
                        } else {
                            Who::Carrier
                        }
                    }
                    Step::Received => {
                        self.who(&m.as_ref().expect("travels under a manifest").receiver)
                    }
                    _ => Who::Producer,
                };
                let w = &mut self.w;
                let event = match step {
                    Step::PickedUp => w.picked_up_kind(giver, number.as_ref().expect("a manifest")),
                    Step::RelayHandover => EventKind::RelayHandover {
                        driver: "王五".into(),
                        giver: w.actor(giver),
                        manifest: number.expect("a manifest"),
                        permit: "闽交运管许可厦字350200000002号".into(),
                        place: "沈海高速莆田服务区".into(),
                        vehicle_plate: "闽D·67890".into(),
                    },
                    Step::Received => EventKind::Received {
                        giver: w.actor(giver),
                        manifest: number.expect("a manifest"),
                    },
                    _ => EventKind::Returned {
                        giver: w.actor(giver),
                        reason: "接收单位拒收".into(),
                    },
                };
                // Either party's device may compose a handover.
                let composer = ch.pick(&[taker, giver]);
                let body = w.draft(taker, composer, event, &cs);
                w.seal(body);
                self.holder = taker;
                if step == Step::Returned {
                    self.manifest = None;
                }
            }
            Step::Weighed => drop(w.weigh(self.holder, &cs)),
            Step::Weighing => drop(w.weighing(self.holder, &cs)),
            Step::Accepted => drop(w.accept(self.holder, &cs)),
            Step::PartlyRefused => drop(w.partly_refuse(self.holder, &cs)),
            Step::Refused => drop(w.refuse(self.holder, &cs)),
            Step::Disposed => drop(w.dispose(self.holder, &cs)),
            Step::Merged => {
                let t = w.merge(self.holder, self.state, &cs);
                self.current = vec![t];
                self.owner = self.holder;
            }
            Step::Split => {
                self.current = w.split(self.holder, self.state, &current[0], 2);
                self.owner = self.holder;
            }
            Step::Correction => {
                let corrects = w.heads[&current[0]];
                w.correct(self.holder, corrects, &[&current[0]]);
            }
            Step::Void => drop(w.void(&cs)),
            Step::Generated => unreachable!("containers exist from the start"),
        }
        // The sources close; the new containers carry on in the state they inherit.
        if !matches!(step, Step::Merged | Step::Split) {
            self.state = next;
        }
        self.steps.push(step);
    }
}

/// Generates `containers` containers, then walks up to `choices.len()` steps, each a rule
/// of `RULES` that may follow the current state, recorded by a producer, carrier or
/// receiver, until the containers are closed.
fn walk(containers: usize, choices: &[u32]) -> Walk {
    let mut w = World::new();
    let current: Vec<LabelCode> = (0..containers).map(|_| w.generate()).collect();
    let mut walk = Walk {
        w,
        current,
        state: ContainerState::Generated,
        holder: Who::Producer,
        owner: Who::Producer,
        manifest: None,
        steps: vec![Step::Generated],
    };
    let mut ch = Choices(choices.iter());
    for _ in 0..choices.len() {
        if walk.state.is_closed() {
            break;
        }
        let mut options: Vec<(Step, Role)> = RULES
            .iter()
            .filter(|r| r.from.contains(&Some(walk.state)))
            .flat_map(|r| {
                r.by.iter()
                    .filter(|b| matches!(b, Role::Producer | Role::Carrier | Role::Receiver))
                    .map(move |b| (r.step, *b))
            })
            .filter(|(s, r)| walk.feasible(*s, *r))
            .collect();
        options.dedup();
        assert!(!options.is_empty(), "no way out of {:?}", walk.state);
        let (step, role) = ch.pick(&options);
        walk.record(step, role, &mut ch);
    }
    walk
}

/// Cases of the walk property: few by default, since each verifies a few hundred signatures
/// in a debug build; `PROPTEST_CASES` asks for more.
pub(crate) fn walk_cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: walk_cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_lives_verify_cleanly_and_any_dropped_event_is_detected(
        containers in 1usize..=2,
        choices in prop::collection::vec(any::<u32>(), 0..20),
    ) {
        let walk = walk(containers, &choices);
        let w = &walk.w;
        let report = w.verify_complete();
        prop_assert!(report.ok(), "steps {:?}\n{}", walk.steps, describe(&report));
        for c in &walk.current {
            let status = &report.statuses[c];
            prop_assert_eq!(status.state, walk.state);
            prop_assert_eq!(&status.holder, &w.credit(walk.holder));
        }

        let all = w.raw();
        let complete = VerifyOptions { complete_devices: w.all_devices(), unused_seqs: Vec::new() };
        // Dropping the newest event cannot be seen: nothing refers to it. Any other one is.
        for (i, dropped) in all.iter().enumerate().take(all.len() - 1) {
            let mut rest = all.clone();
            rest.remove(i);
            let report = verify(&rest, &w.keys(), &complete);
            prop_assert!(!report.ok(), "dropping event {} of {:?} went unnoticed", i, walk.steps);
            prop_assert!(
                report.failures.iter().all(|f| matches!(f.kind, FailureKind::BrokenLink | FailureKind::SequenceGap)),
                "{}", describe(&report)
            );
            // Every event that named the dropped one as its previous has a broken link, in
            // the chain of that container; no other link is broken.
            let mut expected: Vec<(EventId, LabelCode)> = w.events.iter()
                .flat_map(|e| e.body.links.iter().filter(|l| l.prev == Some(dropped.id)).map(move |l| (e.id, l.container.clone())))
                .collect();
            expected.sort();
            let mut broken: Vec<(EventId, LabelCode)> = report.failures.iter()
                .filter(|f| f.kind == FailureKind::BrokenLink)
                .map(|f| (f.event, f.container.clone().expect("a chain failure names its container")))
                .collect();
            broken.sort();
            prop_assert_eq!(&broken, &expected, "dropping {:?} of {:?}\n{}", w.events[i].body.step(), walk.steps, describe(&report));
        }
    }
}

#[test]
fn walks_reach_every_step_of_the_table() {
    // The walk is not stuck in a corner of the table: over many seeds it takes every step.
    let mut seen = std::collections::BTreeSet::new();
    let mut seed: u32 = 1;
    for _ in 0..300 {
        let choices: Vec<u32> = (0..20)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                seed
            })
            .collect();
        let walk = walk(1 + (seed % 2) as usize, &choices);
        seen.extend(walk.steps);
    }
    let all: std::collections::BTreeSet<Step> = Step::ALL.into_iter().collect();
    assert_eq!(seen, all);
}

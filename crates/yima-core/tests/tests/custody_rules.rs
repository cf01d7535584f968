//! Steps the state table or a custody rule forbids: each reported as a forbidden transition
//! naming the event and the container.

use crate::failures::delivered;
use crate::harness::{assert_failures, Who, World};
use yima_core::{ContainerState, EventKind, FailureKind as K};

#[test]
fn receiving_before_dispatch_is_forbidden() {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let early = w.receive(Who::Receiver, Who::Carrier, &m.number, &[&c]);
    let report = w.verify();
    assert_failures(&report, &[(early.id, K::ForbiddenTransition, Some(&c))]);
    assert_eq!(report.statuses[&c].state, ContainerState::Stored);
}

#[test]
fn carrier_not_named_on_the_manifest_may_not_pick_up() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let pickup = w.pick_up(Who::Carrier2, Who::Producer, &m.number, &[&c]);
    let report = w.verify();
    assert_failures(&report, &[(pickup.id, K::ForbiddenTransition, Some(&c))]);
    assert!(
        report.failures[0]
            .detail
            .contains(w.credit(Who::Carrier).as_str()),
        "{}",
        report.failures[0].detail
    );
}

#[test]
fn pickup_under_another_manifest_is_forbidden() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let other = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let pickup = w.pick_up(Who::Carrier, Who::Producer, &other.number, &[&c]);
    let report = w.verify();
    assert_failures(&report, &[(pickup.id, K::ForbiddenTransition, Some(&c))]);
}

#[test]
fn giver_who_does_not_hold_the_container_may_not_hand_it_over() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    // The receiver "gives" a container the producer holds.
    let pickup = w.pick_up(Who::Carrier, Who::Receiver, &m.number, &[&c]);
    let report = w.verify();
    assert_failures(&report, &[(pickup.id, K::ForbiddenTransition, Some(&c))]);
}

#[test]
fn receiver_not_named_on_the_manifest_may_not_receive() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    let wrong = w.receive(Who::Receiver2, Who::Carrier, &m.number, &[&c]);
    let report = w.verify();
    assert_failures(&report, &[(wrong.id, K::ForbiddenTransition, Some(&c))]);
    assert_eq!(report.statuses[&c].state, ContainerState::InTransit);
}

#[test]
fn correcting_an_event_not_in_the_chain_is_forbidden() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    let b_genesis = w.heads[&b];
    let fix = w.correct(Who::Producer, b_genesis, &[&a]);
    let report = w.verify();
    assert_failures(&report, &[(fix.id, K::ForbiddenTransition, Some(&a))]);
}

#[test]
fn correction_by_an_org_that_was_never_a_party_is_forbidden() {
    let (mut w, c) = delivered();
    let received = w.events[4].id;
    let fix = w.correct(Who::Carrier2, received, &[&c]);
    let report = w.verify();
    assert_failures(&report, &[(fix.id, K::ForbiddenTransition, Some(&c))]);
}

#[test]
fn void_after_dispatch_is_forbidden() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let void = w.void(&[&c]);
    let report = w.verify();
    assert_failures(&report, &[(void.id, K::ForbiddenTransition, Some(&c))]);
}

#[test]
fn merge_declaring_a_state_its_source_was_not_in_is_forbidden() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    w.store(&[&a, &b]);
    // Both sources are stored; the merge says generated.
    let t = w.merge(Who::Producer, ContainerState::Generated, &[&a, &b]);
    let merge = w.events.last().expect("merge").id;
    let report = w.verify();
    assert_failures(
        &report,
        &[
            (merge, K::ForbiddenTransition, Some(&a)),
            (merge, K::ForbiddenTransition, Some(&b)),
        ],
    );
    // The target itself begins cleanly: the state it claims is one a merge may start from.
    assert_eq!(report.statuses[&t].state, ContainerState::Generated);
}

#[test]
fn event_by_someone_who_does_not_hold_the_container_is_forbidden() {
    let (mut w, c) = delivered();
    // Another receiver, which the table would let accept, does not hold the container.
    let e = w.accept(Who::Receiver2, &[&c]);
    let report = w.verify();
    assert_failures(&report, &[(e.id, K::ForbiddenTransition, Some(&c))]);
    assert!(
        report.failures[0].detail.contains("does not hold"),
        "{}",
        report.failures[0].detail
    );
}

#[test]
fn producer_may_not_dispose_of_what_it_handed_over() {
    let (mut w, c) = delivered();
    let e = w.dispose(Who::Producer, &[&c]);
    let report = w.verify();
    assert_failures(&report, &[(e.id, K::ForbiddenTransition, Some(&c))]);
}

#[test]
fn relay_given_by_a_carrier_that_does_not_hold_the_container_is_forbidden() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    // Carrier2 claims to receive the container from itself.
    let e = w.relay(Who::Carrier2, Who::Carrier2, &m.number, &[&c]);
    let report = w.verify();
    assert_failures(&report, &[(e.id, K::ForbiddenTransition, Some(&c))]);
}

#[test]
fn generation_by_someone_other_than_the_labels_producer_is_forbidden() {
    let mut w = World::new();
    // The carrier registers a label naming the producer.
    let label = w.new_label(Who::Producer);
    let code = label.code.clone();
    let event = EventKind::Generated {
        batch: w.batch(yima_core::yima_codes::BatchKind::Generation),
        catalogue_edition: "2021".into(),
        label,
    };
    let e = w.record(Who::Carrier, event, &[&code]);
    let report = w.verify();
    assert_failures(&report, &[(e.id, K::ForbiddenTransition, Some(&code))]);
}

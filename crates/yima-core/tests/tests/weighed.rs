//! `weighed_since_custody`: whether the holder weighed a container since it came into its
//! custody, from the container's events — what a dispatch needs.

use super::harness::{Who, World};
use yima_core::weighed_since_custody;
use yima_core::yima_codes::LabelCode;
use yima_core::{ContainerState, EventBody};

/// The events of `code`'s chain, oldest first.
fn chain<'a>(w: &'a World, code: &LabelCode) -> Vec<&'a EventBody> {
    w.events
        .iter()
        .filter(|e| e.body.link(code).is_some())
        .map(|e| &e.body)
        .collect()
}

fn weighed(w: &World, by: Who, code: &LabelCode) -> bool {
    weighed_since_custody(&w.credit(by), chain(w, code))
}

#[test]
fn a_new_container_is_not_weighed_until_its_producer_weighs_it() {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    assert!(!weighed(&w, Who::Producer, &c));
    w.weighing(Who::Producer, &[&c]);
    assert!(weighed(&w, Who::Producer, &c));
    // Storing it again, or a cancelled dispatch, leaves it weighed.
    w.store(&[&c]);
    assert!(weighed(&w, Who::Producer, &c));
    // Someone else's weighing is not the holder's.
    assert!(!weighed(&w, Who::Receiver, &c));
}

#[test]
fn the_older_weighed_event_counts_too() {
    let mut w = World::new();
    let c = w.generate();
    w.weighing(Who::Producer, &[&c]);
    w.deliver(&[&c]);
    assert!(!weighed(&w, Who::Receiver, &c));
    w.weigh(Who::Receiver, &[&c]);
    assert!(weighed(&w, Who::Receiver, &c));
}

#[test]
fn a_correction_of_the_weighing_still_counts() {
    let mut w = World::new();
    let c = w.generate();
    let weighing = w.weighing(Who::Producer, &[&c]);
    w.correct(Who::Producer, weighing.id, &[&c]);
    assert!(weighed(&w, Who::Producer, &c));
}

#[test]
fn every_handover_begins_custody_again() {
    let mut w = World::new();
    let c = w.generate();
    w.weighing(Who::Producer, &[&c]);
    let m = w.deliver(&[&c]);
    // The receiver holds it now: the producer's weighing does not count for it.
    assert!(!weighed(&w, Who::Receiver, &c));
    w.weighing(Who::Receiver, &[&c]);
    assert!(weighed(&w, Who::Receiver, &c));
    // Refused, picked up and returned: the producer weighed it before it left, not since.
    w.refuse(Who::Receiver, &[&c]);
    w.pick_up(Who::Carrier, Who::Receiver, &m.number, &[&c]);
    w.return_to(Who::Producer, Who::Carrier, &[&c]);
    assert!(!weighed(&w, Who::Producer, &c));
    w.weighing(Who::Producer, &[&c]);
    assert!(weighed(&w, Who::Producer, &c));
}

#[test]
fn a_merged_container_is_weighed_as_itself() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    w.weighing(Who::Producer, &[&a]);
    w.weighing(Who::Producer, &[&b]);
    let merged = w.merge(Who::Producer, ContainerState::Generated, &[&a, &b]);
    assert!(!weighed(&w, Who::Producer, &merged));
    w.weighing(Who::Producer, &[&merged]);
    assert!(weighed(&w, Who::Producer, &merged));
}

#[test]
fn nothing_known_is_nothing_weighed() {
    assert!(!weighed_since_custody(
        &World::new().credit(Who::Producer),
        []
    ));
}

/// On intake (the device and the registry, after the custody rules): the status says whether the
/// holder weighed the container since its custody began, and a dispatch without it is
/// refused; the same chain, stored, still verifies.
#[test]
fn a_dispatch_of_what_its_sender_did_not_weigh_is_refused_on_intake() {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let status = |w: &World| w.verify_clean().statuses[&c].clone();
    let dispatch = |w: &mut World| {
        let kind = w.dispatched_kind(&m);
        w.draft(Who::Producer, Who::Producer, kind, &[&c])
    };
    let before = status(&w);
    assert_eq!(before.weighed_in_custody, Some(false));
    let body = dispatch(&mut w);
    let err = yima_core::check_intake(&body, |x| (x == &c).then_some(&before)).unwrap_err();
    assert!(
        matches!(&err, yima_core::CustodyError::NotWeighed(x) if x == &c),
        "{err:?}"
    );
    assert!(
        err.message(yima_core::yima_codes::Lang::Zh)
            .contains("称重"),
        "{err}"
    );
    // A status kept before this was recorded says nothing: not checked.
    let mut old = before.clone();
    old.weighed_in_custody = None;
    yima_core::check_intake(&body, |x| (x == &c).then_some(&old)).expect("not known");
    // The same dispatch, already stored, verifies: the rule is one of intake.
    w.seal(body);
    assert!(w.verify().failures.is_empty());

    // Weighed by its holder, the next container's dispatch passes; after a handover it is
    // the new holder's to weigh.
    let mut w = World::new();
    let c = w.generate();
    w.weighing(Who::Producer, &[&c]);
    let weighed = status(&w);
    assert_eq!(weighed.weighed_in_custody, Some(true));
    let body = dispatch(&mut w);
    yima_core::check_intake(&body, |x| (x == &c).then_some(&weighed)).expect("weighed");
    w.seal(body);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    assert_eq!(status(&w).weighed_in_custody, Some(false));
}

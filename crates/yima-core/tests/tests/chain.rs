//! Whole lives of containers that verify with no failure: the ordinary path, the return
//! path, refused waste sent on, merges, splits, corrections and voids.

use crate::harness::{state, Who, World};
use yima_core::{ContainerState, Step};

#[test]
fn full_life_with_relay_and_partial_refusal_verifies() {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let pickup = w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    w.relay(Who::Carrier2, Who::Carrier, &m.number, &[&c]);
    w.receive(Who::Receiver, Who::Carrier2, &m.number, &[&c]);
    w.weigh(Who::Receiver, &[&c]);
    w.partly_refuse(Who::Receiver, &[&c]);
    let last = w.dispose(Who::Receiver, &[&c]);

    // The pickup is dual-signed, and composed by the giver's device.
    assert_eq!(pickup.signatures.len(), 2);
    assert_eq!(pickup.body.composer, w.key(Who::Producer));

    let report = w.verify_clean();
    assert_eq!(report.events, 9);
    assert_eq!(report.containers, 1);
    let status = &report.statuses[&c];
    assert_eq!(status.state, ContainerState::Disposed);
    assert_eq!(status.holder, w.credit(Who::Receiver));
    assert_eq!(status.head, last.id);
    assert_eq!(
        status.chain,
        w.events.iter().map(|e| e.id).collect::<Vec<_>>()
    );
    assert_eq!(status.manifest.as_ref().map(|m| &m.number), Some(&m.number));
    assert_eq!(status.parties.len(), 4);
    // The state after each step, as the table says.
    let states: Vec<ContainerState> = w
        .events
        .iter()
        .map(|e| report.after[&(e.id, c.clone())].0)
        .collect();
    use ContainerState as S;
    assert_eq!(
        states,
        [
            S::Generated,
            S::Stored,
            S::Dispatched,
            S::InTransit,
            S::InTransit,
            S::Received,
            S::Received,
            S::Accepted,
            S::Disposed
        ]
    );
    let holders: Vec<Who> = w
        .events
        .iter()
        .map(|e| {
            let h = &report.after[&(e.id, c.clone())].1;
            Who::ALL
                .into_iter()
                .find(|x| &w.credit(*x) == h)
                .expect("a party")
        })
        .collect();
    use Who::*;
    assert_eq!(
        holders,
        [Producer, Producer, Producer, Carrier, Carrier2, Receiver, Receiver, Receiver, Receiver]
    );
}

#[test]
fn full_acceptance_of_two_containers_in_one_transfer_verifies() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    w.store(&[&a, &b]);
    w.deliver(&[&a, &b]);
    w.weigh(Who::Receiver, &[&a]);
    w.weigh(Who::Receiver, &[&b]);
    w.accept(Who::Receiver, &[&a, &b]);
    w.dispose(Who::Receiver, &[&a, &b]);
    let report = w.verify_clean();
    assert_eq!(report.containers, 2);
    assert_eq!(state(&report, &a), ContainerState::Disposed);
    assert_eq!(state(&report, &b), ContainerState::Disposed);
    assert_eq!(report.statuses[&a].chain.len(), 8);
}

#[test]
fn refused_waste_goes_back_to_its_producer_and_is_stored_again() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.deliver(&[&c]);
    w.refuse(Who::Receiver, &[&c]);
    // The carrier takes it back from the receiver, under the same manifest…
    let back = w.pick_up(Who::Carrier, Who::Receiver, &m.number, &[&c]);
    assert_eq!(back.body.composer, w.key(Who::Receiver));
    // …and hands it to its producer, who stores it again.
    w.return_to(Who::Producer, Who::Carrier, &[&c]);
    w.store(&[&c]);
    let report = w.verify_clean();
    let status = &report.statuses[&c];
    assert_eq!(status.state, ContainerState::Stored);
    assert_eq!(status.holder, w.credit(Who::Producer));
    assert_eq!(status.manifest, None, "a return ends the manifest");

    // It can then go out again under a new manifest, to another receiver.
    let m2 = w.manifest(Who::Producer, Who::Carrier2, Who::Receiver2);
    w.dispatch(Who::Producer, &m2, &[&c]);
    w.pick_up(Who::Carrier2, Who::Producer, &m2.number, &[&c]);
    w.receive(Who::Receiver2, Who::Carrier2, &m2.number, &[&c]);
    w.accept(Who::Receiver2, &[&c]);
    let report = w.verify_clean();
    assert_eq!(state(&report, &c), ContainerState::Accepted);
}

#[test]
fn refused_waste_sent_on_by_the_receiver_to_another_receiver_verifies() {
    let mut w = World::new();
    let c = w.generate();
    w.deliver(&[&c]);
    w.refuse(Who::Receiver, &[&c]);
    let m2 = w.manifest(Who::Receiver, Who::Carrier2, Who::Receiver2);
    w.dispatch(Who::Receiver, &m2, &[&c]);
    w.pick_up(Who::Carrier2, Who::Receiver, &m2.number, &[&c]);
    w.receive(Who::Receiver2, Who::Carrier2, &m2.number, &[&c]);
    w.accept(Who::Receiver2, &[&c]);
    w.dispose(Who::Receiver2, &[&c]);
    let report = w.verify_clean();
    assert_eq!(report.statuses[&c].holder, w.credit(Who::Receiver2));
    assert_eq!(state(&report, &c), ContainerState::Disposed);
}

#[test]
fn merge_of_two_sources_starts_a_target_in_their_state() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    w.store(&[&a]);
    w.store(&[&b]);
    let t = w.merge(Who::Producer, ContainerState::Stored, &[&a, &b]);
    let merge = w.events.last().expect("the merge").clone();
    let target_link = merge.body.link(&t).expect("target linked");
    assert_eq!(target_link.prev, None);
    assert!(merge.body.link(&a).expect("source linked").prev.is_some());

    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&t]);
    let report = w.verify_clean();
    assert_eq!(state(&report, &a), ContainerState::Merged);
    assert_eq!(state(&report, &b), ContainerState::Merged);
    assert_eq!(state(&report, &t), ContainerState::Dispatched);
    assert_eq!(report.statuses[&t].chain.len(), 2);
    assert_eq!(report.statuses[&t].chain[0], merge.id);
    assert_eq!(report.statuses[&t].label.code, t);
}

#[test]
fn merge_at_the_receiver_of_accepted_containers_verifies() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    w.deliver(&[&a, &b]);
    w.accept(Who::Receiver, &[&a, &b]);
    let t = w.merge(Who::Receiver, ContainerState::Accepted, &[&a, &b]);
    w.dispose(Who::Receiver, &[&t]);
    let report = w.verify_clean();
    assert_eq!(state(&report, &t), ContainerState::Disposed);
    assert_eq!(report.statuses[&t].holder, w.credit(Who::Receiver));
}

#[test]
fn split_parts_inherit_the_source_state() {
    let mut w = World::new();
    let c = w.generate();
    w.deliver(&[&c]);
    w.accept(Who::Receiver, &[&c]);
    let parts = w.split(Who::Receiver, ContainerState::Accepted, &c, 2);
    w.dispose(Who::Receiver, &[&parts[0]]);
    w.dispose(Who::Receiver, &[&parts[1]]);
    let report = w.verify_clean();
    assert_eq!(report.containers, 3);
    assert_eq!(state(&report, &c), ContainerState::Split);
    for p in &parts {
        assert_eq!(state(&report, p), ContainerState::Disposed);
    }
}

#[test]
fn split_at_the_producer_then_one_part_is_voided() {
    let mut w = World::new();
    let c = w.generate();
    let parts = w.split(Who::Producer, ContainerState::Generated, &c, 3);
    w.void(&[&parts[2]]);
    w.store(&[&parts[0], &parts[1]]);
    let report = w.verify_clean();
    assert_eq!(state(&report, &parts[0]), ContainerState::Stored);
    assert_eq!(state(&report, &parts[2]), ContainerState::Voided);
}

#[test]
fn correction_names_an_event_of_the_chain_and_keeps_the_state() {
    let mut w = World::new();
    let c = w.generate();
    w.deliver(&[&c]);
    let received = w.weigh(Who::Receiver, &[&c]);
    let fix = w.correct(Who::Receiver, received.id, &[&c]);
    assert_eq!(fix.body.step(), Step::Correction);
    let report = w.verify_clean();
    assert_eq!(state(&report, &c), ContainerState::Received);
    // The corrected event stays in the chain; the correction follows it.
    assert!(report.statuses[&c].chain.ends_with(&[received.id, fix.id]));
    // The carrier, a party earlier in the chain, may correct its own pickup too.
    let pickup = w.events[2].id;
    w.correct(Who::Carrier, pickup, &[&c]);
    w.accept(Who::Receiver, &[&c]);
    let report = w.verify_clean();
    assert_eq!(state(&report, &c), ContainerState::Accepted);
}

#[test]
fn void_closes_a_container_labelled_in_error() {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    w.void(&[&c]);
    let report = w.verify_clean();
    assert_eq!(state(&report, &c), ContainerState::Voided);
    assert!(state(&report, &c).is_closed());
}

#[test]
fn own_disposal_at_the_producer_verifies() {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    w.dispose(Who::Producer, &[&c]);
    let report = w.verify_clean();
    assert_eq!(state(&report, &c), ContainerState::Disposed);
}

#[test]
fn verification_does_not_depend_on_the_order_events_are_given() {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    w.deliver(&[&c]);
    w.events.reverse();
    let report = w.verify_clean();
    assert_eq!(state(&report, &c), ContainerState::Received);
}

/// The failures `report` names for `event`, as their sentences.
fn failures_of(report: &yima_core::Report, event: yima_core::EventId) -> Vec<String> {
    report
        .failures
        .iter()
        .filter(|f| f.event == event)
        .map(|f| f.detail.clone())
        .collect()
}

fn changes(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn only_the_party_that_recorded_a_step_may_correct_it() {
    let mut w = World::new();
    let c = w.generate();
    w.deliver(&[&c]);
    let pickup = w.events[2].id;
    // The receiver, a party of the chain with a valid key, corrects the carrier's pickup.
    let forged = w.record(
        Who::Receiver,
        yima_core::EventKind::Correction {
            changes: changes(&[("vehicle_plate", "闽A·00000")]),
            corrects: pickup,
            reason: "冒改".into(),
        },
        &[&c],
    );
    let report = w.verify();
    let why = failures_of(&report, forged.id);
    assert!(
        why.iter().any(|d| d.contains("alone may correct it")),
        "{why:?}"
    );
}

#[test]
fn corrected_values_are_checked_like_the_originals() {
    for bad in [("quantity", "abc"), ("form", "plasma"), ("contact", "")] {
        let mut w = World::new();
        let c = w.generate();
        let generated = w.events[0].id;
        let fix = w.record(
            Who::Producer,
            yima_core::EventKind::Correction {
                changes: changes(&[bad]),
                corrects: generated,
                reason: "录入错误".into(),
            },
            &[&c],
        );
        let report = w.verify();
        assert!(!failures_of(&report, fix.id).is_empty(), "{bad:?} accepted");
    }
}

#[test]
fn a_correction_of_the_genesis_corrects_the_label_of_the_status() {
    let mut w = World::new();
    let c = w.generate();
    let generated = w.events[0].id;
    w.record(
        Who::Producer,
        yima_core::EventKind::Correction {
            changes: changes(&[
                ("quantity", "150"),
                ("form", "liquid"),
                ("name", "废矿物油"),
            ]),
            corrects: generated,
            reason: "录入错误".into(),
        },
        &[&c],
    );
    let report = w.verify_clean();
    let label = &report.statuses[&c].label;
    assert_eq!(label.quantity, crate::harness::kg("150"));
    assert_eq!(label.form, yima_core::PhysicalForm::Liquid);
    assert_eq!(label.name, "废矿物油");
    assert_eq!(label.code, c);
}

fn weighing(measured: &str, discrepancy: Option<(&str, &str)>) -> yima_core::EventKind {
    use crate::harness::kg;
    yima_core::EventKind::Weighing {
        discrepancy: discrepancy.map(|(e, t)| yima_core::Discrepancy {
            expected: kg(e),
            tolerance: kg(t),
        }),
        measured: kg(measured),
        method: yima_core::WeighMethod::Scale,
        scale: None,
        weigher: "李四".into(),
    }
}

#[test]
fn a_weighing_states_a_discrepancy_only_against_the_quantity_before_it() {
    let mut w = World::new();
    let c = w.generate();
    // The sender weighs 180 kg before dispatch (the label says 200 kg: beyond 2 %).
    let sender = w.record(Who::Producer, weighing("180", Some(("200", "4"))), &[&c]);
    w.deliver(&[&c]);
    // The receiver's 150 kg against 180 kg, stated against the label's 200 kg: refused.
    let wrong = w.record(Who::Receiver, weighing("150", Some(("200", "4"))), &[&c]);
    let report = w.verify();
    assert!(failures_of(&report, sender.id).is_empty());
    assert!(!failures_of(&report, wrong.id).is_empty());

    let mut w = World::new();
    let c = w.generate();
    w.record(Who::Producer, weighing("180", Some(("200", "4"))), &[&c]);
    w.deliver(&[&c]);
    // Within tolerance is no discrepancy.
    let claimed = w.record(Who::Receiver, weighing("179", Some(("180", "3.6"))), &[&c]);
    assert!(!failures_of(&w.verify(), claimed.id).is_empty());

    let mut w = World::new();
    let c = w.generate();
    w.record(Who::Producer, weighing("180", Some(("200", "4"))), &[&c]);
    w.deliver(&[&c]);
    w.record(Who::Receiver, weighing("150", Some(("180", "3.6"))), &[&c]);
    let report = w.verify_clean();
    assert_eq!(
        report.statuses[&c].measured,
        Some(crate::harness::kg("150"))
    );
}

#[test]
fn accepted_and_refused_add_up_to_what_was_measured() {
    use crate::harness::kg;
    let mut w = World::new();
    let c = w.generate();
    w.deliver(&[&c]);
    w.record(Who::Receiver, weighing("198.5", None), &[&c]);
    let short = w.record(
        Who::Receiver,
        yima_core::EventKind::PartlyRefused {
            accepted: kg("150"),
            reason: "渗漏".into(),
            refused: kg("40"),
        },
        &[&c],
    );
    assert!(!failures_of(&w.verify(), short.id).is_empty());

    let mut w = World::new();
    let c = w.generate();
    w.deliver(&[&c]);
    w.record(Who::Receiver, weighing("198.5", None), &[&c]);
    w.partly_refuse(Who::Receiver, &[&c]);
    w.verify_clean();
}

#[test]
fn a_corrected_weighing_is_what_was_measured() {
    use crate::harness::kg;
    let mut w = World::new();
    let c = w.generate();
    w.deliver(&[&c]);
    let weighed = w.record(Who::Receiver, weighing("150", None), &[&c]);
    w.record(
        Who::Receiver,
        yima_core::EventKind::Correction {
            changes: changes(&[("quantity", "160")]),
            corrects: weighed.id,
            reason: "读数错误".into(),
        },
        &[&c],
    );
    w.record(
        Who::Receiver,
        yima_core::EventKind::PartlyRefused {
            accepted: kg("120"),
            reason: "渗漏".into(),
            refused: kg("40"),
        },
        &[&c],
    );
    let report = w.verify_clean();
    assert_eq!(report.statuses[&c].measured, Some(kg("160")));
}

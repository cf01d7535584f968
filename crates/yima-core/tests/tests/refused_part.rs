//! The refused part of a partly refused container (issue 15, point 5): split off at the
//! receiver into a part that starts refused under the manifest it came with, picked up and
//! returned to that manifest's sender. Each way an insider with a valid key could bend it is
//! refused.

use crate::harness::{assert_clean, assert_failures, kg, Who, World};
use yima_core::yima_codes::LabelCode;
use yima_core::{
    check_balance, check_intake, ContainerState, ContainerStatus, CustodyError, EventBody,
    EventKind, FailureKind as K, ReturningPart, TransferManifest,
};

/// Delivered to the receiver, weighed (198.5 kg), partly refused (150 kg accepted, 48.5 kg
/// refused). Returns the world, the container and its manifest.
fn partly_refused() -> (World, LabelCode, TransferManifest) {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    let m = w.deliver(&[&c]);
    w.weigh(Who::Receiver, &[&c]);
    w.partly_refuse(Who::Receiver, &[&c]);
    (w, c, m)
}

/// The receiver's split of `source` into a kept part of `kept` and a returning part of
/// `back`, going back under `manifest`: the body (not yet sealed) and the two codes.
fn returning_split(
    w: &mut World,
    source: &LabelCode,
    kept: &str,
    back: &str,
    manifest: TransferManifest,
) -> (EventBody, LabelCode, LabelCode) {
    let mut k = w.new_label(Who::Receiver);
    k.quantity = kg(kept);
    let mut b = w.new_label(Who::Receiver);
    b.quantity = kg(back);
    let (kc, bc) = (k.code.clone(), b.code.clone());
    let body = w.draft(
        Who::Receiver,
        Who::Receiver,
        EventKind::Split {
            inherited_state: ContainerState::Accepted,
            parts: vec![k, b],
            returning: Some(ReturningPart {
                code: bc.clone(),
                manifest,
            }),
        },
        &[source, &kc, &bc],
    );
    (body, kc, bc)
}

fn status_of(w: &World, c: &LabelCode) -> ContainerStatus {
    w.verify_clean().statuses[c].clone()
}

#[test]
fn the_refused_part_goes_back_to_the_sender_of_its_manifest() {
    let (mut w, c, m) = partly_refused();
    let before = status_of(&w, &c);
    assert_eq!(before.refused, Some(kg("48.5")));
    let (body, kept, back) = returning_split(&mut w, &c, "150", "48.5", m.clone());
    check_balance(&body, |x| (x == &c).then_some(&before)).expect("150 + 48.5 = 198.5");
    w.seal(body);
    let report = w.verify();
    assert_clean(&report);
    assert_eq!(report.statuses[&c].state, ContainerState::Split);
    assert_eq!(report.statuses[&kept].state, ContainerState::Accepted);
    let part = &report.statuses[&back];
    assert_eq!(part.state, ContainerState::Refused);
    assert_eq!(part.manifest.as_ref(), Some(&m));
    // Its label names the receiver who made it; it goes back to the manifest's sender.
    assert_eq!(part.label.producer.credit_code, w.credit(Who::Receiver));
    assert_eq!(part.returns_to(), &w.credit(Who::Producer));

    w.pick_up(Who::Carrier, Who::Receiver, &m.number, &[&back]);
    w.return_to(Who::Producer, Who::Carrier, &[&back]);
    let report = w.verify();
    assert_clean(&report);
    assert_eq!(report.statuses[&back].state, ContainerState::Returned);
    assert_eq!(report.statuses[&back].holder, w.credit(Who::Producer));
}

#[test]
fn a_returning_part_must_hold_what_was_refused() {
    let (mut w, c, m) = partly_refused();
    let before = status_of(&w, &c);
    // 100 kg "refused" goes back, 98.5 kg kept: the totals balance, the refusal does not.
    let (body, ..) = returning_split(&mut w, &c, "98.5", "100", m.clone());
    let err = check_balance(&body, |x| (x == &c).then_some(&before));
    assert!(err.is_ok(), "the total balances: {err:?}");
    let err = yima_core::apply(Some(&before), yima_core::EventId([9; 32]), &body, &c).unwrap_err();
    assert!(matches!(err, CustodyError::Balance { .. }), "{err:?}");
    assert!(err.to_string().contains("48.5"), "{err}");
    // And more than the container held in all is out of balance.
    let (body, ..) = returning_split(&mut w, &c, "150", "148.5", m);
    let err = check_balance(&body, |x| (x == &c).then_some(&before)).unwrap_err();
    assert!(matches!(err, CustodyError::Balance { .. }), "{err:?}");
}

#[test]
fn a_refused_part_goes_back_only_under_the_manifest_it_came_with() {
    let (mut w, c, _) = partly_refused();
    // A manifest of the insider's making: the "sender" it names would take the part.
    let forged = w.manifest(Who::Receiver2, Who::Carrier, Who::Receiver);
    let (body, ..) = returning_split(&mut w, &c, "150", "48.5", forged);
    let before = status_of(&w, &c);
    let err = yima_core::apply(Some(&before), yima_core::EventId([9; 32]), &body, &c).unwrap_err();
    assert!(matches!(err, CustodyError::RefusedPart { .. }), "{err:?}");
    let split = w.seal(body);
    let report = w.verify();
    assert_failures(&report, &[(split.id, K::ForbiddenTransition, Some(&c))]);
    assert!(
        report.failures[0].detail.contains("manifest"),
        "{}",
        report.failures[0].detail
    );
    // The verifier reports the source; devices and the registry refuse the whole event.
    assert_eq!(report.statuses[&c].state, ContainerState::Accepted);
}

#[test]
fn only_a_partly_refused_container_sends_a_part_back() {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    let m = w.deliver(&[&c]);
    w.weigh(Who::Receiver, &[&c]);
    w.accept(Who::Receiver, &[&c]);
    // Accepted in full, then a "returning" part split off: waste the receiver accepted
    // would leave its books as refused.
    let (body, ..) = returning_split(&mut w, &c, "150", "48.5", m);
    let split = w.seal(body);
    let report = w.verify();
    assert_failures(&report, &[(split.id, K::ForbiddenTransition, Some(&c))]);
    assert!(
        report.failures[0].detail.contains("no refused part"),
        "{}",
        report.failures[0].detail
    );
}

#[test]
fn the_refused_part_is_not_disposed_of_merged_or_split_away_with_the_accepted_waste() {
    // Refused on intake (device and registry): each step on the accepted waste would carry
    // the refused 48.5 kg off the books.
    let (mut w, c, _) = partly_refused();
    let before = status_of(&w, &c);
    let sources = |x: &LabelCode| (x == &c).then_some(&before);
    let refused = |body: &EventBody| {
        let err = check_intake(body, sources).unwrap_err();
        assert!(matches!(err, CustodyError::RefusedPart { .. }), "{err:?}");
        assert!(err.to_string().contains("48.5"), "{err}");
        assert!(
            err.message(yima_core::yima_codes::Lang::Zh)
                .contains("拒收部分"),
            "{err}"
        );
    };
    let dispose = w.dispose(Who::Receiver, &[&c]);
    refused(&dispose.body);
    let mut parts = vec![w.new_label(Who::Receiver), w.new_label(Who::Receiver)];
    parts[0].quantity = kg("100");
    parts[1].quantity = kg("50");
    let codes: Vec<LabelCode> = parts.iter().map(|p| p.code.clone()).collect();
    let split = w.draft(
        Who::Receiver,
        Who::Receiver,
        EventKind::Split {
            inherited_state: ContainerState::Accepted,
            parts,
            returning: None,
        },
        &[&c, &codes[0], &codes[1]],
    );
    refused(&split);
    let target = w.new_label(Who::Receiver);
    let t = target.code.clone();
    let merge = w.draft(
        Who::Receiver,
        Who::Receiver,
        EventKind::Merged {
            inherited_state: ContainerState::Accepted,
            target,
        },
        &[&c, &t],
    );
    refused(&merge);
    // Weighing it, storing it, or sending the part back are not.
    let weighing = w.weighing(Who::Receiver, &[&c]);
    check_intake(&weighing.body, sources).expect("a weighing carries nothing off");

    // A chain stored before the rule (partly refused, then disposed of) still verifies.
    let (mut w, c, _) = partly_refused();
    w.dispose(Who::Receiver, &[&c]);
    assert_clean(&w.verify());
}

#[test]
fn a_returning_split_encodes_its_part_and_other_splits_keep_their_bytes() {
    let (mut w, c, m) = partly_refused();
    let (body, _, back) = returning_split(&mut w, &c, "150", "48.5", m);
    let bytes = yima_core::encode(&body);
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let member = format!(",\"returning\":{{\"code\":\"{back}\",\"manifest\":{{\"number\":");
    assert!(text.contains(&member), "{text}");
    assert_eq!(yima_core::decode(&bytes).expect("canonical"), body);

    // A split that sends nothing back is written as before: no `returning`, not `null`.
    let mut plain = body.clone();
    if let EventKind::Split { returning, .. } = &mut plain.event {
        *returning = None;
    }
    let bytes = yima_core::encode(&plain);
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert!(!text.contains("returning"), "{text}");
    assert_eq!(yima_core::decode(&bytes).expect("canonical"), plain);
    // `null` is not its spelling.
    let null = text.replacen("}]},\"links\"", "}],\"returning\":null},\"links\"", 1);
    assert_ne!(null, text, "the member's place was found");
    assert!(yima_core::decode(null.as_bytes()).is_err());
}

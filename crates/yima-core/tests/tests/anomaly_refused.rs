//! The rules over what the registry set apart: forks, refused events and loads off their
//! manifest, one anomaly each and none without.

use crate::anomaly::{rules_at, HOUR};
use crate::harness::{Who, World, T0};
use yima_core::yima_codes::ManifestNumber;
use yima_core::{
    fork_anomalies, off_manifest, refused_anomalies, AnomalyRule, EventKind, ForkedEvent,
    RefusedEvent, RefusedWhy,
};

#[test]
fn each_forked_event_is_one_fork_anomaly_and_none_without() {
    let mut w = World::new();
    let c = w.generate();
    let stored = w.store(&[&c]);
    assert!(fork_anomalies(&c, &[]).is_empty());
    let rival = w.events[0].id;
    let found = fork_anomalies(
        &c,
        &[ForkedEvent {
            event: stored.id,
            rival,
            at: stored.body.at,
            step: stored.body.step(),
        }],
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, AnomalyRule::Fork);
    assert_eq!(found[0].event, Some(stored.id));
    assert_eq!(found[0].since, stored.body.at);
    assert!(found[0].en.contains(&rival.short()), "{}", found[0].en);
    assert!(found[0].zh.contains("分叉") || found[0].zh.contains("同一环节"));
}

#[test]
fn each_refused_event_is_one_anomaly_of_its_kind_and_none_without() {
    let mut w = World::new();
    let c = w.generate();
    let stored = w.store(&[&c]);
    assert!(refused_anomalies(&c, &[]).is_empty());
    let refused = |why| RefusedEvent {
        event: stored.id,
        why,
        at: stored.body.at,
        reason: "signed by a stranger".into(),
    };
    let found = refused_anomalies(
        &c,
        &[
            refused(RefusedWhy::Signature),
            refused(RefusedWhy::Key),
            refused(RefusedWhy::Revoked),
            refused(RefusedWhy::Manifest),
        ],
    );
    let rules: Vec<AnomalyRule> = found.iter().map(|a| a.rule).collect();
    assert_eq!(
        rules,
        vec![
            AnomalyRule::BadSignature,
            AnomalyRule::WrongKey,
            AnomalyRule::RevokedKey,
            AnomalyRule::NotOnManifest
        ]
    );
    assert!(found.iter().all(|a| a.event == Some(stored.id)
        && a.since == stored.body.at
        && a.en.contains("signed by a stranger")));
    // A verified chain alone never shows them: they come only from refused events.
    assert!(rules_at(&w, &c, &[], T0 + HOUR).iter().all(|r| !matches!(
        r,
        AnomalyRule::BadSignature
            | AnomalyRule::WrongKey
            | AnomalyRule::RevokedKey
            | AnomalyRule::NotOnManifest
    )));
}

#[test]
fn a_load_under_another_manifest_or_by_a_party_off_it_is_off_manifest_and_nothing_else_is() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let before = yima_core::apply(None, w.events[0].id, &w.events[0].body, &c)
        .and_then(|s| yima_core::apply(Some(&s), w.events[1].id, &w.events[1].body, &c))
        .expect("generated and dispatched");
    let refusal = |w: &mut World, by: Who, giver: Who, number: &ManifestNumber| {
        let kind = w.picked_up_kind(giver, number);
        let body = w.draft(by, by, kind, &[&c]);
        let id = w.sign(body.clone(), &[by, giver]).id;
        (
            yima_core::apply(Some(&before), id, &body, &c).expect_err("refused"),
            body,
        )
    };
    // Picked up under another manifest number.
    let other = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let (err, body) = refusal(&mut w, Who::Carrier, Who::Producer, &other.number);
    assert!(off_manifest(&body, &err), "{err}");
    // Picked up by the right carrier under the right manifest: accepted, nothing to judge.
    let kind = w.picked_up_kind(Who::Producer, &m.number);
    let body = w.draft(Who::Carrier, Who::Carrier, kind, &[&c]);
    assert!(yima_core::apply(
        Some(&before),
        w.sign(body.clone(), &[Who::Carrier]).id,
        &body,
        &c
    )
    .is_ok());
    // Refused for another reason (the giver does not hold it): not this rule.
    let (err, body) = refusal(&mut w, Who::Carrier, Who::Receiver, &m.number);
    assert!(!off_manifest(&body, &err), "{err}");
    // A refusal of another step, even one naming a manifest: not a load.
    let batch = w.batch(yima_core::yima_codes::BatchKind::IntoStore);
    let stored = w.draft(
        Who::Producer,
        Who::Producer,
        EventKind::Stored {
            batch,
            facility_code: "ZC001".into(),
        },
        &[&c],
    );
    assert!(!off_manifest(
        &stored,
        &yima_core::CustodyError::Manifest("any".into())
    ));
}

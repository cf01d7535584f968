//! Where containers come from (issue 12, finding 2): a merge or split that does not link its
//! sources, labels its outputs in another's name or does not balance is refused at the
//! registry with nothing stored. The hand-made events an insider pushes, shared with the
//! tests of forks and returns.

use crate::harness::*;
use yima_codes::{BatchCode, BatchKind, CreditCode, LabelCode, WasteCode};
use yima_core::{
    Actor, ContainerLabel, ContainerState, DeviceKey, EventBody, EventKind, Link, Party,
    PhysicalForm, Quantity, Role, SignedEvent, Unit, EVENT_FORMAT_VERSION,
};
use yima_protocol::{
    sign_request, PushOutcome, PushRequest, PushResponse, PushResult, RefusalKind, WireEvent,
};

/// A key of `org` in `role`, enrolled through the API, kept for hand-made pushes: an insider
/// with a valid key.
pub(crate) async fn insider<S: Backend>(
    reg: &TestRegistry<S>,
    org: &CreditCode,
    role: Role,
) -> DeviceKey {
    let key = DeviceKey::from_secret(&rand::random());
    let code = reg.code(org, role, false).await;
    let body = serde_json::to_vec(&serde_json::json!({ "code": code })).unwrap();
    let (status, text) = send(reg, &key, "POST", "/v1/enrol", body).await;
    assert_eq!(status, 200, "{text}");
    key
}

pub(crate) async fn send<S: Backend>(
    reg: &TestRegistry<S>,
    key: &DeviceKey,
    method: &str,
    path: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let nonce = format!("{:032x}", rand::random::<u128>());
    let auth = sign_request(key, method, path, now().0, &nonce, &body);
    let mut r = reqwest::Client::new()
        .post(format!("{}{path}", reg.url()))
        .body(body);
    for (k, v) in auth.headers() {
        r = r.header(k, v);
    }
    let resp = r.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// `key` pushes `events`; the registry's outcome for each, with its reason.
pub(crate) async fn push_as<S: Backend>(
    reg: &TestRegistry<S>,
    key: &DeviceKey,
    events: &[SignedEvent],
) -> Vec<(PushOutcome, String)> {
    push_results(reg, key, events)
        .await
        .into_iter()
        .map(|r| (r.outcome, r.reason.unwrap_or_default()))
        .collect()
}

/// The registry's answer for each of `events`, pushed by `key`.
pub(crate) async fn push_results<S: Backend>(
    reg: &TestRegistry<S>,
    key: &DeviceKey,
    events: &[SignedEvent],
) -> Vec<PushResult> {
    let body = serde_json::to_vec(&PushRequest {
        events: events.iter().map(WireEvent::of).collect(),
        tracks: Vec::new(),
    })
    .unwrap();
    let (status, text) = send(reg, key, "POST", "/v1/events", body).await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str::<PushResponse>(&text).unwrap().results
}

fn waste() -> WasteCode {
    "900-041-49".parse().unwrap()
}

/// A label of `producer`'s, sequence `seq` today, holding `kg`.
pub(crate) fn label(producer: &CreditCode, seq: u16, kg: &str) -> ContainerLabel {
    let day = now().china_date();
    ContainerLabel {
        code: LabelCode::new(producer.clone(), waste(), day, seq).unwrap(),
        name: "废活性炭".into(),
        category: waste().category().unwrap(),
        waste_code: waste(),
        form: PhysicalForm::Solid,
        hazards: "T".parse().unwrap(),
        main_components: "活性炭".into(),
        harmful_components: "有机物".into(),
        precautions: "防潮".into(),
        producer: Party {
            credit_code: producer.clone(),
            name: "某单位".into(),
        },
        contact: "王磊".into(),
        phone: "0591-87654321".into(),
        generated_on: day,
        quantity: Quantity::parse(kg, Unit::Kg).unwrap(),
        container_type: "袋".into(),
        facility_code: "CS01".into(),
        remarks: String::new(),
    }
}

/// An event recorded by the producer's `key`, sealed.
pub(crate) fn event(key: &DeviceKey, seq: u64, kind: EventKind, links: Vec<Link>) -> SignedEvent {
    let mut links = links;
    links.sort_by(|a, b| a.container.cmp(&b.container));
    SignedEvent::seal(
        EventBody {
            v: EVENT_FORMAT_VERSION,
            at: now(),
            by: Actor {
                org: producer_code(),
                role: Role::Producer,
                key: key.public(),
            },
            composer: key.public(),
            event: kind,
            links,
            location: None,
            operator: None,
            track: None,
            seq,
        },
        key,
    )
}

pub(crate) fn begins(code: &LabelCode) -> Link {
    Link {
        container: code.clone(),
        prev: None,
    }
}

pub(crate) fn follows(code: &LabelCode, prev: &SignedEvent) -> Link {
    Link {
        container: code.clone(),
        prev: Some(prev.id),
    }
}

pub(crate) fn generate(key: &DeviceKey, seq: u16, kg: &str) -> SignedEvent {
    let l = label(&producer_code(), seq, kg);
    let code = l.code.clone();
    let day = now().china_date();
    event(
        key,
        seq.into(),
        EventKind::Generated {
            batch: BatchCode::new(BatchKind::Generation, day, seq.into()).unwrap(),
            catalogue_edition: "2021".into(),
            label: l,
        },
        vec![begins(&code)],
    )
}

/// The producer's weighing of `code` (after `prev`), by `key`, dated `at`: what a dispatch
/// of it needs.
pub(crate) fn weighed(
    key: &DeviceKey,
    seq: u64,
    code: &LabelCode,
    prev: &SignedEvent,
    at: yima_core::Timestamp,
) -> SignedEvent {
    let mut body = event(
        key,
        seq,
        EventKind::Weighing {
            discrepancy: None,
            measured: prev.body.event.new_labels()[0].quantity,
            method: yima_core::WeighMethod::Scale,
            scale: None,
            weigher: "王磊".into(),
        },
        vec![follows(code, prev)],
    )
    .body;
    body.at = at;
    SignedEvent::seal(body, key)
}

fn merged(target: ContainerLabel) -> EventKind {
    EventKind::Merged {
        inherited_state: ContainerState::Generated,
        target,
    }
}

crate::on_both_backends!(merges_and_splits_out_of_nothing_are_refused_with_nothing_stored);
async fn merges_and_splits_out_of_nothing_are_refused_with_nothing_stored<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let key = insider(&reg, &producer_code(), Role::Producer).await;
    let a = generate(&key, 1, "20");
    let b = generate(&key, 2, "30");
    let (ca, cb) = (
        a.body.links[0].container.clone(),
        b.body.links[0].container.clone(),
    );
    let r = push_as(&reg, &key, &[a.clone(), b.clone()]).await;
    assert!(r.iter().all(|(o, _)| *o == PushOutcome::Accepted), "{r:?}");
    let stored = reg.event_count().await;

    // Another province's producer, in whose name the forger labels.
    let elsewhere = credit("91440300715267261");
    let own = |seq, kg| label(&producer_code(), seq, kg);
    let attacks: Vec<(&str, RefusalKind, SignedEvent)> = vec![
        (
            "a merge with no source",
            RefusalKind::Lineage,
            event(
                &key,
                3,
                merged(own(10, "99999")),
                vec![begins(&own(10, "1").code)],
            ),
        ),
        (
            "a merge labelled in another producer's name",
            RefusalKind::Lineage,
            {
                let t = label(&elsewhere, 11, "50");
                let code = t.code.clone();
                event(
                    &key,
                    4,
                    merged(t),
                    vec![follows(&ca, &a), follows(&cb, &b), begins(&code)],
                )
            },
        ),
        (
            "a merge of 20 kg and 30 kg declared as 500 kg",
            RefusalKind::Balance,
            event(
                &key,
                5,
                merged(own(12, "500")),
                vec![
                    follows(&ca, &a),
                    follows(&cb, &b),
                    begins(&own(12, "1").code),
                ],
            ),
        ),
        (
            "a split with no source",
            RefusalKind::Lineage,
            event(
                &key,
                6,
                EventKind::Split {
                    inherited_state: ContainerState::Generated,
                    parts: vec![own(13, "10"), own(14, "10")],
                    returning: None,
                },
                vec![begins(&own(13, "1").code), begins(&own(14, "1").code)],
            ),
        ),
        (
            "a split of 20 kg into 15 kg and 15 kg",
            RefusalKind::Balance,
            event(
                &key,
                7,
                EventKind::Split {
                    inherited_state: ContainerState::Generated,
                    parts: vec![own(15, "15"), own(16, "15")],
                    returning: None,
                },
                vec![
                    follows(&ca, &a),
                    begins(&own(15, "1").code),
                    begins(&own(16, "1").code),
                ],
            ),
        ),
        (
            "a dispatch of a container its sender never weighed",
            RefusalKind::Balance,
            event(
                &key,
                10,
                EventKind::Dispatched {
                    batch: BatchCode::new(BatchKind::OutOfStore, now().china_date(), 1).unwrap(),
                    facility_code: "WS-01".into(),
                    manifest: manifest(),
                    outsourced_batch: BatchCode::new(
                        BatchKind::OutsourcedDisposal,
                        now().china_date(),
                        1,
                    )
                    .unwrap(),
                },
                vec![follows(&ca, &a)],
            ),
        ),
        (
            "a void stating 999 kg leaving the books of a 20 kg container",
            RefusalKind::Balance,
            event(
                &key,
                9,
                EventKind::Void {
                    quantity: Some(Quantity::parse("999", Unit::Kg).unwrap()),
                    reason: "标错".into(),
                },
                vec![follows(&ca, &a)],
            ),
        ),
        (
            "a merge whose target contradicts its code's waste code",
            RefusalKind::Lineage,
            {
                let mut t = own(17, "50");
                t.waste_code = "900-249-08".parse().unwrap();
                t.category = t.waste_code.category().unwrap();
                let code = t.code.clone();
                event(
                    &key,
                    8,
                    merged(t),
                    vec![follows(&ca, &a), follows(&cb, &b), begins(&code)],
                )
            },
        ),
    ];
    for (what, kind, e) in &attacks {
        let r = push_results(&reg, &key, std::slice::from_ref(e)).await;
        assert_eq!(r[0].outcome, PushOutcome::Refused, "{what}: {r:?}");
        assert_eq!(r[0].refusal, Some(*kind), "{what}: {r:?}");
        assert!(
            r[0].reason.as_deref().is_some_and(|t| !t.is_empty()),
            "{what}: a reason"
        );
        assert_eq!(reg.event_count().await, stored, "{what}: nothing stored");
    }
    // The honest merge of the same two containers is accepted.
    let honest = event(
        &key,
        9,
        merged(own(18, "50")),
        vec![
            follows(&ca, &a),
            follows(&cb, &b),
            begins(&own(18, "1").code),
        ],
    );
    let r = push_as(&reg, &key, &[honest]).await;
    assert_eq!(r[0].0, PushOutcome::Accepted, "{r:?}");
    assert_eq!(reg.event_count().await, stored + 1);
}

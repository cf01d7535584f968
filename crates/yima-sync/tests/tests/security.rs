//! Forged, replayed, revoked, out-of-scope, oversized and malicious requests: each refused
//! with the right status, nothing stored, and the registry still serving.

use crate::harness::*;
use yima_codes::BatchKind;
use yima_core::{
    Actor, DeviceKey, EventBody, EventKind, Link, Role, SignedEvent, EVENT_FORMAT_VERSION,
};
use yima_protocol::{
    sign_request, PushOutcome, PushRequest, PushResponse, WireEvent, MAX_BODY_BYTES,
};
use yima_registry::{RegistryStore, SqliteStore};

pub(crate) struct Raw {
    pub(crate) status: u16,
    pub(crate) body: String,
}

pub(crate) async fn send(
    reg: &TestRegistry<SqliteStore>,
    key: &DeviceKey,
    method: &str,
    path: &str,
    body: Vec<u8>,
    tamper: impl FnOnce(&mut Vec<(&'static str, String)>),
) -> Raw {
    let auth = sign_request(
        key,
        method,
        path,
        now().0,
        &format!("{:032x}", rand_u128()),
        &body,
    );
    let mut headers: Vec<(&'static str, String)> = auth.headers().to_vec();
    tamper(&mut headers);
    send_headers(reg, method, path, body, headers).await
}

async fn send_headers(
    reg: &TestRegistry<SqliteStore>,
    method: &str,
    path: &str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
) -> Raw {
    let http = reqwest::Client::new();
    let url = format!("{}{path}", reg.url());
    let mut r = if method == "GET" {
        http.get(&url)
    } else {
        http.post(&url).body(body)
    };
    for (k, v) in headers {
        r = r.header(k, v);
    }
    let resp = r.send().await.unwrap();
    Raw {
        status: resp.status().as_u16(),
        body: resp.text().await.unwrap(),
    }
}

fn rand_u128() -> u128 {
    use rand::Rng;
    rand::thread_rng().gen()
}

async fn still_serving(reg: &TestRegistry<SqliteStore>) {
    let r = reqwest::get(format!("{}/v1/health", reg.url()))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

/// A producer device's key, enrolled through the API (the key is kept for raw requests).
pub(crate) async fn enrolled_key(
    reg: &TestRegistry<SqliteStore>,
    org: &yima_codes::CreditCode,
    role: Role,
) -> DeviceKey {
    let key = DeviceKey::from_secret(&rand::random());
    let code = reg.code(org, role, false).await;
    let body = serde_json::to_vec(&serde_json::json!({ "code": code })).unwrap();
    let r = send(reg, &key, "POST", "/v1/enrol", body, |_| {}).await;
    assert_eq!(r.status, 200, "{}", r.body);
    key
}

pub(crate) fn generated(key: &DeviceKey, seq: u64, remarks: &str) -> SignedEvent {
    let producer = yima_core::Party {
        credit_code: producer_code(),
        name: "福州示例化工有限公司".into(),
    };
    let at = now();
    let day = at.china_date();
    let waste: yima_codes::WasteCode = "900-041-49".parse().unwrap();
    let code = yima_codes::LabelCode::new(producer_code(), waste.clone(), day, seq as u16).unwrap();
    let label = yima_core::ContainerLabel {
        code: code.clone(),
        name: remarks.into(),
        category: waste.category().unwrap(),
        waste_code: waste,
        form: yima_core::PhysicalForm::Solid,
        hazards: "T,In".parse().unwrap(),
        main_components: remarks.into(),
        harmful_components: remarks.into(),
        precautions: remarks.into(),
        producer,
        contact: remarks.into(),
        phone: remarks.into(),
        generated_on: day,
        quantity: yima_core::Quantity::parse("5", yima_core::Unit::Kg).unwrap(),
        container_type: remarks.into(),
        facility_code: remarks.into(),
        remarks: remarks.into(),
    };
    let body = EventBody {
        v: EVENT_FORMAT_VERSION,
        at,
        by: Actor {
            org: producer_code(),
            role: Role::Producer,
            key: key.public(),
        },
        composer: key.public(),
        event: EventKind::Generated {
            batch: yima_codes::BatchCode::new(BatchKind::Generation, day, seq as u32).unwrap(),
            catalogue_edition: "2021".into(),
            label,
        },
        links: vec![Link {
            container: code,
            prev: None,
        }],
        location: Some(remarks.into()),
        operator: None,
        track: None,
        seq,
    };
    SignedEvent::seal(body, key)
}

/// `key` pushes `events`, signed honestly.
pub(crate) async fn push(
    reg: &TestRegistry<SqliteStore>,
    key: &DeviceKey,
    events: &[SignedEvent],
) -> Raw {
    send(reg, key, "POST", "/v1/events", push_body(events), |_| {}).await
}

fn push_body(events: &[SignedEvent]) -> Vec<u8> {
    serde_json::to_vec(&PushRequest {
        events: events.iter().map(WireEvent::of).collect(),
        tracks: Vec::new(),
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_replayed_and_revoked_requests_are_refused() {
    let reg = TestRegistry::<SqliteStore>::start().await;
    let key = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    let body = push_body(&[generated(&key, 1, "x")]);

    // Forged: the signature of another body.
    let r = send(&reg, &key, "POST", "/v1/events", body.clone(), |h| {
        let sig = &mut h[3].1;
        let flipped = if sig.starts_with('0') { "1" } else { "0" };
        sig.replace_range(0..1, flipped);
    })
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(r.body.contains("unauthorized"));
    // A key that never enrolled.
    let stranger = DeviceKey::from_secret(&[9; 32]);
    assert_eq!(
        send(&reg, &stranger, "POST", "/v1/events", body.clone(), |_| {})
            .await
            .status,
        401
    );
    // A stale clock.
    let r = send(&reg, &key, "GET", "/v1/keys", Vec::new(), |_| {}).await;
    assert_eq!(r.status, 200);
    let auth = sign_request(
        &key,
        "GET",
        "/v1/keys",
        now().0 - 3_600_000,
        "00112233445566778899",
        b"",
    );
    assert_eq!(
        send_headers(&reg, "GET", "/v1/keys", Vec::new(), auth.headers().to_vec())
            .await
            .status,
        401
    );
    assert_eq!(reg.event_count().await, 0);

    // Replayed: the same signed request twice.
    let auth = sign_request(
        &key,
        "POST",
        "/v1/events",
        now().0,
        "aabbccddeeff00112233",
        &body,
    );
    let first = send_headers(
        &reg,
        "POST",
        "/v1/events",
        body.clone(),
        auth.headers().to_vec(),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let again = send_headers(
        &reg,
        "POST",
        "/v1/events",
        body.clone(),
        auth.headers().to_vec(),
    )
    .await;
    assert_eq!(again.status, 401);
    assert!(again.body.contains("replay"));
    assert_eq!(reg.event_count().await, 1);

    // Revoked: the key's later events and requests are refused.
    assert!(reg.state.store.revoke(key.public(), now()).await.unwrap());
    let r = push(&reg, &key, &[generated(&key, 2, "y")]).await;
    assert_eq!(r.status, 401);
    assert_eq!(reg.event_count().await, 1);
    still_serving(&reg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_scope_and_regulator_writes_are_refused() {
    let reg = TestRegistry::<SqliteStore>::start().await;
    let producer = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    let g = generated(&producer, 1, "x");
    let r = push(&reg, &producer, std::slice::from_ref(&g)).await;
    assert_eq!(r.status, 200);

    // Company B (the receiver) writes a step on company A's container.
    let other = enrolled_key(&reg, &receiver_code(), Role::Receiver).await;
    let body = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: now(),
        by: Actor {
            org: receiver_code(),
            role: Role::Receiver,
            key: other.public(),
        },
        composer: other.public(),
        event: EventKind::Void {
            quantity: None,
            reason: "not yours".into(),
        },
        links: vec![Link {
            container: g.body.links[0].container.clone(),
            prev: Some(g.id),
        }],
        location: None,
        operator: None,
        track: None,
        seq: 1,
    };
    let intrusion = SignedEvent::seal(body, &other);
    let r = push(&reg, &other, &[intrusion]).await;
    assert_eq!(r.status, 200);
    let answer: PushResponse = serde_json::from_str(&r.body).unwrap();
    assert_eq!(answer.results[0].outcome, PushOutcome::Refused);
    assert!(
        answer.results[0]
            .reason
            .as_deref()
            .unwrap_or_default()
            .len()
            > 5
    );
    // A device pushing an event it did not sign.
    let r = push(&reg, &other, &[generated(&producer, 2, "z")]).await;
    let answer: PushResponse = serde_json::from_str(&r.body).unwrap();
    assert_eq!(answer.results[0].outcome, PushOutcome::Refused);
    assert_eq!(reg.event_count().await, 1);

    // A regulator pushes anything: 403.
    let regulator = enrolled_key(&reg, &regulator_code(), Role::Regulator).await;
    let r = push(&reg, &regulator, &[generated(&producer, 3, "w")]).await;
    assert_eq!(r.status, 403);
    assert_eq!(reg.event_count().await, 1);
    still_serving(&reg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_malformed_and_injection_bodies_do_no_harm() {
    let reg = TestRegistry::<SqliteStore>::start().await;
    let key = enrolled_key(&reg, &producer_code(), Role::Producer).await;

    let huge = vec![b' '; MAX_BODY_BYTES + 10];
    let r = send(&reg, &key, "POST", "/v1/events", huge, |_| {}).await;
    assert_eq!(r.status, 413, "{}", r.body);

    let r = send(
        &reg,
        &key,
        "POST",
        "/v1/events",
        b"{\"events\": [".to_vec(),
        |_| {},
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("bad_request"));
    let r = send(
        &reg,
        &key,
        "POST",
        "/v1/events",
        b"{\"events\": [{\"id\": 1}]}".to_vec(),
        |_| {},
    )
    .await;
    assert_eq!(r.status, 400);

    let nasty = "'); DROP TABLE events; -- \" OR 1=1; --";
    let e = generated(&key, 1, nasty);
    let r = push(&reg, &key, std::slice::from_ref(&e)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let answer: PushResponse = serde_json::from_str(&r.body).unwrap();
    assert_eq!(answer.results[0].outcome, PushOutcome::Accepted);
    let history = reg
        .state
        .store
        .container_history(e.body.links[0].container.clone())
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert!(
        history[0].event.body.contains("DROP TABLE events"),
        "stored verbatim"
    );
    // An organisation named with SQL is stored as text too.
    {
        let org = yima_protocol::NewOrg {
            credit_code: credit("91350100MA00000X1"),
            name: nasty.into(),
            roles: vec![Role::Carrier],
            jurisdiction: Some(nasty.into()),
        };
        reg.state.store.add_org(org, now()).await.unwrap();
    }
    let r = send(
        &reg,
        &key,
        "GET",
        "/v1/feed?after=0&limit=10",
        Vec::new(),
        |_| {},
    )
    .await;
    assert_eq!(r.status, 200);
    let r = send(&reg, &key, "GET", "/v1/feed?after=x", Vec::new(), |_| {}).await;
    assert_eq!(r.status, 400);
    assert_eq!(reg.event_count().await, 1);
    still_serving(&reg).await;
}

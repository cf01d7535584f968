//! Real signed traffic through the real router: a regulator enrols, registers a producer
//! and issues it a code, the producer enrols, pushes, reads its feed and keys, and is
//! revoked; each request body sent and each answer received is checked against what the
//! document says of that operation and that status.

use super::{call, operations, served_document, state, Checker};
use crate::enrolment::issue_enrolment_code;
use crate::store::RegistryStore;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use tower::ServiceExt;
use yima_codes::{CreditCode, SequenceBlock};
use yima_core::{
    Actor, DeviceKey, EventBody, EventId, EventKind, Link, Role, SignedEvent, Timestamp, WireEvent,
    EVENT_FORMAT_VERSION,
};
use yima_protocol::*;

struct Client<'a> {
    router: Router,
    doc: &'a Value,
    checker: Checker<'a>,
    nonce: u64,
    /// Each operation answered, with the status.
    answered: BTreeSet<(String, String, u16)>,
}

impl Client<'_> {
    /// Sends a request signed by `key` (none: unsigned) and checks the body sent and the
    /// answer against the document; returns the status and the answer's JSON.
    async fn send<B: Serialize>(
        &mut self,
        key: Option<&DeviceKey>,
        method: &str,
        target: &str,
        body: Option<&B>,
    ) -> (StatusCode, Value) {
        let bytes = body.map_or_else(Vec::new, |b| serde_json::to_vec(b).unwrap());
        let path = target.split('?').next().unwrap();
        let op = operations(self.doc)
            .get(&(method.to_string(), path.to_string()))
            .copied()
            .unwrap_or_else(|| panic!("{method} {path} is not described"));
        let what = format!("{method} {target}");
        if let Some(b) = body {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            assert!(schema.is_object(), "{what}: no request body described");
            let sent = serde_json::to_value(b).unwrap();
            if let Err(e) = self.checker.check(&sent, schema, None) {
                panic!("{what}: the body sent is not as described: {e}");
            }
        }
        let mut req = Request::builder().method(method).uri(target);
        if let Some(key) = key {
            self.nonce += 1;
            let nonce = format!("{:016x}", self.nonce);
            let time = Timestamp::from_datetime(chrono::Utc::now()).0;
            let auth = sign_request(key, method, target, time, &nonce, &bytes);
            req = req
                .header(HEADER_KEY, auth.key.to_string())
                .header(HEADER_TIME, auth.time.to_string())
                .header(HEADER_NONCE, auth.nonce)
                .header(HEADER_SIGNATURE, auth.signature.to_string());
        }
        let req = req
            .header("content-type", "application/json")
            .body(Body::from(bytes))
            .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let answer = axum::body::to_bytes(resp.into_body(), 1 << 22)
            .await
            .unwrap();
        let described = &op["responses"][status.as_str()];
        assert!(
            described.is_object(),
            "{what}: answered {status}, which is not described"
        );
        self.answered
            .insert((method.to_string(), path.to_string(), status.as_u16()));
        if answer.is_empty() {
            assert!(
                described.get("content").is_none(),
                "{what}: {status} is described with a body and has none"
            );
            return (status, Value::Null);
        }
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        let schema = &described["content"]["application/json"]["schema"];
        if let Err(e) = self.checker.check(&answer, schema, None) {
            panic!("{what}: the {status} answer is not as described: {e}\n{answer}");
        }
        (status, answer)
    }
}

impl Client<'_> {
    /// Opens a label's public page (`/L/…` or `/l/…`) as a phone would, unsigned, and checks
    /// the answer's status and content type against the document; returns both and the page.
    async fn page(&mut self, target: &str) -> (StatusCode, String) {
        let path = target.split('?').next().unwrap();
        let template = format!("{}{{label}}", &path[..3]);
        let op = operations(self.doc)
            .get(&("GET".to_string(), template.clone()))
            .copied()
            .unwrap_or_else(|| panic!("GET {template} is not described"));
        let req = Request::builder()
            .method("GET")
            .uri(target)
            .header("accept-language", "zh-CN,zh;q=0.9")
            .body(Body::empty())
            .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let described = &op["responses"][status.as_str()];
        assert!(
            described["content"]["text/html"].is_object(),
            "GET {target}: answered {status}, which is not described as HTML"
        );
        assert_eq!(
            resp.headers()["content-type"],
            "text/html; charset=utf-8",
            "GET {target}"
        );
        self.answered
            .insert(("GET".into(), template, status.as_u16()));
        let page = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8(page.to_vec()).unwrap())
    }
}

#[tokio::test]
async fn real_traffic_is_as_described() {
    let (_dir, st) = state();
    let store = st.store.clone();
    let router = crate::router(st);
    let doc = served_document(&router).await;
    let mut c = Client {
        router,
        doc: &doc,
        checker: Checker {
            schemas: doc["components"]["schemas"].as_object().unwrap(),
            seen: BTreeSet::new(),
            reached: BTreeSet::new(),
        },
        nonce: 0,
        answered: BTreeSet::new(),
    };
    const NONE: Option<&()> = None;
    let now = Timestamp::from_datetime(chrono::Utc::now());
    let regulator = CreditCode::with_check("11350000MB0000001").unwrap();
    let producer = CreditCode::with_check("91350100M000100Y4").unwrap();
    store
        .add_org(
            NewOrg {
                credit_code: regulator.clone(),
                name: "福建省生态环境厅".into(),
                roles: vec![Role::Regulator],
                jurisdiction: Some("35".into()),
            },
            now,
        )
        .await
        .unwrap();
    let code = |org: &CreditCode, role| NewEnrolmentCode {
        org: org.clone(),
        role,
        admin: true,
    };
    let first = issue_enrolment_code(store.as_ref(), code(&regulator, Role::Regulator), now)
        .await
        .unwrap();

    let kr = DeviceKey::from_secret(&[1; 32]);
    let kp = DeviceKey::from_secret(&[2; 32]);
    let enrol = |code: &str, seq_block| EnrolRequest {
        code: code.into(),
        seq_block,
    };
    let (s, _) = c
        .send(
            Some(&kr),
            "POST",
            "/v1/enrol",
            Some(&enrol(&first.code, None)),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = c
        .send(
            Some(&kp),
            "POST",
            "/v1/enrol",
            Some(&enrol(&first.code, None)),
        )
        .await;
    assert!(s.is_client_error(), "a used code: {s}");
    let new_org = NewOrg {
        credit_code: producer.clone(),
        name: "示例化工".into(),
        roles: vec![Role::Producer],
        jurisdiction: None,
    };
    let (s, _) = c.send(Some(&kr), "POST", "/v1/orgs", Some(&new_org)).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = c.send(Some(&kr), "POST", "/v1/orgs", Some(&new_org)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let issue = code(&producer, Role::Producer);
    let (s, issued) = c
        .send(Some(&kr), "POST", "/v1/enrolment-codes", Some(&issue))
        .await;
    assert_eq!(s, StatusCode::OK);
    let issued: EnrolmentCode = serde_json::from_value(issued).unwrap();
    let block = SequenceBlock::new(1, 99).unwrap();
    let (s, _) = c
        .send(
            Some(&kp),
            "POST",
            "/v1/enrol",
            Some(&enrol(&issued.code, Some(block))),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    let body = r#"{"not":"an event"}"#.to_string();
    let id = EventId::of_canonical(body.as_bytes());
    let push = PushRequest {
        events: vec![WireEvent {
            id,
            body,
            signatures: vec![kp.sign(&id)],
        }],
        tracks: Vec::new(),
    };
    let (s, pushed) = c.send(Some(&kp), "POST", "/v1/events", Some(&push)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(pushed["results"][0]["outcome"], "refused");
    let (s, _) = c.send(Some(&kr), "POST", "/v1/events", Some(&push)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = c
        .send(Some(&kp), "GET", "/v1/feed?after=0&limit=10", NONE)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = c.send(Some(&kp), "GET", "/v1/feed?limit=many", NONE).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, keys) = c.send(Some(&kp), "GET", "/v1/keys", NONE).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(keys["devices"].as_array().unwrap().len(), 2);

    // A container a producer device of the same organisation generated: its evidence bundle.
    let dev_dir = tempfile::tempdir().unwrap();
    let mut dev = yima_device::Device::init(
        dev_dir.path(),
        &yima_device::InitRequest::new(Role::Producer, "示例化工", producer.as_str()),
        yima_device::SystemClock,
    )
    .unwrap();
    let drum = dev
        .register(&yima_device::NewContainer {
            main_components: "矿物油".into(),
            contact: "王磊".into(),
            phone: "0591-87654321".into(),
            container_type: "200L 钢桶".into(),
            ..yima_device::NewContainer::new("900-041-49", "25", "kg", "solid")
        })
        .unwrap()
        .code;
    let dev_key = dev.identity().unwrap().key;
    let dev_code = issue_enrolment_code(store.as_ref(), code(&producer, Role::Producer), now)
        .await
        .unwrap();
    store
        .redeem_enrolment(crate::enrolment::code_hash(&dev_code.code), dev_key, now)
        .await
        .unwrap();
    let generated: Vec<SignedEvent> = dev
        .outbox_batch(0, 10)
        .unwrap()
        .into_iter()
        .map(|(_, w)| w.parse().unwrap())
        .collect();
    let batch = generated
        .iter()
        .flat_map(|e| e.signatures.iter().map(move |sig| (e.id, *sig)))
        .collect();
    store
        .ingest(generated, dev_key, crate::SignatureCheck::start(batch), now)
        .await
        .unwrap();
    let (s, bundle) = c
        .send(
            Some(&kp),
            "GET",
            &format!("/v1/bundle?container={drum}"),
            NONE,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(bundle["events"].as_array().unwrap().len(), 1);
    // Attested by the key the registry publishes, unsigned.
    let (s, published) = c.send(None, "GET", "/v1/registry-key", NONE).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(bundle["version"], 2);
    assert_eq!(bundle["attestation"]["key"], published["key"]);
    let (s, _) = c.send(Some(&kp), "GET", "/v1/bundle", NONE).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // The drum's label as the registry's address: its public page, in either case; a label
    // that does not read, and the drum's label with its weight altered.
    let (_, label) = dev.label_payload(&drum).unwrap();
    let path = label.url_path();
    let (s, page) = c.page(&format!("/L/{path}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("真实标签") && page.contains(drum.as_str()),
        "{page}"
    );
    let (s, page) = c.page(&format!("/l/{}?lang=en", path.to_lowercase())).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Genuine label"), "{page}");
    let (s, _) = c.page("/L/NOT-A-LABEL").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, page) = c
        .page(&format!("/l/{}", path.replacen("-25KG-", "-20KG-", 1)))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(page.contains("伪造或被篡改"), "{page}");
    let (s, _) = c
        .send(Some(&kp), "GET", "/v1/bundle?manifest=20263501000999", NONE)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The producer searches and counts what it is a party of.
    let (s, page) = c
        .send(
            Some(&kp),
            "GET",
            &format!("/v1/audit/containers?code={drum}&limit=5"),
            NONE,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(page["containers"][0]["code"], drum.to_string());
    let (s, _) = c
        .send(Some(&kp), "GET", "/v1/audit/containers?state=lost", NONE)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, counts) = c
        .send(Some(&kp), "GET", "/v1/audit/counts?by=month", NONE)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(counts["total"], 1);
    let (s, _) = c
        .send(Some(&kp), "GET", "/v1/audit/counts?by=week", NONE)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Its anomalies, once judged (the drum has none), and a rule that is none.
    crate::anomalies::evaluate_due(store.as_ref(), now, &Default::default(), 10)
        .await
        .unwrap();
    let (s, found) = c
        .send(
            Some(&kp),
            "GET",
            "/v1/audit/anomalies?rule=fork&limit=10",
            NONE,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(found["anomalies"], serde_json::json!([]));
    let (s, _) = c
        .send(Some(&kp), "GET", "/v1/audit/anomalies?rule=lost", NONE)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // A carrier enrols; the producer sends it a handover offer online.
    let carrier = CreditCode::with_check("91350100MA2XY8001").unwrap();
    store
        .add_org(
            NewOrg {
                credit_code: carrier.clone(),
                name: "闽运危货运输".into(),
                roles: vec![Role::Carrier],
                jurisdiction: None,
            },
            now,
        )
        .await
        .unwrap();
    let carrier_code = issue_enrolment_code(store.as_ref(), code(&carrier, Role::Carrier), now)
        .await
        .unwrap();
    let kc = DeviceKey::from_secret(&[4; 32]);
    let (s, _) = c
        .send(
            Some(&kc),
            "POST",
            "/v1/enrol",
            Some(&enrol(&carrier_code.code, None)),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let offer_to = |taker: &DeviceKey| {
        let body = EventBody {
            v: EVENT_FORMAT_VERSION,
            at: now,
            by: Actor {
                org: carrier.clone(),
                role: Role::Carrier,
                key: taker.public(),
            },
            composer: kp.public(),
            event: EventKind::PickedUp {
                driver: "陈师傅".into(),
                giver: Actor {
                    org: producer.clone(),
                    role: Role::Producer,
                    key: kp.public(),
                },
                manifest: yima_codes::ManifestNumber::new(2026, 35, 1, 123).unwrap(),
                permit: "闽交运管许可榕字 350100000001 号".into(),
                vehicle_plate: "闽A·D1234".into(),
            },
            links: vec![Link {
                container: "91350100M000100Y439000414920240301001".parse().unwrap(),
                prev: Some(EventId([7; 32])),
            }],
            location: None,
            operator: None,
            track: None,
            seq: 1,
        };
        HandoverOffer {
            format: OFFER_FORMAT.into(),
            event: WireEvent::of(&SignedEvent::seal(body, &kp)),
            history: Vec::new(),
            keys: Vec::new(),
        }
    };
    let offer = offer_to(&kc);
    for stored in [true, false] {
        let (s, out) = c
            .send(Some(&kp), "POST", "/v1/handover-offers", Some(&offer))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(out["stored"], stored);
    }
    let (s, _) = c
        .send(Some(&kc), "POST", "/v1/handover-offers", Some(&offer))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the giver sends its offer");
    let (s, _) = c
        .send(
            Some(&kp),
            "POST",
            "/v1/handover-offers",
            Some(&offer_to(&DeviceKey::from_secret(&[5; 32]))),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a taker not enrolled");
    let (s, waiting) = c.send(Some(&kc), "GET", "/v1/handover-offers", NONE).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(waiting["offers"].as_array().unwrap().len(), 1);
    let (s, waiting) = c.send(Some(&kp), "GET", "/v1/handover-offers", NONE).await;
    assert_eq!(s, StatusCode::OK);
    assert!(waiting["offers"].as_array().unwrap().is_empty());

    let scan = |key: &DeviceKey, org: &CreditCode| ReportedSighting {
        code: "91350100M000100Y439000414920240301001".into(),
        at: Timestamp(1_735_689_600_000),
        lat_e7: Some(260_740_000),
        lon_e7: Some(1_192_960_000),
        accuracy_m: Some(12),
        org: org.to_string(),
        device: key.public(),
        seal: "genuine".into(),
    };
    let report = SightingsReport {
        sightings: vec![scan(&kp, &producer)],
    };
    for stored in [1, 0] {
        let (s, out) = c
            .send(Some(&kp), "POST", "/v1/sightings", Some(&report))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(out["stored"], stored);
    }
    let as_carrier = SightingsReport {
        sightings: vec![scan(&kc, &carrier)],
    };
    let (s, _) = c
        .send(Some(&kp), "POST", "/v1/sightings", Some(&as_carrier))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a device reports only as itself");

    let give = |key: &DeviceKey| SequenceBlockRequest { key: key.public() };
    let (s, given) = c
        .send(Some(&kr), "POST", "/v1/sequence-blocks", Some(&give(&kp)))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(given["already_had"], true);
    let stranger = DeviceKey::from_secret(&[3; 32]);
    let (s, _) = c
        .send(
            Some(&kr),
            "POST",
            "/v1/sequence-blocks",
            Some(&give(&stranger)),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let revoke = |at| Revocation {
        key: kp.public(),
        at,
    };
    let (s, _) = c
        .send(
            Some(&kr),
            "POST",
            "/v1/revocations",
            Some(&revoke(Some(now))),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for already in [false, true] {
        let (s, out) = c
            .send(Some(&kr), "POST", "/v1/revocations", Some(&revoke(None)))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(out["already_revoked"], already);
    }
    let (s, _) = c.send(Some(&kp), "GET", "/v1/keys", NONE).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = c
        .send(Some(&kr), "POST", "/v1/sequence-blocks", Some(&give(&kp)))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a revoked key gets no block");
    let (s, _) = c
        .send(
            Some(&kr),
            "POST",
            "/v1/enrolment-codes",
            Some(&code(&regulator, Role::Producer)),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    for path in ["/v1/health", "/v1/ready", "/v1/openapi.json"] {
        let (s, _) = c.send(None, "GET", path, NONE).await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, metrics) = call(&c.router, "GET", "/metrics").await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8(metrics).unwrap().contains("# TYPE"));
    c.answered.insert(("GET".into(), "/metrics".into(), 200));

    // A road pass from a key the registry never enrolled: refused as described. (A pass
    // answered with success needs a container in transit with its carrier: yima-sync's
    // `road` tests make one on both backends through real devices, and the answer's schema
    // is checked against real values in `every_body_described_is_what_serde_writes_…`.)
    let (s, _) = c
        .send(
            None,
            "POST",
            "/v1/road",
            Some(&RoadCheckRequest {
                pass: "YIMA-RP1:00".into(),
            }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Every operation described was answered with success at least once (but the road
    // check, above).
    for (method, path) in operations(&doc).into_keys() {
        if path == "/v1/road" {
            continue;
        }
        assert!(
            c.answered
                .iter()
                .any(|(m, p, s)| (m, p) == (&method, &path) && (200..300).contains(s)),
            "{method} {path} was never answered with success here"
        );
    }
}

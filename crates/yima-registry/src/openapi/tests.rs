//! The document against the router and the wire types: every route served is described
//! and every described route is served, signed or not as described; and every JSON body
//! described is what serde writes for real values of its type, property for property.

use crate::error::{ErrorKind, RegistryError};
use crate::routes::{described, Liveness, Readiness};
use crate::{AppState, SqliteStore};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use tower::ServiceExt;
use yima_codes::{CreditCode, SequenceBlock};
use yima_core::{DeviceKey, EventId, Role, Timestamp, WireEvent};
use yima_protocol::*;

mod traffic;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub(super) fn state() -> (tempfile::TempDir, AppState<SqliteStore>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("registry.db")).unwrap();
    (dir, AppState::new(store))
}

/// An unsigned request to the real router: status and body.
pub(super) async fn call(router: &Router, method: &str, path: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = axum::body::to_bytes(resp.into_body(), 1 << 22).await;
    (status, body.unwrap().to_vec())
}

/// The document as the router serves it.
pub(super) async fn served_document(router: &Router) -> Value {
    let (status, body) = call(router, "GET", "/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_slice(&body).unwrap()
}

/// Every operation of the document: (METHOD, path) and the operation.
pub(super) fn operations(doc: &Value) -> BTreeMap<(String, String), &Value> {
    let mut ops = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            if METHODS.contains(&method.as_str()) {
                ops.insert((method.to_uppercase(), path.clone()), op);
            }
        }
    }
    ops
}

/// Whether an operation is described as needing no signature.
fn unsigned(op: &Value) -> bool {
    op.get("security").is_some_and(|s| {
        s.as_array()
            .expect("security is a list")
            .iter()
            .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
    })
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_served_signed_as_they_are() {
    let (_dir, st) = state();
    let served: BTreeSet<(String, String)> = described(&st).served.into_iter().collect();
    let router = crate::router(st);
    let doc = served_document(&router).await;
    let ops = operations(&doc);
    let documented: BTreeSet<(String, String)> = ops.keys().cloned().collect();
    assert_eq!(
        served, documented,
        "the routes served and the routes described differ (add the handler to `paths` in openapi.rs)"
    );
    assert_eq!(doc["security"], json!([{ "deviceKey": [] }]));
    assert_eq!(
        doc["components"]["securitySchemes"]["deviceKey"]["name"],
        yima_protocol::HEADER_SIGNATURE
    );
    // A route nobody serves falls through to 404: the answers below are the routes' own.
    let (status, _) = call(&router, "GET", "/v1/no-such-route").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut open = BTreeSet::new();
    for ((method, path), op) in &ops {
        let (status, body) = call(&router, method, path).await;
        if unsigned(op) {
            // A road check without a body is a malformed pass, not a missing signature.
            // So is a label page of `{label}`: not a readable label.
            let expected = if path == "/v1/road" || path.ends_with("/{label}") {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            assert_eq!(status, expected, "{method} {path} is described unsigned");
            open.insert(path.as_str());
        } else {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} is described signed"
            );
            let e: ErrorBody = serde_json::from_slice(&body).unwrap();
            assert_eq!(e.error.kind, "unauthorized");
            assert!(
                op["responses"]["401"].is_object(),
                "{method} {path} does not describe its 401"
            );
        }
    }
    assert_eq!(
        open,
        BTreeSet::from([
            "/v1/health",
            "/v1/ready",
            "/metrics",
            "/v1/openapi.json",
            "/v1/registry-key",
            "/v1/road",
            "/L/{label}",
            "/l/{label}",
        ])
    );
}

/// `value` as serde writes it, after checking it reads back the same.
fn real<T: Serialize + DeserializeOwned>(value: &T) -> Value {
    let json = serde_json::to_value(value).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(back).unwrap(), json);
    json
}

/// The body a real error of `kind` is answered with.
async fn error_body(e: RegistryError) -> Value {
    let resp = e.into_response();
    let body = axum::body::to_bytes(resp.into_body(), 1 << 16).await;
    let body: ErrorBody = serde_json::from_slice(&body.unwrap()).unwrap();
    real(&body)
}

/// Real values of every type the document describes as a JSON body, by schema name: one
/// with every optional field set and others without.
async fn samples() -> BTreeMap<&'static str, Vec<Value>> {
    let device_key = DeviceKey::from_secret(&[1; 32]);
    let key = device_key.public();
    let org = CreditCode::with_check("91350100M000100Y4").unwrap();
    let block = SequenceBlock::new(1, 499).unwrap();
    let body = r#"{"v":1}"#.to_string();
    let id = EventId::of_canonical(body.as_bytes());
    let event = WireEvent {
        id,
        body,
        signatures: vec![device_key.sign(&id)],
    };
    let device = |revoked_at, seq_block| DeviceInfo {
        key,
        org: org.clone(),
        org_name: "示例化工".into(),
        org_roles: Role::ALL.to_vec(),
        role: Role::Producer,
        admin: true,
        enrolled_at: Timestamp(1_735_689_600_000),
        revoked_at,
        seq_block,
    };
    let entry = |fork_of| FeedEntry {
        seq: 7,
        event: event.clone(),
        arrived_at: Timestamp(1_735_689_600_001),
        fork_of,
        fixes: None,
    };
    let result = |outcome, reason: Option<&str>, refusal| PushResult {
        id,
        outcome,
        reason: reason.map(str::to_string),
        refusal,
    };
    let offer = HandoverOffer {
        format: yima_protocol::OFFER_FORMAT.into(),
        event: event.clone(),
        history: vec![event.clone()],
        keys: vec![KeyCard {
            key,
            org: org.clone(),
            org_name: "示例化工".into(),
            roles: vec![Role::Producer],
        }],
    };
    let mut errors = Vec::new();
    for kind in ErrorKind::ALL {
        errors.push(error_body(RegistryError::new(kind, "why")).await);
        errors.push(error_body(RegistryError::new(kind, "why").retry_after(3)).await);
    }
    let bundle = |scope| {
        real(&yima_core::EvidenceBundle::new(
            scope,
            Timestamp(1_735_689_600_002),
            "registry".into(),
            vec![yima_core::KeyRecord {
                key,
                org: org.clone(),
                org_name: "示例化工".into(),
                roles: vec![Role::Producer],
                enrolled_at: Some(Timestamp(1_735_689_600_000)),
                revoked_at: Some(Timestamp(1_735_689_600_003)),
                origin: yima_core::KeyOrigin::Registry,
            }],
            vec![event.clone()],
        ))
    };
    let attested: yima_core::EvidenceBundle = serde_json::from_value(bundle(
        yima_core::BundleScope::Container("91350100M000100Y439000414920240301001".parse().unwrap()),
    ))
    .unwrap();
    let bundles = vec![
        real(&attested.attest(&DeviceKey::from_secret(&[9; 32]))),
        bundle(yima_core::BundleScope::Container(
            "91350100M000100Y439000414920240301001".parse().unwrap(),
        )),
        bundle(yima_core::BundleScope::Manifest(
            yima_codes::ManifestNumber::new(2026, 35, 1, 123).unwrap(),
        )),
    ];
    BTreeMap::from([
        ("EvidenceBundle", bundles),
        ("Liveness", vec![real(&Liveness { ok: true })]),
        (
            "RegistryKeyAnswer",
            vec![real(&crate::RegistryKeyAnswer { key })],
        ),
        ("Readiness", vec![real(&Readiness { ready: true })]),
        ("ErrorBody", errors),
        (
            "EnrolRequest",
            vec![
                real(&EnrolRequest {
                    code: "ABCDE-FGHJK-LMNPQ-RSTUV".into(),
                    seq_block: Some(block),
                }),
                real(&EnrolRequest {
                    code: "ABCDE-FGHJK-LMNPQ-RSTUV".into(),
                    seq_block: None,
                }),
            ],
        ),
        (
            "DeviceInfo",
            vec![
                real(&device(Some(Timestamp(1_735_689_700_000)), Some(block))),
                real(&device(None, None)),
            ],
        ),
        (
            "NewOrg",
            vec![
                real(&NewOrg {
                    credit_code: org.clone(),
                    name: "福建省生态环境厅".into(),
                    roles: vec![Role::Regulator],
                    jurisdiction: Some("35".into()),
                }),
                real(&NewOrg {
                    credit_code: org.clone(),
                    name: "示例化工".into(),
                    roles: vec![Role::Producer, Role::Carrier],
                    jurisdiction: None,
                }),
            ],
        ),
        (
            "NewEnrolmentCode",
            vec![real(&NewEnrolmentCode {
                org: org.clone(),
                role: Role::Carrier,
                admin: false,
            })],
        ),
        (
            "EnrolmentCode",
            vec![real(&EnrolmentCode {
                code: "ABCDE-FGHJK-LMNPQ-RSTUV".into(),
                expires_at: Timestamp(1_736_294_400_000),
            })],
        ),
        (
            "Revocation",
            vec![
                real(&Revocation {
                    key,
                    at: Some(Timestamp(5)),
                }),
                real(&Revocation { key, at: None }),
            ],
        ),
        (
            "RevocationOutcome",
            vec![real(&RevocationOutcome {
                key,
                revoked_at: Timestamp(5),
                already_revoked: true,
            })],
        ),
        (
            "SequenceBlockRequest",
            vec![real(&SequenceBlockRequest { key })],
        ),
        (
            "SequenceBlockGiven",
            vec![real(&SequenceBlockGiven {
                key,
                seq_block: block,
                already_had: false,
            })],
        ),
        (
            "PushRequest",
            vec![
                real(&PushRequest {
                    events: vec![event.clone()],
                    tracks: Vec::new(),
                }),
                real(&PushRequest {
                    events: Vec::new(),
                    tracks: Vec::new(),
                }),
                real(&PushRequest {
                    events: vec![event.clone()],
                    tracks: vec![yima_protocol::TrackFixes {
                        event: id,
                        fixes: vec![yima_core::Fix {
                            at: yima_core::Timestamp(1_709_251_200_000),
                            lat_e7: 260_745_000,
                            lon_e7: 1_192_965_000,
                            accuracy_m: Some(8),
                        }],
                    }],
                }),
            ],
        ),
        (
            "PushResponse",
            vec![real(&PushResponse {
                results: vec![
                    result(PushOutcome::Accepted, None, None),
                    result(PushOutcome::Duplicate, None, None),
                    result(
                        PushOutcome::Fork,
                        Some("another event holds its place"),
                        None,
                    ),
                    result(
                        PushOutcome::Refused,
                        Some("not the holder"),
                        Some(RefusalKind::Custody),
                    ),
                    result(PushOutcome::Deferred, Some("earlier event missing"), None),
                ],
                tracks: vec![
                    yima_protocol::TrackResult {
                        event: id,
                        stored: true,
                        refusal: None,
                        reason: None,
                    },
                    yima_protocol::TrackResult {
                        event: id,
                        stored: false,
                        refusal: Some(RefusalKind::Track),
                        reason: Some("the fixes do not hash to the track".into()),
                    },
                ],
            })],
        ),
        (
            "FeedPage",
            vec![real(&FeedPage {
                entries: vec![
                    entry(Some(id)),
                    entry(None),
                    FeedEntry {
                        fixes: Some(vec![yima_core::Fix {
                            at: Timestamp(1_709_251_200_000),
                            lat_e7: -260_745_000,
                            lon_e7: 1_192_965_000,
                            accuracy_m: None,
                        }]),
                        ..entry(None)
                    },
                ],
                next: 8,
                more: true,
            })],
        ),
        ("HandoverOffer", vec![real(&offer)]),
        (
            "OffersWaiting",
            vec![
                real(&OffersWaiting {
                    offers: vec![offer.clone()],
                }),
                real(&OffersWaiting { offers: Vec::new() }),
            ],
        ),
        (
            "OfferStored",
            vec![
                real(&OfferStored { stored: true }),
                real(&OfferStored { stored: false }),
            ],
        ),
        (
            "SightingsReport",
            vec![real(&SightingsReport {
                sightings: vec![
                    ReportedSighting {
                        code: "91350100M000100Y439000414920240301001".into(),
                        at: Timestamp(1_735_689_600_000),
                        lat_e7: Some(260_740_000),
                        lon_e7: Some(1_192_960_000),
                        accuracy_m: Some(12),
                        org: org.to_string(),
                        device: key,
                        seal: "genuine".into(),
                    },
                    ReportedSighting {
                        code: "91350100M000100Y439000414920240301002".into(),
                        at: Timestamp(1_735_689_600_000),
                        lat_e7: None,
                        lon_e7: None,
                        accuracy_m: None,
                        org: org.to_string(),
                        device: key,
                        seal: "forged".into(),
                    },
                ],
            })],
        ),
        (
            "SightingsStored",
            vec![real(&SightingsStored { stored: 2 })],
        ),
        (
            "RoadCheckRequest",
            vec![real(&RoadCheckRequest {
                pass: "YIMA-RP1:…".into(),
            })],
        ),
        ("RoadCheck", vec![real(&road_check())]),
        (
            "AuditPage",
            vec![
                real(&AuditPage {
                    containers: vec![audit_container(Some("20263501000123"))],
                    next: Some("91350100M000100Y439000414920240301001".into()),
                }),
                real(&AuditPage {
                    containers: vec![audit_container(None)],
                    next: None,
                }),
            ],
        ),
        (
            "AuditAnomalyPage",
            vec![
                real(&AuditAnomalyPage {
                    anomalies: vec![AuditAnomaly {
                        container: "91350100M000100Y439000414920240301001".into(),
                        rule: "receipt_overdue".into(),
                        event: Some(id.to_string()),
                        since: Timestamp(1_709_913_600_000),
                        due: Some(Timestamp(1_709_913_600_000)),
                        en: "picked up on 2024-03-01, not received by 2024-03-08".into(),
                        zh: "2024-03-01 运输交接，至 2024-03-08 仍未确认接收".into(),
                        found_at: Timestamp(1_709_913_700_000),
                    }],
                    next: Some("91350100M000100Y439000414920240301001|receipt_overdue|".into()),
                }),
                real(&AuditAnomalyPage {
                    anomalies: vec![AuditAnomaly {
                        container: "91350100M000100Y439000414920240301001".into(),
                        rule: "track_missing".into(),
                        event: None,
                        since: Timestamp(1_709_913_600_000),
                        due: None,
                        en: "no track".into(),
                        zh: "无轨迹".into(),
                        found_at: Timestamp(1_709_913_700_000),
                    }],
                    next: None,
                }),
            ],
        ),
        (
            "AuditCounts",
            vec![real(&AuditCounts {
                by: AuditGroup::Month,
                groups: vec![AuditCount {
                    key: "202403".into(),
                    containers: 2,
                }],
                total: 2,
            })],
        ),
        (
            "KeyDirectoryPage",
            vec![real(&KeyDirectoryPage {
                devices: vec![device(None, Some(block)), device(None, None)],
            })],
        ),
    ])
}

fn audit_container(manifest: Option<&str>) -> AuditContainer {
    AuditContainer {
        code: "91350100M000100Y439000414920240301001".into(),
        producer: "91350100M000100Y43".into(),
        waste: "900-041-49".into(),
        category: "HW49".into(),
        state: "in_transit".into(),
        holder: "91350100MA2XY80011".into(),
        manifest: manifest.map(str::to_string),
        first_at: Timestamp(1_709_251_200_000),
        last_at: Timestamp(1_709_337_600_000),
    }
}

fn road_check() -> RoadCheck {
    let party = |code: &str| RoadParty {
        credit_code: code.parse().unwrap(),
        name: "福州示例化工有限公司".into(),
    };
    let quantity = yima_core::Quantity::new(25_000, yima_core::Unit::Kg).unwrap();
    let code: yima_codes::LabelCode = "91350100M000100Y439000414920240301007".parse().unwrap();
    RoadCheck {
        manifest: "20263501000123".parse().unwrap(),
        carrier: party("91350100MA2XY80011"),
        sender: party("91350100M000100Y43"),
        receiver: party("91350200MA3ABC8Q2E"),
        vehicle_plate: "闽A·D1234".into(),
        issued_at: Timestamp(1_709_251_200_000),
        expires_at: Timestamp(1_709_253_000_000),
        lines: vec![
            RoadCheckLine {
                code: code.clone(),
                on_pass: quantity,
                registry: RoadStanding::InTransit {
                    quantity,
                    since: Some(Timestamp(1_709_250_000_000)),
                },
            },
            RoadCheckLine {
                code: code.clone(),
                on_pass: quantity,
                registry: RoadStanding::InTransit {
                    quantity,
                    since: None,
                },
            },
            RoadCheckLine {
                code,
                on_pass: quantity,
                registry: RoadStanding::NotConfirmed,
            },
        ],
    }
}

/// Checks values against the document's schemas (the part of JSON Schema utoipa writes),
/// noting which properties of which named schema some value had.
pub(super) struct Checker<'a> {
    pub(super) schemas: &'a serde_json::Map<String, Value>,
    pub(super) seen: BTreeSet<(String, String)>,
    pub(super) reached: BTreeSet<String>,
}

impl Checker<'_> {
    pub(super) fn check(
        &mut self,
        v: &Value,
        schema: &Value,
        named: Option<&str>,
    ) -> Result<(), String> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/components/schemas/").ok_or(r)?;
            let target = self.schemas.get(name).ok_or(format!("no schema {name}"))?;
            self.reached.insert(name.to_string());
            return self.check(v, target, Some(name));
        }
        if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
            let mut matched = 0;
            for a in alternatives {
                let mut trial = Checker {
                    schemas: self.schemas,
                    seen: BTreeSet::new(),
                    reached: BTreeSet::new(),
                };
                if trial.check(v, a, named).is_ok() {
                    matched += 1;
                    self.seen.extend(trial.seen);
                    self.reached.extend(trial.reached);
                }
            }
            if matched != 1 {
                return Err(format!("{v} matches {matched} of oneOf {schema}"));
            }
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.check(v, part, named)?;
        }
        if let Some(t) = schema.get("type") {
            let types: Vec<&str> = match t {
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                t => vec![t.as_str().ok_or("a type is a string")?],
            };
            let ok = types.iter().any(|t| match *t {
                "null" => v.is_null(),
                "boolean" => v.is_boolean(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "string" => v.is_string(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                _ => false,
            });
            if !ok {
                return Err(format!("{v} is not of type {t}"));
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(v) {
                return Err(format!("{v} is not one of {allowed:?}"));
            }
        }
        if let (Some(obj), Some(props)) = (
            v.as_object(),
            schema.get("properties").and_then(Value::as_object),
        ) {
            for req in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let req = req.as_str().ok_or("a required name is a string")?;
                if !obj.contains_key(req) {
                    return Err(format!("{v} lacks required {req}"));
                }
            }
            for (k, x) in obj {
                let p = props
                    .get(k)
                    .ok_or(format!("{k} is written but not described in {schema}"))?;
                self.check(x, p, None).map_err(|e| format!("{k}: {e}"))?;
                if let Some(name) = named {
                    self.seen.insert((name.to_string(), k.clone()));
                }
            }
        }
        if let (Some(items), Some(schema)) = (v.as_array(), schema.get("items")) {
            for x in items {
                self.check(x, schema, None)?;
            }
        }
        Ok(())
    }
}

#[tokio::test]
async fn every_body_described_is_what_serde_writes_for_real_values() {
    let (_dir, st) = state();
    let doc = served_document(&crate::router(st)).await;
    let samples = samples().await;
    let mut checker = Checker {
        schemas: doc["components"]["schemas"].as_object().expect("schemas"),
        seen: BTreeSet::new(),
        reached: BTreeSet::new(),
    };
    let mut bodies = 0;
    for ((method, path), op) in operations(&doc) {
        let request = op["requestBody"]["content"]["application/json"]["schema"].clone();
        let responses = op["responses"].as_object().expect("responses");
        let answers = responses.iter().map(|(status, r)| {
            (
                status.clone(),
                r["content"]["application/json"]["schema"].clone(),
            )
        });
        for (what, schema) in std::iter::once(("request".to_string(), request)).chain(answers) {
            let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
                // Not JSON (the metrics), no body, or this document itself.
                assert!(
                    schema.is_null() || path == "/v1/openapi.json",
                    "{method} {path} {what}: a JSON body is a named schema"
                );
                continue;
            };
            let name = r.trim_start_matches("#/components/schemas/");
            let values = samples
                .get(name)
                .unwrap_or_else(|| panic!("no real value of {name} ({method} {path} {what})"));
            for v in values {
                if let Err(e) = checker.check(v, &schema, None) {
                    panic!("{method} {path} {what}: {name} as serde writes it: {e}");
                }
                bodies += 1;
            }
        }
    }
    assert!(bodies > 20, "only {bodies} bodies checked");
    // Every property the document describes was written by some real value.
    for name in &checker.reached {
        let schema = &checker.schemas[name.as_str()];
        for prop in schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|p| p.0)
        {
            assert!(
                checker.seen.contains(&(name.clone(), prop.clone())),
                "{name}.{prop} is described but no real value writes it"
            );
        }
    }
    for name in [
        "ErrorBody",
        "DeviceInfo",
        "WireEvent",
        "Signature",
        "FeedEntry",
    ] {
        assert!(checker.reached.contains(name), "{name} was not reached");
    }
}

#[test]
fn the_error_kinds_are_described_and_distinct() {
    let doc: Value = serde_json::from_str(super::document()).unwrap();
    let kinds = &doc["components"]["schemas"]["ErrorDetail"]["properties"]["kind"]["enum"];
    let names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(kinds, &json!(names));
    assert_eq!(names.iter().collect::<BTreeSet<_>>().len(), names.len());
}

//! Real values of every type the document describes as a JSON body, for the check that
//! each is what serde writes.

use super::*;

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
pub(super) async fn samples() -> BTreeMap<&'static str, Vec<Value>> {
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

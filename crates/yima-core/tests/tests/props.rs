//! Property tests of the encoding: it round-trips any body and notices any changed byte.
//! Random lives walked through the state table are in `walks.rs`.

use crate::walks::walk_cases;
use chrono::NaiveDate;
use proptest::prelude::*;
use std::collections::BTreeMap;
use yima_core::yima_codes::{
    BatchCode, BatchKind, CreditCode, Hazard, HazardSet, LabelCode, ManifestNumber, WasteCode,
    PROVINCE_CODES,
};
use yima_core::{
    decode, encode, verify, Actor, ContainerLabel, ContainerState, EventBody, EventId, EventKind,
    FailureKind, KeyDirectory, Link, Party, PhysicalForm, PublicKey, Quantity, RawEvent, Role,
    Timestamp, TransferManifest, TreatmentMode, Unit, VerifyOptions, EVENT_FORMAT_VERSION,
};

// --- Strategies for bodies. -----------------------------------------------------------

/// Text mixing ASCII, Chinese, quotes, backslashes, control characters and anything else.
fn text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        6 => proptest::char::range('a', 'z'),
        4 => proptest::char::range('\u{4e00}', '\u{9fa5}'),
        2 => prop::sample::select(vec!['"', '\\', '/', '\u{7f}', '\u{2028}', '😀', ' ', 'é', '{', ':', ',']),
        2 => proptest::char::range('\0', '\u{1f}'),
        1 => any::<char>(),
    ];
    prop::collection::vec(c, 0..16).prop_map(|v| v.into_iter().collect())
}

fn credit() -> impl Strategy<Value = CreditCode> {
    prop::sample::select(
        [
            "91350100M000100Y4",
            "91350100M000200T2",
            "91350200M000300T3",
            "91350100M000400R1",
            "91350600M000500R5",
        ]
        .map(|s| CreditCode::with_check(s).expect("a credit code"))
        .to_vec(),
    )
}

fn waste() -> impl Strategy<Value = WasteCode> {
    prop::sample::select(
        [
            "900-041-49",
            "900-249-08",
            "772-002-18",
            "261-084-45",
            "336-064-17",
        ]
        .map(|s| s.parse::<WasteCode>().expect("a waste code"))
        .to_vec(),
    )
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..3650)
        .prop_map(|d| NaiveDate::from_ymd_opt(2020, 1, 1).expect("a date") + chrono::Days::new(d))
}

fn quantity() -> impl Strategy<Value = Quantity> {
    (
        1i64..=100_000_000,
        prop::sample::select(vec![Unit::Kg, Unit::T, Unit::L]),
    )
        .prop_map(|(m, unit)| Quantity {
            milli: m.min(unit.max_milli()),
            unit,
        })
}

fn event_id() -> impl Strategy<Value = EventId> {
    any::<[u8; 32]>().prop_map(EventId)
}

fn key() -> impl Strategy<Value = PublicKey> {
    any::<[u8; 32]>().prop_map(PublicKey)
}

fn actor() -> impl Strategy<Value = Actor> {
    (credit(), prop::sample::select(Role::ALL.to_vec()), key()).prop_map(|(org, role, key)| Actor {
        org,
        role,
        key,
    })
}

fn party() -> impl Strategy<Value = Party> {
    (credit(), text()).prop_map(|(credit_code, name)| Party { credit_code, name })
}

fn label_code() -> impl Strategy<Value = LabelCode> {
    (credit(), waste(), date(), 1u16..=999)
        .prop_map(|(c, w, d, s)| LabelCode::new(c, w, d, s).expect("a label code"))
}

fn batch() -> impl Strategy<Value = BatchCode> {
    (
        prop::sample::select(BatchKind::all().to_vec()),
        date(),
        1u32..=999_999,
    )
        .prop_map(|(k, d, s)| BatchCode::new(k, d, s).expect("a batch code"))
}

fn manifest_number() -> impl Strategy<Value = ManifestNumber> {
    (
        2000u16..=2099,
        prop::sample::select(PROVINCE_CODES.to_vec()),
        1u8..=99,
        1u32..=999_999,
    )
        .prop_map(|(y, p, c, s)| ManifestNumber::new(y, p, c, s).expect("a manifest number"))
}

fn hazards() -> impl Strategy<Value = HazardSet> {
    any::<u8>().prop_map(|bits| {
        Hazard::all()
            .into_iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, h)| h)
            .collect()
    })
}

fn label() -> impl Strategy<Value = ContainerLabel> {
    let codes = (
        label_code(),
        waste(),
        prop::sample::select(PhysicalForm::ALL.to_vec()),
        hazards(),
        party(),
        date(),
    );
    let texts = prop::collection::vec(text(), 9);
    (codes, texts, quantity()).prop_map(
        |((code, waste_code, form, hazards, producer, generated_on), t, quantity)| ContainerLabel {
            code,
            name: t[0].clone(),
            category: waste_code.category().expect("a category"),
            waste_code,
            form,
            hazards,
            main_components: t[1].clone(),
            harmful_components: t[2].clone(),
            precautions: t[3].clone(),
            producer,
            contact: t[4].clone(),
            phone: t[5].clone(),
            generated_on,
            quantity,
            container_type: t[6].clone(),
            facility_code: t[7].clone(),
            remarks: t[8].clone(),
        },
    )
}

fn transfer_manifest() -> impl Strategy<Value = TransferManifest> {
    (
        manifest_number(),
        party(),
        party(),
        party(),
        text(),
        prop::sample::select(vec![TreatmentMode::Use, TreatmentMode::Disposal]),
        text(),
    )
        .prop_map(
            |(number, sender, carrier, receiver, receiver_permit, mode, emergency_measures)| {
                TransferManifest {
                    number,
                    sender,
                    carrier,
                    receiver,
                    receiver_permit,
                    mode,
                    emergency_measures,
                }
            },
        )
}

fn state() -> impl Strategy<Value = ContainerState> {
    prop::sample::select(ContainerState::ALL.to_vec())
}

fn kind() -> impl Strategy<Value = EventKind> {
    let mode = || prop::sample::select(vec![TreatmentMode::Use, TreatmentMode::Disposal]);
    prop_oneof![
        (batch(), text(), label())
            .prop_map(|(batch, catalogue_edition, label)| EventKind::Generated {
                batch,
                catalogue_edition,
                label
            })
            .boxed(),
        (batch(), text())
            .prop_map(|(batch, facility_code)| EventKind::Stored {
                batch,
                facility_code
            })
            .boxed(),
        (batch(), text(), transfer_manifest(), batch())
            .prop_map(
                |(batch, facility_code, manifest, outsourced_batch)| EventKind::Dispatched {
                    batch,
                    facility_code,
                    manifest,
                    outsourced_batch
                }
            )
            .boxed(),
        (text(), actor(), manifest_number(), text(), text())
            .prop_map(
                |(driver, giver, manifest, permit, vehicle_plate)| EventKind::PickedUp {
                    driver,
                    giver,
                    manifest,
                    permit,
                    vehicle_plate
                }
            )
            .boxed(),
        (text(), actor(), manifest_number(), text(), text(), text())
            .prop_map(|(driver, giver, manifest, permit, place, vehicle_plate)| {
                EventKind::RelayHandover {
                    driver,
                    giver,
                    manifest,
                    permit,
                    place,
                    vehicle_plate,
                }
            })
            .boxed(),
        (actor(), manifest_number())
            .prop_map(|(giver, manifest)| EventKind::Received { giver, manifest })
            .boxed(),
        quantity()
            .prop_map(|measured| EventKind::Weighed { measured })
            .boxed(),
        (
            prop::option::of((quantity(), quantity())),
            quantity(),
            any::<bool>(),
            prop::option::of(text()),
            text()
        )
            .prop_map(
                |(d, measured, scale, identity, weigher)| EventKind::Weighing {
                    discrepancy: d.map(|(expected, tolerance)| yima_core::Discrepancy {
                        expected,
                        tolerance
                    }),
                    measured,
                    method: if scale {
                        yima_core::WeighMethod::Scale
                    } else {
                        yima_core::WeighMethod::Manual
                    },
                    // The encoding holds any string; whether it fits the method is for verify.
                    scale: identity,
                    weigher,
                }
            )
            .boxed(),
        quantity()
            .prop_map(|quantity| EventKind::Accepted { quantity })
            .boxed(),
        (quantity(), text(), quantity())
            .prop_map(|(accepted, reason, refused)| EventKind::PartlyRefused {
                accepted,
                reason,
                refused
            })
            .boxed(),
        (quantity(), text())
            .prop_map(|(quantity, reason)| EventKind::Refused { quantity, reason })
            .boxed(),
        (actor(), text())
            .prop_map(|(giver, reason)| EventKind::Returned { giver, reason })
            .boxed(),
        (batch(), any::<i64>(), text(), mode())
            .prop_map(|(batch, t, method, mode)| EventKind::Disposed {
                batch,
                completed_at: Timestamp(t),
                method,
                mode
            })
            .boxed(),
        (state(), label())
            .prop_map(|(inherited_state, target)| EventKind::Merged {
                inherited_state,
                target
            })
            .boxed(),
        (
            state(),
            prop::collection::vec(label(), 0..3),
            prop::option::of((label_code(), transfer_manifest()))
        )
            .prop_map(|(inherited_state, parts, returning)| EventKind::Split {
                inherited_state,
                parts,
                returning: returning
                    .map(|(code, manifest)| yima_core::ReturningPart { code, manifest }),
            })
            .boxed(),
        (
            prop::collection::btree_map(text(), text(), 0..4),
            event_id(),
            text()
        )
            .prop_map(|(changes, corrects, reason)| EventKind::Correction {
                changes,
                corrects,
                reason
            })
            .boxed(),
        (prop::option::of(quantity()), text())
            .prop_map(|(quantity, reason)| EventKind::Void { quantity, reason })
            .boxed(),
    ]
}

fn body() -> impl Strategy<Value = EventBody> {
    let links = prop::collection::vec(
        (label_code(), prop::option::of(event_id()))
            .prop_map(|(container, prev)| Link { container, prev }),
        0..4,
    );
    (
        any::<i64>(),
        actor(),
        key(),
        kind(),
        links,
        prop::option::of(text()),
        // Sometimes named, sometimes left out (as in bodies from before the member).
        prop::option::of(text()),
        // A route track, sometimes (left out when absent, as the operator is).
        prop::option::of(
            (any::<u32>(), any::<i64>(), any::<i64>(), any::<[u8; 32]>()).prop_map(
                |(fixes, first, last, sha256)| yima_core::TrackDigest {
                    fixes,
                    first: Timestamp(first),
                    last: Timestamp(last),
                    sha256,
                },
            ),
        ),
        any::<u64>(),
    )
        .prop_map(
            |(at, by, composer, event, links, location, operator, track, seq)| EventBody {
                v: EVENT_FORMAT_VERSION,
                at: Timestamp(at),
                by,
                composer,
                event,
                links,
                location,
                operator,
                track,
                seq,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256.max(walk_cases()), ..ProptestConfig::default() })]

    #[test]
    fn encode_decode_round_trips(body in body()) {
        let bytes = encode(&body);
        prop_assert_eq!(decode(&bytes), Ok(body.clone()));
        // Compact JSON: no raw control character, no byte outside UTF-8.
        prop_assert!(bytes.iter().all(|&b| b >= 0x20));
        let text = String::from_utf8(bytes).expect("UTF-8");
        let prefix = format!("{{\"v\":1,\"at\":{},\"by\":{{\"org\":\"", body.at.0);
        prop_assert!(text.starts_with(&prefix));
        let type_tag = format!("\"event\":{{\"type\":\"{}\"", body.step().as_str());
        prop_assert!(text.contains(&type_tag));
        // The operator, when named, is the member before `seq`; left out, `location` is.
        let operator = match &body.operator {
            Some(name) => format!(",\"operator\":{}", serde_json::to_string(name).expect("a string")),
            None => String::new(),
        };
        // The track, when signed, is the member between the operator and `seq`.
        let track = match &body.track {
            Some(t) => format!(
                ",\"track\":{{\"fixes\":{},\"first\":{},\"last\":{},\"sha256\":\"{}\"}}",
                t.fixes, t.first.0, t.last.0, t.sha256_hex()
            ),
            None => String::new(),
        };
        let suffix = format!("{operator}{track},\"seq\":{}}}", body.seq);
        prop_assert!(text.ends_with(&suffix));
        if body.operator.is_none() && body.track.is_none() {
            let location = match &body.location {
                Some(l) => serde_json::to_string(l).expect("a string"),
                None => "null".into(),
            };
            let without = format!(",\"location\":{location},\"seq\":{}}}", body.seq);
            prop_assert!(text.ends_with(&without));
        }
    }

    #[test]
    fn any_changed_byte_is_detected(body in body(), at in any::<prop::sample::Index>(), delta in 1u8..=255) {
        let bytes = encode(&body);
        let id = EventId::of_canonical(&bytes);
        let mut altered = bytes.clone();
        let i = at.index(altered.len());
        altered[i] = altered[i].wrapping_add(delta);
        // Either the bytes no longer decode, or they are another body (never another
        // spelling of the same one)…
        if let Ok(other) = decode(&altered) {
            prop_assert_ne!(&other, &body);
            prop_assert_eq!(encode(&other), altered.clone());
        }
        // …and the stored id no longer matches.
        let raw = RawEvent { id, canonical: altered, signatures: Vec::new() };
        let report = verify(&[raw], &KeyDirectory::new(), &VerifyOptions::default());
        prop_assert_eq!(report.failures.len(), 1);
        prop_assert_eq!(report.failures[0].kind, FailureKind::IdMismatch);
        prop_assert_eq!(report.failures[0].event, id);
    }

    /// Bytes inserted, removed or repeated: whatever still decodes encodes back to exactly
    /// those bytes (`encode(decode(b)) == b`), so it is another body, never another spelling.
    #[test]
    fn edited_bytes_decode_only_as_their_own_encoding(
        body in body(),
        at in any::<prop::sample::Index>(),
        len in 0usize..4,
        insert in prop::collection::vec(prop::sample::select(b" \\\"0-,:{}[]nlu\n".to_vec()), 0..3),
    ) {
        let bytes = encode(&body);
        let i = at.index(bytes.len());
        let end = (i + len).min(bytes.len());
        let mut edited = bytes[..i].to_vec();
        edited.extend_from_slice(&insert);
        if insert.is_empty() && end == i {
            // Repeat a byte instead of changing nothing.
            edited.push(bytes[i]);
        }
        edited.extend_from_slice(&bytes[end..]);
        if let Ok(other) = decode(&edited) {
            prop_assert_eq!(encode(&other), edited);
        }
    }
}

#[test]
fn correction_maps_keep_key_order_through_a_round_trip() {
    let mut changes = BTreeMap::new();
    for k in ["z", "a", "中", "A", "\u{1}"] {
        changes.insert(k.to_string(), format!("值{k}"));
    }
    let body = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: Timestamp(0),
        by: Actor {
            org: CreditCode::with_check("91350100M000100Y4").expect("a code"),
            role: Role::Producer,
            key: PublicKey([1; 32]),
        },
        composer: PublicKey([1; 32]),
        event: EventKind::Correction {
            changes,
            corrects: EventId([2; 32]),
            reason: String::new(),
        },
        links: Vec::new(),
        location: None,
        operator: None,
        track: None,
        seq: 1,
    };
    let text = String::from_utf8(encode(&body)).expect("utf-8");
    assert!(
        text.contains(
            r#""changes":{"\u0001":"值\u0001","A":"值A","a":"值a","z":"值z","中":"值中"}"#
        ),
        "{text}"
    );
    assert_eq!(decode(text.as_bytes()), Ok(body));
}

//! Test vectors of the canonical encoding (`tests/vectors/*.json`, specified in
//! `docs/EVENT-ENCODING.md`): for each body built here from Rust values, the stored file
//! holds the signers' secret seeds, the canonical bytes, the event id and the signatures.
//! The stored files are the reference: any change to the encoding fails these tests.
//!
//! To regenerate the files after a deliberate change of format (which needs a new
//! `EVENT_FORMAT_VERSION`), run
//! `YIMA_WRITE_VECTORS=1 cargo test -p yima-core --test tests vectors`.

use chrono::NaiveDate;
use ed25519_dalek::Verifier;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;
use yima_core::yima_codes::{
    BatchCode, BatchKind, CreditCode, LabelCode, ManifestNumber, WasteCode,
};
use yima_core::{
    decode, encode, Actor, ContainerLabel, ContainerState, DeviceKey, EventBody, EventId,
    EventKind, Link, Party, PhysicalForm, Quantity, Role, SignedEvent, Timestamp, TransferManifest,
    TreatmentMode, Unit, EVENT_FORMAT_VERSION,
};

/// One vector file.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Vector {
    /// What the vector shows.
    description: String,
    /// The signers, in signing order: recorder first, then the giver of a handover.
    signers: Vec<Signer>,
    /// The canonical bytes (UTF-8 JSON text, stored as a JSON string).
    canonical: String,
    /// SHA-256("yima/event/v1\0" || canonical), hex.
    id: String,
    /// Ed25519 over "yima/signature/v1\0" || id, one per signer, hex.
    signatures: Vec<VectorSignature>,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Signer {
    /// The 32-byte Ed25519 secret seed, hex.
    seed: String,
    /// Its public key, hex.
    public_key: String,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct VectorSignature {
    key: String,
    sig: String,
}

// --- Fixed parties. Keys from seeds [1; 32], [2; 32], [4; 32]. -------------------------

const PRODUCER_SEED: [u8; 32] = [1; 32];
const CARRIER_SEED: [u8; 32] = [2; 32];
const RECEIVER_SEED: [u8; 32] = [4; 32];

fn credit(first17: &str) -> CreditCode {
    CreditCode::with_check(first17).expect("a credit code")
}

fn producer() -> Party {
    Party {
        credit_code: credit("91350100M000100Y4"),
        name: "福州闽江化工有限公司".into(),
    }
}

fn carrier() -> Party {
    Party {
        credit_code: credit("91350100M000200T2"),
        name: "福建安运危险品运输有限公司".into(),
    }
}

fn receiver() -> Party {
    Party {
        credit_code: credit("91350100M000400R1"),
        name: "福州绿源环保处置有限公司".into(),
    }
}

fn actor(party: &Party, role: Role, seed: [u8; 32]) -> Actor {
    Actor {
        org: party.credit_code.clone(),
        role,
        key: DeviceKey::from_secret(&seed).public(),
    }
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 1).expect("a date")
}

fn waste() -> WasteCode {
    "900-041-49".parse().expect("a waste code")
}

fn id(hex: &str) -> EventId {
    hex.parse().expect("an event id")
}

fn manifest_number() -> ManifestNumber {
    ManifestNumber::new(2024, 35, 1, 123).expect("a manifest number")
}

fn label(owner: &Party, sequence: u16, quantity: Quantity, remarks: &str) -> ContainerLabel {
    ContainerLabel {
        code: LabelCode::new(owner.credit_code.clone(), waste(), date(), sequence)
            .expect("a label code"),
        name: "废包装桶（沾染废矿物油）".into(),
        category: waste().category().expect("a category"),
        waste_code: waste(),
        form: PhysicalForm::Solid,
        hazards: "T,In".parse().expect("hazards"),
        main_components: "铁质包装桶、残留矿物油".into(),
        harmful_components: "矿物油".into(),
        precautions: "远离火源\r\n防止泄漏".into(),
        producer: owner.clone(),
        contact: "张三".into(),
        phone: "0591-83000000".into(),
        generated_on: date(),
        quantity,
        container_type: "200L铁桶".into(),
        facility_code: "CS001".into(),
        remarks: remarks.into(),
    }
}

// --- The vectors. ---------------------------------------------------------------------

/// The name, description, body and signer seeds of every vector.
fn vectors() -> Vec<(&'static str, &'static str, EventBody, Vec<[u8; 32]>)> {
    let p = producer();
    let first = label(
        &p,
        1,
        Quantity {
            milli: 185_250,
            unit: Unit::Kg,
        },
        "桶盖标有\"易燃\"字样\\旧标签已撕除\t备注\u{7}\u{8}\u{c}\u{1f}\u{7f}\u{2028}结束",
    );
    let generated = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: Timestamp(1_709_254_800_000), // 2024-03-01T01:00:00Z, 09:00 in China
        by: actor(&p, Role::Producer, PRODUCER_SEED),
        composer: DeviceKey::from_secret(&PRODUCER_SEED).public(),
        links: vec![Link {
            container: first.code.clone(),
            prev: None,
        }],
        event: EventKind::Generated {
            batch: BatchCode::new(BatchKind::Generation, date(), 1).expect("a batch code"),
            catalogue_edition: "2021".into(),
            label: first.clone(),
        },
        location: Some("福州市马尾区快安大道88号 危废仓库A".into()),
        operator: None,
        track: None,
        seq: 1,
    };

    let second = LabelCode::new(p.credit_code.clone(), waste(), date(), 2).expect("a label code");
    let dispatched = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: Timestamp(1_709_280_000_000),
        by: actor(&p, Role::Producer, PRODUCER_SEED),
        composer: DeviceKey::from_secret(&PRODUCER_SEED).public(),
        event: EventKind::Dispatched {
            batch: BatchCode::new(BatchKind::OutOfStore, date(), 1).expect("a batch code"),
            facility_code: "ZC001".into(),
            manifest: TransferManifest {
                number: manifest_number(),
                sender: p.clone(),
                carrier: carrier(),
                receiver: receiver(),
                receiver_permit: "闽危废经第350100001号".into(),
                mode: TreatmentMode::Disposal,
                emergency_measures: "泄漏时用吸附棉围堵，报告119".into(),
            },
            outsourced_batch: BatchCode::new(BatchKind::OutsourcedDisposal, date(), 1)
                .expect("a batch code"),
        },
        links: vec![
            Link {
                container: first.code.clone(),
                prev: Some(id(&"11".repeat(32))),
            },
            Link {
                container: second.clone(),
                prev: Some(id(&"22".repeat(32))),
            },
        ],
        location: None,
        operator: None,
        track: None,
        seq: 5,
    };

    // The carrier records the pickup; the producer's device composed the offer (so `seq`
    // is the producer's counter) and both sign.
    let picked_up = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: Timestamp(1_709_281_800_000),
        by: actor(&carrier(), Role::Carrier, CARRIER_SEED),
        composer: DeviceKey::from_secret(&PRODUCER_SEED).public(),
        event: EventKind::PickedUp {
            driver: "李四".into(),
            giver: actor(&p, Role::Producer, PRODUCER_SEED),
            manifest: manifest_number(),
            permit: "闽交运管许可榕字350100000001号".into(),
            vehicle_plate: "闽A·12345".into(),
        },
        links: vec![
            Link {
                container: first.code.clone(),
                prev: Some(id(&"33".repeat(32))),
            },
            Link {
                container: second.clone(),
                prev: Some(id(&"44".repeat(32))),
            },
        ],
        location: Some("26.0745,119.2965".into()),
        operator: None,
        track: None,
        seq: 6,
    };

    let mut changes = BTreeMap::new();
    changes.insert("measured".to_string(), "186.5 kg".to_string());
    changes.insert("备注".to_string(), "复磅".to_string());
    let correction = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: Timestamp(1_709_373_600_000),
        by: actor(&receiver(), Role::Receiver, RECEIVER_SEED),
        composer: DeviceKey::from_secret(&RECEIVER_SEED).public(),
        event: EventKind::Correction {
            changes,
            corrects: id(&"55".repeat(32)),
            reason: "地磅读数录入错误".into(),
        },
        links: vec![Link {
            container: first.code.clone(),
            prev: Some(id(&"66".repeat(32))),
        }],
        location: None,
        operator: None,
        track: None,
        seq: 12,
    };

    // The receiver splits an accepted container into two of its own.
    let r = receiver();
    let split = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: Timestamp(1_709_377_200_000),
        by: actor(&r, Role::Receiver, RECEIVER_SEED),
        composer: DeviceKey::from_secret(&RECEIVER_SEED).public(),
        event: EventKind::Split {
            inherited_state: ContainerState::Accepted,
            parts: vec![
                label(
                    &r,
                    1,
                    Quantity {
                        milli: 100_000,
                        unit: Unit::Kg,
                    },
                    "",
                ),
                label(
                    &r,
                    2,
                    Quantity {
                        milli: 86_500,
                        unit: Unit::Kg,
                    },
                    "分装",
                ),
            ],
            returning: None,
        },
        links: vec![
            Link {
                container: first.code.clone(),
                prev: Some(id(&"77".repeat(32))),
            },
            Link {
                container: LabelCode::new(r.credit_code.clone(), waste(), date(), 1)
                    .expect("a label code"),
                prev: None,
            },
            Link {
                container: LabelCode::new(r.credit_code.clone(), waste(), date(), 2)
                    .expect("a label code"),
                prev: None,
            },
        ],
        location: Some("处置车间2号线".into()),
        operator: None,
        track: None,
        seq: 13,
    };

    let disposed = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: Timestamp(1_709_460_000_000),
        by: actor(&r, Role::Receiver, RECEIVER_SEED),
        composer: DeviceKey::from_secret(&RECEIVER_SEED).public(),
        event: EventKind::Disposed {
            batch: BatchCode::new(BatchKind::OutsourcedDisposal, date(), 42).expect("a batch code"),
            completed_at: Timestamp(1_709_456_400_000),
            method: "D10 焚烧".into(),
            mode: TreatmentMode::Disposal,
        },
        links: vec![Link {
            container: LabelCode::new(r.credit_code.clone(), waste(), date(), 1)
                .expect("a label code"),
            prev: Some(id(&"88".repeat(32))),
        }],
        location: None,
        operator: None,
        track: None,
        seq: 14,
    };

    // A weighing at receipt (kind added within version 1): 171 kg against the sender's 180 kg,
    // beyond the 3.6 kg tolerance.
    let kg = |milli: i64| Quantity {
        milli,
        unit: Unit::Kg,
    };
    let weighing = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: Timestamp(1_709_452_800_000),
        by: actor(&r, Role::Receiver, RECEIVER_SEED),
        composer: DeviceKey::from_secret(&RECEIVER_SEED).public(),
        event: EventKind::Weighing {
            discrepancy: Some(yima_core::Discrepancy {
                expected: kg(180_000),
                tolerance: kg(3_600),
            }),
            measured: kg(171_000),
            method: yima_core::WeighMethod::Scale,
            scale: None,
            weigher: "林娜".into(),
        },
        links: vec![Link {
            container: LabelCode::new(p.credit_code.clone(), waste(), date(), 1)
                .expect("a label code"),
            prev: Some(id(&"77".repeat(32))),
        }],
        location: None,
        operator: None,
        track: None,
        seq: 12,
    };

    vec![
        (
            "weighing",
            "The receiver weighs on arrival with an electronic scale: who weighed, and the discrepancy with the quantity before.",
            weighing,
            vec![RECEIVER_SEED],
        ),
        (
            "generated",
            "A container is generated: the full label, with Chinese text and every kind of string escape.",
            generated,
            vec![PRODUCER_SEED],
        ),
        (
            "dispatched",
            "Two containers leave the store under a transfer manifest; no location (null).",
            dispatched,
            vec![PRODUCER_SEED],
        ),
        (
            "picked_up",
            "A handover: the carrier takes custody from the producer, whose device composed the offer; both sign.",
            picked_up,
            vec![CARRIER_SEED, PRODUCER_SEED],
        ),
        (
            "correction",
            "The receiver corrects an earlier event; the changes map is written in key order.",
            correction,
            vec![RECEIVER_SEED],
        ),
        (
            "split",
            "The receiver splits an accepted container into two new ones (links with prev null).",
            split,
            vec![RECEIVER_SEED],
        ),
        ("disposed", "The receiver disposes of a container (D10 incineration).", disposed, vec![RECEIVER_SEED]),
    ]
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors")
}

fn writing() -> bool {
    std::env::var("YIMA_WRITE_VECTORS").is_ok_and(|v| v == "1")
}

/// The vector for `body`, as computed now.
fn compute(description: &str, body: &EventBody, seeds: &[[u8; 32]]) -> Vector {
    let canonical = encode(body);
    let id = EventId::of_canonical(&canonical);
    let keys: Vec<DeviceKey> = seeds.iter().map(DeviceKey::from_secret).collect();
    Vector {
        description: description.into(),
        signers: keys
            .iter()
            .map(|k| Signer {
                seed: hex::encode(k.secret_bytes()),
                public_key: k.public().to_string(),
            })
            .collect(),
        canonical: String::from_utf8(canonical).expect("canonical bytes are UTF-8"),
        id: id.to_string(),
        signatures: keys
            .iter()
            .map(|k| {
                let s = k.sign(&id);
                VectorSignature {
                    key: s.key.to_string(),
                    sig: s.sig.to_string(),
                }
            })
            .collect(),
    }
}

#[test]
fn vectors_match_the_stored_files() {
    for (name, description, body, seeds) in vectors() {
        let path = dir().join(format!("{name}.json"));
        let now = compute(description, &body, &seeds);
        if writing() {
            let text = serde_json::to_string_pretty(&now).expect("json") + "\n";
            std::fs::write(&path, text)
                .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (YIMA_WRITE_VECTORS=1 writes it)", path.display()));
        let stored: Vector = serde_json::from_str(&text).expect("a vector file");
        assert_eq!(
            now.canonical, stored.canonical,
            "{name}: the canonical encoding changed"
        );
        assert_eq!(now.id, stored.id, "{name}: the event id changed");
        assert_eq!(now.signers, stored.signers, "{name}: the signers changed");
        assert_eq!(
            now.signatures, stored.signatures,
            "{name}: the signatures changed"
        );
        assert_eq!(now, stored, "{name}");

        // The stored bytes decode to the same body, and seal to the same event.
        assert_eq!(
            decode(stored.canonical.as_bytes()).as_ref(),
            Ok(&body),
            "{name}"
        );
        let mut sealed = SignedEvent::unsigned(body.clone());
        for s in &seeds {
            sealed.countersign(&DeviceKey::from_secret(s));
        }
        assert_eq!(sealed.id.to_string(), stored.id, "{name}");
        // The signers are exactly those the body requires, recorder first.
        let signers: Vec<String> = stored
            .signers
            .iter()
            .map(|s| s.public_key.clone())
            .collect();
        let required: Vec<String> = body
            .required_signers()
            .iter()
            .map(|k| k.to_string())
            .collect();
        assert_eq!(signers, required, "{name}");
    }
}

/// Checks the stored files with nothing of yima-core but the file: SHA-256 and Ed25519
/// straight from their crates, as another implementation would.
#[test]
fn vectors_check_with_plain_sha256_and_ed25519() {
    if writing() {
        return;
    }
    for (name, _, _, _) in vectors() {
        let text =
            std::fs::read_to_string(dir().join(format!("{name}.json"))).expect("a vector file");
        let v: Vector = serde_json::from_str(&text).expect("a vector file");
        let mut h = Sha256::new();
        h.update(b"yima/event/v1\0");
        h.update(v.canonical.as_bytes());
        let id: [u8; 32] = h.finalize().into();
        assert_eq!(hex::encode(id), v.id, "{name}");
        let mut message = b"yima/signature/v1\0".to_vec();
        message.extend_from_slice(&id);
        assert_eq!(v.signers.len(), v.signatures.len(), "{name}");
        for (signer, s) in v.signers.iter().zip(&v.signatures) {
            let seed: [u8; 32] = hex::decode(&signer.seed)
                .expect("hex")
                .try_into()
                .expect("32 bytes");
            let secret = ed25519_dalek::SigningKey::from_bytes(&seed);
            assert_eq!(
                hex::encode(secret.verifying_key().as_bytes()),
                signer.public_key,
                "{name}"
            );
            assert_eq!(s.key, signer.public_key, "{name}");
            let sig: [u8; 64] = hex::decode(&s.sig)
                .expect("hex")
                .try_into()
                .expect("64 bytes");
            let sig = ed25519_dalek::Signature::from_bytes(&sig);
            assert!(
                secret.verifying_key().verify(&message, &sig).is_ok(),
                "{name}"
            );
            // Ed25519 is deterministic: signing again gives the same bytes.
            use ed25519_dalek::Signer as _;
            assert_eq!(secret.sign(&message), sig, "{name}");
        }
        // Canonical bytes hold no raw control character and no insignificant whitespace.
        assert!(v.canonical.bytes().all(|b| b >= 0x20), "{name}");
        assert!(
            !v.canonical.contains("\": ") && !v.canonical.contains(", \""),
            "{name}"
        );
    }
}

#[test]
fn every_stored_vector_file_is_checked() {
    if writing() {
        return;
    }
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("tests/vectors")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let mut expected: Vec<String> = vectors()
        .iter()
        .map(|(n, ..)| format!("{n}.json"))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
}

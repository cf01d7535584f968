//! The label payload: test vectors (also in `docs/LABEL-PAYLOAD.md`), QR fit, every error,
//! every verdict, and property tests.

use super::*;
use proptest::prelude::*;
use qrcode::{EcLevel, QrCode, Version};
use yima_codes::CreditCode;

const SPEC: &str = include_str!("../../../../docs/LABEL-PAYLOAD.md");

/// The vectors' key: secret bytes 00 01 02 … 1f.
fn vector_key() -> DeviceKey {
    DeviceKey::from_secret(&core::array::from_fn(|i| i as u8))
}

/// (code, thousandths, unit, signed bytes in hex, payload text)
const VECTORS: [(&str, i64, Unit, &str, &str); 3] = [
    (
        "91350100M000100Y439000414920240301001",
        25_000,
        Unit::Kg,
        "79696d612f6c6162656c2f76310039313335303130304d3030303130305934333930303034313439323032343033303130303139313335303130304d3030303130305934333930303034313439323032343033303100000000000061a84b56475aa75463474c",
        "YIMA1:91350100M000100Y439000414920240301001:25KG:$+AWKB3UAR09HMIXW2JNV.-DXBWCB62C5X9FSHR664L DQ/RZMMR8AVJ7*BJPLS8*VKR4-OK5KD0RN-:CZI8P6I/TD8.2L$K G89HBV*1Y%9",
    ),
    (
        "91350100M000100Y439000414920240301002",
        500,
        Unit::T,
        "79696d612f6c6162656c2f76310039313335303130304d3030303130305934333930303034313439323032343033303130303239313335303130304d3030303130305934333930303034313439323032343033303100000000000001f45456475aa75463474c",
        "YIMA1:91350100M000100Y439000414920240301002:0.5T:$+AWKB3UAR09E76*$9D9HWAP94N+.1+PBW:4NEASBIXZI0L34DLQU8CEI1AH+1MMH5A3CGJKC8V/EF/NT$E01NE XMN21I.M6ZCS5HBPA*H1",
    ),
    (
        "91350100M000100Y439000414920240301003",
        200_000,
        Unit::L,
        "79696d612f6c6162656c2f76310039313335303130304d3030303130305934333930303034313439323032343033303130303339313335303130304d303030313030593433393030303431343932303234303330310000000000030d404c56475aa75463474c",
        "YIMA1:91350100M000100Y439000414920240301003:200L:$+AWKB3UAR094XCHW4XNG5BWB%NSMUZ*QE2B5-N$KP24QZCKPH41:9GFPPAQOS5%C5+8O02MY-L:6V+0GUWSRLM1FM+4V$GI$RKQ4U3TBT13",
    ),
];

fn sample() -> (LabelPayload, DeviceKey) {
    let key = vector_key();
    let code = VECTORS[0].0.parse().unwrap();
    (
        LabelPayload::sign(&code, Quantity::new(25_000, Unit::Kg).unwrap(), &key),
        key,
    )
}

#[test]
fn vectors_match_the_spec() {
    let key = vector_key();
    let public = key.public();
    assert_eq!(
        public.to_string(),
        "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
    );
    assert_eq!(KeyId::of(&public).to_string(), "56475aa75463474c");
    assert!(SPEC.contains(&public.to_string()) && SPEC.contains("56475aa75463474c"));
    for (code, milli, unit, signed, text) in VECTORS {
        let p = LabelPayload::sign(
            &code.parse().unwrap(),
            Quantity::new(milli, unit).unwrap(),
            &key,
        );
        assert_eq!(hex::encode(p.signed_bytes()), signed);
        assert_eq!(p.signed_bytes().len(), LABEL_SIGNED_LEN);
        assert_eq!(p.to_text(), text);
        assert!(SPEC.contains(text), "docs/LABEL-PAYLOAD.md lacks {text}");
        assert!(
            SPEC.contains(signed),
            "docs/LABEL-PAYLOAD.md lacks {signed}"
        );
        let read = LabelPayload::parse(text).unwrap();
        assert_eq!(read, p);
        assert_eq!(
            read.verify(|_| Some(public)),
            LabelVerdict::Valid { key: public }
        );
    }
}

#[test]
fn fits_a_version_8_qr_at_level_q() {
    let (p, _) = sample();
    let qr = QrCode::with_error_correction_level(p.to_text(), EcLevel::Q).unwrap();
    assert_eq!(qr.version(), Version::Normal(8));
    // The longest payload there can be: a 9-character amount in kilograms.
    let key = vector_key();
    let longest = LabelPayload::sign(p.code(), Quantity::new(99_999_999, Unit::Kg).unwrap(), &key);
    assert_eq!(longest.to_text().len(), 164);
    let qr = QrCode::with_error_correction_level(longest.to_text(), EcLevel::Q).unwrap();
    assert!(
        matches!(qr.version(), Version::Normal(v) if v <= 10),
        "{:?}",
        qr.version()
    );
    assert!(longest
        .to_text()
        .bytes()
        .all(|b| base45::ALPHABET.contains(&b)));
}

#[test]
fn altered_weight_is_forged_and_unknown_keys_are_not() {
    let (p, key) = sample();
    let public = key.public();
    let altered = LabelPayload::parse(&p.to_text().replace(":25KG:", ":2.5KG:")).unwrap();
    assert_eq!(altered.verify(|_| Some(public)), LabelVerdict::Forged);
    let unknown = LabelVerdict::KeyUnknown {
        key_id: KeyId::of(&public),
    };
    assert_eq!(p.verify(|_| None), unknown);
    // A lookup that answers with a key of another id has not found the key.
    let other = DeviceKey::from_secret(&[9; 32]).public();
    assert_eq!(p.verify(|_| Some(other)), unknown);
    assert_eq!(
        LabelVerdict::Forged.message(Lang::Zh),
        "伪造或被篡改的标签：签名与内容不符"
    );
    assert!(unknown
        .message(Lang::En)
        .starts_with("signature not checkable yet"));
    let json = serde_json::to_string(&unknown).unwrap();
    assert_eq!(
        json,
        r#"{"verdict":"key_unknown","key_id":"56475aa75463474c"}"#
    );
}

#[test]
fn other_text_is_not_a_yima_label() {
    for text in [
        "https://example.com/a",
        "",
        "YIMA",
        "YIMA:",
        "YIMA1",
        "yima1:x",
        "YIMAX1:",
        "废物",
    ] {
        let e = LabelPayload::parse(text).unwrap_err();
        assert_eq!(e, PayloadError::NotYima(text.into()), "{text:?}");
        assert_eq!(e.kind(), PayloadErrorKind::NotYima);
        assert_eq!(e.text(), text);
    }
    let e = LabelPayload::parse("YIMA2:anything").unwrap_err();
    assert_eq!(e.kind(), PayloadErrorKind::UnsupportedVersion);
    assert_eq!(e.message(Lang::Zh), "本软件不支持第 2 版一码标签，请升级");
    assert_eq!(e.text(), "YIMA2:anything");
}

#[test]
fn damaged_payloads_name_the_part() {
    let (p, _) = sample();
    let text = p.to_text();
    let sig = &text[text.len() - 108..];
    let cases = [
        ("YIMA1:".to_string(), PayloadPart::Layout),
        (format!("YIMA1:{}", VECTORS[0].0), PayloadPart::Layout),
        (text.replacen("Y43", "Y44", 1), PayloadPart::Code),
        (text.replace(":25KG:", ":25LB:"), PayloadPart::Quantity),
        (text.replace(":25KG:", ":0KG:"), PayloadPart::Quantity),
        (text.replace(":25KG:", ":-5KG:"), PayloadPart::Quantity),
        (text.replace(":25KG:", ": 25KG:"), PayloadPart::Quantity),
        (text.replace(":25KG:", ":1000000KG:"), PayloadPart::Quantity),
        (text[..text.len() - 3].to_string(), PayloadPart::Signature),
        (
            text.replace(sig, &sig.to_lowercase()),
            PayloadPart::Signature,
        ),
        (text.replace(":25KG:", ":025KG:"), PayloadPart::NotCanonical),
        (
            text.replace(":25KG:", ":25.0KG:"),
            PayloadPart::NotCanonical,
        ),
    ];
    for (bad, part) in cases {
        let e = LabelPayload::parse(&bad).unwrap_err();
        assert_eq!(
            e,
            PayloadError::Malformed {
                part,
                text: bad.clone()
            },
            "{bad}"
        );
        assert_eq!(e.kind(), PayloadErrorKind::Malformed);
    }
    let e = LabelPayload::parse("YIMA1:").unwrap_err();
    assert_eq!(
        e.message(Lang::Zh),
        "一码标签内容损坏（结构不符）：\"YIMA1:\""
    );
    assert_eq!(
        e.to_string(),
        "damaged Yima label payload (wrong layout): \"YIMA1:\""
    );
}

pub(crate) fn label_code() -> impl Strategy<Value = LabelCode> {
    let credit = "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}"
        .prop_map(|s| CreditCode::with_check(&s).unwrap());
    let waste = (0u16..1000, 0u16..1000, 1u8..=50).prop_filter_map("a category", |(i, s, c)| {
        format!("{i:03}{s:03}{c:02}").parse().ok()
    });
    let date = (2000i32..2100, 1u32..=365)
        .prop_filter_map("a date", |(y, d)| chrono::NaiveDate::from_yo_opt(y, d));
    (credit, waste, date, 1u16..=999).prop_map(|(c, w, d, s)| LabelCode::new(c, w, d, s).unwrap())
}

fn quantity() -> impl Strategy<Value = Quantity> {
    prop_oneof![Just(Unit::Kg), Just(Unit::T), Just(Unit::L)]
        .prop_flat_map(|u| (1..=u.max_milli()).prop_map(move |m| Quantity::new(m, u).unwrap()))
}

pub(crate) fn signed() -> impl Strategy<Value = (LabelPayload, DeviceKey)> {
    (label_code(), quantity(), any::<[u8; 32]>()).prop_map(|(c, q, seed)| {
        let key = DeviceKey::from_secret(&seed);
        (LabelPayload::sign(&c, q, &key), key)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn round_trips((p, key) in signed()) {
        let text = p.to_text();
        prop_assert!(text.bytes().all(|b| base45::ALPHABET.contains(&b)));
        let read = LabelPayload::parse(&text).unwrap();
        prop_assert_eq!(&read, &p);
        prop_assert_eq!(read.verify(|_| Some(key.public())), LabelVerdict::Valid { key: key.public() });
    }

    #[test]
    fn any_single_character_change_is_caught(
        (p, key) in signed(),
        at in any::<prop::sample::Index>(),
        with in prop::sample::select(base45::ALPHABET.to_vec()),
    ) {
        let mut bytes = p.to_text().into_bytes();
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != with);
        bytes[i] = with;
        let text = String::from_utf8(bytes).unwrap();
        if let Ok(read) = LabelPayload::parse(&text) {
            prop_assert_ne!(read.verify(|_| Some(key.public())), LabelVerdict::Valid { key: key.public() });
        }
    }

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        let _ = LabelPayload::parse(&text);
    }

    #[test]
    fn random_yima_text_never_panics(tail in "[0-9A-Z $%*+./:-]{0,200}") {
        for head in ["YIMA1:", "YIMA1:91350100M000100Y439000414920240301001:"] {
            let text = format!("{head}{tail}");
            if let Ok(p) = LabelPayload::parse(&text) {
                prop_assert_eq!(p.to_text(), text);
            }
        }
    }
}

//! The URL form (version 2): test vectors (also in `docs/LABEL-PAYLOAD.md`), QR fit, the host,
//! lower case, every error, and property tests.

use super::*;
use crate::base45;
use crate::payload::{LabelVerdict, PayloadErrorKind};
use crate::quantity::{Quantity, Unit};
use crate::signing::DeviceKey;
use proptest::prelude::*;
use qrcode::{EcLevel, QrCode, Version};

const SPEC: &str = include_str!("../../../../../docs/LABEL-PAYLOAD.md");
const HOST: &str = "YIMA.HBJ.JIANGSU.GOV.CN";

fn vector_key() -> DeviceKey {
    DeviceKey::from_secret(&core::array::from_fn(|i| i as u8))
}

fn host() -> RegistryHost {
    RegistryHost::parse(HOST).unwrap()
}

/// (code, thousandths, unit, the version-1 text of the same label, its URL form)
const VECTORS: [(&str, i64, Unit, &str); 2] = [
    (
        "91350100M000100Y439000414920240301001",
        25_000,
        Unit::Kg,
        "HTTPS://YIMA.HBJ.JIANGSU.GOV.CN/L/91350100M000100Y439000414920240301001-25KG-083356844496559160765631617798477724181038946083187956272752274946704040664349660947177263458758808765340634671349438552560221322726071960957173307779333344936749732471197185",
    ),
    (
        "91350100M000100Y439000414920240301003",
        200_000,
        Unit::L,
        "HTTPS://YIMA.HBJ.JIANGSU.GOV.CN/L/91350100M000100Y439000414920240301003-200L-083356844496559160763244510289356922663735707922061771633489997179694662662118602015131804515488727725070901734886371533717682900780185507235789162064286780705149119285368837",
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
fn vectors_match_the_spec_and_carry_the_version_1_signature() {
    let key = vector_key();
    let public = key.public();
    for (code, milli, unit, url) in VECTORS {
        let p = LabelPayload::sign(
            &code.parse().unwrap(),
            Quantity::new(milli, unit).unwrap(),
            &key,
        );
        assert_eq!(p.to_url(&host()), url);
        assert!(SPEC.contains(url), "docs/LABEL-PAYLOAD.md lacks {url}");
        let (read, form) = LabelPayload::read(url).unwrap();
        assert_eq!(read, p);
        assert_eq!(form, PayloadForm::Url(host()));
        assert_eq!(
            read.verify(|_| Some(public)),
            LabelVerdict::Valid { key: public }
        );
        // The same signed bytes and signature as the version-1 text of the label.
        let v1 = LabelPayload::parse(&p.to_text()).unwrap();
        assert_eq!(v1.signed_bytes(), read.signed_bytes());
        assert_eq!(v1.signature(), read.signature());
        assert_eq!(p.to_text_in(&PayloadForm::Text), p.to_text());
        assert_eq!(p.to_text_in(&form), url);
    }
}

#[test]
fn fits_a_qr_code_of_version_10_at_level_q_with_a_long_host() {
    let (p, key) = sample();
    let url = p.to_url(&host());
    assert!(url.bytes().all(|b| base45::ALPHABET.contains(&b)));
    let qr = QrCode::with_error_correction_level(&url, EcLevel::Q).unwrap();
    assert_eq!(qr.version(), Version::Normal(9));
    // The longest there can be: the longest host and a 9-character amount.
    let longest_host = RegistryHost::parse(&format!("{}:65535", "A".repeat(42))).unwrap();
    assert_eq!(longest_host.as_str().len(), REGISTRY_HOST_MAX_LEN);
    let longest = LabelPayload::sign(p.code(), Quantity::new(99_999_999, Unit::Kg).unwrap(), &key);
    let qr =
        QrCode::with_error_correction_level(longest.to_url(&longest_host), EcLevel::Q).unwrap();
    assert!(
        matches!(qr.version(), Version::Normal(v) if v <= 10),
        "{:?}",
        qr.version()
    );
}

#[test]
fn lower_case_reads_the_same_label() {
    let (p, key) = sample();
    let url = p.to_url(&host());
    for text in [
        url.to_lowercase(),
        url.replacen(
            "HTTPS://YIMA.HBJ.JIANGSU.GOV.CN",
            "https://yima.hbj.jiangsu.gov.cn",
            1,
        ),
    ] {
        let (read, form) = LabelPayload::read(&text).unwrap();
        assert_eq!(read, p);
        assert_eq!(form, PayloadForm::Url(host()));
        assert_eq!(
            read.verify(|_| Some(key.public())),
            LabelVerdict::Valid { key: key.public() }
        );
    }
    let path = &url[url.find("/L/").unwrap() + 3..];
    assert_eq!(LabelPayload::from_url_path(path).unwrap(), p);
    assert_eq!(
        LabelPayload::from_url_path(&path.to_lowercase()).unwrap(),
        p
    );
}

#[test]
fn the_weight_altered_is_forged_and_the_host_is_not_signed() {
    let (p, key) = sample();
    let url = p.to_url(&host());
    let altered = LabelPayload::parse(&url.replace("-25KG-", "-20KG-")).unwrap();
    assert_eq!(altered.verify(|_| Some(key.public())), LabelVerdict::Forged);
    // The host only says where the page is: the label's facts and signature are the same.
    let (elsewhere, form) = LabelPayload::read(&url.replace(HOST, "EXAMPLE.COM:8443")).unwrap();
    assert_eq!(elsewhere, p);
    assert_eq!(
        form,
        PayloadForm::Url(RegistryHost::parse("example.com:8443").unwrap())
    );
}

#[test]
fn the_signature_digits_are_exactly_72_bytes() {
    assert_eq!(to_decimal(&[0; 72]), "0".repeat(174));
    let max = to_decimal(&[0xff; 72]);
    assert_eq!(max.len(), 174);
    assert_eq!(from_decimal(&max), Some([0xff; 72]));
    // 10¹⁷⁴ − 1 is more than 2⁵⁷⁶ − 1: it names no 72 bytes.
    assert_eq!(from_decimal(&"9".repeat(174)), None);
    assert_eq!(from_decimal(&"0".repeat(173)), None);
    let mut one = [0u8; 72];
    one[71] = 1;
    assert_eq!(to_decimal(&one), format!("{}1", "0".repeat(173)));
}

#[test]
fn other_addresses_are_not_yima_labels() {
    for text in [
        "https://example.com/a",
        "HTTPS://",
        "https://example.com",
        "https://example.com/L/",
        "https://example.com/L/abc-def",
        "HTTPS://X/L/1-2-3",
        "https://example.com/l/x-y-1234",
        "http://yima.hbj.jiangsu.gov.cn/L/91350100M000100Y439000414920240301001-25KG-0",
    ] {
        let e = LabelPayload::parse(text).unwrap_err();
        assert_eq!(e, PayloadError::NotYima(text.into()), "{text:?}");
    }
}

#[test]
fn damaged_addresses_name_the_part() {
    let (p, _) = sample();
    let url = p.to_url(&host());
    let digits = &url[url.len() - 174..];
    let cases = [
        (url.replace(HOST, "YI_MA.CN"), PayloadPart::Host),
        (url.replace(HOST, "YIMA.CN:0443"), PayloadPart::Host),
        (url.replace(HOST, ""), PayloadPart::Host),
        (url.replace("-25KG-", "-25KG-1-"), PayloadPart::Layout),
        (url.replacen("Y43", "Y44", 1), PayloadPart::Code),
        (url.replace("-25KG-", "-25LB-"), PayloadPart::Quantity),
        (url.replace("-25KG-", "-0KG-"), PayloadPart::Quantity),
        (
            url.replace(digits, &format!("{digits}0")),
            PayloadPart::Signature,
        ),
        (
            url.replace(digits, &"9".repeat(174)),
            PayloadPart::Signature,
        ),
        (url.replace("-25KG-", "-025KG-"), PayloadPart::NotCanonical),
        (url.replace("-25KG-", "-25.0KG-"), PayloadPart::NotCanonical),
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
    let e =
        LabelPayload::from_url_path("91350100M000100Y439000414920240301001-25KG-12").unwrap_err();
    assert_eq!(e.kind(), PayloadErrorKind::Malformed);
}

#[test]
fn a_registry_address_names_its_host_only_over_https() {
    let ok = [
        ("https://yima.hbj.jiangsu.gov.cn", "YIMA.HBJ.JIANGSU.GOV.CN"),
        ("https://Yima.Example.CN/", "YIMA.EXAMPLE.CN"),
        ("https://127.0.0.1:8443", "127.0.0.1:8443"),
    ];
    for (url, host) in ok {
        assert_eq!(RegistryHost::from_registry_url(url).unwrap().as_str(), host);
    }
    let bad = [
        ("http://yima.example.cn", RegistryHostError::NotHttps),
        ("yima.example.cn", RegistryHostError::NotHttps),
        (
            "https://yima.example.cn/registry",
            RegistryHostError::NotBare,
        ),
        ("https://u@yima.example.cn", RegistryHostError::NotBare),
        ("https://[::1]:8443", RegistryHostError::BadHost),
        ("https://", RegistryHostError::BadHost),
        ("https://-yima.cn", RegistryHostError::BadHost),
        ("https://a..cn", RegistryHostError::BadHost),
        (
            &format!("https://{}.cn", "a".repeat(50)),
            RegistryHostError::BadHost,
        ),
        ("https://yima.cn:", RegistryHostError::BadPort),
        ("https://yima.cn:70000", RegistryHostError::BadPort),
        ("https://yima.cn:1:2", RegistryHostError::BadPort),
    ];
    for (url, error) in bad {
        assert_eq!(RegistryHost::from_registry_url(url), Err(error), "{url}");
    }
}

fn registry_host() -> impl Strategy<Value = RegistryHost> {
    (
        "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\\.[a-z0-9]{1,8}){0,3}",
        proptest::option::of(1u16..),
    )
        .prop_filter_map("fits", |(h, port)| {
            let text = match port {
                Some(p) => format!("{h}:{p}"),
                None => h,
            };
            RegistryHost::parse(&text).ok()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn round_trips((p, key) in crate::payload::tests::signed(), host in registry_host()) {
        let url = p.to_url(&host);
        prop_assert!(url.bytes().all(|b| base45::ALPHABET.contains(&b)));
        let (read, form) = LabelPayload::read(&url).unwrap();
        prop_assert_eq!(&read, &p);
        prop_assert_eq!(form, PayloadForm::Url(host.clone()));
        prop_assert_eq!(LabelPayload::parse(&url.to_lowercase()).unwrap(), p.clone());
        prop_assert_eq!(read.verify(|_| Some(key.public())), LabelVerdict::Valid { key: key.public() });
        let qr = QrCode::with_error_correction_level(&url, EcLevel::Q).unwrap();
        prop_assert!(matches!(qr.version(), Version::Normal(v) if v <= 10));
    }

    /// Any character changed after the host makes the label unreadable or not valid.
    #[test]
    fn any_single_character_change_is_caught(
        (p, key) in crate::payload::tests::signed(),
        at in any::<prop::sample::Index>(),
        with in prop::sample::select(base45::ALPHABET.to_vec()),
    ) {
        let url = p.to_url(&host());
        let start = url.find(LABEL_URL_PATH).unwrap();
        let mut bytes = url.into_bytes();
        let i = start + at.index(bytes.len() - start);
        prop_assume!(!bytes[i].eq_ignore_ascii_case(&with));
        bytes[i] = with;
        let text = String::from_utf8(bytes).unwrap();
        if let Ok(read) = LabelPayload::parse(&text) {
            prop_assert_ne!(read.verify(|_| Some(key.public())), LabelVerdict::Valid { key: key.public() });
        }
    }

    #[test]
    fn random_addresses_never_panic(tail in "[0-9A-Za-z $%*+./:-]{0,260}") {
        for head in ["HTTPS://", "https://YIMA.CN/L/", "HTTPS://YIMA.CN/L/91350100M000100Y439000414920240301001-"] {
            let text = format!("{head}{tail}");
            if let Ok((p, form)) = LabelPayload::read(&text) {
                prop_assert_eq!(p.to_text_in(&form), text.to_ascii_uppercase());
            }
        }
    }
}

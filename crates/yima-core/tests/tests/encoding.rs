//! The canonical encoding as `docs/EVENT-ENCODING.md` specifies it: exact bytes, escaping,
//! the id and signature constructions, and the refusal of every other spelling.

use crate::harness::{Who, World};
use ed25519_dalek::Verifier;
use sha2::{Digest, Sha256};
use yima_core::{
    decode, encode, EncodingError, EventBody, EventId, EventKind, EVENT_ID_DOMAIN, SIGNATURE_DOMAIN,
};

/// A small stored event of the harness, its body and canonical text.
fn stored() -> (World, EventBody, String) {
    let mut w = World::new();
    let c = w.generate();
    let e = w.store(&[&c]);
    let text = String::from_utf8(e.canonical.clone()).expect("canonical bytes are UTF-8");
    (w, e.body, text)
}

#[test]
fn encoding_is_compact_json_in_declaration_order() {
    let (w, body, text) = stored();
    let link = &body.links[0];
    let expected = format!(
        concat!(
            r#"{{"v":1,"at":{at},"by":{{"org":"{org}","role":"producer","key":"{key}"}},"composer":"{key}","#,
            r#""event":{{"type":"stored","batch":"{batch}","facility_code":"ZC001"}},"#,
            r#""links":[{{"container":"{code}","prev":"{prev}"}}],"location":"福建省福州市","seq":2}}"#
        ),
        at = body.at.0,
        org = w.credit(Who::Producer),
        key = hex::encode(w.key(Who::Producer).as_bytes()),
        batch = match &body.event {
            EventKind::Stored { batch, .. } => batch.to_string(),
            _ => unreachable!(),
        },
        code = link.container,
        prev = hex::encode(link.prev.expect("a previous event").as_bytes()),
    );
    assert_eq!(text, expected);
    assert_eq!(decode(text.as_bytes()), Ok(body));
}

#[test]
fn absent_options_are_null_and_quantities_are_integers() {
    let (_, mut body, _) = stored();
    body.location = None;
    body.links[0].prev = None;
    body.event = EventKind::Accepted {
        quantity: yima_core::Quantity {
            milli: 1_250,
            unit: yima_core::Unit::T,
        },
    };
    let text = String::from_utf8(encode(&body)).expect("utf-8");
    assert!(
        text.contains(r#""event":{"type":"accepted","quantity":{"milli":1250,"unit":"t"}}"#),
        "{text}"
    );
    assert!(text.contains(r#""prev":null}],"location":null,"#), "{text}");
    assert_eq!(decode(text.as_bytes()), Ok(body));
}

/// What serde_json, and so the canonical encoding, writes for one character in a string.
fn expected_escape(c: char) -> String {
    match c {
        '"' => "\\\"".into(),
        '\\' => "\\\\".into(),
        '\u{8}' => "\\b".into(),
        '\u{c}' => "\\f".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32),
        c => c.to_string(),
    }
}

#[test]
fn strings_escape_only_quote_backslash_and_control_characters() {
    let (_, mut body, _) = stored();
    let mut reason: String = (0u8..0x20).map(char::from).collect();
    reason.push_str("\"\\/\u{7f}é中\u{2028}\u{2029}😀 <>&'");
    body.event = EventKind::Void {
        quantity: None,
        reason: reason.clone(),
    };
    let text = String::from_utf8(encode(&body)).expect("utf-8");
    let escaped: String = reason.chars().map(expected_escape).collect();
    assert!(
        text.contains(&format!(r#"{{"type":"void","reason":"{escaped}"}}"#)),
        "{text}"
    );
    // No raw control character survives; everything else is raw UTF-8.
    assert!(text.bytes().all(|b| b >= 0x20));
    assert!(text.contains(r#"\u0000\u0001"#) && text.contains(r#"\u001f"#));
    assert!(text.contains("\\b\\t\\n\\u000b\\f\\r"));
    assert!(text.contains("/\u{7f}é中\u{2028}\u{2029}😀"));
    assert_eq!(decode(text.as_bytes()), Ok(body));
}

#[test]
fn event_id_is_sha256_of_the_domain_and_the_bytes() {
    let (w, _, text) = stored();
    let e = &w.events[1];
    let mut h = Sha256::new();
    h.update(b"yima/event/v1\0");
    h.update(text.as_bytes());
    let digest: [u8; 32] = h.finalize().into();
    assert_eq!(e.id, EventId(digest));
    assert_eq!(EVENT_ID_DOMAIN, b"yima/event/v1\0");
    assert_eq!(e.id.to_string(), hex::encode(digest));
}

#[test]
fn signature_is_ed25519_over_the_domain_and_the_id() {
    let (w, _, _) = stored();
    let e = &w.events[1];
    assert_eq!(SIGNATURE_DOMAIN, b"yima/signature/v1\0");
    let mut message = b"yima/signature/v1\0".to_vec();
    message.extend_from_slice(e.id.as_bytes());
    let s = &e.signatures[0];
    let key = ed25519_dalek::VerifyingKey::from_bytes(s.key.as_bytes()).expect("a key");
    let sig = ed25519_dalek::Signature::from_bytes(s.sig.as_bytes());
    assert!(key.verify(&message, &sig).is_ok());
    // Not over the bare id, nor over the bytes.
    assert!(key.verify(e.id.as_bytes(), &sig).is_err());
    assert!(key.verify(&e.canonical, &sig).is_err());
}

#[test]
fn required_signers_are_the_recorder_and_the_giver_of_a_handover() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let d = w.dispatch(Who::Producer, &m, &[&c]);
    assert_eq!(d.body.required_signers(), [w.key(Who::Producer)]);
    let p = w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    assert_eq!(
        p.body.required_signers(),
        [w.key(Who::Carrier), w.key(Who::Producer)]
    );
    let r = w.relay(Who::Carrier2, Who::Carrier, &m.number, &[&c]);
    assert_eq!(
        r.body.required_signers(),
        [w.key(Who::Carrier2), w.key(Who::Carrier)]
    );
}

/// Every other spelling of a canonical body is refused, so one body has one id.
#[test]
fn non_canonical_spellings_are_refused() {
    let (_, body, text) = stored();
    let not_canonical = |t: &str| decode(t.as_bytes());
    let pretty = serde_json::to_string_pretty(&body).expect("json");
    let cases: Vec<(&str, String)> = vec![
        ("pretty-printed", pretty),
        (
            "space after a colon",
            text.replacen("\"v\":1", "\"v\": 1", 1),
        ),
        ("trailing newline", format!("{text}\n")),
        ("leading space", format!(" {text}")),
        (
            "fields reordered",
            text.replacen("{\"v\":1,\"at\":", "{\"at\":", 1).replacen(
                ",\"by\":",
                ",\"v\":1,\"by\":",
                1,
            ),
        ),
        (
            "type tag not first",
            text.replacen("{\"type\":\"stored\",\"batch\":", "{\"batch\":", 1)
                .replacen(
                    "\"facility_code\":\"ZC001\"}",
                    "\"facility_code\":\"ZC001\",\"type\":\"stored\"}",
                    1,
                ),
        ),
        (
            "unknown field",
            text.replacen(",\"seq\":", ",\"extra\":0,\"seq\":", 1),
        ),
        (
            "absent option left out",
            text.replacen("\"location\":\"福建省福州市\",", "", 1),
        ),
        (
            "needless \\u escape",
            text.replacen("ZC001", "\\u005AC001", 1),
        ),
        (
            "escaped solidus",
            text.replacen(
                "\"location\":\"福建省福州市\"",
                "\"location\":\"福建省\\/福州市\"",
                1,
            ),
        ),
        (
            "non-ASCII as \\u escape",
            text.replacen("福建省", "\\u798f建省", 1),
        ),
        (
            "upper-case hex key",
            text.replacen(
                &body.composer.to_string(),
                &body.composer.to_string().to_uppercase(),
                1,
            ),
        ),
        (
            "number with a fraction",
            text.replacen(",\"seq\":2}", ",\"seq\":2.0}", 1),
        ),
        (
            "number with an exponent",
            text.replacen(",\"seq\":2}", ",\"seq\":2e0}", 1),
        ),
        (
            "number with a leading zero",
            text.replacen(",\"seq\":2}", ",\"seq\":02}", 1),
        ),
        (
            "duplicate field",
            text.replacen(",\"seq\":2}", ",\"seq\":2,\"seq\":2}", 1),
        ),
    ];
    for (what, t) in cases {
        assert_ne!(t, text, "{what}: the case changes nothing");
        assert!(not_canonical(&t).is_err(), "{what} was accepted: {t}");
    }
    assert_eq!(not_canonical(&text), Ok(body));
}

#[test]
fn reordered_correction_changes_are_not_canonical() {
    let (_, mut body, _) = stored();
    let mut changes = std::collections::BTreeMap::new();
    changes.insert("measured".to_string(), "199 kg".to_string());
    changes.insert("driver".to_string(), "赵六".to_string());
    body.event = EventKind::Correction {
        changes,
        corrects: EventId([7; 32]),
        reason: "录入错误".into(),
    };
    let text = String::from_utf8(encode(&body)).expect("utf-8");
    // Map keys are written in ascending byte order.
    let sorted = r#""changes":{"driver":"赵六","measured":"199 kg"}"#;
    assert!(text.contains(sorted), "{text}");
    let swapped = text.replacen(
        sorted,
        r#""changes":{"measured":"199 kg","driver":"赵六"}"#,
        1,
    );
    assert_eq!(decode(swapped.as_bytes()), Err(EncodingError::NotCanonical));
    assert_eq!(decode(text.as_bytes()), Ok(body));
}

#[test]
fn other_format_versions_are_refused() {
    let (_, _, text) = stored();
    let v2 = text.replacen("{\"v\":1,", "{\"v\":2,", 1);
    assert_eq!(
        decode(v2.as_bytes()),
        Err(EncodingError::UnsupportedVersion(2))
    );
}

#[test]
fn invalid_codes_are_malformed() {
    let (w, _, text) = stored();
    let org = w.credit(Who::Producer).to_string();
    // Change the check character of the credit code.
    let mut bad = org.clone();
    let last = bad.pop().expect("18 characters");
    bad.push(if last == '0' { '1' } else { '0' });
    let t = text.replacen(&org, &bad, 1);
    assert!(
        matches!(decode(t.as_bytes()), Err(EncodingError::Malformed(_))),
        "{t}"
    );
    let t = text.replacen("\"role\":\"producer\"", "\"role\":\"Producer\"", 1);
    assert!(matches!(
        decode(t.as_bytes()),
        Err(EncodingError::Malformed(_))
    ));
    let t = text.replacen("\"type\":\"stored\"", "\"type\":\"Stored\"", 1);
    assert!(matches!(
        decode(t.as_bytes()),
        Err(EncodingError::Malformed(_))
    ));
    assert!(matches!(
        decode(b"not json"),
        Err(EncodingError::Malformed(_))
    ));
    assert!(matches!(decode(b""), Err(EncodingError::Malformed(_))));
}

//! The canonical reader on its own (without the general path behind it): it reads every
//! canonical body and nothing else.

use super::body::read_body;
use super::{decode, decode_general, encode, EncodingError};
use crate::event::{EventBody, EventKind};
use crate::model::Timestamp;
use crate::quantity::{Quantity, Unit};

/// The canonical bytes of the test vectors (`tests/vectors/`).
fn vectors() -> Vec<Vec<u8>> {
    [
        include_str!("../../tests/vectors/generated.json"),
        include_str!("../../tests/vectors/dispatched.json"),
        include_str!("../../tests/vectors/picked_up.json"),
        include_str!("../../tests/vectors/correction.json"),
        include_str!("../../tests/vectors/split.json"),
        include_str!("../../tests/vectors/disposed.json"),
    ]
    .iter()
    .map(|file| {
        let v: serde_json::Value = serde_json::from_str(file).expect("a vector file");
        v["canonical"]
            .as_str()
            .expect("canonical text")
            .as_bytes()
            .to_vec()
    })
    .collect()
}

fn generated() -> (EventBody, String) {
    let bytes = vectors().remove(0);
    let body = decode_general(&bytes).expect("a vector decodes");
    (body, String::from_utf8(bytes).expect("UTF-8"))
}

#[test]
fn reads_every_vector_as_serde_json_does() {
    for bytes in vectors() {
        let body = read_body(&bytes).expect("the reader reads a vector");
        assert_eq!(Ok(&body), decode_general(&bytes).as_ref());
        assert_eq!(encode(&body), bytes);
    }
}

#[test]
fn reads_extreme_integers_and_every_escape() {
    let (mut body, _) = generated();
    let mut reason: String = (0u8..0x20).map(char::from).collect();
    reason.push_str("\"\\/\u{7f}\u{2028}é中😀");
    for (at, seq) in [(i64::MIN, u64::MAX), (i64::MAX, 0), (0, 1), (-1, 10)] {
        body.at = Timestamp(at);
        body.seq = seq;
        body.event = EventKind::Void {
            quantity: None,
            reason: reason.clone(),
        };
        let bytes = encode(&body);
        assert_eq!(
            read_body(&bytes).as_ref(),
            Some(&body),
            "at {at}, seq {seq}"
        );
    }
}

#[test]
fn reads_dates_outside_four_digit_years() {
    let (mut body, _) = generated();
    for (y, text) in [
        (12345, "+12345-03-01"),
        (-7, "-0007-03-01"),
        (0, "0000-03-01"),
    ] {
        let EventKind::Generated { label, .. } = &mut body.event else {
            unreachable!("the generated vector")
        };
        label.generated_on = chrono::NaiveDate::from_ymd_opt(y, 3, 1).expect("a date");
        let bytes = encode(&body);
        assert!(String::from_utf8_lossy(&bytes).contains(text));
        assert_eq!(read_body(&bytes).as_ref(), Some(&body), "year {y}");
    }
}

#[test]
fn refuses_every_other_spelling() {
    let (_, text) = generated();
    let at = "\"at\":1709254800000";
    let cases = [
        text.replacen(at, "\"at\":01709254800000", 1),
        text.replacen(at, "\"at\":-0", 1),
        text.replacen(at, "\"at\":1709254800000.0", 1),
        text.replacen(at, "\"at\":1.7e12", 1),
        text.replacen(at, "\"at\":+1709254800000", 1),
        text.replacen(at, "\"at\":9223372036854775808", 1),
        text.replacen(at, "\"at\":-9223372036854775809", 1),
        text.replacen("\"seq\":1}", "\"seq\":-1}", 1),
        text.replacen("\"seq\":1}", "\"seq\":18446744073709551616}", 1),
        text.replacen("\"v\":1", "\"v\":2", 1),
        text.replacen("\\u0007", "\\u0007\\u0041", 1),
        text.replacen("\\u0007", "\\u0007\\u000a", 1),
        text.replacen("\\u001f", "\\u001F", 1),
        text.replacen("\\b", "\\u0008", 1),
        text.replacen("\\t", "\\u0009", 1),
        text.replacen("\\r\\n", "\\u000d\\n", 1),
        text.replacen("CS001", "CS\\/001", 1),
        text.replacen("CS001", "CS\\u0030001", 1),
        text.replacen("CS001", "CS\\x30001", 1),
        text.replacen("CS001", "CS\u{1}001", 1),
        text.replacen("8a88e3dd", "8A88e3dd", 1),
        text.replacen(
            "\"waste_code\":\"900-041-49\"",
            "\"waste_code\":\"90004149\"",
            1,
        ),
        text.replacen("\"hazards\":\"T,In\"", "\"hazards\":\"In,T\"", 1),
        text.replacen(
            "\"generated_on\":\"2024-03-01\"",
            "\"generated_on\":\"2024-3-1\"",
            1,
        ),
        text.replacen("2024-03-01", "2024-02-30", 1),
        text.replacen("2024-03-01", "2024-03-1a", 1),
        text.replacen("\"form\":\"solid\"", "\"form\":\"Solid\"", 1),
        text.replacen("\"location\":", "\"location\" :", 1),
        text.replacen("\"prev\":null", "\"prev\":nul", 1),
        format!("{text}\n"),
        format!("{text}{{}}"),
        text[..text.len() - 1].to_string(),
        String::new(),
    ];
    for t in &cases {
        assert_ne!(t, &text, "the case changes nothing");
        assert_eq!(read_body(t.as_bytes()), None, "accepted: {t}");
    }
    let mut bad_utf8 = text.clone().into_bytes();
    let i = text.find("张三").expect("a name");
    bad_utf8[i + 1] = b'"';
    assert_eq!(read_body(&bad_utf8), None);
}

#[test]
fn correction_keys_must_rise_strictly() {
    let text = String::from_utf8(vectors().remove(3)).expect("UTF-8");
    assert!(read_body(text.as_bytes()).is_some());
    let start = text.find("\"changes\":{").expect("changes") + "\"changes\":{".len();
    let end = start + text[start..].find('}').expect("end of changes");
    let members: Vec<&str> = text[start..end].split(',').collect();
    assert!(members.len() >= 2, "{members:?}");
    let twice = text.replacen(
        &text[start..end],
        &format!("{},{}", members[0], &text[start..end]),
        1,
    );
    let swapped = text.replacen(
        &text[start..end],
        &format!("{},{}", members[1], members[0]),
        1,
    );
    assert_eq!(read_body(twice.as_bytes()), None);
    assert_eq!(read_body(swapped.as_bytes()), None);
}

#[test]
fn a_void_states_its_quantity_and_one_from_before_keeps_its_bytes() {
    let (mut body, _) = generated();
    body.event = EventKind::Void {
        quantity: None,
        reason: "标错".into(),
    };
    let before = encode(&body);
    let text = String::from_utf8(before.clone()).unwrap();
    assert!(
        text.contains(r#"{"type":"void","reason":"标错"}"#),
        "{text}"
    );
    assert_eq!(decode(&before), Ok(body.clone()));
    body.event = EventKind::Void {
        quantity: Some(Quantity::parse("12.5", Unit::Kg).unwrap()),
        reason: "标错".into(),
    };
    let stated = encode(&body);
    let text = String::from_utf8(stated.clone()).unwrap();
    assert!(
        text.contains(r#"{"type":"void","quantity":{"milli":12500,"unit":"kg"},"reason":"标错"}"#),
        "{text}"
    );
    assert_eq!(read_body(&stated).as_ref(), Some(&body));
    assert_eq!(decode(&stated), Ok(body));
    // One body, one spelling: an absent quantity is never written as null.
    let null = text.replace(
        r#""quantity":{"milli":12500,"unit":"kg"}"#,
        r#""quantity":null"#,
    );
    assert_eq!(decode(null.as_bytes()), Err(EncodingError::NotCanonical));
}

#[test]
fn an_operator_is_written_before_seq_and_a_body_without_one_keeps_its_bytes() {
    let (mut body, text) = generated();
    // The vector was written before the member: it names no operator and ends as before.
    assert_eq!(body.operator, None);
    assert!(
        text.ends_with(r#","location":"福州市马尾区快安大道88号 危废仓库A","seq":1}"#),
        "{text}"
    );
    assert_eq!(encode(&body), text.as_bytes());
    let before = encode(&body);
    let end = String::from_utf8(before.clone()).unwrap();
    let tail = &end[end.rfind(",\"seq\":").expect("seq")..];

    body.operator = Some("王磊".into());
    let named = encode(&body);
    let named_text = String::from_utf8(named.clone()).unwrap();
    assert_eq!(
        named_text,
        end.replacen(tail, &format!(",\"operator\":\"王磊\"{tail}"), 1),
        "the operator is the one member added, just before seq"
    );
    assert_eq!(read_body(&named).as_ref(), Some(&body));
    assert_eq!(decode(&named), Ok(body.clone()));
    assert_ne!(
        crate::signing::EventId::of_canonical(&named),
        crate::signing::EventId::of_canonical(&before)
    );

    // One body, one spelling: an absent operator is never written as null, nor the member
    // anywhere but before `seq`.
    let null = end.replacen(tail, &format!(",\"operator\":null{tail}"), 1);
    assert_eq!(read_body(null.as_bytes()), None);
    assert!(decode(null.as_bytes()).is_err());
    let moved = named_text
        .replacen(",\"operator\":\"王磊\"", "", 1)
        .replacen(",\"location\":", ",\"operator\":\"王磊\",\"location\":", 1);
    assert_ne!(moved, named_text);
    assert_eq!(read_body(moved.as_bytes()), None);
    assert!(decode(moved.as_bytes()).is_err());
}

#[test]
fn a_track_is_written_between_operator_and_seq_and_null_is_refused() {
    let (mut body, text) = generated();
    let before = encode(&body);
    assert_eq!(before, text.as_bytes());
    body.operator = Some("王磊".into());
    body.track = Some(crate::track::TrackDigest {
        fixes: 2,
        first: crate::model::Timestamp(1_709_251_200_000),
        last: crate::model::Timestamp(1_709_251_260_000),
        sha256: [0xab; 32],
    });
    let named = String::from_utf8(encode(&body)).unwrap();
    let member = format!(
        r#","operator":"王磊","track":{{"fixes":2,"first":1709251200000,"last":1709251260000,"sha256":"{}"}},"seq":1}}"#,
        "ab".repeat(32)
    );
    assert!(named.ends_with(&member), "{named}");
    assert_eq!(read_body(named.as_bytes()).as_ref(), Some(&body));
    // One spelling: never null, never before the operator, never upper-case hex.
    let null = named.replacen(
        &named[named.find(",\"track\":").unwrap()..named.rfind(",\"seq\":").unwrap()],
        ",\"track\":null",
        1,
    );
    assert!(decode(null.as_bytes()).is_err());
    let upper = named.replace(&"ab".repeat(32), &"AB".repeat(32));
    assert!(decode(upper.as_bytes()).is_err());
}

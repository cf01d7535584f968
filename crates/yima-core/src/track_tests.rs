use super::*;
use proptest::prelude::*;

fn fix(at: i64, lat: i32, lon: i32, acc: Option<u32>) -> Fix {
    Fix {
        at: Timestamp(at),
        lat_e7: lat,
        lon_e7: lon,
        accuracy_m: acc,
    }
}

#[test]
fn coordinates_are_checked_on_the_globe() {
    assert!(fix(0, MAX_LAT_E7, MAX_LON_E7, None).check().is_ok());
    assert!(fix(0, -MAX_LAT_E7, -MAX_LON_E7, None).check().is_ok());
    let e = fix(0, MAX_LAT_E7 + 1, 0, None).check().unwrap_err();
    assert!(e.en.contains("latitude") && e.zh.contains("纬度"), "{e:?}");
    let e = fix(0, 0, -MAX_LON_E7 - 1, None).check().unwrap_err();
    assert!(e.en.contains("longitude") && e.zh.contains("经度"), "{e:?}");
}

#[test]
fn degrees_parse_exactly_to_e7() {
    assert_eq!(Fix::parse_e7("26.0745123"), Some(260_745_123));
    assert_eq!(Fix::parse_e7("-119.2965"), Some(-1_192_965_000));
    assert_eq!(Fix::parse_e7("+1"), Some(10_000_000));
    assert_eq!(Fix::parse_e7("180"), Some(1_800_000_000));
    for bad in [
        "",
        "1.",
        ".5",
        "1.23456789",
        "abc",
        "1e5",
        "1234",
        "--1",
        "1.2.3",
    ] {
        assert_eq!(Fix::parse_e7(bad), None, "{bad}");
    }
}

#[test]
fn the_canonical_list_is_sorted_with_one_fix_per_moment() {
    let a = fix(3, 1, 1, None);
    let b = fix(1, 2, 2, Some(5));
    let b2 = fix(1, 9, 9, None);
    let list = canonical_fixes(&[a, b, b2]).unwrap();
    assert_eq!(list, vec![b, a]);
    assert!(check_fixes(&list).is_ok());
    assert!(check_fixes(&[a, b]).is_err());
    assert!(check_fixes(&[b, b2]).is_err());
}

#[test]
fn the_digest_covers_count_first_last_and_hash() {
    let list = vec![fix(10, 1, 2, None), fix(20, 3, 4, Some(7))];
    let d = track_digest(&list);
    assert_eq!(
        (d.fixes, d.first, d.last),
        (2, Timestamp(10), Timestamp(20))
    );
    assert!(d.matches(&list));
    assert!(!d.matches(&list[..1]));
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(
        json,
        format!(
            r#"{{"fixes":2,"first":10,"last":20,"sha256":"{}"}}"#,
            d.sha256_hex()
        )
    );
    assert_eq!(serde_json::from_str::<TrackDigest>(&json).unwrap(), d);
    let upper = json.replace(&d.sha256_hex(), &d.sha256_hex().to_uppercase());
    if upper != json {
        assert!(serde_json::from_str::<TrackDigest>(&upper).is_err());
    }
}

const PINNED_SHA256: &str = "2a70d405e6725415f67b60ebdf84d5dc5697b5f37b8e47de069144b2276684bb";

/// A pinned vector: the bytes and the digest of a two-fix track.
#[test]
fn a_pinned_track_vector() {
    let list = vec![
        fix(1_709_251_200_000, 260_745_000, 1_192_965_000, Some(12)),
        fix(1_709_251_260_000, 260_746_000, 1_192_966_000, None),
    ];
    let bytes = encode_track(&list).unwrap();
    assert_eq!(
        hex::encode(&bytes),
        "00000002\
         0000018df74f8400 0f8aa728 471b3388 01 0000000c\
         0000018df7506e60 0f8aab10 471b3770 00"
            .replace(' ', "")
    );
    assert_eq!(decode_track(&bytes).unwrap(), list);
    let d = track_digest(&list);
    let mut h = Sha256::new();
    h.update(TRACK_DOMAIN);
    h.update(&bytes);
    assert_eq!(d.sha256, <[u8; 32]>::from(h.finalize()));
    assert_eq!(d.sha256_hex(), PINNED_SHA256);
}

#[test]
fn bytes_other_than_the_canonical_ones_are_refused() {
    let list = vec![fix(1, 1, 1, None), fix(2, 2, 2, Some(3))];
    let bytes = encode_track(&list).unwrap();
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(decode_track(&trailing).is_err());
    assert!(decode_track(&bytes[..bytes.len() - 1]).is_err());
    let mut flag = bytes.clone();
    flag[4 + 16] = 2;
    assert!(decode_track(&flag).is_err());
    assert!(encode_track(&[list[1], list[0]]).is_err());
}

fn arb_fix() -> impl Strategy<Value = Fix> {
    (
        -1_000_000_000_000i64..5_000_000_000_000,
        -MAX_LAT_E7..=MAX_LAT_E7,
        -MAX_LON_E7..=MAX_LON_E7,
        prop::option::of(any::<u32>()),
    )
        .prop_map(|(at, lat, lon, acc)| fix(at, lat, lon, acc))
}

fn arb_track() -> impl Strategy<Value = Vec<Fix>> {
    prop::collection::vec(arb_fix(), 1..40).prop_map(|v| canonical_fixes(&v).unwrap())
}

proptest! {
    #[test]
    fn a_track_round_trips_through_its_bytes(list in arb_track()) {
        let bytes = encode_track(&list).unwrap();
        prop_assert_eq!(decode_track(&bytes).unwrap(), list.clone());
        let d = track_digest(&list);
        prop_assert!(d.matches(&list));
        let json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(serde_json::from_str::<TrackDigest>(&json).unwrap(), d);
        let fixes_json = serde_json::to_string(&list).unwrap();
        prop_assert_eq!(serde_json::from_str::<Vec<Fix>>(&fixes_json).unwrap(), list);
    }

    #[test]
    fn any_changed_fix_changes_the_digest(
        list in arb_track(),
        i in any::<prop::sample::Index>(),
        which in 0u8..5,
        delta in 1i32..1000,
    ) {
        let mut changed = list.clone();
        let k = i.index(changed.len());
        let f = &mut changed[k];
        match which {
            0 => f.lat_e7 = if f.lat_e7 > 0 { f.lat_e7 - delta } else { f.lat_e7 + delta },
            1 => f.lon_e7 = if f.lon_e7 > 0 { f.lon_e7 - delta } else { f.lon_e7 + delta },
            2 => f.accuracy_m = match f.accuracy_m { None => Some(delta as u32), Some(_) => None },
            3 => {
                // A fix dropped.
                changed.remove(k);
            }
            _ => {
                // A fix's time moved to a moment no other fix has.
                let t = f.at.0 + i64::from(delta);
                if list.iter().any(|g| g.at.0 == t) {
                    return Ok(());
                }
                changed[k].at = Timestamp(t);
                changed = canonical_fixes(&changed).unwrap();
            }
        }
        prop_assert_ne!(track_digest(&changed), track_digest(&list));
        prop_assert!(!track_digest(&list).matches(&changed));
    }

    #[test]
    fn bytes_decode_only_if_canonical(bytes in prop::collection::vec(any::<u8>(), 0..120)) {
        if let Ok(list) = decode_track(&bytes) {
            prop_assert_eq!(encode_track(&list).unwrap(), bytes);
        }
    }
}

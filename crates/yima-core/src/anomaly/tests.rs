use super::*;
use crate::track::Fix;
use proptest::prelude::*;

fn fix(at: i64, lat_e7: i32, lon_e7: i32) -> Fix {
    Fix {
        at: Timestamp(at),
        lat_e7,
        lon_e7,
        accuracy_m: None,
    }
}

#[test]
fn every_rule_has_a_name_in_both_languages_and_a_snake_case_key() {
    for r in AnomalyRule::ALL {
        assert!(!r.name(Lang::Zh).is_empty() && !r.name(Lang::En).is_empty());
        assert_ne!(r.name(Lang::Zh), r.name(Lang::En));
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(json, format!("\"{}\"", r.as_str()));
        assert_eq!(serde_json::from_str::<AnomalyRule>(&json).unwrap(), r);
    }
}

#[test]
fn distances_to_a_segment_in_metres() {
    // Fuzhou, on the 26th parallel: 0.1° of latitude is about 11.1 km.
    let a = fix(0, 260_000_000, 1_193_000_000);
    let b = fix(0, 260_000_000, 1_203_000_000);
    let north = fix(0, 261_000_000, 1_198_000_000);
    let d = distance_to_segment_m(&north, &a, &b);
    assert!((d - 11_119.5).abs() < 20.0, "{d}");
    // Beyond an end, the distance is to that end.
    let west = fix(0, 260_000_000, 1_192_000_000);
    let d = distance_to_segment_m(&west, &a, &b);
    assert!(
        (d - 0.1f64.to_radians() * 6_371_008.8 * 26f64.to_radians().cos()).abs() < 20.0,
        "{d}"
    );
    // A segment of one point.
    assert_eq!(distance_to_segment_m(&a, &a, &a), 0.0);
}

proptest! {
    /// Points on the segment between a track's ends never leave the corridor, however long
    /// the segment and wherever it lies (away from the poles).
    #[test]
    fn points_on_the_segment_are_within_a_metre_of_it(
        lat_a in -600_000_000i32..600_000_000,
        lon_a in -1_790_000_000i32..1_790_000_000,
        dlat in -20_000_000i32..20_000_000,
        dlon in -20_000_000i32..20_000_000,
        t in 0.0f64..=1.0,
    ) {
        let a = fix(0, lat_a, lon_a);
        let b = fix(1, lat_a + dlat, lon_a + dlon);
        let p = fix(
            2,
            lat_a + (f64::from(dlat) * t).round() as i32,
            lon_a + (f64::from(dlon) * t).round() as i32,
        );
        prop_assert!(distance_to_segment_m(&p, &a, &b) < 1.0);
    }
}

//! The sighting rules: a label never registered (after its grace), one label in two places
//! at once, a forged label scanned; each fires exactly when it should, at its boundary.

use yima_core::yima_codes::{CreditCode, LabelCode};
use yima_core::{
    forged_label, next_sighting_deadline, sighting_anomalies, two_places, unseen_label,
    unseen_label_due, AnomalyConfig, AnomalyRule, Seal, Sighter, Sighting, SightingPlace,
    Timestamp,
};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const T0: i64 = 1_709_251_200_000; // 2024-03-01T00:00:00Z

fn code() -> LabelCode {
    "91350100M000100Y439000414920240301007".parse().unwrap()
}

fn other_code() -> LabelCode {
    "91350100M000100Y439000414920240301008".parse().unwrap()
}

fn device(n: u8) -> Sighter {
    Sighter::Device {
        org: "91350100M000100Y43".parse::<CreditCode>().unwrap(),
        device: format!("dev{n}"),
    }
}

fn seen(code: &LabelCode, at: i64, place: Option<(i32, i32)>, who: Sighter) -> Sighting {
    Sighting {
        code: code.clone(),
        at: Timestamp(at),
        place: place.map(|(lat_e7, lon_e7)| SightingPlace {
            lat_e7,
            lon_e7,
            accuracy_m: None,
        }),
        who,
        seal: Seal::Genuine,
    }
}

// Fuzhou and Xiamen, about 210 km apart.
const FUZHOU: (i32, i32) = (260_740_000, 1_192_960_000);
const XIAMEN: (i32, i32) = (244_800_000, 1_180_890_000);

#[test]
fn an_unregistered_code_is_unseen_from_the_end_of_its_grace_and_not_before() {
    let c = code();
    let cfg = AnomalyConfig::default();
    let s = [
        seen(&c, T0 + HOUR, None, Sighter::PublicPage),
        seen(&c, T0, None, device(1)),
    ];
    let due = T0 + cfg.unseen_grace_ms;
    assert_eq!(unseen_label(&c, false, &s, Timestamp(due - 1), &cfg), None);
    let a = unseen_label(&c, false, &s, Timestamp(due), &cfg).unwrap();
    assert_eq!(a.rule, AnomalyRule::UnseenLabel);
    assert_eq!(a.container, c);
    assert_eq!(
        (a.since, a.due, a.event),
        (Timestamp(due), Some(Timestamp(due)), None)
    );
    assert!(
        a.en.contains("2 scan(s)") && a.en.contains("dev1"),
        "{}",
        a.en
    );
    assert!(a.zh.contains("72 小时"), "{}", a.zh);
    // The deadline to judge it again is the end of the grace, while it runs.
    assert_eq!(
        next_sighting_deadline(&c, false, &s, Timestamp(T0), &cfg),
        Some(Timestamp(due))
    );
    assert_eq!(
        next_sighting_deadline(&c, false, &s, Timestamp(due), &cfg),
        None
    );
}

#[test]
fn a_registered_or_never_sighted_code_is_not_unseen() {
    let c = code();
    let cfg = AnomalyConfig::default();
    let s = [seen(&c, T0, None, Sighter::PublicPage)];
    let late = Timestamp(T0 + 1000 * HOUR);
    assert_eq!(unseen_label(&c, true, &s, late, &cfg), None);
    assert_eq!(
        next_sighting_deadline(&c, true, &s, Timestamp(T0), &cfg),
        None
    );
    // Only the code's own sightings count.
    assert_eq!(unseen_label(&other_code(), false, &s, late, &cfg), None);
    assert_eq!(unseen_label(&c, false, &[], late, &cfg), None);
}

#[test]
fn two_sightings_farther_apart_than_the_label_could_travel_are_two_places() {
    let c = code();
    let cfg = AnomalyConfig::default();
    let s = [
        seen(&c, T0, Some(FUZHOU), device(1)),
        seen(&c, T0 + 10 * MINUTE, Some(XIAMEN), device(2)),
    ];
    let a = two_places(&c, &s, &cfg).unwrap();
    assert_eq!(a.rule, AnomalyRule::TwoPlaces);
    assert_eq!(
        (a.since, a.due, a.event),
        (Timestamp(T0 + 10 * MINUTE), None, None)
    );
    assert!(a.en.contains("dev1") && a.en.contains("dev2"), "{}", a.en);
    assert!(a.en.contains("10 min"), "{}", a.en);
    // The same trip over a day is possible.
    let slow = [
        seen(&c, T0, Some(FUZHOU), device(1)),
        seen(&c, T0 + 24 * HOUR, Some(XIAMEN), device(2)),
    ];
    assert_eq!(two_places(&c, &slow, &cfg), None);
}

#[test]
fn two_places_is_judged_at_speed_times_gap_plus_tolerance_and_accuracies() {
    let c = code();
    let cfg = AnomalyConfig {
        sighting_max_speed_kmh: 100,
        sighting_tolerance_m: 1_000,
        ..AnomalyConfig::default()
    };
    // 0.1° of latitude is about 11 119.5 m; in 6 min at 100 km/h a label goes 10 km, plus
    // the 1 km tolerance: 11 km, just short.
    let a = (260_000_000, 1_190_000_000);
    let b = (261_000_000, 1_190_000_000);
    let s = [
        seen(&c, T0, Some(a), device(1)),
        seen(&c, T0 + 6 * MINUTE, Some(b), device(2)),
    ];
    assert!(two_places(&c, &s, &cfg).is_some());
    // 150 m of accuracy on one fix covers it.
    let mut fuzzy = s.clone();
    fuzzy[1].place.as_mut().unwrap().accuracy_m = Some(150);
    assert_eq!(two_places(&c, &fuzzy, &cfg), None);
    // So does a few seconds more.
    let later = [
        s[0].clone(),
        seen(&c, T0 + 6 * MINUTE + 5_000, Some(b), device(2)),
    ];
    assert_eq!(two_places(&c, &later, &cfg), None);
}

#[test]
fn sightings_without_a_place_or_of_another_code_are_not_two_places() {
    let c = code();
    let cfg = AnomalyConfig::default();
    let s = [
        seen(&c, T0, Some(FUZHOU), device(1)),
        seen(&c, T0 + MINUTE, None, Sighter::PublicPage),
        seen(&other_code(), T0 + 2 * MINUTE, Some(XIAMEN), device(2)),
    ];
    assert_eq!(two_places(&c, &s, &cfg), None);
    // One place (twice, or once) is never two.
    let same = [
        seen(&c, T0, Some(FUZHOU), device(1)),
        seen(&c, T0, Some(FUZHOU), device(2)),
    ];
    assert_eq!(two_places(&c, &same, &cfg), None);
    // Out of order, the pair in time is judged: back and forth is one anomaly.
    let back_and_forth = [
        seen(&c, T0 + 2 * MINUTE, Some(FUZHOU), device(1)),
        seen(&c, T0 + MINUTE, Some(XIAMEN), device(2)),
        seen(&c, T0, Some(FUZHOU), device(1)),
    ];
    let a = two_places(&c, &back_and_forth, &cfg).unwrap();
    assert_eq!(a.since, Timestamp(T0 + MINUTE));
}

#[test]
fn a_forged_label_scanned_is_a_bad_signature_and_a_genuine_one_is_not() {
    let c = code();
    let mut s = vec![seen(&c, T0, None, Sighter::PublicPage)];
    assert_eq!(forged_label(&c, &s), None);
    s.push(Sighting {
        seal: Seal::Unchecked,
        ..seen(&c, T0 + MINUTE, None, device(1))
    });
    assert_eq!(forged_label(&c, &s), None);
    s.push(Sighting {
        seal: Seal::Forged,
        ..seen(&c, T0 + 2 * MINUTE, None, device(2))
    });
    let a = forged_label(&c, &s).unwrap();
    assert_eq!(a.rule, AnomalyRule::BadSignature);
    assert_eq!((a.since, a.event), (Timestamp(T0 + 2 * MINUTE), None));
    assert!(a.en.contains("dev2"), "{}", a.en);
    assert_eq!(forged_label(&other_code(), &s), None);
}

#[test]
fn all_sighting_rules_together_in_time_order() {
    let c = code();
    let cfg = AnomalyConfig::default();
    let s = [
        seen(&c, T0, Some(FUZHOU), device(1)),
        Sighting {
            seal: Seal::Forged,
            ..seen(&c, T0 + 5 * MINUTE, Some(XIAMEN), device(2))
        },
    ];
    let now = Timestamp(T0 + 100 * HOUR);
    let rules: Vec<AnomalyRule> = sighting_anomalies(&c, false, &s, now, &cfg)
        .iter()
        .map(|a| a.rule)
        .collect();
    assert_eq!(
        rules,
        // The forged scan and the move both at T0 + 5 min (in the rules' order), then the
        // end of the grace.
        vec![
            AnomalyRule::BadSignature,
            AnomalyRule::TwoPlaces,
            AnomalyRule::UnseenLabel
        ]
    );
    assert!(sighting_anomalies(&c, true, &s[..1], now, &cfg).is_empty());
}

#[test]
fn seals_round_trip_by_name() {
    for s in [Seal::Genuine, Seal::Forged, Seal::Unchecked] {
        assert_eq!(Seal::parse(s.as_str()), Some(s));
    }
    assert_eq!(Seal::parse("valid"), None);
}

#[test]
fn only_forged_labels_of_an_unregistered_code_are_a_bad_signature_not_an_unseen_label() {
    // Anyone can print a code: labels of it that no device of its producer signed say
    // nothing of whether the producer printed one, only that someone forged it.
    let c = code();
    let cfg = AnomalyConfig::default();
    let forged = |at: i64| Sighting {
        seal: Seal::Forged,
        ..seen(&c, at, None, Sighter::PublicPage)
    };
    let late = Timestamp(T0 + 100 * HOUR);
    let s = vec![forged(T0), forged(T0 + HOUR)];
    assert_eq!(unseen_label_due(&c, false, &s, &cfg), None);
    assert_eq!(unseen_label(&c, false, &s, late, &cfg), None);
    assert_eq!(
        next_sighting_deadline(&c, false, &s, Timestamp(T0), &cfg),
        None
    );
    let rules: Vec<AnomalyRule> = sighting_anomalies(&c, false, &s, late, &cfg)
        .iter()
        .map(|a| a.rule)
        .collect();
    assert_eq!(rules, vec![AnomalyRule::BadSignature]);

    // A real label scanned later: its grace runs from that scan, which alone is counted.
    let mut s = s;
    s.push(seen(&c, T0 + 2 * HOUR, None, Sighter::PublicPage));
    let due = Timestamp(T0 + 2 * HOUR + cfg.unseen_grace_ms);
    assert_eq!(unseen_label_due(&c, false, &s, &cfg), Some(due));
    assert_eq!(
        unseen_label(&c, false, &s, Timestamp(due.0 - 1), &cfg),
        None
    );
    let a = unseen_label(&c, false, &s, due, &cfg).unwrap();
    assert_eq!(a.since, due);
    assert!(a.en.contains("1 scan(s)"), "{}", a.en);
}

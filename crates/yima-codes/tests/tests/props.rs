//! Property tests: round trips, the credit code's error detection, parsers never panic,
//! sequence blocks.

use chrono::NaiveDate;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::fmt::Debug;
use std::str::FromStr;
use yima_codes::*;

/// The 31 symbols of a credit code.
const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn credit_first17() -> impl Strategy<Value = String> {
    let sym = || proptest::sample::select(CREDIT_ALPHABET.chars().collect::<Vec<_>>());
    let digit = || proptest::char::range('0', '9');
    (
        proptest::collection::vec(sym(), 2),
        proptest::collection::vec(digit(), 6),
        proptest::collection::vec(sym(), 9),
    )
        .prop_map(|(a, b, c)| a.into_iter().chain(b).chain(c).collect())
}

fn credit_code() -> impl Strategy<Value = CreditCode> {
    credit_first17().prop_map(|s| CreditCode::with_check(&s).unwrap())
}

fn category() -> impl Strategy<Value = Category> {
    proptest::sample::select(Category::all().collect::<Vec<_>>())
}

fn waste_code() -> impl Strategy<Value = WasteCode> {
    (0u16..1000, 0u16..1000, category())
        .prop_map(|(i, s, c)| format!("{i:03}{s:03}{:02}", c.number()).parse().unwrap())
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i32..=9999, 1u32..=366).prop_filter_map("real date", |(y, d)| NaiveDate::from_yo_opt(y, d))
}

fn hazard_set() -> impl Strategy<Value = HazardSet> {
    proptest::collection::vec(any::<bool>(), 5).prop_map(|bits| {
        Hazard::all()
            .into_iter()
            .zip(bits)
            .filter(|(_, b)| *b)
            .map(|(h, _)| h)
            .collect()
    })
}

/// Notations the catalogue can write: one certain hazard and any others possible, or
/// nothing certain and at least two possible.
fn hazard_notation() -> impl Strategy<Value = HazardNotation> {
    (
        proptest::sample::select(Hazard::all().to_vec()),
        hazard_set(),
        any::<bool>(),
    )
        .prop_filter_map("notation", |(first, rest, slash)| {
            let mut certain = HazardSet::default();
            let mut possible: HazardSet = rest.iter().filter(|h| *h != first).collect();
            if slash {
                possible.insert(first);
                (possible.len() >= 2).then_some(HazardNotation { certain, possible })
            } else {
                certain.insert(first);
                Some(HazardNotation { certain, possible })
            }
        })
}

fn batch_kind() -> impl Strategy<Value = BatchKind> {
    proptest::sample::select(BatchKind::all().to_vec())
}

/// Display, parse, serde: all give back the same value.
fn round_trip<T>(value: &T)
where
    T: Debug
        + PartialEq
        + std::fmt::Display
        + FromStr<Err = CodeError>
        + serde::Serialize
        + serde::de::DeserializeOwned,
{
    let text = value.to_string();
    assert_eq!(
        &text.parse::<T>().unwrap_or_else(|e| panic!("{text}: {e}")),
        value
    );
    let json = serde_json::to_string(value).unwrap();
    assert_eq!(json, serde_json::to_string(&text).unwrap());
    assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value);
}

/// Characters that exercise every parser: digits, code letters, separators, lowercase,
/// multi-byte and whitespace.
fn messy_string(len: impl Into<proptest::collection::SizeRange>) -> impl Strategy<Value = String> {
    let chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-/,hw废物３ \t\u{301}";
    proptest::collection::vec(
        proptest::sample::select(chars.chars().collect::<Vec<_>>()),
        len,
    )
    .prop_map(|v| v.into_iter().collect())
}

/// Every parser on `s`: must return, never panic; errors must have a message.
fn parse_all(s: &str) {
    fn one<T: FromStr<Err = CodeError>>(s: &str) {
        if let Err(e) = s.parse::<T>() {
            assert!(!e.message(Lang::Zh).is_empty() && !e.to_string().is_empty());
            assert_eq!(e.input(), s);
        }
    }
    one::<CreditCode>(s);
    one::<WasteCode>(s);
    one::<Category>(s);
    one::<Hazard>(s);
    one::<HazardSet>(s);
    one::<HazardNotation>(s);
    one::<LabelCode>(s);
    one::<SequenceBlock>(s);
    one::<ManifestNumber>(s);
    one::<BatchCode>(s);
    let _ = Catalogue::parse("x", s);
}

proptest! {
    #[test]
    fn credit_code_round_trips(code in credit_code()) {
        round_trip(&code);
    }

    #[test]
    fn credit_code_catches_every_single_substitution(
        code in credit_code(),
        position in 0usize..18,
        replacement in proptest::sample::select(CREDIT_ALPHABET.chars().collect::<Vec<_>>()),
    ) {
        let mut chars: Vec<char> = code.as_str().chars().collect();
        prop_assume!(chars[position] != replacement);
        chars[position] = replacement;
        let changed: String = chars.into_iter().collect();
        prop_assert!(changed.parse::<CreditCode>().is_err(), "{} -> {}", code, changed);
    }

    #[test]
    fn credit_code_catches_adjacent_transpositions(code in credit_code(), position in 0usize..16) {
        let mut chars: Vec<char> = code.as_str().chars().collect();
        prop_assume!(chars[position] != chars[position + 1]);
        chars.swap(position, position + 1);
        let changed: String = chars.into_iter().collect();
        prop_assert!(changed.parse::<CreditCode>().is_err(), "{} -> {}", code, changed);
    }

    #[test]
    fn waste_code_round_trips(code in waste_code()) {
        round_trip(&code);
        prop_assert_eq!(code.digits().parse::<WasteCode>().unwrap(), code.clone());
        prop_assert_eq!(code.category().unwrap().number().to_string().len() <= 2, true);
        prop_assert_eq!(format!("{}{}{:02}", code.industry(), code.sequence(), code.category().unwrap().number()), code.digits());
    }

    #[test]
    fn category_round_trips(c in category()) {
        round_trip(&c);
        prop_assert_eq!(Category::new(c.number()).unwrap(), c);
    }

    #[test]
    fn hazards_round_trip(set in hazard_set(), notation in hazard_notation()) {
        round_trip(&set);
        prop_assert_eq!(set.iter().count(), set.len());
        round_trip(&notation);
        prop_assert_eq!(notation.default_hazards(), notation.certain.union(notation.possible));
    }

    #[test]
    fn label_code_round_trips(p in credit_code(), w in waste_code(), d in date(), seq in 1u16..=999) {
        let code = LabelCode::new(p.clone(), w.clone(), d, seq).unwrap();
        prop_assert_eq!(code.as_str().len(), 37);
        round_trip(&code);
        prop_assert_eq!((code.producer(), code.waste_code(), code.date(), code.sequence()), (&p, &w, d, seq));
    }

    #[test]
    fn manifest_number_round_trips(
        year in 2000u16..=2099,
        province in proptest::sample::select(PROVINCE_CODES.to_vec()),
        city in 1u8..=99,
        serial in 1u32..=999_999,
    ) {
        let n = ManifestNumber::new(year, province, city, serial).unwrap();
        round_trip(&n);
        prop_assert_eq!((n.year(), n.province(), n.city(), n.serial()), (year, province, city, serial));
    }

    #[test]
    fn batch_code_round_trips(kind in batch_kind(), d in date(), serial in 1u32..=999_999) {
        let code = BatchCode::new(kind, d, serial).unwrap();
        round_trip(&code);
        prop_assert_eq!((code.kind(), code.date(), code.serial()), (kind, d, serial));
    }

    #[test]
    fn sequence_block_round_trips(a in 1u16..=999, b in 1u16..=999) {
        let block = SequenceBlock::new(a.min(b), a.max(b)).unwrap();
        round_trip(&block);
    }

    #[test]
    fn parsers_never_panic(s in messy_string(0..40), any in ".{0,40}") {
        parse_all(&s);
        parse_all(&any);
    }

    #[test]
    fn label_code_parse_never_panics(s in messy_string(37), valid in credit_code()) {
        prop_assert_eq!(s.chars().count(), 37);
        parse_all(&s);
        // A valid producer segment, so the later segments are reached too.
        let s: String = valid.as_str().chars().chain(s.chars().skip(18)).collect();
        parse_all(&s);
    }

    #[test]
    fn label_code_parse_never_panics_any_chars(s in ".{37}") {
        parse_all(&s);
    }

    #[test]
    fn label_code_parse_of_mutated_valid_code(
        p in credit_code(), w in waste_code(), d in date(), seq in 1u16..=999,
        position in 0usize..37, c in proptest::char::any(),
    ) {
        let code = LabelCode::new(p, w, d, seq).unwrap();
        let mut chars: Vec<char> = code.as_str().chars().collect();
        chars[position] = c;
        let s: String = chars.into_iter().collect();
        if let Err(e) = s.parse::<LabelCode>() {
            if let CodeErrorKind::Character { position: at, found, .. } = e.kind() {
                prop_assert_eq!((*at, *found), (position + 1, c));
            }
        }
    }

    #[test]
    fn next_free_is_free_and_smallest(
        first in 1u16..=999,
        len in 1u16..12,
        used_in_block in proptest::collection::vec(any::<bool>(), 12),
        extra in proptest::collection::btree_set(0u16..1100, 0..20),
    ) {
        let block = SequenceBlock::new(first, (first + len - 1).min(999)).unwrap();
        let mut used = extra;
        for (n, u) in (block.first()..=block.last()).zip(used_in_block) {
            if u {
                used.insert(n);
            }
        }
        let full = (block.first()..=block.last()).all(|n| used.contains(&n));
        match block.next_free(&used) {
            Ok(n) => {
                prop_assert!(!full);
                prop_assert!(block.contains(n) && !used.contains(&n));
                prop_assert!((block.first()..n).all(|m| used.contains(&m)));
            }
            Err(e) => {
                prop_assert!(full);
                prop_assert_eq!(e.kind(), &CodeErrorKind::SequenceExhausted { first: block.first(), last: block.last() });
            }
        }
    }
}

#[test]
fn credit_code_every_substitution_of_the_examples() {
    for code in ["91350100M000100Y43", "91130200699229617X"] {
        for position in 0..18 {
            for c in CREDIT_ALPHABET.chars() {
                let mut chars: Vec<char> = code.chars().collect();
                if chars[position] == c {
                    continue;
                }
                chars[position] = c;
                let changed: String = chars.into_iter().collect();
                assert!(changed.parse::<CreditCode>().is_err(), "{changed}");
            }
        }
    }
}

#[test]
fn split_blocks_are_disjoint_and_cover_everything() {
    for count in 1..=999u16 {
        let mut next = 1;
        for index in 0..count {
            let block = SequenceBlock::split(index, count).unwrap();
            assert_eq!(block.first(), next, "{index}/{count}");
            assert!(block.len() >= 999 / count);
            next = block.last() + 1;
        }
        assert_eq!(next, 1000, "count {count}");
        assert!(SequenceBlock::split(count, count).is_err());
    }
}

#[test]
fn full_block_exhausts() {
    let used: BTreeSet<u16> = (1..=999).collect();
    assert!(SequenceBlock::FULL.next_free(&used).is_err());
    let used: BTreeSet<u16> = (1..=998).collect();
    assert_eq!(SequenceBlock::FULL.next_free(&used).unwrap(), 999);
}

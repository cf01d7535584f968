//! The embedded 2021 edition against the published tables in the shared data folder.

use std::collections::BTreeMap;
use yima_codes::{Catalogue, Category, HazardNotation, WasteCode};

const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/catalogue/"
);

/// Splits CSV text (quoted fields, doubled quotes, CRLF) into records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quote");
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// Reads a shared CSV file as maps from column name to value; fails loudly if missing.
fn read(name: &str) -> Vec<BTreeMap<String, String>> {
    let path = format!("{SOURCE}{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("cannot read the published catalogue table {path}: {e}. This test needs the shared data folder (/work/shared/data/catalogue) beside the workspace.")
    });
    let mut records = parse_csv(&text).into_iter();
    let header = records.next().expect("header");
    records
        .map(|r| {
            assert_eq!(r.len(), header.len(), "{name}: {r:?}");
            header.iter().cloned().zip(r).collect()
        })
        .collect()
}

#[test]
fn embedded_2021_matches_published_table() {
    let rows = read("hw_catalogue_2021.csv");
    let catalogue = Catalogue::embedded("2021").expect("2021 edition embedded");
    assert_eq!(rows.len(), 467);
    assert_eq!(catalogue.entries().len(), rows.len());
    for (row, entry) in rows.iter().zip(catalogue.entries()) {
        let code: WasteCode = row["waste_code"].parse().unwrap();
        assert_eq!(entry.code, code, "order");
        assert_eq!(catalogue.get(&code), Some(entry));
        assert_eq!(entry.category.to_string(), row["category"], "{code}");
        assert_eq!(entry.category_name, row["category_name"], "{code}");
        assert_eq!(entry.industry, row["industry"], "{code}");
        assert_eq!(entry.description, row["description"], "{code}");
        let hazards: HazardNotation = row["hazard"].parse().unwrap();
        assert_eq!(entry.hazards, hazards, "{code}");
        assert_eq!(
            code.category().unwrap(),
            entry.category,
            "{code}: suffix and category"
        );
    }
}

#[test]
fn categories_match_published_table() {
    let rows = read("hw_categories_2021.csv");
    let catalogue = Catalogue::embedded("2021").expect("2021 edition embedded");
    assert_eq!(rows.len(), 46);
    assert_eq!(catalogue.categories().len(), 46);
    assert_eq!(catalogue.categories(), Category::all().collect::<Vec<_>>());
    for row in rows {
        let category: Category = row["category"].parse().unwrap();
        assert_eq!(
            catalogue.category_name(category),
            Some(row["category_name"].as_str())
        );
        let n: usize = row["entries"].parse().unwrap();
        assert_eq!(catalogue.in_category(category).len(), n, "{category}");
        assert_eq!(
            catalogue.search(&category.to_string()).len(),
            n,
            "{category}"
        );
    }
}

#[test]
fn every_hazard_notation_of_the_table_parses() {
    let mut seen = BTreeMap::new();
    for row in read("hw_catalogue_2021.csv") {
        let notation: HazardNotation = row["hazard"].parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(!notation.default_hazards().is_empty());
        *seen.entry(row["hazard"].clone()).or_insert(0) += 1;
        let back: HazardNotation = notation.to_string().parse().unwrap();
        assert_eq!(back, notation);
    }
    assert_eq!(seen.len(), 17, "{seen:?}");
}

#[test]
fn every_embedded_edition_is_valid() {
    let editions = Catalogue::embedded_editions();
    assert!(editions.windows(2).all(|w| w[0] < w[1]));
    for edition in &editions {
        let c = Catalogue::embedded(edition).unwrap();
        assert!(c
            .entries()
            .iter()
            .all(|e| e.code.category().unwrap() == e.category));
    }
    assert_eq!(Catalogue::latest().edition(), *editions.last().unwrap());
}

//! The shipped 2021 edition (`catalogue/2021.tsv`) on its own, and against the published
//! tables in the shared data folder beside the checkout (skipped, saying so, without it).

use std::collections::BTreeMap;
use yima_codes::{Catalogue, Category, HazardNotation, WasteCode};

/// The shipped edition's own file, as the crate embeds it.
const SHIPPED: &str = include_str!("../../catalogue/2021.tsv");

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

/// Reads a published CSV table of the shared folder as maps from column name to value, or
/// `None` (having said so) when the shared folder is not beside the checkout.
fn read(name: &str, test: &str) -> Option<Vec<BTreeMap<String, String>>> {
    let path = yima_testdata::shared(&format!("data/catalogue/{name}"), test)?;
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the published table {}: {e}", path.display()));
    let mut records = parse_csv(&text).into_iter();
    let header = records.next().expect("header");
    Some(
        records
            .map(|r| {
                assert_eq!(r.len(), header.len(), "{name}: {r:?}");
                header.iter().cloned().zip(r).collect()
            })
            .collect(),
    )
}

#[test]
fn embedded_2021_matches_published_table() {
    let Some(rows) = read(
        "hw_catalogue_2021.csv",
        "embedded_2021_matches_published_table",
    ) else {
        return;
    };
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
    let Some(rows) = read("hw_categories_2021.csv", "categories_match_published_table") else {
        return;
    };
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

/// The shipped file by itself: 467 entries in 46 categories, each row's code, category and
/// hazard notation well formed and consistent.
#[test]
fn the_shipped_2021_file_holds_467_entries_in_46_categories() {
    let mut seen = BTreeMap::new();
    let mut categories = std::collections::BTreeSet::new();
    let rows: Vec<Vec<&str>> = SHIPPED
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 467);
    for row in &rows {
        let code: WasteCode = row[0].parse().unwrap_or_else(|e| panic!("{e}"));
        let category: Category = row[1].parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(code.category().unwrap(), category, "{code}");
        categories.insert(category);
        let notation: HazardNotation = row[4].parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(!notation.default_hazards().is_empty());
        *seen.entry(row[4]).or_insert(0) += 1;
        let back: HazardNotation = notation.to_string().parse().unwrap();
        assert_eq!(back, notation);
    }
    assert_eq!(categories.len(), 46);
    assert_eq!(seen.len(), 17, "{seen:?}");
    let catalogue = Catalogue::embedded("2021").expect("2021 edition embedded");
    assert_eq!(catalogue.entries().len(), 467);
    assert_eq!(catalogue.categories().len(), 46);
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

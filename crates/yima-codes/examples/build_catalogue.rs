//! Converts the published catalogue tables into this crate's data file.
//!
//! ```text
//! cargo run -p yima-codes --example build_catalogue -- [EDITION] [SOURCE_DIR]
//! ```
//!
//! Reads `SOURCE_DIR/hw_catalogue_EDITION.csv` (columns category, category_name, industry,
//! waste_code, description, hazard, page) and `SOURCE_DIR/hw_categories_EDITION.csv`
//! (category, category_name, entries), cross-checks them, and writes
//! `catalogue/EDITION.tsv` in this crate. EDITION defaults to 2021 and SOURCE_DIR to the
//! workspace's `../shared/data/catalogue`. The crate embeds every `catalogue/*.tsv` on its
//! next build.

use std::collections::BTreeMap;
use std::error::Error;
use std::fs;
use std::path::PathBuf;
use yima_codes::Catalogue;

/// Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into records.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
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
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// Reads a CSV file as maps from column name to value, checking the columns.
fn read_table(
    path: &PathBuf,
    columns: &[&str],
) -> Result<Vec<BTreeMap<String, String>>, Box<dyn Error>> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut records = parse_csv(text.trim_start_matches('\u{feff}'))?.into_iter();
    let header = records
        .next()
        .ok_or_else(|| format!("{}: empty", path.display()))?;
    if header != columns {
        return Err(format!(
            "{}: columns {header:?}, expected {columns:?}",
            path.display()
        )
        .into());
    }
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        if record.len() != columns.len() {
            return Err(format!(
                "{} record {}: {} fields",
                path.display(),
                i + 2,
                record.len()
            )
            .into());
        }
        rows.push(header.iter().cloned().zip(record).collect());
    }
    Ok(rows)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let edition = args.next().unwrap_or_else(|| "2021".into());
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let source = args.next().map_or_else(
        || manifest.join("../../../shared/data/catalogue"),
        PathBuf::from,
    );

    let entry_columns = [
        "category",
        "category_name",
        "industry",
        "waste_code",
        "description",
        "hazard",
        "page",
    ];
    let entries = read_table(
        &source.join(format!("hw_catalogue_{edition}.csv")),
        &entry_columns,
    )?;
    let categories = read_table(
        &source.join(format!("hw_categories_{edition}.csv")),
        &["category", "category_name", "entries"],
    )?;

    let mut out = format!("# edition {edition}\n");
    let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (i, row) in entries.iter().enumerate() {
        let mut fields = Vec::new();
        for column in [
            "waste_code",
            "category",
            "category_name",
            "industry",
            "hazard",
            "description",
        ] {
            let value = &row[column];
            if value.contains(['\t', '\n', '\r']) || value.trim() != value || value.is_empty() {
                return Err(format!("record {}: field {column} is empty or has tabs, newlines or outer spaces: {value:?}", i + 2).into());
            }
            fields.push(value.as_str());
        }
        out.push_str(&fields.join("\t"));
        out.push('\n');
        let count = counts
            .entry(row["category"].clone())
            .or_insert((row["category_name"].clone(), 0));
        count.1 += 1;
    }
    for row in &categories {
        let listed: usize = row["entries"].parse()?;
        match counts.remove(&row["category"]) {
            Some((name, n)) if name == row["category_name"] && n == listed => {}
            found => return Err(format!("category {}: categories table says {} with {listed} entries, catalogue has {found:?}", row["category"], row["category_name"]).into()),
        }
    }
    if !counts.is_empty() {
        return Err(format!("categories missing from the categories table: {counts:?}").into());
    }

    // The crate's own parser must accept the result.
    let catalogue = Catalogue::parse(&edition, &out)?;
    let target = manifest.join("catalogue").join(format!("{edition}.tsv"));
    fs::write(&target, &out)?;
    println!(
        "wrote {}: {} entries in {} categories",
        target.display(),
        catalogue.entries().len(),
        catalogue.categories().len()
    );
    Ok(())
}

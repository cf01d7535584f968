//! The national catalogue of hazardous wastes (国家危险废物名录), as versioned data.
//!
//! Each edition is a file `catalogue/EDITION.tsv` embedded at build time: a header line
//! `# edition EDITION`, then one line per entry with 6 tab-separated fields
//! `waste_code category category_name industry hazard description`. Other lines starting
//! with `#` and blank lines are ignored.

use crate::catalogue_error::{CatalogueError, CatalogueErrorKind};
use crate::search::Term;
use crate::{Category, HazardNotation, WasteCode};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

include!(concat!(env!("OUT_DIR"), "/catalogue_editions.rs"));

/// The names of the fields of a data line, in order.
const FIELDS: [&str; 6] = [
    "waste_code",
    "category",
    "category_name",
    "industry",
    "hazard",
    "description",
];

/// One entry of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    /// The waste code (废物代码).
    pub code: WasteCode,
    /// The category (废物类别).
    pub category: Category,
    /// The category's name, e.g. 废矿物油与含矿物油废物.
    pub category_name: String,
    /// The industry source (行业来源), e.g. 非特定行业.
    pub industry: String,
    /// The description (危险废物).
    pub description: String,
    /// The hazard characteristics (危险特性).
    pub hazards: HazardNotation,
}

/// One edition of the national catalogue.
///
/// ```
/// use yima_codes::Catalogue;
/// let catalogue = Catalogue::latest();
/// let found = catalogue.search("HW08 废矿物油 900-2");
/// assert!(!found.is_empty());
/// assert!(found.iter().all(|e| e.category.number() == 8 && e.code.digits().starts_with("9002")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    edition: String,
    entries: Vec<CatalogueEntry>,
    index: HashMap<WasteCode, usize>,
}

impl Catalogue {
    /// Parses an edition from the data file format (see the module documentation). The
    /// header must name `edition`.
    pub fn parse(edition: &str, text: &str) -> Result<Catalogue, CatalogueError> {
        let error = |line, field, kind| CatalogueError {
            edition: edition.to_string(),
            line,
            field,
            kind: Box::new(kind),
        };
        let mut lines = text
            .lines()
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .enumerate();
        let header = lines.next().and_then(|(_, l)| l.strip_prefix("# edition "));
        match header.map(str::trim) {
            None | Some("") => return Err(error(1, None, CatalogueErrorKind::MissingHeader)),
            Some(h) if h != edition => {
                return Err(error(
                    1,
                    None,
                    CatalogueErrorKind::EditionMismatch { header: h.into() },
                ))
            }
            Some(_) => {}
        }
        let mut entries = Vec::new();
        let mut index = HashMap::new();
        let mut lines_of: Vec<usize> = Vec::new();
        let mut names: HashMap<Category, String> = HashMap::new();
        let mut last_line = 1;
        for (i, line) in lines {
            let n = i + 1;
            last_line = n;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() != FIELDS.len() {
                return Err(error(
                    n,
                    None,
                    CatalogueErrorKind::FieldCount {
                        found: fields.len(),
                    },
                ));
            }
            if let Some(empty) = fields.iter().position(|f| f.trim().is_empty()) {
                return Err(error(
                    n,
                    Some(FIELDS[empty]),
                    CatalogueErrorKind::EmptyField,
                ));
            }
            let code_error =
                |f: usize| move |e| error(n, Some(FIELDS[f]), CatalogueErrorKind::Code(e));
            let code: WasteCode = fields[0].parse().map_err(code_error(0))?;
            let category: Category = fields[1].parse().map_err(code_error(1))?;
            let hazards: HazardNotation = fields[4].parse().map_err(code_error(4))?;
            if code.category().ok() != Some(category) {
                let kind = CatalogueErrorKind::CategoryMismatch { code, category };
                return Err(error(n, Some(FIELDS[1]), kind));
            }
            let name = names
                .entry(category)
                .or_insert_with(|| fields[2].to_string());
            if name != fields[2] {
                let kind = CatalogueErrorKind::CategoryName {
                    expected: name.clone(),
                };
                return Err(error(n, Some(FIELDS[2]), kind));
            }
            if let Some(&earlier) = index.get(&code) {
                let kind = CatalogueErrorKind::DuplicateCode {
                    code,
                    first_line: lines_of[earlier],
                };
                return Err(error(n, Some(FIELDS[0]), kind));
            }
            index.insert(code.clone(), entries.len());
            lines_of.push(n);
            entries.push(CatalogueEntry {
                code,
                category,
                category_name: fields[2].to_string(),
                industry: fields[3].to_string(),
                description: fields[5].to_string(),
                hazards,
            });
        }
        if entries.is_empty() {
            return Err(error(last_line, None, CatalogueErrorKind::NoEntries));
        }
        Ok(Catalogue {
            edition: edition.to_string(),
            entries,
            index,
        })
    }

    /// The editions embedded in this build, sorted, e.g. `["2021"]`.
    pub fn embedded_editions() -> Vec<&'static str> {
        EMBEDDED.iter().map(|(edition, _)| *edition).collect()
    }

    /// An embedded edition, or `None` if it is not embedded.
    ///
    /// # Panics
    /// If the embedded data file is invalid (the crate's tests parse every embedded edition).
    pub fn embedded(edition: &str) -> Option<Catalogue> {
        let (_, text) = EMBEDDED.iter().find(|(e, _)| *e == edition)?;
        match Catalogue::parse(edition, text) {
            Ok(c) => Some(c),
            Err(e) => panic!("embedded catalogue is invalid: {e}"),
        }
    }

    /// The highest embedded edition (edition names sort as years do).
    pub fn latest() -> Catalogue {
        let (edition, _) = EMBEDDED
            .last()
            .expect("build.rs embeds at least one edition");
        Catalogue::embedded(edition).expect("embedded edition")
    }

    /// The edition's name, e.g. "2021".
    pub fn edition(&self) -> &str {
        &self.edition
    }

    /// Every entry, in catalogue order.
    pub fn entries(&self) -> &[CatalogueEntry] {
        &self.entries
    }

    /// The entry of a waste code.
    pub fn get(&self, code: &WasteCode) -> Option<&CatalogueEntry> {
        self.index.get(code).map(|&i| &self.entries[i])
    }

    /// The entries of a category, in catalogue order.
    pub fn in_category(&self, category: Category) -> Vec<&CatalogueEntry> {
        self.entries
            .iter()
            .filter(|e| e.category == category)
            .collect()
    }

    /// The categories that have entries, in order.
    pub fn categories(&self) -> Vec<Category> {
        let mut out: Vec<Category> = self.entries.iter().map(|e| e.category).collect();
        out.sort();
        out.dedup();
        out
    }

    /// The name of a category in this edition.
    pub fn category_name(&self, category: Category) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.category == category)
            .map(|e| e.category_name.as_str())
    }

    /// Searches the catalogue. Each whitespace-separated term is a waste code or its prefix
    /// (`900-041-49`, `90004149`, `900-041`), a category (`HW08`, any case), or otherwise
    /// text found in the description, category name or industry (`废矿物油`, `电镀`; ASCII
    /// letters in any case). Entries matching every term are returned in catalogue order;
    /// an empty query returns every entry.
    pub fn search(&self, query: &str) -> Vec<&CatalogueEntry> {
        let terms: Vec<Term> = query.split_whitespace().map(Term::new).collect();
        self.entries
            .iter()
            .filter(|e| terms.iter().all(|t| t.matches(e)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CodeKind, Lang};

    fn code(s: &str) -> WasteCode {
        s.parse().unwrap()
    }

    #[test]
    fn embedded() {
        assert_eq!(Catalogue::embedded_editions(), vec!["2021"]);
        assert!(Catalogue::embedded("1999").is_none());
        for edition in Catalogue::embedded_editions() {
            let c = Catalogue::embedded(edition).unwrap();
            assert_eq!(c.edition(), edition);
        }
        let c = Catalogue::latest();
        assert_eq!(c.edition(), "2021");
        assert_eq!(c.entries().len(), 467);
        assert_eq!(c.categories().len(), 46);
        let e = c.get(&code("900-041-49")).unwrap();
        assert_eq!(e.category, Category::new(49).unwrap());
        assert_eq!(e.category_name, "其他废物");
        assert_eq!(e.hazards.to_string(), "T/In");
        assert_eq!(c.in_category(Category::new(1).unwrap()).len(), 5);
        assert_eq!(
            c.category_name(Category::new(8).unwrap()),
            Some("废矿物油与含矿物油废物")
        );
        assert!(c.get(&code("900-001-49")).is_none());
    }

    const HEAD: &str = "# edition 2030\n";
    const LINE: &str = "900-041-49\tHW49\t其他废物\t非特定行业\tT/In\t废弃包装物\n";

    fn error(text: &str) -> CatalogueError {
        Catalogue::parse("2030", text).unwrap_err()
    }

    #[test]
    fn parse_ok() {
        let text = format!("{HEAD}# a comment\n\n{LINE}");
        let c = Catalogue::parse("2030", &text).unwrap();
        assert_eq!(c.edition(), "2030");
        assert_eq!(c.entries().len(), 1);
        assert!(Catalogue::parse("2030", &text.replace('\n', "\r\n")).is_ok());
    }

    #[test]
    fn parse_errors() {
        let e = error(LINE);
        assert_eq!(
            (e.line(), e.kind()),
            (1, &CatalogueErrorKind::MissingHeader)
        );
        let e = error(&format!("# edition 2021\n{LINE}"));
        assert_eq!(
            e.kind(),
            &CatalogueErrorKind::EditionMismatch {
                header: "2021".into()
            }
        );
        assert_eq!(error(HEAD).kind(), &CatalogueErrorKind::NoEntries);

        let e = error(&format!("{HEAD}{LINE}{}", LINE.replace("\tT/In", "")));
        assert_eq!(
            (e.line(), e.kind()),
            (3, &CatalogueErrorKind::FieldCount { found: 5 })
        );
        assert_eq!(
            e.to_string(),
            "catalogue 2030, line 3: expected 6 tab-separated fields, found 5"
        );

        let e = error(&format!("{HEAD}{}", LINE.replace("T/In", "T/X")));
        assert_eq!((e.line(), e.field()), (2, Some("hazard")));
        assert!(matches!(e.kind(), CatalogueErrorKind::Code(c) if c.code() == CodeKind::Hazard));
        assert_eq!(
            e.to_string(),
            "catalogue 2030, line 2, field hazard: hazard characteristics T/X: \
             at position 3, found X, expected one of T, C, I, R, In"
        );
        assert_eq!(
            e.message(Lang::Zh),
            "名录 2030 版第 2 行危险特性字段：危险特性 T/X：第 3 位为 X，应为T、C、I、R、In 之一"
        );

        let e = error(&format!("{HEAD}{}", LINE.replace("HW49", "HW08")));
        assert_eq!(e.field(), Some("category"));
        assert!(matches!(
            e.kind(),
            CatalogueErrorKind::CategoryMismatch { .. }
        ));
        let e = error(&format!(
            "{HEAD}{}",
            LINE.replace("900-041-49", "900-041-42")
        ));
        assert_eq!(e.field(), Some("waste_code"));
        let e = error(&format!("{HEAD}{}", LINE.replace("非特定行业", " ")));
        assert_eq!(
            (e.field(), e.kind()),
            (Some("industry"), &CatalogueErrorKind::EmptyField)
        );
        let e = error(&format!(
            "{HEAD}{LINE}{}",
            LINE.replace("其他废物", "其它废物").replace("041", "042")
        ));
        assert_eq!(
            e.kind(),
            &CatalogueErrorKind::CategoryName {
                expected: "其他废物".into()
            }
        );
        let e = error(&format!("{HEAD}{LINE}\n{LINE}"));
        assert_eq!(e.line(), 4);
        assert_eq!(
            e.kind(),
            &CatalogueErrorKind::DuplicateCode {
                code: code("900-041-49"),
                first_line: 2
            }
        );
        assert_eq!(
            e.message(Lang::Zh),
            "名录 2030 版第 4 行废物代码字段：废物代码 900-041-49 已在第 2 行出现"
        );
    }
}

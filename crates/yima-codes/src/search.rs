//! Search terms of [`Catalogue::search`](crate::Catalogue::search).

use crate::{CatalogueEntry, Category};

/// One search term, classified.
pub(crate) enum Term {
    /// `HWnn` in any case; `None` for a category that does not exist (matches nothing).
    Category(Option<Category>),
    /// A waste code or its prefix (`900-041`, `900041`), as digits.
    CodePrefix(String),
    /// Anything else, lowercased: a substring of description, category name or industry.
    Text(String),
}

impl Term {
    /// Classifies one whitespace-free term.
    pub(crate) fn new(term: &str) -> Term {
        let b = term.as_bytes();
        if b.len() == 4
            && b[..2].eq_ignore_ascii_case(b"HW")
            && b[2..].iter().all(u8::is_ascii_digit)
        {
            return Term::Category(term.to_ascii_uppercase().parse().ok());
        }
        let code_like = !b.is_empty()
            && b.len() <= 10
            && b.iter().enumerate().all(|(i, c)| match i {
                3 | 7 => *c == b'-' || (c.is_ascii_digit() && !term.contains('-')),
                _ => c.is_ascii_digit(),
            });
        if code_like {
            let digits: String = term.chars().filter(char::is_ascii_digit).collect();
            if digits.len() <= 8 {
                return Term::CodePrefix(digits);
            }
        }
        Term::Text(term.to_lowercase())
    }

    /// Whether an entry matches the term.
    pub(crate) fn matches(&self, e: &CatalogueEntry) -> bool {
        match self {
            Term::Category(c) => Some(e.category) == *c,
            Term::CodePrefix(digits) => e.code.digits().starts_with(digits.as_str()),
            Term::Text(t) => [&e.description, &e.category_name, &e.industry]
                .iter()
                .any(|field| field.to_lowercase().contains(t.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Term;
    use crate::{Catalogue, Category};

    #[test]
    fn classify() {
        let kind = |s: &str| match Term::new(s) {
            Term::Category(c) => format!("category {c:?}"),
            Term::CodePrefix(d) => format!("code {d}"),
            Term::Text(t) => format!("text {t}"),
        };
        assert_eq!(kind("hW08"), "category Some(Category(8))");
        assert_eq!(kind("HW42"), "category None");
        assert_eq!(kind("900-"), "code 900");
        assert_eq!(kind("900-041-49"), "code 90004149");
        assert_eq!(kind("900041"), "code 900041");
        assert_eq!(kind("9000-41"), "text 9000-41");
        assert_eq!(kind("900-04149"), "text 900-04149");
        assert_eq!(kind("123456789"), "text 123456789");
        assert_eq!(kind("2,4-D"), "text 2,4-d");
        assert_eq!(kind("PCBs"), "text pcbs");
    }

    #[test]
    fn search() {
        let c = Catalogue::latest();
        let codes = |q: &str| {
            c.search(q)
                .iter()
                .map(|e| e.code.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes("900-041-49"), ["900-041-49"]);
        assert_eq!(codes("90004149"), ["900-041-49"]);
        assert_eq!(codes("900-041"), ["900-041-49"]);
        assert_eq!(c.search("hw08").len(), 32);
        assert_eq!(c.search("HW08"), c.in_category(Category::new(8).unwrap()));
        assert!(c.search("HW42").is_empty());
        assert_eq!(c.search("").len(), 467);
        let oil = c.search("废矿物油");
        assert!(
            oil.len() >= 32
                && oil
                    .iter()
                    .all(|e| e.description.contains("废矿物油")
                        || e.category_name.contains("废矿物油"))
        );
        let plating = c.search("电镀");
        assert!(!plating.is_empty());
        let both = c.search("电镀 HW17");
        assert!(!both.is_empty() && both.len() < plating.len() + 21);
        assert!(both.iter().all(|e| e.category.number() == 17));
        let order: Vec<usize> = oil
            .iter()
            .map(|e| c.entries().iter().position(|x| x == *e).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
        assert!(c.search("不存在的废物名称").is_empty());
        assert!(c.search("900-041 废矿物油").is_empty());
    }
}

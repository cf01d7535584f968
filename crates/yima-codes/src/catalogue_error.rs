//! Errors in a catalogue data file.

use crate::{Category, CodeError, Lang, WasteCode};

/// What is wrong with a catalogue data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogueErrorKind {
    /// The first line is not `# edition NAME`.
    MissingHeader,
    /// The header names another edition than the one being loaded.
    EditionMismatch {
        /// The edition named by the header.
        header: String,
    },
    /// A line does not have the 6 tab-separated fields.
    FieldCount {
        /// The number of fields found.
        found: usize,
    },
    /// A field is empty.
    EmptyField,
    /// A field holds an invalid code.
    Code(CodeError),
    /// The waste code's last two digits are not the category's number.
    CategoryMismatch {
        /// The waste code.
        code: WasteCode,
        /// The category on the same line.
        category: Category,
    },
    /// The category name differs from the one on an earlier line of the same category.
    CategoryName {
        /// The name on the earlier line.
        expected: String,
    },
    /// The waste code is already on an earlier line.
    DuplicateCode {
        /// The waste code.
        code: WasteCode,
        /// The earlier line.
        first_line: usize,
    },
    /// The file has no entries.
    NoEntries,
}

/// An error in a catalogue data file: the line (1-based), the field if one is at fault, and
/// what is wrong. Display is the English message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub struct CatalogueError {
    pub(crate) edition: String,
    pub(crate) line: usize,
    pub(crate) field: Option<&'static str>,
    pub(crate) kind: Box<CatalogueErrorKind>,
}

/// The Chinese name of a field of the data file.
fn field_zh(field: &str) -> &str {
    match field {
        "waste_code" => "废物代码",
        "category" => "废物类别",
        "category_name" => "类别名称",
        "industry" => "行业来源",
        "hazard" => "危险特性",
        "description" => "危险废物描述",
        other => other,
    }
}

impl CatalogueError {
    /// The line of the data file (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The field at fault (`waste_code`, `category`, `category_name`, `industry`, `hazard`
    /// or `description`), if one is.
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }

    /// What is wrong.
    pub fn kind(&self) -> &CatalogueErrorKind {
        &self.kind
    }

    /// The error as a full sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use CatalogueErrorKind::*;
        let (edition, line) = (&self.edition, self.line);
        let place = match (lang, self.field) {
            (Lang::En, Some(f)) => format!("catalogue {edition}, line {line}, field {f}: "),
            (Lang::En, None) => format!("catalogue {edition}, line {line}: "),
            (Lang::Zh, Some(f)) => format!("名录 {edition} 版第 {line} 行{}字段：", field_zh(f)),
            (Lang::Zh, None) => format!("名录 {edition} 版第 {line} 行："),
        };
        let detail = match (self.kind.as_ref(), lang) {
            (MissingHeader, Lang::En) => "the first line should be \"# edition NAME\"".into(),
            (MissingHeader, Lang::Zh) => "首行应为“# edition 版本名”".into(),
            (EditionMismatch { header }, Lang::En) => format!("the header names edition {header}"),
            (EditionMismatch { header }, Lang::Zh) => format!("文件头标明的版本为 {header}"),
            (FieldCount { found }, Lang::En) => {
                format!("expected 6 tab-separated fields, found {found}")
            }
            (FieldCount { found }, Lang::Zh) => {
                format!("应有 6 个以制表符分隔的字段，实际为 {found} 个")
            }
            (EmptyField, Lang::En) => "must not be empty".into(),
            (EmptyField, Lang::Zh) => "不能为空".into(),
            (Code(e), lang) => e.message(lang),
            (CategoryMismatch { code, category }, Lang::En) => {
                format!("waste code {code} does not belong to category {category}")
            }
            (CategoryMismatch { code, category }, Lang::Zh) => {
                format!("废物代码 {code} 不属于废物类别 {category}")
            }
            (CategoryName { expected }, Lang::En) => {
                format!("the category is named {expected} on an earlier line")
            }
            (CategoryName { expected }, Lang::Zh) => format!("该类别在前面的行中名为 {expected}"),
            (DuplicateCode { code, first_line }, Lang::En) => {
                format!("waste code {code} is already on line {first_line}")
            }
            (DuplicateCode { code, first_line }, Lang::Zh) => {
                format!("废物代码 {code} 已在第 {first_line} 行出现")
            }
            (NoEntries, Lang::En) => "the catalogue has no entries".into(),
            (NoEntries, Lang::Zh) => "名录没有任何条目".into(),
        };
        place + &detail
    }
}

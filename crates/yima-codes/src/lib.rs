//! Parsers and generators for the codes of Chinese hazardous-waste regulation, and the
//! national hazardous-waste catalogue (国家危险废物名录) as versioned data.
//!
//! ```
//! use chrono::NaiveDate;
//! use yima_codes::{Catalogue, CreditCode, LabelCode, Lang, WasteCode};
//!
//! let producer: CreditCode = "91350100M000100Y43".parse()?;
//! let waste: WasteCode = "900-041-49".parse()?;
//! assert_eq!(waste.category()?.to_string(), "HW49");
//!
//! let entry = Catalogue::latest().get(&waste).cloned().expect("in the catalogue");
//! assert_eq!(entry.hazards.to_string(), "T/In");
//!
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).expect("a date");
//! let label = LabelCode::new(producer, waste, date, 1)?;
//! assert_eq!(label.as_str(), "91350100M000100Y439000414920240301001");
//!
//! let err = "91350100M000100Y4A".parse::<CreditCode>().unwrap_err();
//! assert_eq!(err.message(Lang::Zh), "统一社会信用代码 91350100M000100Y4A：校验码应为 3，实际为 A");
//! # Ok::<(), yima_codes::CodeError>(())
//! ```
//!
//! The crate is pure: no file or network access and no clock at run time. Every code type
//! parses with `FromStr` (strictly: no trimming, no case folding), displays as its
//! canonical string, and serializes with serde as that string (deserializing validates).
//! Errors are [`CodeError`]s, with messages in Chinese or English ([`Lang`]).

#![deny(missing_docs)]

mod batch;
mod catalogue;
mod catalogue_error;
mod category;
mod credit;
mod error;
mod hazard;
mod label;
mod lang;
mod manifest;
mod manifest_fit;
mod notation;
#[cfg(feature = "openapi")]
mod openapi;
mod schedule;
mod search;
mod sequence;
mod text;
mod util;
mod waste;
mod workdays;

pub use batch::{BatchCode, BatchKind};
pub use catalogue::{Catalogue, CatalogueEntry};
pub use catalogue_error::{CatalogueError, CatalogueErrorKind};
pub use category::Category;
pub use credit::CreditCode;
pub use error::{CodeError, CodeErrorKind, CodeKind};
pub use hazard::{Hazard, HazardSet};
pub use label::LabelCode;
pub use lang::Lang;
pub use manifest::{ManifestNumber, PROVINCE_CODES};
pub use manifest_fit::{sender_place, ManifestMismatch};
pub use notation::HazardNotation;
pub use schedule::CatalogueSchedule;
pub use sequence::SequenceBlock;
pub use waste::WasteCode;
pub use workdays::{CalendarError, WorkCalendar};

//! The custody model: organisations, containers with their HJ 1276 label, transfer manifests.

use crate::quantity::Quantity;
use crate::role::Role;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use yima_codes::{Category, CreditCode, HazardSet, LabelCode, Lang, ManifestNumber, WasteCode};

/// A moment, as milliseconds since 1970-01-01 UTC (an integer, so encodings are exact).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The moment as a UTC date-time.
    pub fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.0).unwrap_or_default()
    }

    /// The moment from a UTC date-time.
    pub fn from_datetime(t: DateTime<Utc>) -> Timestamp {
        Timestamp(t.timestamp_millis())
    }

    /// The calendar date of the moment in China Standard Time (UTC+8), the date on labels.
    pub fn china_date(self) -> NaiveDate {
        (self.to_datetime() + chrono::Duration::hours(8)).date_naive()
    }

    /// The first moment of `day` in China Standard Time (UTC+8): the day's midnight there.
    pub fn china_day_start(day: NaiveDate) -> Timestamp {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        Timestamp::from_datetime(midnight - chrono::Duration::hours(8))
    }
}

#[cfg(test)]
mod china_day_tests {
    use super::*;

    #[test]
    fn a_china_day_starts_at_its_midnight_and_holds_its_moments() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let start = Timestamp::china_day_start(day);
        // 2026-03-01 00:00 +08:00 is 2026-02-28 16:00 UTC.
        assert_eq!(start.to_string(), "2026-02-28T16:00:00.000Z");
        assert_eq!(start.china_date(), day);
        assert_eq!(Timestamp(start.0 - 1).china_date(), day.pred_opt().unwrap());
        let next = Timestamp::china_day_start(day.succ_opt().unwrap());
        assert_eq!(Timestamp(next.0 - 1).china_date(), day);
        assert_eq!(next.0 - start.0, 24 * 3600 * 1000);
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_datetime().format("%Y-%m-%dT%H:%M:%S%.3fZ"))
    }
}

/// An organisation as named on labels and manifests.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Party {
    /// Unified social credit code.
    pub credit_code: CreditCode,
    /// Registered name.
    pub name: String,
}

/// An organisation with the roles it may play.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Unified social credit code and name.
    pub party: Party,
    /// Roles the organisation is registered for.
    pub roles: Vec<Role>,
}

/// Physical form of the waste (废物形态).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhysicalForm {
    /// 固态
    Solid,
    /// 半固态
    SemiSolid,
    /// 液态
    Liquid,
    /// 气态
    Gas,
}

impl PhysicalForm {
    /// Every form.
    pub const ALL: [PhysicalForm; 4] = [
        PhysicalForm::Solid,
        PhysicalForm::SemiSolid,
        PhysicalForm::Liquid,
        PhysicalForm::Gas,
    ];

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            PhysicalForm::Solid => "solid",
            PhysicalForm::SemiSolid => "semi_solid",
            PhysicalForm::Liquid => "liquid",
            PhysicalForm::Gas => "gas",
        }
    }

    /// Name for a person.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (PhysicalForm::Solid, Lang::Zh) => "固态",
            (PhysicalForm::SemiSolid, Lang::Zh) => "半固态",
            (PhysicalForm::Liquid, Lang::Zh) => "液态",
            (PhysicalForm::Gas, Lang::Zh) => "气态",
            (PhysicalForm::Solid, Lang::En) => "solid",
            (PhysicalForm::SemiSolid, Lang::En) => "semi-solid",
            (PhysicalForm::Liquid, Lang::En) => "liquid",
            (PhysicalForm::Gas, Lang::En) => "gas",
        }
    }
}

impl std::str::FromStr for PhysicalForm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        PhysicalForm::ALL
            .into_iter()
            .find(|f| {
                let t = s.trim();
                t.eq_ignore_ascii_case(f.as_str())
                    || t == f.name(Lang::Zh)
                    || t.eq_ignore_ascii_case(f.name(Lang::En))
            })
            .ok_or_else(|| s.to_string())
    }
}

/// Whether waste goes to use (利用) or disposal (处置).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentMode {
    /// 利用: recovered or used.
    Use,
    /// 处置: disposed of.
    Disposal,
}

impl TreatmentMode {
    /// Name for a person.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TreatmentMode::Use, Lang::Zh) => "利用",
            (TreatmentMode::Disposal, Lang::Zh) => "处置",
            (TreatmentMode::Use, Lang::En) => "use",
            (TreatmentMode::Disposal, Lang::En) => "disposal",
        }
    }
}

/// Everything printed on a container's HJ 1276 label, fixed when it is generated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerLabel {
    /// 数字识别码: the 37-character digital identification code.
    pub code: LabelCode,
    /// 废物名称.
    pub name: String,
    /// 废物类别.
    pub category: Category,
    /// 废物代码.
    pub waste_code: WasteCode,
    /// 废物形态.
    pub form: PhysicalForm,
    /// 危险特性.
    pub hazards: HazardSet,
    /// 主要成分.
    pub main_components: String,
    /// 有害成分.
    pub harmful_components: String,
    /// 注意事项.
    pub precautions: String,
    /// 产生/收集单位.
    pub producer: Party,
    /// 联系人.
    pub contact: String,
    /// 联系方式.
    pub phone: String,
    /// 产生日期.
    pub generated_on: NaiveDate,
    /// 废物重量 (or volume), as declared by the producer.
    pub quantity: Quantity,
    /// Container type (drum, IBC, bag, …) as the producer names it.
    pub container_type: String,
    /// Generating facility code (产生设施编码).
    pub facility_code: String,
    /// 备注.
    pub remarks: String,
}

impl ContainerLabel {
    /// The label as far as its 37-character code and a quantity tell it: the waste code and
    /// category, the producer's credit code and the date from the code; the form solid,
    /// no hazards, every text empty. Fails when the code's waste code names no category.
    pub fn from_code(
        code: &LabelCode,
        quantity: Quantity,
    ) -> Result<ContainerLabel, yima_codes::CodeError> {
        let waste_code = code.waste_code().clone();
        Ok(ContainerLabel {
            code: code.clone(),
            name: String::new(),
            category: waste_code.category()?,
            waste_code,
            form: PhysicalForm::Solid,
            hazards: HazardSet::default(),
            main_components: String::new(),
            harmful_components: String::new(),
            precautions: String::new(),
            producer: Party {
                credit_code: code.producer().clone(),
                name: String::new(),
            },
            contact: String::new(),
            phone: String::new(),
            generated_on: code.date(),
            quantity,
            container_type: String::new(),
            facility_code: String::new(),
            remarks: String::new(),
        })
    }
}

/// A transfer manifest (转移联单) as carried by a dispatch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferManifest {
    /// 14-digit manifest number.
    pub number: ManifestNumber,
    /// 移出人.
    pub sender: Party,
    /// 承运人.
    pub carrier: Party,
    /// 接受人.
    pub receiver: Party,
    /// Receiver's operating licence number (经营许可证号).
    pub receiver_permit: String,
    /// Whether the receiver uses or disposes of the waste.
    pub mode: TreatmentMode,
    /// 应急措施.
    pub emergency_measures: String,
}

/// A container's identification code (shortcut used across the core).
pub type ContainerCode = LabelCode;

//! Requests as people type them: text fields turned into the typed requests of the use cases,
//! with an error in both languages naming the field that is wrong. The CLI's arguments and
//! the app's forms both come through here, so both accept and refuse exactly the same input.

use crate::clock::Clock;
use crate::error::{bad_input, DeviceError};
use crate::handover::HandoverStep;
use crate::Device;
use yima_codes::{CreditCode, LabelCode, ManifestNumber};
use yima_core::{Party, Quantity, Timestamp, TransferManifest, TreatmentMode, Unit};

/// Container codes, each trimmed; at least one.
pub fn parse_codes(list: &[String]) -> Result<Vec<LabelCode>, DeviceError> {
    if list.iter().all(|c| c.trim().is_empty()) {
        return Err(bad_input("no container code given", "未指定容器编码"));
    }
    list.iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| Ok(c.trim().parse::<LabelCode>()?))
        .collect()
}

/// An RFC 3339 time (`2025-03-01T09:30:00+08:00`).
pub fn parse_time(text: &str) -> Result<Timestamp, DeviceError> {
    let t = chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        bad_input(
            format!("{text:?} is not an RFC 3339 time ({e})"),
            format!("{text:?} 不是 RFC 3339 时间格式（{e}）"),
        )
    })?;
    Ok(Timestamp::from_datetime(t.to_utc()))
}

/// An optional time: blank is `None`.
pub fn parse_optional_time(text: &str) -> Result<Option<Timestamp>, DeviceError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse_time(text).map(Some)
    }
}

/// A day (`YYYY-MM-DD`, China time), as the ledger's and the balance's periods take it.
pub fn parse_day(text: &str) -> Result<chrono::NaiveDate, DeviceError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        bad_input(
            format!("{text:?} is not a date (YYYY-MM-DD)"),
            format!("{text:?} 不是日期（YYYY-MM-DD）"),
        )
    })
}

/// A period of whole days in China time, either end open: the first moment of `since`
/// and the first moment after `until` (ms since the epoch). `BadInput` for a day that is
/// not one, or an end before the start.
pub fn parse_period(
    since: Option<&str>,
    until: Option<&str>,
) -> Result<(Option<i64>, Option<i64>), DeviceError> {
    let since = since.map(parse_day).transpose()?;
    let until = until.map(parse_day).transpose()?;
    if let (Some(a), Some(b)) = (since, until) {
        if b < a {
            return Err(bad_input(
                format!("the period ends ({b}) before it starts ({a})"),
                format!("时段的结束日（{b}）早于开始日（{a}）"),
            ));
        }
    }
    let start = |d: chrono::NaiveDate| yima_core::Timestamp::china_day_start(d).0;
    Ok((
        since.map(start),
        until.and_then(|d| d.succ_opt()).map(start),
    ))
}

/// A quantity: a number with at most three decimals and a unit (`kg`, `t`, `L`).
pub fn parse_quantity(amount: &str, unit: &str) -> Result<Quantity, DeviceError> {
    let unit: Unit = unit.trim().parse()?;
    Ok(Quantity::parse(amount.trim(), unit)?)
}

/// 利用 or 处置 (`use`, `disposal`).
pub fn parse_mode(text: &str) -> Result<TreatmentMode, DeviceError> {
    match text.trim() {
        "use" | "利用" => Ok(TreatmentMode::Use),
        "disposal" | "处置" => Ok(TreatmentMode::Disposal),
        other => Err(bad_input(
            format!("unknown mode {other:?}: expected use or disposal"),
            format!("未知方式 {other:?}：应为 use（利用）或 disposal（处置）"),
        )),
    }
}

/// A party: its unified social credit code and its name (not blank).
pub fn parse_party(code: &str, name: &str) -> Result<Party, DeviceError> {
    let credit_code: CreditCode = code.trim().parse()?;
    if name.trim().is_empty() {
        return Err(bad_input(
            format!("the name of {credit_code} is missing"),
            format!("缺少 {credit_code} 的单位名称"),
        ));
    }
    Ok(Party {
        credit_code,
        name: name.trim().to_string(),
    })
}

/// How a quantity was weighed: `scale` (电子秤) or `manual` (人工); blank is a scale.
pub fn parse_weigh_method(text: &str) -> Result<yima_core::WeighMethod, DeviceError> {
    if text.trim().is_empty() {
        return Ok(yima_core::WeighMethod::Scale);
    }
    text.parse().map_err(|m: String| {
        bad_input(
            format!("unknown weighing method {m:?}: expected scale or manual"),
            format!("未知称重方式 {m:?}：应为 scale（电子秤）或 manual（人工）"),
        )
    })
}

/// A 14-digit transfer manifest number.
pub fn parse_manifest(text: &str) -> Result<ManifestNumber, DeviceError> {
    Ok(text.trim().parse::<ManifestNumber>()?)
}

fn required(value: &str, en: &str, zh: &str) -> Result<String, DeviceError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(bad_input(format!("{en} is missing"), format!("缺少{zh}")));
    }
    Ok(value.to_string())
}

/// A transfer manifest (联单) as the sender fills it in; the sender is this device's
/// organisation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ManifestForm {
    /// 14-digit manifest number.
    pub number: String,
    /// The carrier's credit code.
    pub carrier_code: String,
    /// The carrier's name.
    pub carrier_name: String,
    /// The receiver's credit code.
    pub receiver_code: String,
    /// The receiver's name.
    pub receiver_name: String,
    /// The receiver's operating licence number.
    pub receiver_permit: String,
    /// `use` or `disposal`.
    pub mode: String,
    /// 应急措施.
    pub emergency_measures: String,
}

/// A handover step as its giver fills it in: `pickup` (with vehicle, driver and permit),
/// `relay` (the same and a place), `receive`, or `return` (with a reason).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HandoverForm {
    /// `pickup`, `relay`, `receive` or `return`.
    pub step: String,
    /// Manifest number (every step but `return`).
    pub manifest: String,
    /// Vehicle plate (`pickup`, `relay`).
    pub vehicle_plate: String,
    /// Driver (`pickup`, `relay`).
    pub driver: String,
    /// Transport permit (`pickup`, `relay`).
    pub permit: String,
    /// Where (`relay`).
    pub place: String,
    /// Why it comes back (`return`).
    pub reason: String,
}

impl HandoverForm {
    /// The typed step, or what is wrong with the form.
    pub fn step(&self) -> Result<HandoverStep, DeviceError> {
        Ok(match self.step.trim() {
            "pickup" => HandoverStep::Pickup {
                manifest: parse_manifest(&self.manifest)?,
                vehicle_plate: required(&self.vehicle_plate, "the vehicle plate", "车牌号")?,
                driver: required(&self.driver, "the driver", "驾驶员")?,
                permit: required(&self.permit, "the transport permit", "运输许可证号")?,
            },
            "relay" => HandoverStep::Relay {
                manifest: parse_manifest(&self.manifest)?,
                vehicle_plate: required(&self.vehicle_plate, "the vehicle plate", "车牌号")?,
                driver: required(&self.driver, "the driver", "驾驶员")?,
                permit: required(&self.permit, "the transport permit", "运输许可证号")?,
                place: required(&self.place, "the place of the handover", "交接地点")?,
            },
            "receive" => HandoverStep::Receive {
                manifest: parse_manifest(&self.manifest)?,
            },
            "return" => HandoverStep::Return {
                reason: required(&self.reason, "the reason", "退回原因")?,
            },
            other => {
                return Err(bad_input(
                    format!(
                        "unknown handover {other:?}: expected pickup, relay, receive or return"
                    ),
                    format!("未知交接 {other:?}：应为 pickup、relay、receive 或 return"),
                ))
            }
        })
    }
}

impl<C: Clock> Device<C> {
    /// The manifest `form` describes, sent by this device's organisation.
    pub fn transfer_manifest(
        &mut self,
        form: &ManifestForm,
    ) -> Result<TransferManifest, DeviceError> {
        Ok(TransferManifest {
            number: parse_manifest(&form.number)?,
            sender: self.identity()?.org,
            carrier: parse_party(&form.carrier_code, &form.carrier_name)?,
            receiver: parse_party(&form.receiver_code, &form.receiver_name)?,
            receiver_permit: required(
                &form.receiver_permit,
                "the receiver's licence number",
                "接收单位经营许可证号",
            )?,
            mode: parse_mode(&form.mode)?,
            emergency_measures: form.emergency_measures.trim().into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn blank_and_bad_fields_are_refused_by_name_in_both_languages() {
        assert_eq!(
            parse_codes(&[" ".into()]).unwrap_err().kind(),
            ErrorKind::BadInput
        );
        assert!(parse_quantity("abc", "kg").is_err());
        assert!(parse_quantity("12", "barrel").is_err());
        assert_eq!(
            parse_quantity(" 12.5 ", "kg").unwrap(),
            Quantity::parse("12.5", Unit::Kg).unwrap()
        );
        assert_eq!(parse_mode("处置").unwrap(), TreatmentMode::Disposal);
        assert!(parse_mode("burn").is_err());
        assert!(parse_time("yesterday").is_err());
        assert_eq!(parse_optional_time("  ").unwrap(), None);
        assert!(parse_party("91350100M000100Y43", " ").is_err());
        let form = HandoverForm {
            step: "pickup".into(),
            manifest: "20263501000001".into(),
            vehicle_plate: "闽A12345".into(),
            driver: "".into(),
            permit: "闽危运 001".into(),
            ..HandoverForm::default()
        };
        let e = form.step().unwrap_err();
        assert!(e.message(yima_codes::Lang::Zh).contains("驾驶员"));
        assert!(e.message(yima_codes::Lang::En).contains("driver"));
        let ret = HandoverForm {
            step: "return".into(),
            reason: "拒收".into(),
            ..HandoverForm::default()
        };
        assert!(matches!(ret.step().unwrap(), HandoverStep::Return { .. }));
        assert!(HandoverForm::default().step().is_err());
    }
}

/// A step recorded by this device alone, as its form is filled in: `store`, `dispatch`,
/// `weigh`, `accept`, `partly_refuse`, `refuse`, `return_refused` (the refused part of a
/// partly refused container split off to go back) or `dispose`; the fields a step does not
/// use are ignored.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StepForm {
    /// The containers.
    pub codes: Vec<String>,
    /// Which step.
    pub step: String,
    /// The storage facility (`store`, `dispatch`).
    #[serde(default)]
    pub facility_code: String,
    /// The manifest (`dispatch`).
    #[serde(default)]
    pub manifest: Option<ManifestForm>,
    /// Weighed or accepted amount (`weigh`, `partly_refuse`; `accept` when given).
    #[serde(default)]
    pub amount: String,
    /// Who weighed (`weigh`).
    #[serde(default)]
    pub weigher: String,
    /// `scale` or `manual` (`weigh`; blank: a scale).
    #[serde(default)]
    pub weighed_with: String,
    /// The scale the weight was read from (`weigh`; `yima_scale::Captured::scale`), blank
    /// when typed in.
    #[serde(default)]
    pub scale: String,
    /// Refused amount (`partly_refuse`).
    #[serde(default)]
    pub refused: String,
    /// `kg`, `t` or `L`.
    #[serde(default)]
    pub unit: String,
    /// Why (`refuse`, `partly_refuse`).
    #[serde(default)]
    pub reason: String,
    /// `use` or `disposal` (`dispose`; blank: the manifest's).
    #[serde(default)]
    pub mode: String,
    /// The use or disposal method (`dispose`).
    #[serde(default)]
    pub method: String,
}

impl<C: Clock> Device<C> {
    /// The requests `form` asks for, checked field by field: one per container for `accept`
    /// (each its own quantity), one for all of them otherwise. Record them together with
    /// [`Device::record_all`], so all are stored or none.
    pub fn step_requests(
        &mut self,
        form: &StepForm,
    ) -> Result<Vec<crate::ActionRequest>, DeviceError> {
        use crate::Action;
        let codes = parse_codes(&form.codes)?;
        let one = |action: Action| {
            Ok(vec![crate::ActionRequest {
                codes: codes.clone(),
                action,
                at: None,
                location: None,
            }])
        };
        let single = || {
            if codes.len() != 1 {
                return Err(bad_input(
                    format!(
                        "this step is for one container at a time, not {}",
                        codes.len()
                    ),
                    format!("此步骤一次只能记录一个容器，而不是 {} 个", codes.len()),
                ));
            }
            Ok(())
        };
        match form.step.trim() {
            "store" => one(Action::Store {
                facility_code: required(
                    &form.facility_code,
                    "the storage facility",
                    "贮存设施编码",
                )?,
            }),
            "dispatch" => {
                let manifest = form
                    .manifest
                    .as_ref()
                    .ok_or_else(|| bad_input("the transfer manifest is missing", "缺少转移联单"))?;
                let manifest = self.transfer_manifest(manifest)?;
                one(Action::Dispatch {
                    manifest,
                    facility_code: form.facility_code.trim().into(),
                })
            }
            "weigh" => {
                single()?;
                one(Action::Weigh {
                    measured: parse_quantity(&form.amount, &form.unit)?,
                    method: parse_weigh_method(&form.weighed_with)?,
                    scale: Some(form.scale.trim())
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                    weigher: form.weigher.trim().into(),
                })
            }
            "accept" => {
                let quantity = if form.amount.trim().is_empty() {
                    None
                } else {
                    single()?;
                    Some(parse_quantity(&form.amount, &form.unit)?)
                };
                Ok(codes
                    .iter()
                    .map(|code| crate::ActionRequest {
                        codes: vec![code.clone()],
                        action: Action::Accept { quantity },
                        at: None,
                        location: None,
                    })
                    .collect())
            }
            "partly_refuse" => {
                single()?;
                one(Action::PartlyRefuse {
                    accepted: parse_quantity(&form.amount, &form.unit)?,
                    refused: parse_quantity(&form.refused, &form.unit)?,
                    reason: required(&form.reason, "the reason", "拒收原因")?,
                })
            }
            "refuse" => {
                single()?;
                one(Action::Refuse {
                    reason: required(&form.reason, "the reason", "拒收原因")?,
                })
            }
            "return_refused" => {
                single()?;
                one(Action::ReturnRefusedPart)
            }
            "dispose" => one(Action::Dispose {
                mode: if form.mode.trim().is_empty() {
                    None
                } else {
                    Some(parse_mode(&form.mode)?)
                },
                method: required(&form.method, "the use or disposal method", "利用/处置方式")?,
                completed_at: None,
            }),
            other => Err(bad_input(
                format!("unknown step {other:?}"),
                format!("未知步骤 {other:?}"),
            )),
        }
    }
}

#[cfg(test)]
mod period_tests {
    use super::*;

    #[test]
    fn a_period_holds_whole_china_days_and_refuses_an_end_before_its_start() {
        let (from, to) = parse_period(Some("2026-03-01"), Some("2026-03-01")).unwrap();
        assert_eq!(to.unwrap() - from.unwrap(), 24 * 3600 * 1000);
        assert_eq!(
            yima_core::Timestamp(from.unwrap()).china_date().to_string(),
            "2026-03-01"
        );
        assert_eq!(parse_period(None, None).unwrap(), (None, None));
        assert!(parse_period(Some("2026-03-02"), Some("2026-03-01")).is_err());
        assert!(parse_period(Some("2026-02-30"), None).is_err());
    }
}

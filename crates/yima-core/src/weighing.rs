//! Weighing at a custody change: how it was weighed, the tolerance a unit allows, and the
//! discrepancy a weighing states when it differs from the quantity measured before it.

use crate::event::{EventBody, EventKind};
use crate::quantity::{Quantity, Unit};
use serde::{Deserialize, Serialize};
use yima_codes::{CreditCode, Lang};

/// How a quantity was weighed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeighMethod {
    /// 电子秤: an electronic scale (or weighbridge).
    Scale,
    /// 人工: read or estimated by hand.
    Manual,
}

impl WeighMethod {
    /// Both methods.
    pub const ALL: [WeighMethod; 2] = [WeighMethod::Scale, WeighMethod::Manual];

    /// Stable machine name, as in the encoding.
    pub fn as_str(self) -> &'static str {
        match self {
            WeighMethod::Scale => "scale",
            WeighMethod::Manual => "manual",
        }
    }

    /// Name for a person.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (WeighMethod::Scale, Lang::Zh) => "电子秤",
            (WeighMethod::Manual, Lang::Zh) => "人工",
            (WeighMethod::Scale, Lang::En) => "electronic scale",
            (WeighMethod::Manual, Lang::En) => "manual",
        }
    }
}

impl std::str::FromStr for WeighMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<WeighMethod, String> {
        match s.trim() {
            "scale" | "电子秤" => Ok(WeighMethod::Scale),
            "manual" | "人工" => Ok(WeighMethod::Manual),
            other => Err(other.to_string()),
        }
    }
}

/// Longest scale identity recorded (characters): a name, a port and a protocol.
pub const MAX_SCALE_IDENTITY: usize = 120;

/// A weighing names a scale only when weighed on one: a [`WeighMethod::Manual`] weighing
/// with a scale is refused, and an identity must be one plain line, not empty, of at most
/// [`MAX_SCALE_IDENTITY`] characters.
pub fn check_scale(
    method: WeighMethod,
    scale: Option<&str>,
) -> Result<(), crate::custody::CustodyError> {
    let Some(scale) = scale else { return Ok(()) };
    let refuse = |en: &str, zh: &str| {
        Err(crate::custody::CustodyError::Weighing {
            en: en.into(),
            zh: zh.into(),
        })
    };
    if method == WeighMethod::Manual {
        return refuse(
            &format!("a manual weighing names the scale {scale:?}"),
            &format!("人工称重不应记录电子秤 {scale:?}"),
        );
    }
    if scale.trim().is_empty() || scale.trim() != scale {
        return refuse(
            "the scale's identity is empty or padded",
            "电子秤标识为空或含首尾空白",
        );
    }
    if scale.chars().count() > MAX_SCALE_IDENTITY || scale.chars().any(char::is_control) {
        return refuse(
            &format!(
                "the scale's identity is not one line of at most {MAX_SCALE_IDENTITY} characters"
            ),
            &format!("电子秤标识须为一行，最多 {MAX_SCALE_IDENTITY} 个字符"),
        );
    }
    Ok(())
}

/// Whether `holder` has weighed a container since it came into its custody: the sender
/// weighs the waste before it is transferred (危险废物转移管理办法), so a dispatch needs it.
///
/// `chain` is the container's events as known, oldest first (its chain, or the part of it
/// known since a handover taken over QR codes). Custody begins with the container (its
/// generating event, or the merge or split that made it: the sources' weighings do not
/// weigh the new container) and again with every handover (`picked_up`, `relay_handover`,
/// `received`, `returned`) — whoever the parties: a container given away and returned must
/// be weighed again. A weighing (`weighing`, or the older `weighed`) recorded by `holder`
/// after the last of those counts; a correction of it leaves it a weighing, so it still
/// counts. Anything else (storing, a cancelled dispatch, corrections) changes nothing.
pub fn weighed_since_custody<'a>(
    holder: &CreditCode,
    chain: impl IntoIterator<Item = &'a EventBody>,
) -> bool {
    let mut weighed = false;
    for body in chain {
        if body.event.giver().is_some() || !body.event.new_labels().is_empty() {
            weighed = false;
        }
        if matches!(
            body.event,
            EventKind::Weighing { .. } | EventKind::Weighed { .. }
        ) && &body.by.org == holder
        {
            weighed = true;
        }
    }
    weighed
}

/// A weighing that differs from the quantity measured before it (or declared, if none was)
/// by more than the recorder's tolerance: signed as part of the weighing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discrepancy {
    /// The quantity measured before (or declared on the label).
    pub expected: Quantity,
    /// The largest difference the recorder's unit accepts without a discrepancy.
    pub tolerance: Quantity,
}

impl Discrepancy {
    /// `measured − expected` in thousandths of their (shared) unit.
    pub fn difference(&self, measured: &Quantity) -> i64 {
        measured.milli - self.expected.milli
    }

    /// The difference as a person reads it, e.g. `-30 kg (150 kg measured, 180 kg before)`.
    pub fn describe(&self, measured: &Quantity, lang: Lang) -> String {
        let d = self.difference(measured);
        let sign = if d > 0 { "+" } else { "" };
        let diff = format!("{sign}{} {}", crate::format_milli(d), measured.unit);
        match lang {
            Lang::Zh => format!(
                "差异 {diff}（本次 {measured}，此前 {}，允差 {}）",
                self.expected, self.tolerance
            ),
            Lang::En => format!(
                "discrepancy {diff} ({measured} measured, {} before, tolerance {})",
                self.expected, self.tolerance
            ),
        }
    }
}

/// The tolerance of one unit of measure: a share of the expected quantity, at least a floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitTolerance {
    /// Parts per thousand of the expected quantity (20 = 2 %).
    pub permille: u32,
    /// The smallest tolerance, in thousandths of the unit.
    pub floor_milli: i64,
}

/// The weighing tolerance an organisation applies, per unit of measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tolerances {
    /// For kilograms.
    pub kg: UnitTolerance,
    /// For tonnes.
    pub t: UnitTolerance,
    /// For litres.
    pub l: UnitTolerance,
}

impl Default for Tolerances {
    /// 2 %, at least 0.5 kg, 0.5 L or 0.001 t.
    fn default() -> Tolerances {
        Tolerances {
            kg: UnitTolerance {
                permille: 20,
                floor_milli: 500,
            },
            t: UnitTolerance {
                permille: 20,
                floor_milli: 1,
            },
            l: UnitTolerance {
                permille: 20,
                floor_milli: 500,
            },
        }
    }
}

impl Tolerances {
    /// The tolerance for `unit`.
    pub fn for_unit(&self, unit: Unit) -> UnitTolerance {
        match unit {
            Unit::Kg => self.kg,
            Unit::T => self.t,
            Unit::L => self.l,
        }
    }

    /// Sets the tolerance for `unit`.
    pub fn set(&mut self, unit: Unit, tolerance: UnitTolerance) {
        match unit {
            Unit::Kg => self.kg = tolerance,
            Unit::T => self.t = tolerance,
            Unit::L => self.l = tolerance,
        }
    }

    /// The allowed difference from `expected`, in its unit.
    pub fn allowed(&self, expected: &Quantity) -> Quantity {
        let t = self.for_unit(expected.unit);
        let share = expected.milli.saturating_mul(i64::from(t.permille)) / 1000;
        Quantity {
            milli: share.max(t.floor_milli).max(0),
            unit: expected.unit,
        }
    }

    /// The discrepancy of `measured` against `expected`, if beyond the tolerance (units that
    /// differ cannot be compared and give none).
    pub fn discrepancy(&self, expected: &Quantity, measured: &Quantity) -> Option<Discrepancy> {
        if expected.unit != measured.unit {
            return None;
        }
        let tolerance = self.allowed(expected);
        ((measured.milli - expected.milli).abs() > tolerance.milli).then_some(Discrepancy {
            expected: *expected,
            tolerance,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kg(s: &str) -> Quantity {
        Quantity::parse(s, Unit::Kg).unwrap()
    }

    #[test]
    fn a_gap_beyond_the_tolerance_is_a_discrepancy() {
        let t = Tolerances::default();
        let d = t
            .discrepancy(&kg("180"), &kg("150"))
            .expect("30 kg of 180 kg");
        assert_eq!(d.expected, kg("180"));
        assert_eq!(d.tolerance, kg("3.6"));
        assert_eq!(d.difference(&kg("150")), -30_000);
        assert!(d.describe(&kg("150"), Lang::En).contains("-30 kg"));
        assert_eq!(t.discrepancy(&kg("180"), &kg("178")), None);
        // The floor: 2 % of 10 kg is 0.2 kg, but 0.5 kg is allowed.
        assert_eq!(t.discrepancy(&kg("10"), &kg("10.4")), None);
        assert!(t.discrepancy(&kg("10"), &kg("10.6")).is_some());
    }

    #[test]
    fn units_are_configured_apart_and_never_compared_across() {
        let mut t = Tolerances::default();
        t.set(
            Unit::Kg,
            UnitTolerance {
                permille: 0,
                floor_milli: 0,
            },
        );
        assert!(t.discrepancy(&kg("180"), &kg("180.001")).is_some());
        let litres = Quantity::parse("200", Unit::L).unwrap();
        assert_eq!(t.discrepancy(&litres, &kg("150")), None);
        assert_eq!(t.allowed(&litres).milli, 4_000);
    }
}

//! Weights and volumes, in exact thousandths so the canonical encoding never holds a float.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The unit a quantity of waste is declared in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Unit {
    /// Kilogram.
    #[serde(rename = "kg")]
    Kg,
    /// Tonne.
    #[serde(rename = "t")]
    T,
    /// Litre.
    #[serde(rename = "L")]
    L,
}

impl Unit {
    /// The unit's symbol as written on labels and in the ledger.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Kg => "kg",
            Unit::T => "t",
            Unit::L => "L",
        }
    }

    /// Thousandths of this unit that make the largest quantity one container may hold.
    ///
    /// 100 t (or 100 000 L): above a road tanker's load, so anything larger is a typo.
    pub fn max_milli(self) -> i64 {
        match self {
            Unit::Kg | Unit::L => 100_000_000,
            Unit::T => 100_000,
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for Unit {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Unit, QuantityError> {
        match s.trim() {
            "kg" | "KG" | "Kg" | "千克" | "公斤" => Ok(Unit::Kg),
            "t" | "T" | "吨" => Ok(Unit::T),
            "L" | "l" | "升" => Ok(Unit::L),
            other => Err(QuantityError::UnknownUnit(other.to_string())),
        }
    }
}

/// What is wrong with a quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// The amount is not a decimal number with at most three decimals.
    #[error("{0:?} is not a number with at most three decimals")]
    NotANumber(String),
    /// The amount is zero or negative.
    #[error("quantity must be greater than zero, found {0}")]
    NotPositive(String),
    /// The amount is more than one container can hold.
    #[error("quantity {amount} {unit} is more than one container can hold (at most {max} {unit})")]
    Absurd {
        /// The amount given.
        amount: String,
        /// The unit given.
        unit: Unit,
        /// The largest amount accepted in that unit.
        max: String,
    },
    /// The unit is not kg, t or L.
    #[error("unknown unit {0:?}: expected kg, t or L")]
    UnknownUnit(String),
}

/// A positive amount of waste: thousandths of a unit (grams for kg), never a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Quantity {
    /// Thousandths of `unit`.
    pub milli: i64,
    /// The unit.
    pub unit: Unit,
}

impl Quantity {
    /// A quantity from thousandths of a unit, checked to be positive and plausible.
    pub fn new(milli: i64, unit: Unit) -> Result<Quantity, QuantityError> {
        let q = Quantity { milli, unit };
        if milli <= 0 {
            return Err(QuantityError::NotPositive(q.amount()));
        }
        if milli > unit.max_milli() {
            return Err(QuantityError::Absurd {
                amount: q.amount(),
                unit,
                max: format_milli(unit.max_milli()),
            });
        }
        Ok(q)
    }

    /// Parses an amount like `12.5` in `unit`.
    pub fn parse(amount: &str, unit: Unit) -> Result<Quantity, QuantityError> {
        Quantity::new(parse_milli(amount)?, unit)
    }

    /// The amount as a decimal without trailing zeros (`12.5`).
    pub fn amount(&self) -> String {
        format_milli(self.milli)
    }

    /// The amount in kilograms, when the unit is a mass.
    pub fn kilograms_milli(&self) -> Option<i64> {
        match self.unit {
            Unit::Kg => Some(self.milli),
            Unit::T => Some(self.milli * 1000),
            Unit::L => None,
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount(), self.unit)
    }
}

/// Parses a decimal with at most three decimals into thousandths.
pub fn parse_milli(text: &str) -> Result<i64, QuantityError> {
    let bad = || QuantityError::NotANumber(text.to_string());
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 3
        || int.len() > 12
    {
        return Err(bad());
    }
    let int: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| bad())?
    };
    let mut frac_v: i64 = 0;
    for (i, b) in frac.bytes().enumerate() {
        frac_v += i64::from(b - b'0') * [100, 10, 1][i];
    }
    let v = int * 1000 + frac_v;
    Ok(if neg { -v } else { v })
}

/// Formats thousandths as a decimal without trailing zeros.
pub fn format_milli(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.unsigned_abs();
    let (int, frac) = (m / 1000, m % 1000);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let f = format!("{frac:03}");
        format!("{sign}{int}.{}", f.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_decimals() {
        assert_eq!(parse_milli("12.5").unwrap(), 12_500);
        assert_eq!(parse_milli("0.001").unwrap(), 1);
        assert_eq!(parse_milli(".5").unwrap(), 500);
        assert_eq!(format_milli(12_500), "12.5");
        assert_eq!(format_milli(-1), "-0.001");
        assert!(parse_milli("1.2345").is_err());
        assert!(parse_milli("1e3").is_err());
        assert!(parse_milli("").is_err());
        assert!(parse_milli(".").is_err());
    }

    #[test]
    fn refuses_zero_negative_and_absurd() {
        assert!(matches!(
            Quantity::parse("0", Unit::Kg),
            Err(QuantityError::NotPositive(_))
        ));
        assert!(matches!(
            Quantity::parse("-3", Unit::Kg),
            Err(QuantityError::NotPositive(_))
        ));
        assert!(matches!(
            Quantity::parse("1000000", Unit::Kg),
            Err(QuantityError::Absurd { .. })
        ));
        assert!(matches!(
            Quantity::parse("101", Unit::T),
            Err(QuantityError::Absurd { .. })
        ));
        assert_eq!(
            Quantity::parse("200", Unit::L).unwrap().to_string(),
            "200 L"
        );
    }

    #[test]
    fn parses_units() {
        assert_eq!("kg".parse::<Unit>().unwrap(), Unit::Kg);
        assert_eq!("吨".parse::<Unit>().unwrap(), Unit::T);
        assert!("lb".parse::<Unit>().is_err());
    }
}

//! The lines scales send, read without IO: one line in, one [`Reading`] or a refusal out.

use crate::error::ScaleError;
use yima_core::{Quantity, Unit};

/// The continuous-output format a scale is set to (chosen in settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// The common industrial indicator format (A&D, many Chinese indicators):
    /// `ST,GS,+0012.34kg` — a status (`ST` stable, `US` unstable, `OL` overload), a mode
    /// (`GS` gross, `NT` net; it may be left out, then gross), a signed weight and a unit.
    Generic,
    /// Mettler Toledo MT-SICS weight lines, as a balance or terminal sends them
    /// continuously after `SIR` (send immediately and repeat) or in its continuous mode:
    /// `S S      12.34 kg` (stable), `S D      12.36 kg` (dynamic, not settled), `S +` / `S -`
    /// (overload, underload), `S I` (not ready). Sources: the MT-SICS reference manual's
    /// `S`/`SI`/`SIR` responses, as implemented by InstrumentKit's `mt_sics.py`
    /// (`instruments.mettler_toledo.MTSICS`: status `S`/`D`, errors `I`, `+`, `-`, and the
    /// general errors `ES`, `ET`, `EL`). Whether a value is gross or net the line does not
    /// say; it is read as gross.
    MettlerContinuous,
    /// Mettler Toledo's "Toledo continuous" frames of industrial terminals: `STX`, three
    /// status bytes (stable or in motion, gross or net, sign, unit, decimal point), six
    /// digits of weight and six of tare, `CR`. See `toledo.rs` for the source.
    ToledoContinuous,
}

impl Protocol {
    /// Every protocol.
    pub const ALL: [Protocol; 3] = [
        Protocol::Generic,
        Protocol::MettlerContinuous,
        Protocol::ToledoContinuous,
    ];

    /// The name in settings and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Generic => "generic",
            Protocol::MettlerContinuous => "mettler",
            Protocol::ToledoContinuous => "toledo",
        }
    }

    /// Reads one line (without its line ending; surrounding whitespace and a leading STX
    /// are ignored). Never panics: any line is a reading or a refusal.
    pub fn parse_line(self, line: &str) -> Result<Reading, ScaleError> {
        if self == Protocol::ToledoContinuous {
            // Its status bytes may be spaces: only the line ending is taken off.
            return crate::toledo::parse(line);
        }
        let text = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{2}');
        match self {
            Protocol::Generic => parse_generic(text),
            Protocol::MettlerContinuous => parse_mettler(text),
            Protocol::ToledoContinuous => unreachable!("read above"),
        }
        .map_err(|e| match e {
            ScaleError::Unreadable { .. } => ScaleError::unreadable(line),
            other => other,
        })
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Protocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Protocol, String> {
        match s.trim() {
            "generic" => Ok(Protocol::Generic),
            "mettler" | "mettler-continuous" | "mt-sics" => Ok(Protocol::MettlerContinuous),
            "toledo" | "toledo-continuous" => Ok(Protocol::ToledoContinuous),
            other => Err(other.to_string()),
        }
    }
}

/// The units a scale's weight is accepted in. Pounds and ounces are refused
/// ([`crate::ScaleErrorKind::Unit`]): Chinese custody records are kept in kg or t, and a
/// scale set to pounds is set wrong for this use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ScaleUnit {
    /// Gram.
    #[serde(rename = "g")]
    G,
    /// Kilogram.
    #[serde(rename = "kg")]
    Kg,
    /// Tonne.
    #[serde(rename = "t")]
    T,
}

impl ScaleUnit {
    /// The unit's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            ScaleUnit::G => "g",
            ScaleUnit::Kg => "kg",
            ScaleUnit::T => "t",
        }
    }
}

/// One weight as the scale sent it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    /// The weight in thousandths of `unit` (like [`yima_core::Quantity`]'s `milli`):
    /// `12.34 kg` is `12340`. May be zero or negative (an empty or tared scale).
    pub value_milli: i64,
    /// The unit the scale weighs in.
    pub unit: ScaleUnit,
    /// Whether the scale says the weight has settled.
    pub stable: bool,
    /// Net (tare taken off) rather than gross.
    pub net: bool,
    /// The value of the last digit shown (the display step, e.g. `10` for `12.34`), in
    /// thousandths of `unit`: the default tolerance of a [`crate::Capture`].
    pub division_milli: i64,
}

impl Reading {
    /// The weight as a quantity Yima records: grams become kilograms (to the gram), kg and t
    /// stay. A weight that is not positive, or more than a container holds, is
    /// [`crate::ScaleErrorKind::Range`].
    pub fn quantity(&self) -> Result<Quantity, ScaleError> {
        let (milli, unit) = match self.unit {
            // Thousandths of a gram to thousandths of a kilogram (grams), rounded.
            ScaleUnit::G => ((self.value_milli + 500).div_euclid(1000), Unit::Kg),
            ScaleUnit::Kg => (self.value_milli, Unit::Kg),
            ScaleUnit::T => (self.value_milli, Unit::T),
        };
        Quantity::new(milli, unit).map_err(|e| ScaleError::Range {
            detail: format!("{self} ({e})"),
        })
    }
}

impl std::fmt::Display for Reading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let amount = yima_core::format_milli(self.value_milli);
        write!(f, "{amount} {}", self.unit.symbol())
    }
}

fn unreadable() -> ScaleError {
    ScaleError::unreadable("")
}

/// `ST,GS,+0012.34kg`, `US,NT,-0000.50 kg`, `ST,+00012.34  kg`, `OL,GS,+9999.99kg`.
fn parse_generic(text: &str) -> Result<Reading, ScaleError> {
    let fields: Vec<&str> = text.split(',').map(str::trim).collect();
    let (status, mode, weight) = match fields.as_slice() {
        [status, mode, weight] => (*status, *mode, *weight),
        [status, weight] => (*status, "GS", *weight),
        _ => return Err(unreadable()),
    };
    let stable = match status {
        "ST" => true,
        "US" => false,
        "OL" => {
            return Err(ScaleError::Range {
                detail: "OL (overload)".into(),
            })
        }
        _ => return Err(unreadable()),
    };
    let net = match mode {
        "GS" | "GW" => false,
        "NT" | "NW" => true,
        _ => return Err(unreadable()),
    };
    let split = weight
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(unreadable)?;
    let (number, unit) = weight.split_at(split);
    reading(number, unit, stable, net)
}

/// `S S      12.34 kg`, `S D      12.36 kg`, `S +`, `S -`, `S I`, `ES`, `ET`, `EL`.
fn parse_mettler(text: &str) -> Result<Reading, ScaleError> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    match tokens.as_slice() {
        ["S", "S", number, unit] => reading(number, unit, true, false),
        ["S", "D", number, unit] => reading(number, unit, false, false),
        ["S", "+"] => Err(ScaleError::Range {
            detail: "S + (overload)".into(),
        }),
        ["S", "-"] => Err(ScaleError::Range {
            detail: "S - (underload)".into(),
        }),
        _ => Err(unreadable()),
    }
}

fn reading(number: &str, unit: &str, stable: bool, net: bool) -> Result<Reading, ScaleError> {
    let unit = match unit.trim() {
        "kg" | "KG" | "Kg" => ScaleUnit::Kg,
        "g" | "G" => ScaleUnit::G,
        "t" | "T" => ScaleUnit::T,
        "" => return Err(unreadable()),
        other if other.chars().all(|c| c.is_ascii_alphabetic()) && other.len() <= 4 => {
            return Err(ScaleError::Unit {
                unit: other.to_string(),
            })
        }
        _ => return Err(unreadable()),
    };
    let (value_milli, division_milli) = decimal(number).ok_or_else(unreadable)?;
    Ok(Reading {
        value_milli,
        unit,
        stable,
        net,
        division_milli,
    })
}

/// A signed decimal with at most three decimals (spaces allowed between sign and digits,
/// as indicators pad): its thousandths and the value of its last digit in thousandths.
fn decimal(text: &str) -> Option<(i64, i64)> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first()? {
        b'+' => (false, text[1..].trim_start()),
        b'-' => (true, text[1..].trim_start()),
        _ => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || frac.len() > 3 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    if digits.ends_with('.') || int.trim_start_matches('0').len() > 12 {
        return None;
    }
    let mut milli: i64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        milli = milli.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    let scale = 10_i64.pow(3 - frac.len() as u32);
    let milli = milli.checked_mul(scale)?;
    Some((if negative { -milli } else { milli }, scale))
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;

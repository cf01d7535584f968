//! Mettler Toledo's "Toledo continuous" output of industrial terminals (IND series and the
//! like): `STX SWA SWB SWC wwwwww tttttt CR [CKS]`, three status bytes, six digits of
//! displayed weight and six of tare, no sign or decimal point.
//!
//! Source: the terminal manuals' table of the continuous format, as summarised (in Chinese)
//! in "梅特勒托-托利多衡器串口连续输出数据格式的说明" (cnblogs, dirgo): status word A bits 0–2
//! the decimal point (`100` read bit 2…0 = two decimals), bits 3–4 the increment (×1, ×2,
//! ×5), bits 5–6 always 1; status word B bit 0 net, bit 1 negative, bit 2 out of range,
//! bit 3 motion, bit 4 kg (else lb); status word C bits 0–2 the unit (`000` kg or lb as B
//! says, `001` g, `010` t), bit 4 expanded display.

use crate::error::ScaleError;
use crate::parse::{Reading, ScaleUnit};

const STX: char = '\u{2}';

/// One frame, from its last STX (the optional checksum of the frame before may precede it);
/// without STX (a terminal set not to send it) the line must be the 15 characters alone.
pub(crate) fn parse(line: &str) -> Result<Reading, ScaleError> {
    let frame = match line.rfind(STX) {
        Some(at) => &line[at + 1..],
        None => line.trim_start_matches(['\r', '\n']),
    };
    let frame = frame.trim_end_matches(['\r', '\n']);
    let bytes = frame.as_bytes();
    if bytes.len() != 15 || !bytes[3..].iter().all(u8::is_ascii_digit) {
        return Err(ScaleError::unreadable(line));
    }
    let (a, b, c) = (bytes[0], bytes[1], bytes[2]);
    // Bits 5 of A and B are always set, bit 6 of C always clear: anything else is not a
    // frame (a wrong protocol setting or a line read mid-frame).
    if a & 0x20 == 0 || b & 0x20 == 0 || c & 0x40 != 0 {
        return Err(ScaleError::unreadable(line));
    }
    if b & 0b100 != 0 {
        return Err(ScaleError::Range {
            detail: "out of range (Toledo status B bit 2)".into(),
        });
    }
    let unit = match (c & 0b111, b & 0b1_0000 != 0) {
        (0, true) => ScaleUnit::Kg,
        (0, false) => return Err(ScaleError::Unit { unit: "lb".into() }),
        (1, _) => ScaleUnit::G,
        (2, _) => ScaleUnit::T,
        (other, _) => {
            return Err(ScaleError::Unit {
                unit: format!("Toledo unit code {other}"),
            })
        }
    };
    // Thousandths of the unit one count of the six digits is worth.
    let per_count: i64 = match a & 0b111 {
        0 => 100_000,
        1 => 10_000,
        2 => 1_000,
        3 => 100,
        4 => 10,
        5 => 1,
        // Four or five decimals: finer than thousandths, which Yima records.
        _ => return Err(ScaleError::unreadable(line)),
    };
    let increment = match (a >> 3) & 0b11 {
        1 => 1,
        2 => 2,
        3 => 5,
        _ => return Err(ScaleError::unreadable(line)),
    };
    let counts: i64 = frame[3..9]
        .parse()
        .map_err(|_| ScaleError::unreadable(line))?;
    let value = counts * per_count;
    Ok(Reading {
        value_milli: if b & 0b10 != 0 { -value } else { value },
        unit,
        // An expanded (×10) display is for testing the scale, never a weight to record.
        stable: b & 0b1000 == 0 && c & 0b1_0000 == 0,
        net: b & 0b1 != 0,
        division_milli: per_count * increment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Protocol, ScaleErrorKind};

    /// A frame: status bytes, weight and tare counts.
    fn frame(a: u8, b: u8, c: u8, weight: &str, tare: &str) -> String {
        format!("\u{2}{}{}{}{weight}{tare}", a as char, b as char, c as char)
    }

    // A: bits 5, 6 set, ×1 increment (bit 3), two decimals (code 4): 0b0110_1100, the
    // source's own example. B: bits 5, 6 set, kg (bit 4). C: bit 5 set, unit 000.
    const A: u8 = 0b0110_1100;
    const B: u8 = 0b0111_0000;
    const C: u8 = 0b0010_0000;

    #[test]
    fn a_stable_gross_weight_in_kg() {
        let r = Protocol::ToledoContinuous
            .parse_line(&frame(A, B, C, "001234", "000000"))
            .expect("a weight");
        assert_eq!(
            (r.value_milli, r.unit, r.stable, r.net, r.division_milli),
            (12_340, ScaleUnit::Kg, true, false, 10)
        );
        assert_eq!(r.quantity().expect("q").to_string(), "12.34 kg");
    }

    #[test]
    fn motion_net_negative_and_other_units() {
        let p = Protocol::ToledoContinuous;
        let r = p
            .parse_line(&frame(A, B | 0b1000, C, "001236", "000000"))
            .unwrap();
        assert!(!r.stable);
        let r = p
            .parse_line(&frame(A, B | 0b11, C, "000050", "000200"))
            .unwrap();
        assert_eq!((r.value_milli, r.net), (-500, true));
        // Whole tonnes with three decimals, ×5 increment; grams without decimals.
        let r = p
            .parse_line(&frame(0b0111_1101, B, C | 0b010, "012345", "000000"))
            .unwrap();
        assert_eq!(
            (r.value_milli, r.unit, r.division_milli),
            (12_345, ScaleUnit::T, 5)
        );
        let r = p
            .parse_line(&frame(0b0110_1010, B, C | 0b001, "001250", "000000"))
            .unwrap();
        assert_eq!((r.value_milli, r.unit), (1_250_000, ScaleUnit::G));
        // The checksum of the frame before, then this frame.
        let line = format!("K{}", frame(A, B, C, "001234", "000000"));
        assert_eq!(p.parse_line(&line).unwrap().value_milli, 12_340);
    }

    #[test]
    fn refusals() {
        let p = Protocol::ToledoContinuous;
        let kind = |line: String| p.parse_line(&line).expect_err(&line).kind();
        assert_eq!(
            kind(frame(A, B & !0b1_0000, C, "001234", "000000")),
            ScaleErrorKind::Unit
        );
        assert_eq!(
            kind(frame(A, B | 0b100, C, "999999", "000000")),
            ScaleErrorKind::Range
        );
        assert_eq!(
            kind(frame(A, B, C, "0012x4", "000000")),
            ScaleErrorKind::Unreadable
        );
        assert_eq!(
            kind(frame(A, B, C, "001234", "0000")),
            ScaleErrorKind::Unreadable
        );
        assert_eq!(
            kind(frame(0b0110_0110, B, C, "001234", "000000")),
            ScaleErrorKind::Unreadable
        );
        assert_eq!(kind("ST,GS,+0012.34kg".into()), ScaleErrorKind::Unreadable);
        // An expanded display is never stable.
        let r = p
            .parse_line(&frame(A, B, C | 0b1_0000, "012340", "000000"))
            .unwrap();
        assert!(!r.stable);
    }
}

//! The quantity rules of custody: a stated discrepancy fits the chain, and accepted plus
//! refused add up to what was weighed.

use crate::custody::{ContainerStatus, CustodyError};
use crate::quantity::Quantity;

/// A stated discrepancy must compare with what the chain says was there before, and be one.
pub(crate) fn check_discrepancy(
    before: &ContainerStatus,
    d: &crate::weighing::Discrepancy,
    measured: &Quantity,
) -> Result<(), CustodyError> {
    // Part of the chain only: the quantity before is not at hand; the registry checks it.
    if before.partial_from.is_none() && d.expected != before.reference_quantity() {
        return Err(CustodyError::Quantities(format!(
            "the discrepancy compares with {}, but {} was measured before",
            d.expected,
            before.reference_quantity()
        )));
    }
    if d.expected.unit != measured.unit || d.tolerance.unit != measured.unit {
        return Err(CustodyError::Quantities(format!(
            "a discrepancy compares quantities of one unit ({measured} against {}, tolerance {})",
            d.expected, d.tolerance
        )));
    }
    if (measured.milli - d.expected.milli).abs() <= d.tolerance.milli || d.tolerance.milli < 0 {
        return Err(CustodyError::Quantities(format!(
            "{measured} against {} is within the stated tolerance {}: no discrepancy",
            d.expected, d.tolerance
        )));
    }
    Ok(())
}

/// Accepted and refused quantities must add up to the last weighing, when there was one in
/// the same unit.
pub(crate) fn check_adds_up(
    before: &ContainerStatus,
    parts: &[Quantity],
    what: &str,
) -> Result<(), CustodyError> {
    let Some(m) = before.measured else {
        return Ok(());
    };
    if parts.iter().any(|p| p.unit != m.unit) {
        return Ok(());
    }
    let sum: i64 = parts.iter().map(|p| p.milli).sum();
    if sum != m.milli {
        return Err(CustodyError::Quantities(format!(
            "{what} is {} {}, but {m} was measured",
            crate::format_milli(sum),
            m.unit
        )));
    }
    Ok(())
}

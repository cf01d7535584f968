//! The quantity rules of custody: a stated discrepancy fits the chain, accepted plus
//! refused add up to what was weighed, and the refused part of a partly refused container
//! goes back whole, under the manifest it came with.

use crate::custody::{ContainerStatus, CustodyError};
use crate::event::{EventKind, ReturningPart};
use crate::lineage::BALANCE_TOLERANCE_PERMILLE;
use crate::model::ContainerLabel;
use crate::quantity::{format_milli, Quantity};

fn refused_part(en: String, zh: String) -> CustodyError {
    CustodyError::RefusedPart { en, zh }
}

/// A split that sends the refused part back: the source holds a refused part, the returning
/// part holds it (within [`BALANCE_TOLERANCE_PERMILLE`]) and travels under the manifest the
/// source came with. What the other parts hold is checked against what was accepted by
/// [`crate::check_balance`].
pub(crate) fn check_returning(
    before: &ContainerStatus,
    returning: &ReturningPart,
    parts: &[ContainerLabel],
) -> Result<(), CustodyError> {
    let Some(refused) = before.refused else {
        return Err(refused_part(
            format!(
                "container {} has no refused part to send back: only a partly refused container's refused part goes back this way",
                before.label.code
            ),
            format!(
                "容器 {} 没有拒收部分：只有部分拒收的容器才能这样退回拒收部分",
                before.label.code
            ),
        ));
    };
    let Some(part) = parts.iter().find(|p| p.code == returning.code) else {
        return Err(refused_part(
            format!(
                "the returning part {} is not one of the split's parts",
                returning.code
            ),
            format!("退回部分 {} 不是本次拆分的产出", returning.code),
        ));
    };
    let q = part.quantity;
    let tolerance = refused.milli.saturating_mul(BALANCE_TOLERANCE_PERMILLE) / 1000;
    if q.unit != refused.unit || (q.milli - refused.milli).abs() > tolerance {
        return Err(CustodyError::Balance {
            en: format!("the returning part holds {q}, the receiver refused {refused}"),
            zh: format!("退回部分为 {q}，拒收数量为 {refused}"),
        });
    }
    match &before.manifest {
        Some(m) if m == &returning.manifest => Ok(()),
        Some(m) => Err(refused_part(
            format!(
                "the refused part goes back under manifest {}, which it came with, not {}",
                m.number, returning.manifest.number
            ),
            format!(
                "拒收部分须按其到达时的转移联单 {} 退回，而不是 {}",
                m.number, returning.manifest.number
            ),
        )),
        // Part of the chain only: the manifest is not at hand; the registry checks it.
        None if before.partial_from.is_some() => Ok(()),
        None => Err(refused_part(
            format!("container {} came under no manifest", before.label.code),
            format!("容器 {} 没有转移联单", before.label.code),
        )),
    }
}

/// While a container holds a refused part, a step that would take that part along with the
/// accepted waste (use or disposal, a merge, a split that does not send it back, a dispatch,
/// a void) is refused: the refused part is split off to go back first. Checked on intake
/// ([`crate::check_intake`]), not when a stored chain is verified: a partly refused
/// container disposed of before this rule keeps verifying.
pub(crate) fn check_refused_part_kept(
    before: &ContainerStatus,
    event: &EventKind,
) -> Result<(), CustodyError> {
    let Some(refused) = before.refused else {
        return Ok(());
    };
    let takes_it_along = match event {
        EventKind::Split { returning, .. } => returning.is_none(),
        EventKind::Disposed { .. }
        | EventKind::Merged { .. }
        | EventKind::Dispatched { .. }
        | EventKind::Void { .. } => true,
        _ => false,
    };
    if !takes_it_along {
        return Ok(());
    }
    let step = event.step();
    Err(refused_part(
        format!(
            "container {} still holds the {refused} refused: split it off to go back to its sender before {}",
            before.label.code,
            step.name(yima_codes::Lang::En)
        ),
        format!(
            "容器 {} 仍装有拒收的 {refused}：请先拆出拒收部分退回移出人，再进行「{}」",
            before.label.code,
            step.name(yima_codes::Lang::Zh)
        ),
    ))
}

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
            format_milli(sum),
            m.unit
        )));
    }
    Ok(())
}

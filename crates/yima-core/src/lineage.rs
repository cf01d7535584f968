//! Where containers come from: a container begins only with a `generated` event of its
//! producer, or as an output of a merge or split that links every source and every output,
//! whose new labels are checked like generated ones and whose quantities balance.

use crate::custody::{check_label, ContainerStatus, CustodyError};
use crate::event::{EventBody, EventKind};
use crate::quantity::{format_milli, Quantity};
use std::collections::BTreeSet;
use yima_codes::LabelCode;

/// How far a merge's output may be from the sum of its inputs (and a split's outputs from its
/// input), in thousandths of the input: 10‰ (1 %), for the scale's error when the output is
/// weighed. The one place to adjust it.
pub const BALANCE_TOLERANCE_PERMILLE: i64 = 10;

fn lineage(en: String, zh: String) -> CustodyError {
    CustodyError::Lineage { en, zh }
}

fn balance(en: String, zh: String) -> CustodyError {
    CustodyError::Balance { en, zh }
}

/// Checks what the body alone says about the containers it begins: a `generated` event links
/// exactly its label's container, as a new one; a merge links at least two sources (each with
/// its previous event) and exactly its target as new; a split links exactly one source and
/// exactly its parts as new; no other event begins a container; and every new label fits its
/// code and names the recorder as producer, as a generated label must.
pub fn check_shape(body: &EventBody) -> Result<(), CustodyError> {
    let new: BTreeSet<&LabelCode> = body
        .links
        .iter()
        .filter(|l| l.prev.is_none())
        .map(|l| &l.container)
        .collect();
    let sources = body.links.iter().filter(|l| l.prev.is_some()).count();
    let labels = body.event.new_labels();
    let codes: BTreeSet<&LabelCode> = labels.iter().map(|l| &l.code).collect();
    if codes.len() != labels.len() {
        return Err(lineage(
            "two new containers have the same code".into(),
            "两个新容器使用了同一识别码".into(),
        ));
    }
    if new != codes {
        let list = |s: &BTreeSet<&LabelCode>| {
            s.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(lineage(
            format!(
                "the event begins [{}] but its labels are for [{}]",
                list(&new),
                list(&codes)
            ),
            format!(
                "事件新建的容器为 [{}]，其标签却是 [{}]",
                list(&new),
                list(&codes)
            ),
        ));
    }
    match &body.event {
        EventKind::Generated { .. } if sources > 0 => {
            return Err(lineage(
                "a generating event links no earlier container".into(),
                "产生事件不能关联已有容器".into(),
            ))
        }
        EventKind::Merged { .. } if sources < 2 => {
            return Err(lineage(
                format!("a merge needs at least two source containers, it links {sources}"),
                format!("合并至少需要两个来源容器，该事件只关联了 {sources} 个"),
            ))
        }
        EventKind::Split { parts, .. } if sources != 1 || parts.is_empty() => {
            return Err(lineage(
                format!(
                    "a split takes one source into at least one part; it links {sources} sources and {} parts",
                    parts.len()
                ),
                format!(
                    "拆分应有一个来源容器和至少一个产出；该事件关联了 {sources} 个来源、{} 个产出",
                    parts.len()
                ),
            ))
        }
        EventKind::Split {
            parts,
            returning: Some(r),
            ..
        } if !parts.iter().any(|p| p.code == r.code) => {
            return Err(lineage(
                format!("the returning part {} is not one of the split's parts", r.code),
                format!("退回部分 {} 不是本次拆分的产出", r.code),
            ))
        }
        _ => {}
    }
    for label in labels {
        check_label(label, &body.by.org)?;
    }
    Ok(())
}

/// The largest difference allowed against `total` thousandths.
fn tolerance(total: i64) -> i64 {
    total.saturating_mul(BALANCE_TOLERANCE_PERMILLE) / 1000
}

/// A void's stated quantity is what its containers hold together, in their unit, within
/// [`BALANCE_TOLERANCE_PERMILLE`].
fn check_void<'a>(
    body: &EventBody,
    stated: &Quantity,
    source: impl Fn(&LabelCode) -> Option<&'a ContainerStatus>,
) -> Result<(), CustodyError> {
    let mut held = 0i64;
    for l in &body.links {
        let Some(s) = source(&l.container) else {
            return Ok(());
        };
        let q = s.quantity();
        if q.unit != stated.unit {
            return Err(balance(
                format!(
                    "the void states {stated}, container {} holds {q}: state it in the containers' unit",
                    l.container
                ),
                format!(
                    "作废申报 {stated}，容器 {} 为 {q}：请使用容器的计量单位",
                    l.container
                ),
            ));
        }
        held += q.milli;
    }
    if (held - stated.milli).abs() > tolerance(held) {
        let (h, unit) = (format_milli(held), stated.unit);
        return Err(balance(
            format!("the void states {stated} leaving the books, its containers hold {h} {unit}"),
            format!("作废申报核销 {stated}，容器合计 {h} {unit}"),
        ));
    }
    Ok(())
}

/// Checks that a merge or split accounts for its quantity (what each source holds: last
/// measured or accepted, else as labelled), given the statuses of its sources
/// just before it (`source`; a source not given is not checked — the caller has refused or
/// deferred the event already): every output holds the sources' waste code in their unit; a
/// merge's output equals the sum of its inputs, a split's outputs add up to its input, each
/// within [`BALANCE_TOLERANCE_PERMILLE`]; a void's stated quantity is what its containers
/// hold. Other events pass.
pub fn check_balance<'a>(
    body: &EventBody,
    source: impl Fn(&LabelCode) -> Option<&'a ContainerStatus>,
) -> Result<(), CustodyError> {
    let outputs: Vec<&Quantity> = match &body.event {
        EventKind::Merged { target, .. } => vec![&target.quantity],
        EventKind::Split { parts, .. } => parts.iter().map(|p| &p.quantity).collect(),
        EventKind::Void {
            quantity: Some(q), ..
        } => return check_void(body, q, source),
        _ => return Ok(()),
    };
    let mut inputs = Vec::new();
    for l in body.links.iter().filter(|l| l.prev.is_some()) {
        match source(&l.container) {
            Some(s) => inputs.push(s),
            None => return Ok(()),
        }
    }
    let Some(first) = inputs.first() else {
        return Ok(());
    };
    let waste = &first.label.waste_code;
    let unit = first.quantity().unit;
    for s in &inputs {
        if &s.label.waste_code != waste || s.quantity().unit != unit {
            return Err(balance(
                format!(
                    "the sources hold {waste} in {unit} and {} in {}: only like waste in one unit is merged",
                    s.label.waste_code,
                    s.quantity().unit
                ),
                format!(
                    "来源容器分别为 {waste}（{unit}）和 {}（{}）：只有同一废物、同一计量单位才能合并",
                    s.label.waste_code,
                    s.quantity().unit
                ),
            ));
        }
    }
    for label in body.event.new_labels() {
        if &label.waste_code != waste {
            return Err(balance(
                format!(
                    "output {} is labelled {}, its sources hold {waste}",
                    label.code, label.waste_code
                ),
                format!(
                    "产出容器 {} 标为 {}，来源容器为 {waste}",
                    label.code, label.waste_code
                ),
            ));
        }
        if label.quantity.unit != unit {
            return Err(balance(
                format!(
                    "output {} is in {}, its sources in {unit}",
                    label.code, label.quantity.unit
                ),
                format!(
                    "产出容器 {} 的单位为 {}，来源容器为 {unit}",
                    label.code, label.quantity.unit
                ),
            ));
        }
    }
    // What the sources hold as last measured or accepted, else as labelled; and, in a split
    // that sends a refused part back, that part too (what was accepted and what was refused).
    let mut input: i64 = inputs.iter().map(|s| s.quantity().milli).sum();
    if let EventKind::Split {
        returning: Some(_), ..
    } = &body.event
    {
        input += inputs
            .iter()
            .filter_map(|s| s.refused)
            .filter(|q| q.unit == unit)
            .map(|q| q.milli)
            .sum::<i64>();
    }
    let output: i64 = outputs.iter().map(|q| q.milli).sum();
    if (input - output).abs() > tolerance(input) {
        let (i, o) = (format_milli(input), format_milli(output));
        return Err(match &body.event {
            EventKind::Merged { .. } => balance(
                format!("the merged container declares {o} {unit}, its sources hold {i} {unit}"),
                format!("合并后的容器申报 {o} {unit}，来源容器合计 {i} {unit}"),
            ),
            _ => balance(
                format!(
                    "the parts add up to {o} {unit}, the container holds {i} {unit}; name what is left as a part of its own"
                ),
                format!("各部分合计 {o} {unit}，原容器为 {i} {unit}；剩余部分请作为单独一部分列出"),
            ),
        });
    }
    Ok(())
}

//! The steps a device records alone (no handover): store, dispatch, weigh, accept, refuse,
//! dispose, merge, split, correct, void.

use crate::batch::commit_all;
use crate::clock::Clock;
use crate::error::{bad_input, DeviceError};
use crate::register::{build_label, LabelFacts, NewContainer};
use crate::status::compose_in;
use crate::Device;
use std::collections::BTreeMap;
use yima_codes::{BatchKind, LabelCode, Lang};
use yima_core::{
    ContainerLabel, ContainerState, ContainerStatus, EventId, EventKind, Quantity, Role,
    SignedEvent, Timestamp, Tolerances, TransferManifest, TreatmentMode, WeighMethod,
};
use yima_store::Tx;

/// A step recorded by this device alone.
#[derive(Clone, Debug)]
pub enum Action {
    /// 入库 into the storage facility.
    Store {
        /// Storage facility code.
        facility_code: String,
    },
    /// 出库 against a transfer manifest.
    Dispatch {
        /// The manifest.
        manifest: TransferManifest,
        /// Storage facility it leaves.
        facility_code: String,
    },
    /// 称重 at a custody change (the sender before dispatch, the carrier at pickup, the
    /// receiver at receipt): a discrepancy beyond the device's tolerance is recorded with it.
    Weigh {
        /// Measured quantity.
        measured: Quantity,
        /// Electronic scale or manual.
        method: WeighMethod,
        /// The scale the weight was read from (`yima_scale::Captured::scale`): only with
        /// [`WeighMethod::Scale`]; `None` when typed in.
        scale: Option<String>,
        /// The person who weighed.
        weigher: String,
    },
    /// 接受 in full (the quantity defaults to the last weighing, else the declared one).
    Accept {
        /// Accepted quantity.
        quantity: Option<Quantity>,
    },
    /// 部分拒收.
    PartlyRefuse {
        /// Accepted quantity.
        accepted: Quantity,
        /// Refused quantity.
        refused: Quantity,
        /// Why.
        reason: String,
    },
    /// 拒收 in full.
    Refuse {
        /// Why.
        reason: String,
    },
    /// 利用 / 处置.
    Dispose {
        /// Use or disposal (defaults to the manifest's, for a receiver).
        mode: Option<TreatmentMode>,
        /// Method.
        method: String,
        /// Completion time (defaults to the event time).
        completed_at: Option<Timestamp>,
    },
    /// 合并 the named containers into a new one.
    Merge {
        /// Quantity of the new container (defaults to the sum, when the units agree; a
        /// quantity given must be the sum within [`yima_core::BALANCE_TOLERANCE_PERMILLE`]).
        quantity: Option<Quantity>,
    },
    /// 拆分 one container into parts of these quantities, which add up to the container's
    /// (what is left is a part of its own).
    Split {
        /// Quantity of each part.
        parts: Vec<Quantity>,
    },
    /// 拆出拒收部分退回: splits a partly refused container into what was accepted (kept by
    /// the receiver) and what was refused, which starts refused under the manifest it came
    /// with, to be picked up and returned to its sender. The quantities are those of the
    /// partial refusal.
    ReturnRefusedPart,
    /// 更正 an earlier event.
    Correct {
        /// The event corrected.
        corrects: EventId,
        /// Why.
        reason: String,
        /// Field → corrected value.
        changes: BTreeMap<String, String>,
    },
    /// 作废.
    Void {
        /// Why.
        reason: String,
        /// The quantity leaving the books; by default what the containers hold together
        /// (last measured or accepted, else as labelled).
        quantity: Option<Quantity>,
    },
}

/// A step to record, with its containers and optional time and place.
#[derive(Clone, Debug)]
pub struct ActionRequest {
    /// The containers.
    pub codes: Vec<LabelCode>,
    /// The step.
    pub action: Action,
    /// When (defaults to now; may not be in the future).
    pub at: Option<Timestamp>,
    /// Where (optional).
    pub location: Option<String>,
}

fn one(codes: &[LabelCode], what: &str, zh: &str) -> Result<(), DeviceError> {
    if codes.len() != 1 {
        return Err(bad_input(
            format!("{what} takes exactly one container, {} given", codes.len()),
            format!("{zh}一次只能针对一个容器，实际给出 {} 个", codes.len()),
        ));
    }
    Ok(())
}

fn reason(r: &str) -> Result<String, DeviceError> {
    let r = r.trim();
    if r.is_empty() {
        return Err(bad_input("a reason is required", "必须填写原因"));
    }
    Ok(r.to_string())
}

/// What the containers hold together, each as last measured or accepted (else as
/// labelled); `None` when their units differ.
fn held_together(
    statuses: &BTreeMap<LabelCode, ContainerStatus>,
) -> Option<Result<Quantity, DeviceError>> {
    let unit = statuses.values().next()?.quantity().unit;
    if statuses.values().any(|s| s.quantity().unit != unit) {
        return None;
    }
    let milli = statuses.values().map(|s| s.quantity().milli).sum();
    Some(Quantity::new(milli, unit).map_err(DeviceError::from))
}

fn last_quantity(status: &ContainerStatus) -> Quantity {
    // The last weighing in the chain, else the declared quantity.
    status.reference_quantity()
}

/// The event `id` of `code`'s chain, as stored.
fn stored_event(
    tx: &Tx<'_>,
    code: &LabelCode,
    id: &EventId,
) -> Result<Option<EventKind>, DeviceError> {
    for (eid, body) in tx.container_event_bodies(code)? {
        if &eid == id {
            return Ok(yima_core::decode(&body).ok().map(|b| b.event));
        }
    }
    Ok(None)
}

fn copy_label(
    tx: &Tx<'_>,
    device: &yima_store::DeviceRow,
    source: &ContainerLabel,
    quantity: Quantity,
    day: chrono::NaiveDate,
) -> Result<ContainerLabel, DeviceError> {
    let facts = LabelFacts {
        waste: source.waste_code.clone(),
        quantity,
        form: source.form,
        name: source.name.clone(),
        hazards: source.hazards,
    };
    let req = NewContainer {
        main_components: source.main_components.clone(),
        harmful_components: source.harmful_components.clone(),
        precautions: source.precautions.clone(),
        contact: source.contact.clone(),
        phone: source.phone.clone(),
        container_type: source.container_type.clone(),
        facility_code: source.facility_code.clone(),
        remarks: source.remarks.clone(),
        ..NewContainer::default()
    };
    build_label(tx, device, facts, &req, day)
}

/// The split of a partly refused container `source` into the part kept (what was accepted,
/// when any) and the part going back (what was refused).
fn return_refused_part(
    tx: &Tx<'_>,
    device: &yima_store::DeviceRow,
    source: &ContainerStatus,
    day: chrono::NaiveDate,
) -> Result<EventKind, DeviceError> {
    let code = &source.label.code;
    let Some(refused) = source.refused else {
        return Err(bad_input(
            format!("container {code} has no refused part: only what was partly refused goes back this way; a container refused in full is picked up as it is"),
            format!("容器 {code} 没有拒收部分：只有部分拒收的容器才需拆出退回；全部拒收的容器直接交承运人退回"),
        ));
    };
    let Some(manifest) = source.manifest.clone() else {
        return Err(bad_input(
            format!("container {code} came under no manifest this device knows: sync first"),
            format!("本设备不知道容器 {code} 的转移联单：请先同步"),
        ));
    };
    let mut parts = Vec::with_capacity(2);
    let kept = source.quantity();
    if kept.milli > 0 {
        parts.push(copy_label(tx, device, &source.label, kept, day)?);
    }
    let mut back = source.label.clone();
    back.remarks = format!(
        "{code} 拒收部分，退回 {} / refused part of {code}, returning to {}",
        manifest.sender.name, manifest.sender.name
    );
    let back = copy_label(tx, device, &back, refused, day)?;
    let returning = yima_core::ReturningPart {
        code: back.code.clone(),
        manifest,
    };
    parts.push(back);
    Ok(EventKind::Split {
        inherited_state: source.state,
        parts,
        returning: Some(returning),
    })
}

impl<C: Clock> Device<C> {
    /// Records a step on the named containers; returns the signed event.
    pub fn record(&mut self, req: &ActionRequest) -> Result<SignedEvent, DeviceError> {
        check_request(req)?;
        let action = req.action.clone();
        let tolerances = self.tolerances;
        self.commit(
            &req.codes,
            req.at,
            req.location.clone(),
            move |tx, device, statuses, at| {
                action_kind(tx, device, statuses, at, action, &tolerances)
            },
        )
    }

    /// Records several steps in one transaction: all are stored, or none (a run of scans).
    pub fn record_all(&mut self, reqs: &[ActionRequest]) -> Result<Vec<SignedEvent>, DeviceError> {
        for req in reqs {
            check_request(req)?;
        }
        let now = self.clock.now();
        let tolerances = self.tolerances;
        self.store.write(|tx| {
            let device = tx.require_device()?;
            let named: Vec<&[LabelCode]> = reqs.iter().map(|r| &r.codes[..]).collect();
            commit_all(tx, &device, now, &named, |i| {
                let req = &reqs[i];
                let action = req.action.clone();
                compose_in(
                    tx,
                    &device,
                    now,
                    &req.codes,
                    req.at,
                    req.location.clone(),
                    move |tx, device, statuses, at| {
                        action_kind(tx, device, statuses, at, action, &tolerances)
                    },
                )
            })
        })
    }
}

/// The unit a corrected `quantity` of `kind` is in: the step's own quantity's, else the
/// label's.
fn unit_of(kind: &EventKind, status: &ContainerStatus) -> yima_core::Unit {
    match kind {
        EventKind::Weighed { measured } | EventKind::Weighing { measured, .. } => measured.unit,
        EventKind::Accepted { quantity } => quantity.unit,
        _ => status.label.quantity.unit,
    }
}

fn check_request(req: &ActionRequest) -> Result<(), DeviceError> {
    if req.codes.is_empty() {
        return Err(bad_input("no container given", "未指定容器"));
    }
    match &req.action {
        Action::Weigh { .. } => one(&req.codes, "weighing", "称重")?,
        Action::Accept { .. } => one(&req.codes, "accepting", "接受")?,
        Action::PartlyRefuse { .. } => one(&req.codes, "partly refusing", "部分拒收")?,
        Action::Refuse { .. } => one(&req.codes, "refusing", "拒收")?,
        Action::Split { .. } => one(&req.codes, "splitting", "拆分")?,
        Action::ReturnRefusedPart => one(&req.codes, "returning a refused part", "退回拒收部分")?,
        Action::Correct { .. } => one(&req.codes, "a correction", "更正")?,
        Action::Merge { .. } if req.codes.len() < 2 => {
            return Err(bad_input(
                "merging takes at least two containers",
                "合并至少需要两个容器",
            ))
        }
        _ => {}
    }
    Ok(())
}

fn action_kind(
    tx: &Tx<'_>,
    device: &yima_store::DeviceRow,
    statuses: &BTreeMap<LabelCode, ContainerStatus>,
    at: Timestamp,
    action: Action,
    tolerances: &Tolerances,
) -> Result<EventKind, DeviceError> {
    let day = at.china_date();
    let first = statuses.values().next().expect("at least one container");
    Ok(match action {
        Action::Store { facility_code } => EventKind::Stored {
            batch: tx.draw_batch(BatchKind::IntoStore, day)?,
            facility_code: facility_code.trim().into(),
        },
        Action::Dispatch {
            manifest,
            facility_code,
        } => {
            crate::weighed::check_weighed(tx, device, statuses)?;
            EventKind::Dispatched {
                batch: tx.draw_batch(BatchKind::OutOfStore, day)?,
                facility_code: facility_code.trim().into(),
                outsourced_batch: tx.draw_batch(
                    match manifest.mode {
                        TreatmentMode::Use => BatchKind::OutsourcedUse,
                        TreatmentMode::Disposal => BatchKind::OutsourcedDisposal,
                    },
                    day,
                )?,
                manifest,
            }
        }
        Action::Weigh {
            measured,
            method,
            scale,
            weigher,
        } => {
            let weigher = weigher.trim().to_string();
            if weigher.is_empty() {
                return Err(bad_input(
                    "say who weighed (--weigher)",
                    "请填写称重人（--weigher）",
                ));
            }
            let scale = scale.map(|s| s.trim().to_string());
            yima_core::check_scale(method, scale.as_deref()).map_err(|e| {
                bad_input(
                    e.message(yima_codes::Lang::En),
                    e.message(yima_codes::Lang::Zh),
                )
            })?;
            EventKind::Weighing {
                discrepancy: tolerances.discrepancy(&first.reference_quantity(), &measured),
                measured,
                method,
                scale,
                weigher,
            }
        }
        Action::Accept { quantity } => EventKind::Accepted {
            quantity: match quantity {
                Some(q) => q,
                None => last_quantity(first),
            },
        },
        Action::PartlyRefuse {
            accepted,
            refused,
            reason: r,
        } => EventKind::PartlyRefused {
            accepted,
            refused,
            reason: reason(&r)?,
        },
        Action::Refuse { reason: r } => EventKind::Refused {
            quantity: last_quantity(first),
            reason: reason(&r)?,
        },
        Action::Dispose {
            mode,
            method,
            completed_at,
        } => {
            let mode = match (mode, &first.manifest) {
                (Some(m), _) => m,
                (None, Some(m)) if device.role == Role::Receiver => m.mode,
                (None, _) => {
                    return Err(bad_input(
                        "say whether the waste is used or disposed of (--mode use|disposal)",
                        "请说明是利用还是处置（--mode use|disposal）",
                    ))
                }
            };
            let method = method.trim().to_string();
            if method.is_empty() {
                return Err(bad_input(
                    "the use/disposal method is required",
                    "必须填写利用/处置方式",
                ));
            }
            let completed_at = completed_at.unwrap_or(at);
            crate::status::check_time(completed_at, at)?;
            let kind = match mode {
                TreatmentMode::Use => BatchKind::OwnUse,
                TreatmentMode::Disposal => BatchKind::OwnDisposal,
            };
            EventKind::Disposed {
                batch: tx.draw_batch(kind, day)?,
                completed_at,
                method,
                mode,
            }
        }
        Action::Merge { quantity } => {
            let waste = &first.label.waste_code;
            if statuses.values().any(|s| &s.label.waste_code != waste) {
                return Err(bad_input(
                    "containers to merge must hold the same waste code",
                    "待合并的容器必须是同一废物代码",
                ));
            }
            let states: Vec<ContainerState> = statuses.values().map(|s| s.state).collect();
            if states.iter().any(|s| *s != states[0]) {
                return Err(bad_input(
                    "containers to merge must all be in the same state",
                    "待合并的容器必须处于同一状态",
                ));
            }
            let quantity = match quantity {
                Some(q) => q,
                None => held_together(statuses).ok_or_else(|| {
                    bad_input(
                        "the units differ: give the merged quantity",
                        "单位不一致：请给出合并后的数量",
                    )
                })??,
            };
            EventKind::Merged {
                inherited_state: states[0],
                target: copy_label(tx, device, &first.label, quantity, day)?,
            }
        }
        Action::Split { parts } => {
            if parts.len() < 2 {
                return Err(bad_input(
                    "a split needs at least two parts",
                    "拆分至少需要两部分",
                ));
            }
            let whole = first.quantity();
            if parts.iter().any(|q| q.unit != whole.unit) {
                return Err(bad_input(
                    format!("the parts must be in the container's unit ({})", whole.unit),
                    format!("各部分须使用容器的计量单位（{}）", whole.unit),
                ));
            }
            let sum: i64 = parts.iter().map(|q| q.milli).sum();
            if sum > whole.milli {
                let sum = yima_core::format_milli(sum);
                return Err(bad_input(
                    format!(
                        "the parts add up to {sum} {}, more than the container's {whole}",
                        whole.unit
                    ),
                    format!("各部分合计 {sum} {}，超过容器的 {whole}", whole.unit),
                ));
            }
            let labels = parts
                .iter()
                .map(|q| copy_label(tx, device, &first.label, *q, day))
                .collect::<Result<Vec<_>, _>>()?;
            EventKind::Split {
                inherited_state: first.state,
                parts: labels,
                returning: None,
            }
        }
        Action::ReturnRefusedPart => return_refused_part(tx, device, first, day)?,
        Action::Correct {
            corrects,
            reason: r,
            changes,
        } => {
            // An event outside the chain is refused by the custody rules (forbidden).
            if let Some(corrected) = stored_event(tx, &first.label.code, &corrects)? {
                yima_core::check_correction(&changes, &corrected, unit_of(&corrected, first))
                    .map_err(|e| bad_input(e.message(Lang::En), e.message(Lang::Zh)))?;
            }
            EventKind::Correction {
                changes,
                corrects,
                reason: reason(&r)?,
            }
        }
        Action::Void {
            reason: r,
            quantity,
        } => {
            let quantity = match quantity {
                Some(q) => q,
                None => held_together(statuses).ok_or_else(|| {
                    bad_input(
                        "the units differ: give the quantity leaving the books",
                        "单位不一致：请给出核销的数量",
                    )
                })??,
            };
            EventKind::Void {
                quantity: Some(quantity),
                reason: reason(&r)?,
            }
        }
    })
}

//! The management ledger (管理台账, HJ 1259-2022): one record per container and stage —
//! generation, into storage, out of storage, own use/disposal, outsourced use/disposal —
//! built from the events this device's organisation recorded, and written as CSV.

use crate::clock::Clock;
use crate::error::DeviceError;
use crate::Device;
use serde::Serialize;
use std::collections::HashMap;
use yima_codes::{LabelCode, Lang};
use yima_core::{ContainerLabel, EventKind, SignedEvent, TreatmentMode};

/// The five stages of HJ 1259.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerStage {
    /// 产生.
    Generation,
    /// 入库.
    IntoStore,
    /// 出库.
    OutOfStore,
    /// 自行利用/处置.
    OwnTreatment,
    /// 委托利用/处置.
    Outsourced,
    /// 接收 (a receiver's accepted quantity).
    Receipt,
    /// 拆分.
    Split,
    /// 核销 (void: the quantity leaves the books).
    Void,
    /// 更正.
    Correction,
    /// 称重 at a custody change (with a discrepancy, if any, in the note).
    Weighing,
}

impl LedgerStage {
    /// Name for a person.
    pub fn name(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            LedgerStage::Generation => ("产生", "generation"),
            LedgerStage::IntoStore => ("入库", "into storage"),
            LedgerStage::OutOfStore => ("出库", "out of storage"),
            LedgerStage::OwnTreatment => ("自行利用/处置", "own use/disposal"),
            LedgerStage::Outsourced => ("委托利用/处置", "outsourced use/disposal"),
            LedgerStage::Receipt => ("接收", "receipt"),
            LedgerStage::Split => ("拆分", "split"),
            LedgerStage::Void => ("核销", "void"),
            LedgerStage::Correction => ("更正", "correction"),
            LedgerStage::Weighing => ("称重", "weighing"),
        };
        if lang == Lang::Zh {
            zh
        } else {
            en
        }
    }
}

/// One ledger record (HJ 1259 fields; those a stage lacks are empty).
#[derive(Clone, Debug, Serialize)]
pub struct LedgerRow {
    /// Stage.
    pub stage: LedgerStage,
    /// Batch code of this record (HWCS…, HWRK…, HWCK…, HWZX…, HWWW…).
    pub batch_code: String,
    /// Time of the record (leaving time for outsourced records).
    pub time: String,
    /// 废物名称: the producer's own name for the waste.
    pub waste_name: String,
    /// The catalogue's name for the waste code (名录名称).
    pub catalogue_name: String,
    /// 废物类别.
    pub category: String,
    /// 废物代码.
    pub waste_code: String,
    /// Quantity.
    pub quantity: String,
    /// Unit.
    pub unit: String,
    /// 容器编码 (the 37-character code).
    pub container_code: String,
    /// 容器类型.
    pub container_type: String,
    /// 容器数量.
    pub container_count: u32,
    /// Facility code (generating, storage or treatment facility).
    pub facility_code: String,
    /// Facility type.
    pub facility_type: String,
    /// Handler (经办人): the operator the signed event names for this organisation, else
    /// the person this device kept with the step (see [`Device::set_operator`]; events
    /// recorded before operators were signed, and handovers the giver composed), a
    /// weighing's weigher, else for a generation the label's contact.
    pub handler: String,
    /// Destination (去向).
    pub destination: String,
    /// Source batch code (the previous stage's batch).
    pub source_batch: String,
    /// Use/disposal method.
    pub method: String,
    /// Completion time.
    pub completed_at: String,
    /// Receiver type (利用/处置).
    pub receiver_type: String,
    /// Receiver name.
    pub receiver_name: String,
    /// Receiver's permit number.
    pub receiver_permit: String,
    /// 备注: what a correction changed (original → corrected), a void's reason, a weighing.
    pub note: String,
}

/// A time as the ledger writes it: China local time with its offset,
/// e.g. `2026-03-01 14:05:00+08:00` (China keeps +08:00 all year).
pub fn china_time(t: yima_core::Timestamp) -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset");
    t.to_datetime()
        .with_timezone(&offset)
        .format("%Y-%m-%d %H:%M:%S%:z")
        .to_string()
}

fn catalogue_name(code: &yima_codes::WasteCode) -> String {
    yima_codes::Catalogue::latest()
        .get(code)
        .map(|e| e.description.clone())
        .unwrap_or_default()
}

/// What a correction changed, original → corrected, from each changed field's value before
/// (as [`yima_core::apply_to_step`] gives it); a field without one shows its new value.
fn correction_note(
    changes: &std::collections::BTreeMap<String, String>,
    before: &[(String, String)],
) -> String {
    changes
        .iter()
        .map(|(k, v)| match before.iter().find(|(f, _)| f == k) {
            Some((_, b)) if !b.is_empty() => format!("{k}: {b} → {v}"),
            _ => format!("{k}: {v}"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn base(stage: LedgerStage, batch: String, e: &SignedEvent, label: &ContainerLabel) -> LedgerRow {
    LedgerRow {
        stage,
        batch_code: batch,
        time: china_time(e.body.at),
        waste_name: label.name.clone(),
        catalogue_name: catalogue_name(&label.waste_code),
        category: label.category.to_string(),
        waste_code: label.waste_code.to_string(),
        quantity: label.quantity.amount(),
        unit: label.quantity.unit.symbol().into(),
        container_code: label.code.to_string(),
        container_type: label.container_type.clone(),
        container_count: 1,
        facility_code: String::new(),
        facility_type: String::new(),
        handler: label.contact.clone(),
        destination: String::new(),
        source_batch: String::new(),
        method: String::new(),
        completed_at: String::new(),
        receiver_type: String::new(),
        receiver_name: String::new(),
        receiver_permit: String::new(),
        note: String::new(),
    }
}

impl<C: Clock> Device<C> {
    /// The ledger records of this device's organisation, in the order they happened.
    pub fn ledger(&mut self) -> Result<Vec<LedgerRow>, DeviceError> {
        self.store.read(|tx| {
            let org = tx.require_device()?.org.credit_code;
            let mut labels: HashMap<LabelCode, ContainerLabel> = HashMap::new();
            let mut last_batch: HashMap<LabelCode, String> = HashMap::new();
            let mut generation_row: HashMap<LabelCode, usize> = HashMap::new();
            let mut out: Vec<LedgerRow> = Vec::new();
            let operators = tx.event_operators()?;
            let mut sent_as: HashMap<LabelCode, String> = HashMap::new();
            // Each container's genesis event, and every step as corrected so far: what a
            // correction corrects.
            let mut genesis: HashMap<LabelCode, yima_core::EventId> = HashMap::new();
            let mut steps: HashMap<yima_core::EventId, EventKind> = HashMap::new();
            // The container each split part came from (not a refused part going back): a
            // receiver's use/disposal of a part completes its source's outsourced record.
            let mut split_from: HashMap<LabelCode, LabelCode> = HashMap::new();
            // Containers dispatched by this organisation and not yet picked up.
            let mut out_of_store: std::collections::HashSet<LabelCode> = Default::default();
            for row in tx.all_event_rows()? {
                let e = crate::stored::signed(row.to_raw()?)?;
                for l in e.body.event.new_labels() {
                    labels.insert(l.code.clone(), l.clone());
                    genesis.insert(l.code.clone(), e.id);
                }
                steps.insert(e.id, e.body.event.clone());
                // The quantity measured at this step replaces the declared one from here on.
                let measured = match &e.body.event {
                    EventKind::Weighed { measured } | EventKind::Weighing { measured, .. } => {
                        Some(*measured)
                    }
                    EventKind::Accepted { quantity } => Some(*quantity),
                    EventKind::PartlyRefused { accepted, .. } => Some(*accepted),
                    _ => None,
                };
                if let Some(m) = measured {
                    for link in &e.body.links {
                        if let Some(l) = labels.get_mut(&link.container) {
                            l.quantity = m;
                        }
                    }
                }
                if let EventKind::Split {
                    parts, returning, ..
                } = &e.body.event
                {
                    if let Some(source) = e.body.links.iter().find(|l| l.prev.is_some()) {
                        for p in parts {
                            if returning.as_ref().is_none_or(|r| r.code != p.code) {
                                split_from.insert(p.code.clone(), source.container.clone());
                            }
                        }
                    }
                }
                // The receiver's use/disposal, once learned (synced): the sender's outsourced
                // record gets its R/D method and completion time (HJ 1259 B.5), the record of
                // the container itself or of the one it was split from.
                if let EventKind::Disposed {
                    method,
                    completed_at,
                    ..
                } = &e.body.event
                {
                    if e.body.by.org != org {
                        for l in &e.body.links {
                            let mut code = Some(&l.container);
                            while let Some(c) = code {
                                let sent = out.iter_mut().rev().find(|r| {
                                    r.stage == LedgerStage::Outsourced
                                        && r.container_code == c.as_str()
                                });
                                if let Some(o) = sent {
                                    if o.completed_at.is_empty() {
                                        o.method = format!("{}: {method}", o.method);
                                        o.completed_at = china_time(*completed_at);
                                    }
                                    break;
                                }
                                code = split_from.get(c);
                            }
                        }
                    }
                }
                // The sender's outsourced batch of every dispatch known here, for the
                // receiver's records.
                if let EventKind::Dispatched {
                    outsourced_batch, ..
                } = &e.body.event
                {
                    for l in &e.body.links {
                        sent_as.insert(l.container.clone(), outsourced_batch.to_string());
                    }
                }
                if let EventKind::PickedUp { .. } = &e.body.event {
                    for l in &e.body.links {
                        out_of_store.remove(&l.container);
                    }
                }
                if e.body.by.org != org && e.body.event.giver().is_none_or(|g| g.org != org) {
                    continue;
                }
                let first_row = out.len();
                for link in &e.body.links {
                    let Some(label) = labels.get(&link.container).cloned() else {
                        continue;
                    };
                    let code = &link.container;
                    let source = last_batch.get(code).cloned().unwrap_or_default();
                    let set_destination = |out: &mut Vec<LedgerRow>, d: String| {
                        if let Some(&i) = generation_row.get(code) {
                            if out[i].destination.is_empty() {
                                out[i].destination = d;
                            }
                        }
                    };
                    match &e.body.event {
                        EventKind::Generated { batch, .. } => {
                            let mut r =
                                base(LedgerStage::Generation, batch.to_string(), &e, &label);
                            r.facility_code = label.facility_code.clone();
                            r.facility_type = "产生设施".into();
                            generation_row.insert(code.clone(), out.len());
                            last_batch.insert(code.clone(), batch.to_string());
                            out.push(r);
                        }
                        EventKind::Stored {
                            batch,
                            facility_code,
                        } => {
                            set_destination(&mut out, "贮存".into());
                            let mut r = base(LedgerStage::IntoStore, batch.to_string(), &e, &label);
                            r.facility_code = facility_code.clone();
                            r.facility_type = "贮存设施".into();
                            r.source_batch = source;
                            if out_of_store.remove(code) {
                                r.note =
                                    "出库取消，重新入库 / dispatch cancelled, back into storage"
                                        .into();
                            }
                            last_batch.insert(code.clone(), batch.to_string());
                            out.push(r);
                        }
                        EventKind::Dispatched {
                            batch,
                            facility_code,
                            manifest,
                            outsourced_batch,
                        } => {
                            out_of_store.insert(code.clone());
                            set_destination(&mut out, manifest.receiver.name.clone());
                            let mut r =
                                base(LedgerStage::OutOfStore, batch.to_string(), &e, &label);
                            r.facility_code = facility_code.clone();
                            r.facility_type = "贮存设施".into();
                            r.source_batch = source;
                            r.destination = manifest.receiver.name.clone();
                            out.push(r);
                            let mut o = base(
                                LedgerStage::Outsourced,
                                outsourced_batch.to_string(),
                                &e,
                                &label,
                            );
                            o.source_batch = batch.to_string();
                            o.method = manifest.mode.name(Lang::Zh).into();
                            o.receiver_type = match manifest.mode {
                                TreatmentMode::Use => "利用单位".into(),
                                TreatmentMode::Disposal => "处置单位".into(),
                            };
                            o.receiver_name = manifest.receiver.name.clone();
                            o.receiver_permit = manifest.receiver_permit.clone();
                            o.destination = manifest.receiver.name.clone();
                            last_batch.insert(code.clone(), outsourced_batch.to_string());
                            out.push(o);
                        }
                        EventKind::Accepted { quantity: q }
                        | EventKind::PartlyRefused { accepted: q, .. } => {
                            let mut r = base(LedgerStage::Receipt, String::new(), &e, &label);
                            r.quantity = q.amount();
                            // Linked to the sender's outsourced batch (annex B), and the
                            // receiver's own later records to this one.
                            r.source_batch = match sent_as.get(code) {
                                Some(b) => {
                                    last_batch.insert(code.clone(), b.clone());
                                    b.clone()
                                }
                                None => source,
                            };
                            if let EventKind::PartlyRefused {
                                refused, reason, ..
                            } = &e.body.event
                            {
                                r.note = format!("拒收 / refused {refused}: {reason}");
                            }
                            out.push(r);
                        }
                        EventKind::Split {
                            parts, returning, ..
                        } => {
                            // The links name the source and every new part.
                            let mut r = base(LedgerStage::Split, String::new(), &e, &label);
                            if parts.iter().any(|p| &p.code == code) {
                                let from = e
                                    .body
                                    .links
                                    .iter()
                                    .find(|l| l.prev.is_some())
                                    .map(|l| l.container.clone());
                                let from_batch = from
                                    .as_ref()
                                    .and_then(|f| last_batch.get(f).cloned())
                                    .unwrap_or_default();
                                match (&from, returning) {
                                    (Some(f), Some(back)) if &back.code == code => {
                                        let to = &back.manifest.sender.name;
                                        r.note = format!(
                                            "拒收部分，拆分自 {f}，退回 {to} / refused part split from {f}, returning to {to}"
                                        );
                                    }
                                    (Some(f), _) => r.note = format!("拆分自 / split from {f}"),
                                    (None, _) => {}
                                }
                                r.source_batch = from_batch.clone();
                                last_batch.insert(code.clone(), from_batch);
                            } else {
                                r.source_batch = source;
                                r.destination = parts
                                    .iter()
                                    .map(|p| format!("{} {}", p.code, p.quantity))
                                    .collect::<Vec<_>>()
                                    .join("; ");
                            }
                            out.push(r);
                        }
                        EventKind::Weighing {
                            discrepancy,
                            measured,
                            method,
                            scale,
                            weigher,
                        } if e.body.by.org == org => {
                            let mut r = base(LedgerStage::Weighing, String::new(), &e, &label);
                            r.quantity = measured.amount();
                            r.unit = measured.unit.symbol().into();
                            r.handler = weigher.clone();
                            r.method = method.name(Lang::Zh).into();
                            r.source_batch = source;
                            if let Some(d) = discrepancy {
                                r.note = format!(
                                    "{} / {}",
                                    d.describe(measured, Lang::Zh),
                                    d.describe(measured, Lang::En)
                                );
                            }
                            if let Some(scale) = scale {
                                let read =
                                    format!("自动读取自电子秤 {scale} / read from scale {scale}");
                                r.note = if r.note.is_empty() {
                                    read
                                } else {
                                    format!("{}; {read}", r.note)
                                };
                            }
                            out.push(r);
                        }
                        EventKind::Void { quantity, reason } => {
                            let mut r = base(LedgerStage::Void, String::new(), &e, &label);
                            r.source_batch = source;
                            r.note = reason.clone();
                            // The quantity the void states leaving the books: this
                            // container's when it voids one, else the total in the note.
                            match quantity {
                                Some(q) if e.body.links.len() == 1 => r.quantity = q.amount(),
                                Some(q) => r.note = format!("{reason}（合计 / together {q}）"),
                                None => {}
                            }
                            out.push(r);
                        }
                        EventKind::Correction {
                            changes, corrects, ..
                        } => {
                            // The corrected step as every view shows it; the container's
                            // label takes a correction of its genesis, its quantity one of a
                            // weighing's or an acceptance's.
                            let mut corrected = label.clone();
                            let mut before = Vec::new();
                            if let Some(step) = steps.get_mut(corrects) {
                                before = yima_core::apply_to_step(step, code, changes);
                                match step {
                                    _ if genesis.get(code) == Some(corrects) => {
                                        yima_core::apply_to_label(&mut corrected, changes);
                                    }
                                    EventKind::Weighed { measured: q }
                                    | EventKind::Weighing { measured: q, .. }
                                    | EventKind::Accepted { quantity: q }
                                        if before
                                            .iter()
                                            .any(|(f, _)| f == "quantity" || f == "unit") =>
                                    {
                                        corrected.quantity = *q;
                                    }
                                    _ => {}
                                }
                            }
                            let note = correction_note(changes, &before);
                            // Rows written before use the corrected values from now on; the
                            // original stays visible in this row's note and in the history.
                            for r in out.iter_mut().filter(|r| r.container_code == code.as_str()) {
                                r.waste_name = corrected.name.clone();
                                r.container_type = corrected.container_type.clone();
                            }
                            let mut r =
                                base(LedgerStage::Correction, String::new(), &e, &corrected);
                            r.source_batch = source;
                            r.note = note;
                            labels.insert(code.clone(), corrected);
                            out.push(r);
                        }
                        EventKind::PickedUp { .. }
                            if e.body.event.giver().is_some_and(|g| g.org == org) =>
                        {
                            // The outsourced record's leaving time is when the carrier took it.
                            if let Some(o) = out.iter_mut().rev().find(|r| {
                                r.stage == LedgerStage::Outsourced
                                    && r.container_code == code.as_str()
                            }) {
                                o.time = china_time(e.body.at);
                            }
                        }
                        EventKind::Disposed {
                            batch,
                            completed_at,
                            method,
                            mode,
                        } if e.body.by.org == org => {
                            set_destination(&mut out, mode.name(Lang::Zh).into());
                            let mut r =
                                base(LedgerStage::OwnTreatment, batch.to_string(), &e, &label);
                            r.method = format!("{}: {method}", mode.name(Lang::Zh));
                            r.completed_at = china_time(*completed_at);
                            r.source_batch = source;
                            out.push(r);
                        }
                        _ => {}
                    }
                }
                // The handler (经办人): the operator the signed body names, when this
                // organisation recorded the step (the body names the recorder's person), else
                // the person this device kept with it; a weighing names its weigher. Without
                // one, a generation row names the label's contact and other rows stay blank
                // rather than name someone who did not act.
                let signed = e.body.operator.as_ref().filter(|_| e.body.by.org == org);
                let operator = signed.or_else(|| operators.get(&e.id));
                for r in &mut out[first_row..] {
                    match (operator, r.stage) {
                        (_, LedgerStage::Weighing) => {}
                        (Some(name), _) => r.handler = name.clone(),
                        (None, LedgerStage::Generation) => {}
                        (None, _) => r.handler.clear(),
                    }
                }
            }
            Ok(out)
        })
    }
}

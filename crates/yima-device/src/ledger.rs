//! The management ledger (管理台账, HJ 1259-2022): one record per container and stage —
//! generation, into storage, out of storage, own use/disposal, outsourced use/disposal —
//! built from the events this device's organisation recorded, and written as CSV.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::Device;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
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
    /// 废物名称.
    pub waste_name: String,
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
    /// Handler (经办人).
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
}

const HEADERS: [(&str, &str); 21] = [
    ("环节", "stage"),
    ("批次编码", "batch_code"),
    ("时间", "time"),
    ("废物名称", "waste_name"),
    ("废物类别", "category"),
    ("废物代码", "waste_code"),
    ("数量", "quantity"),
    ("计量单位", "unit"),
    ("容器编码", "container_code"),
    ("容器类型", "container_type"),
    ("容器数量", "container_count"),
    ("设施编码", "facility_code"),
    ("设施类型", "facility_type"),
    ("经办人", "handler"),
    ("去向", "destination"),
    ("来源批次编码", "source_batch"),
    ("利用/处置方式", "method"),
    ("完成时间", "completed_at"),
    ("接收单位类型", "receiver_type"),
    ("接收单位名称", "receiver_name"),
    ("许可证编号", "receiver_permit"),
];

fn base(stage: LedgerStage, batch: String, e: &SignedEvent, label: &ContainerLabel) -> LedgerRow {
    LedgerRow {
        stage,
        batch_code: batch,
        time: e.body.at.to_string(),
        waste_name: label.name.clone(),
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
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
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
            for row in tx.all_event_rows()? {
                let raw = row.to_raw()?;
                let e = SignedEvent::from_parts(raw.id, raw.canonical, raw.signatures).map_err(
                    |err| {
                        DeviceError::new(
                            ErrorKind::Storage,
                            format!("stored event {} is unreadable: {err}", raw.id),
                        )
                    },
                )?;
                for l in e.body.event.new_labels() {
                    labels.insert(l.code.clone(), l.clone());
                }
                if e.body.by.org != org && e.body.event.giver().is_none_or(|g| g.org != org) {
                    continue;
                }
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
                            last_batch.insert(code.clone(), batch.to_string());
                            out.push(r);
                        }
                        EventKind::Dispatched {
                            batch,
                            facility_code,
                            manifest,
                            outsourced_batch,
                        } => {
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
                        EventKind::PickedUp { .. }
                            if e.body.event.giver().is_some_and(|g| g.org == org) =>
                        {
                            // The outsourced record's leaving time is when the carrier took it.
                            if let Some(o) = out.iter_mut().rev().find(|r| {
                                r.stage == LedgerStage::Outsourced
                                    && r.container_code == code.as_str()
                            }) {
                                o.time = e.body.at.to_string();
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
                            r.completed_at = completed_at.to_string();
                            r.source_batch = source;
                            out.push(r);
                        }
                        _ => {}
                    }
                }
            }
            Ok(out)
        })
    }

    /// Writes the ledger as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read
    /// the Chinese correctly), headers in `lang`. Returns the number of records.
    pub fn write_ledger_csv(
        &mut self,
        w: &mut dyn Write,
        lang: Lang,
    ) -> Result<usize, DeviceError> {
        let rows = self.ledger()?;
        let io = |e: std::io::Error| {
            DeviceError::new(ErrorKind::Storage, format!("cannot write the ledger: {e}"))
        };
        w.write_all("\u{feff}".as_bytes()).map_err(io)?;
        let header: Vec<&str> = HEADERS
            .iter()
            .map(|(zh, en)| if lang == Lang::Zh { *zh } else { *en })
            .collect();
        writeln!(w, "{}", header.join(",")).map_err(io)?;
        for r in &rows {
            let fields = [
                r.stage.name(lang).to_string(),
                r.batch_code.clone(),
                r.time.clone(),
                r.waste_name.clone(),
                r.category.clone(),
                r.waste_code.clone(),
                r.quantity.clone(),
                r.unit.clone(),
                r.container_code.clone(),
                r.container_type.clone(),
                r.container_count.to_string(),
                r.facility_code.clone(),
                r.facility_type.clone(),
                r.handler.clone(),
                r.destination.clone(),
                r.source_batch.clone(),
                r.method.clone(),
                r.completed_at.clone(),
                r.receiver_type.clone(),
                r.receiver_name.clone(),
                r.receiver_permit.clone(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            writeln!(w, "{}", line.join(",")).map_err(io)?;
        }
        Ok(rows.len())
    }
}

//! A container's status as the registry keeps it between pushes (`containers.status`, JSON),
//! written for every event that moves the container on, so kept small: the label without
//! its free text (the custody rules read its code and producer; the whole label stays in
//! the generating event), and no head (the last event of the chain is the head). Statuses
//! written before in the whole form read the same.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use yima_codes::{Category, CreditCode, HazardSet, LabelCode, WasteCode};
use yima_core::{
    ContainerLabel, ContainerState, ContainerStatus, EventId, Party, PhysicalForm, Quantity,
    Timestamp, TransferManifest,
};

#[derive(Serialize)]
struct ProducerOut<'a> {
    credit_code: &'a CreditCode,
}

#[derive(Serialize)]
struct LabelOut<'a> {
    code: &'a LabelCode,
    category: &'a Category,
    waste_code: &'a WasteCode,
    form: &'a PhysicalForm,
    hazards: &'a HazardSet,
    producer: ProducerOut<'a>,
    generated_on: &'a NaiveDate,
    quantity: &'a Quantity,
}

fn is_none<T>(o: &&Option<T>) -> bool {
    o.is_none()
}

#[derive(Serialize)]
struct StatusOut<'a> {
    label: LabelOut<'a>,
    state: &'a ContainerState,
    holder: &'a CreditCode,
    #[serde(skip_serializing_if = "is_none")]
    manifest: &'a Option<TransferManifest>,
    chain: &'a [EventId],
    parties: &'a BTreeSet<CreditCode>,
    #[serde(skip_serializing_if = "is_none")]
    partial_from: &'a Option<EventId>,
    #[serde(skip_serializing_if = "is_none")]
    measured: &'a Option<Quantity>,
    #[serde(skip_serializing_if = "is_none")]
    measured_by: &'a Option<EventId>,
    #[serde(skip_serializing_if = "<[CreditCode]>::is_empty")]
    recorded_by: &'a [CreditCode],
    #[serde(skip_serializing_if = "is_none")]
    head_at: &'a Option<Timestamp>,
    #[serde(skip_serializing_if = "is_none")]
    held: &'a Option<Quantity>,
    #[serde(skip_serializing_if = "is_none")]
    refused: &'a Option<Quantity>,
    #[serde(skip_serializing_if = "is_none")]
    return_to: &'a Option<CreditCode>,
    #[serde(skip_serializing_if = "is_none")]
    weighed_in_custody: &'a Option<bool>,
    #[serde(skip_serializing_if = "is_none")]
    custody_since: &'a Option<Timestamp>,
}

#[derive(Deserialize)]
struct ProducerIn {
    credit_code: CreditCode,
}

#[derive(Deserialize)]
struct LabelIn {
    code: LabelCode,
    category: Category,
    waste_code: WasteCode,
    form: PhysicalForm,
    hazards: HazardSet,
    producer: ProducerIn,
    generated_on: NaiveDate,
    quantity: Quantity,
}

#[derive(Deserialize)]
struct StatusIn {
    label: LabelIn,
    state: ContainerState,
    holder: CreditCode,
    #[serde(default)]
    manifest: Option<TransferManifest>,
    chain: Vec<EventId>,
    parties: BTreeSet<CreditCode>,
    #[serde(default)]
    partial_from: Option<EventId>,
    #[serde(default)]
    measured: Option<Quantity>,
    #[serde(default)]
    measured_by: Option<EventId>,
    #[serde(default)]
    recorded_by: Vec<CreditCode>,
    #[serde(default)]
    head_at: Option<Timestamp>,
    #[serde(default)]
    held: Option<Quantity>,
    #[serde(default)]
    refused: Option<Quantity>,
    #[serde(default)]
    return_to: Option<CreditCode>,
    #[serde(default)]
    weighed_in_custody: Option<bool>,
    #[serde(default)]
    custody_since: Option<Timestamp>,
}

/// The stored form of `status`.
pub(crate) fn write(status: &ContainerStatus) -> Result<String, serde_json::Error> {
    let l = &status.label;
    serde_json::to_string(&StatusOut {
        label: LabelOut {
            code: &l.code,
            category: &l.category,
            waste_code: &l.waste_code,
            form: &l.form,
            hazards: &l.hazards,
            producer: ProducerOut {
                credit_code: &l.producer.credit_code,
            },
            generated_on: &l.generated_on,
            quantity: &l.quantity,
        },
        state: &status.state,
        holder: &status.holder,
        manifest: &status.manifest,
        chain: &status.chain,
        parties: &status.parties,
        partial_from: &status.partial_from,
        measured: &status.measured,
        measured_by: &status.measured_by,
        recorded_by: &status.recorded_by,
        head_at: &status.head_at,
        held: &status.held,
        refused: &status.refused,
        return_to: &status.return_to,
        weighed_in_custody: &status.weighed_in_custody,
        custody_since: &status.custody_since,
    })
}

/// A stored status, in either form; the label's free text reads as empty.
pub(crate) fn read(json: &str) -> Result<ContainerStatus, serde_json::Error> {
    let s: StatusIn = serde_json::from_str(json)?;
    let Some(head) = s.chain.last().copied() else {
        return Err(serde::de::Error::custom(
            "a stored status has an empty chain",
        ));
    };
    let l = s.label;
    Ok(ContainerStatus {
        label: ContainerLabel {
            code: l.code,
            name: String::new(),
            category: l.category,
            waste_code: l.waste_code,
            form: l.form,
            hazards: l.hazards,
            main_components: String::new(),
            harmful_components: String::new(),
            precautions: String::new(),
            producer: Party {
                credit_code: l.producer.credit_code,
                name: String::new(),
            },
            contact: String::new(),
            phone: String::new(),
            generated_on: l.generated_on,
            quantity: l.quantity,
            container_type: String::new(),
            facility_code: String::new(),
            remarks: String::new(),
        },
        state: s.state,
        holder: s.holder,
        manifest: s.manifest,
        head,
        chain: s.chain,
        parties: s.parties,
        partial_from: s.partial_from,
        measured: s.measured,
        measured_by: s.measured_by,
        recorded_by: s.recorded_by,
        head_at: s.head_at,
        held: s.held,
        refused: s.refused,
        return_to: s.return_to,
        weighed_in_custody: s.weighed_in_custody,
        custody_since: s.custody_since,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use yima_core::Unit;

    fn status() -> ContainerStatus {
        let code: LabelCode = "91350100M000100Y439000414920240301001"
            .parse()
            .expect("label code");
        let producer = code.producer().clone();
        let first = EventId([1; 32]);
        let second = EventId([2; 32]);
        ContainerStatus {
            label: ContainerLabel {
                code: code.clone(),
                name: "废矿物油".into(),
                category: code.waste_code().category().expect("category"),
                waste_code: code.waste_code().clone(),
                form: PhysicalForm::Solid,
                hazards: HazardSet::default(),
                main_components: "矿物油".into(),
                harmful_components: "多环芳烃".into(),
                precautions: "远离火源".into(),
                producer: Party {
                    credit_code: producer.clone(),
                    name: "示例化工有限公司".into(),
                },
                contact: "张三".into(),
                phone: "0591-00000000".into(),
                generated_on: code.date(),
                quantity: Quantity::parse("25", Unit::Kg).expect("quantity"),
                container_type: "drum".into(),
                facility_code: "F01".into(),
                remarks: "none".into(),
            },
            state: ContainerState::Stored,
            holder: producer.clone(),
            manifest: None,
            head: second,
            chain: vec![first, second],
            parties: [producer.clone()].into(),
            partial_from: None,
            measured: Some(Quantity::parse("24.5", Unit::Kg).expect("quantity")),
            measured_by: Some(second),
            recorded_by: vec![producer.clone(), producer],
            head_at: Some(Timestamp(1_709_280_000_000)),
            held: Some(Quantity::parse("24.5", Unit::Kg).expect("quantity")),
            refused: Some(Quantity::parse("0.5", Unit::Kg).expect("quantity")),
            return_to: None,
            weighed_in_custody: Some(true),
            custody_since: Some(Timestamp(1_709_270_000_000)),
        }
    }

    /// What the registry keeps: the status without the label's free text.
    fn kept(mut s: ContainerStatus) -> ContainerStatus {
        let l = &mut s.label;
        for text in [
            &mut l.name,
            &mut l.main_components,
            &mut l.harmful_components,
            &mut l.precautions,
            &mut l.producer.name,
            &mut l.contact,
            &mut l.phone,
            &mut l.container_type,
            &mut l.facility_code,
            &mut l.remarks,
        ] {
            text.clear();
        }
        s
    }

    #[test]
    fn a_status_reads_back_as_written_without_the_labels_free_text() {
        let s = status();
        let json = write(&s).expect("write");
        assert!(
            !json.contains("远离火源") && !json.contains("\"head\""),
            "{json}"
        );
        assert_eq!(read(&json).expect("read"), kept(s));
    }

    #[test]
    fn a_status_stored_whole_by_an_earlier_version_still_reads() {
        let s = status();
        let whole = serde_json::to_string(&s).expect("whole form");
        assert_eq!(read(&whole).expect("read"), kept(s));
    }

    #[test]
    fn a_status_without_a_chain_is_refused() {
        let json = write(&status())
            .expect("write")
            .replace(&format!("{},{}", q(1), q(2)), "");
        assert!(read(&json).is_err(), "{json}");
    }

    fn q(b: u8) -> String {
        serde_json::to_string(&EventId([b; 32])).expect("id")
    }
}

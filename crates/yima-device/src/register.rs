//! Registering a container: the waste checked against the catalogue, a fresh 37-character
//! code drawn from this device's block, the full HJ 1276 label, and the generating event.

use crate::batch::commit_all;
use crate::clock::Clock;
use crate::error::{bad_input, DeviceError, ErrorKind};
use crate::status::compose_in;
use crate::Device;
use chrono::NaiveDate;
use yima_codes::{BatchKind, Catalogue, HazardSet, LabelCode, WasteCode};
use yima_core::{ContainerLabel, EventKind, PhysicalForm, Quantity, SignedEvent, Timestamp, Unit};
use yima_store::{DeviceRow, Tx};

/// The facts a handler enters for a new container. Text fields left empty default from the
/// catalogue where it knows them (name, hazards).
#[derive(Clone, Debug, Default)]
pub struct NewContainer {
    /// Waste code, `NNN-NNN-NN` or 8 digits.
    pub waste_code: String,
    /// Amount, e.g. `25` or `0.5`.
    pub amount: String,
    /// `kg`, `t` or `L`.
    pub unit: String,
    /// `solid`, `semi_solid`, `liquid`, `gas` (or 固态 …).
    pub form: String,
    /// Waste name (defaults to the catalogue description, shortened).
    pub name: Option<String>,
    /// Hazard characteristics, e.g. `T,I` (defaults from the catalogue).
    pub hazards: Option<String>,
    /// Main components.
    pub main_components: String,
    /// Harmful components.
    pub harmful_components: String,
    /// Precautions.
    pub precautions: String,
    /// Contact person.
    pub contact: String,
    /// Contact phone.
    pub phone: String,
    /// Container type (drum, IBC, bag…).
    pub container_type: String,
    /// Generating facility code.
    pub facility_code: String,
    /// Remarks.
    pub remarks: String,
    /// Why the waste is classified as it is, where the catalogue alone does not say: a hazard
    /// characteristic outside the catalogue entry, or `900-000-NN` (no existing code fits).
    /// Kept in the label's remarks.
    pub classification_reason: String,
    /// The reference of the test report that found the waste hazardous (required with
    /// `900-000-NN`). Kept in the label's remarks.
    pub test_report: String,
    /// When it was generated (defaults to now).
    pub at: Option<Timestamp>,
    /// Where (optional).
    pub location: Option<String>,
}

impl NewContainer {
    /// The required facts; everything else defaults.
    pub fn new(waste_code: &str, amount: &str, unit: &str, form: &str) -> NewContainer {
        NewContainer {
            waste_code: waste_code.into(),
            amount: amount.into(),
            unit: unit.into(),
            form: form.into(),
            ..NewContainer::default()
        }
    }
}

/// Checked facts of a label, before its code is drawn.
pub(crate) struct LabelFacts {
    pub waste: WasteCode,
    pub quantity: Quantity,
    pub form: PhysicalForm,
    pub name: String,
    pub hazards: HazardSet,
}

/// The date from which `900-000-NN` may be used: the 2025 catalogue's art. 6 para. 2.
const TESTED_CODE_FROM: (i32, u32, u32) = (2025, 1, 1);

/// Checks a `900-000-NN` request (waste found hazardous by testing, no existing code fitting):
/// allowed from 2025-01-01, with the reason no code fits, the test report and the hazards.
fn check_tested(req: &NewContainer, waste: &WasteCode, day: NaiveDate) -> Result<(), DeviceError> {
    let (y, m, d) = TESTED_CODE_FROM;
    if day < NaiveDate::from_ymd_opt(y, m, d).expect("a date") {
        return Err(DeviceError::bilingual(
            ErrorKind::UnknownWasteCode,
            format!(
                "{waste}: 900-000-NN may be used only from 2025-01-01 (2025 catalogue, art. 6)"
            ),
            format!("{waste}：900-000-NN 自 2025-01-01 起方可使用（名录 2025 年版第六条）"),
        ));
    }
    let blank = |s: &str| s.trim().is_empty();
    if blank(&req.classification_reason) || blank(&req.test_report) {
        return Err(bad_input(
            format!("{waste} is for waste found hazardous by testing when no existing code fits: state why none fits (--classification-reason) and the test report's reference (--test-report)"),
            format!("{waste} 仅用于经鉴别属于危险废物且无适用代码的废物：请说明无适用代码的理由（--classification-reason）并给出检测报告编号（--test-report）"),
        ));
    }
    if req.hazards.as_deref().is_none_or(blank) || req.name.as_deref().is_none_or(blank) {
        return Err(bad_input(
            format!("{waste} has no catalogue entry: give its name (--name) and hazard characteristics (--hazards)"),
            format!("{waste} 在名录中无条目：请填写废物名称（--name）和危险特性（--hazards）"),
        ));
    }
    Ok(())
}

/// The label's remarks: the handler's, then the classification reason and test report.
fn remarks_of(req: &NewContainer) -> String {
    let mut parts = vec![req.remarks.trim().to_string()];
    if !req.classification_reason.trim().is_empty() {
        parts.push(format!("分类依据：{}", req.classification_reason.trim()));
    }
    if !req.test_report.trim().is_empty() {
        parts.push(format!("检测报告：{}", req.test_report.trim()));
    }
    parts.retain(|p| !p.is_empty());
    parts.join("；")
}

pub(crate) fn check_facts(
    req: &NewContainer,
    catalogue: &Catalogue,
    day: NaiveDate,
) -> Result<LabelFacts, DeviceError> {
    let waste: WasteCode = req.waste_code.trim().parse()?;
    let tested = waste.industry() == "900" && waste.sequence() == "000";
    let entry = catalogue.get(&waste);
    if entry.is_none() && tested {
        check_tested(req, &waste, day)?;
    }
    let entry = match entry {
        Some(e) => Some(e),
        None if tested => None,
        None => {
            return Err(DeviceError::bilingual(
                ErrorKind::UnknownWasteCode,
                format!(
                    "{waste} is not in the {} edition of the national catalogue",
                    catalogue.edition()
                ),
                format!(
                    "{waste} 不在《国家危险废物名录》（{} 年版）中",
                    catalogue.edition()
                ),
            ))
        }
    };
    let unit: Unit = req.unit.parse()?;
    let quantity = Quantity::parse(&req.amount, unit)?;
    let form: PhysicalForm = req.form.parse().map_err(|f: String| {
        bad_input(
            format!("unknown physical form {f:?}: expected solid, semi_solid, liquid or gas"),
            format!("未知废物形态 {f:?}：应为 固态、半固态、液态 或 气态"),
        )
    })?;
    let hazards = match req
        .hazards
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        Some(h) => h.parse::<HazardSet>()?,
        None => entry
            .map(|e| e.hazards.default_hazards())
            .unwrap_or_default(),
    };
    if let Some(e) = entry {
        let outside = hazards.difference(e.hazards.default_hazards());
        if !outside.is_empty() && req.classification_reason.trim().is_empty() {
            return Err(bad_input(
                format!(
                    "hazard characteristic {outside} is not in the catalogue entry of {waste} ({}): state the reason (--classification-reason)",
                    e.hazards
                ),
                format!(
                    "危险特性 {outside} 不在名录中 {waste} 条目（{}）内：请说明理由（--classification-reason）",
                    e.hazards
                ),
            ));
        }
    }
    let name = match req.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => entry
            .map(|e| e.description.chars().take(60).collect())
            .unwrap_or_default(),
    };
    check_required(req)?;
    Ok(LabelFacts {
        waste,
        quantity,
        form,
        name,
        hazards,
    })
}

/// The label fields HJ 1276 requires that the catalogue cannot supply: main components,
/// contact person and phone (the name defaults from the catalogue; the producer is the
/// device's organisation). All missing ones are named at once.
fn check_required(req: &NewContainer) -> Result<(), DeviceError> {
    let fields = [
        (
            &req.main_components,
            "main components (--main-components)",
            "主要成分",
        ),
        (&req.contact, "contact person (--contact)", "联系人"),
        (&req.phone, "contact phone (--phone)", "联系电话"),
    ];
    let missing: Vec<_> = fields
        .iter()
        .filter(|(v, _, _)| v.trim().is_empty())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let en: Vec<&str> = missing.iter().map(|(_, en, _)| *en).collect();
    let zh: Vec<&str> = missing.iter().map(|(_, _, zh)| *zh).collect();
    Err(bad_input(
        format!("the label requires: {}", en.join(", ")),
        format!("标签必填项缺失：{}", zh.join("、")),
    ))
}

/// Draws a code and builds the label for facts checked by [`check_facts`].
pub(crate) fn build_label(
    tx: &Tx<'_>,
    device: &DeviceRow,
    facts: LabelFacts,
    req: &NewContainer,
    day: NaiveDate,
) -> Result<ContainerLabel, DeviceError> {
    // The device row comes from the caller's transaction: reading it again per label would
    // also re-derive the public key from the secret (a scalar multiplication) every time.
    let producer = &device.org;
    let seq =
        tx.draw_label_sequence(&producer.credit_code, &facts.waste, day, &device.seq_block)?;
    let code = LabelCode::new(producer.credit_code.clone(), facts.waste.clone(), day, seq)?;
    Ok(ContainerLabel {
        code,
        name: facts.name,
        category: facts.waste.category()?,
        waste_code: facts.waste,
        form: facts.form,
        hazards: facts.hazards,
        main_components: req.main_components.trim().into(),
        harmful_components: req.harmful_components.trim().into(),
        precautions: req.precautions.trim().into(),
        producer: producer.clone(),
        contact: req.contact.trim().into(),
        phone: req.phone.trim().into(),
        generated_on: day,
        quantity: facts.quantity,
        container_type: req.container_type.trim().into(),
        facility_code: req.facility_code.trim().into(),
        remarks: remarks_of(req),
    })
}

fn generated_kind(
    tx: &Tx<'_>,
    device: &DeviceRow,
    facts: LabelFacts,
    req: &NewContainer,
    edition: String,
    at: Timestamp,
) -> Result<EventKind, DeviceError> {
    let day = at.china_date();
    if device.org.name.trim().is_empty() {
        return Err(bad_input(
            "the label requires the producer's name: this device's organisation has none",
            "标签必填项缺失：产生单位名称（本设备的单位名称为空）",
        ));
    }
    let label = build_label(tx, device, facts, req, day)?;
    Ok(EventKind::Generated {
        batch: tx.draw_batch(BatchKind::Generation, day)?,
        catalogue_edition: edition,
        label,
    })
}

fn label_of(event: SignedEvent) -> ContainerLabel {
    match event.body.event {
        EventKind::Generated { label, .. } => label,
        _ => unreachable!("register records a generated event"),
    }
}

impl<C: Clock> Device<C> {
    /// The edition in force on a container's generation date (`at`, or now).
    fn catalogue_on(&self, at: Option<Timestamp>) -> (&Catalogue, NaiveDate) {
        let day = at.unwrap_or_else(|| self.clock.now()).china_date();
        (self.catalogues.in_force(day), day)
    }

    /// Registers a new container and records its generating event; returns its label.
    pub fn register(&mut self, req: &NewContainer) -> Result<ContainerLabel, DeviceError> {
        let (catalogue, day) = self.catalogue_on(req.at);
        let facts = check_facts(req, catalogue, day)?;
        let edition = catalogue.edition().to_string();
        let event = self.commit(&[], req.at, req.location.clone(), |tx, device, _, at| {
            generated_kind(tx, device, facts, req, edition, at)
        })?;
        Ok(label_of(event))
    }

    /// Registers several containers in one transaction (a printing station's batch): all
    /// are registered, or none.
    pub fn register_all(
        &mut self,
        reqs: &[NewContainer],
    ) -> Result<Vec<ContainerLabel>, DeviceError> {
        let facts = reqs
            .iter()
            .map(|r| {
                let (catalogue, day) = self.catalogue_on(r.at);
                check_facts(r, catalogue, day).map(|f| (f, catalogue.edition().to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.clock.now();
        self.store.write(|tx| {
            let device = tx.require_device()?;
            let mut facts = facts.into_iter();
            // New containers only: no event of the batch chains on another.
            let named = vec![&[][..]; reqs.len()];
            let events = commit_all(tx, &device, now, &named, |i| {
                let req = &reqs[i];
                let (facts, edition) = facts.next().expect("one set of facts per request");
                compose_in(
                    tx,
                    &device,
                    now,
                    &[],
                    req.at,
                    req.location.clone(),
                    |tx, device, _, at| generated_kind(tx, device, facts, req, edition, at),
                )
            })?;
            Ok(events.into_iter().map(label_of).collect())
        })
    }
}

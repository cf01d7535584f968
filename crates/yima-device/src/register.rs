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

pub(crate) fn check_facts(
    req: &NewContainer,
    catalogue: &Catalogue,
) -> Result<LabelFacts, DeviceError> {
    let waste: WasteCode = req.waste_code.trim().parse()?;
    let Some(entry) = catalogue.get(&waste) else {
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
        ));
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
        None => entry.hazards.default_hazards(),
    };
    let name = match req.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => entry.description.chars().take(60).collect(),
    };
    Ok(LabelFacts {
        waste,
        quantity,
        form,
        name,
        hazards,
    })
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
        remarks: req.remarks.trim().into(),
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
    /// Registers a new container and records its generating event; returns its label.
    pub fn register(&mut self, req: &NewContainer) -> Result<ContainerLabel, DeviceError> {
        let facts = check_facts(req, &self.catalogue)?;
        let edition = self.catalogue.edition().to_string();
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
            .map(|r| check_facts(r, &self.catalogue))
            .collect::<Result<Vec<_>, _>>()?;
        let edition = self.catalogue.edition().to_string();
        let now = self.clock.now();
        self.store.write(|tx| {
            let device = tx.require_device()?;
            let mut facts = facts.into_iter();
            // New containers only: no event of the batch chains on another.
            let named = vec![&[][..]; reqs.len()];
            let events = commit_all(tx, &device, now, &named, |i| {
                let req = &reqs[i];
                let facts = facts.next().expect("one set of facts per request");
                let edition = edition.clone();
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

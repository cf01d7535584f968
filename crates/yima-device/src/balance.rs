//! The stock balance of the ledger: per facility and period, opening + generated + received
//! (+ moved in, + made by merge/split) − dispatched − used/disposed − voided (− moved out,
//! − merged/split away) = closing, where closing is what the containers in stock weigh at the
//! end of the period. A balance that does not close says by how much, and which weighings
//! changed a quantity while in stock (the usual reason). Every step counts as its corrections
//! leave it (`yima_core::apply_to_step`): a corrected weighing is no reweighing.

use crate::clock::Clock;
use crate::error::DeviceError;
use crate::Device;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use yima_codes::LabelCode;
use yima_core::{EventId, EventKind, Quantity, SignedEvent, Unit};

/// One facility's balance for one unit class (mass in kg, volume in L) over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StockBalance {
    /// Facility code (empty: accepted at receipt and not yet stored in a facility).
    pub facility: String,
    /// `kg` (tonnes counted in kg) or `L`.
    pub unit: String,
    /// In stock when the period begins, thousandths of `unit`.
    pub opening: i64,
    /// Generated here.
    pub generated: i64,
    /// Accepted here at receipt, or back here after a refusal.
    pub received: i64,
    /// Moved in from another facility of the organisation.
    pub moved_in: i64,
    /// New containers made here by a merge or a split.
    pub made: i64,
    /// Dispatched to another organisation.
    pub dispatched: i64,
    /// Used or disposed of here.
    pub treated: i64,
    /// Voided (核销).
    pub voided: i64,
    /// Moved out to another facility of the organisation.
    pub moved_out: i64,
    /// Containers merged or split away.
    pub unmade: i64,
    /// In stock when the period ends, by the containers' last known quantities.
    pub closing: i64,
    /// Weighings that changed a quantity in stock: container and change, thousandths.
    pub reweighed: Vec<(String, i64)>,
}

impl StockBalance {
    /// What the movements say the closing should be.
    pub fn expected_closing(&self) -> i64 {
        self.opening + self.generated + self.received + self.moved_in + self.made
            - self.dispatched
            - self.treated
            - self.voided
            - self.moved_out
            - self.unmade
    }

    /// `closing − expected`: zero when the balance closes.
    pub fn difference(&self) -> i64 {
        self.closing - self.expected_closing()
    }

    /// Whether the balance closes.
    pub fn closes(&self) -> bool {
        self.difference() == 0
    }
}

/// A quantity as (unit class, thousandths): tonnes are counted in kilograms.
fn amount(q: &Quantity) -> (&'static str, i64) {
    match q.unit {
        Unit::Kg => ("kg", q.milli),
        Unit::T => ("kg", q.milli * 1000),
        Unit::L => ("L", q.milli),
    }
}

struct Held {
    facility: String,
    quantity: Quantity,
}

#[derive(Default)]
struct Books {
    stock: HashMap<LabelCode, Held>,
    /// Dispatched containers, at the quantity they left with (one may come back).
    away: HashMap<LabelCode, Quantity>,
    /// Refused parts split off by a receiver to come back to their sender, at their quantity.
    returning: HashMap<LabelCode, Quantity>,
    rows: BTreeMap<(String, &'static str), StockBalance>,
}

impl Books {
    fn row(&mut self, facility: &str, unit: &'static str) -> &mut StockBalance {
        self.rows
            .entry((facility.to_string(), unit))
            .or_insert_with(|| StockBalance {
                facility: facility.to_string(),
                unit: unit.to_string(),
                ..StockBalance::default()
            })
    }

    /// Adds every container in stock to `opening` (start) or `closing` (end).
    fn count(&mut self, closing: bool) {
        let held: Vec<(String, &'static str, i64)> = self
            .stock
            .values()
            .map(|h| {
                let (u, m) = amount(&h.quantity);
                (h.facility.clone(), u, m)
            })
            .collect();
        for (f, u, m) in held {
            let r = self.row(&f, u);
            if closing {
                r.closing += m;
            } else {
                r.opening += m;
            }
        }
    }
}

impl<C: Clock> Device<C> {
    /// The stock balance of this device's organisation per facility, for the China-time days
    /// `from` to `to` (inclusive; open ends reach the first and the last event).
    pub fn stock_balance(
        &mut self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<StockBalance>, DeviceError> {
        self.store.read(|tx| {
            let org = tx.require_device()?.org.credit_code;
            let events = crate::stored::signed_events(tx)?;
            let corrections = corrections_of(&events);
            let mut books = Books::default();
            let mut opened = false;
            let mut closed = false;
            for e in &events {
                let corrected;
                let e = match corrections.get(&e.id) {
                    Some(list) => {
                        corrected = corrected_step(e, list);
                        &corrected
                    }
                    None => e,
                };
                let day = e.body.at.china_date();
                if !opened && from.is_none_or(|f| day >= f) {
                    books.count(false);
                    opened = true;
                }
                if to.is_some_and(|t| day > t) {
                    books.count(true);
                    closed = true;
                    break;
                }
                // A refused part split off to come back: the sender receives it at its quantity.
                if let EventKind::Split {
                    parts,
                    returning: Some(r),
                    ..
                } = &e.body.event
                {
                    if let Some(part) = parts.iter().find(|p| p.code == r.code) {
                        books.returning.insert(part.code.clone(), part.quantity);
                    }
                }
                if e.body.by.org != org {
                    continue;
                }
                // Before the period, movements only build the opening stock.
                let counting = opened;
                post(&mut books, e, counting);
            }
            if !opened {
                books.count(false);
            }
            if !closed {
                books.count(true);
            }
            Ok(books.rows.into_values().collect())
        })
    }
}

/// Each corrected event's corrections, in the order stored: the container and the changes.
fn corrections_of(events: &[SignedEvent]) -> HashMap<EventId, Vec<(&LabelCode, &Changes)>> {
    let mut out: HashMap<EventId, Vec<(&LabelCode, &Changes)>> = HashMap::new();
    for e in events {
        if let EventKind::Correction {
            changes, corrects, ..
        } = &e.body.event
        {
            for link in &e.body.links {
                out.entry(*corrects)
                    .or_default()
                    .push((&link.container, changes));
            }
        }
    }
    out
}

/// `e` as its corrections leave it (through the core's one way of applying a correction): a
/// correction amends the record of its step, so the step counts at its corrected value in
/// its own period, whenever the correction was recorded, and the books agree with the stock
/// the containers are known to hold.
fn corrected_step(e: &SignedEvent, corrections: &[(&LabelCode, &Changes)]) -> SignedEvent {
    let mut e = e.clone();
    for (container, changes) in corrections {
        yima_core::apply_to_step(&mut e.body.event, container, changes);
    }
    e
}

type Changes = std::collections::BTreeMap<String, String>;

/// Which column of a balance a movement adds to.
type Column = fn(&mut StockBalance) -> &mut i64;

/// A movement: facility, unit class, column and thousandths.
type Move = (String, &'static str, Column, i64);

/// Posts one event of the organisation to the books (`counting`: inside the period).
fn post(books: &mut Books, e: &SignedEvent, counting: bool) {
    let mut moves: Vec<Move> = Vec::new();
    let add =
        |moves: &mut Vec<_>, facility: &str, q: &Quantity, f: fn(&mut StockBalance) -> &mut i64| {
            let (u, m) = amount(q);
            moves.push((facility.to_string(), u, f, m));
        };
    for link in &e.body.links {
        let code = &link.container;
        match &e.body.event {
            EventKind::Generated { label, .. } => {
                add(&mut moves, &label.facility_code, &label.quantity, |r| {
                    &mut r.generated
                });
                books.stock.insert(
                    code.clone(),
                    Held {
                        facility: label.facility_code.clone(),
                        quantity: label.quantity,
                    },
                );
            }
            EventKind::Accepted { quantity: q } | EventKind::PartlyRefused { accepted: q, .. } => {
                add(&mut moves, "", q, |r| &mut r.received);
                books.stock.insert(
                    code.clone(),
                    Held {
                        facility: String::new(),
                        quantity: *q,
                    },
                );
            }
            EventKind::Returned { .. } => {
                // Back from a refusal: at the quantity it left with (a refused part split off
                // at the receiver: at its own), not yet in a facility.
                let back = books
                    .away
                    .remove(code)
                    .or_else(|| books.returning.remove(code));
                if let Some(q) = back {
                    add(&mut moves, "", &q, |r| &mut r.received);
                    books.stock.insert(
                        code.clone(),
                        Held {
                            facility: String::new(),
                            quantity: q,
                        },
                    );
                }
            }
            EventKind::Stored { facility_code, .. } => {
                // A cancelled dispatch: back in stock, the dispatch taken back.
                if let Some(q) = books.away.remove(code) {
                    if !books.stock.contains_key(code) {
                        let (u, m) = amount(&q);
                        moves.push((facility_code.clone(), u, |r| &mut r.dispatched, -m));
                        books.stock.insert(
                            code.clone(),
                            Held {
                                facility: facility_code.clone(),
                                quantity: q,
                            },
                        );
                    }
                }
                if let Some(h) = books.stock.get_mut(code) {
                    if &h.facility != facility_code {
                        let q = h.quantity;
                        let old = std::mem::replace(&mut h.facility, facility_code.clone());
                        add(&mut moves, &old, &q, |r| &mut r.moved_out);
                        add(&mut moves, facility_code, &q, |r| &mut r.moved_in);
                    }
                }
            }
            EventKind::Weighed { measured } | EventKind::Weighing { measured, .. } => {
                if let Some(h) = books.stock.get_mut(code) {
                    if amount(&h.quantity).0 == amount(measured).0 {
                        let change = amount(measured).1 - amount(&h.quantity).1;
                        let (f, u) = (h.facility.clone(), amount(measured).0);
                        h.quantity = *measured;
                        if change != 0 && counting {
                            books.row(&f, u).reweighed.push((code.to_string(), change));
                        }
                    }
                }
            }
            EventKind::Dispatched { .. } => {
                if let Some(h) = books.stock.remove(code) {
                    add(&mut moves, &h.facility, &h.quantity, |r| &mut r.dispatched);
                    books.away.insert(code.clone(), h.quantity);
                }
            }
            EventKind::Disposed { .. } => {
                if let Some(h) = books.stock.remove(code) {
                    add(&mut moves, &h.facility, &h.quantity, |r| &mut r.treated);
                }
            }
            EventKind::Void { .. } => {
                if let Some(h) = books.stock.remove(code) {
                    add(&mut moves, &h.facility, &h.quantity, |r| &mut r.voided);
                }
            }
            EventKind::Merged { .. } | EventKind::Split { .. } if link.prev.is_some() => {
                if let Some(h) = books.stock.remove(code) {
                    add(&mut moves, &h.facility, &h.quantity, |r| &mut r.unmade);
                }
            }
            _ => {}
        }
    }
    // The new containers of a merge or split sit where their sources sat; a refused part
    // split off to go back never entered the receiver's books (only what it accepted did).
    if let EventKind::Merged { .. } | EventKind::Split { .. } = &e.body.event {
        let facility = moves.first().map(|(f, ..)| f.clone()).unwrap_or_default();
        let going_back = match &e.body.event {
            EventKind::Split {
                returning: Some(r), ..
            } => Some(&r.code),
            _ => None,
        };
        for label in e.body.event.new_labels() {
            if Some(&label.code) == going_back {
                continue;
            }
            add(&mut moves, &facility, &label.quantity, |r| &mut r.made);
            books.stock.insert(
                label.code.clone(),
                Held {
                    facility: facility.clone(),
                    quantity: label.quantity,
                },
            );
        }
    }
    if counting {
        for (f, u, field, m) in moves {
            *field(books.row(&f, u)) += m;
        }
    }
}

//! Events before they are signed: the builder (each device's next sequence number, label
//! sequences, batch serials) and the container whose chain is being written.

use super::{china_midnight, Plan, World, HOUR, MINUTE};
use crate::place::Point;
use crate::CityError;
use chrono::NaiveDate;
use rand::Rng;
use std::collections::HashMap;
use yima_codes::{LabelCode, ManifestNumber, WasteCode};
use yima_core::{
    encode, Actor, ContainerLabel, EventBody, EventId, EventKind, Fix, Link, Quantity, Seal,
    Sighter, Sighting, SightingPlace, Timestamp, Tolerances, Unit, WeighMethod,
    EVENT_FORMAT_VERSION,
};

/// An event before it is signed: its body, canonical bytes and id, and who signs.
pub(super) struct Unsigned {
    pub id: EventId,
    pub canonical: Vec<u8>,
    pub body: EventBody,
    /// Device indices signing, composer first.
    pub signers: Vec<usize>,
    /// Replace the signature by one over another id (a forged record).
    pub forge: bool,
}

/// What one container's life pushes, before signing: per phase, the pusher, events and
/// tracks (by event index in the container's list).
/// One push of a life before signing: phase, pusher device, event indices, tracks (event
/// index, carrier device, fixes).
pub(super) type PlannedPush = (u8, usize, Vec<usize>, Vec<(usize, usize, Vec<Fix>)>);

#[derive(Default)]
pub(super) struct Pushes {
    pub events: Vec<Unsigned>,
    /// (phase, pusher device, event indices, tracks (event index, carrier device, fixes))
    pub pushes: Vec<PlannedPush>,
    /// Scans of its label: the scanning device (none: the public page) and the sighting.
    pub scans: Vec<(Option<usize>, Sighting)>,
}

pub(super) struct Builder<'w> {
    pub w: &'w World,
    pub seq: Vec<u64>,
    /// Label sequences used per producer, waste code and day.
    pub labels: HashMap<(usize, usize, NaiveDate), u16>,
    pub serial: u32,
    /// Labels never registered so far (every other one is seen on the public page).
    pub unregistered: usize,
}

const WASTES: [&str; 4] = ["900-041-49", "900-249-08", "900-252-12", "336-064-17"];

impl Builder<'_> {
    pub(super) fn actor(&self, d: usize) -> Actor {
        let dev = &self.w.devices[d];
        Actor {
            org: dev.org.clone(),
            role: dev.role,
            key: dev.key.public(),
        }
    }

    pub(super) fn party(&self, d: usize) -> yima_core::Party {
        yima_core::Party {
            credit_code: self.w.devices[d].org.clone(),
            name: String::new(),
        }
    }

    /// An event by `by`, composed by the first of `signers`.
    pub(super) fn event(
        &mut self,
        at: Timestamp,
        by: usize,
        signers: Vec<usize>,
        event: EventKind,
        links: Vec<Link>,
        track: Option<yima_core::TrackDigest>,
    ) -> Unsigned {
        let composer = signers[0];
        self.seq[composer] += 1;
        let body = EventBody {
            v: EVENT_FORMAT_VERSION,
            at,
            by: self.actor(by),
            composer: self.w.devices[composer].key.public(),
            event,
            links,
            location: None,
            operator: None,
            track,
            seq: self.seq[composer],
        };
        let canonical = encode(&body);
        Unsigned {
            id: EventId::of_canonical(&canonical),
            canonical,
            body,
            signers,
            forge: false,
        }
    }

    /// Device `d` scans `code` at `at` where `place` is (a fix of 10 to 30 m, within 10 m).
    pub(super) fn scan(
        &self,
        rng: &mut impl Rng,
        code: &LabelCode,
        at: Timestamp,
        d: usize,
        place: Point,
        seal: Seal,
    ) -> (Option<usize>, Sighting) {
        let dev = &self.w.devices[d];
        let sighting = Sighting {
            code: code.clone(),
            at,
            place: Some(SightingPlace {
                lat_e7: place.lat.round() as i32 + rng.gen_range(-90..=90),
                lon_e7: place.lon.round() as i32 + rng.gen_range(-90..=90),
                accuracy_m: Some(rng.gen_range(10..=30)),
            }),
            who: Sighter::Device {
                org: dev.org.clone(),
                device: dev.key.public().to_string(),
            },
            seal,
        };
        (Some(d), sighting)
    }

    pub(super) fn next_serial(&mut self) -> u32 {
        self.serial = self.serial % 999_999 + 1;
        self.serial
    }
}

pub(super) fn link(code: &LabelCode, prev: Option<EventId>) -> Vec<Link> {
    vec![Link {
        container: code.clone(),
        prev,
    }]
}

pub(super) fn kg(milli: i64) -> Quantity {
    Quantity {
        milli,
        unit: Unit::Kg,
    }
}

/// One container whose life is being written: who handles it, its code, the head of its
/// main chain and what it pushes so far.
pub(super) struct Container {
    pub code: LabelCode,
    /// Its producer (device index).
    pub p: usize,
    /// Its carrier.
    pub c1: usize,
    /// The carrier taking over at a relay (another one).
    pub c2: usize,
    /// Its receiver.
    pub r: usize,
    pub day: NaiveDate,
    /// What its producer declares it weighs.
    pub declared: Quantity,
    /// When it is registered (8:00 to 16:00 of its day).
    pub t0: Timestamp,
    /// The last event of its main chain so far.
    pub head: Option<EventId>,
    pub out: Pushes,
}

impl Container {
    /// A new container by `plan`: who handles it, its label (the next sequence of its
    /// producer, waste code and day) and when it is registered.
    pub(super) fn labelled(
        b: &mut Builder<'_>,
        rng: &mut impl Rng,
        plan: &Plan,
    ) -> Result<(Container, ContainerLabel), CityError> {
        let w = b.w;
        let p = rng.gen_range(0..w.producers);
        let c1 = w.producers + rng.gen_range(0..w.carriers);
        let c2 =
            w.producers + (c1 - w.producers + 1 + rng.gen_range(0..w.carriers - 1)) % w.carriers;
        let r = w.producers + w.carriers + rng.gen_range(0..w.receivers);
        let waste = rng.gen_range(0..WASTES.len());
        let day = if plan.stored_long_ago {
            w.params.start - chrono::Duration::days(400)
        } else {
            w.params.start + chrono::Duration::days(rng.gen_range(0..i64::from(w.params.days)))
        };
        let seq = b.labels.entry((p, waste, day)).or_insert(0);
        *seq += 1;
        if *seq > 999 {
            return Err(CityError::Params(format!(
                "more than 999 labels of one producer, waste code and day ({day}): fewer containers or more days"
            )));
        }
        let code = LabelCode::new(
            w.devices[p].org.clone(),
            WASTES[waste].parse::<WasteCode>()?,
            day,
            *seq,
        )?;
        let declared = kg(rng.gen_range(50..500) * 1000 + rng.gen_range(0..10) * 100);
        let mut label = ContainerLabel::from_code(&code, declared)?;
        label.name = "废矿物油与含矿物油废物".into();
        label.producer.name = String::new();
        let t0 = Timestamp(china_midnight(day).0 + 8 * HOUR + rng.gen_range(0..480) * MINUTE);
        let container = Container {
            code,
            p,
            c1,
            c2,
            r,
            day,
            declared,
            t0,
            head: None,
            out: Pushes::default(),
        };
        Ok((container, label))
    }

    /// `min` minutes after it is registered.
    pub(super) fn m(&self, min: i64) -> Timestamp {
        Timestamp(self.t0.0 + min * MINUTE)
    }

    /// Its link to the head of its main chain.
    pub(super) fn chain(&self) -> Vec<Link> {
        link(&self.code, self.head)
    }

    /// `e` appended to its main chain (the new head): its index.
    pub(super) fn append(&mut self, e: Unsigned) -> usize {
        self.head = Some(e.id);
        self.record(e)
    }

    /// `e` pushed beside its main chain (the head stays): its index.
    pub(super) fn record(&mut self, e: Unsigned) -> usize {
        let i = self.out.events.len();
        self.out.events.push(e);
        i
    }

    /// Its code and what it pushes.
    pub(super) fn done(self) -> (LabelCode, Pushes) {
        (self.code, self.out)
    }

    /// Device `by` weighs it at `at`: `milli` against what its producer declared.
    pub(super) fn weigh(
        &self,
        b: &mut Builder<'_>,
        at: Timestamp,
        by: usize,
        milli: i64,
    ) -> Unsigned {
        let measured = kg(milli);
        b.event(
            at,
            by,
            vec![by],
            EventKind::Weighing {
                discrepancy: Tolerances::default().discrepancy(&self.declared, &measured),
                measured,
                method: WeighMethod::Scale,
                scale: None,
                weigher: "王磊".into(),
            },
            self.chain(),
            None,
        )
    }

    /// Its carrier picks it up from its producer at `at` under manifest `number`, after the
    /// dispatch `dispatch`.
    pub(super) fn pickup(
        &self,
        b: &mut Builder<'_>,
        at: Timestamp,
        dispatch: EventId,
        number: ManifestNumber,
        plate: &str,
    ) -> Unsigned {
        let giver = b.actor(self.p);
        b.event(
            at,
            self.c1,
            vec![self.p, self.c1],
            EventKind::PickedUp {
                driver: "陈师傅".into(),
                giver,
                manifest: number,
                permit: "交运管许可字 000000000001 号".into(),
                vehicle_plate: plate.into(),
            },
            link(&self.code, Some(dispatch)),
            None,
        )
    }
}

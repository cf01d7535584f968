//! An honest container's life, step by step: into store at its producer, dispatched and
//! picked up, carried (relayed half-way or not) with its route track, received, weighed,
//! accepted and disposed of. Where the plan is bent, a step calls its injector.

use super::build::{kg, Builder, Container};
use super::{inject, Plan, TrackPlan, HOUR, MINUTE};
use crate::place::{road, Point};
use crate::CityError;
use chrono::Datelike;
use rand::Rng;
use yima_codes::{BatchCode, BatchKind, ManifestNumber, WorkCalendar};
use yima_core::{
    track_digest, ContainerLabel, EventId, EventKind, Fix, Seal, Sighter, Sighting, Timestamp,
    TransferManifest, TreatmentMode,
};

/// A container dispatched and picked up.
pub(super) struct Dispatch {
    /// Its manifest's number.
    pub number: ManifestNumber,
    /// The dispatch event.
    pub id: EventId,
    pub dispatched_at: Timestamp,
    pub picked_at: Timestamp,
}

/// Its producer registers and stores it (batch serial `serial`): the events of the
/// producer's push, so far.
pub(super) fn into_store(
    b: &mut Builder<'_>,
    c: &mut Container,
    label: ContainerLabel,
    serial: u32,
) -> Result<Vec<usize>, CityError> {
    let (p, day) = (c.p, c.day);
    let gen = b.event(
        c.m(0),
        p,
        vec![p],
        EventKind::Generated {
            batch: BatchCode::new(BatchKind::Generation, day, serial)?,
            catalogue_edition: "2025".into(),
            label,
        },
        c.chain(),
        None,
    );
    let mut phase0 = vec![c.append(gen)];
    let stored = b.event(
        c.m(5),
        p,
        vec![p],
        EventKind::Stored {
            batch: BatchCode::new(BatchKind::IntoStore, day, serial)?,
            facility_code: "WS-01".into(),
        },
        c.chain(),
        None,
    );
    phase0.push(c.append(stored));
    Ok(phase0)
}

/// Its producer weighs and dispatches it under a manifest, its carrier picks it up: the
/// producer's push (phase 0) with `phase0`, the events before.
pub(super) fn dispatch(
    b: &mut Builder<'_>,
    c: &mut Container,
    plan: &Plan,
    serial: u32,
    mut phase0: Vec<usize>,
) -> Result<Dispatch, CityError> {
    let w = b.w;
    let (p, c1, r, day) = (c.p, c.c1, c.r, c.day);
    let e = c.weigh(b, c.m(10), p, c.declared.milli);
    phase0.push(c.append(e));
    let province = w.params.area[..2].parse::<u8>().unwrap_or(35);
    let city = w.params.area[2..4].parse::<u8>().unwrap_or(1).max(1);
    let year = u16::try_from(day.year()).unwrap_or(2025);
    let number = ManifestNumber::new(year, province, city, serial)?;
    let manifest = TransferManifest {
        number: number.clone(),
        sender: b.party(p),
        carrier: b.party(c1),
        receiver: b.party(r),
        receiver_permit: "危废经许字 000001 号".into(),
        mode: TreatmentMode::Disposal,
        emergency_measures: "泄漏时用砂土覆盖".into(),
    };
    let dispatched = b.event(
        c.m(20),
        p,
        vec![p],
        EventKind::Dispatched {
            batch: BatchCode::new(BatchKind::OutOfStore, day, serial)?,
            facility_code: "WS-01".into(),
            manifest,
            outsourced_batch: BatchCode::new(BatchKind::OutsourcedDisposal, day, serial)?,
        },
        c.chain(),
        None,
    );
    let dispatched_at = dispatched.body.at;
    let id = dispatched.id;
    phase0.push(c.record(dispatched));
    if plan.off_manifest {
        phase0.push(inject::off_manifest(
            b, c, id, year, province, city, serial,
        )?);
    }
    let plate = format!("闽A·C{:04}", c1 - w.producers);
    let picked = c.pickup(b, c.m(30), id, number.clone(), &plate);
    let picked_at = picked.body.at;
    phase0.push(c.append(picked));
    c.out.pushes.push((0, p, phase0, Vec::new()));
    Ok(Dispatch {
        number,
        id,
        dispatched_at,
        picked_at,
    })
}

/// The transport: received 2 hours after pickup, or the day after the receipt deadline;
/// relayed half-way when the plan says. The handovers with their tracks (phases 1 and 2);
/// when it is received.
pub(super) fn transport(
    b: &mut Builder<'_>,
    rng: &mut impl Rng,
    c: &mut Container,
    plan: &Plan,
    d: &Dispatch,
) -> Result<Timestamp, CityError> {
    let w = b.w;
    let calendar = WorkCalendar::china();
    let received_at = if plan.receipt_late {
        inject::late_receipt(d.picked_at, d.dispatched_at, calendar)?
    } else {
        c.m(150)
    };
    let (from, to) = (w.places.0[c.p], w.places.0[c.r]);
    if let Some(apart) = plan.relay {
        let relay_at = Timestamp(d.picked_at.0 + (received_at.0 - d.picked_at.0) / 2);
        let mid = from.toward(to, 0.5);
        let fixes = road(from, d.picked_at, mid, relay_at);
        let giver = b.actor(c.c1);
        let e = b.event(
            relay_at,
            c.c2,
            vec![c.c1, c.c2],
            EventKind::RelayHandover {
                driver: "李师傅".into(),
                giver,
                manifest: d.number.clone(),
                permit: "交运管许可字 000000000002 号".into(),
                place: "高速服务区".into(),
                vehicle_plate: format!("闽A·C{:04}", c.c2 - w.producers),
            },
            c.chain(),
            Some(track_digest(&fixes)),
        );
        let i = c.append(e);
        c.out
            .pushes
            .push((1, c.c1, vec![i], vec![(i, c.c1, fixes)]));
        let start: Point = if apart > 0.0 {
            mid.aside(to, apart)
        } else {
            mid
        };
        let fixes = road(start, relay_at, to, received_at);
        // The second carrier scans the label as it takes the container over.
        let scan = b.scan(rng, &c.code, relay_at, c.c2, start, Seal::Genuine);
        c.out.scans.push(scan);
        receipt(b, c, &d.number, received_at, c.c2, &fixes, plan.track);
    } else {
        let fixes = road(from, d.picked_at, to, received_at);
        receipt(b, c, &d.number, received_at, c.c1, &fixes, plan.track);
    }
    Ok(received_at)
}

/// The receipt ending a transport by carrier `carrier` (composer) to its receiver, pushed
/// by the carrier (phase 2) with the fixes (as the plan bends them; none when the track is
/// missing).
fn receipt(
    b: &mut Builder<'_>,
    c: &mut Container,
    number: &ManifestNumber,
    at: Timestamp,
    carrier: usize,
    fixes: &[Fix],
    plan: TrackPlan,
) {
    let fixes = inject::bend_track(fixes, plan);
    let track = (plan != TrackPlan::Missing).then(|| track_digest(&fixes));
    let giver = b.actor(carrier);
    let e = b.event(
        at,
        c.r,
        vec![carrier, c.r],
        EventKind::Received {
            giver,
            manifest: number.clone(),
        },
        c.chain(),
        track,
    );
    let i = c.append(e);
    let tracks = track.map(|_| vec![(i, carrier, fixes)]).unwrap_or_default();
    c.out.pushes.push((2, carrier, vec![i], tracks));
}

/// The receiver, from `received_at`: scans the label at its gate, weighs, accepts, disposes
/// of (its push, phase 3); then whatever bogus event the plan says.
pub(super) fn at_receiver(
    b: &mut Builder<'_>,
    rng: &mut impl Rng,
    c: &mut Container,
    plan: &Plan,
    received_at: Timestamp,
) -> Result<(), CityError> {
    let r = c.r;
    let to = b.w.places.0[r];
    let scan = b.scan(rng, &c.code, received_at, r, to, Seal::Genuine);
    c.out.scans.push(scan);
    // One label in ten is opened on the public page the day after (someone checking it).
    if rng.gen_range(0..10) == 0 {
        let view = Sighting {
            code: c.code.clone(),
            at: Timestamp(received_at.0 + 24 * HOUR),
            place: None,
            who: Sighter::PublicPage,
            seal: Seal::Genuine,
        };
        c.out.scans.push((None, view));
    }
    let mut phase3 = Vec::new();
    let at = |min: i64| Timestamp(received_at.0 + min * MINUTE);
    let milli = c.declared.milli * plan.receiver_weighs_permille / 1000;
    let e = c.weigh(b, at(5), r, milli);
    phase3.push(c.append(e));
    if !plan.never_accepted {
        let e = b.event(
            at(10),
            r,
            vec![r],
            EventKind::Accepted {
                quantity: kg(milli),
            },
            c.chain(),
            None,
        );
        phase3.push(c.append(e));
        let serial = b.next_serial();
        let e = b.event(
            at(60),
            r,
            vec![r],
            EventKind::Disposed {
                batch: BatchCode::new(BatchKind::OwnDisposal, at(60).china_date(), serial)?,
                completed_at: at(60),
                method: "D10".into(),
                mode: TreatmentMode::Disposal,
            },
            c.chain(),
            None,
        );
        phase3.push(c.append(e));
    }
    c.out.pushes.push((3, r, phase3, Vec::new()));
    if let Some(bogus) = plan.bogus {
        inject::bogus(b, c, bogus, at(120), milli);
    }
    Ok(())
}

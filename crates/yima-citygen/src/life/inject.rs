//! How a plan's bent knobs bend a life: the events, scans and tracks only an injected
//! container has (a label never registered, a cloned label, a pickup under another
//! manifest, a rival pickup, a late receipt, a track with a gap or off its corridor, an
//! event no honest device records).

use super::build::{kg, link, Builder, Container};
use super::{china_midnight, Bogus, TrackPlan, World, HOUR, MINUTE};
use crate::place::Point;
use crate::CityError;
use rand::Rng;
use yima_codes::{ManifestNumber, WorkCalendar};
use yima_core::{
    distance_to_segment_m, encode, manifest_close_due, receipt_due, AnomalyConfig, EventId,
    EventKind, Fix, Seal, Sighter, Sighting, Timestamp, WeighMethod,
};

/// Printed, never registered: a carrier's device scans it at the producer (its device
/// holds no record: unchecked), or somebody opens it on the public page (which checks it
/// against the producer's devices: genuine).
pub(super) fn unregistered(b: &mut Builder<'_>, rng: &mut impl Rng, c: &mut Container) {
    let w = b.w;
    let at = c.m(rng.gen_range(10..240));
    let scan = if b.unregistered.is_multiple_of(2) {
        let carrier = w.producers + rng.gen_range(0..w.carriers);
        b.scan(rng, &c.code, at, carrier, w.places.0[c.p], Seal::Unchecked)
    } else {
        let view = Sighting {
            code: c.code.clone(),
            at,
            place: None,
            who: Sighter::PublicPage,
            seal: Seal::Genuine,
        };
        (None, view)
    };
    b.unregistered += 1;
    c.out.scans.push(scan);
}

/// Before its pickup, a pickup under another manifest number (the next serial's) is tried.
#[allow(clippy::too_many_arguments)]
pub(super) fn off_manifest(
    b: &mut Builder<'_>,
    c: &mut Container,
    dispatch: EventId,
    year: u16,
    province: u8,
    city: u8,
    serial: u32,
) -> Result<usize, CityError> {
    let other = ManifestNumber::new(year, province, city, serial % 999_999 + 1)?;
    let e = c.pickup(b, c.m(28), dispatch, other, "闽A·D0000");
    Ok(c.record(e))
}

/// Its label cloned: a minute after the pickup scan, the device farthest from the producer
/// scans the same code where it is.
pub(super) fn cloned(
    b: &Builder<'_>,
    rng: &mut impl Rng,
    c: &mut Container,
    picked_at: Timestamp,
) -> Result<(), CityError> {
    let w = b.w;
    let at = Timestamp(picked_at.0 + MINUTE);
    let (far, d) = farthest(w, w.places.0[c.p]);
    // Twice as far as the default rule lets a label go in that minute (its speed limit,
    // its tolerance, two fixes of 30 m at worst).
    let config = AnomalyConfig::default();
    let reach = f64::from(config.sighting_max_speed_kmh) / 3.6 * 60.0
        + f64::from(config.sighting_tolerance_m)
        + 2.0 * 30.0;
    if d < 2.0 * reach {
        return Err(CityError::Params(format!(
            "no device farther than {:.0} m from a producer for a cloned label",
            2.0 * reach
        )));
    }
    let scan = b.scan(rng, &c.code, at, far, w.places.0[far], Seal::Genuine);
    c.out.scans.push(scan);
    Ok(())
}

/// The enrolled device (not the lost one) farthest from `from`, and how far, in metres.
fn farthest(w: &World, from: Point) -> (usize, f64) {
    let fix = |p: Point| Fix {
        at: Timestamp(0),
        lat_e7: p.lat.round() as i32,
        lon_e7: p.lon.round() as i32,
        accuracy_m: None,
    };
    let f = fix(from);
    (0..w.lost())
        .map(|d| (d, distance_to_segment_m(&fix(w.places.0[d]), &f, &f)))
        .fold((0, 0.0), |best, x| if x.1 > best.1 { x } else { best })
}

/// A late receipt: 10:00 the day after the receipt deadline of a pickup at `picked_at`,
/// still before the manifest dispatched at `dispatched_at` must close.
pub(super) fn late_receipt(
    picked_at: Timestamp,
    dispatched_at: Timestamp,
    calendar: &WorkCalendar,
) -> Result<Timestamp, CityError> {
    let due = receipt_due(picked_at, calendar).map_err(|e| CityError::Params(e.to_string()))?;
    let at = Timestamp(china_midnight(due + chrono::Duration::days(1)).0 + 10 * HOUR);
    let close = manifest_close_due(dispatched_at, calendar)
        .map_err(|e| CityError::Params(e.to_string()))?;
    assert!(at < china_midnight(close), "a late receipt closes in time");
    Ok(at)
}

/// The route fixes as `plan` bends them: 50 minutes missing mid-way, or one fix mid-way
/// 30 km off the road.
pub(super) fn bend_track(fixes: &[Fix], plan: TrackPlan) -> Vec<Fix> {
    let mut fixes = fixes.to_vec();
    match plan {
        TrackPlan::Normal | TrackPlan::Missing => {}
        TrackPlan::Gap => {
            let mid = fixes.len() / 2;
            fixes.drain(mid - 2..mid + 2);
        }
        TrackPlan::OffCorridor => {
            let (a, z) = (fixes[0], fixes[fixes.len() - 1]);
            let mid = fixes.len() / 2;
            let pa = Point {
                lat: f64::from(a.lat_e7),
                lon: f64::from(a.lon_e7),
            };
            let pz = Point {
                lat: f64::from(z.lat_e7),
                lon: f64::from(z.lon_e7),
            };
            let off = pa.toward(pz, 0.5).aside(pz, 30_000.0);
            fixes[mid].lat_e7 = off.lat.round() as i32;
            fixes[mid].lon_e7 = off.lon.round() as i32;
        }
    }
    fixes
}

/// The rival pickup: same place in the chain, another vehicle, pushed late by the carrier.
pub(super) fn fork(
    b: &mut Builder<'_>,
    c: &mut Container,
    dispatch: EventId,
    number: ManifestNumber,
) {
    let e = c.pickup(b, c.m(31), dispatch, number, "闽A·D5678");
    let i = c.record(e);
    c.out.pushes.push((3, c.c1, vec![i], Vec::new()));
}

/// An event no honest device records, at `at` after its disposal: a weighing of `milli`
/// with a forged signature, in its receiver's name by another receiver's device, or by a
/// revoked device.
pub(super) fn bogus(
    b: &mut Builder<'_>,
    c: &mut Container,
    bogus: Bogus,
    at: Timestamp,
    milli: i64,
) {
    let w = b.w;
    let r = c.r;
    let weighing = |b: &mut Builder<'_>, by: usize, signer: usize| {
        let measured = kg(milli);
        b.event(
            at,
            by,
            vec![signer],
            EventKind::Weighing {
                discrepancy: None,
                measured,
                method: WeighMethod::Scale,
                scale: None,
                weigher: "林娜".into(),
            },
            link(&c.code, c.head),
            None,
        )
    };
    let (mut e, pusher) = match bogus {
        Bogus::BadSignature => (weighing(b, r, r), r),
        Bogus::WrongKey => {
            // Another receiver's device signs in this receiver's name.
            let other = w.producers + w.carriers + (r - w.producers - w.carriers + 1) % w.receivers;
            let mut e = weighing(b, other, other);
            e.body.by.org = w.devices[r].org.clone();
            e.canonical = encode(&e.body);
            e.id = EventId::of_canonical(&e.canonical);
            (e, other)
        }
        Bogus::RevokedKey => {
            let lost = w.lost();
            (weighing(b, lost, lost), lost)
        }
    };
    e.forge = bogus == Bogus::BadSignature;
    let i = c.record(e);
    c.out.pushes.push((4, pusher, vec![i], Vec::new()));
}

//! Deadline rules, judged at a time `now`: receipt within 5 working days of pickup
//! (危险废物转移管理办法), a manifest closed for each container within 10 working days of
//! its dispatch, storage at most its limit (one year by default, GB 18597 /
//! Solid Waste Law art. 81). Days are China days (UTC+8); a deadline's last day ends at
//! midnight China time.

use super::{Anomaly, AnomalyConfig, AnomalyRule};
use crate::event::{EventKind, SignedEvent};
use crate::model::Timestamp;
use crate::state::ContainerState;
use chrono::{Months, NaiveDate};
use yima_codes::{CalendarError, LabelCode, WorkCalendar};

/// Working days a receiver has, from pickup, to confirm receipt.
pub const RECEIPT_WORKING_DAYS: u32 = 5;

/// The last day (China) to receive waste picked up at `picked_up`: the
/// [`RECEIPT_WORKING_DAYS`]th working day after the pickup's China date.
pub fn receipt_due(
    picked_up: Timestamp,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(picked_up.china_date(), RECEIPT_WORKING_DAYS)
}

/// Working days a manifest has, from a container's dispatch under it, to close for that
/// container: the pickup, the receipt (5 working days after the pickup) and the receiver's
/// verdict all fit in it when each is on time.
pub const MANIFEST_CLOSE_WORKING_DAYS: u32 = 10;

/// The last day (China) for a manifest to close for a container dispatched at `dispatched`:
/// the [`MANIFEST_CLOSE_WORKING_DAYS`]th working day after the dispatch's China date.
pub fn manifest_close_due(
    dispatched: Timestamp,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(dispatched.china_date(), MANIFEST_CLOSE_WORKING_DAYS)
}

/// Whether `e` closes, for its container, the manifest of the dispatch before it: the
/// receiver's verdict (accepted, partly refused, refused), a return to the sender, or the
/// container taken back into store before any pickup.
fn closes_manifest(e: &SignedEvent) -> bool {
    matches!(
        e.body.event,
        EventKind::Accepted { .. }
            | EventKind::PartlyRefused { .. }
            | EventKind::Refused { .. }
            | EventKind::Returned { .. }
            | EventKind::Stored { .. }
    )
}

/// Each dispatch whose manifest did not close for the container before the end of its last
/// day: closed late, or not closed and `now` past the end. A container picked up and never
/// received breaks this rule as well as [`receipt_overdue`]: the carrier's leg and the
/// manifest as a whole are both late. A dispatch whose dates the calendar does not cover is
/// not judged.
pub(super) fn manifest_not_closed(
    container: &LabelCode,
    events: &[SignedEvent],
    now: Timestamp,
    calendar: &WorkCalendar,
) -> Vec<Anomaly> {
    let mut out = Vec::new();
    for (i, dispatch) in events.iter().enumerate() {
        let EventKind::Dispatched { manifest, .. } = &dispatch.body.event else {
            continue;
        };
        let Ok(last_day) = manifest_close_due(dispatch.body.at, calendar) else {
            continue;
        };
        let Some(due) = end_of_china_day(last_day) else {
            continue;
        };
        let number = &manifest.number;
        let sent = dispatch.body.at.china_date();
        let closing = events[i + 1..].iter().find(|e| closes_manifest(e));
        let (en, zh) = match closing {
            Some(c) if c.body.at >= due => (
                format!(
                    "manifest {number}: dispatched on {sent}, closed on {}, due by {last_day}",
                    c.body.at.china_date()
                ),
                format!(
                    "转移联单 {number}：{sent} 出库，{} 才办结，应于 {last_day} 前办结",
                    c.body.at.china_date()
                ),
            ),
            None if now >= due => (
                format!("manifest {number}: dispatched on {sent}, not closed by {last_day}"),
                format!("转移联单 {number}：{sent} 出库，至 {last_day} 仍未办结"),
            ),
            _ => continue,
        };
        out.push(Anomaly {
            rule: AnomalyRule::ManifestNotClosed,
            container: container.clone(),
            event: Some(closing.map_or(dispatch.id, |c| c.id)),
            since: due,
            due: Some(due),
            en,
            zh,
        });
    }
    out
}

/// The last day (China) a container stored on `since` may stay in storage, `months` later.
pub fn storage_limit(since: NaiveDate, months: u32) -> Option<NaiveDate> {
    since.checked_add_months(Months::new(months))
}

/// The first moment after the China day `date`: midnight China time, 16:00 UTC the day
/// before.
fn end_of_china_day(date: NaiveDate) -> Option<Timestamp> {
    let next = date.succ_opt()?.and_hms_opt(0, 0, 0)?.and_utc();
    Some(Timestamp(next.timestamp_millis() - 8 * 3_600_000))
}

/// Each pickup not followed by a receipt (or a return to the producer) before the end of
/// its last day: received late, or not received and `now` past the end. A pickup whose
/// dates the calendar does not cover is not judged.
pub(super) fn receipt_overdue(
    container: &LabelCode,
    events: &[SignedEvent],
    now: Timestamp,
    calendar: &WorkCalendar,
) -> Vec<Anomaly> {
    let mut out = Vec::new();
    for (i, pickup) in events.iter().enumerate() {
        if !matches!(pickup.body.event, EventKind::PickedUp { .. }) {
            continue;
        }
        let Ok(last_day) = receipt_due(pickup.body.at, calendar) else {
            continue;
        };
        let Some(due) = end_of_china_day(last_day) else {
            continue;
        };
        let receipt = events[i + 1..].iter().find(|e| {
            matches!(
                e.body.event,
                EventKind::Received { .. } | EventKind::Returned { .. }
            )
        });
        let (late, en, zh) = match receipt {
            Some(r) if r.body.at >= due => (
                true,
                format!(
                    "picked up on {}, received on {}, due by {last_day}",
                    pickup.body.at.china_date(),
                    r.body.at.china_date()
                ),
                format!(
                    "{} 运输交接，{} 才接收，应于 {last_day} 前确认接收",
                    pickup.body.at.china_date(),
                    r.body.at.china_date()
                ),
            ),
            None if now >= due => (
                true,
                format!(
                    "picked up on {}, not received by {last_day}",
                    pickup.body.at.china_date()
                ),
                format!(
                    "{} 运输交接，至 {last_day} 仍未确认接收",
                    pickup.body.at.china_date()
                ),
            ),
            _ => (false, String::new(), String::new()),
        };
        if late {
            out.push(Anomaly {
                rule: AnomalyRule::ReceiptOverdue,
                container: container.clone(),
                event: Some(receipt.map_or(pickup.id, |r| r.id)),
                since: due,
                due: Some(due),
                en,
                zh,
            });
        }
    }
    out
}

/// A container in storage now (`state`) whose last storing is older than its facility's
/// limit at `now`: past the end of the limit's last day.
pub(super) fn storage_overdue(
    container: &LabelCode,
    events: &[SignedEvent],
    state: ContainerState,
    now: Timestamp,
    config: &AnomalyConfig,
) -> Option<Anomaly> {
    if state != ContainerState::Stored {
        return None;
    }
    let (stored, facility) = events.iter().rev().find_map(|e| match &e.body.event {
        EventKind::Stored { facility_code, .. } => Some((e, facility_code)),
        _ => None,
    })?;
    let months = config.storage_months_of(facility);
    let since = stored.body.at.china_date();
    let limit = storage_limit(since, months)?;
    let due = end_of_china_day(limit)?;
    (now >= due).then(|| Anomaly {
        rule: AnomalyRule::StorageOverdue,
        container: container.clone(),
        event: Some(stored.id),
        since: due,
        due: Some(due),
        en: format!("in storage {facility} since {since}, limit {months} months (to {limit})"),
        zh: format!("自 {since} 贮存于 {facility}，贮存期限 {months} 个月（至 {limit}）"),
    })
}

/// The next moment after `now` at which a deadline rule may begin to fire for this chain
/// (a pickup's receipt falling due, a manifest's closing falling due, a storing's limit
/// running out): when to judge it again.
/// `None` when no deadline runs (nothing in transit unreceived, no manifest open, nothing in
/// storage, or past
/// every deadline already).
pub(super) fn next_deadline(
    events: &[SignedEvent],
    state: Option<ContainerState>,
    now: Timestamp,
    config: &AnomalyConfig,
    calendar: &WorkCalendar,
) -> Option<Timestamp> {
    let mut dues = Vec::new();
    for (i, dispatch) in events.iter().enumerate() {
        if !matches!(dispatch.body.event, EventKind::Dispatched { .. })
            || events[i + 1..].iter().any(closes_manifest)
        {
            continue;
        }
        if let Some(due) = manifest_close_due(dispatch.body.at, calendar)
            .ok()
            .and_then(end_of_china_day)
        {
            dues.push(due);
        }
    }
    for (i, pickup) in events.iter().enumerate() {
        if !matches!(pickup.body.event, EventKind::PickedUp { .. }) {
            continue;
        }
        let received = events[i + 1..].iter().any(|e| {
            matches!(
                e.body.event,
                EventKind::Received { .. } | EventKind::Returned { .. }
            )
        });
        if received {
            continue;
        }
        if let Some(due) = receipt_due(pickup.body.at, calendar)
            .ok()
            .and_then(end_of_china_day)
        {
            dues.push(due);
        }
    }
    if state == Some(ContainerState::Stored) {
        let stored = events.iter().rev().find_map(|e| match &e.body.event {
            EventKind::Stored { facility_code, .. } => Some((e, facility_code)),
            _ => None,
        });
        if let Some((stored, facility)) = stored {
            let months = config.storage_months_of(facility);
            if let Some(due) =
                storage_limit(stored.body.at.china_date(), months).and_then(end_of_china_day)
            {
                dues.push(due);
            }
        }
    }
    dues.into_iter().filter(|d| *d > now).min()
}

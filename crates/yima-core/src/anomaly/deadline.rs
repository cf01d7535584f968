//! Deadline rules, judged at a time `now`: receipt within 5 working days of pickup
//! (危险废物转移管理办法), storage at most its limit (one year by default, GB 18597 /
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
/// (a pickup's receipt falling due, a storing's limit running out): when to judge it again.
/// `None` when no deadline runs (nothing in transit unreceived, nothing in storage, or past
/// every deadline already).
pub(super) fn next_deadline(
    events: &[SignedEvent],
    state: Option<ContainerState>,
    now: Timestamp,
    config: &AnomalyConfig,
    calendar: &WorkCalendar,
) -> Option<Timestamp> {
    let mut dues = Vec::new();
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

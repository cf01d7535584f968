//! The time limits the rules set on a container, read from its chain: receipt within 5
//! working days of pickup (China's working-day calendar, `yima_codes::WorkCalendar`), and
//! storage for at most a year (贮存期限), warned a month before and flagged after.

use chrono::NaiveDate;
use serde::Serialize;
use yima_codes::WorkCalendar;
use yima_core::{ContainerState, EventBody, EventKind};

/// Working days a receiver has, from pickup, to receive the waste (the core's rule).
pub use yima_core::RECEIPT_WORKING_DAYS;

/// The storage limit when the facility sets none: one year.
pub const DEFAULT_STORAGE_MONTHS: u32 = 12;

/// Working days within which a leg recorded on a paper manifest must be entered.
pub const PAPER_ENTRY_WORKING_DAYS: u32 = 10;

/// Days before the storage limit from which a container is warned about.
pub const STORAGE_WARNING_DAYS: i64 = 30;

/// The most a small storage point (小型贮存点) may hold: 3 t, in thousandths of a kilogram.
pub const SMALL_POINT_LIMIT_KG_MILLI: i64 = 3_000_000;

/// The operator's storage facilities: each one's storage limit in months (default
/// [`DEFAULT_STORAGE_MONTHS`]) and which are small storage points (3 t at most).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacilityRules {
    /// Storage limit in months, by facility code.
    pub limit_months: std::collections::BTreeMap<String, u32>,
    /// Facility codes that are small storage points.
    pub small_points: std::collections::BTreeSet<String>,
}

impl FacilityRules {
    /// The storage limit of `facility` in months.
    pub fn months(&self, facility: &str) -> u32 {
        self.limit_months
            .get(facility)
            .copied()
            .unwrap_or(DEFAULT_STORAGE_MONTHS)
    }
}

/// Where a deadline stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// Not done yet, and the deadline has not passed.
    Open,
    /// Done by the deadline.
    Met,
    /// Done after the deadline, or not done and the deadline has passed.
    Missed,
    /// The working-day calendar does not cover the dates: the deadline is not known.
    Unknown,
}

/// The receipt deadline of the container's last pickup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceiptDeadline {
    /// The pickup's date (China).
    pub picked_up: NaiveDate,
    /// The last day for receipt, when the calendar covers it.
    pub due: Option<NaiveDate>,
    /// The date it was received (or returned), if it was.
    pub received: Option<NaiveDate>,
    /// Where it stands.
    pub status: DeadlineStatus,
}

/// Where a stored container stands against its storage limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StorageFlag {
    /// Well within the limit.
    Within,
    /// Within [`STORAGE_WARNING_DAYS`] of the limit.
    Near,
    /// Past the limit.
    Over,
}

/// How long a stored container has been in storage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StorageAge {
    /// The facility it is stored in.
    pub facility_code: String,
    /// The date it went into storage (China).
    pub since: NaiveDate,
    /// Days in storage up to today.
    pub days: i64,
    /// The last day storage is allowed.
    pub limit: NaiveDate,
    /// Where it stands.
    pub flag: StorageFlag,
}

/// The receipt deadline of the last pickup in `chain` (oldest first), judged on `today`.
/// `None` when the container was never picked up.
pub fn receipt_deadline(
    chain: &[&EventBody],
    today: NaiveDate,
    calendar: &WorkCalendar,
) -> Option<ReceiptDeadline> {
    let pickup = chain
        .iter()
        .rposition(|b| matches!(b.event, EventKind::PickedUp { .. }))?;
    let picked_up = chain[pickup].at.china_date();
    let received = chain[pickup + 1..]
        .iter()
        .find(|b| {
            matches!(
                b.event,
                EventKind::Received { .. } | EventKind::Returned { .. }
            )
        })
        .map(|b| b.at.china_date());
    let due = yima_core::receipt_due(chain[pickup].at, calendar).ok();
    let status = match (due, received) {
        (None, _) => DeadlineStatus::Unknown,
        (Some(due), Some(r)) if r <= due => DeadlineStatus::Met,
        (Some(_), Some(_)) => DeadlineStatus::Missed,
        (Some(due), None) if today > due => DeadlineStatus::Missed,
        (Some(_), None) => DeadlineStatus::Open,
    };
    Some(ReceiptDeadline {
        picked_up,
        due,
        received,
        status,
    })
}

/// How long the container has been stored, when it is in storage now (`state` is the
/// chain's state); `months` is the facility's limit ([`DEFAULT_STORAGE_MONTHS`] by default).
pub fn storage_age(
    chain: &[&EventBody],
    state: ContainerState,
    today: NaiveDate,
    months: u32,
) -> Option<StorageAge> {
    if state != ContainerState::Stored {
        return None;
    }
    let (since, facility_code) = chain.iter().rev().find_map(|b| match &b.event {
        EventKind::Stored { facility_code, .. } => Some((b.at.china_date(), facility_code.clone())),
        _ => None,
    })?;
    let limit = yima_core::storage_limit(since, months)?;
    let days = (today - since).num_days();
    let flag = if today > limit {
        StorageFlag::Over
    } else if (limit - today).num_days() <= STORAGE_WARNING_DAYS {
        StorageFlag::Near
    } else {
        StorageFlag::Within
    };
    Some(StorageAge {
        facility_code,
        since,
        days,
        limit,
        flag,
    })
}

/// A container's limits as the device shows them beside its state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// The receipt deadline of its last pickup, if it was picked up.
    pub receipt: Option<ReceiptDeadline>,
    /// Its storage age, if it is in storage.
    pub storage: Option<StorageAge>,
    /// In the container list only: it is stored in a small storage point that holds more
    /// than 3 t.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub small_point_over: bool,
}

/// Reads `code`'s chain from the store and judges its limits on `today`.
pub(crate) fn limits_in(
    tx: &yima_store::Tx<'_>,
    code: &yima_codes::LabelCode,
    state: ContainerState,
    today: NaiveDate,
    rules: &FacilityRules,
) -> Result<Limits, crate::DeviceError> {
    let mut bodies = Vec::new();
    for (id, bytes) in tx.container_event_bodies(code)? {
        let e = yima_core::SignedEvent::from_parts(id, bytes, Vec::new()).map_err(|e| {
            crate::DeviceError::new(
                crate::ErrorKind::Storage,
                format!("stored event {id} is unreadable: {e}"),
            )
        })?;
        bodies.push(e.body);
    }
    // Arrival order; a chain completed later by a pull is ordered by time here.
    bodies.sort_by_key(|b| b.at);
    let chain: Vec<&EventBody> = bodies.iter().collect();
    let facility = chain.iter().rev().find_map(|b| match &b.event {
        EventKind::Stored { facility_code, .. } => Some(facility_code.as_str()),
        _ => None,
    });
    let months = facility.map_or(DEFAULT_STORAGE_MONTHS, |f| rules.months(f));
    Ok(Limits {
        receipt: receipt_deadline(&chain, today, WorkCalendar::china()),
        storage: storage_age(&chain, state, today, months),
        small_point_over: false,
    })
}

/// Whether a transfer leg (pickup, relay, receipt, return) dated `at` was entered on this
/// device (`stored_at`) more than [`PAPER_ENTRY_WORKING_DAYS`] working days later: a paper
/// manifest's leg entered late. `None` when the calendar does not cover the dates.
pub fn entered_late(
    event: &EventKind,
    at: yima_core::Timestamp,
    stored_at: yima_core::Timestamp,
    calendar: &WorkCalendar,
) -> Option<bool> {
    let leg = matches!(
        event,
        EventKind::PickedUp { .. }
            | EventKind::RelayHandover { .. }
            | EventKind::Received { .. }
            | EventKind::Returned { .. }
    );
    if !leg {
        return Some(false);
    }
    let days = calendar
        .working_days_between(at.china_date(), stored_at.china_date())
        .ok()?;
    Some(days > PAPER_ENTRY_WORKING_DAYS)
}

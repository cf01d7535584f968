//! The audit API's wire types (`GET /v1/audit/containers`, `GET /v1/audit/counts`): a
//! search over the containers the caller may read — a regulator those of its jurisdiction
//! (a transfer that leaves or enters it: any custody party there), any other organisation
//! those it is a custody party of.

use serde::{Deserialize, Serialize};
use yima_core::Timestamp;

/// The most containers one page of a search holds.
pub const MAX_AUDIT_PAGE: u32 = 500;
/// Containers a page holds when the query does not say.
pub const DEFAULT_AUDIT_PAGE: u32 = 100;

/// What a search asks for: every given filter must hold (all are optional). Sent as the
/// query string of `GET /v1/audit/containers` and `GET /v1/audit/counts`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct AuditFilter {
    /// A container's 37-character code, or the start of one (at least 18 characters: a
    /// producer's credit code and more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// An organisation that is a custody party (producer, sender, carrier or receiver).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// The producer's credit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// A waste code (e.g. 900-041-49).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waste: Option<String>,
    /// A waste category (e.g. HW49).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// A 14-digit transfer manifest number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// A vehicle plate (spaces, dots and hyphens ignored, any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plate: Option<String>,
    /// A carrier's credit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// A custody party's administrative division, or the start of one (35: Fujian; 3501:
    /// Fuzhou).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
    /// The container's state now (generated, stored, dispatched, in_transit, received,
    /// accepted, refused, returned, disposed, merged, split, voided).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Active at or after this moment (ms since the epoch): its last event is not before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    /// Active before this moment (ms since the epoch): its first event is before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<i64>,
}

/// One container a search found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditContainer {
    /// Its 37-character code.
    pub code: String,
    /// Its producer's credit code.
    pub producer: String,
    /// Its waste code.
    pub waste: String,
    /// Its waste category.
    pub category: String,
    /// Its state now.
    pub state: String,
    /// The organisation that holds it now.
    pub holder: String,
    /// The manifest it travels (or last travelled) under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// When its first event happened.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub first_at: Timestamp,
    /// When its last main-chain event happened.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub last_at: Timestamp,
}

/// One page of a search, by code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// The containers found, by code.
    pub containers: Vec<AuditContainer>,
    /// The `after` of the next page, when there may be one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// What counts are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditGroup {
    /// The producer's credit code.
    Producer,
    /// The producer's province (division characters 1–2).
    Province,
    /// The producer's city (characters 1–4).
    City,
    /// The producer's county (characters 1–6).
    County,
    /// The waste category.
    Category,
    /// The waste code.
    Waste,
    /// The state now.
    State,
    /// The day of the first event (China time, YYYYMMDD).
    Day,
    /// Its month (YYYYMM).
    Month,
    /// Its year (YYYY).
    Year,
}

impl AuditGroup {
    /// Every grouping.
    pub const ALL: [AuditGroup; 10] = [
        AuditGroup::Producer,
        AuditGroup::Province,
        AuditGroup::City,
        AuditGroup::County,
        AuditGroup::Category,
        AuditGroup::Waste,
        AuditGroup::State,
        AuditGroup::Day,
        AuditGroup::Month,
        AuditGroup::Year,
    ];

    /// Its name in a query.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditGroup::Producer => "producer",
            AuditGroup::Province => "province",
            AuditGroup::City => "city",
            AuditGroup::County => "county",
            AuditGroup::Category => "category",
            AuditGroup::Waste => "waste",
            AuditGroup::State => "state",
            AuditGroup::Day => "day",
            AuditGroup::Month => "month",
            AuditGroup::Year => "year",
        }
    }
}

impl std::str::FromStr for AuditGroup {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        AuditGroup::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = AuditGroup::ALL.iter().map(|g| g.as_str()).collect();
                format!("unknown grouping {s:?}: one of {}", all.join(", "))
            })
    }
}

/// One group's count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditCount {
    /// The group (a credit code, a division, a category, a day…).
    pub key: String,
    /// Containers in it.
    pub containers: u64,
}

/// The counts of a search, by group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditCounts {
    /// What they are grouped by.
    pub by: AuditGroup,
    /// Each group with containers, by key.
    pub groups: Vec<AuditCount>,
    /// Containers in all.
    pub total: u64,
}

/// One anomaly the registry found in a container's chain (`GET /v1/audit/anomalies`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditAnomaly {
    /// The container.
    pub container: String,
    /// The rule broken (weight_discrepancy, receipt_overdue, manifest_not_closed,
    /// event_after_closure, relay_gap, track_missing, track_gap, off_corridor,
    /// storage_overdue, fork, bad_signature, wrong_key, revoked_key, not_on_manifest, unseen_label, two_places).
    pub rule: String,
    /// The event that shows it, if one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// When it began: the event's time, or the moment a deadline passed.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub since: Timestamp,
    /// For a deadline rule, the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub due: Option<Timestamp>,
    /// What happened, in English.
    pub en: String,
    /// What happened, in Chinese.
    pub zh: String,
    /// When the registry first found it.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub found_at: Timestamp,
}

/// One page of anomalies, by container, rule and event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditAnomalyPage {
    /// The anomalies found.
    pub anomalies: Vec<AuditAnomaly>,
    /// The `after` of the next page, when there may be one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

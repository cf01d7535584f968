//! The regulator's audit screen: its filter, results, counts and a container's timeline.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The audit screen's filter as people type it: every field may be empty (not given).
#[derive(Clone, Debug, Default, Deserialize, TS)]
pub struct AuditFilterForm {
    /// A container's 37-character code, or its first 18 to 36 characters.
    pub code: String,
    /// A custody party's credit code (producer, sender, carrier or receiver).
    pub org: String,
    /// The producer's credit code.
    pub producer: String,
    /// A waste code (900-041-49).
    pub waste: String,
    /// A waste category (HW49).
    pub category: String,
    /// A 14-digit transfer manifest number.
    pub manifest: String,
    /// A vehicle plate (spaces, dots and hyphens ignored, any case).
    pub plate: String,
    /// A carrier's credit code.
    pub carrier: String,
    /// A custody party's administrative division or its start (35, 3501, 350102).
    pub division: String,
    /// The state now (`stored`, `in_transit`, …).
    pub state: String,
    /// Active on or after this China-time day (YYYY-MM-DD).
    pub since: String,
    /// Active on or before this China-time day (YYYY-MM-DD).
    pub until: String,
}

/// What the audit screen offers to choose from.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AuditChoices {
    /// Every state a container may be in, with its name.
    pub states: Vec<AuditStateChoice>,
    /// What counts may be grouped by (`producer`, `province`, … `year`).
    pub groups: Vec<String>,
}

/// A state to search for.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AuditStateChoice {
    /// `stored`, `in_transit`, …
    pub state: String,
    /// Its name in the user's language.
    pub name: String,
}

/// One page of an audit search, by code.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AuditPageView {
    /// The containers found on it.
    pub containers: Vec<AuditRowView>,
    /// The `after` of the next page, when there is one.
    pub next: Option<String>,
}

/// A container the registry found.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AuditRowView {
    /// Its 37-character code.
    pub code: String,
    /// Its producer's credit code.
    pub producer: String,
    /// Its waste code.
    pub waste: String,
    /// Its waste category.
    pub category: String,
    /// Its state now (`in_transit`, …).
    pub state: String,
    /// That state in the user's language.
    pub state_name: String,
    /// The organisation holding it now (credit code).
    pub holder: String,
    /// The manifest it travels (or last travelled) under.
    pub manifest: Option<String>,
    /// When its first and its last event happened (UTC, RFC 3339).
    pub first_at: String,
    pub last_at: String,
}

/// Containers counted by group.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AuditCountsView {
    /// What they are grouped by.
    pub by: String,
    /// Each group with containers, by key.
    pub groups: Vec<AuditCountView>,
    /// Containers in all.
    pub total: u32,
}

/// One group of a count.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AuditCountView {
    /// The group's key (a credit code, a division, a category, a state, a day…).
    pub key: String,
    /// The key for people (a state's name; else the key).
    pub label: String,
    /// Containers in it.
    pub containers: u32,
}

/// A container's timeline from the registry's evidence bundle, verified on this device.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AuditTimelineView {
    /// The container.
    pub code: String,
    /// Whether the whole bundle verified.
    pub ok: bool,
    /// Who exported the bundle (the registry), and when (UTC, RFC 3339).
    pub exported_by: String,
    pub exported_at: String,
    /// Events in the bundle.
    pub events: u32,
    /// The container's steps in the bundle's order.
    pub steps: Vec<AuditStepView>,
    /// Everything in the bundle that fails, one line each.
    pub failures: Vec<String>,
}

/// One step of a timeline read from a bundle.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AuditStepView {
    /// The id the event claims.
    pub id: String,
    /// The step (`generated`, …), `null` when its body does not read.
    pub step: Option<String>,
    /// The step in the user's language (or that it does not read).
    pub step_name: String,
    /// When it happened (UTC, RFC 3339), when its body reads.
    pub at: Option<String>,
    /// The recording organisation's credit code and name.
    pub org: Option<String>,
    pub org_name: Option<String>,
    /// Whether nothing the verification found fails in it.
    pub verified: bool,
    /// What fails in it: `kind: sentence`.
    pub problems: Vec<String>,
}

impl AuditTimelineView {
    /// From a bundle's timeline, the names in `lang`.
    pub fn new(tl: yima_device::BundleTimeline, lang: yima_codes::Lang) -> AuditTimelineView {
        let unreadable = match lang {
            yima_codes::Lang::Zh => "无法读取的事件",
            yima_codes::Lang::En => "unreadable event",
        };
        AuditTimelineView {
            ok: tl.ok(),
            code: tl.code.to_string(),
            exported_by: tl.report.exported_by.clone(),
            exported_at: tl.report.exported_at.to_string(),
            events: u32::try_from(tl.report.events).unwrap_or(u32::MAX),
            failures: tl.report.failures.iter().map(ToString::to_string).collect(),
            steps: tl
                .steps
                .into_iter()
                .map(|s| AuditStepView {
                    id: s.id,
                    step: s.step.map(|st| st.as_str().to_string()),
                    step_name: s
                        .step
                        .map(|st| st.name(lang).to_string())
                        .unwrap_or_else(|| unreadable.to_string()),
                    at: s.at.map(|a| a.to_string()),
                    org: s.org.map(|o| o.to_string()),
                    org_name: s.org_name,
                    verified: s.verified,
                    problems: s
                        .problems
                        .into_iter()
                        .map(|(kind, detail)| format!("{kind}: {detail}"))
                        .collect(),
                })
                .collect(),
        }
    }
}

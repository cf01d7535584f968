//! A container's timeline as a person reads it: every step with its verification mark and,
//! where a step fails, what is wrong with it.

use crate::audit::VerifyResult;
use crate::error::DeviceError;
use crate::query::HistoryEntry;
use crate::{Clock, Device};
use serde::Serialize;
use yima_codes::LabelCode;

/// One step and what verification says of it.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineStep {
    /// The step as recorded.
    #[serde(flatten)]
    pub entry: HistoryEntry,
    /// Whether its signatures, id and chain link all check.
    pub verified: bool,
    /// What is wrong with it (failure kind and a sentence), empty when verified.
    pub problems: Vec<(String, String)>,
}

/// A container's whole timeline on this device, verified.
#[derive(Clone, Debug, Serialize)]
pub struct Timeline {
    /// The container.
    pub code: LabelCode,
    /// Its steps, oldest first.
    pub steps: Vec<TimelineStep>,
    /// The verification of its chain as a whole.
    pub verification: VerifyResult,
}

impl Timeline {
    /// Whether every step verified.
    pub fn ok(&self) -> bool {
        self.verification.ok
    }
}

impl<C: Clock> Device<C> {
    /// The timeline of `code`, each step marked with its verification.
    pub fn timeline(&mut self, code: &LabelCode) -> Result<Timeline, DeviceError> {
        let history = self.history(code)?;
        let verification = self.verify(Some(code))?;
        let steps = history
            .into_iter()
            .map(|entry| {
                let problems: Vec<(String, String)> = verification
                    .failures
                    .iter()
                    .filter(|f| f.event.to_string() == entry.id)
                    .map(|f| (f.kind.as_str().to_owned(), f.detail.clone()))
                    .collect();
                TimelineStep {
                    verified: problems.is_empty(),
                    problems,
                    entry,
                }
            })
            .collect();
        Ok(Timeline {
            code: code.clone(),
            steps,
            verification,
        })
    }
}

//! Weight difference at a custody change: a weighing by a holder other than the party that
//! measured (or declared) the quantity before it, beyond the tolerance of
//! [`Tolerances::discrepancy`] (the same rule a weighing states its discrepancy by).

use super::{Anomaly, AnomalyRule, Step};
use crate::event::EventKind;
use crate::weighing::Tolerances;
use yima_codes::{LabelCode, Lang};

/// Weighings whose recorder is not the organisation that measured the quantity before
/// (the last weighing's recorder, or the label's producer for the declared quantity) and
/// that differ from it beyond `tolerances`. A holder re-weighing its own waste is not a
/// custody change; a status not known (a chain that did not apply) is not judged.
pub(super) fn discrepancies(
    container: &LabelCode,
    steps: &[Step<'_>],
    tolerances: &Tolerances,
) -> Vec<Anomaly> {
    let mut out = Vec::new();
    for s in steps {
        let measured = match &s.event.body.event {
            EventKind::Weighing { measured, .. } | EventKind::Weighed { measured } => measured,
            _ => continue,
        };
        let Some(before) = &s.before else { continue };
        let previous_party = match &before.measured_by {
            Some(id) => match before.recorder_of(id) {
                Some(org) => org,
                None => continue,
            },
            None => &before.label.producer.credit_code,
        };
        if previous_party == &s.event.body.by.org {
            continue;
        }
        let expected = before.reference_quantity();
        let Some(d) = tolerances.discrepancy(&expected, measured) else {
            continue;
        };
        out.push(Anomaly {
            rule: AnomalyRule::WeightDiscrepancy,
            container: container.clone(),
            event: Some(s.event.id),
            since: s.event.body.at,
            due: None,
            en: d.describe(measured, Lang::En),
            zh: d.describe(measured, Lang::Zh),
        });
    }
    out
}

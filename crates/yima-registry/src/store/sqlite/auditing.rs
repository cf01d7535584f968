//! The audit's part of the SQLite store: each call on a connection of its own, the
//! SQL in `audit.rs`, `sightings.rs` and (the evaluator's batches) `judging.rs`.

use super::*;
use crate::store::AuditStore;

impl AuditStore for SqliteStore {
    async fn audit_search(
        &self,
        scope: crate::store::audit::AuditScope,
        criteria: crate::store::audit::Criteria,
        after: Option<String>,
        limit: u32,
    ) -> Result<yima_protocol::AuditPage, RegistryError> {
        self.run(move |c| audit::search(c, &scope, &criteria, after.as_deref(), limit))
            .await
    }

    async fn audit_counts(
        &self,
        scope: crate::store::audit::AuditScope,
        criteria: crate::store::audit::Criteria,
        by: yima_protocol::AuditGroup,
    ) -> Result<yima_protocol::AuditCounts, RegistryError> {
        self.run(move |c| audit::counts(c, &scope, &criteria, by))
            .await
    }

    async fn audit_in_scope(
        &self,
        scope: crate::store::audit::AuditScope,
        code: LabelCode,
    ) -> Result<bool, RegistryError> {
        self.run(move |c| audit::in_scope(c, &scope, &code)).await
    }

    async fn audit_anomalies(
        &self,
        scope: crate::store::audit::AuditScope,
        criteria: crate::store::audit::Criteria,
        rule: Option<String>,
        after: Option<String>,
        limit: u32,
    ) -> Result<yima_protocol::AuditAnomalyPage, RegistryError> {
        self.run(move |c| {
            audit::anomalies(
                c,
                &scope,
                &criteria,
                rule.as_deref(),
                after.as_deref(),
                limit,
            )
        })
        .await
    }

    async fn audit_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<(LabelCode, i64)>, RegistryError> {
        self.run(move |c| audit::due(c, now, limit)).await
    }

    async fn judge_inputs(
        &self,
        codes: Vec<LabelCode>,
    ) -> Result<Vec<crate::store::JudgeInputs>, RegistryError> {
        self.run(move |c| judging::judge_inputs(c, codes)).await
    }

    async fn put_anomalies(
        &self,
        judged: Vec<crate::store::Judged>,
        now: Timestamp,
    ) -> Result<Vec<LabelCode>, RegistryError> {
        self.run(move |c| judging::put_anomalies(c, &judged, now))
            .await
    }

    async fn put_sightings(
        &self,
        sightings: Vec<yima_core::Sighting>,
        now: Timestamp,
    ) -> Result<usize, RegistryError> {
        self.run(move |c| sightings::put_sightings(c, &sightings, now))
            .await
    }

    async fn sightings_of(
        &self,
        code: LabelCode,
    ) -> Result<Vec<yima_core::Sighting>, RegistryError> {
        self.run(move |c| sightings::sightings_of(c, &code)).await
    }

    async fn sighting_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<(LabelCode, i64)>, RegistryError> {
        self.run(move |c| sightings::due(c, now, limit)).await
    }

    async fn put_sighting_anomalies(
        &self,
        judged: Vec<crate::store::Judged>,
        now: Timestamp,
    ) -> Result<Vec<LabelCode>, RegistryError> {
        self.run(move |c| judging::put_sighting_anomalies(c, &judged, now))
            .await
    }
}

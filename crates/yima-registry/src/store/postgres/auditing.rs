//! The audit's part of the PostgreSQL store: each call on a connection of its own, the
//! SQL in `audit.rs`, `sightings.rs` and (the evaluator's batches) `judging.rs`.

use super::*;
use crate::store::AuditStore;

impl AuditStore for PostgresStore {
    async fn audit_search(
        &self,
        scope: crate::store::audit::AuditScope,
        criteria: crate::store::audit::Criteria,
        after: Option<String>,
        limit: u32,
    ) -> Result<yima_protocol::AuditPage, RegistryError> {
        let c = self.client().await?;
        audit::search(&c, &scope, &criteria, after.as_deref(), limit).await
    }

    async fn audit_counts(
        &self,
        scope: crate::store::audit::AuditScope,
        criteria: crate::store::audit::Criteria,
        by: yima_protocol::AuditGroup,
    ) -> Result<yima_protocol::AuditCounts, RegistryError> {
        let c = self.client().await?;
        audit::counts(&c, &scope, &criteria, by).await
    }

    async fn audit_in_scope(
        &self,
        scope: crate::store::audit::AuditScope,
        code: LabelCode,
    ) -> Result<bool, RegistryError> {
        let c = self.client().await?;
        audit::in_scope(&c, &scope, &code).await
    }

    async fn audit_anomalies(
        &self,
        scope: crate::store::audit::AuditScope,
        criteria: crate::store::audit::Criteria,
        rule: Option<String>,
        after: Option<String>,
        limit: u32,
    ) -> Result<yima_protocol::AuditAnomalyPage, RegistryError> {
        let c = self.client().await?;
        audit::anomalies(
            &c,
            &scope,
            &criteria,
            rule.as_deref(),
            after.as_deref(),
            limit,
        )
        .await
    }

    async fn audit_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<(LabelCode, i64)>, RegistryError> {
        let c = self.client().await?;
        audit::due(&c, now, limit).await
    }

    async fn judge_inputs(
        &self,
        codes: Vec<LabelCode>,
    ) -> Result<Vec<crate::store::JudgeInputs>, RegistryError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.batch_execute(KEYED_READS).await?;
        let inputs = judging::judge_inputs(&tx, codes).await?;
        tx.commit().await?;
        Ok(inputs)
    }

    async fn put_anomalies(
        &self,
        judged: Vec<crate::store::Judged>,
        now: Timestamp,
    ) -> Result<Vec<LabelCode>, RegistryError> {
        if judged.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let kept = judging::put_anomalies(&tx, &judged, now).await?;
        tx.commit().await?;
        Ok(kept)
    }

    async fn put_sightings(
        &self,
        sightings: Vec<yima_core::Sighting>,
        now: Timestamp,
    ) -> Result<usize, RegistryError> {
        let mut c = self.client().await?;
        sightings::put_sightings(&mut c, &sightings, now).await
    }

    async fn sightings_of(
        &self,
        code: LabelCode,
    ) -> Result<Vec<yima_core::Sighting>, RegistryError> {
        let c = self.client().await?;
        sightings::sightings_of(&c, &code).await
    }

    async fn sighting_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<(LabelCode, i64)>, RegistryError> {
        let c = self.client().await?;
        sightings::due(&c, now, limit).await
    }

    async fn put_sighting_anomalies(
        &self,
        judged: Vec<crate::store::Judged>,
        now: Timestamp,
    ) -> Result<Vec<LabelCode>, RegistryError> {
        if judged.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let kept = judging::put_sighting_anomalies(&tx, &judged, now).await?;
        tx.commit().await?;
        Ok(kept)
    }
}

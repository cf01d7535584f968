//! The audit API from the registry (`GET /v1/audit/containers`, `GET /v1/audit/counts`),
//! signed like every other call: a regulator's device searches its jurisdiction, any other
//! device its organisation's own custody.

use crate::client::Registry;
use crate::error::SyncError;
use yima_device::{Clock, Device};
use yima_protocol::{AuditAnomalyPage, AuditCounts, AuditFilter, AuditGroup, AuditPage};

/// `s` percent-encoded for a query string: every byte but the unreserved ones.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The query string of `filter` and `extra`, each pair given.
fn query(filter: &AuditFilter, extra: &[(&str, Option<String>)]) -> String {
    let text = |k: &'static str, v: &Option<String>| v.clone().map(|v| (k, v));
    let int = |k: &'static str, v: Option<i64>| v.map(|v| (k, v.to_string()));
    let pairs: Vec<(&str, String)> = [
        text("code", &filter.code),
        text("org", &filter.org),
        text("producer", &filter.producer),
        text("waste", &filter.waste),
        text("category", &filter.category),
        text("manifest", &filter.manifest),
        text("plate", &filter.plate),
        text("carrier", &filter.carrier),
        text("division", &filter.division),
        text("state", &filter.state),
        int("from", filter.from),
        int("to", filter.to),
    ]
    .into_iter()
    .flatten()
    .chain(extra.iter().filter_map(|(k, v)| v.clone().map(|v| (*k, v))))
    .collect();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Registry {
    /// One page of the containers the device's organisation may audit that meet `filter`,
    /// after the container `after` (a page's `next`), at most `limit` (1 to 500).
    /// `Refused` (bad input) for a malformed filter, naming it.
    pub async fn audit_search<C: Clock>(
        &self,
        device: &mut Device<C>,
        filter: &AuditFilter,
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<AuditPage, SyncError> {
        let q = query(
            filter,
            &[
                ("after", after.map(str::to_string)),
                ("limit", limit.map(|l| l.to_string())),
            ],
        );
        let path = format!("/v1/audit/containers?{q}");
        Self::decode(
            &self
                .call(device, "GET", path.trim_end_matches('?'), None)
                .await?,
        )
    }

    /// How many containers the device's organisation may audit meet `filter`, by `by`.
    pub async fn audit_counts<C: Clock>(
        &self,
        device: &mut Device<C>,
        filter: &AuditFilter,
        by: AuditGroup,
    ) -> Result<AuditCounts, SyncError> {
        let q = query(filter, &[("by", Some(by.as_str().to_string()))]);
        Self::decode(
            &self
                .call(device, "GET", &format!("/v1/audit/counts?{q}"), None)
                .await?,
        )
    }
}

impl Registry {
    /// One page of the anomalies the registry last found in the containers the device's
    /// organisation may audit that meet `filter` (of `rule` when given: `fork`,
    /// `receipt_overdue`, …), after `after` (a page's `next`), at most `limit` (1 to 500).
    pub async fn audit_anomalies<C: Clock>(
        &self,
        device: &mut Device<C>,
        filter: &AuditFilter,
        rule: Option<&str>,
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<AuditAnomalyPage, SyncError> {
        let q = query(
            filter,
            &[
                ("rule", rule.map(str::to_string)),
                ("after", after.map(str::to_string)),
                ("limit", limit.map(|l| l.to_string())),
            ],
        );
        let path = format!("/v1/audit/anomalies?{q}");
        Self::decode(
            &self
                .call(device, "GET", path.trim_end_matches('?'), None)
                .await?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_string_holds_every_filter_given_encoded() {
        let f = AuditFilter {
            plate: Some("闽A·D1234".into()),
            waste: Some("900-041-49".into()),
            from: Some(5),
            ..AuditFilter::default()
        };
        assert_eq!(
            query(&f, &[("after", None), ("limit", Some("2".into()))]),
            "waste=900-041-49&plate=%E9%97%BDA%C2%B7D1234&from=5&limit=2"
        );
        assert_eq!(query(&AuditFilter::default(), &[]), "");
        assert_eq!(encode("a b+c&d=e"), "a%20b%2Bc%26d%3De");
    }
}

//! Organisations on PostgreSQL: registering one (a regulator is given the containers of
//! its jurisdiction stored so far, in its feed) and reading one.

use super::{feed, text_error, PostgresStore, REGULATORS_LOCK};
use crate::error::{ErrorKind, RegistryError};
use crate::store::{parse_roles, roles_text, OrgRecord};
use yima_codes::CreditCode;
use yima_core::Timestamp;
use yima_protocol::NewOrg;

/// Registers `org` (see [`crate::store::RegistryStore::add_org`]).
pub(super) async fn add_org(
    store: &PostgresStore,
    org: NewOrg,
    now: Timestamp,
) -> Result<(), RegistryError> {
    let mut c = store.client().await?;
    let tx = c.transaction().await?;
    if org.jurisdiction.is_some() {
        // Waits for pushes that read the regulators to commit; later ones wait for this.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&REGULATORS_LOCK])
            .await?;
    }
    let n = tx
        .execute(
            "INSERT INTO orgs (credit_code, name, roles, jurisdiction, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (credit_code) DO NOTHING",
            &[&org.credit_code.as_str(), &org.name, &roles_text(&org.roles), &org.jurisdiction, &now.0],
        )
        .await
        .map_err(text_error)?;
    if n == 0 {
        return Err(RegistryError::new(
            ErrorKind::Conflict,
            format!("organisation {} is already registered", org.credit_code),
        ));
    }
    if let Some(j) = &org.jurisdiction {
        // A regulator registered after events arrived sees the containers of its
        // jurisdiction from their start, as one registered before them would, in
        // position order.
        let org = org.credit_code.as_str();
        tx.execute(
            "INSERT INTO container_parties (container, org)
             SELECT DISTINCT container, $1::text FROM event_links WHERE substr(container, 3, 6) LIKE $2 || '%'
             ON CONFLICT DO NOTHING",
            &[&org, j],
        )
        .await?;
        let mut events: Vec<(i64, String)> = tx
            .query(
                "SELECT DISTINCT seq, home FROM event_links WHERE substr(container, 3, 6) LIKE $1 || '%'",
                &[j],
            )
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        events.sort_unstable();
        let mut rows = feed::FeedRows::default();
        for (seq, home) in &events {
            rows.add(org, home, *seq);
        }
        feed::append(&tx, rows, true).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The organisation of `code`, if registered.
pub(super) async fn org(
    store: &PostgresStore,
    code: CreditCode,
) -> Result<Option<OrgRecord>, RegistryError> {
    let c = store.client().await?;
    let row = c
        .query_opt(
            "SELECT name, roles, jurisdiction FROM orgs WHERE credit_code = $1",
            &[&code.as_str()],
        )
        .await?;
    row.map(|r| {
        Ok(OrgRecord {
            credit_code: code.clone(),
            name: r.get(0),
            roles: parse_roles(r.get(1))?,
            jurisdiction: r.get(2),
        })
    })
    .transpose()
}

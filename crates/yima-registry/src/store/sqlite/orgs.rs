//! Organisations on SQLite: registering one (a regulator is given the containers of its
//! jurisdiction stored so far, in its feed) and reading one.

use crate::error::{ErrorKind, RegistryError};
use crate::store::{parse_roles, roles_text, OrgRecord};
use rusqlite::{params, Connection, OptionalExtension};
use yima_codes::CreditCode;
use yima_core::Timestamp;
use yima_protocol::NewOrg;

/// Registers `org` (see [`crate::store::RegistryStore::add_org`]).
pub(super) fn add_org(
    c: &mut Connection,
    org: NewOrg,
    now: Timestamp,
) -> Result<(), RegistryError> {
    let tx = c.transaction()?;
    let n = tx.execute(
        "INSERT OR IGNORE INTO orgs (credit_code, name, roles, jurisdiction, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![org.credit_code.as_str(), org.name, roles_text(&org.roles), org.jurisdiction, now.0],
    )?;
    if n == 0 {
        return Err(RegistryError::new(
            ErrorKind::Conflict,
            format!("organisation {} is already registered", org.credit_code),
        ));
    }
    if let Some(j) = &org.jurisdiction {
        // A regulator registered after events arrived sees the containers of its
        // jurisdiction from their start, as one registered before them would.
        let org = org.credit_code.as_str();
        tx.execute(
            "INSERT OR IGNORE INTO container_parties (container, org)
             SELECT DISTINCT container, ?1 FROM event_links WHERE substr(container, 3, 6) LIKE ?2 || '%'",
            params![org, j],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO feed (org, event_seq)
             SELECT ?1, e.seq FROM events e
             WHERE e.id IN (SELECT event_id FROM event_links WHERE substr(container, 3, 6) LIKE ?2 || '%')
             ORDER BY e.seq",
            params![org, j],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The organisation of `code`, if registered.
pub(super) fn org(c: &Connection, code: CreditCode) -> Result<Option<OrgRecord>, RegistryError> {
    let row = c
        .query_row(
            "SELECT name, roles, jurisdiction FROM orgs WHERE credit_code = ?1",
            [code.as_str()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            },
        )
        .optional()?;
    row.map(|(name, roles, jurisdiction)| {
        Ok(OrgRecord {
            credit_code: code.clone(),
            name,
            roles: parse_roles(&roles)?,
            jurisdiction,
        })
    })
    .transpose()
}

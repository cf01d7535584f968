//! The `known_keys` table: the keys this device trusts.

use crate::error::{corrupt, StoreError};
use crate::rows::{parse_col, roles_from_text, roles_to_text, KeySource, KnownKey, Tx};
use rusqlite::params;
use yima_core::Timestamp;

impl Tx<'_> {
    /// Adds a key unless it is already known (a known key keeps its first source).
    pub fn add_known_key(&self, k: &KnownKey, now: Timestamp) -> Result<bool, StoreError> {
        let n = self.tx.execute(
            "INSERT INTO known_keys (public_key, org, org_name, roles, source, revoked_at, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (public_key) DO NOTHING",
            params![
                k.key.to_string(),
                k.org.as_str(),
                k.org_name,
                roles_to_text(&k.roles),
                k.source.as_str(),
                k.revoked_at.map(|t| t.0),
                now.0
            ],
        )?;
        Ok(n == 1)
    }

    /// Every known key.
    pub fn known_keys(&self) -> Result<Vec<KnownKey>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT public_key, org, org_name, roles, source, revoked_at FROM known_keys ORDER BY added_at, public_key")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, org, org_name, roles, source, revoked) = row?;
            out.push(KnownKey {
                key: parse_col("public key", &key)?,
                org: parse_col("credit code", &org)?,
                org_name,
                roles: roles_from_text(&roles)?,
                source: KeySource::parse(&source)
                    .ok_or_else(|| corrupt(format!("unknown key source {source:?}")))?,
                revoked_at: revoked.map(Timestamp),
            });
        }
        Ok(out)
    }

    /// Records a key's revocation (as learned from the registry).
    pub fn set_key_revoked(
        &self,
        key: &yima_core::PublicKey,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE known_keys SET revoked_at = ?1 WHERE public_key = ?2 AND (revoked_at IS NULL OR revoked_at > ?1)",
            params![at.0, key.to_string()],
        )?;
        Ok(())
    }
}

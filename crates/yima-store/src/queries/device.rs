//! The `device` table: this device's identity (one row, never changed).

use crate::error::{corrupt, StoreError, StoreErrorKind};
use crate::rows::{parse_col, roles_from_text, roles_to_text, DeviceRow, Tx};
use rusqlite::{params, OptionalExtension};
use yima_codes::SequenceBlock;
use yima_core::{DeviceKey, Party, Timestamp};

impl Tx<'_> {
    /// This device's identity, if initialised.
    pub fn device(&self) -> Result<Option<DeviceRow>, StoreError> {
        let row = self
            .tx
            .query_row(
                "SELECT org_credit_code, org_name, org_roles, role, secret_key, seq_first, seq_last, created_at FROM device WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Vec<u8>>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, i64>(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((org, name, roles, role, secret, first, last, created)) = row else {
            return Ok(None);
        };
        let secret: [u8; 32] = secret
            .try_into()
            .map_err(|_| corrupt("device secret key is not 32 bytes"))?;
        // The block the registry gave this device, if any, else the one it was set up with.
        let assigned: Option<(i64, i64)> = self
            .tx
            .prepare_cached(
                "SELECT seq_first, seq_last FROM assigned_blocks ORDER BY pos DESC LIMIT 1",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (first, last) = assigned.unwrap_or((first, last));
        let block = SequenceBlock::new(first as u16, last as u16).map_err(corrupt)?;
        Ok(Some(DeviceRow {
            org: Party {
                credit_code: parse_col("credit code", &org)?,
                name,
            },
            org_roles: roles_from_text(&roles)?,
            role: parse_col("role", &role)?,
            key: DeviceKey::from_secret(&secret),
            seq_block: block,
            created_at: Timestamp(created),
        }))
    }

    /// Records the label sequence block the registry gave this device; it is used from now
    /// on instead of the one chosen at set-up.
    pub fn assign_block(&self, block: &SequenceBlock, now: Timestamp) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO assigned_blocks (seq_first, seq_last, assigned_at) VALUES (?1, ?2, ?3)",
            params![block.first(), block.last(), now.0],
        )?;
        Ok(())
    }

    /// Whether the registry has given this device a label sequence block.
    pub fn has_assigned_block(&self) -> Result<bool, StoreError> {
        Ok(self
            .tx
            .query_row("SELECT 1 FROM assigned_blocks LIMIT 1", [], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// This device's identity, or [`StoreErrorKind::NotInitialised`].
    pub fn require_device(&self) -> Result<DeviceRow, StoreError> {
        self.device()?.ok_or_else(|| {
            StoreError::new(
                StoreErrorKind::NotInitialised,
                "this data directory has no device identity yet: run `yima init`",
            )
        })
    }

    /// Stores the identity; fails with [`StoreErrorKind::AlreadyInitialised`] if one exists.
    pub fn insert_device(&self, d: &DeviceRow) -> Result<(), StoreError> {
        if self.device()?.is_some() {
            return Err(StoreError::new(
                StoreErrorKind::AlreadyInitialised,
                "this data directory already has a device identity",
            ));
        }
        self.tx.execute(
            "INSERT INTO device (id, org_credit_code, org_name, org_roles, role, secret_key, public_key, seq_first, seq_last, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                d.org.credit_code.as_str(),
                d.org.name,
                roles_to_text(&d.org_roles),
                d.role.as_str(),
                d.key.secret_bytes().to_vec(),
                d.key.public().to_string(),
                d.seq_block.first(),
                d.seq_block.last(),
                d.created_at.0,
            ],
        )?;
        Ok(())
    }
}

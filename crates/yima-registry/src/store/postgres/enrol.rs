//! Enrolment and label sequence blocks on PostgreSQL: an organisation's enrolments and block
//! gifts take turns on its row, so no two devices of it ever hold overlapping blocks.

use super::{device_in, PostgresStore};
use crate::error::{ErrorKind, RegistryError};
use yima_core::{PublicKey, Timestamp};
use yima_protocol::DeviceInfo;

/// Uses an enrolment code for `key` (see [`crate::store::RegistryStore::redeem_enrolment_with`]).
pub(super) async fn redeem(
    store: &PostgresStore,
    code_hash: String,
    key: PublicKey,
    own_block: Option<yima_codes::SequenceBlock>,
    now: Timestamp,
) -> Result<DeviceInfo, RegistryError> {
    let mut c = store.client().await?;
    let tx = c.transaction().await?;
    // FOR UPDATE: a second redemption of the same code waits, then finds it used.
    let row = tx
        .query_opt(
            "SELECT org, role, admin, expires_at, used_by FROM enrolment_codes WHERE code_hash = $1 FOR UPDATE",
            &[&code_hash],
        )
        .await?;
    let Some(row) = row else {
        return Err(RegistryError::new(
            ErrorKind::Unauthorized,
            "unknown enrolment code",
        ));
    };
    let (org, role, admin, expires, used_by): (String, String, bool, i64, Option<String>) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    if used_by.is_some() {
        return Err(RegistryError::new(
            ErrorKind::Conflict,
            "this enrolment code was already used",
        ));
    }
    if now.0 > expires {
        return Err(RegistryError::new(
            ErrorKind::Unauthorized,
            "this enrolment code has expired",
        ));
    }
    let already = || RegistryError::new(ErrorKind::Conflict, "this key is already enrolled");
    if device_in(&tx, &key).await?.is_some() {
        return Err(already());
    }
    tx.execute(
        "UPDATE enrolment_codes SET used_by = $1, used_at = $2 WHERE code_hash = $3",
        &[&key.to_string(), &now.0, &code_hash],
    )
    .await?;
    // Enrolments of one organisation take turns choosing a free block (its row locked).
    tx.execute(
        "SELECT 1 FROM orgs WHERE credit_code = $1 FOR UPDATE",
        &[&org],
    )
    .await?;
    let taken: Vec<String> = tx
        .query(
            "SELECT seq_block FROM devices WHERE org = $1 AND seq_block IS NOT NULL",
            &[&org],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let block = crate::store::block_for(&taken, own_block)?.map(|b| b.to_string());
    // The same key enrolling with two codes at once: the second finds the first here.
    let n = tx
        .execute(
            "INSERT INTO devices (public_key, org, role, admin, enrolled_at, seq_block) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (public_key) DO NOTHING",
            &[&key.to_string(), &org, &role, &admin, &now.0, &block],
        )
        .await?;
    if n == 0 {
        return Err(already());
    }
    let device = device_in(&tx, &key)
        .await?
        .ok_or_else(|| RegistryError::new(ErrorKind::Storage, "device vanished"))?;
    tx.commit().await?;
    Ok(device)
}

/// Gives `key` a block if it has none (see [`crate::store::RegistryStore::give_sequence_block`]).
pub(super) async fn give_block(
    store: &PostgresStore,
    key: PublicKey,
) -> Result<yima_protocol::SequenceBlockGiven, RegistryError> {
    let mut c = store.client().await?;
    let tx = c.transaction().await?;
    let device = device_in(&tx, &key)
        .await?
        .ok_or_else(|| crate::store::unknown_key(&key))?;
    // Takes its turn with the organisation's enrolments (its row locked, as there).
    tx.execute(
        "SELECT 1 FROM orgs WHERE credit_code = $1 FOR UPDATE",
        &[&device.org.as_str()],
    )
    .await?;
    // Read again under the lock: another gift may have given it one meanwhile.
    let device = device_in(&tx, &key)
        .await?
        .ok_or_else(|| crate::store::unknown_key(&key))?;
    let taken: Vec<String> = tx
        .query(
            "SELECT seq_block FROM devices WHERE org = $1 AND seq_block IS NOT NULL",
            &[&device.org.as_str()],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let given = crate::store::block_to_give(&device, &taken)?;
    if !given.already_had {
        tx.execute(
            "UPDATE devices SET seq_block = $1 WHERE public_key = $2 AND seq_block IS NULL",
            &[&given.seq_block.to_string(), &key.to_string()],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(given)
}

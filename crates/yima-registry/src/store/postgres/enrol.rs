//! Devices and their enrolment on PostgreSQL: enrolment codes, enrolling, the device rows
//! and who sees which, revocation, and label sequence blocks. An organisation's enrolments
//! and block gifts take turns on its row, so no two devices of it ever hold overlapping
//! blocks.

use super::PostgresStore;
use crate::error::{ErrorKind, RegistryError};
use crate::store::{parse, parse_roles};
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use yima_codes::CreditCode;
use yima_core::{PublicKey, Timestamp};
use yima_protocol::{DeviceInfo, NewEnrolmentCode};

/// Keeps an enrolment code, by its hash (see
/// [`crate::store::RegistryStore::add_enrolment_code`]).
pub(super) async fn add_enrolment_code(
    store: &PostgresStore,
    code_hash: String,
    req: NewEnrolmentCode,
    now: Timestamp,
    expires: Timestamp,
) -> Result<(), RegistryError> {
    let c = store.client().await?;
    c.execute(
        "INSERT INTO enrolment_codes (code_hash, org, role, admin, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&code_hash, &req.org.as_str(), &req.role.as_str(), &req.admin, &now.0, &expires.0],
    )
    .await?;
    Ok(())
}

/// The device of `key`, if enrolled.
pub(super) async fn device(
    store: &PostgresStore,
    key: PublicKey,
) -> Result<Option<DeviceInfo>, RegistryError> {
    let c = store.client().await?;
    device_in(&c, &key).await
}

/// The devices of `org`.
pub(super) async fn org_devices(
    store: &PostgresStore,
    org: CreditCode,
) -> Result<Vec<DeviceInfo>, RegistryError> {
    let c = store.client().await?;
    select_devices(&c, "WHERE d.org = $1", &[&org.as_str()]).await
}

/// Every device.
pub(super) async fn devices(store: &PostgresStore) -> Result<Vec<DeviceInfo>, RegistryError> {
    let c = store.client().await?;
    select_devices(&c, "", &[]).await
}

/// The devices whose keys `org` is given (see
/// [`crate::store::RegistryStore::devices_seen_by`]).
pub(super) async fn devices_seen_by(
    store: &PostgresStore,
    org: CreditCode,
) -> Result<Vec<DeviceInfo>, RegistryError> {
    let c = store.client().await?;
    select_devices(
        &c,
        "WHERE d.org = $1 OR ',' || o.roles || ',' LIKE '%,regulator,%'
         OR d.org IN (SELECT p2.org FROM container_parties p1
                      JOIN container_parties p2 ON p2.container = p1.container
                      WHERE p1.org = $1)",
        &[&org.as_str()],
    )
    .await
}

/// Revokes `key` at `at`: false when it was not enrolled or already revoked.
pub(super) async fn revoke(
    store: &PostgresStore,
    key: PublicKey,
    at: Timestamp,
) -> Result<bool, RegistryError> {
    let c = store.client().await?;
    let n = c
        .execute(
            "UPDATE devices SET revoked_at = $1 WHERE public_key = $2 AND revoked_at IS NULL",
            &[&at.0, &key.to_string()],
        )
        .await?;
    Ok(n == 1)
}

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

pub(super) const DEVICE_SELECT: &str =
    "SELECT d.public_key, d.org, o.name, d.role, d.admin, d.enrolled_at, d.revoked_at, o.roles, d.seq_block
     FROM devices d JOIN orgs o ON o.credit_code = d.org";

pub(super) fn to_device(r: &Row) -> Result<DeviceInfo, RegistryError> {
    Ok(DeviceInfo {
        key: parse("key", r.get(0))?,
        org: parse("credit code", r.get(1))?,
        org_name: r.get(2),
        org_roles: parse_roles(r.get(7))?,
        role: parse("role", r.get(3))?,
        admin: r.get(4),
        enrolled_at: Timestamp(r.get(5)),
        revoked_at: r.get::<_, Option<i64>>(6).map(Timestamp),
        seq_block: r
            .get::<_, Option<String>>(8)
            .map(|b| parse("sequence block", &b))
            .transpose()?,
    })
}

/// The devices `filter` (a WHERE clause, or nothing) selects, in enrolment order (COLLATE
/// "C": byte order, as SQLite sorts, whatever the database's collation).
async fn select_devices(
    c: &impl GenericClient,
    filter: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<Vec<DeviceInfo>, RegistryError> {
    let stmt = c
        .prepare_cached(&format!(
            "{DEVICE_SELECT} {filter} ORDER BY d.enrolled_at, d.public_key COLLATE \"C\""
        ))
        .await?;
    c.query(&stmt, params)
        .await?
        .iter()
        .map(to_device)
        .collect()
}

async fn device_in(
    c: &impl GenericClient,
    key: &PublicKey,
) -> Result<Option<DeviceInfo>, RegistryError> {
    let stmt = c
        .prepare_cached(&format!("{DEVICE_SELECT} WHERE d.public_key = $1"))
        .await?;
    c.query_opt(&stmt, &[&key.to_string()])
        .await?
        .as_ref()
        .map(to_device)
        .transpose()
}

//! Devices and their enrolment on SQLite: enrolment codes, enrolling, the device rows and
//! who sees which, revocation, and label sequence blocks (a write transaction excludes
//! other enrolments and gifts: the block taken is free).

use crate::error::{ErrorKind, RegistryError};
use crate::store::{parse, parse_roles, unknown_key};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use yima_codes::CreditCode;
use yima_core::{PublicKey, Timestamp};
use yima_protocol::{DeviceInfo, NewEnrolmentCode};

/// Keeps an enrolment code, by its hash (see
/// [`crate::store::RegistryStore::add_enrolment_code`]).
pub(super) fn add_enrolment_code(
    c: &Connection,
    code_hash: String,
    req: NewEnrolmentCode,
    now: Timestamp,
    expires: Timestamp,
) -> Result<(), RegistryError> {
    c.execute(
        "INSERT INTO enrolment_codes (code_hash, org, role, admin, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![code_hash, req.org.as_str(), req.role.as_str(), req.admin, now.0, expires.0],
    )?;
    Ok(())
}

/// Uses an enrolment code for `key` (see [`crate::store::RegistryStore::redeem_enrolment_with`]).
pub(super) fn redeem(
    c: &mut Connection,
    code_hash: String,
    key: PublicKey,
    own_block: Option<yima_codes::SequenceBlock>,
    now: Timestamp,
) -> Result<DeviceInfo, RegistryError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let row = tx
        .query_row(
            "SELECT org, role, admin, expires_at, used_by FROM enrolment_codes WHERE code_hash = ?1",
            [&code_hash],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?, r.get::<_, i64>(3)?, r.get::<_, Option<String>>(4)?)),
        )
        .optional()?;
    let Some((org, role, admin, expires, used_by)) = row else {
        return Err(RegistryError::new(
            ErrorKind::Unauthorized,
            "unknown enrolment code",
        ));
    };
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
    if device_in(&tx, &key)?.is_some() {
        return Err(RegistryError::new(
            ErrorKind::Conflict,
            "this key is already enrolled",
        ));
    }
    tx.execute(
        "UPDATE enrolment_codes SET used_by = ?1, used_at = ?2 WHERE code_hash = ?3",
        params![key.to_string(), now.0, code_hash],
    )?;
    // The write transaction excludes other enrolments: the block taken is free.
    let taken = tx
        .prepare_cached("SELECT seq_block FROM devices WHERE org = ?1 AND seq_block IS NOT NULL")?
        .query_map([&org], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let block = crate::store::block_for(&taken, own_block)?.map(|b| b.to_string());
    tx.execute(
        "INSERT INTO devices (public_key, org, role, admin, enrolled_at, seq_block) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![key.to_string(), org, role, admin, now.0, block],
    )?;
    let device = device_in(&tx, &key)?
        .ok_or_else(|| RegistryError::new(ErrorKind::Storage, "device vanished"))?;
    tx.commit()?;
    Ok(device)
}

/// The device of `key`, if enrolled.
pub(super) fn device(c: &Connection, key: PublicKey) -> Result<Option<DeviceInfo>, RegistryError> {
    device_in(c, &key)
}

/// The devices of `org`.
pub(super) fn org_devices(
    c: &Connection,
    org: CreditCode,
) -> Result<Vec<DeviceInfo>, RegistryError> {
    select_devices(c, "WHERE d.org = ?1", [org.as_str()])
}

/// Every device.
pub(super) fn devices(c: &Connection) -> Result<Vec<DeviceInfo>, RegistryError> {
    select_devices(c, "", [])
}

/// The devices whose keys `org` is given (see
/// [`crate::store::RegistryStore::devices_seen_by`]).
pub(super) fn devices_seen_by(
    c: &Connection,
    org: CreditCode,
) -> Result<Vec<DeviceInfo>, RegistryError> {
    select_devices(
        c,
        "WHERE d.org = ?1 OR ',' || o.roles || ',' LIKE '%,regulator,%'
         OR d.org IN (SELECT p2.org FROM container_parties p1
                      JOIN container_parties p2 ON p2.container = p1.container
                      WHERE p1.org = ?1)",
        [org.as_str()],
    )
}

/// Revokes `key` at `at`: false when it was not enrolled or already revoked.
pub(super) fn revoke(c: &Connection, key: PublicKey, at: Timestamp) -> Result<bool, RegistryError> {
    Ok(c.execute(
        "UPDATE devices SET revoked_at = ?1 WHERE public_key = ?2 AND revoked_at IS NULL",
        params![at.0, key.to_string()],
    )? == 1)
}

/// Gives `key` a block if it has none (see [`crate::store::RegistryStore::give_sequence_block`]).
pub(super) fn give_block(
    c: &mut Connection,
    key: PublicKey,
) -> Result<yima_protocol::SequenceBlockGiven, RegistryError> {
    // The write transaction excludes enrolments and other gifts: the block is free.
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let device = device_in(&tx, &key)?.ok_or_else(|| unknown_key(&key))?;
    let taken = tx
        .prepare_cached("SELECT seq_block FROM devices WHERE org = ?1 AND seq_block IS NOT NULL")?
        .query_map([device.org.as_str()], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let given = crate::store::block_to_give(&device, &taken)?;
    if !given.already_had {
        tx.execute(
            "UPDATE devices SET seq_block = ?1 WHERE public_key = ?2 AND seq_block IS NULL",
            params![given.seq_block.to_string(), key.to_string()],
        )?;
    }
    tx.commit()?;
    Ok(given)
}

/// The devices `filter` (a WHERE clause, or nothing) selects, in enrolment order.
fn select_devices(
    c: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<DeviceInfo>, RegistryError> {
    let mut stmt = c.prepare_cached(&format!(
        "{DEVICE_SELECT} {filter} ORDER BY d.enrolled_at, d.public_key"
    ))?;
    let rows = stmt
        .query_map(params, device_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(to_device).collect()
}

/// A device row: key, org, org name, role, admin, enrolled, revoked, org roles, block.
type DeviceRow = (
    String,
    String,
    String,
    String,
    bool,
    i64,
    Option<i64>,
    String,
    Option<String>,
);

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

const DEVICE_SELECT: &str =
    "SELECT d.public_key, d.org, o.name, d.role, d.admin, d.enrolled_at, d.revoked_at, o.roles, d.seq_block
     FROM devices d JOIN orgs o ON o.credit_code = d.org";

fn to_device(row: DeviceRow) -> Result<DeviceInfo, RegistryError> {
    let (key, org, org_name, role, admin, enrolled, revoked, roles, block) = row;
    Ok(DeviceInfo {
        key: parse("key", &key)?,
        org: parse("credit code", &org)?,
        org_name,
        org_roles: parse_roles(&roles)?,
        role: parse("role", &role)?,
        admin,
        enrolled_at: Timestamp(enrolled),
        revoked_at: revoked.map(Timestamp),
        seq_block: block
            .map(|b: String| parse("sequence block", &b))
            .transpose()?,
    })
}

pub(super) fn device_in(
    conn: &Connection,
    key: &PublicKey,
) -> Result<Option<DeviceInfo>, RegistryError> {
    let row = conn
        .prepare_cached(&format!("{DEVICE_SELECT} WHERE d.public_key = ?1"))?
        .query_row([key.to_string()], device_row)
        .optional()?;
    row.map(to_device).transpose()
}

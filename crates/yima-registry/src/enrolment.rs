//! Enrolment: the single-use codes an administrator issues (only their hash is kept) and the
//! route a new device redeems one at, binding its key to the code's organisation and role.

use crate::auth::{json, SignedOnce};
use crate::error::{ErrorKind, RegistryError};
use crate::store::RegistryStore;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use rand::Rng;
use yima_core::{Role, Timestamp};
use yima_protocol::{DeviceInfo, EnrolRequest, EnrolmentCode, ErrorBody, NewEnrolmentCode, NewOrg};

/// How long an enrolment code stays valid: 7 days.
pub const ENROLMENT_CODE_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

/// The SHA-256 (hex) under which an enrolment code is stored: the code itself is never kept.
pub fn code_hash(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    crate::checksum(&normalised)
}

/// A new random enrolment code: 20 characters of an unambiguous alphabet, in groups of 5.
pub fn new_code() -> String {
    const ALPHABET: &[u8] = yima_protocol::ENROLMENT_CODE_ALPHABET;
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Checks an organisation before it is registered (by the API or `admin add-org`): a name
/// without control characters, at least one role, and for a regulator a jurisdiction of 2
/// to 6 digits (a division code prefix) — an empty one would see every province.
pub fn check_org(org: &NewOrg) -> Result<(), RegistryError> {
    let bad = |m: &str| Err(RegistryError::new(ErrorKind::BadRequest, m));
    if org.name.trim().is_empty() || org.name.chars().any(char::is_control) {
        return bad("an organisation needs a name without control characters");
    }
    if org.roles.is_empty() {
        return bad("an organisation needs at least one role");
    }
    match (&org.jurisdiction, org.roles.contains(&Role::Regulator)) {
        (Some(j), true) if (2..=6).contains(&j.len()) && j.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(())
        }
        (Some(_), true) => bad(
            "a jurisdiction is 2 to 6 digits of the administrative division code (e.g. 35, 3501)",
        ),
        (None, true) => bad("a regulator needs a jurisdiction (e.g. 35 for Fujian)"),
        (Some(_), false) => bad("only a regulator has a jurisdiction"),
        (None, false) => Ok(()),
    }
}

/// Issues an enrolment code through the store (used by the API and by `admin enrol-code`).
pub async fn issue_enrolment_code<S: RegistryStore>(
    store: &S,
    req: NewEnrolmentCode,
    now: Timestamp,
) -> Result<EnrolmentCode, RegistryError> {
    let org = store.org(req.org.clone()).await?.ok_or_else(|| {
        RegistryError::new(
            ErrorKind::NotFound,
            format!("organisation {} is not registered", req.org),
        )
    })?;
    if !org.roles.contains(&req.role) {
        return Err(RegistryError::new(
            ErrorKind::BadRequest,
            format!("{} is not registered as a {}", org.credit_code, req.role),
        ));
    }
    let code = new_code();
    let expires_at = Timestamp(now.0 + ENROLMENT_CODE_TTL_MS);
    store
        .add_enrolment_code(code_hash(&code), req, now, expires_at)
        .await?;
    Ok(EnrolmentCode { code, expires_at })
}

/// Enrol the signing key with a single-use enrolment code (signed by the new key)
#[utoipa::path(
    post,
    path = "/v1/enrol",
    request_body = EnrolRequest,
    responses(
        (status = 200, description = "enrolled, with the device's block of label sequences", body = DeviceInfo),
        (status = 401, description = "unknown or expired code, bad signature", body = ErrorBody),
        (status = 409, description = "code already used, key already enrolled, or the device's own block overlaps another device's of its organisation", body = ErrorBody),
        (status = 429, description = "too many enrolment attempts from this address", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    )
)]
pub(crate) async fn enrol<S: RegistryStore>(
    State(st): State<AppState<S>>,
    SignedOnce(signed): SignedOnce,
) -> Result<Json<DeviceInfo>, RegistryError> {
    let req: EnrolRequest = json(&signed.body)?;
    let device = st
        .store
        .redeem_enrolment_with(
            code_hash(&req.code),
            signed.auth.key,
            req.seq_block,
            (st.clock)(),
        )
        .await?;
    Ok(Json(device))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(name: &str, roles: Vec<Role>, jurisdiction: Option<&str>) -> NewOrg {
        NewOrg {
            credit_code: yima_codes::CreditCode::with_check("11350000MB0000001").unwrap(),
            name: name.into(),
            roles,
            jurisdiction: jurisdiction.map(str::to_string),
        }
    }

    #[test]
    fn organisations_are_checked_before_registration() {
        assert!(check_org(&org("福建省生态环境厅", vec![Role::Regulator], Some("35"))).is_ok());
        assert!(check_org(&org("示例化工", vec![Role::Producer], None)).is_ok());
        // An empty jurisdiction would see every province.
        assert!(check_org(&org("厅", vec![Role::Regulator], Some(""))).is_err());
        assert!(check_org(&org("厅", vec![Role::Regulator], Some("3x"))).is_err());
        assert!(check_org(&org("厅", vec![Role::Regulator], None)).is_err());
        assert!(check_org(&org("化工", vec![Role::Producer], Some("35"))).is_err());
        assert!(check_org(&org(" ", vec![Role::Producer], None)).is_err());
        assert!(check_org(&org("a\0b", vec![Role::Producer], None)).is_err());
        assert!(check_org(&org("化工", vec![], None)).is_err());
    }

    #[test]
    fn enrolment_codes_are_unambiguous_and_hashed_loosely() {
        let code = new_code();
        assert_eq!(code.len(), 23);
        assert!(!code.contains(['0', '1', 'I', 'O']));
        // What an enrolment QR code carries.
        assert!(yima_protocol::enrolment_code_well_formed(&code));
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_lowercase().replace('-', " "))
        );
    }
}

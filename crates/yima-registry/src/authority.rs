//! Who may administer an organisation (issue its enrolment codes, revoke its keys): its own
//! admin device, or a regulator's admin device whose jurisdiction covers it — for another
//! regulator organisation only one strictly below it.

use crate::store::OrgRecord;
use yima_core::Role;
use yima_protocol::DeviceInfo;

/// The administrative division (the third to eighth characters) of a credit code.
fn division(org: &OrgRecord) -> &str {
    org.credit_code.as_str().get(2..8).unwrap_or("")
}

/// Whether `device` (of organisation `own`) may administer organisation `target`.
pub fn may_administer(device: &DeviceInfo, own: &OrgRecord, target: &OrgRecord) -> bool {
    if !device.admin {
        return false;
    }
    if device.org == target.credit_code {
        return true;
    }
    if device.role != Role::Regulator {
        return false;
    }
    let Some(mine) = own.jurisdiction.as_deref().filter(|j| !j.is_empty()) else {
        return false;
    };
    if target.roles.contains(&Role::Regulator) {
        // Another regulator only strictly below this one.
        return target
            .jurisdiction
            .as_deref()
            .is_some_and(|j| j.len() > mine.len() && j.starts_with(mine));
    }
    division(target).starts_with(mine)
}

/// Whether a regulator admin of `own` may register `new`: a regulator strictly below it, or
/// another organisation within its jurisdiction.
pub fn may_register(device: &DeviceInfo, own: &OrgRecord, new: &OrgRecord) -> bool {
    new.credit_code != own.credit_code && may_administer(device, own, new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yima_codes::CreditCode;
    use yima_core::{DeviceKey, Timestamp};

    fn org(first17: &str, role: Role, jur: Option<&str>) -> OrgRecord {
        OrgRecord {
            credit_code: CreditCode::with_check(first17).unwrap(),
            name: "x".into(),
            roles: vec![role],
            jurisdiction: jur.map(str::to_string),
        }
    }

    fn admin_of(o: &OrgRecord, role: Role) -> DeviceInfo {
        DeviceInfo {
            key: DeviceKey::from_secret(&[7; 32]).public(),
            org: o.credit_code.clone(),
            org_name: o.name.clone(),
            org_roles: o.roles.clone(),
            role,
            admin: true,
            enrolled_at: Timestamp(0),
            revoked_at: None,
            seq_block: None,
        }
    }

    #[test]
    fn a_city_regulator_administers_neither_its_province_nor_a_sibling_city() {
        let province = org("11350000MB0000001", Role::Regulator, Some("35"));
        let fuzhou = org("11350100MB0000006", Role::Regulator, Some("3501"));
        let xiamen = org("11350200MB0000007", Role::Regulator, Some("3502"));
        let xiamen_producer = org("91350200MA3ABC8Q2", Role::Producer, None);
        let fuzhou_producer = org("91350100M000100Y4", Role::Producer, None);
        let d = admin_of(&fuzhou, Role::Regulator);
        assert!(!may_administer(&d, &fuzhou, &province));
        assert!(!may_administer(&d, &fuzhou, &xiamen));
        assert!(!may_administer(&d, &fuzhou, &xiamen_producer));
        assert!(may_administer(&d, &fuzhou, &fuzhou_producer));
        assert!(may_administer(&d, &fuzhou, &fuzhou));
        assert!(!may_register(&d, &fuzhou, &fuzhou));
        // The province administers both cities and their producers.
        let p = admin_of(&province, Role::Regulator);
        for o in [&fuzhou, &xiamen, &xiamen_producer, &fuzhou_producer] {
            assert!(may_administer(&p, &province, o));
        }
        // Not an admin: nothing.
        let plain = DeviceInfo {
            admin: false,
            ..p.clone()
        };
        assert!(!may_administer(&plain, &province, &province));
    }
}

//! Authority over the API follows jurisdiction and organisation: each attack of issue 12
//! (findings 1 and 4) performed by a real signed request, refused, and nothing stored.

use crate::harness::*;
use crate::on_both_backends;
use yima_codes::CreditCode;
use yima_core::{DeviceKey, Role};
use yima_protocol::{sign_request, NewOrg, RevocationOutcome};

pub(crate) struct Raw {
    pub status: u16,
    pub body: String,
}

pub(crate) async fn post<S: Backend>(
    reg: &TestRegistry<S>,
    key: &DeviceKey,
    path: &str,
    body: serde_json::Value,
    expect: u16,
) -> Raw {
    let body = serde_json::to_vec(&body).unwrap();
    let nonce = format!("{:032x}", rand::random::<u128>());
    let auth = sign_request(key, "POST", path, now().0, &nonce, &body);
    let mut r = reqwest::Client::new()
        .post(format!("{}{path}", reg.url()))
        .body(body);
    for (k, v) in auth.headers().to_vec() {
        r = r.header(k, v);
    }
    let resp = r.send().await.unwrap();
    let raw = Raw {
        status: resp.status().as_u16(),
        body: resp.text().await.unwrap(),
    };
    assert_eq!(raw.status, expect, "POST {path}: {}", raw.body);
    raw
}

/// When the registry has `key` revoked from, if it is.
async fn revoked_at<S: Backend>(
    reg: &TestRegistry<S>,
    key: yima_core::PublicKey,
) -> Option<yima_core::Timestamp> {
    let device = reg.state.store.device(key).await.unwrap();
    device.expect("a device the registry knows").revoked_at
}

/// A device of `org` in `role`, enrolled through the API; its key kept for raw requests.
pub(crate) async fn enrolled<S: Backend>(
    reg: &TestRegistry<S>,
    org: &CreditCode,
    role: Role,
    admin: bool,
) -> DeviceKey {
    let key = DeviceKey::from_secret(&rand::random());
    let code = reg.code(org, role, admin).await;
    post(
        reg,
        &key,
        "/v1/enrol",
        serde_json::json!({ "code": code }),
        200,
    )
    .await;
    key
}

/// Guangdong (44): its regulator and a producer in Guangzhou.
pub(crate) fn gd_regulator() -> CreditCode {
    credit("11440000MB0000002")
}
fn gd_producer() -> CreditCode {
    credit("91440100MA5ABCD01")
}

pub(crate) async fn add_org<S: Backend>(
    reg: &TestRegistry<S>,
    code: CreditCode,
    role: Role,
    jur: Option<&str>,
) {
    reg.state
        .store
        .add_org(
            NewOrg {
                credit_code: code,
                name: "广东示例".into(),
                roles: vec![role],
                jurisdiction: jur.map(str::to_string),
            },
            now(),
        )
        .await
        .unwrap();
}

async fn device_count<S: Backend>(reg: &TestRegistry<S>) -> usize {
    reg.state.store.devices().await.unwrap().len()
}

async fn a_regulator_admin_acts_only_within_its_jurisdiction<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    add_org(&reg, gd_regulator(), Role::Regulator, Some("44")).await;
    add_org(&reg, gd_producer(), Role::Producer, None).await;
    let fj_admin = enrolled(&reg, &regulator_code(), Role::Regulator, true).await;
    let gd_device = enrolled(&reg, &gd_producer(), Role::Producer, false).await;
    let fj_device = enrolled(&reg, &producer_code(), Role::Producer, false).await;
    let devices = device_count(&reg).await;

    // Enrolment codes for another province's regulator or producer: refused.
    for (org, role, admin) in [
        (gd_regulator(), "regulator", true),
        (gd_producer(), "producer", true),
        (gd_producer(), "producer", false),
    ] {
        let r = post(
            &reg,
            &fj_admin,
            "/v1/enrolment-codes",
            serde_json::json!({ "org": org, "role": role, "admin": admin }),
            403,
        )
        .await;
        assert!(r.body.contains("forbidden"), "{}", r.body);
    }
    // A regulator with another province's, the same, or another province's city's
    // jurisdiction (none is wider than a province): refused, nothing stored.
    for (first17, jur) in [
        ("11440000MB0000003", "44"),
        ("11350000MB0000004", "35"),
        ("11440100MB0000005", "4401"),
    ] {
        let code = credit(first17);
        post(
            &reg,
            &fj_admin,
            "/v1/orgs",
            serde_json::json!({ "credit_code": code, "name": "冒名", "roles": ["regulator"], "jurisdiction": jur }),
            403,
        )
        .await;
        assert!(reg.state.store.org(code).await.unwrap().is_none());
    }
    // A producer outside its area: refused.
    let outside = credit("91440300MA5ABCD09");
    post(
        &reg,
        &fj_admin,
        "/v1/orgs",
        serde_json::json!({ "credit_code": outside, "name": "深圳", "roles": ["producer"] }),
        403,
    )
    .await;
    assert!(reg.state.store.org(outside).await.unwrap().is_none());
    // Another province's device: not revoked.
    post(
        &reg,
        &fj_admin,
        "/v1/revocations",
        serde_json::json!({ "key": gd_device.public() }),
        403,
    )
    .await;
    assert_eq!(revoked_at(&reg, gd_device.public()).await, None);
    assert_eq!(device_count(&reg).await, devices);

    // Within its jurisdiction it still acts: a city regulator below it, a producer in it,
    // a code for that producer, a revocation of a device of its province.
    let fuzhou = credit("11350100MB0000006");
    post(&reg, &fj_admin, "/v1/orgs", serde_json::json!({ "credit_code": fuzhou, "name": "福州市生态环境局", "roles": ["regulator"], "jurisdiction": "3501" }), 201).await;
    post(
        &reg,
        &fj_admin,
        "/v1/enrolment-codes",
        serde_json::json!({ "org": fuzhou, "role": "regulator", "admin": true }),
        200,
    )
    .await;
    post(
        &reg,
        &fj_admin,
        "/v1/revocations",
        serde_json::json!({ "key": fj_device.public() }),
        200,
    )
    .await;
}
on_both_backends!(a_regulator_admin_acts_only_within_its_jurisdiction);

async fn an_org_admin_acts_only_inside_its_org<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let admin = enrolled(&reg, &producer_code(), Role::Producer, true).await;
    let carrier = enrolled(&reg, &carrier_code(), Role::Carrier, false).await;
    post(
        &reg,
        &admin,
        "/v1/enrolment-codes",
        serde_json::json!({ "org": carrier_code(), "role": "carrier", "admin": true }),
        403,
    )
    .await;
    post(
        &reg,
        &admin,
        "/v1/revocations",
        serde_json::json!({ "key": carrier.public() }),
        403,
    )
    .await;
    assert_eq!(revoked_at(&reg, carrier.public()).await, None);
    post(&reg, &admin, "/v1/orgs", serde_json::json!({ "credit_code": credit("91350100MA2XY8099"), "name": "x", "roles": ["carrier"] }), 403).await;
    // Its own organisation: allowed.
    post(
        &reg,
        &admin,
        "/v1/enrolment-codes",
        serde_json::json!({ "org": producer_code(), "role": "producer", "admin": false }),
        200,
    )
    .await;
}
on_both_backends!(an_org_admin_acts_only_inside_its_org);

async fn a_revocation_takes_the_receipt_time_and_a_second_one_says_so<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let admin = enrolled(&reg, &producer_code(), Role::Producer, true).await;
    let target = enrolled(&reg, &producer_code(), Role::Producer, false).await;
    // "From year 9999", or any time of the caller's choosing: refused, nothing stored.
    for at in [253_402_300_799_000_i64, now().0 - 3_600_000] {
        post(
            &reg,
            &admin,
            "/v1/revocations",
            serde_json::json!({ "key": target.public(), "at": at }),
            403,
        )
        .await;
        assert_eq!(revoked_at(&reg, target.public()).await, None);
    }
    let before = now();
    let r = post(
        &reg,
        &admin,
        "/v1/revocations",
        serde_json::json!({ "key": target.public() }),
        200,
    )
    .await;
    let after = now();
    let first: RevocationOutcome = serde_json::from_str(&r.body).unwrap();
    assert!(!first.already_revoked);
    assert!(before <= first.revoked_at && first.revoked_at <= after);
    assert_eq!(
        revoked_at(&reg, target.public()).await,
        Some(first.revoked_at)
    );
    // Again: the truth, not a change.
    let r = post(
        &reg,
        &admin,
        "/v1/revocations",
        serde_json::json!({ "key": target.public() }),
        200,
    )
    .await;
    let second: RevocationOutcome = serde_json::from_str(&r.body).unwrap();
    assert!(second.already_revoked);
    assert_eq!(second.revoked_at, first.revoked_at);
}
on_both_backends!(a_revocation_takes_the_receipt_time_and_a_second_one_says_so);

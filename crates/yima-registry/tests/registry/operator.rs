//! The operator (经办人) signed in an event, over HTTP on a free loopback port: the registry
//! refuses a pushed event whose operator is not one plain line of a name, storing nothing,
//! and an operator a device signed reaches another device of the organisation through
//! sync, which shows it in its history and ledger. On both backends.

use crate::common::{credit, device_store, drum};
use yima_core::{EventBody, EventKind, Link, Role, SignedEvent, Timestamp};
use yima_device::{Action, ActionRequest, Clock, Device, InitRequest, LedgerStage, SystemClock};
use yima_protocol::{
    sign_request, NewEnrolmentCode, NewOrg, PushOutcome, PushRequest, PushResponse, RefusalKind,
    WireEvent,
};
use yima_registry::testing::PgDb;
use yima_registry::{issue_enrolment_code, AppState, PostgresStore, RegistryStore, SqliteStore};
use yima_sync::{Registry, SyncOptions};

const PRODUCER: &str = "91350100M000100Y4";
const NAME: &str = "福州示例化工有限公司";

/// Serves `store` on a free loopback port with the producer registered; returns its URL.
async fn serve<S: RegistryStore>(store: S) -> (String, AppState<S>) {
    let state = AppState::new(store);
    state
        .store
        .add_org(
            NewOrg {
                credit_code: credit(PRODUCER),
                name: NAME.into(),
                roles: vec![Role::Producer],
                jurisdiction: None,
            },
            SystemClock.now(),
        )
        .await
        .expect("add the producer");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    tokio::spawn(yima_registry::serve_plain(listener, state.clone()));
    (url, state)
}

/// A producer device in `dir`, enrolled with the registry at `url`.
async fn producer<S: RegistryStore>(
    dir: &std::path::Path,
    url: &str,
    state: &AppState<S>,
) -> Device<SystemClock> {
    let req = InitRequest::new(Role::Producer, NAME, credit(PRODUCER).as_str());
    let mut dev = Device::init(dir, &req, SystemClock).expect("init");
    let code = issue_enrolment_code(
        state.store.as_ref(),
        NewEnrolmentCode {
            org: credit(PRODUCER),
            role: Role::Producer,
            admin: false,
        },
        SystemClock.now(),
    )
    .await
    .expect("an enrolment code")
    .code;
    client(url)
        .enrol(&mut dev, &code)
        .await
        .expect("enrol the device");
    dev
}

fn client(url: &str) -> Registry {
    Registry::new(url, SyncOptions::default()).expect("a client")
}

/// Pushes `events` as the device with `key` would, through `POST /v1/events`.
async fn post_events(
    url: &str,
    key: &yima_core::DeviceKey,
    events: &[SignedEvent],
) -> PushResponse {
    let body = serde_json::to_vec(&PushRequest {
        events: events.iter().map(WireEvent::of).collect(),
        tracks: Vec::new(),
    })
    .expect("a push body");
    let nonce = format!("{:032x}", rand::random::<u128>());
    let auth = sign_request(
        key,
        "POST",
        "/v1/events",
        SystemClock.now().0,
        &nonce,
        &body,
    );
    let mut request = reqwest::Client::new()
        .post(format!("{url}/v1/events"))
        .body(body);
    for (name, value) in auth.headers().iter() {
        request = request.header(*name, value);
    }
    let response = request.send().await.expect("the registry answers");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("a push response")
}

async fn operator_is_signed_checked_and_synced<S: RegistryStore>(store: S) {
    let (url, state) = serve(store).await;
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut first = producer(d1.path(), &url, &state).await;
    // Registered before an operator is set: the body names none.
    let code = first.register(&drum("20")).expect("register").code;
    first.set_operator("张敏").expect("set the operator");
    let stored = first
        .record(&ActionRequest {
            codes: vec![code.clone()],
            action: Action::Store {
                facility_code: "WS-01".into(),
            },
            at: None,
            location: None,
        })
        .expect("store");
    assert_eq!(stored.body.operator.as_deref(), Some("张敏"));
    client(&url)
        .sync(&mut first, &mut |_| {})
        .await
        .expect("sync the first device");
    let held = state.store.event_count().await.expect("count");
    assert_eq!(held, 2);

    // Events no device of Yima would sign: an empty, a blank, an oversized and a
    // two-line operator. Each refused as malformed, none stored.
    let key = device_store(d1.path()).1;
    let bad_names = [
        String::new(),
        "  ".into(),
        "张".repeat(yima_core::MAX_OPERATOR + 1),
        "张\n敏".into(),
    ];
    for (seq, bad) in (stored.body.seq + 1..).zip(bad_names) {
        let body = EventBody {
            at: Timestamp(stored.body.at.0 + 1),
            event: EventKind::Void {
                quantity: None,
                reason: "标错".into(),
            },
            links: vec![Link {
                container: code.clone(),
                prev: Some(stored.id),
            }],
            operator: Some(bad.clone()),
            seq,
            ..stored.body.clone()
        };
        let event = SignedEvent::seal(body, &key);
        let response = post_events(&url, &key, std::slice::from_ref(&event)).await;
        let result = &response.results[0];
        assert_eq!(result.id, event.id);
        assert_eq!(result.outcome, PushOutcome::Refused, "{bad:?}: {result:?}");
        assert_eq!(result.refusal, Some(RefusalKind::Malformed), "{result:?}");
        let reason = result.reason.as_deref().unwrap_or_default();
        assert!(reason.contains("operator"), "{bad:?}: {reason}");
        assert_eq!(state.store.event_count().await.expect("count"), held);
    }

    // A second device of the producer learns the events through the registry: the
    // operator signed in the store event, not its own, is in its history and ledger.
    let mut second = producer(d2.path(), &url, &state).await;
    second.set_operator("李娜").expect("set the operator");
    client(&url)
        .sync(&mut second, &mut |_| {})
        .await
        .expect("sync the second device");
    let history = second.history(&code).expect("the container's history");
    let operators: Vec<Option<&str>> = history.iter().map(|h| h.operator.as_deref()).collect();
    assert_eq!(operators, [None, Some("张敏")]);
    let rows = second.ledger().expect("the ledger");
    let handler = |stage: LedgerStage| {
        rows.iter()
            .find(|r| r.stage == stage && r.container_code == code.as_str())
            .map(|r| r.handler.clone())
            .expect("a row")
    };
    assert_eq!(
        handler(LedgerStage::Generation),
        "王磊",
        "the label's contact"
    );
    assert_eq!(handler(LedgerStage::IntoStore), "张敏");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_refuses_a_bad_operator_and_syncs_a_signed_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    operator_is_signed_checked_and_synced(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_refuses_a_bad_operator_and_syncs_a_signed_one() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    operator_is_signed_checked_and_synced(store).await;
}

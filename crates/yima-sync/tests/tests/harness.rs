//! A registry on 127.0.0.1:0 over a temporary SQLite file, and enrolled devices.

use std::net::SocketAddr;
use std::time::Duration;
use tempfile::TempDir;
use yima_codes::{CreditCode, LabelCode, ManifestNumber};
use yima_core::{Party, Role, Timestamp, TransferManifest, TreatmentMode};
use yima_device::{Device, HandoverStep, InitRequest, NewContainer, SystemClock};
use yima_protocol::{NewEnrolmentCode, NewOrg};
use yima_registry::testing::PgDb;
use yima_registry::{
    issue_enrolment_code, AppState, PostgresStore, RegistryStore, ServeOptions, SqliteStore,
};
use yima_sync::{Registry, SyncOptions, SyncReport};

pub type Dev = Device<SystemClock>;

pub fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

pub fn credit(first17: &str) -> CreditCode {
    CreditCode::with_check(first17).unwrap()
}

pub fn producer_code() -> CreditCode {
    credit("91350100M000100Y4")
}
pub fn carrier_code() -> CreditCode {
    credit("91350100MA2XY8001")
}
pub fn receiver_code() -> CreditCode {
    credit("91350200MA3ABC8Q2")
}
pub fn regulator_code() -> CreditCode {
    credit("11350000MB0000001")
}

/// Where a test registry keeps its data.
pub enum Env {
    /// An SQLite file in a temporary directory.
    Sqlite(TempDir),
    /// A fresh PostgreSQL database.
    Postgres(PgDb),
}

/// A storage backend the tests run against.
pub trait Backend: RegistryStore + Sized {
    /// Fresh storage.
    fn env() -> impl std::future::Future<Output = Env> + Send;
    /// Opens the storage (again, after a restart).
    fn open(env: &Env) -> impl std::future::Future<Output = Self> + Send;
}

impl Backend for SqliteStore {
    async fn env() -> Env {
        Env::Sqlite(tempfile::tempdir().unwrap())
    }
    async fn open(env: &Env) -> SqliteStore {
        let Env::Sqlite(dir) = env else {
            unreachable!()
        };
        SqliteStore::open(&dir.path().join("registry.db")).unwrap()
    }
}

impl Backend for PostgresStore {
    async fn env() -> Env {
        Env::Postgres(PgDb::create().await)
    }
    async fn open(env: &Env) -> PostgresStore {
        let Env::Postgres(db) = env else {
            unreachable!()
        };
        PostgresStore::connect(&db.url).await.unwrap()
    }
}

/// Runs one SQL statement on the registry's own database, behind its back (for a state
/// only an older registry could have left).
pub async fn run_sql<S: Backend>(reg: &TestRegistry<S>, sql: &str) {
    match reg.env.as_ref() {
        Env::Sqlite(dir) => {
            let c = rusqlite::Connection::open(dir.path().join("registry.db")).unwrap();
            c.execute_batch(sql).unwrap();
        }
        Env::Postgres(db) => {
            let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client.batch_execute(sql).await.unwrap();
        }
    }
}

/// Runs an async test body against both backends.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name::<yima_registry::SqliteStore>().await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name::<yima_registry::PostgresStore>().await
            }
        }
    };
}

/// A running registry.
pub struct TestRegistry<S: Backend> {
    pub env: std::sync::Arc<Env>,
    pub addr: SocketAddr,
    pub state: AppState<S>,
    pub task: tokio::task::JoinHandle<()>,
    /// Ends the server's accept loop (a graceful shutdown) when sent (not when dropped).
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl<S: Backend> TestRegistry<S> {
    /// Starts a registry with the four standard organisations.
    pub async fn start() -> TestRegistry<S> {
        TestRegistry::start_with(|r| r).await
    }

    /// Like [`TestRegistry::start`], with the router passed through `wrap`.
    pub async fn start_with(wrap: impl FnOnce(axum::Router) -> axum::Router) -> TestRegistry<S> {
        let env = std::sync::Arc::new(S::env().await);
        let reg = TestRegistry::<S>::start_in(env, None, wrap).await;
        reg.add_standard_orgs().await;
        reg
    }

    /// Registers the producer, carrier, receiver and Fujian regulator.
    pub async fn add_standard_orgs(&self) {
        let reg = self;
        for (code, name, role, jur) in [
            (
                producer_code(),
                "福州示例化工有限公司",
                Role::Producer,
                None,
            ),
            (
                carrier_code(),
                "闽运危险货物运输有限公司",
                Role::Carrier,
                None,
            ),
            (
                receiver_code(),
                "厦门绿源环保处置有限公司",
                Role::Receiver,
                None,
            ),
            (
                regulator_code(),
                "福建省生态环境厅",
                Role::Regulator,
                Some("35".to_string()),
            ),
        ] {
            reg.state
                .store
                .add_org(
                    NewOrg {
                        credit_code: code,
                        name: name.into(),
                        roles: vec![role],
                        jurisdiction: jur,
                    },
                    now(),
                )
                .await
                .unwrap();
        }
    }

    /// Starts a registry over `env`, on `addr` (or a free port), with the router passed
    /// through `wrap` (to inject faults).
    pub async fn start_in(
        env: std::sync::Arc<Env>,
        addr: Option<SocketAddr>,
        wrap: impl FnOnce(axum::Router) -> axum::Router,
    ) -> TestRegistry<S> {
        let state = AppState::new(S::open(&env).await);
        TestRegistry::serve_state(env, addr, state, wrap, ServeOptions::default()).await
    }

    /// Serves `state` over `env` with `options`, the router passed through `wrap`.
    pub async fn serve_state(
        env: std::sync::Arc<Env>,
        addr: Option<SocketAddr>,
        state: AppState<S>,
        wrap: impl FnOnce(axum::Router) -> axum::Router,
        options: ServeOptions,
    ) -> TestRegistry<S> {
        let listener = bind(addr.unwrap_or_else(|| "127.0.0.1:0".parse().unwrap())).await;
        let addr = listener.local_addr().unwrap();
        let router = wrap(yima_registry::router(state.clone()));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let metrics = state.metrics.clone();
        let task = tokio::spawn(async move {
            yima_registry::serve(listener, router, options, metrics, async {
                if stopped.await.is_err() {
                    std::future::pending::<()>().await
                }
            })
            .await
            .unwrap();
        });
        TestRegistry {
            env,
            addr,
            state,
            task,
            stop: Some(stop),
        }
    }

    /// Starts a registry with the four standard organisations, `state` made from the
    /// store by `configure` and served with `options`.
    pub async fn start_configured(
        configure: impl FnOnce(AppState<S>) -> AppState<S>,
        options: ServeOptions,
    ) -> TestRegistry<S> {
        let env = std::sync::Arc::new(S::env().await);
        let state = configure(AppState::new(S::open(&env).await));
        let reg = TestRegistry::serve_state(env, None, state, |r| r, options).await;
        reg.add_standard_orgs().await;
        reg
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn code(&self, org: &CreditCode, role: Role, admin: bool) -> String {
        issue_enrolment_code(
            self.state.store.as_ref(),
            NewEnrolmentCode {
                org: org.clone(),
                role,
                admin,
            },
            now(),
        )
        .await
        .unwrap()
        .code
    }

    /// The usual producer's device (福州示例化工有限公司), enrolled.
    pub async fn producer(&self) -> (TempDir, Dev) {
        self.device(
            &producer_code(),
            "福州示例化工有限公司",
            Role::Producer,
            None,
        )
        .await
    }

    /// The usual carrier's device (闽运危险货物运输有限公司), enrolled.
    pub async fn carrier(&self) -> (TempDir, Dev) {
        self.device(
            &carrier_code(),
            "闽运危险货物运输有限公司",
            Role::Carrier,
            None,
        )
        .await
    }

    /// The usual receiver's device (厦门绿源环保处置有限公司), enrolled.
    pub async fn receiver(&self) -> (TempDir, Dev) {
        self.device(
            &receiver_code(),
            "厦门绿源环保处置有限公司",
            Role::Receiver,
            None,
        )
        .await
    }

    /// A new device of `org` in `role`, enrolled.
    pub async fn device(
        &self,
        org: &CreditCode,
        name: &str,
        role: Role,
        block: Option<&str>,
    ) -> (TempDir, Dev) {
        let dir = tempfile::tempdir().unwrap();
        let mut req = InitRequest::new(role, name, org.as_str());
        req.seq_block = block.map(str::to_string);
        let mut dev = Device::init(dir.path(), &req, SystemClock).unwrap();
        let code = self.code(org, role, false).await;
        self.client().enrol(&mut dev, &code).await.unwrap();
        (dir, dev)
    }

    pub fn client(&self) -> Registry {
        Registry::new(&self.url(), fast_options()).unwrap()
    }

    pub async fn event_count(&self) -> u64 {
        self.state.store.event_count().await.unwrap()
    }
}

/// Binds, retrying briefly while a just-closed listener releases the port.
pub async fn bind(addr: SocketAddr) -> tokio::net::TcpListener {
    for _ in 0..100 {
        if let Ok(l) = tokio::net::TcpListener::bind(addr).await {
            return l;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("cannot bind {addr}");
}

pub fn fast_options() -> SyncOptions {
    SyncOptions {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(500),
        max_attempts: 40,
        ..SyncOptions::default()
    }
}

pub async fn sync<S: Backend>(reg: &TestRegistry<S>, dev: &mut Dev) -> SyncReport {
    reg.client().sync(dev, &mut |_| {}).await.unwrap()
}

/// The sender's weighing before dispatch: `kg` on a scale (a dispatch needs it).
pub fn weighing(kg: &str) -> yima_device::Action {
    yima_device::Action::Weigh {
        measured: yima_core::Quantity::parse(kg, yima_core::Unit::Kg).expect("a quantity"),
        method: yima_core::WeighMethod::Scale,
        scale: None,
        weigher: "王磊".into(),
    }
}

/// A drum of `kg` (900-041-49) registered, weighed and dispatched under [`manifest`] by
/// `producer`: ready for a carrier's pickup.
pub fn dispatched_drum<C: yima_device::Clock>(
    producer: &mut Device<C>,
    kg: &str,
) -> yima_codes::LabelCode {
    let code = producer
        .register(&container("900-041-49", kg))
        .unwrap()
        .code;
    let req = |action| yima_device::ActionRequest {
        codes: vec![code.clone()],
        action,
        at: None,
        location: None,
    };
    producer.record(&req(weighing(kg))).unwrap();
    let dispatch = yima_device::Action::Dispatch {
        manifest: manifest(),
        facility_code: "WS-01".into(),
    };
    producer.record(&req(dispatch)).unwrap();
    code
}

pub fn container(code: &str, kg: &str) -> NewContainer {
    NewContainer {
        main_components: "矿物油、棉纤维".into(),
        contact: "王磊".into(),
        phone: "0591-87654321".into(),
        container_type: "200L 钢桶".into(),
        ..NewContainer::new(code, kg, "kg", "solid")
    }
}

pub fn manifest() -> TransferManifest {
    TransferManifest {
        number: ManifestNumber::new(2026, 35, 1, 123).unwrap(),
        sender: Party {
            credit_code: producer_code(),
            name: "福州示例化工有限公司".into(),
        },
        carrier: Party {
            credit_code: carrier_code(),
            name: "闽运危险货物运输有限公司".into(),
        },
        receiver: Party {
            credit_code: receiver_code(),
            name: "厦门绿源环保处置有限公司".into(),
        },
        receiver_permit: "闽危废经许字 350200001 号".into(),
        mode: TreatmentMode::Disposal,
        emergency_measures: "砂土覆盖".into(),
    }
}

/// The number a counting SQL query answers on the registry's own database.
pub async fn count_sql<S: Backend>(reg: &TestRegistry<S>, sql: &str) -> i64 {
    match reg.env.as_ref() {
        Env::Sqlite(dir) => {
            let c = rusqlite::Connection::open(dir.path().join("registry.db")).unwrap();
            c.query_row(sql, [], |r| r.get(0)).unwrap()
        }
        Env::Postgres(db) => {
            let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client.query_one(sql, &[]).await.unwrap().get(0)
        }
    }
}

/// The pickup of the test manifest's containers by the carrier's truck.
pub fn pickup() -> HandoverStep {
    HandoverStep::Pickup {
        manifest: manifest().number,
        vehicle_plate: "闽A·D1234".into(),
        driver: "陈师傅".into(),
        permit: "闽交运管许可榕字 350100000001 号".into(),
    }
}

/// The receipt of the test manifest's containers at the receiver.
pub fn receive() -> HandoverStep {
    HandoverStep::Receive {
        manifest: manifest().number,
    }
}

/// `codes` handed from `giver` to `taker` in `step`, offline: the offer, the taker's
/// acceptance and the giver's confirmation, each device keeping its copy.
pub fn hand_over(giver: &mut Dev, taker: &mut Dev, codes: &[LabelCode], step: HandoverStep) {
    let offer = giver
        .offer_handover(codes, &taker.identity().unwrap(), step, None, None)
        .unwrap();
    giver
        .confirm_handover(&taker.accept_handover(&offer).unwrap())
        .unwrap();
}

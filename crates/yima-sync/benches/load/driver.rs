//! A registry under load: many devices at once, each recording and syncing in a loop for a
//! while, then checked for errors, lost and doubled events. Shared by the load benchmark
//! (`benches/load/main.rs`, a minute) and the load test (`tests/tests/load.rs`, seconds).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use yima_codes::{CreditCode, ManifestNumber};
use yima_core::{Party, Role, Timestamp, TransferManifest, TreatmentMode};
use yima_device::{Action, ActionRequest, Device, InitRequest, NewContainer, SystemClock};
use yima_protocol::{NewEnrolmentCode, NewOrg};
use yima_registry::{issue_enrolment_code, AppState, RegistryStore};
use yima_sync::{Registry, SyncOptions};

type Dev = Device<SystemClock>;

/// The waste codes producers label in turn (a device draws a block of sequences per code
/// and day).
const WASTE: [&str; 5] = [
    "900-041-49",
    "900-249-08",
    "900-214-08",
    "336-064-17",
    "900-047-49",
];

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

fn org(prefix: &str, i: usize) -> CreditCode {
    CreditCode::with_check(&format!("{prefix}{i:07}")).unwrap()
}

/// Serves a registry over `store` on a free loopback port, without rate limits (the load
/// is what is measured): its state and URL.
pub async fn start<S: RegistryStore>(store: S) -> (AppState<S>, String) {
    let unlimited = yima_registry::Rate {
        burst: u32::MAX,
        per_minute: u32::MAX,
    };
    let state = AppState::new(store).with_limits(yima_registry::RateLimits {
        enrol_per_address: unlimited,
        push_per_address: unlimited,
        push_per_key: unlimited,
        road_per_address: unlimited,
        page_per_address: unlimited,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = yima_registry::router(state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (state, url)
}

/// Who a device is in the load.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Part {
    /// Labels a container and dispatches it each round, then syncs.
    Producer,
    /// Syncs each round (its feed: every container dispatched to it).
    Puller,
}

struct Member {
    part: Part,
    role: Role,
    device: Dev,
    _dir: tempfile::TempDir,
}

/// What a load run did and found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Devices at once.
    pub devices: usize,
    /// How long they ran.
    pub secs: f64,
    /// Events the producers recorded (each pushed once).
    pub events: u64,
    /// Containers dispatched (to the one carrier and receiver).
    pub dispatched: u64,
    /// Sync rounds, all devices.
    pub rounds: u64,
    /// Each sync round's time, ms, sorted.
    pub round_ms: Vec<f64>,
    /// Events the pulling devices stored from their feeds.
    pub pulled: u64,
    /// Errors: failed syncs and records, and what the checks at the end found lost or
    /// doubled. Empty when all went right.
    pub errors: Vec<String>,
}

impl Outcome {
    /// The `p` quantile of the sync rounds' times, ms.
    pub fn round_quantile(&self, p: f64) -> f64 {
        if self.round_ms.is_empty() {
            return 0.0;
        }
        self.round_ms[((self.round_ms.len() - 1) as f64 * p).round() as usize]
    }
}

async fn enrol<S: RegistryStore>(
    state: &AppState<S>,
    client: &Registry,
    org: &CreditCode,
    name: &str,
    role: Role,
) -> (tempfile::TempDir, Dev) {
    let dir = tempfile::tempdir().unwrap();
    let req = InitRequest::new(role, name, org.as_str());
    let mut device = Device::init(dir.path(), &req, SystemClock).unwrap();
    let code = issue_enrolment_code(
        state.store.as_ref(),
        NewEnrolmentCode {
            org: org.clone(),
            role,
            admin: false,
        },
        now(),
    )
    .await
    .unwrap();
    client.enrol(&mut device, &code.code).await.unwrap();
    (dir, device)
}

async fn add_org<S: RegistryStore>(state: &AppState<S>, code: &CreditCode, role: Role) {
    let jurisdiction = (role == Role::Regulator).then(|| "35".to_string());
    let org = NewOrg {
        credit_code: code.clone(),
        name: format!("{role} {code}"),
        roles: vec![role],
        jurisdiction,
    };
    state.store.add_org(org, now()).await.unwrap();
}

fn options() -> SyncOptions {
    SyncOptions {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(500),
        ..SyncOptions::default()
    }
}

/// Sets up `devices` devices (three in four producers of five devices per organisation, the
/// rest split between one carrier, one receiver and the province's regulator, each of
/// those organisations with several devices) on the registry at `url`, runs them all at
/// once for `run_for`, then syncs each once more and checks that the registry holds every
/// event recorded exactly once and every puller every event it may see.
pub async fn run<S: RegistryStore>(
    state: &AppState<S>,
    url: &str,
    devices: usize,
    run_for: Duration,
) -> Outcome {
    let client = Registry::new(url, options()).unwrap();
    let carrier = org("91350100MC", 1);
    let receiver = org("91350200MR", 1);
    let regulator = org("11350000MB", 9);
    for (code, role) in [
        (&carrier, Role::Carrier),
        (&receiver, Role::Receiver),
        (&regulator, Role::Regulator),
    ] {
        add_org(state, code, role).await;
    }
    let producers = devices * 3 / 4;
    let mut members = Vec::new();
    for i in 0..producers {
        let code = org("91350100MP", i / 5);
        if i % 5 == 0 {
            add_org(state, &code, Role::Producer).await;
        }
        let (dir, device) = enrol(state, &client, &code, "示例化工有限公司", Role::Producer).await;
        members.push(Member {
            part: Part::Producer,
            role: Role::Producer,
            device,
            _dir: dir,
        });
    }
    let pullers = [
        (&carrier, Role::Carrier),
        (&receiver, Role::Receiver),
        (&regulator, Role::Regulator),
    ];
    for i in 0..devices - producers {
        let (code, role) = pullers[i % pullers.len()];
        let (dir, device) = enrol(state, &client, code, "示例单位", role).await;
        members.push(Member {
            part: Part::Puller,
            role,
            device,
            _dir: dir,
        });
    }

    let manifest = move |n: u32| TransferManifest {
        number: ManifestNumber::new(2026, 35, 1, n).unwrap(),
        sender: Party {
            credit_code: org("91350100MP", 0),
            name: "示例化工有限公司".into(),
        },
        carrier: Party {
            credit_code: carrier.clone(),
            name: "示例运输有限公司".into(),
        },
        receiver: Party {
            credit_code: receiver.clone(),
            name: "示例处置有限公司".into(),
        },
        receiver_permit: "闽危废经第001号".into(),
        mode: TreatmentMode::Disposal,
        emergency_measures: "泄漏时用吸附棉围堵".into(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (n, mut m) in members.into_iter().enumerate() {
        let (stop, url) = (stop.clone(), url.to_string());
        let manifest = manifest.clone();
        tasks.push(tokio::spawn(async move {
            let client = Registry::new(&url, options()).unwrap();
            let (mut rounds, mut errors, mut dispatched) = (Vec::new(), Vec::new(), 0u64);
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                if m.part == Part::Producer {
                    let mut sender = manifest(((n * 1000 + i) % 999_999 + 1) as u32);
                    sender.sender.credit_code = m.device.identity().unwrap().org.credit_code;
                    let made = tokio::task::block_in_place(|| {
                        let c = NewContainer {
                            main_components: "矿物油".into(),
                            contact: "王磊".into(),
                            phone: "0591-87654321".into(),
                            ..NewContainer::new(WASTE[i % WASTE.len()], "25", "kg", "solid")
                        };
                        let code = m.device.register(&c)?.code;
                        // The sender weighs before dispatch.
                        m.device.record(&ActionRequest {
                            codes: vec![code.clone()],
                            action: Action::Weigh {
                                measured: yima_core::Quantity::parse("25", yima_core::Unit::Kg)?,
                                method: yima_core::WeighMethod::Scale,
                                scale: None,
                                weigher: "王磊".into(),
                            },
                            at: None,
                            location: None,
                        })?;
                        m.device.record(&ActionRequest {
                            codes: vec![code],
                            action: Action::Dispatch {
                                manifest: sender,
                                facility_code: "WS-01".into(),
                            },
                            at: None,
                            location: None,
                        })
                    });
                    match made {
                        Ok(_) => dispatched += 1,
                        Err(e) => errors.push(format!("device {n}: record: {e}")),
                    }
                    i += 1;
                }
                let t = Instant::now();
                match client.sync(&mut m.device, &mut |_| {}).await {
                    Ok(_) => rounds.push(t.elapsed().as_secs_f64() * 1000.0),
                    Err(e) => errors.push(format!("device {n}: sync: {e}")),
                }
            }
            (m, rounds, errors, dispatched)
        }));
    }
    tokio::time::sleep(run_for).await;
    stop.store(true, Ordering::Relaxed);
    let mut out = Outcome {
        devices,
        ..Outcome::default()
    };
    let mut members = Vec::new();
    for t in tasks {
        let (m, rounds, errors, dispatched) = t.await.unwrap();
        out.rounds += rounds.len() as u64;
        out.round_ms.extend(rounds);
        out.errors.extend(errors);
        out.dispatched += dispatched;
        members.push(m);
    }
    out.secs = started.elapsed().as_secs_f64();
    out.round_ms.sort_by(f64::total_cmp);

    // Producers push what is left, then pullers pull to the end of their feeds.
    for part in [Part::Producer, Part::Puller] {
        for (n, m) in members
            .iter_mut()
            .enumerate()
            .filter(|(_, m)| m.part == part)
        {
            if let Err(e) = client.sync(&mut m.device, &mut |_| {}).await {
                out.errors.push(format!("device {n}: last sync: {e}"));
            }
        }
    }
    check(state, &mut members, &mut out).await;
    out
}

/// What the devices and the registry hold at the end: nothing lost, nothing twice.
async fn check<S: RegistryStore>(state: &AppState<S>, members: &mut [Member], out: &mut Outcome) {
    for (n, m) in members.iter_mut().enumerate() {
        let counts = m.device.outbox_counts().unwrap();
        if m.part == Part::Producer {
            out.events += counts.accepted;
            if counts.pending + counts.refused > 0 {
                out.errors
                    .push(format!("device {n}: {counts:?} after the last sync"));
            }
        }
    }
    let stored = state.store.event_count().await.unwrap();
    if stored != out.events {
        out.errors.push(format!(
            "the registry holds {stored} events, the producers recorded {}",
            out.events
        ));
    }
    // A carrier's and a receiver's device holds each dispatched container's three events
    // (generated, weighed, dispatched); the regulator's every event; each verified, so none
    // is there twice or broken.
    for (n, m) in members.iter_mut().enumerate() {
        if m.part != Part::Puller {
            continue;
        }
        let expected = match m.role {
            Role::Regulator => out.events,
            _ => 3 * out.dispatched,
        };
        let audit = tokio::task::block_in_place(|| m.device.verify(None)).unwrap();
        out.pulled += audit.events as u64;
        if audit.events as u64 != expected || !audit.ok {
            out.errors.push(format!(
                "device {n} ({}): {} events (expected {expected}), verified {}",
                m.role, audit.events, audit.ok
            ));
        }
    }
}

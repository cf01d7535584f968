//! A hundred devices at once, pushing and pulling for a few seconds on each backend: no
//! error, nothing lost, nothing twice (issue 12). The same load for a minute, with its
//! figures, is the `load` benchmark (BENCHMARKS.md).

#[path = "../../benches/load/driver.rs"]
mod driver;

use crate::harness::{Backend, Env};
use std::time::Duration;

async fn a_hundred_devices_push_and_pull_together<S: Backend>() {
    let env = S::env().await;
    let (state, url) = driver::start(S::open(&env).await).await;
    let out = driver::run(&state, &url, 100, Duration::from_secs(5)).await;
    assert!(out.errors.is_empty(), "{:#?}", out.errors);
    assert_eq!(out.devices, 100);
    // How many rounds fit in the time depends on the machine's load: no figure is asserted.
    assert!(out.dispatched > 0 && out.rounds > 0, "{out:?}");
    assert!(out.round_quantile(0.5) <= out.round_quantile(0.99));
    assert_eq!(
        out.events,
        3 * out.dispatched,
        "each round labels, weighs and dispatches"
    );
    let _keep: &Env = &env;
}

crate::on_both_backends!(a_hundred_devices_push_and_pull_together);

//! Beside `serve`: the query planner's statistics kept fresh by the registry, every so
//! often, for the tables that changed much since they were last gathered (the store's
//! `refresh_statistics`; why in `store/postgres/statistics.rs`).

use crate::store::RegistryStore;
use crate::AppState;
use std::time::Duration;

/// Refreshes the statistics now, then every `every`, until `shutdown`. A failure is
/// logged and tried again at the next round.
pub async fn run_statistics<S: RegistryStore>(
    state: AppState<S>,
    every: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send,
) {
    tokio::pin!(shutdown);
    loop {
        match state.store.refresh_statistics().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(tables = n, "planner statistics gathered"),
            Err(e) => {
                tracing::warn!(error = %e.message, "gathering planner statistics failed; retried later")
            }
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}

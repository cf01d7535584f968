//! The planner's statistics, gathered by the registry itself for the tables that changed
//! much since they were last gathered.
//!
//! The registry's tables grow fast and its searches bound recent times (`last_at` ≥ a day
//! last week): with statistics from when a table was a tenth of its size, PostgreSQL
//! believes such a window nearly empty and reads the whole table rather than walking the
//! index in a page's order (27 ms against 3 ms for a category in a week at 31 000
//! containers). Autovacuum would gather them, but it may be off (this project's CI
//! machine) or lag behind a table changing fast (it waits for 10 % of a table by default).
//! On Citus the coordinator holds no rows of a distributed table (its shards' statistics
//! are the workers' own, which plan the shards' queries): nothing here is stale there.

use crate::error::RegistryError;
use deadpool_postgres::GenericClient;

/// A table is stale past this many changed rows …
const MIN_CHANGES: i64 = 500;
/// … plus this share of its rows.
const SHARE: f64 = 0.05;

/// The registry's tables (in the connection's schema) changed past the threshold, as
/// identifiers ready for a statement.
const STALE: &str = "SELECT format('%I', relname) FROM pg_stat_user_tables
     WHERE schemaname = current_schema()
       AND n_mod_since_analyze > $1::bigint + $2::float8 * n_live_tup
     ORDER BY relname";

/// Gathers the statistics of each stale table: how many it gathered them for.
pub(super) async fn refresh(c: &impl GenericClient) -> Result<usize, RegistryError> {
    let stale = c.query(STALE, &[&MIN_CHANGES, &SHARE]).await?;
    for row in &stale {
        let table: String = row.get(0);
        c.batch_execute(&format!("ANALYZE {table}")).await?;
    }
    Ok(stale.len())
}

//! The anomaly evaluator's batches on Citus: the statements that read and keep a batch go to
//! the shards of the codes they name, and keep what they keep on one PostgreSQL server (the
//! scenarios in `registry/batches.rs`).

use crate::batches::{containers, sighted};
use crate::cluster::Cluster;
use crate::common::World;
use yima_registry::testing::PgDb;
use yima_registry::{Engine, PostgresStore};

#[test]
fn evaluator_batches_on_citus_keep_what_they_keep_on_postgres() {
    let Some(cluster) = Cluster::start("the anomaly evaluator's batches on Citus") else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    for scenario in ["containers", "sighted"] {
        let db = rt.block_on(PgDb::create_on(&cluster.url));
        rt.block_on(async {
            let store = PostgresStore::connect(&db.url).await.expect("connect");
            assert_eq!(store.engine(), Engine::Citus { workers: 2 });
            match scenario {
                "containers" => containers(&store, &World::new()).await,
                _ => sighted(&store, &World::new()).await,
            }
        });
    }
}

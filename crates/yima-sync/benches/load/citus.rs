//! A Citus cluster's nodes, and how the events spread over its shards and nodes.

use super::measure::connect;

/// The nodes of the Citus cluster of `url`: (name, URL of the same database there).
pub async fn citus_nodes(url: &str) -> Vec<(String, String)> {
    let rows = connect(url)
        .await
        .query(
            "SELECT groupid, nodename, nodeport FROM pg_dist_node WHERE noderole = 'primary' ORDER BY groupid",
            &[],
        )
        .await
        .unwrap();
    let (scheme_user, rest) = url.split_at(
        url.find('@')
            .map_or(url.find("://").unwrap() + 3, |i| i + 1),
    );
    let path = &rest[rest.find('/').unwrap_or(rest.len())..];
    rows.iter()
        .map(|r| {
            let (group, host, port): (i32, String, i32) = (r.get(0), r.get(1), r.get(2));
            let name = if group == 0 {
                "coordinator".to_string()
            } else {
                format!("worker {group}")
            };
            (name, format!("{scheme_user}{host}:{port}{path}"))
        })
        .collect()
}

/// How the events spread over the shards and nodes: one line per node (shards, events,
/// bytes of every registry table), and the events per shard (fewest, most).
pub async fn spread(url: &str) {
    let c = connect(url).await;
    for r in c
        .query(
            "SELECT nodename || ':' || nodeport, count(*) FILTER (WHERE table_name = 'events'::regclass),
                    sum(shard_size)::bigint
             FROM citus_shards GROUP BY 1 ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
    {
        let (node, shards, bytes): (String, i64, i64) = (r.get(0), r.get(1), r.get(2));
        println!("| node {node} | {shards} shards of events | {:.1} MB of the registry's tables |", bytes as f64 / 1e6);
    }
    let counts: Vec<i64> = c
        .query(
            "SELECT result::bigint FROM run_command_on_shards('events', 'SELECT count(*) FROM %s')",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
    let mean = counts.iter().sum::<i64>() as f64 / counts.len() as f64;
    println!(
        "| events per shard | {} shards | fewest {min} | most {max} | mean {mean:.0} |",
        counts.len()
    );
}

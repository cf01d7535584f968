//! The registry's PostgreSQL migrations, embedded in order (never edited once on main).

pub(super) const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_registry.sql",
        include_str!("../../../../../migrations/registry/postgres/0001_registry.sql"),
    ),
    (
        2,
        "0002_push_throughput.sql",
        include_str!("../../../../../migrations/registry/postgres/0002_push_throughput.sql"),
    ),
    (
        3,
        "0003_feed_by_seq.sql",
        include_str!("../../../../../migrations/registry/postgres/0003_feed_by_seq.sql"),
    ),
    (
        4,
        "0004_parties_by_org.sql",
        include_str!("../../../../../migrations/registry/postgres/0004_parties_by_org.sql"),
    ),
    (
        5,
        "0005_refused_quota.sql",
        include_str!("../../../../../migrations/registry/postgres/0005_refused_quota.sql"),
    ),
    (
        6,
        "0006_sequence_blocks.sql",
        include_str!("../../../../../migrations/registry/postgres/0006_sequence_blocks.sql"),
    ),
];

//! A quota on refused events per device (issue 12, finding 10): one device pushing junk
//! fills no disk. Its first refused events are kept whole, the rest only counted; every
//! refusal is still answered, other devices keep theirs, and its good events still go in.

use crate::harness::*;
use crate::lineage::{generate, insider, push_as};
use yima_core::{DeviceKey, PublicKey, Role, SignedEvent, Timestamp};
use yima_protocol::PushOutcome;
use yima_registry::RefusedTally;

/// Rows of the `refused` table pushed by `key`, read from the database itself.
async fn refused_rows<S: Backend>(reg: &TestRegistry<S>, key: &PublicKey) -> i64 {
    match reg.env.as_ref() {
        Env::Sqlite(dir) => {
            let c = rusqlite::Connection::open(dir.path().join("registry.db")).unwrap();
            c.query_row(
                "SELECT count(*) FROM refused WHERE pushed_by = ?1",
                [key.to_string()],
                |r| r.get(0),
            )
            .unwrap()
        }
        Env::Postgres(db) => {
            let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client
                .query_one(
                    "SELECT count(*) FROM refused WHERE pushed_by = $1",
                    &[&key.to_string()],
                )
                .await
                .unwrap()
                .get(0)
        }
    }
}

/// A generating event dated a day ahead: well-formed, signed, and refused.
fn from_the_future(key: &DeviceKey, seq: u16) -> SignedEvent {
    let mut body = generate(key, seq, "5").body;
    body.at = Timestamp(now().0 + 24 * 3_600_000);
    SignedEvent::seal(body, key)
}

crate::on_both_backends!(refused_events_beyond_a_devices_quota_are_only_counted);
async fn refused_events_beyond_a_devices_quota_are_only_counted<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    reg.state.store.set_refused_quota(3);
    let junk = insider(&reg, &producer_code(), Role::Producer).await;
    let other = insider(&reg, &producer_code(), Role::Producer).await;

    // Five refused in one push and two more in another: every one answered as refused.
    let first: Vec<SignedEvent> = (1..=5).map(|s| from_the_future(&junk, s)).collect();
    let r = push_as(&reg, &junk, &first).await;
    assert!(r.iter().all(|(o, _)| *o == PushOutcome::Refused), "{r:?}");
    let r = push_as(
        &reg,
        &junk,
        &[from_the_future(&junk, 6), from_the_future(&junk, 7)],
    )
    .await;
    assert!(r.iter().all(|(o, _)| *o == PushOutcome::Refused), "{r:?}");
    assert_eq!(
        reg.state.store.refused_tally(junk.public()).await.unwrap(),
        RefusedTally {
            refused: 7,
            kept: 3
        }
    );
    assert_eq!(
        refused_rows(&reg, &junk.public()).await,
        3,
        "the first three kept"
    );

    // Another device's refusals are its own.
    let r = push_as(&reg, &other, &[from_the_future(&other, 8)]).await;
    assert_eq!(r[0].0, PushOutcome::Refused);
    assert_eq!(refused_rows(&reg, &other.public()).await, 1);
    assert_eq!(
        reg.state.store.refused_tally(other.public()).await.unwrap(),
        RefusedTally {
            refused: 1,
            kept: 1
        }
    );

    // The quota limits what is kept, not what is accepted.
    let r = push_as(&reg, &junk, &[generate(&junk, 9, "5")]).await;
    assert_eq!(r[0].0, PushOutcome::Accepted, "{r:?}");
    assert_eq!(reg.event_count().await, 1);
}

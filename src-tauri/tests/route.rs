//! The route's commands on Tauri's mock runtime: the location source is a setting the status
//! shows (kept across restarts), a file source with no path is refused, a producer records no
//! route, a carrier with nothing in transit records nothing, a bad file is a bad_input, and a
//! container's routes are listed (none before any transport).

mod common;

use common::{app, call, init, register};
use serde_json::json;

#[test]
fn the_location_source_is_kept_and_recording_follows_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    init(&w, "carrier", "闽运危货运输有限公司", "91350100MA2XY80011");
    let status = call(&w, "app_status", json!({})).unwrap();
    assert_eq!(status["location"], json!({ "source": "none" }));
    // No file source: nothing is read, nothing recorded.
    assert_eq!(
        call(&w, "record_route_from_source", json!({})).unwrap(),
        json!([])
    );

    let e = call(
        &w,
        "set_location",
        json!({ "location": { "source": "file", "path": " " } }),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "bad_input", "{e}");
    let file = dir.path().join("gps.csv");
    std::fs::write(&file, "time,lat,lon\n2026-12-04T08:00:00Z,26.07,119.29\n").unwrap();
    let path = file.to_str().unwrap();
    let status = call(
        &w,
        "set_location",
        json!({ "location": { "source": "file", "path": path } }),
    )
    .unwrap();
    assert_eq!(
        status["location"],
        json!({ "source": "file", "path": path })
    );
    // Nothing in transit: the file is read, nothing recorded.
    assert_eq!(
        call(&w, "record_route_from_source", json!({})).unwrap(),
        json!([])
    );
    // A file that is not one of fixes: said, by kind.
    std::fs::write(&file, "time,lat,lon\nyesterday,north,east\n").unwrap();
    let e = call(&w, "record_route_from_source", json!({})).unwrap_err();
    assert_eq!(e["kind"], "bad_input", "{e}");
    drop((_app, w));

    // Kept across a restart.
    let (_app, w) = app(dir.path());
    let status = call(&w, "app_status", json!({})).unwrap();
    assert_eq!(status["location"]["source"], "file");
}

#[test]
fn a_producer_records_no_route_and_a_new_container_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    init(&w, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    let e = call(
        &w,
        "record_route_fixes",
        json!({ "csv": "time,lat,lon\n2026-12-04T08:00:00Z,26.07,119.29\n" }),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "not_in_transit", "{e}");
    let row = register(&w, "900-041-49", "25", "solid");
    let routes = call(&w, "routes", json!({ "code": row["code"] })).unwrap();
    assert_eq!(routes, json!([]));
    let e = call(&w, "routes", json!({ "code": "not-a-code" })).unwrap_err();
    assert_ne!(e["kind"], "", "{e}");
}

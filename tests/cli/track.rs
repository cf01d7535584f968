//! `yima track`: a carrier records its route from a file while in transit (refused before
//! its pickup, with nothing stored), the receipt it offers signs it, and `track show` gives
//! each transport with its verdict, in both languages.

use crate::common::*;

#[test]
fn the_carrier_records_its_route_and_the_receipt_signs_it() {
    let w = World::new();
    let codes = dispatched(&w, 1);
    let code = codes[0].as_str();
    let csv = w.tmp.path().join("route.csv");
    // Times from `start` on, written when they are in the past.
    let write = |start: chrono::DateTime<chrono::Utc>| {
        let line = |s: i64, lat: &str| {
            format!(
                "{},{lat},119.2965,8\n",
                (start + chrono::Duration::milliseconds(s)).to_rfc3339()
            )
        };
        std::fs::write(
            &csv,
            format!(
                "time,lat,lon,accuracy_m\n{}{}",
                line(0, "26.07"),
                line(10, "26.08")
            ),
        )
        .unwrap();
    };
    write(chrono::Utc::now());
    let args = [
        "track",
        "record",
        "--manifest",
        MANIFEST,
        "--from",
        csv.to_str().unwrap(),
    ];
    // Not in transit yet: refused, in both languages.
    let e = w.c.error(&args);
    assert_eq!(e["kind"], "not_in_transit", "{e}");
    let zh = w.c.run_env(&[("LANG", "zh_CN.UTF-8")], &args);
    assert!(zh.stderr.contains("不在运输途中"), "{zh:#?}");

    w.handover(&w.p, &w.c, &pickup_args(&[code]));
    // Fixes after the pickup (times in milliseconds, the pickup's included).
    write(chrono::Utc::now() + chrono::Duration::milliseconds(5));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let v = w.c.json(&args);
    assert_eq!(v["value"], "2", "{v}");
    let v = w.c.json(&["track", "show", code]);
    assert_eq!(v["routes"][0]["verdict"], "in_progress", "{v}");

    w.handover(&w.c, &w.r, &["receive", code, "--manifest", MANIFEST]);
    let v = w.c.json(&["track", "show", code]);
    assert_eq!(v["routes"][0]["verdict"], "verified", "{v}");
    assert_eq!(v["routes"][0]["fixes"].as_array().unwrap().len(), 2, "{v}");
    let v = w.r.json(&["track", "show", code]);
    assert_eq!(v["routes"][0]["verdict"], "fixes_missing", "{v}");
    let zh =
        w.c.run_env(&[("LANG", "zh_CN.UTF-8")], &["track", "show", code]);
    assert!(zh.stdout.contains("轨迹已核验"), "{zh:#?}");
    let en = w.c.ok(&["--lang", "en", "track", "show", code]);
    assert!(en.contains("route verified"), "{en}");
    w.verify_all();
}

//! Storage age on the command line: a container stored more than a year ago is flagged in
//! `container show` and `container list`.

use crate::common::*;

#[test]
fn storage_over_a_year_is_flagged_in_show_and_list() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let old = p.new_container_with(
        "900-041-49",
        "25",
        "kg",
        "solid",
        &["--at", "2024-11-01T09:00:00+08:00"],
    );
    let fresh = p.drum();
    p.json(&[
        "record",
        "store",
        &old,
        "--facility",
        "WS-01",
        "--at",
        "2024-11-01T10:00:00+08:00",
    ]);
    p.json(&["record", "store", &fresh, "--facility", "WS-01"]);

    let storage = &p.show(&old)["limits"]["storage"];
    assert_eq!(storage["since"], "2024-11-01");
    assert_eq!(storage["limit"], "2025-11-01");
    assert_eq!(storage["flag"], "over");
    assert_eq!(p.show(&fresh)["limits"]["storage"]["flag"], "within");

    let text = p.ok(&["--lang", "en", "container", "show", &old]);
    assert!(text.contains("OVER LIMIT"), "{text}");
    let text = p.ok(&["--lang", "zh", "container", "list"]);
    let line = |code: &str| text.lines().find(|l| l.contains(code)).unwrap().to_string();
    assert!(line(&old).contains("超过贮存期限"), "{text}");
    assert!(!line(&fresh).contains("⚠"), "{text}");
}

#[test]
fn facilities_set_their_own_limit_and_a_small_point_is_flagged_over_3_t() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    std::fs::write(
        p.dir.join("facilities.tsv"),
        "# code\tmonths\tsmall\nWS-01\t3\t-\nSP-01\t12\tsmall\n",
    )
    .unwrap();
    let at = "2026-09-01T09:00:00+08:00";
    let old = p.new_container_with("900-041-49", "25", "kg", "solid", &["--at", at]);
    p.json(&["record", "store", &old, "--facility", "WS-01", "--at", at]);
    assert_eq!(p.show(&old)["limits"]["storage"]["limit"], "2026-12-01");

    let big = p.new_container("900-041-49", "3100", "kg", "solid");
    p.json(&["record", "store", &big, "--facility", "SP-01"]);
    let list = p.list();
    let row = |c: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == c)
            .unwrap()
            .clone()
    };
    assert_eq!(row(&big)["limits"]["small_point_over"], true);
    assert!(row(&old)["limits"].get("small_point_over").is_none());
    let text = p.ok(&["--lang", "en", "container", "list"]);
    assert!(text.contains("small storage point over 3 t"), "{text}");

    std::fs::write(p.dir.join("facilities.tsv"), "WS-01 three months\n").unwrap();
    assert_eq!(p.error(&["container", "list"])["kind"], "bad_input");
}

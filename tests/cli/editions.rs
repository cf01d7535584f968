//! Catalogue editions as data: an operator's edition file in the data directory, in force
//! from a date, with no rebuild; each container keeps the edition it was labelled under.
//! (The edition here is a made-up test file, not the 2025 catalogue.)

use crate::common::*;

#[test]
fn an_edition_added_as_a_file_is_used_from_its_date_and_each_container_keeps_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let before = p.new_container_with(
        "900-041-49",
        "25",
        "kg",
        "solid",
        &["--at", "2025-12-30T09:00:00+08:00"],
    );

    let dir = p.dir.join("catalogue");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("test-edition.tsv"),
        "# edition test-edition\n900-041-49\tHW49\t其他废物\t非特定行业\tT/In\t测试版的废弃包装物\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("in-force.tsv"),
        "# from\tedition\n2026-01-01\ttest-edition\n",
    )
    .unwrap();

    let after = p.new_container_with(
        "900-041-49",
        "25",
        "kg",
        "solid",
        &["--at", "2026-03-02T09:00:00+08:00"],
    );
    let old = p.new_container_with(
        "900-041-49",
        "25",
        "kg",
        "solid",
        &["--at", "2025-12-31T09:00:00+08:00"],
    );
    assert_eq!(p.show(&after)["catalogue_edition"], "test-edition");
    assert_eq!(p.show(&after)["label"]["name"], "测试版的废弃包装物");
    assert_eq!(p.show(&old)["catalogue_edition"], "2021");
    assert_eq!(p.show(&before)["catalogue_edition"], "2021");

    // A code the edition in force does not list is refused for a date it is in force.
    let mut args = new_args("900-249-08", "10", "kg", "liquid");
    args.extend(["--at", "2026-03-02T09:00:00+08:00"]);
    assert_eq!(p.error(&args)["kind"], "unknown_waste_code");

    // A malformed schedule is an error, never silently the shipped edition.
    std::fs::write(dir.join("in-force.tsv"), "2026-01-01 test-edition\n").unwrap();
    assert_eq!(p.error(&["container", "list"])["kind"], "bad_input");
}

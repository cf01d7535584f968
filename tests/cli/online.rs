//! The handover through the registry from the command line: `handover offer … --online`
//! queues the signed offer, `handover offers` lists it on both sides, `handover take ID
//! --label …` checks the labels and countersigns. The registry's part (carrying the offer
//! from one device to the other) is done here through the device API; yima-sync's tests and
//! the app's WebDriver test carry it through a real registry.

use crate::common::*;
use std::path::{Path, PathBuf};
use yima_device::{Device as Store, SystemClock};

fn label_png(dev: &Device, dir: &Path, code: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let out = dir.join(format!("{code}.png"));
    dev.json(&[
        "label",
        code,
        "--format",
        "png",
        "--size",
        "100",
        "-o",
        out.to_str().unwrap(),
    ]);
    out
}

#[test]
fn an_offer_sent_through_the_registry_is_listed_checked_and_countersigned() {
    let w = World::new();
    let (p, c) = (&w.p, &w.c);
    let codes = dispatched(&w, 2);
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let stray = p.drum();
    let dir = w.tmp.path().join("labels");
    let labels: Vec<PathBuf> = refs.iter().map(|c| label_png(p, &dir, c)).collect();
    let stray_label = label_png(p, &dir, &stray);

    let mut args = vec!["handover", "offer"];
    args.extend(pickup_args(&refs));
    args.extend(["--to", c.card.to_str().unwrap(), "--online"]);
    let id = p.json(&args)["value"].as_str().unwrap().to_string();
    // Neither a file nor --online: refused by the argument parser, nothing signed.
    let mut both = vec!["handover", "offer"];
    both.extend(pickup_args(&refs));
    both.extend(["--to", c.card.to_str().unwrap()]);
    assert!(!p.run(&both).success());
    let sent = p.json(&["handover", "offers"]);
    assert_eq!(sent["sent"][0]["id"], id.as_str(), "{sent}");
    assert_eq!(sent["sent"][0]["sent"], false);

    // The registry's part.
    let offers = Store::open(&p.dir, SystemClock)
        .unwrap()
        .offers_to_send()
        .unwrap();
    Store::open(&c.dir, SystemClock)
        .unwrap()
        .store_received_offers(&offers)
        .unwrap();

    let waiting = c.json(&["handover", "offers"]);
    assert_eq!(waiting["received"][0]["id"], id.as_str(), "{waiting}");
    assert_eq!(waiting["received"][0]["kind"], "pickup");
    let s = |p: &PathBuf| p.to_str().unwrap().to_string();
    // A label not on the offer: refused, nothing countersigned.
    let mut take = vec!["handover".to_string(), "take".into(), id.clone()];
    for l in labels.iter().chain([&stray_label]) {
        take.extend(["--label".into(), s(l)]);
    }
    let take_refs: Vec<&str> = take.iter().map(String::as_str).collect();
    let before = c.events();
    let err = c.error(&take_refs);
    assert_eq!(err["kind"], "label_mismatch", "{err}");
    assert_eq!(c.events(), before);
    // An id that is none is said so.
    assert!(!c
        .run(&["handover", "take", "nonsense", "--label", &s(&labels[0])])
        .success());

    let take_refs: Vec<&str> = take_refs[..take_refs.len() - 2].to_vec();
    let taken = c.json(&take_refs);
    assert_eq!(taken["value"], id.as_str());
    assert_eq!(c.state(&codes[0]), "in_transit");
    assert_eq!(
        c.json(&["handover", "offers"])["received"],
        serde_json::json!([])
    );
    c.assert_verifies();
}

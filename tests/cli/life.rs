//! Every step of a container's life through the CLI, across a producer, two carriers and a
//! receiver, with `verify --json` ok on every device after each step.

use crate::common::*;
use serde_json::Value;

fn steps(d: &Device, code: &str) -> Vec<String> {
    d.history(code)["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_whole_life_across_devices() {
    let w = World::new();
    let (p, c, c2, r) = (&w.p, &w.c, &w.c2, &w.r);

    // Generated.
    let a = p.drum();
    let b = p.new_container("900-249-08", "21", "kg", "liquid");
    let f = p.new_container("336-064-17", "40", "kg", "semi_solid");
    let d = p.drum();
    w.verify_all();

    // Stored.
    let v = p.json(&["record", "store", &a, &b, &f, "--facility", "WS-01"]);
    assert_eq!(v["step"], "stored");
    assert_eq!(v["containers"].as_array().unwrap().len(), 3);
    assert_eq!(p.state(&a), "stored");
    w.verify_all();

    // Dispatched, once the sender has weighed each container.
    p.weigh_as_labelled(&[&a, &b, &f]);
    let v = p.json(&dispatch_args(&[&a, &b, &f]));
    assert_eq!(v["step"], "dispatched");
    assert_eq!(p.show(&a)["manifest"], MANIFEST);
    w.verify_all();

    // Picked up: offer, accept, confirm.
    let id = w.handover(p, c, &pickup_args(&[&a, &b, &f]));
    for dev in [p, c] {
        let h = dev.history(&a);
        let last = h["events"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["id"], id.as_str());
        assert_eq!(last["step"], "picked_up");
        assert_eq!(
            last["signers"].as_array().unwrap().len(),
            2,
            "signed by both"
        );
    }
    assert_eq!(c.state(&a), "in_transit");
    assert_eq!(c.show(&a)["holder"], CARRIER.0);
    assert_eq!(p.show(&a)["holder"], CARRIER.0);
    w.verify_all();

    // Relay to the second carrier.
    let relay = [
        "handover",
        &a,
        &b,
        &f,
        "--manifest",
        MANIFEST,
        "--vehicle",
        "闽D·E5678",
        "--driver",
        "林师傅",
        "--permit",
        "闽交运管许可厦字 350200000002 号",
        "--place",
        "泉州服务区",
    ];
    w.handover(c, c2, &relay);
    assert_eq!(c2.show(&a)["holder"], CARRIER2.0);
    assert_eq!(c2.state(&a), "in_transit");
    w.verify_all();

    // Received.
    w.handover(c2, r, &["receive", &a, &b, &f, "--manifest", MANIFEST]);
    assert_eq!(r.state(&a), "received");
    assert_eq!(r.show(&a)["holder"], RECEIVER.0);
    assert_eq!(
        steps(r, &a),
        [
            "generated",
            "stored",
            "weighing",
            "dispatched",
            "picked_up",
            "relay_handover",
            "received"
        ]
    );
    w.verify_all();

    // Weighed.
    let v = r.json(&[
        "record",
        "weigh",
        &a,
        "--weight",
        "24.6",
        "--unit",
        "kg",
        "--weigher",
        "林娜",
    ]);
    assert_eq!(v["step"], "weighing");
    w.verify_all();

    // Accepted (the quantity defaults to the weighing).
    let v = r.json(&["record", "accept", &a]);
    assert_eq!(v["step"], "accepted");
    let h = r.history(&a);
    let last = h["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["details"],
        serde_json::json!([["accepted", "24.6 kg"]])
    );
    assert_eq!(r.state(&a), "accepted");
    w.verify_all();

    // Partly refused.
    let v = r.json(&[
        "record",
        "refuse",
        &b,
        "--accepted",
        "18",
        "--refused",
        "3",
        "--reason",
        "含水率超标",
    ]);
    assert_eq!(v["step"], "partly_refused");
    assert_eq!(r.state(&b), "accepted");
    w.verify_all();

    // The refused 3 kg are still in the drum: it is not disposed of with them. The receiver
    // splits them off, into a drum that starts refused, to go back to the sender.
    let out = r.run(&["record", "dispose", &b, "--method", "D10 焚烧"]);
    assert!(!out.success());
    assert!(out.stderr.contains("3 kg refused"), "{out:#?}");
    let v = r.json(&["record", "return-refused", &b]);
    let codes: Vec<String> = v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 2);
    let back = v["returning"].as_str().unwrap().to_string();
    let kept = codes.iter().find(|c| **c != back).unwrap().clone();
    assert_eq!(r.state(&b), "split");
    assert_eq!(r.state(&kept), "accepted");
    assert_eq!(r.state(&back), "refused");
    assert_eq!(r.show(&kept)["label"]["quantity"]["milli"], 18_000);
    assert_eq!(r.show(&back)["label"]["quantity"]["milli"], 3_000);
    w.verify_all();

    // Refused in full.
    let v = r.json(&["record", "refuse", &f, "--reason", "包装破损"]);
    assert_eq!(v["step"], "refused");
    assert_eq!(r.state(&f), "refused");
    w.verify_all();

    // Returned: the carrier picks the refused drum up at the receiver, hands it back to the
    // producer, who stores it again.
    w.handover(r, c2, &pickup_args(&[&f]));
    assert_eq!(c2.state(&f), "in_transit");
    assert_eq!(c2.show(&f)["holder"], CARRIER2.0);
    w.verify_all();
    w.handover(c2, p, &["return", &f, "--reason", "接收单位拒收：包装破损"]);
    assert_eq!(p.state(&f), "returned");
    assert_eq!(p.show(&f)["holder"], PRODUCER.0);
    w.verify_all();
    p.json(&["record", "store", &f, "--facility", "WS-01"]);
    assert_eq!(p.state(&f), "stored");
    assert_eq!(
        steps(p, &f),
        [
            "generated",
            "stored",
            "weighing",
            "dispatched",
            "picked_up",
            "relay_handover",
            "received",
            "refused",
            "picked_up",
            "returned",
            "stored"
        ]
    );
    w.verify_all();

    // Used / disposed at the receiver (the mode comes from the manifest).
    let v = r.json(&["record", "dispose", &a, &kept, "--method", "D10 焚烧"]);
    assert_eq!(v["step"], "disposed");
    assert_eq!(r.state(&a), "disposed");
    assert_eq!(r.state(&kept), "disposed");
    w.verify_all();

    // Merged at the producer: the new container's quantity is the sum.
    let g = p.new_container("900-041-49", "10", "kg", "solid");
    let h = p.new_container("900-041-49", "15", "kg", "solid");
    let v = p.json(&["record", "merge", &g, &h]);
    let merged = v["codes"].as_array().unwrap();
    assert_eq!(merged.len(), 1);
    let m = merged[0].as_str().unwrap().to_string();
    assert_eq!(p.state(&g), "merged");
    assert_eq!(p.state(&m), "generated");
    assert_eq!(p.show(&m)["label"]["quantity"]["milli"], 25_000);
    w.verify_all();

    // Split.
    let v = p.json(&["record", "split", &m, "--parts", "10,15", "--unit", "kg"]);
    let parts: Vec<String> = v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(parts.len(), 2);
    assert_eq!(p.state(&m), "split");
    assert_eq!(p.show(&parts[1])["label"]["quantity"]["milli"], 15_000);
    w.verify_all();

    // Corrected: a new event names the event it corrects; the original stays.
    let generated = p.history(&d)["events"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = p.json(&[
        "record",
        "correct",
        &d,
        "--event",
        &generated,
        "--reason",
        "容器类型录入错误",
        "--set",
        "container_type=IBC 吨桶",
    ]);
    assert_eq!(v["step"], "correction");
    let hist = p.history(&d);
    let events = hist["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["id"], generated.as_str());
    let details = &events[1]["details"];
    assert!(
        details
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["set container_type", "IBC 吨桶"])),
        "{details}"
    );
    w.verify_all();

    // Voided, and own use of the other part.
    let v = p.json(&["record", "void", &parts[0], "--reason", "重复登记"]);
    assert_eq!(v["step"], "void");
    assert_eq!(p.state(&parts[0]), "voided");
    w.verify_all();
    let v = p.json(&[
        "record",
        "dispose",
        &parts[1],
        "--mode",
        "use",
        "--method",
        "R4 金属回收",
    ]);
    assert_eq!(v["step"], "disposed");
    w.verify_all();

    // Each device lists what it has seen.
    let count = |d: &Device| d.list().as_array().unwrap().len();
    // (The producer has learnt the receiver's split-off parts too.)
    assert_eq!(count(p), 11);
    assert_eq!(count(c), 3);
    assert_eq!(count(c2), 5);
    assert_eq!(count(r), 5);
    // And verification of one container works too.
    let v = r.json(&["verify", &a]);
    assert_eq!(v["ok"], Value::Bool(true));
    assert_eq!(v["containers"], 1);
}

//! `yima catalogue search`.

use crate::common::yima;

fn search(terms: &[&str]) -> serde_json::Value {
    let mut args = vec!["--json", "catalogue", "search"];
    args.extend_from_slice(terms);
    let out = yima(None, &[], &args);
    assert!(out.success(), "{out:#?}");
    out.json()
}

#[test]
fn search_by_chinese_text() {
    let v = search(&["废矿物油"]);
    let entries = v["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().any(|e| e["code"] == "900-249-08"), "{v:#}");
    for e in entries {
        let text = format!("{}{}", e["description"], e["category_name"]);
        assert!(text.contains("废矿物油"), "{e}");
    }
    let text = yima(None, &[], &["catalogue", "search", "废矿物油"]);
    assert!(text.success());
    assert!(text.stdout.contains("900-249-08"), "{}", text.stdout);
}

#[test]
fn search_by_category() {
    let v = search(&["HW08"]);
    let entries = v["entries"].as_array().unwrap();
    assert!(entries.len() > 10, "{}", entries.len());
    for e in entries {
        assert_eq!(e["category"], "HW08", "{e}");
        assert!(e["code"].as_str().unwrap().ends_with("-08"), "{e}");
    }
    assert!(v["edition"].is_string());
}

#[test]
fn search_by_code_prefix() {
    let v = search(&["900-041"]);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{v:#}");
    assert_eq!(entries[0]["code"], "900-041-49");
    assert_eq!(entries[0]["category"], "HW49");
    assert!(entries[0]["hazards"].as_str().unwrap().contains('T'));
    let text = yima(None, &[], &["catalogue", "search", "900-041"]);
    assert!(text.stdout.contains("900-041-49"), "{}", text.stdout);
}

#[test]
fn a_search_without_hits_is_empty_not_an_error() {
    let v = search(&["no-such-waste-xyz"]);
    assert_eq!(v["entries"], serde_json::json!([]));
}

//! End-to-end tests of `yima scan`: the real binary on QR images.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A PNG of a QR code holding `text` that is not a Yima label, written into `dir`.
fn foreign_qr(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("foreign.png");
    let qr = yima_label::screen_qr_png(text).expect("a QR code");
    std::fs::write(&path, qr.png).expect("write");
    path
}

fn yima(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yima"))
        .args(args)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .output()
        .expect("yima runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    (out.status.code(), text(out.stdout), text(out.stderr))
}

#[test]
fn scan_reports_each_code_and_goes_on_past_a_bad_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let expected = "HTTPS://EXAMPLE.ORG/NOT-A-YIMA-LABEL";
    let photo = foreign_qr(dir.path(), expected);
    let photo = photo.to_str().expect("path");

    let (code, stdout, _) = yima(&["--json", "scan", photo]);
    assert_eq!(code, Some(0), "{stdout}");
    let v: Value = serde_json::from_str(&stdout).expect("one JSON value");
    let codes = v[0]["codes"].as_array().expect("codes");
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0]["text"], expected);
    assert_eq!(codes[0]["yima_label"], false);
    assert_eq!(codes[0]["payload_error"], "not_yima");

    let junk = dir.path().join("junk.png");
    std::fs::write(&junk, b"not an image").expect("write");
    let junk = junk.to_str().expect("path");
    let (code, stdout, stderr) = yima(&["--json", "scan", junk, photo, "/nonexistent/x.png"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let v: Value = serde_json::from_str(&stdout).expect("still one JSON value");
    assert_eq!(v[0]["error"]["kind"], "format");
    assert_eq!(v[1]["codes"][0]["text"], expected);
    assert_eq!(v[2]["error"]["kind"], "io");

    let (code, stdout, stderr) = yima(&["--lang", "zh", "scan", junk, photo]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("不是一码标签"), "{stdout}");
    assert!(stdout.contains("不支持的图像格式"), "{stdout}");
    assert!(stderr.contains("无法扫描"), "{stderr}");
}

#[test]
fn a_printed_label_verifies_where_its_producer_key_is_known() {
    let dir = tempfile::tempdir().expect("temp dir");
    let producer = dir.path().join("producer");
    let stranger = dir.path().join("stranger");
    let p = producer.to_str().expect("path");
    let s = stranger.to_str().expect("path");
    let init = |d: &str, code: &str| {
        let (c, out, err) = yima(&[
            "--data-dir",
            d,
            "init",
            "--role",
            "producer",
            "--org-name",
            "测试",
            "--credit-code",
            code,
        ]);
        assert_eq!(c, Some(0), "{out}{err}");
    };
    init(p, "91350100M000100Y43");
    init(s, "91130200699229617X");
    let (_, out, _) = yima(&[
        "--data-dir",
        p,
        "--json",
        "container",
        "new",
        "--waste-code",
        "900-041-49",
        "--weight",
        "10",
        "--unit",
        "kg",
        "--form",
        "solid",
        "--main-components",
        "矿物油",
        "--contact",
        "王磊",
        "--phone",
        "0591-87654321",
    ]);
    let code: Value = serde_json::from_str(&out).expect("json");
    let code = code["code"].as_str().expect("code").to_string();
    let png = dir.path().join("label.png");
    let (c, out, err) = yima(&[
        "--data-dir",
        p,
        "label",
        &code,
        "--format",
        "png",
        "--size",
        "100",
        "-o",
        png.to_str().expect("path"),
    ]);
    assert_eq!(c, Some(0), "{out}{err}");

    let verdict = |d: &str| {
        let (c, out, err) = yima(&[
            "--data-dir",
            d,
            "--json",
            "scan",
            png.to_str().expect("path"),
        ]);
        assert_eq!(c, Some(0), "{out}{err}");
        let v: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v[0]["codes"][0]["code"], code.as_str());
        v[0]["codes"][0]["verification"]
            .as_str()
            .expect("verdict")
            .to_string()
    };
    assert_eq!(verdict(p), "valid");
    assert_eq!(
        verdict(s),
        "key_unknown",
        "another device without the producer's key cannot check it yet"
    );
}

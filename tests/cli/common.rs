//! Running the binary, and a small world of devices that hand containers to each other.

#![allow(dead_code)]

use serde_json::Value;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (credit code, name) of the organisations the tests use.
pub type Org = (&'static str, &'static str);
pub const PRODUCER: Org = ("91350100M000100Y43", "福州示例化工有限公司");
pub const CARRIER: Org = ("91350100MA2XY80011", "闽运危险货物运输有限公司");
pub const CARRIER2: Org = ("91350200MA2XY80029", "厦运接驳运输有限公司");
pub const RECEIVER: Org = ("91350200MA3ABC8Q2E", "厦门绿源环保处置有限公司");
pub const REGULATOR: Org = ("91350100MA8RG0001M", "福州市生态环境局");
pub const MANIFEST: &str = "20263501000123";
pub const PERMIT: &str = "闽危废经许字 350200001 号";

/// What one run printed, and how it ended.
#[derive(Debug)]
pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Stdout as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {self:#?}"))
    }
}

/// Runs the binary with `LANG=C` (unless `env` says otherwise) and no inherited locale or
/// data directory.
pub fn yima(data_dir: Option<&Path>, env: &[(&str, &str)], args: &[&str]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_yima"));
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("YIMA_DATA_DIR")
        .env("LANG", "C");
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(d) = data_dir {
        cmd.arg("--data-dir").arg(d);
    }
    cmd.args(args);
    let o = cmd.output().expect("the yima binary runs");
    Out {
        code: o.status.code(),
        stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
    }
}

/// Whether `s` holds a CJK ideograph.
pub fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A time `days` from now, in RFC 3339.
pub fn days_from_now(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

/// One device: its data directory and its identity card.
pub struct Device {
    pub name: String,
    pub dir: PathBuf,
    pub card: PathBuf,
}

impl Device {
    /// `yima init` in `parent/name`, and its identity card written beside it.
    pub fn init(parent: &Path, name: &str, role: &str, org: Org, extra: &[&str]) -> Device {
        let dir = parent.join(name);
        let mut args = vec![
            "init",
            "--role",
            role,
            "--org-name",
            org.1,
            "--credit-code",
            org.0,
        ];
        args.extend_from_slice(extra);
        let out = yima(Some(&dir), &[], &args);
        assert!(out.success(), "init {name}: {out:#?}");
        let card = parent.join(format!("{name}.card.json"));
        let d = Device {
            name: name.into(),
            dir,
            card: card.clone(),
        };
        d.ok(&["identity", "-o", card.to_str().unwrap()]);
        d
    }

    pub fn run(&self, args: &[&str]) -> Out {
        yima(Some(&self.dir), &[], args)
    }

    pub fn run_env(&self, env: &[(&str, &str)], args: &[&str]) -> Out {
        yima(Some(&self.dir), env, args)
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.success(), "{} {args:?} failed: {out:#?}", self.name);
        out.stdout
    }

    /// Runs with `--json`, asserts success, parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = self.run(&a);
        assert!(out.success(), "{} {args:?} failed: {out:#?}", self.name);
        out.json()
    }

    /// Runs with `--json`, asserts failure and that stdout is exactly
    /// `{"error": {"kind": …, "message": …}}`; returns the error object.
    pub fn error(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = self.run(&a);
        assert!(
            !out.success(),
            "{} {args:?} should fail: {out:#?}",
            self.name
        );
        let v = out.json();
        let obj = v.as_object().expect("an object");
        assert_eq!(obj.len(), 1, "{v}");
        let e = v["error"].as_object().expect("an error object");
        assert!(e["kind"].is_string(), "{v}");
        assert!(!e["message"].as_str().unwrap_or_default().is_empty(), "{v}");
        assert!(!out.stderr.trim().is_empty(), "the error is also on stderr");
        v["error"].clone()
    }

    /// Registers a container; returns its code.
    pub fn new_container(&self, waste: &str, weight: &str, unit: &str, form: &str) -> String {
        self.new_container_with(waste, weight, unit, form, &[])
    }

    pub fn new_container_with(
        &self,
        waste: &str,
        weight: &str,
        unit: &str,
        form: &str,
        extra: &[&str],
    ) -> String {
        let mut args = new_args(waste, weight, unit, form);
        args.extend_from_slice(extra);
        let v = self.json(&args);
        let code = v["code"].as_str().expect("a code").to_string();
        assert_eq!(code.len(), 37, "{v}");
        code
    }

    /// A 25 kg drum of 900-041-49.
    pub fn drum(&self) -> String {
        self.new_container("900-041-49", "25", "kg", "solid")
    }

    /// `record weigh` of each container as labelled: the sender weighs before dispatch.
    pub fn weigh_as_labelled(&self, codes: &[&str]) {
        for code in codes {
            let q = &self.show(code)["label"]["quantity"];
            let milli = q["milli"].as_i64().expect("a quantity");
            let weight = format!("{}.{:03}", milli / 1000, milli % 1000);
            let unit = q["unit"].as_str().expect("a unit");
            self.json(&[
                "record",
                "weigh",
                code,
                "--weight",
                &weight,
                "--unit",
                unit,
                "--weigher",
                "王磊",
            ]);
        }
    }

    pub fn list(&self) -> Value {
        self.json(&["container", "list"])
    }

    pub fn show(&self, code: &str) -> Value {
        self.json(&["container", "show", code])
    }

    pub fn state(&self, code: &str) -> String {
        self.show(code)["state"].as_str().unwrap().to_string()
    }

    pub fn history(&self, code: &str) -> Value {
        self.json(&["history", code])
    }

    /// `verify --json`, whatever its outcome, with its exit code.
    pub fn verify(&self) -> (Option<i32>, Value) {
        let out = self.run(&["--json", "verify"]);
        (out.code, out.json())
    }

    /// Asserts `verify --json` is `{"ok": true, …}` with exit code 0.
    pub fn assert_verifies(&self) {
        let (code, v) = self.verify();
        assert_eq!(v["ok"], Value::Bool(true), "{}: {v:#}", self.name);
        assert_eq!(v["failures"], serde_json::json!([]), "{}: {v:#}", self.name);
        assert_eq!(code, Some(0), "{}", self.name);
    }

    /// Number of events stored.
    pub fn events(&self) -> u64 {
        self.verify().1["events"].as_u64().expect("an event count")
    }

    /// What must not change when a command is refused: the container list and the events.
    pub fn snapshot(&self) -> (Value, Value) {
        (self.list(), self.verify().1)
    }
}

/// A producer, two carriers, a receiver, and a working directory for handover files.
pub struct World {
    pub tmp: tempfile::TempDir,
    pub p: Device,
    pub c: Device,
    pub c2: Device,
    pub r: Device,
    files: Cell<u32>,
}

impl World {
    pub fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let p = Device::init(tmp.path(), "producer", "producer", PRODUCER, &[]);
        let c = Device::init(tmp.path(), "carrier", "carrier", CARRIER, &[]);
        let c2 = Device::init(tmp.path(), "carrier2", "carrier", CARRIER2, &[]);
        let r = Device::init(tmp.path(), "receiver", "receiver", RECEIVER, &[]);
        World {
            tmp,
            p,
            c,
            c2,
            r,
            files: Cell::new(0),
        }
    }

    /// A fresh file name in the working directory.
    pub fn file(&self, what: &str) -> PathBuf {
        let n = self.files.get() + 1;
        self.files.set(n);
        self.tmp.path().join(format!("{n:03}-{what}.json"))
    }

    pub fn devices(&self) -> [&Device; 4] {
        [&self.p, &self.c, &self.c2, &self.r]
    }

    /// `verify --json` is ok on every device.
    pub fn verify_all(&self) {
        for d in self.devices() {
            d.assert_verifies();
        }
    }

    /// The giver runs `record <step> <args> --to <taker's card> -o offer`; returns the offer file.
    pub fn offer(&self, giver: &Device, taker: &Device, step_args: &[&str]) -> PathBuf {
        let offer = self.file("offer");
        let mut args = vec!["record"];
        args.extend_from_slice(step_args);
        args.extend([
            "--to",
            taker.card.to_str().unwrap(),
            "-o",
            offer.to_str().unwrap(),
        ]);
        let v = giver.json(&args);
        assert_eq!(v["ok"], Value::Bool(true), "{v}");
        offer
    }

    /// A whole handover: offer, `handover accept` by the taker, `handover confirm` by the giver.
    /// Returns the event id.
    pub fn handover(&self, giver: &Device, taker: &Device, step_args: &[&str]) -> String {
        let offer = self.offer(giver, taker, step_args);
        let ack = self.file("ack");
        let v = taker.json(&[
            "handover",
            "accept",
            offer.to_str().unwrap(),
            "-o",
            ack.to_str().unwrap(),
        ]);
        let id = v["value"].as_str().unwrap().to_string();
        let w = giver.json(&["handover", "confirm", ack.to_str().unwrap()]);
        assert_eq!(w["value"].as_str(), Some(id.as_str()));
        id
    }
}

/// `record dispatch` arguments for `codes` under [`MANIFEST`], carrier [`CARRIER`],
/// receiver [`RECEIVER`]. The sender must have weighed them first
/// ([`Device::weigh_as_labelled`]).
pub fn dispatch_args<'a>(codes: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["record", "dispatch"];
    a.extend_from_slice(codes);
    a.extend([
        "--manifest",
        MANIFEST,
        "--carrier-code",
        CARRIER.0,
        "--carrier-name",
        CARRIER.1,
        "--receiver-code",
        RECEIVER.0,
        "--receiver-name",
        RECEIVER.1,
        "--receiver-permit",
        PERMIT,
        "--facility",
        "WS-01",
    ]);
    a
}

/// `pickup` step arguments (without `record`).
pub fn pickup_args<'a>(codes: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["pickup"];
    a.extend_from_slice(codes);
    a.extend([
        "--manifest",
        MANIFEST,
        "--vehicle",
        "闽A·D1234",
        "--driver",
        "陈师傅",
        "--permit",
        "闽交运管许可榕字 350100000001 号",
    ]);
    a
}

/// Registers, stores, weighs and dispatches `n` drums at the world's producer.
pub fn dispatched(w: &World, n: usize) -> Vec<String> {
    let codes: Vec<String> = (0..n).map(|_| w.p.drum()).collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let mut store = vec!["record", "store"];
    store.extend_from_slice(&refs);
    store.extend(["--facility", "WS-01"]);
    w.p.json(&store);
    w.p.weigh_as_labelled(&refs);
    w.p.json(&dispatch_args(&refs));
    codes
}

/// Lines of a CSV text (with quotes) as fields.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The arguments of `yima container new` with its four required fields.
pub fn new_args<'a>(waste: &'a str, weight: &'a str, unit: &'a str, form: &'a str) -> Vec<&'a str> {
    vec![
        "container",
        "new",
        "--waste-code",
        waste,
        "--weight",
        weight,
        "--unit",
        unit,
        "--form",
        form,
        "--main-components",
        "矿物油、棉纤维",
        "--contact",
        "王磊",
        "--phone",
        "0591-87654321",
    ]
}

//! `yima scan FILE...`: every QR code in each photo, and whether it is a Yima label.
//!
//! A file that cannot be scanned (missing, not PNG/JPEG, over 12 MP, broken) is reported and
//! the run goes on to the next file; the command exits with status 1 at the end if any file
//! could not be scanned (with `--json`, stdout is one array whose failed files carry their
//! error). A code that is not a Yima label is reported with its text, never an error.
//! A label's signature is checked against the keys this device knows (its own, those learned
//! in handovers and those synced from the registry): verified, forged, or "not checkable
//! yet" when the producer's key is unknown here.

use crate::cli::Cli;
use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use yima_codes::Lang;
use yima_core::{KeyId, PayloadErrorKind, PublicKey};
use yima_device::{check_label_with, LabelCheck};
use yima_scan::{Effort, Found};

use crate::print::t;

/// One code as JSON and as a line for a person.
fn describe(found: &Found, keys: &HashMap<KeyId, PublicKey>, lang: Lang) -> (Value, String) {
    let corners: Vec<[f32; 2]> = found.corners.iter().map(|p| [p.x, p.y]).collect();
    let mut v = json!({
        "text": found.text,
        "corners": corners,
        "decoder": found.decoder,
    });
    let line = match check_label_with(keys, &found.text) {
        Ok(label) => {
            v["yima_label"] = json!(true);
            v["code"] = json!(label.code.to_string());
            v["quantity"] = json!(label.quantity);
            v["verification"] = json!(label.check);
            let key = match label.check {
                LabelCheck::Valid => "cli.msg.signature_valid",
                LabelCheck::Forged => "cli.msg.label_forged",
                LabelCheck::KeyUnknown => "cli.msg.label_key_unknown",
            };
            let what = t(lang, "cli.msg.yima_label");
            format!("{what}{} {} — {}", label.code, label.quantity, t(lang, key))
        }
        Err(e) => {
            v["yima_label"] = json!(false);
            v["payload_error"] = json!(e.kind());
            v["message"] = json!(e.message(lang));
            match e.kind() {
                PayloadErrorKind::NotYima => {
                    format!("{}{}", t(lang, "cli.msg.not_a_yima_label"), found.text)
                }
                _ => e.message(lang),
            }
        }
    };
    (v, line)
}

/// Scans each file and prints what it holds.
pub fn scan(cli: &Cli, files: &[PathBuf], lang: Lang) -> Result<()> {
    if files.is_empty() {
        bail!("{}", t(lang, "cli.msg.no_image_file_given"));
    }
    // Keys to check labels with: those of this device's store, if it has one.
    let keys: HashMap<KeyId, PublicKey> = match crate::args::open(cli) {
        Ok(mut device) => device.label_keys()?,
        Err(_) => HashMap::new(),
    };
    let mut report = Vec::new();
    let mut failed = 0;
    for path in files {
        let name = path.display().to_string();
        match yima_scan::scan_file_with(path, Effort::Exhaustive) {
            Ok(found) => {
                let described: Vec<_> = found.iter().map(|f| describe(f, &keys, lang)).collect();
                if !cli.json {
                    let count = found.len();
                    println!("{name}: {count} {}", t(lang, "cli.msg.qr_code_s"));
                    for (_, line) in &described {
                        println!("  {line}");
                    }
                }
                let codes: Vec<Value> = described.into_iter().map(|(v, _)| v).collect();
                report.push(json!({ "file": name, "codes": codes }));
            }
            Err(e) => {
                failed += 1;
                if !cli.json {
                    println!("{name}: {}", e.message(lang));
                }
                report.push(json!({
                    "file": name,
                    "error": { "kind": e.kind(), "message": e.message(lang) },
                }));
            }
        }
    }
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        if failed > 0 {
            // Stdout stays one JSON value (each failed file carries its error); the exit
            // status still says that not every file could be scanned.
            use std::io::Write;
            std::io::stdout().flush()?;
            std::process::exit(1);
        }
    }
    if failed > 0 {
        bail!(
            "{failed}/{} {}",
            files.len(),
            t(lang, "cli.msg.file_s_could_not_be_scanned")
        );
    }
    Ok(())
}

//! `yima road`: road control. A carrier shows a pass (`road pass`, text and QR code); an
//! inspector reads it (`road check`) offline — with this device's keys when it has a data
//! directory, with none otherwise — and, asked to, from the registry with no account.

use crate::args::{data_dir, manifest_number, open};
use crate::cli::{Cli, RoadCommand};
use crate::print::t;
use anyhow::Result;
use std::path::Path;
use yima_codes::Lang;
use yima_core::{format_milli, Timestamp, ROAD_PASS_PREFIX};
use yima_device::{Device, PassKey, RoadPassView, SystemClock};
use yima_protocol::{RoadCheck, RoadStanding};
use yima_sync::{Registry, SyncOptions};

/// Runs `yima road …`.
pub fn run(cli: &Cli, command: &RoadCommand, lang: Lang) -> Result<()> {
    match command {
        RoadCommand::Pass {
            manifest,
            minutes,
            output,
        } => {
            let shown = open(cli)?.road_pass(&manifest_number(manifest)?, Some(*minutes))?;
            if let Some(path) = output {
                crate::handover::write_qr(path, &shown.text, lang)?;
            }
            if cli.json {
                println!("{}", serde_json::to_string(&shown)?);
            } else {
                println!("{}", shown.text);
                println!(
                    "{} {} · {} {} · {} {}",
                    t(lang, "cli.msg.road.manifest"),
                    shown.manifest,
                    t(lang, "cli.msg.road.containers"),
                    shown.containers,
                    t(lang, "cli.msg.road.valid_until"),
                    Timestamp(shown.expires_at)
                );
            }
        }
        RoadCommand::Check {
            pass,
            online,
            registry,
        } => {
            let text = pass_text(pass)?;
            let dir = data_dir(cli)?;
            let mut device = dir
                .join(yima_device::STORE_FILE)
                .exists()
                .then(|| Device::open(&dir, SystemClock))
                .transpose()?;
            let view = match device.as_mut() {
                Some(d) => d.read_road_pass(&text)?,
                None => yima_device::read_road_pass(&text, now())?,
            };
            let url = match (registry, online) {
                (Some(url), _) => Some(url.clone()),
                (None, true) => {
                    let Some(d) = device.as_mut() else {
                        return Err(crate::args::bad(
                            "--online needs this device's registry: give --registry URL".into(),
                            "--online 需要本设备的登记系统：请给出 --registry URL".into(),
                        ));
                    };
                    d.registry()?.map(|(url, _)| url)
                }
                (None, false) => None,
            };
            let check = match url {
                Some(url) => {
                    let kept = yima_sync::kept_ca(&dir)?;
                    let registry = Registry::new(
                        &url,
                        SyncOptions {
                            extra_ca_pem: kept,
                            ..SyncOptions::default()
                        },
                    )?;
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    Some(rt.block_on(registry.check_road_pass(&text))?)
                }
                None => None,
            };
            if cli.json {
                println!("{}", serde_json::json!({ "pass": view, "registry": check }));
            } else {
                show(&view, check.as_ref(), lang);
            }
            if check.is_some_and(|c| c.confirmed() < c.lines.len()) {
                std::process::exit(1);
            }
        }
    }
    Ok(())
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

/// The pass's text: given as text, or the one road pass QR code in an image file.
fn pass_text(pass: &str) -> Result<String> {
    if pass.trim().starts_with(ROAD_PASS_PREFIX) {
        return Ok(pass.trim().to_string());
    }
    let path = Path::new(pass);
    let found: Vec<String> = crate::handover::texts(path)?
        .into_iter()
        .filter(|t| t.starts_with(ROAD_PASS_PREFIX))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(crate::args::bad(
            format!("no single road pass QR code in {}", path.display()),
            format!("{} 中没有唯一的路检通行码", path.display()),
        )),
    }
}

fn show(view: &RoadPassView, check: Option<&RoadCheck>, lang: Lang) {
    println!(
        "{} {} · {} {}{} · {} {}",
        t(lang, "cli.msg.road.manifest"),
        view.manifest,
        t(lang, "cli.msg.road.carrier"),
        view.carrier,
        view.carrier_name
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        t(lang, "cli.msg.road.plate"),
        view.vehicle_plate
    );
    println!(
        "{} {} → {} · {} {}",
        t(lang, "cli.msg.road.sender"),
        view.sender,
        view.receiver,
        t(lang, "cli.msg.road.valid_until"),
        Timestamp(view.expires_at)
    );
    let key = match view.key {
        PassKey::Known => "cli.msg.road.key_known",
        PassKey::Unknown => "cli.msg.road.key_unknown",
    };
    println!(
        "{} {}: {}",
        t(lang, "cli.msg.road.key"),
        view.key_id,
        t(lang, key)
    );
    for l in &view.lines {
        let registry = check.map(|c| {
            match c
                .lines
                .iter()
                .find(|r| r.code.as_str() == l.code)
                .map(|r| &r.registry)
            {
                Some(RoadStanding::InTransit { quantity, .. }) => format!(
                    " · {} {} {}",
                    t(lang, "cli.msg.road.confirmed"),
                    format_milli(quantity.milli),
                    quantity.unit.symbol()
                ),
                _ => format!(" · {}", t(lang, "cli.msg.road.not_confirmed")),
            }
        });
        println!(
            "  {} {} {} {}{}",
            l.code,
            l.waste_code,
            l.waste_name,
            l.quantity,
            registry.unwrap_or_default()
        );
    }
    if let Some(c) = check {
        println!(
            "{}: {}/{} · {} {} → {}",
            t(lang, "cli.msg.road.registry"),
            c.confirmed(),
            c.lines.len(),
            t(lang, "cli.msg.road.sender"),
            c.sender.name,
            c.receiver.name
        );
    }
}

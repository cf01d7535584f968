//! `yima record <step>`: each step of a container's life, and handover offers.

use crate::args::*;

use crate::cli::{Cli, RecordStep, When};
use crate::print;
use anyhow::Result;
use std::path::Path;
use yima_codes::Lang;
use yima_device::{Action, HandoverStep, IdentityCard, ManifestForm};
use yima_scale::{Captured, Protocol, Scale};

pub(crate) fn offer(
    cli: &Cli,
    codes_: &[String],
    to: &Path,
    output: Option<&Path>,
    step: HandoverStep,
    when: &When,
    lang: Lang,
) -> Result<()> {
    let taker: IdentityCard = crate::handover::identity(to, lang)?;
    let at = when.at.as_deref().map(time).transpose()?;
    let (cs, place) = (codes(codes_)?, when.location.clone());
    let mut device = open(cli)?;
    let Some(output) = output else {
        let sent = device.offer_handover_online(&cs, &taker, step, at, place)?;
        print::done(
            lang,
            cli.json,
            "cli.msg.online_offer_queued",
            &sent.id.to_string(),
        );
        return Ok(());
    };
    if crate::handover::is_png(output) {
        let offer = device.offer_handover_qr(&cs, &taker, step, at, place)?;
        let version = crate::handover::write_qr(output, &offer.to_text(), lang)?;
        if cli.json {
            println!(
                "{}",
                serde_json::json!({ "ok": true, "qr_version": version, "containers": offer.count() })
            );
        } else {
            println!(
                "{}: {} ({} {version})",
                crate::print::t(
                    lang,
                    "cli.msg.handover_offer_qr_signed_and_written_show_it_to"
                ),
                output.display(),
                crate::print::t(lang, "cli.msg.qr_version"),
            );
        }
        return Ok(());
    }
    let offer = device.offer_handover(&cs, &taker, step, at, place)?;
    write_json(output, &offer, lang)?;
    print::done(
        lang,
        cli.json,
        "cli.msg.handover_offer_signed_and_written_give_it_to_the",
        &offer.event.id.to_string(),
    );
    Ok(())
}

/// `yima handover offer <step>`: the handover steps of `yima record`.
pub(crate) fn offer_step(cli: &Cli, step: &RecordStep, lang: Lang) -> Result<()> {
    match step {
        RecordStep::Pickup { .. }
        | RecordStep::Handover { .. }
        | RecordStep::Receive { .. }
        | RecordStep::Return { .. } => record(cli, step, lang),
        _ => Err(crate::args::bad(
            "only pickup, handover, receive and return are handovers".into(),
            "只有 pickup、handover、receive、return 是交接步骤".into(),
        )),
    }
}

pub(crate) fn record(cli: &Cli, step: &RecordStep, lang: Lang) -> Result<()> {
    let single = |a: Action, c: &[String], w: &When| -> Result<()> {
        let e = open(cli)?.record(&request(codes(c)?, a, w)?)?;
        print::event(&e, lang, cli.json);
        Ok(())
    };
    match step {
        RecordStep::Store {
            codes: c,
            facility,
            when,
        } => single(
            Action::Store {
                facility_code: facility.clone(),
            },
            c,
            when,
        ),
        RecordStep::Dispatch {
            codes: c,
            manifest,
            carrier_code,
            carrier_name,
            receiver_code,
            receiver_name,
            receiver_permit,
            mode: m,
            emergency,
            facility,
            when,
        } => {
            let manifest = open(cli)?.transfer_manifest(&ManifestForm {
                number: manifest.clone(),
                carrier_code: carrier_code.clone(),
                carrier_name: carrier_name.clone(),
                receiver_code: receiver_code.clone(),
                receiver_name: receiver_name.clone(),
                receiver_permit: receiver_permit.clone(),
                mode: m.clone(),
                emergency_measures: emergency.clone(),
            })?;
            single(
                Action::Dispatch {
                    manifest,
                    facility_code: facility.clone(),
                },
                c,
                when,
            )
        }
        RecordStep::Pickup {
            codes: c,
            manifest,
            vehicle,
            driver,
            permit,
            offer: o,
            when,
        } => {
            let step = HandoverStep::Pickup {
                manifest: manifest_number(manifest)?,
                vehicle_plate: vehicle.clone(),
                driver: driver.clone(),
                permit: permit.clone(),
            };
            offer(cli, c, &o.to, o.output.as_deref(), step, when, lang)
        }
        RecordStep::Handover {
            codes: c,
            manifest,
            vehicle,
            driver,
            permit,
            place,
            offer: o,
            when,
        } => {
            let step = HandoverStep::Relay {
                manifest: manifest_number(manifest)?,
                vehicle_plate: vehicle.clone(),
                driver: driver.clone(),
                permit: permit.clone(),
                place: place.clone(),
            };
            offer(cli, c, &o.to, o.output.as_deref(), step, when, lang)
        }
        RecordStep::Receive {
            codes: c,
            manifest,
            offer: o,
            when,
        } => offer(
            cli,
            c,
            &o.to,
            o.output.as_deref(),
            HandoverStep::Receive {
                manifest: manifest_number(manifest)?,
            },
            when,
            lang,
        ),
        RecordStep::Return {
            codes: c,
            reason,
            offer: o,
            when,
        } => offer(
            cli,
            c,
            &o.to,
            o.output.as_deref(),
            HandoverStep::Return {
                reason: reason.clone(),
            },
            when,
            lang,
        ),
        RecordStep::Weigh {
            code,
            weight,
            unit,
            weigher,
            weighed_with,
            scale,
            when,
        } => {
            let (measured, scale) = match (&scale.scale_port, weight, unit) {
                (Some(port), _, _) => {
                    let captured = read_scale(port, scale, lang)?;
                    (captured.quantity, Some(captured.scale))
                }
                (None, Some(weight), Some(unit)) => (quantity(weight, unit)?, None),
                // clap requires --weight and --unit without --scale-port.
                (None, _, _) => unreachable!("--weight and --unit are required"),
            };
            single(
                Action::Weigh {
                    measured,
                    method: yima_device::parse_weigh_method(weighed_with)?,
                    scale,
                    weigher: weigher.clone(),
                },
                std::slice::from_ref(code),
                when,
            )
        }
        RecordStep::Accept { codes: c, when } => {
            // One event per container, all stored or none.
            let reqs = codes(c)?
                .into_iter()
                .map(|code| request(vec![code], Action::Accept { quantity: None }, when))
                .collect::<Result<Vec<_>>>()?;
            for e in open(cli)?.record_all(&reqs)? {
                print::event(&e, lang, cli.json);
            }
            Ok(())
        }
        RecordStep::Refuse {
            code,
            reason,
            accepted,
            refused,
            unit,
            when,
        } => {
            let action = match (accepted, refused) {
                (Some(a), Some(r)) => Action::PartlyRefuse {
                    accepted: quantity(a, unit)?,
                    refused: quantity(r, unit)?,
                    reason: reason.clone(),
                },
                _ => Action::Refuse {
                    reason: reason.clone(),
                },
            };
            single(action, std::slice::from_ref(code), when)
        }
        RecordStep::Dispose {
            codes: c,
            method,
            mode: m,
            completed_at,
            when,
        } => {
            let action = Action::Dispose {
                mode: m.as_deref().map(mode).transpose()?,
                method: method.clone(),
                completed_at: completed_at.as_deref().map(time).transpose()?,
            };
            single(action, c, when)
        }
        RecordStep::Merge {
            codes: c,
            weight,
            unit,
            when,
        } => {
            let q = match (weight, unit) {
                (Some(w), Some(u)) => Some(quantity(w, u)?),
                _ => None,
            };
            let e = open(cli)?.record(&request(codes(c)?, Action::Merge { quantity: q }, when)?)?;
            print::new_codes(&e, lang, cli.json);
            Ok(())
        }
        RecordStep::Split {
            code,
            parts,
            unit,
            when,
        } => {
            let parts = parts
                .iter()
                .map(|p| quantity(p, unit))
                .collect::<Result<Vec<_>>>()?;
            let e = open(cli)?.record(&request(
                codes(std::slice::from_ref(code))?,
                Action::Split { parts },
                when,
            )?)?;
            print::new_codes(&e, lang, cli.json);
            Ok(())
        }
        RecordStep::ReturnRefused { code, when } => {
            let e = open(cli)?.record(&request(
                codes(std::slice::from_ref(code))?,
                Action::ReturnRefusedPart,
                when,
            )?)?;
            print::new_codes(&e, lang, cli.json);
            Ok(())
        }
        RecordStep::Correct {
            code,
            event,
            reason,
            set,
            when,
        } => {
            let corrects = event.trim().parse().map_err(|e: yima_core::KeyError| {
                bad(e.to_string(), format!("事件标识无效：{e}"))
            })?;
            let mut changes = std::collections::BTreeMap::new();
            for kv in set {
                let (k, v) = kv.split_once('=').ok_or_else(|| {
                    bad(
                        format!("{kv:?} is not field=value"),
                        format!("{kv:?} 不是 字段=值 的形式"),
                    )
                })?;
                changes.insert(k.trim().to_string(), v.trim().to_string());
            }
            single(
                Action::Correct {
                    corrects,
                    reason: reason.clone(),
                    changes,
                },
                std::slice::from_ref(code),
                when,
            )
        }
        RecordStep::Void {
            codes: c,
            reason,
            weight,
            unit,
            when,
        } => {
            let quantity = match (weight, unit) {
                (Some(w), Some(u)) => Some(quantity(w, u)?),
                _ => None,
            };
            single(
                Action::Void {
                    reason: reason.clone(),
                    quantity,
                },
                c,
                when,
            )
        }
    }
}

/// Captures a settled weight from the scale on `port` (the capture is `yima-scale`'s).
fn read_scale(port: &str, args: &crate::cli::ScaleArgs, lang: Lang) -> Result<Captured> {
    let protocol: Protocol = args.scale_protocol.parse().map_err(|p: String| {
        bad(
            format!("unknown scale protocol {p:?}: expected generic, mettler or toledo"),
            format!("未知的电子秤通信协议 {p:?}：应为 generic、mettler 或 toledo"),
        )
    })?;
    let mut scale = Scale::open(port, args.baud, protocol)?;
    if let Some(name) = &args.scale_name {
        scale = scale.named(name);
    }
    eprintln!(
        "{} {}",
        print::t(lang, "cli.msg.reading_scale"),
        scale.identity()
    );
    let timeout = std::time::Duration::from_secs(args.scale_timeout);
    Ok(scale.capture(timeout)?)
}

//! Each command: parse its arguments into a use-case request, call the use case, print.

use crate::cli::{
    CatalogueCommand, Cli, Command, ContainerCommand, HandoverCommand, LedgerCommand, RecordStep,
    When,
};
use crate::print::{self, t};
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use yima_codes::{Catalogue, CreditCode, LabelCode, Lang, ManifestNumber};
use yima_core::{Party, Quantity, Role, Timestamp, TransferManifest, TreatmentMode, Unit};
use yima_device::{
    Action, ActionRequest, Device, DeviceError, ErrorKind, HandoverAck, HandoverOffer,
    HandoverStep, IdentityCard, InitRequest, NewContainer, SystemClock,
};

type Dev = Device<SystemClock>;

fn data_dir(cli: &Cli) -> Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    let base = dirs::data_dir()
        .ok_or_else(|| anyhow!("no data directory on this platform: pass --data-dir"))?;
    Ok(base.join("yima"))
}

pub(crate) fn open(cli: &Cli) -> Result<Dev> {
    Ok(Device::open(&data_dir(cli)?, SystemClock)?)
}

fn bad(en: String, zh: String) -> anyhow::Error {
    DeviceError::bilingual(ErrorKind::BadInput, en, zh).into()
}

fn codes(list: &[String]) -> Result<Vec<LabelCode>> {
    if list.is_empty() {
        return Err(bad(
            "no container code given".into(),
            "未指定容器编码".into(),
        ));
    }
    list.iter()
        .map(|c| Ok(c.trim().parse::<LabelCode>().map_err(DeviceError::from)?))
        .collect()
}

fn time(text: &str) -> Result<Timestamp> {
    let t = chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        bad(
            format!("{text:?} is not an RFC 3339 time ({e})"),
            format!("{text:?} 不是 RFC 3339 时间格式（{e}）"),
        )
    })?;
    Ok(Timestamp::from_datetime(t.to_utc()))
}

fn quantity(amount: &str, unit: &str) -> Result<Quantity> {
    let unit: Unit = unit.parse().map_err(DeviceError::from)?;
    Ok(Quantity::parse(amount, unit).map_err(DeviceError::from)?)
}

fn mode(text: &str) -> Result<TreatmentMode> {
    match text.trim() {
        "use" | "利用" => Ok(TreatmentMode::Use),
        "disposal" | "处置" => Ok(TreatmentMode::Disposal),
        other => Err(bad(
            format!("unknown mode {other:?}: expected use or disposal"),
            format!("未知方式 {other:?}：应为 use（利用）或 disposal（处置）"),
        )),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, lang: Lang) -> Result<T> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{} {}", t(lang, "无法读取", "cannot read"), path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        DeviceError::bilingual(
            ErrorKind::BadHandover,
            format!("{} is not a valid Yima file: {e}", path.display()),
            format!("{} 不是有效的 Yima 文件：{e}", path.display()),
        )
        .into()
    })
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}

fn request(codes: Vec<LabelCode>, action: Action, when: &When) -> Result<ActionRequest> {
    Ok(ActionRequest {
        codes,
        action,
        at: when.at.as_deref().map(time).transpose()?,
        location: when.location.clone(),
    })
}

fn party(code: &str, name: &str) -> Result<Party> {
    let credit_code: CreditCode = code.trim().parse().map_err(DeviceError::from)?;
    Ok(Party {
        credit_code,
        name: name.trim().to_string(),
    })
}

fn manifest_number(text: &str) -> Result<ManifestNumber> {
    Ok(text
        .trim()
        .parse::<ManifestNumber>()
        .map_err(DeviceError::from)?)
}

/// Runs the command line.
pub fn run(cli: &Cli) -> Result<()> {
    let lang = cli.lang();
    match &cli.command {
        Command::Init {
            role,
            org_name,
            credit_code,
            org_roles,
            seq_block,
        } => {
            let role: Role = role.parse().map_err(|e: yima_core::UnknownRole| {
                bad(
                    e.to_string(),
                    format!(
                        "未知角色 {:?}：应为 producer、carrier、receiver 或 regulator",
                        e.0
                    ),
                )
            })?;
            let mut req = InitRequest::new(role, org_name, credit_code);
            if let Some(list) = org_roles {
                req.org_roles = list
                    .split(',')
                    .map(|r| {
                        r.parse::<Role>()
                            .map_err(|e| bad(e.to_string(), format!("未知角色 {:?}", e.0)))
                    })
                    .collect::<Result<_>>()?;
            }
            req.seq_block = seq_block.clone();
            let dir = data_dir(cli)?;
            let mut dev = Device::init(&dir, &req, SystemClock)?;
            print::identity(&dev.identity()?, &dir, lang, cli.json);
        }
        Command::Identity { output } => {
            let card = open(cli)?.identity()?;
            match output {
                Some(path) => write_json(path, &card)?,
                None => println!("{}", serde_json::to_string_pretty(&card)?),
            }
        }
        Command::Trust { card } => {
            let card: IdentityCard = read_json(card, lang)?;
            let added = open(cli)?.add_known(&card)?;
            print::done(
                lang,
                cli.json,
                if added {
                    ("已信任", "trusted")
                } else {
                    ("已是信任的密钥", "already trusted")
                },
                &card.key.short(),
            );
        }
        Command::Catalogue {
            command: CatalogueCommand::Search { text },
        } => {
            let catalogue = Catalogue::latest();
            let hits = catalogue.search(&text.join(" "));
            print::catalogue(&catalogue, &hits, lang, cli.json);
        }
        Command::Container { command } => match command {
            ContainerCommand::New(a) => {
                let req = NewContainer {
                    waste_code: a.waste_code.clone(),
                    amount: a.weight.clone(),
                    unit: a.unit.clone(),
                    form: a.form.clone(),
                    name: a.name.clone(),
                    hazards: a.hazards.clone(),
                    main_components: a.main_components.clone(),
                    harmful_components: a.harmful_components.clone(),
                    precautions: a.precautions.clone(),
                    contact: a.contact.clone(),
                    phone: a.phone.clone(),
                    container_type: a.container_type.clone(),
                    facility_code: a.facility.clone(),
                    remarks: a.remarks.clone(),
                    at: a.when.at.as_deref().map(time).transpose()?,
                    location: a.when.location.clone(),
                };
                let label = open(cli)?.register(&req)?;
                if cli.json {
                    println!("{}", serde_json::json!({ "code": label.code.as_str() }));
                } else {
                    println!("{}", label.code);
                }
            }
            ContainerCommand::Show { code } => {
                let view = open(cli)?.container(&codes(std::slice::from_ref(code))?[0])?;
                print::container(&view, lang, cli.json);
            }
            ContainerCommand::List => print::containers(&open(cli)?.containers()?, lang, cli.json),
        },
        Command::History { code } => {
            let code = &codes(std::slice::from_ref(code))?[0];
            let mut dev = open(cli)?;
            let history = dev.history(code)?;
            let check = dev.verify(Some(code))?;
            print::history(code, &history, &check, lang, cli.json);
        }
        Command::Record { step } => record(cli, step, lang)?,
        Command::Handover { command } => match command {
            HandoverCommand::Accept { offer, output } => {
                let offer: HandoverOffer = read_json(offer, lang)?;
                let ack = open(cli)?.accept_handover(&offer)?;
                write_json(output, &ack)?;
                print::done(
                    lang,
                    cli.json,
                    (
                        "已接收并会签，确认文件已写出",
                        "accepted and countersigned; acknowledgement written",
                    ),
                    &ack.event.id.to_string(),
                );
            }
            HandoverCommand::Confirm { ack } => {
                let ack: HandoverAck = read_json(ack, lang)?;
                let event = open(cli)?.confirm_handover(&ack)?;
                print::done(
                    lang,
                    cli.json,
                    (
                        "交接已确认（双方签名）",
                        "handover confirmed (signed by both)",
                    ),
                    &event.id.to_string(),
                );
            }
        },
        Command::Verify { code } => {
            let code = code
                .as_ref()
                .map(|c| codes(std::slice::from_ref(c)))
                .transpose()?;
            let result = open(cli)?.verify(code.as_ref().map(|c| &c[0]))?;
            print::verify(&result, lang, cli.json);
            if !result.ok {
                std::process::exit(1);
            }
        }
        Command::Ledger {
            command: LedgerCommand::Export { format, output },
        } => {
            if format != "csv" {
                return Err(bad(
                    format!("unknown ledger format {format:?}: csv is supported"),
                    format!("未知台账格式 {format:?}：支持 csv"),
                ));
            }
            let mut file = std::fs::File::create(output)
                .with_context(|| format!("cannot create {}", output.display()))?;
            let n = open(cli)?.write_ledger_csv(&mut file, lang)?;
            file.sync_all()?;
            print::done(
                lang,
                cli.json,
                ("台账记录已导出", "ledger records exported"),
                &n.to_string(),
            );
        }
        Command::Enrol {
            registry,
            code,
            insecure_http,
        } => crate::sync::enrol(cli, registry, code, *insecure_http, lang)?,
        Command::Sync { insecure_http } => crate::sync::sync(cli, *insecure_http, lang)?,
        Command::Label(args) => label(cli, args, lang)?,
        Command::Scan { files } => crate::scan::scan(cli, files, lang)?,
        Command::Demo { dir } => {
            let temp;
            let base = match dir {
                Some(d) => d.clone(),
                None => {
                    temp = tempfile::tempdir()?;
                    temp.path().to_path_buf()
                }
            };
            let report = yima_device::run_demo(&base)?;
            print::demo(&report, &base, lang, cli.json);
            if report.verification.values().any(|v| !v.ok) {
                bail!("the demo's records do not verify");
            }
        }
    }
    Ok(())
}

fn offer(
    cli: &Cli,
    codes_: &[String],
    to: &Path,
    output: &Path,
    step: HandoverStep,
    when: &When,
    lang: Lang,
) -> Result<()> {
    let taker: IdentityCard = read_json(to, lang)?;
    let at = when.at.as_deref().map(time).transpose()?;
    let offer =
        open(cli)?.offer_handover(&codes(codes_)?, &taker, step, at, when.location.clone())?;
    write_json(output, &offer)?;
    print::done(
        lang,
        cli.json,
        (
            "交接邀请已签名并写出，请交给接收方",
            "handover offer signed and written: give it to the taker",
        ),
        &offer.event.id.to_string(),
    );
    Ok(())
}

fn record(cli: &Cli, step: &RecordStep, lang: Lang) -> Result<()> {
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
            let manifest = TransferManifest {
                number: manifest_number(manifest)?,
                sender: open(cli)?.identity()?.org,
                carrier: party(carrier_code, carrier_name)?,
                receiver: party(receiver_code, receiver_name)?,
                receiver_permit: receiver_permit.trim().into(),
                mode: mode(m)?,
                emergency_measures: emergency.trim().into(),
            };
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
            offer(cli, c, &o.to, &o.output, step, when, lang)
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
            offer(cli, c, &o.to, &o.output, step, when, lang)
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
            &o.output,
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
            &o.output,
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
            when,
        } => single(
            Action::Weigh {
                measured: quantity(weight, unit)?,
            },
            std::slice::from_ref(code),
            when,
        ),
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
            when,
        } => single(
            Action::Void {
                reason: reason.clone(),
            },
            c,
            when,
        ),
    }
}

/// `yima label`: each container's label signed by this device, written as files.
fn label(cli: &Cli, args: &crate::cli::LabelArgs, lang: Lang) -> Result<()> {
    use crate::cli::{LabelFormatArg, LabelSizeArg};
    use yima_label::{Format, LabelSize};
    let format = match args.format {
        LabelFormatArg::Svg => Format::Svg,
        LabelFormatArg::Png => Format::Png,
        LabelFormatArg::Pdf => Format::Pdf,
    };
    let size = match args.size {
        LabelSizeArg::Mm100 => LabelSize::Mm100,
        LabelSizeArg::Mm150 => LabelSize::Mm150,
        LabelSizeArg::Mm200 => LabelSize::Mm200,
    };
    let mut dev = open(cli)?;
    let mut labels = Vec::new();
    for code in codes(&args.codes)? {
        let (label, payload) = dev.label_payload(&code)?;
        let missing: String = yima_label::missing_chars(&label).into_iter().collect();
        if !missing.is_empty() {
            eprintln!(
                "{}: {code}: {missing}",
                t(
                    lang,
                    "警告：标签字体缺少这些字，将印成方框",
                    "warning: the label font lacks these characters (printed as boxes)"
                )
            );
        }
        labels.push((label, payload));
    }
    let rendered = |e: yima_label::RenderError| anyhow!(e.message(lang));
    let write = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes)
            .with_context(|| format!("{} {}", t(lang, "无法写入", "cannot write"), path.display()))
    };
    let mut written = Vec::new();
    if format == Format::Pdf && labels.len() > 1 {
        write(
            &args.output,
            &yima_label::pdf_sheet(&labels, size).map_err(rendered)?,
        )?;
        written.push(args.output.clone());
    } else if labels.len() == 1 && !args.output.is_dir() {
        let (l, p) = &labels[0];
        write(
            &args.output,
            &yima_label::render(l, p, size, format).map_err(rendered)?,
        )?;
        written.push(args.output.clone());
    } else {
        std::fs::create_dir_all(&args.output).with_context(|| {
            format!(
                "{} {}",
                t(lang, "无法创建目录", "cannot create directory"),
                args.output.display()
            )
        })?;
        for (l, p) in &labels {
            let path = args
                .output
                .join(format!("{}.{}", l.code, format.extension()));
            write(
                &path,
                &yima_label::render(l, p, size, format).map_err(rendered)?,
            )?;
            written.push(path);
        }
    }
    print::labels_written(&written, labels.len(), lang, cli.json);
    Ok(())
}

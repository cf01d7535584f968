//! Each command: parse its arguments into a use-case request, call the use case, print.

use crate::cli::{
    CatalogueCommand, Cli, Command, ContainerCommand, ExportCommand, HandoverCommand, LedgerCommand,
};
use crate::print::{self, t};
use anyhow::{bail, Context, Result};
use yima_codes::Catalogue;
use yima_core::{BundleScope, Role};
use yima_device::{
    Device, EpcisScope, HandoverAck, HandoverOffer, IdentityCard, InitRequest, NewContainer,
    SystemClock,
};

use crate::args::*;

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
                Some(path) if crate::handover::is_png(path) => {
                    crate::handover::write_qr(path, &card.to_qr_text()?, lang)?;
                }
                Some(path) => write_json(path, &card, lang)?,
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
                    "cli.msg.trusted"
                } else {
                    "cli.msg.already_trusted"
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
                    classification_reason: a.classification_reason.clone(),
                    test_report: a.test_report.clone(),
                    at: a.when.at.as_deref().map(time).transpose()?,
                    location: a.when.location.clone(),
                };
                let mut dev = open(cli)?;
                let label = dev.register(&req)?;
                if dev.sequence_block()?.1 == yima_device::BlockSource::None {
                    eprintln!("{}", t(lang, "cli.msg.no_sequence_block"));
                }
                if cli.json {
                    println!("{}", serde_json::json!({ "code": label.code.as_str() }));
                } else {
                    println!("{}", label.code);
                }
            }
            ContainerCommand::Show { code } => {
                let view = open(cli)?.container(&codes(std::slice::from_ref(code))?[0])?;
                crate::container_view::container(&view, lang, cli.json);
            }
            ContainerCommand::List => print::containers(&open(cli)?.containers()?, lang, cli.json),
        },
        Command::Manifests => print::manifests(&open(cli)?.manifests()?, lang, cli.json),
        Command::Anomalies => {
            let list = open(cli)?.anomalies_now()?;
            print::anomalies(&list, lang, cli.json);
            if !list.is_empty() {
                std::process::exit(1);
            }
        }
        Command::History { code } => {
            let code = &codes(std::slice::from_ref(code))?[0];
            let mut dev = open(cli)?;
            let history = dev.history(code)?;
            let check = dev.verify(Some(code))?;
            print::history(code, &history, &check, lang, cli.json);
        }
        Command::Record { step } => crate::record::record(cli, step, lang)?,
        Command::Handover { command } => match command {
            HandoverCommand::Offer { step } => crate::record::offer_step(cli, step, lang)?,
            HandoverCommand::Offers => crate::handover::offers(cli, lang)?,
            HandoverCommand::Take { id, labels } => crate::handover::take(cli, id, labels, lang)?,
            HandoverCommand::Check { offer, labels } => {
                crate::handover::check(cli, offer, labels, lang)?
            }
            HandoverCommand::Accept {
                offer,
                labels,
                output,
            } if crate::handover::is_png(offer) => {
                crate::handover::accept_qr(cli, offer, labels, output, lang)?
            }
            HandoverCommand::Accept { offer, output, .. } => {
                let offer: HandoverOffer = read_json(offer, lang)?;
                let ack = open(cli)?.accept_handover(&offer)?;
                write_json(output, &ack, lang)?;
                print::done(
                    lang,
                    cli.json,
                    "cli.msg.accepted_and_countersigned_acknowledgement_writt",
                    &ack.event.id.to_string(),
                );
            }
            HandoverCommand::Confirm { ack } if crate::handover::is_png(ack) => {
                crate::handover::confirm_qr(cli, ack, lang)?
            }
            HandoverCommand::Confirm { ack } => {
                let ack: HandoverAck = read_json(ack, lang)?;
                let event = open(cli)?.confirm_handover(&ack)?;
                print::handover_confirmed(&event, lang, cli.json);
            }
        },
        Command::Verify {
            bundle: Some(file),
            registry_key,
            ..
        } => {
            // Anyone, offline: no data directory, no device.
            let report = yima_device::verify_bundle_file(file, registry_key.as_ref())?;
            print::bundle(&report, lang, cli.json);
            if !report.ok() {
                std::process::exit(1);
            }
        }
        Command::Verify { code, .. } => {
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
            command:
                LedgerCommand::Export {
                    format,
                    output,
                    from,
                    to,
                },
        } => {
            let xlsx = match format.as_str() {
                "csv" => false,
                "xlsx" => true,
                _ => {
                    return Err(bad(
                        format!("unknown ledger format {format:?}: csv or xlsx"),
                        format!("未知台账格式 {format:?}：支持 csv 或 xlsx"),
                    ))
                }
            };
            let (from, to) = (day(from)?, day(to)?);
            let mut file = std::fs::File::create(output).with_context(|| {
                format!(
                    "{} {}",
                    print::t(lang, "cli.msg.cannot_create"),
                    output.display()
                )
            })?;
            let mut dev = open(cli)?;
            let n = if xlsx {
                dev.write_ledger_xlsx(&mut file, lang, from, to)?
            } else {
                dev.write_ledger_csv_between(&mut file, lang, from, to)?
            };
            file.sync_all()?;
            print::done(
                lang,
                cli.json,
                "cli.msg.ledger_records_exported",
                &n.to_string(),
            );
        }
        Command::Export {
            command:
                ExportCommand::Epcis {
                    container,
                    manifest,
                    from,
                    to,
                    output,
                },
        } => {
            let scope = match (container, manifest) {
                (Some(code), _) => {
                    EpcisScope::Container(codes(std::slice::from_ref(code))?.remove(0))
                }
                (None, Some(number)) => EpcisScope::Manifest(manifest_number(number)?),
                (None, None) => EpcisScope::Period {
                    from: day(from)?,
                    to: day(to)?,
                },
            };
            // The document first: a refused export (an unknown container or manifest)
            // leaves no file behind.
            let mut bytes = Vec::new();
            let n = open(cli)?.write_epcis(&mut bytes, &scope)?;
            write_file(output, &bytes, lang)?;
            print::done(
                lang,
                cli.json,
                "cli.msg.epcis_events_exported",
                &n.to_string(),
            );
        }
        Command::Export {
            command: ExportCommand::Manifest { number, output },
        } => {
            // The PDF first: an unknown manifest leaves no file behind.
            let pdf = open(cli)?.manifest_pdf(&manifest_number(number)?)?;
            write_file(output, &pdf, lang)?;
            print::done(
                lang,
                cli.json,
                "cli.msg.manifest_pdf_written",
                &output.display().to_string(),
            );
        }
        Command::Export {
            command:
                ExportCommand::Bundle {
                    container,
                    manifest,
                    from_registry,
                    output,
                },
        } => {
            let scope = match (container, manifest) {
                (Some(code), _) => {
                    BundleScope::Container(codes(std::slice::from_ref(code))?.remove(0))
                }
                (_, Some(number)) => BundleScope::Manifest(manifest_number(number)?),
                (None, None) => unreachable!("clap requires one"),
            };
            // The file is written only once the bundle is whole.
            let bytes = if *from_registry {
                crate::sync::fetch_bundle(cli, &scope)?
            } else {
                let mut bytes = Vec::new();
                open(cli)?.write_bundle(&mut bytes, &scope)?;
                bytes
            };
            let report = yima_device::verify_bundle_bytes(&bytes)?;
            write_file(output, &bytes, lang)?;
            print::bundle_exported(&report, lang, cli.json);
        }
        Command::Ledger {
            command: LedgerCommand::Balance { from, to },
        } => {
            let rows = open(cli)?.stock_balance(day(from)?, day(to)?)?;
            print::balance(&rows, lang, cli.json);
            if rows.iter().any(|r| !r.closes()) {
                std::process::exit(1);
            }
        }
        Command::Track { command } => crate::track::run(cli, command, lang)?,
        Command::Road { command } => crate::road::run(cli, command, lang)?,
        Command::Audit { command } => crate::audit::run(cli, command, lang)?,
        Command::Operator { name } => {
            let mut dev = open(cli)?;
            if let Some(name) = name {
                dev.set_operator(name)?;
            }
            let current = dev.operator()?.unwrap_or_default();
            print::done(lang, cli.json, "cli.msg.operator", &current);
        }
        Command::Enrol {
            registry,
            code,
            qr,
            insecure_http,
            ca_file,
        } => {
            let (url, code) = match (qr, registry, code) {
                (Some(picture), _, _) => crate::sync::enrolment_in(picture)?,
                (None, Some(url), Some(code)) => (url.clone(), code.clone()),
                _ => bail!(
                    "give --registry and --code, or --qr / 请给出 --registry 和 --code，或 --qr"
                ),
            };
            crate::sync::enrol(cli, &url, &code, *insecure_http, ca_file.as_deref(), lang)?
        }
        Command::Sync { insecure_http } => crate::sync::sync(cli, *insecure_http, lang)?,
        Command::Label(args) => crate::label::label(cli, args, lang)?,
        Command::Scan { files } => crate::scan::scan(cli, files, lang)?,
        Command::Demo { dir } => {
            let base = match dir.as_ref().or(cli.data_dir.as_ref()) {
                Some(d) => d.clone(),
                None => demo_dir()?,
            };
            let report = yima_device::run_demo(&base)?;
            print::demo(&report, &base, lang, cli.json);
            if report.verification.values().any(|v| !v.ok) {
                bail!("the demo's records do not verify");
            }
        }
        Command::Completions { shell } => clap_complete::generate(
            *shell,
            &mut crate::help::command(lang),
            "yima",
            &mut std::io::stdout(),
        ),
        Command::Man { out_dir } => {
            std::fs::create_dir_all(out_dir).with_context(|| {
                format!("{} {}", t(lang, "cli.msg.cannot_write"), out_dir.display())
            })?;
            clap_mangen::generate_to(crate::help::command(lang), out_dir).with_context(|| {
                format!("{} {}", t(lang, "cli.msg.cannot_write"), out_dir.display())
            })?;
            print::done(
                lang,
                cli.json,
                "cli.msg.man_written",
                &out_dir.display().to_string(),
            );
        }
    }
    Ok(())
}

/// A new directory for the demo under the system's temporary directory, kept afterwards so
/// the user can look around in it.
fn demo_dir() -> Result<std::path::PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let dir = std::env::temp_dir().join(format!("yima-demo-{stamp}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

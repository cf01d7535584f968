//! `yima enrol` and `yima sync`: the CLI over `yima-sync`, with progress on stderr.

use crate::cli::Cli;
use crate::print::t;
use anyhow::{Context, Result};
use std::io::Write;
use yima_codes::Lang;
use yima_sync::{Phase, Progress, Registry, SyncOptions};

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn options(insecure_http: bool, extra_ca_pem: Option<Vec<u8>>) -> SyncOptions {
    SyncOptions {
        allow_insecure_http: insecure_http,
        extra_ca_pem,
        ..SyncOptions::default()
    }
}

/// `yima enrol`.
/// The registry's URL and the enrolment code of the enrolment QR code in a picture.
pub fn enrolment_in(picture: &std::path::Path) -> Result<(String, String)> {
    let qr = yima_device::enrolment_from_texts(&crate::handover::texts(picture)?)?;
    Ok((qr.url, qr.code))
}

pub fn enrol(
    cli: &Cli,
    url: &str,
    code: &str,
    insecure_http: bool,
    ca_file: Option<&std::path::Path>,
    lang: Lang,
) -> Result<()> {
    let mut device = crate::args::open(cli)?;
    let ca = ca_file
        .map(|f| std::fs::read(f).with_context(|| f.display().to_string()))
        .transpose()?;
    let registry = Registry::new(url, options(insecure_http, ca.clone()))?;
    let info = runtime()?.block_on(registry.enrol(&mut device, code))?;
    yima_sync::keep_ca(&crate::args::data_dir(cli)?, ca.as_deref())?;
    if cli.json {
        println!(
            "{}",
            serde_json::json!({ "enrolled": info, "registry": registry.url() })
        );
    } else {
        println!(
            "{} {} ({} {})",
            t(lang, "cli.msg.enrolled_with"),
            registry.url(),
            info.org_name,
            info.role.name(lang)
        );
    }
    Ok(())
}

/// `yima sync`.
pub fn sync(cli: &Cli, insecure_http: bool, lang: Lang) -> Result<()> {
    let mut device = crate::args::open(cli)?;
    let kept = yima_sync::kept_ca(&crate::args::data_dir(cli)?)?;
    let registry = Registry::for_device(&mut device, options(insecure_http, kept))?;
    let quiet = cli.json;
    let mut show = |p: Progress| {
        if quiet {
            return;
        }
        let phase = match p.phase {
            Phase::Push => t(lang, "cli.msg.push"),
            Phase::Keys => t(lang, "cli.msg.keys"),
            Phase::Pull => t(lang, "cli.msg.pull"),
        };
        match p.total {
            Some(total) => eprint!("\r{phase} {}/{total}   ", p.done),
            None => eprint!("\r{phase} {}   ", p.done),
        }
        let _ = std::io::stderr().flush();
    };
    let report = runtime()?.block_on(registry.sync(&mut device, &mut show))?;
    let counts = device.outbox_counts()?;
    if cli.json {
        println!(
            "{}",
            serde_json::json!({ "report": report, "outbox": counts })
        );
    } else {
        eprintln!();
        println!(
            "{}: {} {}, {} {}, {} {}, {} {}; {} {}",
            t(lang, "cli.msg.synced"),
            report.accepted,
            t(lang, "cli.msg.accepted"),
            report.forks,
            t(lang, "cli.msg.forks"),
            report.refused,
            t(lang, "cli.msg.refused"),
            report.deferred,
            t(lang, "cli.msg.deferred"),
            report.pulled,
            t(lang, "cli.msg.pulled"),
        );
        if report.sightings_sent > 0 {
            println!(
                "{} {}",
                t(lang, "cli.msg.sightings_sent"),
                report.sightings_sent
            );
        }
        if let Some(block) = report.sequence_block {
            println!("{} {block}", t(lang, "cli.msg.block_taken_up"));
        }
        if counts.refused > 0 {
            println!(
                "{}",
                t(
                    lang,
                    "cli.msg.refused_events_stay_on_this_device_see_yima_hist"
                )
            );
        }
    }
    Ok(())
}

/// `yima export bundle --from-registry`: the bundle's file as the registry sent it.
pub fn fetch_bundle(cli: &Cli, scope: &yima_core::BundleScope) -> Result<Vec<u8>> {
    let mut device = crate::args::open(cli)?;
    let kept = yima_sync::kept_ca(&crate::args::data_dir(cli)?)?;
    let registry = Registry::for_device(&mut device, options(false, kept))?;
    Ok(runtime()?.block_on(registry.fetch_bundle(&mut device, scope))?)
}

//! `yima enrol` and `yima sync`: the CLI over `yima-sync`, with progress on stderr.

use crate::cli::Cli;
use crate::print::t;
use anyhow::Result;
use std::io::Write;
use yima_codes::Lang;
use yima_sync::{Phase, Progress, Registry, SyncOptions};

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn options(insecure_http: bool) -> SyncOptions {
    SyncOptions {
        allow_insecure_http: insecure_http,
        ..SyncOptions::default()
    }
}

/// `yima enrol`.
pub fn enrol(cli: &Cli, url: &str, code: &str, insecure_http: bool, lang: Lang) -> Result<()> {
    let mut device = crate::args::open(cli)?;
    let registry = Registry::new(url, options(insecure_http))?;
    let info = runtime()?.block_on(registry.enrol(&mut device, code))?;
    if cli.json {
        println!(
            "{}",
            serde_json::json!({ "enrolled": info, "registry": registry.url() })
        );
    } else {
        println!(
            "{} {} ({} {})",
            t(lang, "已在登记中心注册：", "enrolled with"),
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
    let registry = Registry::for_device(&mut device, options(insecure_http))?;
    let quiet = cli.json;
    let mut show = |p: Progress| {
        if quiet {
            return;
        }
        let phase = match p.phase {
            Phase::Push => t(lang, "上传", "push"),
            Phase::Keys => t(lang, "密钥", "keys"),
            Phase::Pull => t(lang, "下载", "pull"),
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
            t(lang, "同步完成", "synced"),
            report.accepted,
            t(lang, "条已接受", "accepted"),
            report.forks,
            t(lang, "条分叉", "forks"),
            report.refused,
            t(lang, "条被拒", "refused"),
            report.deferred,
            t(lang, "条待重试", "deferred"),
            report.pulled,
            t(lang, "条已下载", "pulled"),
        );
        if counts.refused > 0 {
            println!(
                "{}",
                t(
                    lang,
                    "被拒的事件仍保存在本设备上，原因见 yima history",
                    "refused events stay on this device; see yima history for the reasons"
                )
            );
        }
    }
    Ok(())
}

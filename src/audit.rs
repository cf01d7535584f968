//! `yima audit`: the registry's audit API from the command line. A regulator's device
//! searches and counts the containers of its jurisdiction, any other device those its
//! organisation holds or held; `audit timeline` reads one container's history from the
//! registry's evidence bundle and verifies it here.

use crate::args::{bad, open};
use crate::cli::{AuditCommand, AuditFilterArgs, Cli};
use crate::print::t;
use anyhow::Result;
use yima_codes::{LabelCode, Lang};
use yima_protocol::{AuditAnomalyPage, AuditFilter, AuditGroup, AuditPage};
use yima_sync::{Registry, SyncOptions};

fn filter(a: &AuditFilterArgs) -> Result<AuditFilter> {
    let (from, to) = yima_device::parse_period(a.since.as_deref(), a.until.as_deref())?;
    Ok(AuditFilter {
        code: a.code.clone(),
        org: a.org.clone(),
        producer: a.producer.clone(),
        waste: a.waste.clone(),
        category: a.category.clone(),
        manifest: a.manifest.clone(),
        plate: a.plate.clone(),
        carrier: a.carrier.clone(),
        division: a.division.clone(),
        state: a.state.clone(),
        from,
        to,
    })
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Runs `yima audit …`.
pub fn run(cli: &Cli, command: &AuditCommand, lang: Lang) -> Result<()> {
    let mut device = open(cli)?;
    let kept = yima_sync::kept_ca(&crate::args::data_dir(cli)?)?;
    let registry = Registry::for_device(
        &mut device,
        SyncOptions {
            extra_ca_pem: kept,
            ..SyncOptions::default()
        },
    )?;
    let rt = runtime()?;
    match command {
        AuditCommand::Search {
            filter: f,
            after,
            limit,
            all,
        } => {
            let f = filter(f)?;
            let (found, next) = paged(
                cli.json,
                *all,
                after.clone(),
                |after| {
                    Ok(rt.block_on(registry.audit_search(&mut device, &f, after, Some(*limit)))?)
                },
                |p: &AuditPage| (p.containers.len(), p.next.clone()),
                |p| print_page(p, lang),
            )?;
            if !cli.json {
                println!("{} {found}", t(lang, "cli.msg.audit.found"));
                if let Some(n) = next {
                    println!("{} --after {n}", t(lang, "cli.msg.audit.more"));
                }
            }
        }
        AuditCommand::Counts { filter: f, by } => {
            let by: AuditGroup = by.parse().map_err(|e: String| {
                let all: Vec<&str> = AuditGroup::ALL.iter().map(|g| g.as_str()).collect();
                bad(
                    e,
                    format!("未知的分组 {by:?}：应为 {} 之一", all.join("、")),
                )
            })?;
            let counts = rt.block_on(registry.audit_counts(&mut device, &filter(f)?, by))?;
            if cli.json {
                println!("{}", serde_json::to_string(&counts)?);
            } else {
                for g in &counts.groups {
                    println!("  {:<20} {}", group_key(by, &g.key, lang), g.containers);
                }
                println!("{} {}", t(lang, "cli.msg.audit.total"), counts.total);
            }
        }
        AuditCommand::Anomalies {
            filter: f,
            rule,
            after,
            limit,
            all,
        } => {
            let f = filter(f)?;
            let (found, next) = paged(
                cli.json,
                *all,
                after.clone(),
                |after| {
                    Ok(rt.block_on(registry.audit_anomalies(
                        &mut device,
                        &f,
                        rule.as_deref(),
                        after,
                        Some(*limit),
                    ))?)
                },
                |p: &AuditAnomalyPage| (p.anomalies.len(), p.next.clone()),
                |p| print_anomalies(p, lang),
            )?;
            if !cli.json {
                if let Some(n) = next {
                    println!("{} --after '{n}'", t(lang, "cli.msg.audit.more"));
                }
                println!("{} {found}", t(lang, "cli.msg.audit.anomalies_found"));
            }
        }
        AuditCommand::Timeline { code } => {
            let code: LabelCode = yima_device::parse_codes(std::slice::from_ref(code))?
                .pop()
                .expect("one code");
            let bytes = rt.block_on(registry.fetch_bundle(
                &mut device,
                &yima_core::BundleScope::Container(code.clone()),
            ))?;
            let timeline = yima_device::bundle_timeline(&bytes, &code)?;
            if cli.json {
                println!("{}", serde_json::to_string(&timeline)?);
            } else {
                print_timeline(&timeline, lang);
            }
            if !timeline.ok() {
                std::process::exit(1);
            }
        }
    }
    Ok(())
}

/// Pages fetched one after another (every one with `all`, else the first), each printed
/// as it comes (a JSON line each with `json`): how many items, and the next page's key if
/// one was left.
fn paged<P: serde::Serialize>(
    json: bool,
    all: bool,
    mut after: Option<String>,
    mut fetch: impl FnMut(Option<&str>) -> Result<P>,
    items: impl Fn(&P) -> (usize, Option<String>),
    mut show: impl FnMut(&P),
) -> Result<(usize, Option<String>)> {
    let mut found = 0;
    loop {
        let page = fetch(after.as_deref())?;
        let (n, next) = items(&page);
        found += n;
        if json {
            println!("{}", serde_json::to_string(&page)?);
        } else {
            show(&page);
        }
        match next {
            Some(k) if all => after = Some(k),
            next => return Ok((found, next)),
        }
    }
}

fn print_anomalies(page: &AuditAnomalyPage, lang: Lang) {
    for a in &page.anomalies {
        let name = yima_core::AnomalyRule::ALL
            .into_iter()
            .find(|r| r.as_str() == a.rule)
            .map(|r| r.name(lang).to_string())
            .unwrap_or_else(|| a.rule.clone());
        let detail = match lang {
            Lang::Zh => &a.zh,
            Lang::En => &a.en,
        };
        println!("{}  {}  {name}: {detail}", a.since, a.container);
    }
}

/// A group's key for people: a state's name, else the key itself.
fn group_key(by: AuditGroup, key: &str, lang: Lang) -> String {
    if by == AuditGroup::State {
        if let Some(s) = yima_core::ContainerState::ALL
            .into_iter()
            .find(|s| s.as_str() == key)
        {
            return s.name(lang).to_string();
        }
    }
    key.to_string()
}

fn print_page(page: &AuditPage, lang: Lang) {
    for c in &page.containers {
        let state = yima_core::ContainerState::ALL
            .into_iter()
            .find(|s| s.as_str() == c.state)
            .map(|s| s.name(lang).to_string())
            .unwrap_or_else(|| c.state.clone());
        println!(
            "{}  {}  {:<12} {} {}  {}",
            c.code,
            c.waste,
            state,
            t(lang, "cli.msg.audit.holder"),
            c.holder,
            c.manifest
                .as_deref()
                .map(|m| format!("{} {m}", t(lang, "cli.msg.road.manifest")))
                .unwrap_or_default()
        );
    }
}

fn print_timeline(tl: &yima_device::BundleTimeline, lang: Lang) {
    println!(
        "{} {} ({} {})",
        t(lang, "cli.msg.audit.timeline_of"),
        tl.code,
        t(lang, "cli.msg.bundle_exported_by"),
        tl.report.exported_by
    );
    for s in &tl.steps {
        let mark = if s.verified { "✓" } else { "✗" };
        println!(
            "  {mark} {}  {:<10} {} {}",
            s.at.map(|a| a.to_string()).unwrap_or_else(|| "?".into()),
            s.step
                .map(|st| st.name(lang).to_string())
                .unwrap_or_else(|| t(lang, "cli.msg.audit.unreadable").to_string()),
            s.org.as_ref().map(|o| o.to_string()).unwrap_or_default(),
            s.org_name.as_deref().unwrap_or("")
        );
        for (kind, detail) in &s.problems {
            println!("      {kind}: {detail}");
        }
    }
    if tl.ok() {
        println!(
            "{} {} {}",
            t(lang, "cli.msg.verified_2"),
            tl.report.events,
            t(lang, "cli.msg.events_2")
        );
    } else {
        println!(
            "{} {} {}",
            t(lang, "cli.msg.verification_failed"),
            tl.report.failures.len(),
            t(lang, "cli.msg.failures")
        );
        for f in &tl.report.failures {
            println!("  {f}");
        }
    }
}

//! What the CLI prints: people get text in their language, scripts get `--json`.

use serde_json::json;
use std::path::Path;
use yima_codes::{Catalogue, CatalogueEntry, LabelCode, Lang};
use yima_core::SignedEvent;
use yima_device::{
    ContainerSummary, DemoReport, DeviceError, HistoryEntry, IdentityCard, ManifestPart,
    ManifestView, VerifyResult,
};

mod verdict;

pub use verdict::{anomalies, bundle, bundle_exported, verify};

/// Chinese or English.
pub fn t(lang: Lang, key: &str) -> &'static str {
    yima_i18n::t(lang, key)
}

/// An error's kind for scripts, and its message in `lang`: the kind of the library error it
/// carries (device, sync, scan, scale, rendering), `io` for a file that cannot be read or written,
/// else `other`.
fn error_kind(e: &anyhow::Error, lang: Lang) -> (serde_json::Value, String) {
    let to = |v: Result<serde_json::Value, _>| v.unwrap_or_default();
    if let Some(d) = e.downcast_ref::<DeviceError>() {
        return (to(serde_json::to_value(d.kind())), d.message(lang));
    }
    if let Some(s) = e.downcast_ref::<yima_sync::SyncError>() {
        return (to(serde_json::to_value(s.kind())), s.message(lang));
    }
    if let Some(s) = e.downcast_ref::<yima_scan::ScanError>() {
        return (to(serde_json::to_value(s.kind())), s.message(lang));
    }
    if let Some(s) = e.downcast_ref::<yima_scale::ScaleError>() {
        return (to(serde_json::to_value(s.kind())), s.message(lang));
    }
    if e.chain()
        .any(|c| c.downcast_ref::<std::io::Error>().is_some())
    {
        return (json!("io"), format!("{e:#}"));
    }
    (json!("other"), format!("{e:#}"))
}

/// Prints an error: in `lang` on stderr, and as JSON on stdout with `--json`.
pub fn error(e: &anyhow::Error, lang: Lang, as_json: bool) {
    let (kind, message) = error_kind(e, lang);
    if as_json {
        println!(
            "{}",
            json!({ "error": { "kind": kind, "message": message } })
        );
    }
    eprintln!("{}: {message}", t(lang, "cli.msg.error"));
}

/// The stock balance, one line per facility and unit; where it does not close, by how much
/// and which weighings changed a quantity in stock.
pub fn balance(rows: &[yima_device::StockBalance], lang: Lang, as_json: bool) {
    let m = yima_core::format_milli;
    if as_json {
        let list: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "facility": r.facility, "unit": r.unit,
                    "opening": m(r.opening), "generated": m(r.generated),
                    "received": m(r.received), "moved_in": m(r.moved_in), "made": m(r.made),
                    "dispatched": m(r.dispatched), "treated": m(r.treated),
                    "voided": m(r.voided), "moved_out": m(r.moved_out), "unmade": m(r.unmade),
                    "closing": m(r.closing), "difference": m(r.difference()),
                    "closes": r.closes(),
                    "reweighed": r.reweighed.iter().map(|(c, d)| json!([c, m(*d)])).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", json!({ "balance": list }));
        return;
    }
    for r in rows {
        let facility = if r.facility.is_empty() {
            t(lang, "cli.balance.unstored")
        } else {
            r.facility.as_str()
        };
        println!(
            "{} {facility} ({}): {} {} + {} {} + {} {} + {} {} + {} {} − {} {} − {} {} − {} {} − {} {} − {} {} = {} {}",
            t(lang, "cli.balance.facility"),
            r.unit,
            t(lang, "cli.balance.opening"),
            m(r.opening),
            t(lang, "cli.balance.generated"),
            m(r.generated),
            t(lang, "cli.balance.received"),
            m(r.received),
            t(lang, "cli.balance.moved_in"),
            m(r.moved_in),
            t(lang, "cli.balance.made"),
            m(r.made),
            t(lang, "cli.balance.dispatched"),
            m(r.dispatched),
            t(lang, "cli.balance.treated"),
            m(r.treated),
            t(lang, "cli.balance.voided"),
            m(r.voided),
            t(lang, "cli.balance.moved_out"),
            m(r.moved_out),
            t(lang, "cli.balance.unmade"),
            m(r.unmade),
            t(lang, "cli.balance.closing"),
            m(r.closing),
        );
        if r.closes() {
            println!("  {}", t(lang, "cli.balance.closes"));
        } else {
            println!(
                "  {} {} {}",
                t(lang, "cli.balance.does_not_close"),
                m(r.difference()),
                r.unit
            );
            for (code, d) in &r.reweighed {
                println!(
                    "  {} {code}: {} {}",
                    t(lang, "cli.balance.reweighed"),
                    m(*d),
                    r.unit
                );
            }
        }
    }
}

/// `init` done.
pub fn identity(card: &IdentityCard, dir: &Path, lang: Lang, as_json: bool) {
    if as_json {
        println!("{}", json!({ "data_dir": dir, "identity": card }));
        return;
    }
    println!(
        "{} {}",
        t(lang, "cli.msg.device_initialised"),
        dir.display()
    );
    println!(
        "  {} {} ({})",
        t(lang, "cli.msg.organisation"),
        card.org.name,
        card.org.credit_code
    );
    println!("  {} {}", t(lang, "cli.msg.role"), card.role.name(lang));
    println!("  {} {}", t(lang, "cli.msg.public_key"), card.key);
}

/// A one-line confirmation.
pub fn done(lang: Lang, as_json: bool, what: &str, value: &str) {
    if as_json {
        println!("{}", json!({ "ok": true, "value": value }));
    } else {
        println!("{}: {value}", t(lang, what));
    }
}

/// A handover confirmed by the giver: the event both now hold.
pub fn handover_confirmed(event: &SignedEvent, lang: Lang, as_json: bool) {
    done(
        lang,
        as_json,
        "cli.msg.handover_confirmed_signed_by_both",
        &event.id.to_string(),
    );
}

/// Catalogue hits.
pub fn catalogue(c: &Catalogue, hits: &[&CatalogueEntry], lang: Lang, as_json: bool) {
    if as_json {
        let list: Vec<_> = hits
            .iter()
            .map(|e| json!({ "code": e.code, "category": e.category, "category_name": e.category_name, "industry": e.industry, "description": e.description, "hazards": e.hazards.to_string() }))
            .collect();
        println!("{}", json!({ "edition": c.edition(), "entries": list }));
        return;
    }
    for e in hits {
        println!(
            "{}  {}  {:<8} {}",
            e.code,
            e.category,
            e.hazards.to_string(),
            e.description
        );
    }
    println!(
        "{} {} ({} {})",
        hits.len(),
        t(lang, "cli.msg.entries"),
        t(lang, "cli.msg.catalogue_edition"),
        c.edition()
    );
}

/// The container list.
pub fn containers(list: &[ContainerSummary], lang: Lang, as_json: bool) {
    if as_json {
        println!("{}", serde_json::to_string_pretty(list).unwrap_or_default());
        return;
    }
    for c in list {
        let line = format!(
            "{}  {}  {:>10}  {:<8}  {}  {}",
            c.code,
            c.waste_code,
            c.quantity,
            c.state.name(lang),
            c.name,
            crate::limits::flags(&c.limits, lang)
        );
        println!("{}", line.trim_end());
    }
    println!("{} {}", list.len(), t(lang, "cli.msg.containers"));
}

/// Manifests with their containers: what is still to come, weighings beside declarations.
pub fn manifests(list: &[ManifestView], lang: Lang, as_json: bool) {
    if as_json {
        println!("{}", serde_json::to_string_pretty(list).unwrap_or_default());
        return;
    }
    for m in list {
        let waiting = match m.part {
            ManifestPart::Carrier => "cli.msg.to_pick_up",
            _ => "cli.msg.to_arrive",
        };
        let mut head = format!(
            "{} {}  {} → {} → {}",
            t(lang, "cli.msg.manifest"),
            m.number,
            m.sender.name,
            m.carrier.name,
            m.receiver.name
        );
        if m.waiting > 0 {
            head.push_str(&format!("  {}: {}", t(lang, waiting), m.waiting));
        }
        println!("{head}");
        for l in &m.lines {
            let measured = l
                .measured
                .map(|q| q.to_string())
                .unwrap_or_else(|| "-".into());
            let mut flags = Vec::new();
            if l.waiting {
                flags.push(t(lang, waiting));
            }
            if l.beyond_tolerance {
                flags.push(t(lang, "cli.msg.beyond_tolerance"));
            }
            let line = format!(
                "  {}  {:>10}  {:>10}  {:<8}  {}  {}",
                l.code,
                l.declared,
                measured,
                l.state.name(lang),
                l.name,
                flags.join(" ")
            );
            println!("{}", line.trim_end());
        }
    }
    println!("{} {}", list.len(), t(lang, "cli.msg.manifests"));
}

/// A container's timeline, with its verification.
pub fn history(
    code: &LabelCode,
    h: &[HistoryEntry],
    check: &VerifyResult,
    lang: Lang,
    as_json: bool,
) {
    if as_json {
        println!(
            "{}",
            json!({ "code": code, "events": h, "verified": check })
        );
        return;
    }
    println!("{} {code}", t(lang, "cli.msg.container"));
    for e in h {
        let failed = check.failures.iter().any(|f| f.event.to_string() == e.id);
        let mark = if failed {
            t(lang, "cli.msg.fails")
        } else {
            t(lang, "cli.msg.verified")
        };
        // Who did it (经办人) first, then the step's own details.
        let mut details: Vec<String> = e
            .operator
            .iter()
            .map(|name| format!("{}={name}", t(lang, "cli.msg.operator")))
            .chain(
                e.details
                    .iter()
                    .map(|(k, v)| format!("{}={v}", field_name(k, lang))),
            )
            .collect();
        if e.entered_late == Some(true) {
            details.push(t(lang, "cli.msg.entered_over_10_working_days_late").to_string());
        }
        if e.arrived_late {
            details.push(t(lang, "cli.msg.arrived_over_7_days_late").to_string());
        }
        println!(
            "  {}  {:<10} {} {} [{}] {}  {}",
            e.at,
            e.step.name(lang),
            e.org,
            e.role.name(lang),
            e.signers.join("+"),
            mark,
            details.join("  ")
        );
    }
    for f in &check.failures {
        println!("  ✗ {} {}: {}", f.event.short(), f.kind.as_str(), f.detail);
    }
}

/// A history detail's name in `lang` (the name itself if the catalogue has none yet).
fn field_name(key: &str, lang: Lang) -> String {
    let id = format!("cli.field.{key}");
    if yima_i18n::has(&id) {
        t(lang, &id).to_owned()
    } else {
        key.to_owned()
    }
}

/// A recorded event.
pub fn event(e: &SignedEvent, lang: Lang, as_json: bool) {
    if as_json {
        let codes: Vec<_> = e.body.links.iter().map(|l| l.container.as_str()).collect();
        println!(
            "{}",
            json!({ "id": e.id, "step": e.body.step(), "containers": codes })
        );
    } else {
        println!(
            "{} {}: {}",
            t(lang, "cli.msg.recorded"),
            e.body.step().name(lang),
            e.id
        );
    }
}

/// The new containers a merge or split created.
pub fn new_codes(e: &SignedEvent, lang: Lang, as_json: bool) {
    let codes: Vec<String> = e
        .body
        .event
        .new_labels()
        .iter()
        .map(|l| l.code.to_string())
        .collect();
    // The part of a split that goes back to its sender (a refused part).
    let returning = match &e.body.event {
        yima_core::EventKind::Split {
            returning: Some(r), ..
        } => Some(r.code.to_string()),
        _ => None,
    };
    if as_json {
        println!(
            "{}",
            json!({ "id": e.id, "codes": codes, "returning": returning })
        );
    } else {
        println!(
            "{} {}: {}",
            t(lang, "cli.msg.recorded"),
            e.body.step().name(lang),
            e.id
        );
        for c in codes {
            if returning.as_ref() == Some(&c) {
                let note = match lang {
                    Lang::Zh => "拒收部分，待退回移出人",
                    Lang::En => "refused part, to go back to its sender",
                };
                println!("{c}  ({note})");
            } else {
                println!("{c}");
            }
        }
    }
}

/// The demo's report.
pub fn demo(r: &DemoReport, dir: &Path, lang: Lang, as_json: bool) {
    let next = demo_next(r, dir);
    if as_json {
        let next: Vec<&str> = next.iter().map(|(cmd, _)| cmd.as_str()).collect();
        println!("{}", json!({ "data_dir": dir, "report": r, "next": next }));
        return;
    }
    for (code, h, check) in &r.containers {
        history(
            &code.parse().expect("demo codes are valid"),
            h,
            check,
            lang,
            false,
        );
    }
    for (who, v) in &r.verification {
        print!("{who}: ");
        verify(v, lang, false);
    }
    println!();
    let shown = dir.display().to_string();
    println!(
        "{}",
        yima_i18n::tf(lang, "cli.demo.kept", &[("dir", &shown)])
    );
    println!("{}", t(lang, "cli.demo.next"));
    for (cmd, what) in next {
        println!("  {cmd}\n      # {}", t(lang, what));
    }
}

/// The commands to try in the demo's data, each with the catalogue key saying what it shows.
fn demo_next(r: &DemoReport, dir: &Path) -> Vec<(String, &'static str)> {
    let quote = |p: &Path| {
        let s = p.display().to_string();
        if s.contains(|c: char| c.is_whitespace() || c == '\'') {
            format!("'{}'", s.replace('\'', r"'\''"))
        } else {
            s
        }
    };
    let (producer, receiver) = (quote(&dir.join("producer")), quote(&dir.join("receiver")));
    let mut next = Vec::new();
    if let Some((code, _, _)) = r.containers.first() {
        next.push((
            format!("yima --data-dir {receiver} history {code}"),
            "cli.demo.next.history",
        ));
    }
    next.push((
        format!("yima --data-dir {producer} container list"),
        "cli.demo.next.list",
    ));
    next.push((
        format!("yima --data-dir {producer} ledger export --format csv -o ledger.csv"),
        "cli.demo.next.ledger",
    ));
    next.push((
        format!("yima --data-dir {receiver} verify"),
        "cli.demo.next.verify",
    ));
    if let Some((code, _, _)) = r.containers.first() {
        next.push((
            format!("yima --data-dir {producer} label {code} --format pdf -o label.pdf"),
            "cli.demo.next.label",
        ));
    }
    next.push((format!("rm -r {}", quote(dir)), "cli.demo.next.remove"));
    next
}

/// `label` done: the files written.
pub fn labels_written(
    paths: &[std::path::PathBuf],
    labels: usize,
    size_mm: f32,
    copies: usize,
    lang: Lang,
    as_json: bool,
) {
    if as_json {
        println!(
            "{}",
            json!({ "ok": true, "labels": labels, "size_mm": size_mm, "copies_per_container": copies, "files": paths })
        );
        return;
    }
    println!(
        "{}: {labels} ({size_mm} mm)",
        t(lang, "cli.msg.labels_rendered")
    );
    if copies > 1 {
        println!(
            "{}",
            t(
                lang,
                "cli.msg.container_over_450_l_two_labels_per_container_on"
            )
        );
    }
    for p in paths {
        println!("  {}", p.display());
    }
}

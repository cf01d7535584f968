//! What the CLI prints: people get text in their language, scripts get `--json`.

use serde_json::json;
use std::path::Path;
use yima_codes::{Catalogue, CatalogueEntry, LabelCode, Lang};
use yima_core::SignedEvent;
use yima_device::{
    ContainerSummary, ContainerView, DemoReport, DeviceError, HistoryEntry, IdentityCard,
    VerifyResult,
};

/// Chinese or English.
pub fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// An error's kind for scripts, and its message in `lang`: the kind of the library error it
/// carries (device, sync, scan, rendering), `io` for a file that cannot be read or written,
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
    eprintln!("{}: {message}", t(lang, "错误", "error"));
}

/// `init` done.
pub fn identity(card: &IdentityCard, dir: &Path, lang: Lang, as_json: bool) {
    if as_json {
        println!("{}", json!({ "data_dir": dir, "identity": card }));
        return;
    }
    println!(
        "{} {}",
        t(lang, "设备已初始化：", "device initialised:"),
        dir.display()
    );
    println!(
        "  {} {} ({})",
        t(lang, "单位", "organisation"),
        card.org.name,
        card.org.credit_code
    );
    println!("  {} {}", t(lang, "角色", "role"), card.role.name(lang));
    println!("  {} {}", t(lang, "公钥", "public key"), card.key);
}

/// A one-line confirmation.
pub fn done(lang: Lang, as_json: bool, what: (&'static str, &'static str), value: &str) {
    if as_json {
        println!("{}", json!({ "ok": true, "value": value }));
    } else {
        println!("{}: {value}", t(lang, what.0, what.1));
    }
}

/// A handover confirmed by the giver: the event both now hold.
pub fn handover_confirmed(event: &SignedEvent, lang: Lang, as_json: bool) {
    done(
        lang,
        as_json,
        (
            "交接已确认（双方签名）",
            "handover confirmed (signed by both)",
        ),
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
        t(lang, "条", "entries"),
        t(lang, "名录版本", "catalogue edition"),
        c.edition()
    );
}

/// One container.
pub fn container(v: &ContainerView, lang: Lang, as_json: bool) {
    if as_json {
        println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
        return;
    }
    let l = &v.label;
    let rows = [
        (t(lang, "数字识别码", "code"), l.code.to_string()),
        (t(lang, "废物名称", "name"), l.name.clone()),
        (t(lang, "废物类别", "category"), l.category.to_string()),
        (t(lang, "废物代码", "waste code"), l.waste_code.to_string()),
        (t(lang, "废物形态", "form"), l.form.name(lang).to_string()),
        (
            t(lang, "危险特性", "hazards"),
            l.hazards
                .iter()
                .map(|h| h.name(lang))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        (
            t(lang, "主要成分", "main components"),
            l.main_components.clone(),
        ),
        (
            t(lang, "有害成分", "harmful components"),
            l.harmful_components.clone(),
        ),
        (t(lang, "注意事项", "precautions"), l.precautions.clone()),
        (
            t(lang, "产生单位", "producer"),
            format!("{} ({})", l.producer.name, l.producer.credit_code),
        ),
        (
            t(lang, "联系人", "contact"),
            format!("{} {}", l.contact, l.phone),
        ),
        (
            t(lang, "产生日期", "generated on"),
            l.generated_on.to_string(),
        ),
        (t(lang, "废物重量", "quantity"), l.quantity.to_string()),
        (
            t(lang, "容器类型", "container type"),
            l.container_type.clone(),
        ),
        (t(lang, "备注", "remarks"), l.remarks.clone()),
        (t(lang, "状态", "state"), v.state.name(lang).to_string()),
        (t(lang, "持有单位", "holder"), v.holder.clone()),
        (
            t(lang, "联单编号", "manifest"),
            v.manifest.clone().unwrap_or_default(),
        ),
        (t(lang, "事件数", "events"), v.events.to_string()),
        (
            t(lang, "名录版本", "catalogue edition"),
            v.catalogue_edition.clone(),
        ),
    ];
    for (k, val) in rows {
        println!("{k}: {val}");
    }
}

/// The container list.
pub fn containers(list: &[ContainerSummary], lang: Lang, as_json: bool) {
    if as_json {
        println!("{}", serde_json::to_string_pretty(list).unwrap_or_default());
        return;
    }
    for c in list {
        println!(
            "{}  {}  {:>10}  {:<8}  {}",
            c.code,
            c.waste_code,
            c.quantity,
            c.state.name(lang),
            c.name
        );
    }
    println!("{} {}", list.len(), t(lang, "个容器", "containers"));
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
    println!("{} {code}", t(lang, "容器", "container"));
    for e in h {
        let failed = check.failures.iter().any(|f| f.event.to_string() == e.id);
        let mark = if failed {
            t(lang, "✗ 校验失败", "✗ FAILS")
        } else {
            t(lang, "✓ 签名已校验", "✓ verified")
        };
        let details: Vec<String> = e.details.iter().map(|(k, v)| format!("{k}={v}")).collect();
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
            t(lang, "已记录", "recorded"),
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
    if as_json {
        println!("{}", json!({ "id": e.id, "codes": codes }));
    } else {
        println!(
            "{} {}: {}",
            t(lang, "已记录", "recorded"),
            e.body.step().name(lang),
            e.id
        );
        for c in codes {
            println!("{c}");
        }
    }
}

/// A verification result.
pub fn verify(r: &VerifyResult, lang: Lang, as_json: bool) {
    if as_json {
        println!(
            "{}",
            json!({ "ok": r.ok, "events": r.events, "containers": r.containers, "failures": r.failures, "without_history": r.without_history })
        );
        return;
    }
    for c in &r.without_history {
        println!(
            "{} {c}",
            t(
                lang,
                "尚未同步此前记录（经二维码交接接收）：",
                "history not synced yet (taken over QR codes):"
            )
        );
    }
    if r.ok {
        println!(
            "{} {} {}, {} {}",
            t(lang, "校验通过：", "verified:"),
            r.events,
            t(lang, "个事件", "events"),
            r.containers,
            t(lang, "个容器", "containers")
        );
    } else {
        println!(
            "{} {} {}",
            t(lang, "校验失败：", "verification FAILED:"),
            r.failures.len(),
            t(lang, "处问题", "failures")
        );
        for f in &r.failures {
            let c = f
                .container
                .as_ref()
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default();
            println!("  {} {}{c}: {}", f.event, f.kind.as_str(), f.detail);
        }
    }
}

/// The demo's report.
pub fn demo(r: &DemoReport, dir: &Path, lang: Lang, as_json: bool) {
    if as_json {
        println!("{}", json!({ "data_dir": dir, "report": r }));
        return;
    }
    println!(
        "{} {}",
        t(lang, "演示数据目录：", "demo data in:"),
        dir.display()
    );
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
}

/// `label` done: the files written.
pub fn labels_written(paths: &[std::path::PathBuf], labels: usize, lang: Lang, as_json: bool) {
    if as_json {
        println!(
            "{}",
            json!({ "ok": true, "labels": labels, "files": paths })
        );
        return;
    }
    println!("{}: {labels}", t(lang, "已生成标签", "labels rendered"));
    for p in paths {
        println!("  {}", p.display());
    }
}

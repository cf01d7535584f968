//! What the CLI prints of a verification: a device's own audit, anomalies and an evidence
//! bundle's verdict.

use super::t;
use serde_json::json;
use yima_codes::Lang;
use yima_device::VerifyResult;

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
            t(lang, "cli.msg.history_not_synced_yet_taken_over_qr_codes")
        );
    }
    let lines = r.failures.iter().map(|f| {
        let c = f
            .container
            .as_ref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        format!("{} {}{c}: {}", f.event, f.kind.as_str(), f.detail)
    });
    verdict(lang, r.events, r.containers, lines);
}

/// Verified (how many events and containers), or failed with each failure on its own line.
fn verdict(
    lang: Lang,
    events: usize,
    containers: usize,
    failures: impl ExactSizeIterator<Item = String>,
) {
    if failures.len() == 0 {
        println!(
            "{} {} {}, {} {}",
            t(lang, "cli.msg.verified_2"),
            events,
            t(lang, "cli.msg.events_2"),
            containers,
            t(lang, "cli.msg.containers")
        );
    } else {
        println!(
            "{} {} {}",
            t(lang, "cli.msg.verification_failed"),
            failures.len(),
            t(lang, "cli.msg.failures")
        );
        for f in failures {
            println!("  {f}");
        }
    }
}

/// Anomalies, one a line: the rule, the container, since when (and the deadline), what.
pub fn anomalies(list: &[yima_core::Anomaly], lang: Lang, as_json: bool) {
    if as_json {
        println!("{}", json!({ "anomalies": list }));
        return;
    }
    if list.is_empty() {
        println!("{}", t(lang, "cli.msg.no_anomalies"));
        return;
    }
    println!("{} {}", list.len(), t(lang, "cli.msg.anomalies"));
    let china = |at: yima_core::Timestamp| {
        at.to_datetime()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    for a in list {
        let due = a
            .due
            .map(|d| format!(" ({} {})", t(lang, "cli.msg.anomaly_due"), china(d)))
            .unwrap_or_default();
        println!(
            "  {} {} {}{due}  {}",
            a.rule.name(lang),
            a.container,
            china(a.since),
            a.detail(lang)
        );
    }
}

/// The verdict on an evidence bundle: each failure with the event's place in the file, its
/// id, container and kind; then the keys, which are the exporter's word.
/// What a bundle's key records rest on, for people: the exporter's word, the key that
/// attested them, or the registry key pinned.
fn attestation_line(r: &yima_core::BundleReport, lang: Lang) -> String {
    use yima_core::KeyRecordsRestOn as On;
    let key = r.attested_by.map(|k| k.to_string()).unwrap_or_default();
    match r.key_records {
        On::ExportersWord => t(lang, "cli.msg.bundle_keys_are_the_exporters_word").to_string(),
        On::AttestingKey => format!(
            "{} {key}{}",
            t(lang, "cli.msg.bundle_attested_by"),
            t(lang, "cli.msg.bundle_attested_unpinned")
        ),
        On::PinnedRegistryKey => format!(
            "{} {key}{}",
            t(lang, "cli.msg.bundle_attested_by"),
            t(lang, "cli.msg.bundle_attested_pinned")
        ),
    }
}

/// `yima export bundle`: the events written, and whether the bundle is attested (a
/// device's own export is not: its key records are the device's word).
pub fn bundle_exported(r: &yima_core::BundleReport, lang: Lang, as_json: bool) {
    if as_json {
        println!(
            "{}",
            json!({ "ok": true, "value": r.events.to_string(), "attested_by": r.attested_by,
                    "key_records": r.key_records })
        );
        return;
    }
    println!(
        "{}: {}",
        t(lang, "cli.msg.bundle_events_exported"),
        r.events
    );
    match r.attested_by {
        Some(k) => println!("{} {k}", t(lang, "cli.msg.bundle_attested_by")),
        None => println!("{}", t(lang, "cli.msg.bundle_not_attested")),
    }
}

pub fn bundle(r: &yima_core::BundleReport, lang: Lang, as_json: bool) {
    if as_json {
        println!(
            "{}",
            json!({ "ok": r.ok(), "scope": r.scope, "exported_at": r.exported_at,
                    "exported_by": r.exported_by, "events": r.events, "containers": r.containers,
                    "attested_by": r.attested_by, "key_records": r.key_records,
                    "keys": r.keys, "failures": r.failures, "notes": r.notes })
        );
        return;
    }
    let scope = match (&r.scope, lang) {
        (yima_core::BundleScope::Container(c), Lang::Zh) => format!("容器 {c}"),
        (yima_core::BundleScope::Manifest(m), Lang::Zh) => format!("联单 {m}"),
        (scope, _) => scope.to_string(),
    };
    println!(
        "{} {scope} ({} {}, {})",
        t(lang, "cli.msg.bundle_of"),
        t(lang, "cli.msg.bundle_exported_by"),
        r.exported_by,
        r.exported_at.to_datetime().format("%Y-%m-%d %H:%M UTC")
    );
    verdict(
        lang,
        r.events,
        r.containers,
        r.failures.iter().map(ToString::to_string),
    );
    for n in &r.notes {
        let at = n
            .position
            .map(|p| format!("#{} ", p + 1))
            .unwrap_or_default();
        println!("  {} {at}{}", t(lang, "cli.msg.bundle_note"), n.detail);
    }
    println!("{}", attestation_line(r, lang));
    for k in &r.keys {
        let revoked = k
            .revoked_at
            .map(|at| {
                format!(
                    ", {} {}",
                    t(lang, "cli.msg.bundle_revoked_at"),
                    at.to_datetime().format("%Y-%m-%d %H:%M UTC")
                )
            })
            .unwrap_or_default();
        println!("  {} {} {}{revoked}", k.key, k.org, k.org_name);
    }
}

//! `yima handover …` over QR codes passed as PNG files, and identity cards as QR codes.
//!
//! A path ending in `.png` is a QR code (written with the handover's text, or scanned for it);
//! any other path is the JSON file of the earlier exchange, which carries the history.

use crate::args::{bad, open, read_json};
use crate::cli::Cli;
use crate::print::{self, t};
use anyhow::Result;
use serde_json::json;
use std::path::Path;
use yima_codes::Lang;
use yima_core::{ACK_PREFIX, IDENTITY_PREFIX, OFFER_PREFIX};
use yima_device::{label_on_offer, IdentityCard, LabelOnOffer};

/// Whether `path` names a PNG file (a QR code) rather than a JSON file.
pub(crate) fn is_png(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("png"))
}

/// Writes `text` as a screen QR code (level M, version ≤ 25); returns the version.
pub(crate) fn write_qr(path: &Path, text: &str, lang: Lang) -> Result<i16> {
    let qr = yima_label::screen_qr_png(text)
        .map_err(|e| bad(e.message(Lang::En), e.message(Lang::Zh)))?;
    crate::args::write_file(path, &qr.png, lang)?;
    Ok(qr.version)
}

/// Every QR text in an image file (an unreadable one said in zh and en).
pub(crate) fn texts(path: &Path) -> Result<Vec<String>> {
    let found = yima_scan::scan_file(path).map_err(|e| {
        bad(
            format!("{}: {}", path.display(), e.message(Lang::En)),
            format!("{}：{}", path.display(), e.message(Lang::Zh)),
        )
    })?;
    Ok(found.into_iter().map(|f| f.text).collect())
}

/// The one QR text starting with `prefix` in an image file.
fn one_text(path: &Path, prefix: &str, what: (&str, &str)) -> Result<String> {
    let mut all: Vec<String> = texts(path)?
        .into_iter()
        .filter(|t| t.starts_with(prefix))
        .collect();
    all.dedup();
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(bad(
            format!("no {} QR code found in {}", what.1, path.display()),
            format!("{} 中没有找到{}二维码", path.display(), what.0),
        )),
        n => Err(bad(
            format!("{n} different {} QR codes in {}", what.1, path.display()),
            format!("{} 中有 {n} 个不同的{}二维码", path.display(), what.0),
        )),
    }
}

/// The other party's identity: a JSON card or an identity QR code.
pub(crate) fn identity(path: &Path, lang: Lang) -> Result<IdentityCard> {
    if is_png(path) {
        let text = one_text(path, IDENTITY_PREFIX, ("身份", "identity"))?;
        Ok(IdentityCard::from_qr_text(&text)?)
    } else {
        read_json(path, lang)
    }
}

/// The Yima label texts in the label photos (a sheet may hold several).
fn label_texts(labels: &[std::path::PathBuf]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for path in labels {
        let found: Vec<String> = texts(path)?
            .into_iter()
            .filter(|t| yima_core::LabelPayload::parse(t).is_ok())
            .collect();
        if found.is_empty() {
            return Err(bad(
                format!("no Yima label found in {}", path.display()),
                format!("{} 中没有找到一码标签", path.display()),
            ));
        }
        out.extend(found);
    }
    Ok(out)
}

/// `yima handover accept OFFER.png --label PHOTO… -o ACK.png`.
pub(crate) fn accept_qr(
    cli: &Cli,
    offer: &Path,
    labels: &[std::path::PathBuf],
    output: &Path,
    lang: Lang,
) -> Result<()> {
    if !is_png(output) {
        return Err(bad(
            "the acknowledgement of a QR offer is a QR code: give -o a .png path".into(),
            "二维码交接的确认也是二维码：-o 请给出 .png 文件".into(),
        ));
    }
    let offer = one_text(offer, OFFER_PREFIX, ("交接邀请", "handover offer"))?;
    let labels = label_texts(labels)?;
    let done = open(cli)?.accept_handover_qr(&offer, &labels)?;
    let version = write_qr(output, &done.ack_text, lang)?;
    if cli.json {
        println!(
            "{}",
            json!({ "ok": true, "value": done.event_id, "qr_version": version, "acceptance": done })
        );
        return Ok(());
    }
    println!(
        "{}: {}",
        t(
            lang,
            "cli.msg.labels_checked_accepted_and_countersigned_acknow"
        ),
        done.event_id
    );
    for c in &done.labels_not_checkable {
        println!(
            "  {} {c}",
            t(
                lang,
                "cli.msg.label_signature_not_checkable_yet_producer_key_u"
            )
        );
    }
    for c in &done.without_history {
        println!("  {} {c}", t(lang, "cli.msg.history_not_synced_yet"));
    }
    Ok(())
}

/// `yima handover confirm ACK.png`.
pub(crate) fn confirm_qr(cli: &Cli, ack: &Path, lang: Lang) -> Result<()> {
    let text = one_text(ack, ACK_PREFIX, ("交接确认", "handover acknowledgement"))?;
    let event = open(cli)?.confirm_handover_qr(&text)?;
    print::handover_confirmed(&event, lang, cli.json);
    Ok(())
}

/// `yima handover check OFFER.png PHOTO…`: flags each label not on the offer's list.
pub(crate) fn check(
    cli: &Cli,
    offer: &Path,
    labels: &[std::path::PathBuf],
    lang: Lang,
) -> Result<()> {
    let offer = one_text(offer, OFFER_PREFIX, ("交接邀请", "handover offer"))?;
    let mut rows = Vec::new();
    let mut all_listed = true;
    for text in label_texts(labels)? {
        let code = yima_core::LabelPayload::parse(&text)
            .map(|p| p.code().to_string())
            .unwrap_or_default();
        let on = label_on_offer(&offer, &text)?;
        all_listed &= on == LabelOnOffer::Listed;
        if cli.json {
            rows.push(json!({ "code": code, "on_list": on == LabelOnOffer::Listed }));
        } else {
            let mark = match on {
                LabelOnOffer::Listed => t(lang, "cli.msg.on_the_list"),
                LabelOnOffer::NotListed => t(lang, "cli.msg.not_on_the_list_do_not_load"),
            };
            println!("{code}  {mark}");
        }
    }
    if cli.json {
        println!("{}", json!({ "ok": all_listed, "labels": rows }));
    }
    if !all_listed {
        std::process::exit(1);
    }
    Ok(())
}

/// `yima handover offers`: those waiting for this device, and those it sent.
pub(crate) fn offers(cli: &Cli, lang: Lang) -> Result<()> {
    let mut device = open(cli)?;
    let waiting = device.received_offers()?;
    let sent = device.sent_offers()?;
    if cli.json {
        println!("{}", json!({ "received": waiting, "sent": sent }));
        return Ok(());
    }
    println!("{}", t(lang, "cli.msg.offers_received"));
    for o in &waiting {
        let giver = if o.giver_org_name.is_empty() {
            o.giver_org.to_string()
        } else {
            o.giver_org_name.clone()
        };
        println!(
            "  {}  {}  {giver}  {}  {} {}",
            o.id,
            o.kind,
            o.manifest.as_deref().unwrap_or("-"),
            o.codes.len(),
            t(lang, "cli.msg.containers")
        );
    }
    println!("{}", t(lang, "cli.msg.offers_sent"));
    for o in &sent {
        let state = match (o.taken, o.sent) {
            (true, _) => "cli.msg.offer_taken",
            (false, true) => "cli.msg.offer_sent",
            (false, false) => "cli.msg.offer_queued",
        };
        println!(
            "  {}  {}  {} {}  {}",
            o.id,
            o.taker_org,
            o.codes.len(),
            t(lang, "cli.msg.containers"),
            t(lang, state)
        );
    }
    Ok(())
}

/// `yima handover take ID --label PHOTO…`: countersigns an offer received through the registry.
pub(crate) fn take(cli: &Cli, id: &str, labels: &[std::path::PathBuf], lang: Lang) -> Result<()> {
    let id: yima_core::EventId = id.trim().parse().map_err(|_| {
        bad(
            format!("{id}: not an offer's id (see yima handover offers)"),
            format!("{id}：不是交接邀请编号（见 yima handover offers）"),
        )
    })?;
    let labels = label_texts(labels)?;
    let event = open(cli)?.take_received_offer(&id, &labels)?;
    print::done(
        lang,
        cli.json,
        "cli.msg.online_offer_taken",
        &event.id.to_string(),
    );
    Ok(())
}

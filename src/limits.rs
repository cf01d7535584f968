//! Printing a container's limits: the receipt deadline and the storage age.

use crate::print::t;
use yima_codes::Lang;
use yima_device::{DeadlineStatus, Limits, ReceiptDeadline, StorageAge, StorageFlag};

fn deadline_status(s: DeadlineStatus, lang: Lang) -> &'static str {
    match s {
        DeadlineStatus::Open => t(lang, "cli.msg.open"),
        DeadlineStatus::Met => t(lang, "cli.msg.met"),
        DeadlineStatus::Missed => t(lang, "cli.msg.missed"),
        DeadlineStatus::Unknown => t(lang, "cli.msg.not_known_calendar_does_not_cover_it"),
    }
}

/// The receipt deadline in one line.
pub fn receipt(r: &ReceiptDeadline, lang: Lang) -> String {
    let due = r.due.map(|d| d.to_string()).unwrap_or_else(|| "?".into());
    let received = match r.received {
        Some(d) => format!("{}{d}", t(lang, "cli.msg.received")),
        None => String::new(),
    };
    format!(
        "{}{} {}{due}{received} ({})",
        t(lang, "cli.msg.picked_up"),
        r.picked_up,
        t(lang, "cli.msg.5_working_days_to_receive_due"),
        deadline_status(r.status, lang)
    )
}

fn storage_flag(f: StorageFlag, lang: Lang) -> &'static str {
    match f {
        StorageFlag::Within => t(lang, "cli.msg.within_limit"),
        StorageFlag::Near => t(lang, "cli.msg.limit_near"),
        StorageFlag::Over => t(lang, "cli.msg.over_limit"),
    }
}

/// The storage age in one line.
pub fn storage(s: &StorageAge, lang: Lang) -> String {
    format!(
        "{} {} {}{} {}{} {} ({})",
        s.facility_code,
        t(lang, "cli.msg.since"),
        s.since,
        t(lang, "cli.msg.text"),
        s.days,
        t(lang, "cli.msg.days_limit"),
        s.limit,
        storage_flag(s.flag, lang)
    )
}

/// The flags worth a glance in a list: a missed receipt, storage near or over its limit.
pub fn flags(l: &Limits, lang: Lang) -> String {
    let mut out = Vec::new();
    if let Some(r) = &l.receipt {
        if r.status == DeadlineStatus::Missed {
            out.push(t(lang, "cli.msg.receipt_late"));
        }
    }
    if let Some(s) = &l.storage {
        if s.flag != StorageFlag::Within {
            out.push(storage_flag(s.flag, lang));
        }
    }
    if l.small_point_over {
        out.push(t(lang, "cli.msg.small_storage_point_over_3_t"));
    }
    out.join(" ")
}

//! Printing one container: its label (fields this device does not know said to be unknown)
//! and its state, holder, manifest and limits.

use crate::print::t;
use yima_codes::Lang;
use yima_device::ContainerView;

/// One container.
pub fn container(v: &ContainerView, lang: Lang, as_json: bool) {
    if as_json {
        println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
        return;
    }
    let l = &v.label;
    // A field the device does not know (a label scanned in a QR handover, history not here)
    // is said to be unknown, never shown as if the label said it.
    let k = |field: &str, value: String| {
        if v.unknown_fields.contains(&field) {
            t(
                lang,
                "cli.msg.unknown_not_on_the_label_sync_for_its_history",
            )
            .to_string()
        } else {
            value
        }
    };
    let rows = [
        (t(lang, "cli.msg.code"), l.code.to_string()),
        (t(lang, "cli.msg.name"), k("name", l.name.clone())),
        (t(lang, "cli.msg.category"), l.category.to_string()),
        (t(lang, "cli.msg.waste_code"), l.waste_code.to_string()),
        (
            t(lang, "cli.msg.form"),
            k("form", l.form.name(lang).to_string()),
        ),
        (
            t(lang, "cli.msg.hazards"),
            k(
                "hazards",
                l.hazards
                    .iter()
                    .map(|h| h.name(lang))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
        ),
        (
            t(lang, "cli.msg.main_components"),
            k("main_components", l.main_components.clone()),
        ),
        (
            t(lang, "cli.msg.harmful_components"),
            k("harmful_components", l.harmful_components.clone()),
        ),
        (
            t(lang, "cli.msg.precautions"),
            k("precautions", l.precautions.clone()),
        ),
        (
            t(lang, "cli.msg.producer"),
            format!(
                "{} ({})",
                k("producer_name", l.producer.name.clone()),
                l.producer.credit_code
            ),
        ),
        (
            t(lang, "cli.msg.contact"),
            format!(
                "{} {}",
                k("contact", l.contact.clone()),
                k("phone", l.phone.clone())
            ),
        ),
        (t(lang, "cli.msg.generated_on"), l.generated_on.to_string()),
        (t(lang, "cli.msg.quantity"), l.quantity.to_string()),
        (
            t(lang, "cli.msg.container_type"),
            k("container_type", l.container_type.clone()),
        ),
        (t(lang, "cli.msg.remarks"), k("remarks", l.remarks.clone())),
        (t(lang, "cli.msg.state"), v.state.name(lang).to_string()),
        (t(lang, "cli.msg.holder"), v.holder.clone()),
        (
            t(lang, "cli.field.manifest"),
            v.manifest.clone().unwrap_or_default(),
        ),
        (t(lang, "cli.msg.events"), v.events.to_string()),
        (
            t(lang, "cli.msg.catalogue_edition"),
            v.catalogue_edition.clone(),
        ),
    ];
    for (k, val) in rows {
        println!("{k}: {val}");
    }
    if let Some(r) = &v.limits.receipt {
        println!(
            "{}: {}",
            t(lang, "cli.msg.receipt_deadline"),
            crate::limits::receipt(r, lang)
        );
    }
    if let Some(s) = &v.limits.storage {
        println!(
            "{}: {}",
            t(lang, "cli.msg.storage_age"),
            crate::limits::storage(s, lang)
        );
    }
}

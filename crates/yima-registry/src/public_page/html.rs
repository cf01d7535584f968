//! The public page as HTML: one small document, inline CSS, no script, every value escaped.

use super::{KnownLabel, LabelPage};
use std::fmt::Write;
use yima_codes::Lang;
use yima_core::Seal;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1a1a1a}\
main{max-width:32rem;margin:0 auto;padding:1rem}\
h1{font-size:1.25rem;margin:.25rem 0 1rem}\
.mark{border-radius:.5rem;padding:.75rem 1rem;font-weight:600;margin-bottom:1rem}\
.ok{background:#e3f6e8;color:#145a2a}.warn{background:#fff4d6;color:#6b4e00}.bad{background:#fde2e2;color:#8a1212}\
dl{background:#fff;border-radius:.5rem;padding:.5rem 1rem;margin:0}\
dt{color:#666;font-size:.85rem;margin-top:.5rem}dd{margin:0 0 .5rem;word-break:break-all}\
nav{margin-top:1rem;font-size:.9rem}footer{margin-top:1rem;color:#666;font-size:.8rem}";

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The page for `page` in `lang`.
pub(crate) fn render(page: &LabelPage, lang: Lang) -> String {
    let mut body = String::with_capacity(4096);
    let title = match page {
        LabelPage::Known(known) => {
            known_body(&mut body, known, lang);
            t(lang, "危险废物容器", "Hazardous waste container")
        }
        LabelPage::Unreadable => {
            mark(
                &mut body,
                "bad",
                "✗",
                t(
                    lang,
                    "无法识别的标签：此网址不是完整的一码标签内容，可能已损坏或被改动。",
                    "Unreadable label: this address is not a whole Yima label; it may be damaged or altered.",
                ),
            );
            t(lang, "无法识别的标签", "Unreadable label")
        }
        LabelPage::Unknown(code, seal) => {
            let why = if *seal == Seal::Genuine {
                t(
                    lang,
                    "登记中心没有此容器的记录：标签由其产生单位的设备签发，但容器尚未登记或尚未同步。",
                    "The registry has no record of this container: its label was signed by a device of its producer, but the container has not been registered or synced yet.",
                )
            } else {
                t(
                    lang,
                    "登记中心没有此容器的记录：标签可能尚未同步，也可能不是真实标签。",
                    "The registry has no record of this container: its label may not be synced yet, or may not be genuine.",
                )
            };
            mark(&mut body, "bad", "?", why);
            code_row(&mut body, code.as_str(), lang);
            t(lang, "未找到记录", "No record")
        }
        LabelPage::Forged(code) => {
            mark(
                &mut body,
                "bad",
                "✗",
                t(
                    lang,
                    "伪造或被篡改的标签：签名与标签内容不符，或并非产生此容器的设备所签。请勿信任此标签，并向生态环境部门报告。",
                    "Forged or altered label: its signature does not match its content, or was not made by the device that generated this container. Do not trust it; report it to the environment authority.",
                ),
            );
            code_row(&mut body, code.as_str(), lang);
            t(lang, "伪造或被篡改的标签", "Forged or altered label")
        }
    };
    document(&body, title, lang)
}

/// The document around `body`.
fn document(body: &str, title: &str, lang: Lang) -> String {
    let (html_lang, other, other_name) = match lang {
        Lang::Zh => ("zh-CN", "en", "English"),
        Lang::En => ("en", "zh", "中文"),
    };
    let mut out = String::with_capacity(body.len() + 1536);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{} · {}</title><style>{STYLE}</style></head>\
         <body><main><h1>{}</h1>{body}<nav><a href=\"?lang={other}\" hreflang=\"{other}\" data-testid=\"switch-lang\">{other_name}</a></nav>\
         <footer>{}</footer></main></body></html>",
        esc(title),
        t(lang, "一码", "Yima"),
        esc(title),
        t(
            lang,
            "一码 · 危险废物全过程追溯。此页面仅显示公开信息。",
            "Yima · hazardous waste chain of custody. This page shows public information only.",
        ),
    );
    out
}

/// The page when too many were asked for from one address.
pub(crate) fn too_many(lang: Lang, wait: u64) -> String {
    let text = match lang {
        Lang::Zh => format!("查询过于频繁，请 {wait} 秒后再试。"),
        Lang::En => format!("Too many pages asked for from this address; try again in {wait} s."),
    };
    let mut body = String::new();
    mark(&mut body, "warn", "…", &text);
    document(&body, t(lang, "请稍后再试", "Try again shortly"), lang)
}

fn mark(out: &mut String, class: &str, sign: &str, text: &str) {
    let _ = write!(
        out,
        "<p class=\"mark {class}\" data-testid=\"mark\" data-mark=\"{class}\">{sign} {}</p>",
        esc(text)
    );
}

fn row(out: &mut String, term: &str, value: &str, id: &str) {
    let _ = write!(
        out,
        "<dt>{}</dt><dd data-testid=\"{id}\">{}</dd>",
        esc(term),
        esc(value)
    );
}

fn code_row(out: &mut String, code: &str, lang: Lang) {
    out.push_str("<dl>");
    row(
        out,
        t(lang, "数字识别码", "Identification code"),
        code,
        "code",
    );
    out.push_str("</dl>");
}

fn known_body(out: &mut String, k: &KnownLabel, lang: Lang) {
    let (class, sign, text) = match (k.chain_agrees, k.key_revoked) {
        (true, false) => (
            "ok",
            "✓",
            t(
                lang,
                "真实标签：签名有效，与登记中心的记录一致。",
                "Genuine label: signature valid, and it agrees with the registry's record.",
            ),
        ),
        (true, true) => (
            "warn",
            "✓",
            t(
                lang,
                "签名有效，与登记记录一致；签发设备此后已被吊销。",
                "Signature valid and agrees with the registry's record; the signing device has since been revoked.",
            ),
        ),
        (false, _) => (
            "warn",
            "!",
            t(
                lang,
                "签名有效，但登记中心的记录与标签不符（申报数量已更正）：以登记记录为准。",
                "Signature valid, but the registry's record differs from the label (its declared quantity was corrected): the record prevails.",
            ),
        ),
    };
    mark(out, class, sign, text);
    out.push_str("<dl>");
    row(
        out,
        t(lang, "数字识别码", "Identification code"),
        k.code.as_str(),
        "code",
    );
    row(
        out,
        t(lang, "废物代码", "Waste code"),
        &format!("{} ({})", k.waste_code, k.category),
        "waste-code",
    );
    row(
        out,
        t(lang, "废物名称", "Waste"),
        &k.waste_name,
        "waste-name",
    );
    row(
        out,
        t(lang, "产生单位", "Producer"),
        &k.producer,
        "producer",
    );
    row(
        out,
        t(lang, "标签申报数量", "Declared on the label"),
        &k.quantity.to_string(),
        "quantity",
    );
    let since = k
        .since
        .map(|at| format!(" · {}", at.china_date().format("%Y-%m-%d")))
        .unwrap_or_default();
    row(
        out,
        t(lang, "当前状态", "Current state"),
        &format!("{}{since}", k.state.name(lang)),
        "state",
    );
    out.push_str("</dl>");
}

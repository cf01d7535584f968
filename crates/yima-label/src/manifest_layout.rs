//! The transfer manifest laid out on A4 pages as SVG, in millimetres, in the manner of the
//! national form (危险废物转移联单): a header on every page (title, 14-digit number and its QR
//! code), the parties on the first, then the containers and the signatures as ruled tables
//! that continue onto further pages with their header rows repeated. Every text is wrapped
//! to its cell with the shipped font's own advances, so nothing runs past a rule or the page.

use crate::fonts::FONT_FAMILY;
use crate::manifest::{
    ManifestSheet, SheetCarrier, SheetCell, SheetCorrection, SheetLine, SheetParty, SheetSignature,
};
use crate::text::esc;
use crate::{qr, RenderError};
use std::fmt::Write;

mod ruled;

use ruled::{
    spans, Cell, Column, Flow, Row, Svg, Tone, BODY, CONTENT_W, MARGIN, PAD, PAGE_H, PAGE_W, SMALL,
    THIN,
};

/// The QR code's side.
const QR: f32 = 24.0;
/// The width of the header's and the page's heavier rules.
const THICK: f32 = 0.45;

fn party_lines(cell: &mut Cell, p: &SheetParty, w: f32) {
    cell.field("名称", "Name", &p.name, w).field(
        "统一社会信用代码",
        "Unified social credit code",
        &p.credit_code,
        w,
    );
}

/// The mark under a corrected value, and the value before it: `已更正 corrected`, `原 was …`.
pub(crate) const CORRECTED: &str = "已更正 corrected";

fn mark(cell: &mut Cell, corrected: &[SheetCorrection], which: SheetCell, w: f32) {
    for c in corrected.iter().filter(|c| c.cell == which) {
        cell.push(CORRECTED, w, SMALL, Tone::Alert);
        if !c.original.trim().is_empty() {
            cell.push(&format!("原 was {}", c.original), w, SMALL, Tone::Muted);
        }
    }
}

fn carrier_lines(cell: &mut Cell, c: &SheetCarrier, w: f32, i: usize) {
    let field = |cell: &mut Cell, zh: &str, en: &str, value: &str, which: SheetCell| {
        cell.field(zh, en, value, w);
        mark(cell, &c.corrected, which, w);
    };
    if i > 0 {
        cell.push(
            &format!("接驳承运人 {i} Relay carrier {i}"),
            w,
            BODY,
            Tone::Normal,
        );
        field(
            cell,
            "接驳地点",
            "Relay place",
            &c.relay_place,
            SheetCell::RelayPlace,
        );
    }
    party_lines(cell, &c.party, w);
    field(
        cell,
        "车牌号",
        "Vehicle plate",
        &c.vehicle_plate,
        SheetCell::VehiclePlate,
    );
    field(cell, "驾驶员", "Driver", &c.driver, SheetCell::Driver);
    field(
        cell,
        "道路运输经营许可证",
        "Transport permit",
        &c.permit,
        SheetCell::Permit,
    );
}

fn parties(sheet: &ManifestSheet) -> (Vec<Column>, Row) {
    let third = CONTENT_W / 3.0;
    let cols = vec![
        Column {
            zh: "移出人（产生/收集单位）",
            en: "Sender (producer / collector)",
            width: third,
        },
        Column {
            zh: "承运人",
            en: "Carrier(s)",
            width: third,
        },
        Column {
            zh: "接受人（利用/处置单位）",
            en: "Receiver",
            width: third,
        },
    ];
    let w = third - 2.0 * PAD;
    let mut sender = Cell::default();
    party_lines(&mut sender, &sheet.sender, w);
    let mut carriers = Cell::default();
    for (i, c) in sheet.carriers.iter().enumerate() {
        carrier_lines(&mut carriers, c, w, i);
    }
    if sheet.carriers.is_empty() {
        carriers.push("—", w, BODY, Tone::Muted);
    }
    let mut receiver = Cell::default();
    party_lines(&mut receiver, &sheet.receiver, w);
    receiver
        .field("经营许可证", "Operating licence", &sheet.receiver_permit, w)
        .field("利用/处置方式", "Use or disposal", &sheet.mode, w);
    (
        cols,
        Row {
            cells: vec![sender, carriers, receiver],
            alert: false,
        },
    )
}

fn waste_columns() -> Vec<Column> {
    let c = |zh, en, width| Column { zh, en, width };
    vec![
        c("序号", "No.", 7.0),
        c("标签编码", "Label code", 31.0),
        c("废物名称", "Waste name", 28.0),
        c("代码/类别", "Code / category", 19.0),
        c("形态", "Form", 10.0),
        c("危险特性", "Hazards", 15.0),
        c("发出量", "Sent", 17.0),
        c("接收称重", "Weighed on receipt", 20.0),
        c("接受量", "Accepted", 17.0),
        c("拒收量", "Refused", 22.0),
    ]
}

fn waste_row(cols: &[Column], i: usize, line: &SheetLine) -> Row {
    let w = |k: usize| cols[k].width - 2.0 * PAD;
    let mut cells = vec![Cell::default(); cols.len()];
    cells[0].push(&(i + 1).to_string(), w(0), BODY, Tone::Normal);
    let code = &line.label_code;
    let split = code.char_indices().nth(18).map_or(code.len(), |(at, _)| at);
    cells[1]
        .push(&code[..split], w(1), BODY, Tone::Normal)
        .push(&code[split..], w(1), BODY, Tone::Normal);
    cells[2].push(&line.name, w(2), BODY, Tone::Normal);
    cells[3]
        .push(&line.waste_code, w(3), BODY, Tone::Normal)
        .push(&line.category, w(3), BODY, Tone::Normal);
    cells[4].push(&line.form, w(4), BODY, Tone::Normal);
    cells[5].push(&line.hazards, w(5), BODY, Tone::Normal);
    cells[6].push(&line.sent, w(6), BODY, Tone::Normal);
    let dash = |c: &mut Cell, v: &Option<String>, w: f32| {
        match v {
            Some(v) => c.push(v, w, BODY, Tone::Normal),
            None => c.push("—", w, BODY, Tone::Muted),
        };
    };
    dash(&mut cells[7], &line.received, w(7));
    if let Some(d) = &line.discrepancy {
        cells[7].push(&format!("差异 {d}"), w(7), BODY, Tone::Alert);
    }
    dash(&mut cells[8], &line.accepted, w(8));
    match &line.refused {
        Some(r) => {
            cells[9].push(r, w(9), BODY, Tone::Alert);
            if !line.refusal_reason.is_empty() {
                cells[9].push(&line.refusal_reason, w(9), SMALL, Tone::Muted);
            }
        }
        None => {
            cells[9].push("—", w(9), BODY, Tone::Muted);
        }
    }
    for (k, which) in [
        (6, SheetCell::Sent),
        (7, SheetCell::Received),
        (8, SheetCell::Accepted),
        (9, SheetCell::Refused),
    ] {
        mark(&mut cells[k], &line.corrected, which, w(k));
    }
    Row {
        cells,
        alert: line.discrepancy.is_some() || line.refused.is_some(),
    }
}

fn signature_columns() -> Vec<Column> {
    let c = |zh, en, width| Column { zh, en, width };
    vec![
        c("环节", "Step", 18.0),
        c("签名单位", "Signed by", 50.0),
        c("身份", "Role", 16.0),
        c("经办人", "Operator", 17.0),
        c("设备密钥指纹", "Device key", 25.0),
        c("时间（北京时间）", "Time (UTC+8)", 26.0),
        c("容器数", "Containers", 13.0),
        c("本机核验", "Verified here", 21.0),
    ]
}

fn signature_row(cols: &[Column], s: &SheetSignature) -> Row {
    let w = |k: usize| cols[k].width - 2.0 * PAD;
    let mut cells = vec![Cell::default(); cols.len()];
    cells[0].push(&s.step, w(0), BODY, Tone::Normal);
    cells[1].push(&s.party.name, w(1), BODY, Tone::Normal).push(
        &s.party.credit_code,
        w(1),
        BODY,
        Tone::Muted,
    );
    cells[2].push(&s.role, w(2), BODY, Tone::Normal);
    match &s.operator {
        Some(o) => cells[3].push(o, w(3), BODY, Tone::Normal),
        None => cells[3].push("—", w(3), BODY, Tone::Muted),
    };
    cells[4].push(&s.key, w(4), BODY, Tone::Normal);
    cells[5].push(&s.at, w(5), BODY, Tone::Normal);
    cells[6].push(&s.containers.to_string(), w(6), BODY, Tone::Normal);
    if s.verified {
        cells[7].push("√ 已核验", w(7), BODY, Tone::Normal).push(
            "verified",
            w(7),
            SMALL,
            Tone::Muted,
        );
    } else {
        cells[7]
            .push("× 未通过", w(7), BODY, Tone::Alert)
            .push("failed", w(7), SMALL, Tone::Alert);
    }
    Row {
        cells,
        alert: !s.verified,
    }
}

/// The header every page carries: title, number, QR code, who printed it and when.
fn header(page: &mut Svg, sheet: &ManifestSheet, qr_svg: &str) {
    page.text_weighted(
        PAGE_W / 2.0,
        19.0,
        6.4,
        Tone::Normal,
        "middle",
        "危险废物转移联单",
        true,
    );
    page.text(
        PAGE_W / 2.0,
        24.5,
        2.8,
        Tone::Muted,
        "middle",
        "Hazardous Waste Transfer Manifest",
    );
    page.text(
        MARGIN,
        14.0,
        2.4,
        Tone::Muted,
        "start",
        "联单编号 Manifest No.",
    );
    page.text_weighted(
        MARGIN,
        20.5,
        4.6,
        Tone::Normal,
        "start",
        &sheet.number,
        true,
    );
    page.0.push_str(qr_svg);
    let printer = if sheet.printed_by.name.is_empty() {
        sheet.printed_by.credit_code.clone()
    } else {
        format!("{} {}", sheet.printed_by.name, sheet.printed_by.credit_code)
    };
    let left_w = PAGE_W - 2.0 * MARGIN - QR - 2.0;
    let lines = spans(
        &format!(
            "打印 Printed {} (UTC+8) · 打印设备 Printed by {printer}",
            sheet.printed_at
        ),
        left_w,
        2.0,
        Tone::Muted,
        2,
    );
    let mut cell = Cell(lines);
    // The printing line sits under the title, above the header rule.
    let top = 34.5 - cell.height();
    page.cell(MARGIN, top, &cell);
    cell.0.clear();
    page.rule(MARGIN, 37.5, PAGE_W - MARGIN, 37.5, THICK);
}

fn footer(page: &mut Svg, sheet: &ManifestSheet, n: usize, total: usize) {
    let y = PAGE_H - 9.0;
    page.rule(MARGIN, y - 4.0, PAGE_W - MARGIN, y - 4.0, THIN);
    page.text(
        MARGIN,
        y,
        2.0,
        Tone::Muted,
        "start",
        &format!(
            "Yima 一码 · 联单 {} · 签名于打印设备核验 signatures verified by the printing device",
            sheet.number
        ),
    );
    page.text(
        PAGE_W - MARGIN,
        y,
        2.2,
        Tone::Normal,
        "end",
        &format!("第 {n} / {total} 页  Page {n} of {total}"),
    );
}

/// The manifest as one SVG document per A4 page.
pub(crate) fn pages(sheet: &ManifestSheet) -> Result<Vec<String>, RenderError> {
    let qr_svg = qr::svg(&sheet.number, PAGE_W - MARGIN - QR, 11.0, QR)?;
    let mut flow = Flow::new();

    let (cols, row) = parties(sheet);
    flow.table(
        ("一、转移各方", "Parties"),
        &cols,
        std::slice::from_ref(&row),
    );
    if !sheet.emergency_measures.trim().is_empty() {
        let cols = [Column {
            zh: "应急措施",
            en: "Emergency measures",
            width: CONTENT_W,
        }];
        let mut cell = Cell::default();
        cell.field(
            "应急措施",
            "Emergency measures",
            &sheet.emergency_measures,
            CONTENT_W - 2.0 * PAD,
        );
        let row = Row {
            cells: vec![cell],
            alert: false,
        };
        flow.y -= 3.0;
        flow.row(&cols, &row, "");
        flow.y += 4.0;
    }

    let cols = waste_columns();
    let rows: Vec<Row> = sheet
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| waste_row(&cols, i, l))
        .collect();
    flow.table(("二、转移危险废物", "Wastes and containers"), &cols, &rows);
    if !sheet.totals.is_empty() {
        flow.y -= 2.5;
        flow.paragraph(
            &format!("合计 Totals：{}", sheet.totals.join(" · ")),
            BODY,
            Tone::Normal,
        );
        flow.y += 3.0;
    }

    let cols = signature_columns();
    let rows: Vec<Row> = sheet
        .signatures
        .iter()
        .map(|s| signature_row(&cols, s))
        .collect();
    flow.table(
        ("三、各环节签名与确认", "Signatures and confirmations"),
        &cols,
        &rows,
    );
    flow.paragraph(
        "说明：每一环节由经手各方的设备密钥签名；“本机核验”为打印设备在打印时对签名、事件编号与链接的核验结果。差异或拒收以红色标出；标“已更正”的值为经签名更正后的值，“原”为更正前所记录的值，更正见签名表。",
        2.1,
        Tone::Muted,
    );
    flow.paragraph(
        "Note: every step is signed by the device keys of the parties to it; \"verified here\" is the printing device's check of the signatures, event ids and chain links when printed. Discrepancies and refusals are marked in red; a value marked \"corrected\" is as a signed correction (in the signatures) set it, \"was\" what was first recorded.",
        2.0,
        Tone::Muted,
    );

    let total = flow.pages.len();
    let mut out = Vec::with_capacity(total);
    for (i, body) in flow.pages.into_iter().enumerate() {
        let mut page = Svg(String::with_capacity(body.0.len() + 16 * 1024));
        let _ = write!(
            page.0,
            concat!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">"##,
                r##"<title>危险废物转移联单 {number}</title>"##,
                r##"<g font-family="'{family}', 'Source Han Sans SC', sans-serif" fill="#000">"##,
                r##"<rect width="{w}" height="{h}" fill="#fff"/>"##,
            ),
            w = PAGE_W,
            h = PAGE_H,
            number = esc(&sheet.number),
            family = FONT_FAMILY,
        );
        header(&mut page, sheet, &qr_svg);
        page.0.push_str(&body.0);
        footer(&mut page, sheet, i + 1, total);
        page.0.push_str("</g></svg>\n");
        out.push(page.0);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_fill_the_width_between_the_margins() {
        for cols in [waste_columns(), signature_columns()] {
            let w: f32 = cols.iter().map(|c| c.width).sum();
            assert!((w - CONTENT_W).abs() < 1e-3, "{w}");
        }
    }
}

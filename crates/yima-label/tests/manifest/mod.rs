//! The transfer manifest as PDF: read back with hayro (in Rust), its text is all there — the
//! 14-digit number, the parties' credit codes, the waste codes, the Chinese captions — from
//! the embedded font's glyphs, a long container table runs over pages with its header
//! repeated, and no glyph is drawn outside the page's margins.

mod read;

use yima_label::{
    ManifestSheet, SheetCarrier, SheetCell, SheetCorrection, SheetLine, SheetParty, SheetSignature,
};

fn party(name: &str, code: &str) -> SheetParty {
    SheetParty {
        name: name.into(),
        credit_code: code.into(),
    }
}

const SENDER: &str = "91350100M000100Y43";
const CARRIER: &str = "91350100MA2XY80011";
const RECEIVER: &str = "91350200MA3ABC8Q2E";

/// A manifest of `n` containers: one weighed short beyond tolerance, one partly refused.
pub fn sample(n: usize) -> ManifestSheet {
    // The totals of the lines below: 20 + i kg each, 1.5 kg short on the first, 10 kg of
    // the second refused.
    let sent: f64 = (0..n).map(|i| 20.0 + i as f64).sum();
    let accepted = sent - if n > 1 { 11.5 } else { 1.5 };
    let lines = (0..n)
        .map(|i| {
            let mut l = SheetLine {
                label_code: format!("{SENDER}9000414920250101{:03}", i + 1),
                name: "废弃的含油抹布、劳保用品".into(),
                waste_code: "900-041-49".into(),
                category: "HW49".into(),
                form: "固态 solid".into(),
                hazards: "毒性、感染性 T, In".into(),
                sent: format!("{} kg", 20 + i),
                received: Some(format!("{} kg", 20 + i)),
                accepted: Some(format!("{} kg", 20 + i)),
                ..SheetLine::default()
            };
            if i == 0 {
                l.received = Some("18.5 kg".into());
                l.accepted = Some("18.5 kg".into());
                l.discrepancy = Some("-1.5 kg".into());
            }
            if i == 1 {
                l.name = "废矿物油与含矿物油废物（含油污泥、废乳化液及清洗废液）".into();
                l.waste_code = "900-249-08".into();
                l.category = "HW08".into();
                l.form = "液态 liquid".into();
                l.hazards = "毒性、易燃性 T, I".into();
                l.accepted = Some("11 kg".into());
                l.refused = Some("10 kg".into());
                l.refusal_reason = "包装破损，渗漏".into();
            }
            l
        })
        .collect();
    let sig = |step: &str, p: &SheetParty, role: &str, op: Option<&str>, key: &str, at: &str| {
        SheetSignature {
            step: step.into(),
            party: p.clone(),
            role: role.into(),
            operator: op.map(Into::into),
            key: key.into(),
            at: at.into(),
            containers: n,
            verified: true,
        }
    };
    let sender = party("福州示例化工有限公司", SENDER);
    let carrier = party("福建示例危险货物运输有限公司", CARRIER);
    let receiver = party("厦门示例环保科技有限公司", RECEIVER);
    let mut signatures = vec![
        sig(
            "出库 dispatched",
            &sender,
            "移出人 sender",
            Some("王磊"),
            "3f2a9c0d5e6b7a81",
            "2025-01-01 09:00:00",
        ),
        sig(
            "运输 picked up",
            &sender,
            "移出人 sender",
            Some("王磊"),
            "3f2a9c0d5e6b7a81",
            "2025-01-01 10:00:00",
        ),
        sig(
            "运输 picked up",
            &carrier,
            "承运人 carrier",
            Some("陈师傅"),
            "b71e04c2d9a3f655",
            "2025-01-01 10:00:00",
        ),
        sig(
            "接收 received",
            &carrier,
            "承运人 carrier",
            None,
            "b71e04c2d9a3f655",
            "2025-01-02 10:00:00",
        ),
        sig(
            "接收 received",
            &receiver,
            "接受人 receiver",
            Some("林娜"),
            "0c9d8e7f6a5b4c3d",
            "2025-01-02 10:00:00",
        ),
    ];
    signatures[3].verified = false;
    ManifestSheet {
        number: "20253501000123".into(),
        sender: sender.clone(),
        carriers: vec![SheetCarrier {
            party: carrier,
            vehicle_plate: "闽A·D1234".into(),
            driver: "陈师傅".into(),
            permit: "闽交运管许可榕字 350100000001 号".into(),
            relay_place: String::new(),
            ..SheetCarrier::default()
        }],
        receiver,
        receiver_permit: "闽危废经许字 350200001 号".into(),
        mode: "处置 disposal".into(),
        emergency_measures: "泄漏时用砂土覆盖，收集后置于防渗容器；着火时用干粉灭火器。".into(),
        lines,
        signatures,
        totals: vec![
            format!("发出 sent {sent} kg"),
            format!("接受 accepted {accepted} kg"),
        ],
        printed_at: "2025-01-03 09:30:00".into(),
        printed_by: party("厦门示例环保科技有限公司", RECEIVER),
    }
}

#[test]
fn a_manifest_pdf_holds_its_number_parties_wastes_and_signatures_in_the_embedded_font() {
    let sheet = sample(3);
    let pdf = yima_label::manifest_pdf(&sheet).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/FontFile3") || has(b"/FontFile2"), "no embedded font");
    assert!(has(b"NotoSansCJKsc-Regular"));
    let pages = read::pages(&pdf);
    assert_eq!(pages.len(), 1);
    let text = pages[0].text();
    for needle in [
        "危险废物转移联单",
        "20253501000123",
        SENDER,
        CARRIER,
        RECEIVER,
        "福州示例化工有限公司",
        "闽A·D1234",
        "陈师傅",
        "闽危废经许字350200001号",
        "900-041-49",
        "900-249-08",
        "HW49",
        "HW08",
        "9000414920250101001",
        "18.5kg",
        "差异-1.5kg",
        "10kg",
        "包装破损",
        "王磊",
        "林娜",
        "3f2a9c0d5e6b7a81",
        "2025-01-0210:00:00",
        "√已核验",
        "×未通过",
        "应急措施",
        "第1/1页",
    ] {
        assert!(text.contains(needle), "page 1 lacks {needle:?}: {text}");
    }
    // Every glyph maps back to its character: nothing drawn without its text.
    assert!(!text.contains('\u{FFFD}'), "{text}");
}

#[test]
fn a_long_table_runs_over_pages_repeating_the_header_within_the_margins() {
    let sheet = sample(60);
    let pdf = yima_label::manifest_pdf(&sheet).unwrap();
    let pages = read::pages(&pdf);
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let total = pages.len();
    for (i, page) in pages.iter().enumerate() {
        let text = page.text();
        assert!(text.contains("20253501000123"), "page {}", i + 1);
        assert!(
            text.contains(&format!("第{}/{total}页", i + 1)),
            "page {}",
            i + 1
        );
        if i > 0 && text.contains("9000414920250101") {
            assert!(
                text.contains("二、转移危险废物（续）"),
                "page {}: {text}",
                i + 1
            );
            assert!(text.contains("标签编码"), "page {}: header row", i + 1);
        }
        // A4 in points, and every glyph inside the 12 mm side margins and the page.
        assert!((page.width - 595.3).abs() < 1.0 && (page.height - 841.9).abs() < 1.0);
        let mm = 72.0 / 25.4;
        for g in page.glyphs.iter().filter(|g| !g.text.trim().is_empty()) {
            let b = g.bbox;
            assert!(
                b.x0 >= 12.0 * mm - 0.5
                    && b.x1 <= page.width - 12.0 * mm + 0.5
                    && b.y0 >= 5.0 * mm
                    && b.y1 <= page.height - 5.0 * mm,
                "page {}: {:?} at {b:?} runs off",
                i + 1,
                g.text
            );
        }
    }
    // Every container once, in order, across the pages.
    let all: String = pages.iter().map(read::PageText::text).collect();
    let mut from = 0;
    for i in 1..=60 {
        let code = format!("9000414920250101{i:03}");
        let at = all[from..].find(&code).unwrap_or_else(|| panic!("{code}"));
        from += at + code.len();
    }
    assert!(all.contains("三、各环节签名与确认"));
}

#[test]
fn long_texts_are_wrapped_or_shortened_never_run_off() {
    let mut sheet = sample(2);
    sheet.lines[0].name = "极长的废物名称".repeat(30);
    sheet.lines[0].label_code = "W".repeat(37);
    sheet.sender.name = "一个名字非常长的单位".repeat(8);
    sheet.emergency_measures = "应急".repeat(300);
    sheet.signatures[0].operator = Some("MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM".into());
    let pdf = yima_label::manifest_pdf(&sheet).unwrap();
    let mm = 72.0 / 25.4;
    for page in read::pages(&pdf) {
        for g in page.glyphs.iter().filter(|g| !g.text.trim().is_empty()) {
            assert!(
                g.bbox.x0 >= 12.0 * mm - 0.5 && g.bbox.x1 <= page.width - 12.0 * mm + 0.5,
                "{:?} at {:?}",
                g.text,
                g.bbox
            );
        }
        assert!(page.text().contains('…') || !page.text().is_empty());
    }
}

/// The drawn glyphs of `needle` (one glyph a character), wherever the page draws it.
fn found<'a>(page: &'a read::PageText, needle: &str) -> Vec<&'a [read::Drawn]> {
    let glyphs: Vec<&read::Drawn> = page
        .glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .collect();
    let want: Vec<char> = needle.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    for i in 0..glyphs.len() {
        let mut text = String::new();
        let mut j = i;
        while j < glyphs.len() && text.chars().count() < want.len() {
            text.push_str(&glyphs[j].text);
            j += 1;
        }
        if text.chars().collect::<Vec<_>>() == want {
            // The run of glyphs, as positions in the page's list.
            let first = page
                .glyphs
                .iter()
                .position(|g| std::ptr::eq(g, glyphs[i]))
                .unwrap();
            let last = page
                .glyphs
                .iter()
                .position(|g| std::ptr::eq(g, glyphs[j - 1]))
                .unwrap();
            out.push(&page.glyphs[first..=last]);
        }
    }
    out
}

#[test]
fn a_corrected_value_is_marked_with_what_it_was_inside_its_cell() {
    let mut sheet = sample(2);
    let fix = |cell, original: &str| SheetCorrection {
        cell,
        original: original.into(),
    };
    sheet.lines[0].received = Some("18 kg".into());
    sheet.lines[0].discrepancy = Some("-2 kg".into());
    sheet.lines[0].accepted = Some("18 kg".into());
    sheet.lines[0].corrected = vec![
        fix(SheetCell::Received, "18.5 kg"),
        fix(SheetCell::Accepted, "18.5 kg"),
    ];
    // A long original is wrapped or shortened in its narrow cell like any value.
    sheet.lines[1].corrected = vec![fix(SheetCell::Refused, &"包装破损渗漏".repeat(12))];
    sheet.carriers[0].corrected = vec![fix(SheetCell::VehiclePlate, "闽A·D1243")];
    let pdf = yima_label::manifest_pdf(&sheet).unwrap();
    let pages = read::pages(&pdf);
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    let text = page.text();
    for needle in [
        "18kg差异-2kg已更正corrected原was18.5kg18kg已更正corrected原was18.5kg",
        "闽A·D1234已更正corrected原was闽A·D1243",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}: {text}");
    }
    // Each mark inside its column (x from the 12 mm margin: the waste table's columns are
    // 7, 31, 28, 19, 10, 15, 17, 20, 17 and 22 mm wide; the parties' a third each).
    let mm = 72.0 / 25.4;
    let column = |from: f64, width: f64| ((12.0 + from) * mm, (12.0 + from + width) * mm);
    let marks = found(page, "已更正corrected");
    // Received and accepted on line 1, refused on line 2, the carrier's plate.
    assert_eq!(marks.len(), 4, "{text}");
    let mut columns = Vec::new();
    for m in &marks {
        let (x0, x1) = (m[0].bbox.x0, m[m.len() - 1].bbox.x1);
        let col = [
            ("received", column(127.0, 20.0)),
            ("accepted", column(147.0, 17.0)),
            ("refused", column(164.0, 22.0)),
            ("carriers", column(186.0 / 3.0, 186.0 / 3.0)),
        ]
        .into_iter()
        .find(|(_, (a, b))| x0 >= *a && x1 <= *b);
        let (name, _) = col.unwrap_or_else(|| panic!("a mark at {x0}..{x1} is in no cell"));
        columns.push(name);
    }
    columns.sort();
    assert_eq!(columns, ["accepted", "carriers", "received", "refused"]);
    // The long original stays inside the refused column, on as many lines as it takes.
    let (a, b) = column(164.0, 22.0);
    for run in found(page, "原was包装破损") {
        assert!(run[0].bbox.x0 >= a, "{:?}", run[0].bbox);
    }
    let refused_glyphs = page
        .glyphs
        .iter()
        .filter(|g| g.text == "渗" && g.bbox.x0 >= a - 1.0);
    for g in refused_glyphs {
        assert!(g.bbox.x1 <= b, "{:?} runs past the refused column", g.bbox);
    }
}

/// Writes a sample manifest and its first page as PNG to `$YIMA_MANIFEST_SAMPLE` (a
/// directory), to look at; does nothing without it.
#[test]
fn sample_for_people_to_look_at() {
    let Some(dir) = std::env::var_os("YIMA_MANIFEST_SAMPLE") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let pdf = yima_label::manifest_pdf(&sample(12)).unwrap();
    std::fs::write(dir.join("manifest-sample.pdf"), &pdf).unwrap();
    std::fs::write(
        dir.join("manifest-sample.png"),
        read::page_png(&pdf, 0, 110.0),
    )
    .unwrap();
}

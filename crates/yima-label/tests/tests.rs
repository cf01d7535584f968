//! Rendering tests: every field in the SVG, PNGs at 300 dpi that decode and scan, the margin
//! and border in the pixels, PDFs that embed the font, and a PDF rasterised back (by hayro,
//! in Rust) whose QR scans and verifies (and an altered one that is reported as forged).

use std::io::Cursor;
use yima_core::{
    ContainerLabel, DeviceKey, LabelPayload, LabelVerdict, Party, PhysicalForm, PublicKey,
    Quantity, Unit,
};
use yima_label::{Format, LabelSize, RenderErrorKind};

fn key() -> DeviceKey {
    DeviceKey::from_secret(&[42; 32])
}

fn label(seq: u16) -> ContainerLabel {
    let code: yima_codes::LabelCode = format!("91350100M000100Y439000414920240301{seq:03}")
        .parse()
        .unwrap();
    ContainerLabel {
        code: code.clone(),
        name: "废弃的含油抹布、劳保用品".into(),
        category: "HW49".parse().unwrap(),
        waste_code: "900-041-49".parse().unwrap(),
        form: PhysicalForm::Solid,
        hazards: "T,In".parse().unwrap(),
        main_components: "棉纱、矿物油".into(),
        harmful_components: "石油烃 <C10-C40> & 苯".into(),
        precautions: "防火防潮".into(),
        producer: Party {
            credit_code: code.producer().clone(),
            name: "示例化工有限公司".into(),
        },
        contact: "李四".into(),
        phone: "13800000000".into(),
        generated_on: code.date(),
        quantity: Quantity::new(25_500, Unit::Kg).unwrap(),
        container_type: "编织袋".into(),
        facility_code: String::new(),
        remarks: "一号库".into(),
    }
}

fn signed(seq: u16) -> (ContainerLabel, LabelPayload) {
    let l = label(seq);
    let p = LabelPayload::sign(&l.code, l.quantity, &key());
    (l, p)
}

fn lookup(id: &yima_core::KeyId) -> Option<PublicKey> {
    let k = key().public();
    (yima_core::KeyId::of(&k) == *id).then_some(k)
}

/// Every QR code rqrr finds in a grey image, as text.
fn scan(w: usize, h: usize, luma: &[u8]) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    img.detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

fn decode_png(bytes: &[u8]) -> (png::Info<'static>, Vec<u8>) {
    let mut reader = png::Decoder::new(Cursor::new(bytes.to_vec()))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    buf.truncate(frame.buffer_size());
    (reader.info().clone(), buf)
}

#[test]
fn svg_contains_every_field() {
    let (l, p) = signed(1);
    let svg = yima_label::svg(&l, &p, LabelSize::Mm100).unwrap();
    // The text of the SVG, tags and spaces removed: a value wrapped over lines reads on.
    let mut text = String::new();
    let mut in_tag = false;
    for c in svg.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let values = [
        "废弃的含油抹布、劳保用品",
        "HW49",
        "900-041-49",
        "固态",
        "棉纱、矿物油",
        "石油烃 &lt;C10-C40&gt; &amp; 苯",
        "防火防潮",
        "示例化工有限公司",
        "李四",
        "13800000000",
        "2024-03-01",
        "25.5 kg",
        "一号库",
        "91350100M000100Y43",
        "9000414920240301001",
        "毒性",
        "感染性",
    ];
    let text = text.replace(' ', "");
    for v in values {
        assert!(text.contains(&v.replace(' ', "")), "the SVG lacks {v:?}");
    }
    for caption in [
        "危险废物",
        "废物名称",
        "废物类别",
        "废物代码",
        "废物形态",
        "危险特性",
        "主要成分",
        "有害成分",
        "注意事项",
        "数字识别码",
        "产生/收集单位",
        "联系人",
        "联系方式",
        "产生日期",
        "废物重量",
        "备注",
    ] {
        assert!(
            text.contains(caption),
            "the SVG lacks the caption {caption}"
        );
    }
    assert!(svg.contains(r#"class="hazard-T""#) && svg.contains(r#"class="hazard-In""#));
    assert!(!svg.contains(r#"class="hazard-C""#));
    assert!(svg.contains(r#"class="qr""#) && svg.contains("Noto Sans CJK SC"));
    assert!(svg.contains(r#"width="100mm""#) && svg.contains(yima_label::BACKGROUND));
}

#[test]
fn png_is_300_dpi_and_its_qr_verifies() {
    let (l, p) = signed(2);
    for (size, px) in [
        (LabelSize::Mm100, 1181),
        (LabelSize::Mm150, 1772),
        (LabelSize::Mm200, 2362),
    ] {
        let bytes = yima_label::render(&l, &p, size, Format::Png).unwrap();
        let (info, rgb) = decode_png(&bytes);
        assert!(
            info.width.abs_diff(px) <= 1 && info.height == info.width,
            "{size:?}"
        );
        let dims = info.pixel_dims.expect("pHYs");
        assert_eq!((dims.xppu, dims.unit), (11811, png::Unit::Meter));
        if size == LabelSize::Mm100 {
            let w = info.width as usize;
            let luma: Vec<u8> = rgb.chunks(3).map(|c| c[1]).collect();
            let texts = scan(w, w, &luma);
            assert_eq!(texts, vec![p.to_text()]);
            // Version 8 at error-correction level Q (format bits 0b11).
            let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, w, |x, y| luma[y * w + x]);
            let (meta, _) = img.detect_grids()[0].decode().unwrap();
            assert_eq!((meta.version.0, meta.ecc_level), (8, 3));
            let read = LabelPayload::parse(&texts[0]).unwrap();
            assert_eq!(
                read.verify(lookup),
                LabelVerdict::Valid {
                    key: key().public()
                }
            );
        }
    }
}

#[test]
fn margin_and_border_are_in_the_pixels() {
    let (l, p) = signed(3);
    let (info, rgb) =
        decode_png(&yima_label::render(&l, &p, LabelSize::Mm100, Format::Png).unwrap());
    let w = info.width as usize;
    let px = |x: usize, y: usize| &rgb[(y * w + x) * 3..(y * w + x) * 3 + 3];
    let mid = w / 2;
    // 11.81 px a millimetre: 0–2.9 mm is the orange margin, 3.1–4.1 mm the black border.
    for x in 0..35 {
        assert_eq!(px(x, mid), [255, 150, 0], "margin at x = {x}");
        assert_eq!(px(mid, x), [255, 150, 0], "margin at y = {x}");
    }
    for x in 37..48 {
        assert!(
            px(x, mid).iter().all(|&c| c < 40),
            "border at x = {x}: {:?}",
            px(x, mid)
        );
        assert!(
            px(w - 1 - x, mid).iter().all(|&c| c < 40),
            "border at the right"
        );
    }
    for size in LabelSize::ALL {
        assert!(size.text_mm() >= size.min_text_mm() * 1.01, "{size:?}");
    }
}

#[test]
fn sizes_follow_the_container_volume() {
    assert_eq!(LabelSize::for_volume_litres(20.0), LabelSize::Mm100);
    assert_eq!(LabelSize::for_volume_litres(50.0), LabelSize::Mm100);
    assert_eq!(LabelSize::for_volume_litres(200.0), LabelSize::Mm150);
    assert_eq!(LabelSize::for_volume_litres(450.0), LabelSize::Mm150);
    assert_eq!(LabelSize::for_volume_litres(1000.0), LabelSize::Mm200);
    assert_eq!(LabelSize::from_mm(150), Some(LabelSize::Mm150));
    assert_eq!(LabelSize::from_mm(120), None);
    assert_eq!(yima_label::sheet_grid(LabelSize::Mm100), (2, 2));
    assert_eq!(yima_label::sheet_grid(LabelSize::Mm150), (1, 1));
    assert_eq!(yima_label::pixels(LabelSize::Mm100), 1181);
    // With the number of labels, and an impossible volume refused.
    assert_eq!(LabelSize::for_container(None), Ok((LabelSize::Mm100, 1)));
    assert_eq!(
        LabelSize::for_container(Some(200.0)),
        Ok((LabelSize::Mm150, 1))
    );
    assert_eq!(
        LabelSize::for_container(Some(1000.0)),
        Ok((LabelSize::Mm200, 2))
    );
    for bad in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        let e = LabelSize::for_container(Some(bad)).unwrap_err();
        assert_eq!(e.kind(), yima_label::RenderErrorKind::BadVolume);
        assert!(e.message(yima_codes::Lang::Zh).contains("容积"));
    }
}

#[test]
fn pdf_embeds_the_font() {
    let (l, p) = signed(4);
    let pdf = yima_label::render(&l, &p, LabelSize::Mm150, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(
        has(b"/FontFile3") || has(b"/FontFile2"),
        "no embedded font file"
    );
    assert!(has(b"NotoSansCJKsc-Regular") && has(b"NotoSansCJKsc-Bold"));
}

#[test]
fn a_sheet_has_as_many_pages_as_needed() {
    let labels: Vec<_> = (1..=5).map(signed).collect();
    let pdf = yima_label::pdf_sheet(&labels, LabelSize::Mm100).unwrap();
    let pages = pdf
        .windows(11)
        .filter(|w| w.starts_with(b"/Type/Page") && w[10] != b's')
        .count();
    assert_eq!(pages, 2);
    let err = yima_label::pdf_sheet(&[], LabelSize::Mm100).unwrap_err();
    assert_eq!(err.kind(), RenderErrorKind::Empty);
}

#[test]
fn a_payload_for_another_container_is_refused() {
    let (l, _) = signed(5);
    let (_, other) = signed(6);
    let err = yima_label::svg(&l, &other, LabelSize::Mm100).unwrap_err();
    assert_eq!(err.kind(), RenderErrorKind::Mismatch);
    assert!(err
        .message(yima_codes::Lang::Zh)
        .contains("91350100M000100Y439000414920240301006"));
}

#[test]
fn characters_the_font_lacks_are_reported() {
    let mut l = label(7);
    assert!(yima_label::missing_chars(&l).is_empty());
    l.producer.name = "𠀀𠀁化工".into();
    assert_eq!(yima_label::missing_chars(&l), vec!['𠀀', '𠀁']);
}

/// Rasterises page 1 of `pdf` at 200 dpi with hayro, a PDF renderer written in Rust, into
/// grey bytes (white under any transparency), so the print-and-scan round trip needs no
/// Debian tool.
fn rasterise(pdf: &[u8]) -> (usize, usize, Vec<u8>) {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    let pdf = Pdf::new(pdf.to_vec()).expect("hayro reads the PDF");
    let pages = hayro::render_pdf(
        &pdf,
        200.0 / 72.0,
        InterpreterSettings::default(),
        &hayro::RenderSettings::default(),
        Some(0..=0),
    )
    .expect("hayro renders page 1");
    let page = &pages[0];
    let (w, h) = (page.width() as usize, page.height() as usize);
    let luma = page
        .data_as_u8_slice()
        .chunks_exact(4)
        .map(|px| {
            // Premultiplied RGBA over white, then ITU-R BT.601 luma.
            let a = px[3] as u32;
            let over = |c: u8| c as u32 + (255 - a);
            ((299 * over(px[0]) + 587 * over(px[1]) + 114 * over(px[2])) / 1000).min(255) as u8
        })
        .collect();
    (w, h, luma)
}

#[test]
fn a_pdf_rasterised_back_scans_and_verifies_and_an_altered_one_is_forged() {
    let (l, p) = signed(8);
    let pdf = yima_label::render(&l, &p, LabelSize::Mm100, Format::Pdf).unwrap();
    let (w, h, luma) = rasterise(&pdf);
    let texts = scan(w, h, &luma);
    assert_eq!(texts, vec![p.to_text()]);
    let read = LabelPayload::parse(&texts[0]).unwrap();
    assert_eq!(
        read.verify(lookup),
        LabelVerdict::Valid {
            key: key().public()
        }
    );

    // The weight altered in the payload (25.5 kg → 255 kg) and printed: forged.
    let altered = LabelPayload::parse(&p.to_text().replace(":25.5KG:", ":255KG:")).unwrap();
    let mut heavier = l.clone();
    heavier.quantity = altered.quantity();
    let pdf = yima_label::render(&heavier, &altered, LabelSize::Mm100, Format::Pdf).unwrap();
    let (w, h, luma) = rasterise(&pdf);
    let texts = scan(w, h, &luma);
    let read = LabelPayload::parse(&texts[0]).unwrap();
    assert_eq!(read.quantity(), Quantity::new(255_000, Unit::Kg).unwrap());
    assert_eq!(read.verify(lookup), LabelVerdict::Forged);
}

#[test]
fn every_label_of_a_printed_sheet_scans() {
    let labels: Vec<_> = (10..=13).map(signed).collect();
    let pdf = yima_label::pdf_sheet(&labels, LabelSize::Mm100).unwrap();
    let (w, h, luma) = rasterise(&pdf);
    // Each label's square on the A4 page (2 × 2 labels of 100 mm, centred), scanned alone
    // as a phone would see it.
    let per_mm = w as f32 / 210.0;
    let mut texts = Vec::new();
    for (col, row) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
        let x0 = ((5.0 + 100.0 * col as f32) * per_mm) as usize;
        let y0 = ((48.5 + 100.0 * row as f32) * per_mm) as usize;
        let side = ((100.0 * per_mm) as usize).min(w - x0).min(h - y0);
        let crop: Vec<u8> = (0..side)
            .flat_map(|y| luma[(y0 + y) * w + x0..(y0 + y) * w + x0 + side].to_vec())
            .collect();
        texts.extend(scan(side, side, &crop));
    }
    texts.sort();
    let mut expected: Vec<String> = labels.iter().map(|(_, p)| p.to_text()).collect();
    expected.sort();
    assert_eq!(texts, expected);
}

/// Screen QR codes (the offline handover): the core's limit on a handover text is exactly the
/// capacity of version 25 at level M, and what fits scans back from the PNG.
#[test]
fn screen_qr_codes_hold_up_to_version_25_and_scan_back() {
    let max = yima_core::MAX_QR_TEXT;
    let full =
        "YIMA-HO1:".to_string() + &"A1".repeat(max).chars().take(max - 9).collect::<String>();
    assert_eq!(full.len(), max);
    let qr = yima_label::screen_qr_png(&full).unwrap();
    assert_eq!(qr.version, yima_label::MAX_SCREEN_VERSION);
    let over = full.clone() + "B";
    assert_eq!(
        yima_label::screen_qr_png(&over).unwrap_err().kind(),
        RenderErrorKind::TooLarge
    );
    let (info, luma) = decode_png(&qr.png);
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let w = info.width as usize;
    assert_eq!(scan(w, info.height as usize, &luma), vec![full]);
}

/// The SVG's text, tags and spaces removed.
fn svg_text(svg: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in svg.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && c != ' ' => text.push(c),
            _ => {}
        }
    }
    text
}

#[test]
fn a_volume_is_printed_as_a_volume_never_under_the_weight() {
    let key = key();
    let mut l = label(3);
    l.quantity = yima_core::Quantity::parse("180", yima_core::Unit::L).unwrap();
    let p = LabelPayload::sign(&l.code, l.quantity, &key);
    let text = svg_text(&yima_label::svg(&l, &p, LabelSize::Mm150).unwrap());
    let weight = text.find("废物重量").expect("the weight caption");
    let volume = text.find("废物体积").expect("a volume line");
    assert!(volume > weight, "{text}");
    let after_weight = &text[weight + "废物重量".len()..];
    assert!(
        !after_weight.starts_with("：180L"),
        "the volume is not printed as the weight: {text}"
    );
    assert!(text[volume..].starts_with("废物体积：180L"), "{text}");
    // A weight stays under 废物重量, with no volume line.
    let (l, p) = signed(4);
    let text = svg_text(&yima_label::svg(&l, &p, LabelSize::Mm100).unwrap());
    assert!(
        text.contains("废物重量：25.5kg") && !text.contains("废物体积"),
        "{text}"
    );
}

#[test]
fn containers_over_450_litres_carry_two_labels() {
    assert_eq!(LabelSize::copies_for_volume_litres(50.0), 1);
    assert_eq!(LabelSize::copies_for_volume_litres(450.0), 1);
    assert_eq!(LabelSize::copies_for_volume_litres(1000.0), 2);
}
mod manifest;

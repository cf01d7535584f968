//! The HJ 1276 label laid out as SVG. Everything is placed on a label 100 units wide and
//! scaled to the printed size, so every size has the same layout; at 3.4 units the body text
//! is 3.4, 5.1 and 6.8 mm on the 100, 150 and 200 mm labels (HJ 1276: at least 3, 5, 6 mm).

use crate::fonts::{Metrics, FONT_FAMILY};
use crate::pictogram::pictogram;
use crate::text::{esc, field, shorten, Line};
use crate::{qr, LabelSize, RenderError};
use std::fmt::Write;
use yima_core::{ContainerLabel, LabelPayload, PayloadForm};

/// Orange-yellow background (HJ 1276: 醒目的橘黄色), RGB 255, 150, 0.
pub const BACKGROUND: &str = "#ff9600";
/// Blank margin outside the border (3 mm on the 100 mm label).
const MARGIN: f32 = 3.0;
/// Border width (1.2 mm on the 100 mm label).
const BORDER: f32 = 1.2;
/// Inside edge of the border.
const INNER: f32 = MARGIN + BORDER;
/// Space between a rule and text.
const PAD: f32 = 1.3;
/// Body text size.
pub(crate) const FONT: f32 = 3.4;
/// Distance between lines of body text.
const LINE: f32 = 4.2;
/// Title text size and the title band's bottom.
const TITLE: f32 = 7.6;
const TITLE_BOTTOM: f32 = INNER + 10.6;
/// Width of the right column (hazards, identification code, QR).
const RIGHT: f32 = 40.0;
/// Thin rules between parts of the label.
const RULE: f32 = 0.45;

struct Svg(String);

impl Svg {
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, anchor: &str, s: &str) {
        let weight = if bold { r##" font-weight="700""## } else { "" };
        let _ = write!(
            self.0,
            r##"<text x="{x:.3}" y="{y:.3}" font-size="{size:.3}"{weight} text-anchor="{anchor}">{}</text>"##,
            esc(s)
        );
    }

    /// Text lines of a field, from the top `top` at `x`.
    fn lines(&mut self, x: f32, top: f32, lines: &[Line]) {
        let m = Metrics::get();
        for (i, l) in lines.iter().enumerate() {
            let y = baseline(top + LINE * i as f32);
            let mut lx = x;
            if let Some(c) = &l.caption {
                self.text(lx, y, FONT, true, "start", c);
                lx += m.width(c, true) * FONT;
            }
            if !l.text.is_empty() {
                self.text(lx, y, FONT, false, "start", &l.text);
            }
        }
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let _ = write!(
            self.0,
            r##"<line x1="{x1:.3}" y1="{y1:.3}" x2="{x2:.3}" y2="{y2:.3}" stroke="#000" stroke-width="{RULE}"/>"##
        );
    }
}

/// The baseline of a line of body text whose line box starts at `top`.
fn baseline(top: f32) -> f32 {
    top + (LINE - FONT) / 2.0 + FONT * 0.88
}

/// The fields of the left column, in the order of HJ 1276's label.
///
/// 废物重量 holds a weight only: a quantity declared in litres is printed on its own line,
/// 废物体积, below it, and 废物重量 is left blank for the weight to be written in.
fn left_fields(label: &ContainerLabel) -> Vec<(&'static str, String)> {
    let (weight, volume) = match label.quantity.kilograms_milli() {
        Some(_) => (("废物重量", label.quantity.to_string()), None),
        None => (
            ("废物重量", String::new()),
            Some(("废物体积", label.quantity.to_string())),
        ),
    };
    [
        ("废物名称", label.name.clone()),
        ("废物类别", label.category.to_string()),
        ("废物代码", label.waste_code.to_string()),
        (
            "废物形态",
            label.form.name(yima_codes::Lang::Zh).to_string(),
        ),
        ("主要成分", label.main_components.clone()),
        ("有害成分", label.harmful_components.clone()),
        ("注意事项", label.precautions.clone()),
        ("产生/收集单位", label.producer.name.clone()),
        ("联系人", label.contact.clone()),
        ("联系方式", label.phone.clone()),
        (
            "产生日期",
            label.generated_on.format("%Y-%m-%d").to_string(),
        ),
        weight,
    ]
    .into_iter()
    .chain(volume)
    .chain([("备注", label.remarks.clone())])
    .collect()
}

/// Lays out the left column in at most `max_lines`, shortening the longest fields first.
fn left_column(label: &ContainerLabel, width: f32, max_lines: usize) -> Vec<Vec<Line>> {
    let mut rows: Vec<Vec<Line>> = left_fields(label)
        .iter()
        .map(|(c, v)| field(c, v, width))
        .collect();
    while rows.iter().map(Vec::len).sum::<usize>() > max_lines {
        let longest = (0..rows.len())
            .max_by_key(|&i| (rows[i].len(), i))
            .unwrap_or(0);
        if rows[longest].len() <= 1 {
            break;
        }
        let keep = rows[longest].len() - 1;
        shorten(&mut rows[longest], keep, width);
    }
    rows
}

/// The hazard pictograms with their names, in the box `x, top, w, h`.
fn hazards(svg: &mut Svg, label: &ContainerLabel, x: f32, top: f32, w: f32, h: f32) {
    let list: Vec<_> = label.hazards.iter().collect();
    if list.is_empty() {
        return;
    }
    let cols = match list.len() {
        1 | 2 => list.len(),
        4 => 2,
        _ => 3,
    };
    let rows = list.len().div_ceil(cols);
    let cell_w = w / cols as f32;
    let cell_h = h / rows as f32;
    let size = (cell_w - 1.0).min(cell_h - LINE - 0.6).min(22.0);
    for (i, hz) in list.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        let in_row = (list.len() - r * cols).min(cols) as f32;
        let cx = x + w / 2.0 + (c as f32 - (in_row - 1.0) / 2.0) * cell_w;
        let cell_top = top + r as f32 * cell_h + (cell_h - size - LINE) / 2.0;
        svg.0
            .push_str(&pictogram(*hz, cx, cell_top + size / 2.0, size));
        svg.text(
            cx,
            baseline(cell_top + size),
            FONT,
            true,
            "middle",
            hz.name(yima_codes::Lang::Zh),
        );
    }
}

/// The label as SVG, `size` millimetres square.
pub(crate) fn svg(
    label: &ContainerLabel,
    payload: &LabelPayload,
    form: &PayloadForm,
    size: LabelSize,
) -> Result<String, RenderError> {
    let mm = size.mm();
    let mut svg = Svg(String::with_capacity(24 * 1024));
    let _ = write!(
        svg.0,
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{mm}mm" height="{mm}mm" viewBox="0 0 {mm} {mm}">"##,
            r##"<title>危险废物标签 {code}</title>"##,
            r##"<g transform="scale({k})" font-family="'{family}', 'Source Han Sans SC', sans-serif" fill="#000">"##,
            r##"<rect width="100" height="100" fill="{bg}"/>"##,
            r##"<rect x="{b}" y="{b}" width="{bw}" height="{bw}" fill="none" stroke="#000" stroke-width="{border}"/>"##,
        ),
        mm = mm,
        code = label.code,
        k = mm / 100.0,
        family = FONT_FAMILY,
        bg = BACKGROUND,
        b = MARGIN + BORDER / 2.0,
        bw = 100.0 - 2.0 * MARGIN - BORDER,
        border = BORDER,
    );
    // Title band.
    let title_base = INNER + (TITLE_BOTTOM - INNER - TITLE) / 2.0 + TITLE * 0.88;
    svg.text(50.0, title_base, TITLE, true, "middle", "危险废物");
    svg.rule(INNER, TITLE_BOTTOM, 100.0 - INNER, TITLE_BOTTOM);

    // Columns.
    let bottom = 100.0 - INNER;
    let split = 100.0 - INNER - RIGHT;
    svg.rule(split, TITLE_BOTTOM, split, bottom);
    let left_x = INNER + PAD;
    let left_w = (split - PAD - left_x) / FONT;
    let body_top = TITLE_BOTTOM + 0.6;
    let max_lines = ((bottom - body_top - 0.2) / LINE).floor() as usize;
    let mut top = body_top;
    for row in left_column(label, left_w, max_lines) {
        svg.lines(left_x, top, &row);
        top += LINE * row.len() as f32;
    }

    // Right column, from the bottom up: QR, identification code, hazards.
    let rx = split + PAD;
    let rw = 100.0 - INNER - PAD - rx;
    let qr_size = rw;
    let qr_top = bottom - PAD - qr_size;
    svg.0
        .push_str(&qr::svg(&payload.to_text_in(form), rx, qr_top, qr_size)?);
    let code = label.code.as_str();
    let code_lines = [
        Line {
            caption: None,
            text: code[..18].to_string(),
        },
        Line {
            caption: None,
            text: code[18..].to_string(),
        },
    ];
    let code_top = qr_top - 0.4 - 3.0 * LINE;
    svg.rule(split, code_top - 0.3, 100.0 - INNER, code_top - 0.3);
    svg.text(
        rx + rw / 2.0,
        baseline(code_top),
        FONT,
        true,
        "middle",
        "数字识别码",
    );
    for (i, l) in code_lines.iter().enumerate() {
        // A credit code of many wide letters is set a little tighter rather than overflow.
        let fit = FONT.min(rw / Metrics::get().width(&l.text, false));
        svg.text(
            rx + rw / 2.0,
            baseline(code_top + LINE * (i + 1) as f32),
            fit,
            false,
            "middle",
            &l.text,
        );
    }
    svg.text(
        rx + rw / 2.0,
        baseline(body_top),
        FONT,
        true,
        "middle",
        "危险特性",
    );
    let hz_top = body_top + LINE;
    hazards(&mut svg, label, rx, hz_top, rw, code_top - 0.6 - hz_top);
    svg.0.push_str("</g></svg>\n");
    Ok(svg.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bold_face_has_every_fixed_text() {
        let m = Metrics::get();
        let label_fields = left_fields(&sample());
        let hazard_names = yima_codes::Hazard::all().map(|h| h.name(yima_codes::Lang::Zh));
        let fixed = ["危险废物", "危险特性", "数字识别码", "："];
        let texts = label_fields
            .iter()
            .map(|(c, _)| *c)
            .chain(hazard_names)
            .chain(fixed);
        for text in texts {
            for c in text.chars() {
                assert!(
                    m.has(c, true),
                    "the bold subset lacks {c:?} (fonts/make-subset.py)"
                );
            }
        }
    }

    fn sample() -> ContainerLabel {
        let code: yima_codes::LabelCode = "91350100M000100Y439000414920240301001".parse().unwrap();
        ContainerLabel::from_code(
            &code,
            yima_core::Quantity::new(1, yima_core::Unit::Kg).unwrap(),
        )
        .unwrap()
    }
}

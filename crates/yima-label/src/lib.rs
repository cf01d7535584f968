//! Hazardous-waste labels (危险废物标签, HJ 1276-2022) as SVG, PNG (300 dpi) and PDF.
//!
//! A label shows every field of the container's [`ContainerLabel`], the pictograms of its
//! hazards, and the QR code of its signed [`LabelPayload`] (error-correction level Q), on an
//! orange-yellow ground inside a black border with a blank margin, at 100, 150 or 200 mm
//! ([`LabelSize`]). Text is set in a subset of Noto Sans CJK SC shipped inside this crate
//! (`fonts/`): PNGs are drawn with it and PDFs embed it, so a label prints the same on every
//! machine; an SVG names the font family (a viewer without it falls back to another sans).
//!
//! ```
//! # use yima_core::{ContainerLabel, DeviceKey, LabelPayload, Party, PhysicalForm, Quantity, Unit};
//! # let code: yima_codes::LabelCode = "91350100M000100Y439000414920240301001".parse().unwrap();
//! # let label = ContainerLabel {
//! #     code: code.clone(), name: "废矿物油".into(), category: "HW08".parse().unwrap(),
//! #     waste_code: "900-249-08".parse().unwrap(), form: PhysicalForm::Liquid,
//! #     hazards: "T,I".parse().unwrap(), main_components: "矿物油".into(),
//! #     harmful_components: "多环芳烃".into(), precautions: "远离火源".into(),
//! #     producer: Party { credit_code: code.producer().clone(), name: "示例化工有限公司".into() },
//! #     contact: "张三".into(), phone: "0591-12345678".into(), generated_on: code.date(),
//! #     quantity: Quantity::new(180_000, Unit::Kg).unwrap(), container_type: "铁桶".into(),
//! #     facility_code: String::new(), remarks: String::new(),
//! # };
//! use yima_label::{LabelSize, Format};
//!
//! let key = DeviceKey::from_secret(&[7; 32]);
//! let payload = LabelPayload::sign(&label.code, label.quantity, &key);
//! let size = LabelSize::for_volume_litres(200.0); // a 200 L drum: 150 mm
//! let svg = yima_label::svg(&label, &payload, size)?;
//! assert!(svg.contains("废矿物油") && svg.contains("危险废物"));
//! let png = yima_label::render(&label, &payload, size, Format::Png)?;
//! assert_eq!(&png[1..4], b"PNG");
//! # Ok::<(), yima_label::RenderError>(())
//! ```
#![deny(missing_docs)]

mod error;
mod fonts;
mod layout;
mod manifest;
mod manifest_layout;
mod output;
mod pictogram;
mod qr;
mod screen;
mod text;

pub use error::{RenderError, RenderErrorKind};
pub use fonts::{missing_chars, FONT_FAMILY};
pub use layout::BACKGROUND;
pub use manifest::{
    ManifestSheet, SheetCarrier, SheetCell, SheetCorrection, SheetLine, SheetParty, SheetSignature,
};
pub use output::{pixels, sheet_grid, DPI};
pub use screen::{screen_qr_png, ScreenQr, MAX_SCREEN_VERSION, SCREEN_MODULE_PX};

use yima_core::{ContainerLabel, LabelPayload, PayloadForm};

/// The label sizes of HJ 1276, by container volume.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum LabelSize {
    /// 100 × 100 mm, text at least 3 mm: containers up to 50 L.
    Mm100,
    /// 150 × 150 mm, text at least 5 mm: containers over 50 L up to 450 L.
    Mm150,
    /// 200 × 200 mm, text at least 6 mm: containers over 450 L (a label on two opposite sides).
    Mm200,
}

impl LabelSize {
    /// Every size, smallest first.
    pub const ALL: [LabelSize; 3] = [LabelSize::Mm100, LabelSize::Mm150, LabelSize::Mm200];

    /// The side of the square label, in millimetres.
    pub fn mm(self) -> f32 {
        match self {
            LabelSize::Mm100 => 100.0,
            LabelSize::Mm150 => 150.0,
            LabelSize::Mm200 => 200.0,
        }
    }

    /// The smallest text height HJ 1276 allows at this size, in millimetres.
    pub fn min_text_mm(self) -> f32 {
        match self {
            LabelSize::Mm100 => 3.0,
            LabelSize::Mm150 => 5.0,
            LabelSize::Mm200 => 6.0,
        }
    }

    /// The body text size this crate prints at this size, in millimetres (the font's em,
    /// which is the height of a Chinese character's box).
    pub fn text_mm(self) -> f32 {
        layout::FONT * self.mm() / 100.0
    }

    /// The size for a container of `litres`: up to 50 L, over 50 up to 450 L, over 450 L.
    pub fn for_volume_litres(litres: f64) -> LabelSize {
        if litres <= 50.0 {
            LabelSize::Mm100
        } else if litres <= 450.0 {
            LabelSize::Mm150
        } else {
            LabelSize::Mm200
        }
    }

    /// How many labels a container of `litres` carries: two, on opposite sides, above
    /// 450 L; one otherwise.
    pub fn copies_for_volume_litres(litres: f64) -> usize {
        if litres > 450.0 {
            2
        } else {
            1
        }
    }

    /// The size and number of labels for a container of `litres` (HJ 1276), refusing a
    /// volume that is not a positive number; unknown, one label of 100 mm.
    pub fn for_container(litres: Option<f64>) -> Result<(LabelSize, usize), RenderError> {
        match litres {
            None => Ok((LabelSize::Mm100, 1)),
            Some(v) if v.is_finite() && v > 0.0 => Ok((
                LabelSize::for_volume_litres(v),
                LabelSize::copies_for_volume_litres(v),
            )),
            Some(v) => Err(RenderError::BadVolume(v.to_string())),
        }
    }

    /// The size of side `mm` (100, 150 or 200).
    pub fn from_mm(mm: u32) -> Option<LabelSize> {
        match mm {
            100 => Some(LabelSize::Mm100),
            150 => Some(LabelSize::Mm150),
            200 => Some(LabelSize::Mm200),
            _ => None,
        }
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// SVG text (the font named, not embedded).
    Svg,
    /// PNG at [`DPI`].
    Png,
    /// PDF with the font embedded, one page the label's size.
    Pdf,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Pdf => "pdf",
        }
    }
}

fn check(label: &ContainerLabel, payload: &LabelPayload) -> Result<(), RenderError> {
    if payload.code() != &label.code {
        return Err(RenderError::Mismatch {
            label: label.code.to_string(),
            payload: payload.code().to_string(),
        });
    }
    Ok(())
}

/// The label as SVG, its QR code in the text form (version 1). Fields too long for the label
/// are shortened with "…".
pub fn svg(
    label: &ContainerLabel,
    payload: &LabelPayload,
    size: LabelSize,
) -> Result<String, RenderError> {
    svg_in(label, payload, &PayloadForm::Text, size)
}

/// The label as SVG, its QR code's payload written in `form` (the text, or the registry's
/// address a phone's camera opens).
pub fn svg_in(
    label: &ContainerLabel,
    payload: &LabelPayload,
    form: &PayloadForm,
    size: LabelSize,
) -> Result<String, RenderError> {
    check(label, payload)?;
    layout::svg(label, payload, form, size)
}

/// The label in `format`: SVG text as bytes, a PNG or a PDF, its QR code in the text form.
pub fn render(
    label: &ContainerLabel,
    payload: &LabelPayload,
    size: LabelSize,
    format: Format,
) -> Result<Vec<u8>, RenderError> {
    render_in(label, payload, &PayloadForm::Text, size, format)
}

/// The label in `format`, its QR code's payload written in `form`.
pub fn render_in(
    label: &ContainerLabel,
    payload: &LabelPayload,
    form: &PayloadForm,
    size: LabelSize,
    format: Format,
) -> Result<Vec<u8>, RenderError> {
    let svg = svg_in(label, payload, form, size)?;
    match format {
        Format::Svg => Ok(svg.into_bytes()),
        Format::Png => output::png(&svg, size),
        Format::Pdf => output::pdf(&svg, size, format!("危险废物标签 {}", label.code)),
    }
}

/// Several labels on A4 pages for a printing station: as many as fit on a page
/// ([`sheet_grid`]: four 100 mm labels, one 150 or 200 mm label), as many pages as needed.
pub fn pdf_sheet(
    labels: &[(ContainerLabel, LabelPayload)],
    size: LabelSize,
) -> Result<Vec<u8>, RenderError> {
    pdf_sheet_in(labels, &PayloadForm::Text, size)
}

/// [`pdf_sheet`] with every QR code's payload written in `form`.
pub fn pdf_sheet_in(
    labels: &[(ContainerLabel, LabelPayload)],
    form: &PayloadForm,
    size: LabelSize,
) -> Result<Vec<u8>, RenderError> {
    let svgs = labels
        .iter()
        .map(|(l, p)| svg_in(l, p, form, size))
        .collect::<Result<Vec<_>, _>>()?;
    let title = format!("危险废物标签 × {}", labels.len());
    output::pdf_sheet(&svgs, size, title)
}

/// A transfer manifest (危险废物转移联单) as a PDF of A4 pages in the manner of the national
/// form: the 14-digit number with its QR code on every page, the parties, the containers
/// with their quantities as sent and as received (discrepancies and refusals in red), and
/// every signature with whether it verified; the container and signature tables run on
/// over as many pages as they need, their header rows repeated. The CJK font is embedded
/// (subset to the characters used).
pub fn manifest_pdf(sheet: &ManifestSheet) -> Result<Vec<u8>, RenderError> {
    let pages = manifest_layout::pages(sheet)?;
    output::pdf_a4_pages(&pages, format!("危险废物转移联单 {}", sheet.number))
}

/// The pages of [`manifest_pdf`] as SVG documents (the font named, not embedded).
pub fn manifest_svg_pages(sheet: &ManifestSheet) -> Result<Vec<String>, RenderError> {
    manifest_layout::pages(sheet)
}

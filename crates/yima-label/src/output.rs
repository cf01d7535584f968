//! From the label's SVG to pixels (PNG at 300 dpi, by resvg) and to PDF (by krilla, which
//! subsets and embeds the shipped font so the text stays text and prints the same anywhere).

use crate::fonts::{self, FONT_FAMILY};
use crate::{LabelSize, RenderError};
use krilla::geom::{Size, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};
use resvg::{tiny_skia, usvg};

/// Resolution of PNG labels, in dots per inch.
pub const DPI: u32 = 300;
/// Points (PDF units) per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;
/// A4 paper, in millimetres.
const A4: (f32, f32) = (210.0, 297.0);
/// Space kept blank at the edges of an A4 sheet (printers do not print there).
const SHEET_EDGE: f32 = 5.0;

/// Parses the label's SVG with the shipped fonts only.
pub(crate) fn tree(svg: &str) -> Result<usvg::Tree, RenderError> {
    let options = usvg::Options {
        fontdb: fonts::database(),
        font_family: FONT_FAMILY.to_string(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(|e| RenderError::internal("SVG", e))
}

/// Pixels across a label of `size` at [`DPI`].
pub fn pixels(size: LabelSize) -> u32 {
    (size.mm() / 25.4 * DPI as f32).round() as u32
}

/// The label as an RGB PNG at [`DPI`], with its resolution recorded (pHYs).
pub(crate) fn png(svg: &str, size: LabelSize) -> Result<Vec<u8>, RenderError> {
    let tree = tree(svg)?;
    let px = pixels(size);
    let mut pixmap =
        tiny_skia::Pixmap::new(px, px).ok_or_else(|| RenderError::internal("PNG", "size"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let scale = px as f32 / tree.size().width();
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // Opaque everywhere (white underneath), so premultiplied values are the colours.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, px, px);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let per_metre = (DPI as f32 / 0.0254).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder
        .write_header()
        .map_err(|e| RenderError::internal("PNG", e))?;
    writer
        .write_image_data(&rgb)
        .map_err(|e| RenderError::internal("PNG", e))?;
    writer
        .finish()
        .map_err(|e| RenderError::internal("PNG", e))?;
    Ok(out)
}

fn size_pt(w_mm: f32, h_mm: f32) -> Result<Size, RenderError> {
    Size::from_wh(w_mm * PT_PER_MM, h_mm * PT_PER_MM)
        .ok_or_else(|| RenderError::internal("PDF", "page size"))
}

/// How many labels of `size` go across and down an A4 sheet.
pub fn sheet_grid(size: LabelSize) -> (usize, usize) {
    let fit = |room: f32| (((room - 2.0 * SHEET_EDGE) / size.mm()).floor() as usize).max(1);
    (fit(A4.0), fit(A4.1))
}

/// A document titled `title`, in Chinese, made by Yima.
fn document(title: String) -> Document {
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(title)
            .language("zh-CN".into())
            .creator("Yima (一码)".into()),
    );
    doc
}

/// One label per page, the page the label's size.
pub(crate) fn pdf(svg: &str, size: LabelSize, title: String) -> Result<Vec<u8>, RenderError> {
    let tree = tree(svg)?;
    let mut doc = document(title);
    let page_size = size_pt(size.mm(), size.mm())?;
    let mut page = doc.start_page_with(PageSettings::new(page_size));
    let mut surface = page.surface();
    surface
        .draw_svg(&tree, page_size, SvgSettings::default())
        .ok_or_else(|| RenderError::internal("PDF", "drawing the label"))?;
    surface.finish();
    page.finish();
    doc.finish()
        .map_err(|e| RenderError::internal("PDF", format!("{e:?}")))
}

/// Full A4 pages, one SVG each (the transfer manifest).
pub(crate) fn pdf_a4_pages(svgs: &[String], title: String) -> Result<Vec<u8>, RenderError> {
    if svgs.is_empty() {
        return Err(RenderError::Empty);
    }
    let page_size = size_pt(A4.0, A4.1)?;
    let mut doc = document(title);
    for svg in svgs {
        let tree = tree(svg)?;
        let mut page = doc.start_page_with(PageSettings::new(page_size));
        let mut surface = page.surface();
        surface
            .draw_svg(&tree, page_size, SvgSettings::default())
            .ok_or_else(|| RenderError::internal("PDF", "drawing a manifest page"))?;
        surface.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| RenderError::internal("PDF", format!("{e:?}")))
}

/// Labels on A4 pages, as many across and down as fit, centred, in reading order.
pub(crate) fn pdf_sheet(
    svgs: &[String],
    size: LabelSize,
    title: String,
) -> Result<Vec<u8>, RenderError> {
    if svgs.is_empty() {
        return Err(RenderError::Empty);
    }
    let trees = svgs
        .iter()
        .map(|s| tree(s))
        .collect::<Result<Vec<_>, _>>()?;
    let (cols, rows) = sheet_grid(size);
    let s = size.mm();
    let x0 = (A4.0 - cols as f32 * s) / 2.0;
    let y0 = (A4.1 - rows as f32 * s) / 2.0;
    let label_size = size_pt(s, s)?;
    let mut doc = document(title);
    for chunk in trees.chunks(cols * rows) {
        let mut page = doc.start_page_with(PageSettings::new(size_pt(A4.0, A4.1)?));
        let mut surface = page.surface();
        for (i, tree) in chunk.iter().enumerate() {
            let (x, y) = (x0 + (i % cols) as f32 * s, y0 + (i / cols) as f32 * s);
            surface.push_transform(&Transform::from_translate(x * PT_PER_MM, y * PT_PER_MM));
            let drawn = surface.draw_svg(tree, label_size, SvgSettings::default());
            surface.pop();
            drawn.ok_or_else(|| RenderError::internal("PDF", "drawing a label"))?;
        }
        surface.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| RenderError::internal("PDF", format!("{e:?}")))
}

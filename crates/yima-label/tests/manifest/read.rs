//! Reading a PDF back in Rust (hayro): each page's text as glyphs with their boxes, from the
//! font's ToUnicode map, and page 1 as pixels.

use hayro::hayro_interpret::font::{Glyph, GlyphRun};
use hayro::hayro_interpret::kurbo::{Affine, BezPath, Rect, Shape};
use hayro::hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image,
    ImageDrawProps, InterpreterCache, InterpreterSettings, SoftMask, TransformExt,
};
use hayro::hayro_syntax::Pdf;

/// One glyph drawn: its text and its box in points, from the page's top left.
pub struct Drawn {
    pub text: String,
    pub bbox: Rect,
}

/// A page read back: its size in points and its glyphs in drawing order.
pub struct PageText {
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Drawn>,
}

impl PageText {
    /// The page's text, in drawing order, without spaces.
    pub fn text(&self) -> String {
        self.glyphs
            .iter()
            .map(|g| g.text.as_str())
            .filter(|t| !t.trim().is_empty())
            .collect()
    }
}

#[derive(Default)]
struct Collect(Vec<Drawn>);

impl<'a> Device<'a> for Collect {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        for g in run.glyphs() {
            let text = match g.as_unicode() {
                Some(hayro::hayro_interpret::hayro_cmap::BfString::Char(c)) => c.to_string(),
                Some(hayro::hayro_interpret::hayro_cmap::BfString::String(s)) => s,
                None => "\u{FFFD}".to_string(),
            };
            let at: Affine = props.transform * g.transform();
            let bbox = match &**g {
                Glyph::Outline(o) => (at * o.outline()).bounding_box(),
                Glyph::Type3(_) => Rect::from_origin_size(
                    at * hayro::hayro_interpret::kurbo::Point::ORIGIN,
                    (0.0, 0.0),
                ),
            };
            self.0.push(Drawn { text, bbox });
        }
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {}
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// Every page's glyphs.
pub fn pages(pdf: &[u8]) -> Vec<PageText> {
    let pdf = Pdf::new(pdf.to_vec()).expect("hayro reads the PDF");
    let cache = InterpreterCache::new();
    let mut out = Vec::new();
    for page in pdf.pages().iter() {
        let (w, h) = page.render_dimensions();
        let transform = page.initial_transform(true).to_kurbo();
        let mut ctx = Context::new(
            transform,
            Rect::new(0.0, 0.0, w as f64, h as f64),
            &cache,
            page.xref(),
            InterpreterSettings::default(),
        );
        let mut dev = Collect::default();
        interpret_page(page, &mut ctx, &mut dev);
        out.push(PageText {
            width: w as f64,
            height: h as f64,
            glyphs: dev.0,
        });
    }
    out
}

/// Page `index` rasterised at `dpi` as an RGB PNG (white under any transparency).
pub fn page_png(pdf: &[u8], index: usize, dpi: f32) -> Vec<u8> {
    let pdf = Pdf::new(pdf.to_vec()).expect("hayro reads the PDF");
    let pages = hayro::render_pdf(
        &pdf,
        dpi / 72.0,
        InterpreterSettings::default(),
        &hayro::RenderSettings::default(),
        Some(index..=index),
    )
    .expect("hayro renders the page");
    let page = &pages[0];
    let (w, h) = (page.width() as u32, page.height() as u32);
    let rgb: Vec<u8> = page
        .data_as_u8_slice()
        .chunks_exact(4)
        .flat_map(|px| {
            let a = px[3] as u32;
            let over = |c: u8| (c as u32 + (255 - a)).min(255) as u8;
            [over(px[0]), over(px[1]), over(px[2])]
        })
        .collect();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::High);
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(&rgb).unwrap();
    writer.finish().unwrap();
    out
}

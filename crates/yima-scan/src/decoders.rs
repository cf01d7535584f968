//! The two decoders, each behind the panic guard, returning [`Found`]s.

use crate::guard::contain;
use crate::{Decoder, Found, Point};
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source};
use std::collections::HashSet;

/// The outcome of one decoder call: what it read, and whether it panicked.
#[derive(Debug, Default)]
pub struct Attempt {
    /// The codes read.
    pub found: Vec<Found>,
    /// Whether the decoder panicked (contained).
    pub panicked: bool,
}

/// Which binarizer rxing uses: zxing's local-block one, or one global threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binarize {
    /// `HybridBinarizer` (8×8 blocks, local thresholds): best on photos.
    Hybrid,
    /// `GlobalHistogramBinarizer`: one threshold; helps tiny or very clean images.
    Global,
}

fn hints() -> DecodeHints {
    DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        ..DecodeHints::default()
    }
}

fn rxing_multi<B: Binarizer>(binarizer: B) -> Vec<Found> {
    let mut bitmap = BinaryBitmap::new(binarizer);
    let results = QrReader
        .decode_multiple_with_hints(&mut bitmap, &hints())
        .unwrap_or_default();
    results
        .iter()
        .map(|r| {
            let p = r.getPoints();
            // rxing's QR reader gives top-left, top-right, bottom-left, bottom-right.
            let corners = if p.len() >= 4 {
                [0, 1, 3, 2].map(|i| Point {
                    x: p[i].x,
                    y: p[i].y,
                })
            } else {
                bounding_box(p.iter().map(|q| (q.x, q.y)))
            };
            let bytes = r.getRawBytes();
            Found {
                text: r.getText().to_owned(),
                bytes: (!bytes.is_empty()).then(|| bytes.to_vec()),
                corners,
                decoder: Decoder::Rxing,
            }
        })
        .collect()
}

/// Every QR code rxing's (zxing-cpp port) reader finds in a grey image.
pub fn rxing(width: u32, height: u32, luma: &[u8], binarize: Binarize) -> Attempt {
    if width == 0 || height == 0 || luma.len() < width as usize * height as usize {
        return Attempt::default();
    }
    let run = || {
        let source = Luma8Source::new_with_slice(luma, width, height).ok()?;
        Some(match binarize {
            Binarize::Hybrid => rxing_multi(HybridBinarizer::new(source)),
            Binarize::Global => rxing_multi(GlobalHistogramBinarizer::new(source)),
        })
    };
    guarded(|| run().unwrap_or_default())
}

/// Every QR code `rqrr` finds in a grey image (its own binarisation and grid fitting).
pub fn rqrr(width: u32, height: u32, luma: &[u8]) -> Attempt {
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 || luma.len() < w * h {
        return Attempt::default();
    }
    let run = || {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
        let mut found = Vec::new();
        for grid in img.detect_grids() {
            let mut bytes = Vec::new();
            if grid.decode_to(&mut bytes).is_err() {
                continue;
            }
            let text = match String::from_utf8(bytes.clone()) {
                Ok(t) => t,
                Err(_) => crate::text::from_legacy(&bytes),
            };
            let corners = grid.bounds.map(|p| Point {
                x: p.x as f32,
                y: p.y as f32,
            });
            found.push(Found {
                text,
                bytes: Some(bytes),
                corners,
                decoder: Decoder::Rqrr,
            });
        }
        found
    };
    guarded(run)
}

/// Runs a decoder behind [`contain`]: a panic becomes an empty, `panicked` attempt.
pub fn guarded(decoder: impl FnOnce() -> Vec<Found>) -> Attempt {
    match contain(decoder) {
        Some(found) => Attempt {
            found,
            panicked: false,
        },
        None => Attempt {
            found: Vec::new(),
            panicked: true,
        },
    }
}

fn bounding_box(points: impl Iterator<Item = (f32, f32)>) -> [Point; 4] {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y) in points {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return [Point { x: 0.0, y: 0.0 }; 4];
    }
    [(x0, y0), (x1, y0), (x1, y1), (x0, y1)].map(|(x, y)| Point { x, y })
}

//! The ZXing QR photo corpus (`../shared/corpus/qr-zxing` beside the repository), loaded
//! into memory with its rotations, for the corpus test and the corpus benchmark.

#![allow(dead_code)]

use image::{DynamicImage, ImageFormat};
use std::io::Cursor;
use std::path::PathBuf;

/// One photo and the exact text it holds.
pub struct Sample {
    /// `qrcode-N/name`.
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// The photo in grey, as Yima decodes it.
    pub luma: yima_scan::Luma,
    /// The expected text, compared byte for byte.
    pub expected: Vec<u8>,
}

/// The corpus folder: `$YIMA_QR_CORPUS`, else `shared/corpus/qr-zxing` beside the
/// repository; `None` (having said what `what` skips) when it is not there.
pub fn dir(what: &str) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("YIMA_QR_CORPUS") {
        return Some(PathBuf::from(d));
    }
    yima_testdata::shared("corpus/qr-zxing", what)
}

/// All samples, sorted by name; `None` (having said so) when the corpus is not there.
pub fn load(what: &str) -> Option<Vec<Sample>> {
    let root = dir(what)?;
    let mut samples = Vec::new();
    for set in ["qrcode-1", "qrcode-2", "qrcode-3"] {
        let folder = root.join(set);
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("QR corpus not found at {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("corpus entry").path();
            if path.extension().is_some_and(|e| e == "png") {
                let expected = std::fs::read(path.with_extension("txt")).expect("expected text");
                let bytes = std::fs::read(&path).expect("corpus photo");
                let luma = yima_scan::load::decode(&bytes).expect("corpus photo decodes");
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                samples.push(Sample {
                    name: format!("{set}/{stem}"),
                    path,
                    luma,
                    expected,
                });
            }
        }
    }
    samples.sort_by(|a, b| a.name.cmp(&b.name));
    Some(samples)
}

/// The image turned clockwise by `degrees` (0, 90, 180 or 270).
pub fn rotated(image: &DynamicImage, degrees: u32) -> DynamicImage {
    match degrees {
        0 => image.clone(),
        90 => image.rotate90(),
        180 => image.rotate180(),
        270 => image.rotate270(),
        other => panic!("rotation {other} is not a quarter turn"),
    }
}

/// A grey image turned clockwise by `degrees` (0, 90, 180 or 270).
pub fn rotated_luma(l: &yima_scan::Luma, degrees: u32) -> yima_scan::Luma {
    let (w, h) = (l.width as usize, l.height as usize);
    let (nw, nh) = if degrees % 180 == 0 { (w, h) } else { (h, w) };
    let mut data = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let (nx, ny) = match degrees {
                0 => (x, y),
                90 => (h - 1 - y, x),
                180 => (w - 1 - x, h - 1 - y),
                270 => (y, w - 1 - x),
                other => panic!("rotation {other} is not a quarter turn"),
            };
            data[ny * nw + nx] = l.data[y * w + x];
        }
    }
    yima_scan::Luma {
        width: nw as u32,
        height: nh as u32,
        data,
    }
}

/// The image as PNG file bytes.
pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Png)
        .expect("PNG encodes");
    out.into_inner()
}

/// Whether any of the texts is exactly the expected one.
pub fn hit<'a>(texts: impl IntoIterator<Item = &'a [u8]>, expected: &[u8]) -> bool {
    texts.into_iter().any(|t| t == expected)
}

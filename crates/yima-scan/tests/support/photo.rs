//! The camera's side of a photo: optics blur, sensor noise and JPEG compression over the
//! rendered scene.

#![allow(dead_code)]

use super::camera::{cast, symbol, Rng, Scene};

fn blur(img: &mut [f64], w: usize, h: usize, sigma: f64) {
    if sigma <= 0.0 {
        return;
    }
    let radius = (sigma * 3.0).ceil() as isize;
    let kernel: Vec<f64> = (-radius..=radius)
        .map(|i| (-((i * i) as f64) / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f64 = kernel.iter().sum();
    let at = |i: isize, len: usize| i.clamp(0, len as isize - 1) as usize;
    let mut tmp = vec![0.0; img.len()];
    for y in 0..h {
        for x in 0..w {
            let acc: f64 = (kernel.iter().enumerate())
                .map(|(k, wt)| wt * img[y * w + at(x as isize + k as isize - radius, w)])
                .sum();
            tmp[y * w + x] = acc / sum;
        }
    }
    for y in 0..h {
        for x in 0..w {
            let acc: f64 = (kernel.iter().enumerate())
                .map(|(k, wt)| wt * tmp[at(y as isize + k as isize - radius, h) * w + x])
                .sum();
            img[y * w + x] = acc / sum;
        }
    }
}

/// A rendered photo: a grey frame and, for JPEG scenes, the file's bytes.
pub struct Photo {
    /// Width (px).
    pub width: u32,
    /// Height (px).
    pub height: u32,
    /// Grey pixels, row-major (decoded back from the JPEG for JPEG scenes).
    pub luma: Vec<u8>,
    /// The JPEG file, for JPEG scenes.
    pub jpeg: Option<Vec<u8>>,
}

/// Photographs `text`'s code as the scene says.
pub fn photograph(sc: &Scene, text: &str) -> Photo {
    let sym = symbol(text);
    let (w, h) = (sc.size.0 as usize, sc.size.1 as usize);
    let mut img = cast(sc, &sym);
    blur(&mut img, w, h, sc.blur_px);
    let mut rng = Rng::new(sc.seed.wrapping_mul(31).wrapping_add(7));
    let luma: Vec<u8> = img
        .iter()
        .map(|g| (g + sc.noise * rng.normal()).round().clamp(0.0, 255.0) as u8)
        .collect();
    match sc.jpeg {
        None => Photo {
            width: w as u32,
            height: h as u32,
            luma,
            jpeg: None,
        },
        Some(quality) => {
            let gray = image::GrayImage::from_raw(w as u32, h as u32, luma).expect("size");
            let mut bytes = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
                .encode_image(&gray)
                .expect("JPEG encodes");
            let back = image::load_from_memory(&bytes)
                .expect("JPEG decodes")
                .to_luma8();
            Photo {
                width: w as u32,
                height: h as u32,
                luma: back.into_raw(),
                jpeg: Some(bytes),
            }
        }
    }
}

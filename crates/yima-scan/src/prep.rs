//! Pre-processing of grey images before a decoder sees them: shrinking, smoothing and
//! adaptive thresholding. All work on row-major luma buffers and run in time linear in
//! the pixel count (box filters over integral images).

/// A grey image owned by the pre-processing steps.
#[derive(Clone, Debug)]
pub struct Gray {
    /// Width (px).
    pub w: usize,
    /// Height (px).
    pub h: usize,
    /// Row-major pixels.
    pub px: Vec<u8>,
}

impl Gray {
    /// Copies a luma buffer (`luma.len()` must be at least `w * h`).
    pub fn from_luma(w: usize, h: usize, luma: &[u8]) -> Gray {
        Gray {
            w,
            h,
            px: luma[..w * h].to_vec(),
        }
    }
}

/// Calls `f(x, y, n, sum)` for every pixel with the sum of the `n` pixels in the window of
/// radius `r` around it (clipped at the borders), from an integral image.
fn windows(img: &Gray, r: usize, mut f: impl FnMut(usize, usize, u64, u64)) {
    let (w, h) = (img.w, img.h);
    // sum[y * (w + 1) + x] is the sum of the pixels above and left of (x, y).
    let mut sum = vec![0u64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += u64::from(img.px[y * w + x]);
            sum[(y + 1) * (w + 1) + x + 1] = sum[y * (w + 1) + x + 1] + row;
        }
    }
    let at = |x: usize, y: usize| sum[y * (w + 1) + x];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let n = ((x1 - x0) * (y1 - y0)) as u64;
            f(x, y, n, at(x1, y1) + at(x0, y0) - at(x1, y0) - at(x0, y1));
        }
    }
}

/// Shrinks by an integer factor, averaging each `k`×`k` block (noise falls by `k`).
pub fn shrink(img: &Gray, k: usize) -> Gray {
    let (w, h) = (img.w / k, img.h / k);
    let mut px = vec![0u8; w * h];
    let area = (k * k) as u32;
    for y in 0..h {
        for x in 0..w {
            let mut s = 0u32;
            for dy in 0..k {
                let row = (y * k + dy) * img.w + x * k;
                s += img.px[row..row + k]
                    .iter()
                    .map(|&v| u32::from(v))
                    .sum::<u32>();
            }
            px[y * w + x] = ((s + area / 2) / area) as u8;
        }
    }
    Gray { w, h, px }
}

/// Box blur of radius `r` (a window of 2r+1 pixels a side).
pub fn box_blur(img: &Gray, r: usize) -> Gray {
    let mut px = vec![0u8; img.px.len()];
    windows(img, r, |x, y, n, s| {
        px[y * img.w + x] = ((s + n / 2) / n) as u8;
    });
    Gray {
        w: img.w,
        h: img.h,
        px,
    }
}

/// Adaptive threshold: black where a pixel is darker than its window's mean less `c`.
pub fn threshold(img: &Gray, r: usize, c: i32) -> Gray {
    let mut px = vec![0u8; img.px.len()];
    windows(img, r, |x, y, n, s| {
        let mean = (s / n) as i32;
        let v = i32::from(img.px[y * img.w + x]);
        px[y * img.w + x] = if v < mean - c { 0 } else { 255 };
    });
    Gray {
        w: img.w,
        h: img.h,
        px,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_blur_and_threshold() {
        // Left half dark (40), right half light (200), 8×4.
        let px: Vec<u8> = (0..32).map(|i| if i % 8 < 4 { 40 } else { 200 }).collect();
        let img = Gray { w: 8, h: 4, px };
        let half = shrink(&img, 2);
        assert_eq!((half.w, half.h), (4, 2));
        assert_eq!(half.px, vec![40, 40, 200, 200, 40, 40, 200, 200]);
        let blurred = box_blur(&img, 1);
        assert_eq!(blurred.px[0], 40);
        assert_eq!(blurred.px[3], 93); // (2 × (40 + 40 + 200) + 3) / 6: a clipped 3×2 window
        let t = threshold(&img, 2, 2);
        // Dark next to the edge; a window of one colour reads as background.
        assert_eq!(&t.px[..8], &[255, 255, 0, 0, 255, 255, 255, 255]);
    }
}

//! Reading the modules where the measured lattice puts them, and decoding the bits.

use super::lattice::{bilinear, Field, Frame, M, R};
use crate::guard::contain;
use crate::prep::Gray;
use crate::{Decoder, Found, Point};
use rxing::common::BitMatrix;
use rxing::qrcode::cpp_port::decoder::Decode;

/// Grey levels of the `dim`×`dim` modules, row by row, and the image point of each centre.
pub(super) fn module_levels(g: &Gray, frame: &Frame, field: &Field, dim: usize) -> Vec<f32> {
    let mut levels = vec![0f32; dim * dim];
    let mut row_start = ((0.5 + M) * R, (0.5 + M) * R);
    for j in 0..dim {
        let mut p = row_start;
        for i in 0..dim {
            let target = (i as f32 + 0.5, j as f32 + 0.5);
            p = field.locate(target, p);
            if i == 0 {
                row_start = field.locate((0.5, j as f32 + 1.5), p);
            }
            // The centre and four points a fifth of a module around it.
            let (_, d) = field.at(p);
            let det = d[0] * d[3] - d[1] * d[2];
            let mut sum = 0.0;
            let offsets = [(0.0, 0.0), (0.2, 0.0), (-0.2, 0.0), (0.0, 0.2), (0.0, -0.2)];
            for (du, dv) in offsets {
                // Rectified offset for a module-coordinate offset (du, dv).
                let (ox, oy) = if det.abs() > 1e-6 {
                    (
                        (d[3] * du - d[1] * dv) / det,
                        (-d[2] * du + d[0] * dv) / det,
                    )
                } else {
                    (du * R, dv * R)
                };
                let (x, y) = frame.rect_to_image(p.0 + ox, p.1 + oy);
                sum += bilinear(g, x, y);
            }
            levels[j * dim + i] = sum / offsets.len() as f32;
        }
    }
    levels
}

/// Dark modules: darker than the mean of the modules within `r` of them.
pub(super) fn threshold(levels: &[f32], dim: usize, r: usize) -> BitMatrix {
    let mut bits = BitMatrix::with_single_dimension(dim as u32).expect("a QR side is positive");
    for j in 0..dim {
        for i in 0..dim {
            let (i0, i1) = (i.saturating_sub(r), (i + r + 1).min(dim));
            let (j0, j1) = (j.saturating_sub(r), (j + r + 1).min(dim));
            let mut sum = 0.0;
            for y in j0..j1 {
                sum += levels[y * dim + i0..y * dim + i1].iter().sum::<f32>();
            }
            let mean = sum / ((i1 - i0) * (j1 - j0)) as f32;
            if levels[j * dim + i] < mean {
                bits.set(i as u32, j as u32);
            }
        }
    }
    bits
}

/// Samples a `dim`-module code through `field` and decodes it.
pub fn decode(g: &Gray, frame: &Frame, field: &Field, dim: usize) -> Option<Found> {
    let levels = module_levels(g, frame, field, dim);
    let mut result = None;
    for r in [3, 6] {
        let bits = threshold(&levels, dim, r);
        if let Some(Ok(r)) = contain(|| Decode(&bits)) {
            if r.isValid() {
                result = Some(r);
                break;
            }
        }
    }
    let result = match result {
        Some(r) => r,
        None => contain(|| super::soft::decode(&levels, dim)).flatten()?,
    };
    let corner = |u: f32, v: f32| {
        let start = ((u + M) * R, (v + M) * R);
        let p = field.locate((u, v), start);
        let (x, y) = frame.rect_to_image(p.0, p.1);
        Point { x, y }
    };
    let n = dim as f32;
    let bytes = result.content().bytes().to_vec();
    Some(Found {
        text: result.text(),
        bytes: (!bytes.is_empty()).then_some(bytes),
        corners: [
            corner(0.0, 0.0),
            corner(n, 0.0),
            corner(n, n),
            corner(0.0, n),
        ],
        decoder: Decoder::Rxing,
    })
}

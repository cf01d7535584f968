//! Alignment patterns as extra anchors: where a fold slips the print by more than half a
//! module, the lattice's phase alone cannot tell which module is which on the far side;
//! an alignment pattern found there can.

use super::lattice::{bilinear, Anchor, Field, Frame};
use crate::prep::Gray;

/// The module coordinates of the alignment patterns' centres of a `dim`-module code (ISO
/// 18004 table E.1 as a formula), without the three that would overlap finder patterns.
pub fn centres(dim: usize) -> Vec<(usize, usize)> {
    let version = (dim - 17) / 4;
    if version < 2 {
        return Vec::new();
    }
    let count = version / 7 + 2;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + count * 2 + 1) / (2 * count - 2) * 2
    };
    let mut at = vec![6];
    at.extend((0..count - 1).rev().map(|i| dim - 7 - i * step));
    let last = dim - 7;
    let mut out = Vec::new();
    for &y in &at {
        for &x in &at {
            let by_finder = (x == 6 && (y == 6 || y == last)) || (x == last && y == 6);
            if !by_finder {
                out.push((x, y));
            }
        }
    }
    out
}

/// Correlation of the 5×5 modules around rectified point `q` with an alignment pattern.
fn score(g: &Gray, frame: &Frame, q: (f32, f32), step_u: (f32, f32), step_v: (f32, f32)) -> f32 {
    let mut v = [0f32; 25];
    let mut t = [0f32; 25];
    for j in -2i32..=2 {
        for i in -2i32..=2 {
            let k = ((j + 2) * 5 + i + 2) as usize;
            let p = (
                q.0 + i as f32 * step_u.0 + j as f32 * step_v.0,
                q.1 + i as f32 * step_u.1 + j as f32 * step_v.1,
            );
            let (x, y) = frame.rect_to_image(p.0, p.1);
            v[k] = bilinear(g, x, y);
            let dark = i.abs().max(j.abs()) != 1;
            t[k] = if dark { -1.0 } else { 1.0 };
        }
    }
    let mean = v.iter().sum::<f32>() / 25.0;
    let tm = t.iter().sum::<f32>() / 25.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for k in 0..25 {
        let (a, b) = (v[k] - mean, t[k] - tm);
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    if sxx <= 0.0 {
        return 0.0;
    }
    sxy / (sxx * syy).sqrt()
}

/// The alignment patterns found within 1.5 modules of where `field` puts them.
pub fn find(g: &Gray, frame: &Frame, field: &Field, dim: usize) -> Vec<Anchor> {
    let mut out = Vec::new();
    for (a, b) in centres(dim) {
        let uv = (a as f32 + 0.5, b as f32 + 0.5);
        let start = (
            (uv.0 + super::lattice::M) * super::lattice::R,
            (uv.1 + super::lattice::M) * super::lattice::R,
        );
        let p = field.locate(uv, start);
        let (_, d) = field.at(p);
        let det = d[0] * d[3] - d[1] * d[2];
        if det.abs() < 1e-6 {
            continue;
        }
        // Rectified steps for one module along u and along v.
        let su = (d[3] / det, -d[2] / det);
        let sv = (-d[1] / det, d[0] / det);
        let reach = 1.5 * su.0.hypot(su.1).max(sv.0.hypot(sv.1));
        let (mut best, mut at) = (0.0f32, p);
        let n = (reach / 0.5).ceil() as i32;
        for dy in -n..=n {
            for dx in -n..=n {
                let q = (p.0 + dx as f32 * 0.5, p.1 + dy as f32 * 0.5);
                let s = score(g, frame, q, su, sv);
                if s > best {
                    (best, at) = (s, q);
                }
            }
        }
        if best > 0.8 {
            out.push(Anchor { at, uv });
        }
    }
    out
}

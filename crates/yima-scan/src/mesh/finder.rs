//! A second finder-pattern search, for photos where rxing's (which scans rows for the
//! 1:1:3:1:1 ratio, then checks the pattern across) finds no triple: glare over a pattern,
//! JPEG blocks and blur at 5 px per module, a pattern foreshortened on a drum.
//!
//! Each dark blob of a locally thresholded image is a candidate centre ("stone"); from
//! its centroid, 16 rays must each cross stone, light ring and dark ring in about the
//! proportions 1.5 : 1 : 1. Rays, not rows, so the test holds at any rotation and under
//! moderate perspective. Candidates are then grouped into triples with the geometry of a
//! QR code's three patterns, most plausible first.

use crate::prep::{self, Gray};

/// A finder pattern: centre (px) and module size (px).
#[derive(Clone, Copy, Debug)]
pub struct Pattern {
    /// Centre.
    pub at: (f32, f32),
    /// Module size along the rays (median).
    pub module: f32,
}

/// Three patterns: top-left (the corner), top-right, bottom-left.
#[derive(Clone, Copy, Debug)]
pub struct Triple {
    /// The corner pattern.
    pub tl: Pattern,
    /// Along the first row.
    pub tr: Pattern,
    /// Down the first column.
    pub bl: Pattern,
}

const RAYS: usize = 16;

/// Candidate finder patterns on `bin` (0 = dark).
fn patterns(bin: &Gray) -> Vec<Pattern> {
    let (w, h) = (bin.w, bin.h);
    let dark = |x: i32, y: i32| {
        x >= 0
            && y >= 0
            && (x as usize) < w
            && (y as usize) < h
            && bin.px[y as usize * w + x as usize] == 0
    };
    let mut label = vec![false; w * h];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    let max_side = (w.min(h) as f32 * 0.3) as usize;
    for start in 0..w * h {
        if label[start] || bin.px[start] != 0 {
            continue;
        }
        label[start] = true;
        stack.push(start);
        let (mut n, mut sx, mut sy) = (0usize, 0usize, 0usize);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            n += 1;
            sx += x;
            sy += y;
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            let mut visit = |j: usize| {
                if !label[j] && bin.px[j] == 0 {
                    label[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
        if n < 4 || bw > max_side || bh > max_side {
            continue;
        }
        if bw.max(bh) > 3 * bw.min(bh) || (n as f32) < 0.35 * (bw * bh) as f32 {
            continue;
        }
        let c = (sx as f32 / n as f32 + 0.5, sy as f32 / n as f32 + 0.5);
        if !dark(c.0 as i32, c.1 as i32) {
            continue;
        }
        let reach = 4.0 * bw.max(bh) as f32 + 4.0;
        let mut modules = Vec::with_capacity(RAYS);
        for k in 0..RAYS {
            let a = std::f32::consts::TAU * k as f32 / RAYS as f32;
            let (dx, dy) = (a.cos(), a.sin());
            // Distances where the ray leaves the stone, enters the ring, leaves it.
            let mut edges = [0f32; 3];
            let (mut found, mut t, mut inside) = (0, 0.0f32, true);
            while t < reach && found < 3 {
                t += 0.5;
                let d = dark((c.0 + dx * t) as i32, (c.1 + dy * t) as i32);
                if d != inside {
                    edges[found] = t;
                    found += 1;
                    inside = d;
                }
            }
            if found < 3 {
                continue;
            }
            let u = edges[2] / 3.5;
            let (stone, gap, ring) = (
                edges[0] / u,
                (edges[1] - edges[0]) / u,
                (edges[2] - edges[1]) / u,
            );
            if (0.9..2.1).contains(&stone)
                && (0.4..1.7).contains(&gap)
                && (0.4..1.7).contains(&ring)
            {
                modules.push(u);
            }
        }
        if modules.len() >= RAYS * 3 / 4 {
            modules.sort_by(f32::total_cmp);
            out.push(Pattern {
                at: c,
                module: modules[modules.len() / 2],
            });
        }
    }
    out
}

/// Finder patterns on several local thresholds of `g`, each once.
pub fn find(g: &Gray) -> Vec<Pattern> {
    let smooth = prep::box_blur(g, 1);
    let mut all: Vec<Pattern> = Vec::new();
    for (r, c) in [(12, 2), (30, 4), (6, 1)] {
        for p in patterns(&prep::threshold(&smooth, r, c)) {
            let dup = all
                .iter()
                .any(|q| (q.at.0 - p.at.0).hypot(q.at.1 - p.at.1) < 2.0 * q.module.min(p.module));
            if !dup {
                all.push(p);
            }
        }
    }
    all
}

/// Triples of `patterns` shaped like a QR code's, most plausible first (at most `max`).
pub fn triples(patterns: &[Pattern], max: usize) -> Vec<Triple> {
    let mut scored = Vec::new();
    for (i, &tl) in patterns.iter().enumerate() {
        for (j, &tr) in patterns.iter().enumerate() {
            for (k, &bl) in patterns.iter().enumerate() {
                if i == j || j == k || i == k {
                    continue;
                }
                let v1 = (tr.at.0 - tl.at.0, tr.at.1 - tl.at.1);
                let v2 = (bl.at.0 - tl.at.0, bl.at.1 - tl.at.1);
                let cross = v1.0 * v2.1 - v1.1 * v2.0;
                if cross <= 0.0 {
                    continue;
                }
                let sizes = [tl.module, tr.module, bl.module];
                let (lo, hi) = sizes
                    .iter()
                    .fold((f32::MAX, 0f32), |(a, b), &s| (a.min(s), b.max(s)));
                if hi > 2.0 * lo {
                    continue;
                }
                let m = (tl.module + tr.module + bl.module) / 3.0;
                let (l1, l2) = (v1.0.hypot(v1.1), v2.0.hypot(v2.1));
                let cos = (v1.0 * v2.0 + v1.1 * v2.1) / (l1 * l2);
                if cos.abs() > 0.5 {
                    continue;
                }
                let (d1, d2) = (l1 / m + 7.0, l2 / m + 7.0);
                if d1.min(d2) < 19.0 || d1.max(d2) > 185.0 || d1.max(d2) > 1.5 * d1.min(d2) {
                    continue;
                }
                let score = cos.abs() + (d1 / d2).ln().abs() + (hi / lo).ln();
                scored.push((score, Triple { tl, tr, bl }));
            }
        }
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    scored.into_iter().take(max).map(|s| s.1).collect()
}

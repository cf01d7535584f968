//! The last resort for a code whose surface is not one plane: a folded label, a label on
//! a drum seen at an angle, with part of it covered. Samples the modules through a
//! locally measured lattice ([`lattice`]) instead of one perspective transform, then
//! decodes the bits with rxing's QR decoder.
//!
//! Steps: find candidate finder-pattern triples (rxing's finder search on two
//! binarisations), measure the lattice around each triple (in windows 8 modules wide;
//! failing that, in windows 10 modules wide), join it from the three finder patterns, read the modules' grey levels where the lattice puts their centres,
//! threshold them against their neighbourhood, and decode; failing that, decode from the
//! grey levels with the unsure codewords as erasures (`soft`, `rs`). When rxing's triples
//! read nothing, triples from the sampler's own finder search (`finder`). Works for any QR
//! size from version 1 to 40; it is slow (tens to hundreds of ms) and runs only when the
//! other stages fail.

mod align;
mod finder;
mod lattice;
mod rs;
mod sample;
mod soft;
#[doc(hidden)]
pub use soft::diagnose;

use crate::decoders::Attempt;
use crate::guard::contain;
use crate::prep::{self, Gray};
use finder::Triple;
use lattice::{Anchor, Frame, Lattice, M, R};
use rxing::common::HybridBinarizer;
use rxing::qrcode::cpp_port::detector::{
    FindFinderPatterns, FinderPatternSet, GenerateFinderPatternSets,
};
use rxing::{Binarizer, Luma8Source};

/// At most this many finder-pattern triples are tried per binarisation.
const SETS: usize = 3;

/// At most this many triples from the sampler's own finder search are tried.
const OWN_SETS: usize = 4;

/// Every code the mesh sampler reads in `g`.
pub fn read(g: &Gray) -> Attempt {
    let mut attempt = Attempt::default();
    let mut tried: Vec<Triple> = Vec::new();
    let smoothed = prep::threshold(&prep::box_blur(g, 1), 12, 2);
    let mut attempt_one = |set: Triple, attempt: &mut Attempt| {
        let seen = tried.iter().any(|t| {
            [(t.tl, set.tl), (t.tr, set.tr), (t.bl, set.bl)]
                .iter()
                .all(|(a, b)| (a.at.0 - b.at.0).abs() + (a.at.1 - b.at.1).abs() < 4.0)
        });
        if seen {
            return false;
        }
        tried.push(set);
        match contain(|| {
            read_set(g, &set, &mut |frame, field, dim| {
                sample::decode(g, frame, field, dim)
            })
        }) {
            Some(Some(found)) => {
                attempt.found.push(found);
                true
            }
            Some(None) => false,
            None => {
                attempt.panicked = true;
                false
            }
        }
    };
    for source in [g, &smoothed] {
        let sets = contain(|| finder_sets(source));
        let Some(sets) = sets else {
            attempt.panicked = true;
            continue;
        };
        for set in sets {
            if attempt_one(triple(&set), &mut attempt) {
                return attempt;
            }
        }
    }
    let Some(own) = contain(|| finder::triples(&finder::find(g), OWN_SETS)) else {
        attempt.panicked = true;
        return attempt;
    };
    for set in own {
        if attempt_one(set, &mut attempt) {
            return attempt;
        }
    }
    attempt
}

/// rxing's finder-pattern set as a [`Triple`] (its sizes are 7 modules).
fn triple(set: &FinderPatternSet) -> Triple {
    let p = |at: rxing::Point, size: i32| finder::Pattern {
        at: (at.x, at.y),
        module: size as f32 / 7.0,
    };
    Triple {
        tl: p(set.tl.p, set.tl.size),
        tr: p(set.tr.p, set.tr.size),
        bl: p(set.bl.p, set.bl.size),
    }
}

fn finder_sets(g: &Gray) -> Vec<FinderPatternSet> {
    let Ok(source) = Luma8Source::new_with_slice(&g.px, g.w as u32, g.h as u32) else {
        return Vec::new();
    };
    let binarizer = HybridBinarizer::new(source);
    let Ok(bits) = binarizer.get_black_matrix() else {
        return Vec::new();
    };
    let mut patterns = FindFinderPatterns(bits, true, 1);
    let mut sets = GenerateFinderPatternSets(&mut patterns);
    sets.truncate(SETS);
    sets
}

/// Diagnostics: the finder patterns (centre, size) rxing's search finds on `g` as it is
/// and on its smoothed threshold.
#[doc(hidden)]
pub fn finder_patterns(g: &Gray) -> Vec<Vec<(f32, f32, i32)>> {
    let smoothed = prep::threshold(&prep::box_blur(g, 1), 12, 2);
    [g, &smoothed]
        .iter()
        .map(|src| {
            let Ok(source) = Luma8Source::new_with_slice(&src.px, src.w as u32, src.h as u32)
            else {
                return Vec::new();
            };
            let Ok(bits) = HybridBinarizer::new(source).get_black_matrix().cloned() else {
                return Vec::new();
            };
            FindFinderPatterns(&bits, true, 1)
                .iter()
                .map(|p| (p.p.x, p.p.y, p.size))
                .collect()
        })
        .collect()
}

/// The nearest valid QR side (4k + 17 modules, versions 1–40).
fn valid_dim(d: f32) -> Option<usize> {
    let v = ((d - 17.0) / 4.0).round();
    (1.0..=40.0).contains(&v).then(|| 17 + 4 * v as usize)
}

/// What to do with each candidate lattice: sample and decode it, or (for diagnostics)
/// record it.
type Try<'a> = dyn FnMut(&Frame, &lattice::Field, usize) -> Option<crate::Found> + 'a;

/// Diagnostics: the module grey levels of every candidate lattice the sampler tries on
/// `g`, with the code's side, in the order tried.
#[doc(hidden)]
pub fn candidate_levels(g: &Gray) -> Vec<(usize, Vec<f32>)> {
    let mut out = Vec::new();
    let smoothed = prep::threshold(&prep::box_blur(g, 1), 12, 2);
    for source in [g, &smoothed] {
        for set in finder_sets(source) {
            read_set(g, &triple(&set), &mut |frame, field, dim| {
                out.push((dim, sample::module_levels(g, frame, field, dim)));
                None
            });
        }
    }
    for set in finder::triples(&finder::find(g), OWN_SETS) {
        read_set(g, &set, &mut |frame, field, dim| {
            out.push((dim, sample::module_levels(g, frame, field, dim)));
            None
        });
    }
    out
}

/// Diagnostics: dark modules (row-major) as the sampler thresholds `levels`.
#[doc(hidden)]
pub fn threshold_levels(levels: &[f32], dim: usize, r: usize) -> Vec<bool> {
    let bits = sample::threshold(levels, dim, r);
    (0..dim * dim)
        .map(|i| bits.get((i % dim) as u32, (i / dim) as u32))
        .collect()
}

fn read_set(g: &Gray, set: &Triple, try_one: &mut Try) -> Option<crate::Found> {
    let (tl, tr, bl) = (set.tl.at, set.tr.at, set.bl.at);
    let dist = |a: (f32, f32), b: (f32, f32)| (a.0 - b.0).hypot(a.1 - b.1);
    let module = (set.tl.module + set.tr.module + set.bl.module) / 3.0;
    if module <= 0.5 {
        return None;
    }
    let first = valid_dim((dist(tl, tr) + dist(tl, bl)) / 2.0 / module + 7.0)?;
    let span = (first - 7) as f32;
    let frame = Frame {
        a: ((tr.0 - tl.0) / span, (tr.1 - tl.1) / span),
        b: ((bl.0 - tl.0) / span, (bl.1 - tl.1) / span),
        origin: (0.0, 0.0),
    };
    let frame = Frame {
        origin: (
            tl.0 - 3.5 * (frame.a.0 + frame.b.0),
            tl.1 - 3.5 * (frame.a.1 + frame.b.1),
        ),
        ..frame
    };
    // The usual layout first; larger windows, further apart, where it reads nothing (a
    // fold crossed by glare: larger windows average over more clean edges).
    for shape in [lattice::USUAL, lattice::WIDE] {
        if let Some(f) = read_shape(g, &frame, first, span, shape, try_one) {
            return Some(f);
        }
    }
    None
}

fn read_shape(
    g: &Gray,
    frame: &Frame,
    first: usize,
    span: f32,
    shape: lattice::Shape,
    try_one: &mut Try,
) -> Option<crate::Found> {
    let frame = *frame;
    let lattice = Lattice::measure(g, &frame, first as f32, shape);
    let rect = |u: f32, v: f32| ((u + M) * R, (v + M) * R);
    let tl_anchor = Anchor {
        at: rect(3.5, 3.5),
        uv: (3.5, 3.5),
    };
    // Joined from the top-left pattern alone, the lattice tells how far away (in
    // modules) the other two are: the code's size.
    let field = lattice.join(&[tl_anchor]);
    let at_tr = field.at(rect(span + 3.5, 3.5)).0;
    let at_bl = field.at(rect(3.5, span + 3.5)).0;
    let mut dims = vec![first];
    for d in [at_tr.0 + 3.5, at_bl.1 + 3.5] {
        if let Some(d) = valid_dim(d) {
            if !dims.contains(&d) {
                dims.insert(0, d);
            }
        }
    }
    for dim in dims {
        let far = dim as f32 - 3.5;
        let anchors = [
            tl_anchor,
            Anchor {
                at: rect(span + 3.5, 3.5),
                uv: (far, 3.5),
            },
            Anchor {
                at: rect(3.5, span + 3.5),
                uv: (3.5, far),
            },
        ];
        let mut field = lattice.join(&anchors);
        let found = align::find(g, &frame, &field, dim);
        if !found.is_empty() {
            let all: Vec<Anchor> = anchors.iter().copied().chain(found).collect();
            field = lattice.join(&all);
        }
        if let Some(found) = try_one(&frame, &field, dim) {
            return Some(found);
        }
    }
    None
}

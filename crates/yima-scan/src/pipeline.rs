//! The order in which decoders and pre-processing are tried.
//!
//! 1. rxing (zxing-cpp's QR reader ported to Rust) on the image as it is: reads 94–95 of
//!    the 97 corpus photos at every rotation in about 0.5 ms, and every camera-like photo
//!    that is not noisy, badly lit or folded sharply.
//! 2. rxing on the image shrunk to half size (2×2 averages): halves sensor noise and
//!    reads the "artistic" corpus code qrcode-2/12 and most noisy photos.
//! 3. rxing on a smoothed (3×3 box) image thresholded against its 25×25 neighbourhood:
//!    reads the rest of the noisy photos, uneven light with glare, and qrcode-3/40 at 270°.
//! 4. rqrr, which the issue keeps in the pipeline as an independent second decoder.
//! 5. The mesh sampler ([`crate::mesh`]): the finder patterns found by rxing, then the
//!    module lattice measured window by window and joined from the finder and alignment
//!    patterns, so a fold or a curved surface is followed instead of fitted by one
//!    perspective; decoded with the unsure (covered) codewords as Reed–Solomon erasures;
//!    its own finder search when rxing's finds no triple. Reads sharply creased labels and
//!    most photos with every distortion at once. Measured in the scanning benchmark
//!    (BENCHMARKS.md): 42–122 ms on a frame with no code, 120–1 460 ms on the hardest photos
//!    it reads, so it runs last.
//!
//! Stages that read nothing the earlier ones missed, on the corpus or the camera-like set,
//! were dropped (rxing on a half-size thresholded image, on a locally contrast-normalised
//! image, on a 1.5× enlarged image, with a global threshold; and a grid-fitting sampler).
//!
//! Stages run cheapest and most productive first; by default the run stops at the first
//! stage that reads any code (every code that stage reads is returned: each stage uses a
//! multi-code reader). [`Effort::Exhaustive`] runs every stage and merges what they read,
//! for photos of many labels where one code may need pre-processing and another not.
//! The numbers behind the order are in `BENCHMARKS.md` ("Scanning").

use crate::decoders::{self, Attempt, Binarize};
use crate::guard;
use crate::prep::{self, Gray};
use crate::{Found, Point};

/// How hard to look.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Effort {
    /// Stop at the first stage that reads a code (camera frames: the next frame is another
    /// chance).
    #[default]
    Fast,
    /// Run every stage and return everything any stage read.
    Exhaustive,
    /// A live camera's frame: only the rxing stages (1–3), stopping at the first that reads
    /// a code. The slow ones (rqrr, the mesh sampler: tens of milliseconds on a frame with
    /// no code) would cut the frame rate, and the next frame, a moment later and a little
    /// moved, is another chance; a photo still gets the whole pipeline.
    Camera,
    /// A live camera's frame between the [`Effort::Camera`] ones ([`camera_effort`]): the
    /// first two rxing stages only. The third (smoothed, thresholded: for noise and glare)
    /// costs about four times the other two together on a frame with no code, which is most
    /// frames of a live camera; run on every fourth frame, it still reads within a few
    /// frames what only it reads.
    CameraQuick,
}

impl Effort {
    fn runs(self, stage: &Stage) -> bool {
        match self {
            Effort::Fast | Effort::Exhaustive => true,
            Effort::Camera => stage.name.starts_with("rxing"),
            Effort::CameraQuick => {
                stage.name.starts_with("rxing") && !stage.name.contains("threshold")
            }
        }
    }
}

/// How hard to look at the `frame`th frame of a live camera: every fourth frame (the
/// first included) [`Effort::Camera`], the others [`Effort::CameraQuick`].
pub fn camera_effort(frame: u64) -> Effort {
    if frame % 4 == 0 {
        Effort::Camera
    } else {
        Effort::CameraQuick
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stages(effort: Effort) -> Vec<&'static str> {
        STAGES
            .iter()
            .filter(|s| effort.runs(s))
            .map(|s| s.name)
            .collect()
    }

    #[test]
    fn a_live_frame_gets_the_rxing_stages_and_the_costly_one_every_fourth_frame() {
        assert_eq!(stages(Effort::Fast), stage_names());
        assert_eq!(stages(Effort::Exhaustive), stage_names());
        assert_eq!(
            stages(Effort::Camera),
            [
                "rxing",
                "rxing on half size",
                "rxing on smoothed adaptive threshold"
            ]
        );
        assert_eq!(stages(Effort::CameraQuick), ["rxing", "rxing on half size"]);
        let efforts: Vec<Effort> = (0..8).map(camera_effort).collect();
        assert_eq!(
            efforts.iter().filter(|e| **e == Effort::Camera).count(),
            2,
            "{efforts:?}"
        );
        assert_eq!(efforts[0], Effort::Camera);
        assert_eq!(efforts[4], Effort::Camera);
    }
}

/// What a pipeline run produced.
#[derive(Debug, Default)]
pub struct Report {
    /// The codes read, each once, in the order they were read.
    pub found: Vec<Found>,
    /// How many decoder calls panicked (contained).
    pub panics: usize,
    /// The name of the stage that read the first code, if any.
    pub stage: Option<&'static str>,
}

/// One stage: a name, whether it applies to an image of this size, and what it does.
struct Stage {
    name: &'static str,
    applies: fn(&Gray) -> bool,
    run: fn(&Gray) -> (Attempt, f32),
}

fn always(_: &Gray) -> bool {
    true
}
fn not_tiny(g: &Gray) -> bool {
    g.w.min(g.h) >= 160
}

fn rx(g: &Gray) -> Attempt {
    decoders::rxing(g.w as u32, g.h as u32, &g.px, Binarize::Hybrid)
}

/// The stages, in order. The `f32` each returns is the factor from the stage's image
/// coordinates back to the input's.
const STAGES: &[Stage] = &[
    Stage {
        name: "rxing",
        applies: always,
        run: |g| (rx(g), 1.0),
    },
    Stage {
        name: "rxing on half size",
        applies: not_tiny,
        run: |g| (rx(&prep::shrink(g, 2)), 2.0),
    },
    Stage {
        name: "rxing on smoothed adaptive threshold",
        applies: always,
        run: |g| (rx(&prep::threshold(&prep::box_blur(g, 1), 12, 2)), 1.0),
    },
    Stage {
        name: "rqrr",
        applies: always,
        run: |g| (decoders::rqrr(g.w as u32, g.h as u32, &g.px), 1.0),
    },
    Stage {
        name: "mesh sampler",
        applies: always,
        run: |g| (crate::mesh::read(g), 1.0),
    },
];

/// Whether two reads are the same code: same text, and centres closer than half the
/// smaller code's size.
fn same(a: &Found, b: &Found) -> bool {
    if a.text != b.text {
        return false;
    }
    let size = |f: &Found| {
        let (p, q) = (f.corners[0], f.corners[2]);
        ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt() / std::f32::consts::SQRT_2
    };
    let (ca, cb) = (a.centre(), b.centre());
    let d = ((ca.x - cb.x).powi(2) + (ca.y - cb.y).powi(2)).sqrt();
    d < 0.5 * size(a).min(size(b)).max(8.0)
}

/// Runs the pipeline on a grey image; a malformed buffer reads nothing.
pub fn run(width: u32, height: u32, luma: &[u8], effort: Effort) -> Report {
    let mut report = Report::default();
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 || luma.len() < w.saturating_mul(h) {
        return report;
    }
    let image = Gray::from_luma(w, h, luma);
    for stage in STAGES {
        if !(stage.applies)(&image) || !effort.runs(stage) {
            continue;
        }
        // The decoders are guarded inside the stage; this also covers pre-processing.
        let Some((attempt, factor)) = guard::contain(|| (stage.run)(&image)) else {
            report.panics += 1;
            continue;
        };
        report.panics += usize::from(attempt.panicked);
        for mut found in attempt.found {
            found.corners = found.corners.map(|p| Point {
                x: p.x * factor,
                y: p.y * factor,
            });
            if !report.found.iter().any(|f| same(f, &found)) {
                report.stage.get_or_insert(stage.name);
                report.found.push(found);
            }
        }
        if effort != Effort::Exhaustive && !report.found.is_empty() {
            break;
        }
    }
    report
}

/// The names of the stages, in the order they run.
pub fn stage_names() -> Vec<&'static str> {
    STAGES.iter().map(|s| s.name).collect()
}

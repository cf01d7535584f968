//! Corpus benchmark: hit rate and decode time per image on the ZXing QR photo corpus
//! (`../shared/corpus/qr-zxing`, 97 photos) at rotations 0/90/180/270, for Yima's
//! pipeline, bare rqrr, bare rxing and (with `--features bench-zbar`) zbar.
//!
//! Run: `cargo bench -p yima-scan --bench corpus [--features bench-zbar] [-- --reps N]`.
//!
//! Rotations are made in memory. "decode" times the call on the grey buffer only (as a
//! camera frame arrives); "file" times `scan_bytes` on the PNG bytes, i.e. PNG decoding
//! plus the pipeline (the file is encoded in memory beforehand; disk reads are not timed).
//! Each image is timed `reps` times (default 3) and its median kept; the table gives the
//! median and the 95th percentile over the 97 images.

#[path = "../tests/support/mod.rs"]
mod support;
use support::{camera, cases, corpus};

use std::time::Instant;
use yima_scan::decoders::{self, Binarize};
use yima_scan::Effort;

type Decode = fn(u32, u32, &[u8]) -> Vec<Vec<u8>>;

fn texts(found: Vec<yima_scan::Found>) -> Vec<Vec<u8>> {
    found.into_iter().map(|f| f.text.into_bytes()).collect()
}

fn pipeline(w: u32, h: u32, l: &[u8]) -> Vec<Vec<u8>> {
    texts(yima_scan::scan_luma(w, h, l))
}

fn rxing(w: u32, h: u32, l: &[u8]) -> Vec<Vec<u8>> {
    texts(decoders::rxing(w, h, l, Binarize::Hybrid).found)
}

fn rqrr(w: u32, h: u32, l: &[u8]) -> Vec<Vec<u8>> {
    texts(decoders::rqrr(w, h, l).found)
}

#[cfg(feature = "bench-zbar")]
fn zbar(w: u32, h: u32, l: &[u8]) -> Vec<Vec<u8>> {
    let mut scanner = zbar_rust::ZBarImageScanner::new();
    match scanner.scan_y800(l, w, h) {
        Ok(results) => results.into_iter().map(|r| r.data).collect(),
        Err(_) => Vec::new(),
    }
}

struct Row {
    name: String,
    rotation: u32,
    hits: usize,
    total: usize,
    median_ms: f64,
    p95_ms: f64,
    panics: usize,
    missed: Vec<String>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn median_of<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        let out = std::hint::black_box(f());
        times.push(start.elapsed().as_secs_f64() * 1e3);
        last = Some(out);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last.expect("at least one rep"))
}

fn summarise(name: &str, rotation: u32, results: Vec<(String, f64, bool)>, panics: usize) -> Row {
    let mut times: Vec<f64> = results.iter().map(|r| r.1).collect();
    times.sort_by(f64::total_cmp);
    Row {
        name: name.to_owned(),
        rotation,
        hits: results.iter().filter(|r| r.2).count(),
        total: results.len(),
        median_ms: percentile(&times, 0.5),
        p95_ms: percentile(&times, 0.95),
        panics,
        missed: results
            .iter()
            .filter(|r| !r.2)
            .map(|r| r.0.clone())
            .collect(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let reps: usize = arg("--reps").and_then(|r| r.parse().ok()).unwrap_or(3);
    let per: u64 = arg("--camera").and_then(|r| r.parse().ok()).unwrap_or(10);
    let only = arg("--only");
    let set = arg("--set");
    let corpus_too = !args.iter().any(|a| a == "--no-corpus");
    let Some(samples) = corpus::load("the corpus benchmark") else {
        return;
    };
    eprintln!("{} images", samples.len());

    let mut decoders: Vec<(&str, Decode)> = vec![
        ("yima pipeline (decode)", pipeline),
        ("bare rxing 0.9.3", rxing),
        ("bare rqrr 0.11", rqrr),
    ];
    #[cfg(feature = "bench-zbar")]
    decoders.push(("zbar 0.23 (zbar-rust)", zbar));
    if let Some(o) = &only {
        decoders.retain(|d| d.0.contains(o.as_str()));
    }
    let colour: Vec<_> = samples
        .iter()
        .map(|s| image::open(&s.path).expect("corpus photo"))
        .collect();
    let mut rows = Vec::new();
    for rotation in [0, 90, 180, 270].into_iter().filter(|_| corpus_too) {
        let frames: Vec<_> = samples
            .iter()
            .map(|s| corpus::rotated_luma(&s.luma, rotation))
            .collect();
        for (name, decode) in &decoders {
            let mut results = Vec::new();
            for (s, l) in samples.iter().zip(&frames) {
                let (ms, found) = median_of(reps, || decode(l.width, l.height, &l.data));
                let hit = corpus::hit(found.iter().map(|t| t.as_slice()), &s.expected);
                results.push((s.name.clone(), ms, hit));
            }
            rows.push(summarise(name, rotation, results, 0));
        }
        if only
            .as_deref()
            .is_none_or(|o| "yima pipeline (file)".contains(o))
        {
            let files: Vec<_> = colour
                .iter()
                .map(|c| corpus::png(&corpus::rotated(c, rotation)))
                .collect();
            let mut results = Vec::new();
            let mut errors = 0;
            for (s, file) in samples.iter().zip(&files) {
                let (ms, found) = median_of(reps, || yima_scan::scan_bytes(file));
                let found = found.unwrap_or_else(|_| {
                    errors += 1;
                    Vec::new()
                });
                let hit = corpus::hit(found.iter().map(|f| f.text.as_bytes()), &s.expected);
                results.push((s.name.clone(), ms, hit));
            }
            let name = "yima pipeline (file: PNG decode + scan)";
            rows.push(summarise(name, rotation, results, errors));
        }
    }
    #[cfg(not(feature = "bench-zbar"))]
    eprintln!("zbar: not measured (run with --features bench-zbar; needs libzbar-dev)");

    println!(
        "| decoder | rotation | read (of {}) | median ms | p95 ms |",
        samples.len()
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for r in &rows {
        println!(
            "| {} | {}° | {} | {:.3} | {:.3} |",
            r.name, r.rotation, r.hits, r.median_ms, r.p95_ms
        );
    }
    println!();
    for r in rows.iter().filter(|r| r.hits < r.total || r.panics > 0) {
        println!(
            "missed by {} at {}°: {}",
            r.name,
            r.rotation,
            r.missed.join(" ")
        );
    }
    if corpus_too {
        stages(&samples);
    }
    if per > 0 {
        camera_set(&decoders, per, set.as_deref());
        if set.is_none() {
            full_frame();
        }
    }
}

/// Whole 12 MP frames (4000×3000) with a label 1 m away: the pipeline's time at full size.
fn full_frame() {
    println!();
    println!("| 12 MP frame (4000×3000), label at 1 m | read | stage | pipeline ms |");
    println!("| --- | --- | --- | ---: |");
    for d in ["plain", "perspective", "noise", "light"] {
        let mut case = cases::case(d, 0);
        case.scene.size = (4000, 3000);
        let photo = camera::photograph(&case.scene, &case.text);
        let start = Instant::now();
        let report =
            yima_scan::scan_luma_with(photo.width, photo.height, &photo.luma, Effort::Fast);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let read = report.found.iter().any(|f| f.text == case.text);
        let stage = report.stage.unwrap_or("-");
        println!("| {d} | {read} | {stage} | {ms:.0} |");
    }
}

/// Which pipeline stage read each corpus photo, per rotation.
fn stages(samples: &[corpus::Sample]) {
    println!();
    println!("| stage that read the code | 0° | 90° | 180° | 270° |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let names = yima_scan::pipeline::stage_names();
    let mut counts = vec![[0usize; 4]; names.len() + 1];
    for (r, rotation) in [0, 90, 180, 270].into_iter().enumerate() {
        for s in samples {
            let l = corpus::rotated_luma(&s.luma, rotation);
            let report = yima_scan::scan_luma_with(l.width, l.height, &l.data, Effort::Fast);
            let hit = corpus::hit(report.found.iter().map(|f| f.text.as_bytes()), &s.expected);
            let row = match report.stage {
                Some(stage) if hit => names.iter().position(|n| *n == stage).unwrap_or(0),
                _ => names.len(),
            };
            counts[row][r] += 1;
        }
    }
    for (i, c) in counts.iter().enumerate() {
        let name = names.get(i).copied().unwrap_or("(not read)");
        println!("| {name} | {} | {} | {} | {} |", c[0], c[1], c[2], c[3]);
    }
}

/// Hit rate per distortion on the generated camera-like photos.
fn camera_set(decoders: &[(&str, Decode)], per: u64, set: Option<&str>) {
    println!();
    let names: Vec<&str> = decoders.iter().map(|d| d.0).collect();
    let head = names.join(" | ");
    println!("| distortion ({per} photos each) | {head} | pipeline median ms | stages that read |");
    println!("| --- |{} ---: | --- |", " ---: |".repeat(names.len()));
    for d in cases::DISTORTIONS
        .iter()
        .filter(|d| set.is_none_or(|s| s == **d))
    {
        let mut hits = vec![0; decoders.len()];
        let mut times = Vec::new();
        let mut stages: Vec<&str> = Vec::new();
        let mut missed = Vec::new();
        for seed in 0..per {
            let case = cases::case(d, seed);
            let photo = camera::photograph(&case.scene, &case.text);
            for (i, (name, decode)) in decoders.iter().enumerate() {
                let start = Instant::now();
                let found = decode(photo.width, photo.height, &photo.luma);
                if name.starts_with("yima") {
                    times.push(start.elapsed().as_secs_f64() * 1e3);
                }
                hits[i] += usize::from(found.iter().any(|t| t == case.text.as_bytes()));
            }
            let (w, h) = (photo.width, photo.height);
            let report = yima_scan::scan_luma_with(w, h, &photo.luma, Effort::Fast);
            if report.found.iter().any(|f| f.text == case.text) {
                stages.push(report.stage.unwrap_or("?"));
            } else {
                missed.push(seed.to_string());
            }
        }
        stages.sort_unstable();
        stages.dedup();
        times.sort_by(f64::total_cmp);
        let cells: Vec<String> = hits.iter().map(|h| format!("{h}/{per}")).collect();
        let median = percentile(&times, 0.5);
        let stages = stages.join(", ");
        println!("| {d} | {} | {median:.1} | {stages} |", cells.join(" | "));
        if !missed.is_empty() {
            eprintln!("{d}: pipeline missed seeds {}", missed.join(" "));
        }
    }
}

//! yima-scan's tests: the corpus floor, limits, broken files, several codes in one image,
//! contained decoder panics, and the camera-like set of label photos.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{camera, cases, corpus};
use yima_scan::{decoders, guard, Effort, Report, ScanErrorKind};

/// Records the largest single allocation, to show an oversized image is refused before
/// its pixels are allocated.
struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

// ---------------------------------------------------------------- corpus

#[test]
fn corpus_reads_at_least_95_of_97_at_every_rotation() {
    let Some(samples) = corpus::load("corpus_reads_at_least_95_of_97_at_every_rotation") else {
        return;
    };
    assert_eq!(samples.len(), 97, "the corpus has 97 photos");
    let mut report = Vec::new();
    for rotation in [0, 90, 180, 270] {
        let mut missed = Vec::new();
        for s in &samples {
            let l = corpus::rotated_luma(&s.luma, rotation);
            let found = yima_scan::scan_luma(l.width, l.height, &l.data);
            if !corpus::hit(found.iter().map(|f| f.text.as_bytes()), &s.expected) {
                missed.push(s.name.clone());
            }
        }
        report.push((rotation, samples.len() - missed.len(), missed));
    }
    for (rotation, read, missed) in &report {
        assert!(
            *read >= 95,
            "{read}/97 read at {rotation}°; missed {missed:?} (all: {report:?})"
        );
    }
    // The file path (PNG decoding, then the same pipeline), on the first set.
    for s in samples.iter().filter(|s| s.name.starts_with("qrcode-1/")) {
        let found = yima_scan::scan_file(&s.path).expect("a corpus photo is readable");
        let read = corpus::hit(found.iter().map(|f| f.text.as_bytes()), &s.expected);
        assert!(read, "{} read from its file", s.name);
    }
}

// ---------------------------------------------------------------- limits and broken files

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A tiny PNG whose header declares `w`×`h` 8-bit RGB pixels (a decompression bomb when
/// large: its data would inflate to w·h·3 bytes).
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    // A zlib stream of one empty stored block: tiny, whatever it declares.
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn an_image_over_12_mp_is_refused_before_its_pixels_are_allocated() {
    let bomb = png_declaring(30_000, 30_000);
    assert!(bomb.len() < 100);
    LARGEST.store(0, Ordering::Relaxed);
    let err = yima_scan::scan_bytes(&bomb).expect_err("refused");
    let largest = LARGEST.load(Ordering::Relaxed);
    assert_eq!(err.kind(), ScanErrorKind::TooLarge, "{err}");
    assert!(err.to_string().contains("30000×30000"), "{err}");
    assert!(err.message(yima_codes::Lang::Zh).contains("图像过大"));
    // Decoding would need 2.7 GB; nothing near that was allocated (other tests running
    // at the same time allocate at most tens of MB).
    assert!(largest < 256 << 20, "largest allocation {largest} bytes");

    // The same from a file, and at the edges of the limit.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bomb.png");
    std::fs::write(&path, &bomb).expect("write");
    let err = yima_scan::scan_file(&path).expect_err("refused");
    assert_eq!(err.kind(), ScanErrorKind::TooLarge);
    assert!(yima_scan::load::check_dimensions(4032, 3024).is_ok());
    assert!(yima_scan::load::check_dimensions(4096, 3072).is_ok());
    assert!(yima_scan::load::check_dimensions(4097, 3072).is_err());
    assert!(yima_scan::load::check_dimensions(20_000, 100).is_err());
}

#[test]
fn broken_and_foreign_files_are_errors_of_their_kind() {
    // A well-formed PNG made here, then broken in several ways.
    let good = {
        let img = image::GrayImage::from_fn(120, 120, |x, y| {
            image::Luma([((x * 7 + y * 13) % 256) as u8])
        });
        corpus::png(&image::DynamicImage::ImageLuma8(img))
    };
    let kind = |bytes: &[u8]| yima_scan::scan_bytes(bytes).expect_err("refused").kind();
    assert_eq!(kind(&good[..good.len() / 2]), ScanErrorKind::Unreadable);
    assert_eq!(kind(&good[..40]), ScanErrorKind::Unreadable);
    assert_eq!(kind(b"this is not an image at all"), ScanErrorKind::Format);
    assert_eq!(kind(b""), ScanErrorKind::Format);
    assert_eq!(
        kind(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ScanErrorKind::Format
    );
    let mut garbage = good.clone();
    for b in garbage.iter_mut().skip(60) {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    assert_eq!(kind(&garbage), ScanErrorKind::Unreadable);

    let err = yima_scan::scan_file("/nonexistent/label.png").expect_err("missing");
    assert_eq!(err.kind(), ScanErrorKind::Io);
    assert!(err.message(yima_codes::Lang::Zh).contains("无法读取文件"));
    assert!(err.message(yima_codes::Lang::En).contains("cannot read"));

    // Camera frames: a short or empty buffer reads nothing and does not panic.
    assert!(yima_scan::scan_luma(100, 100, &[0; 10]).is_empty());
    assert!(yima_scan::scan_luma(0, 0, &[]).is_empty());
    assert!(yima_scan::scan_luma(u32::MAX, u32::MAX, &[0; 16]).is_empty());
}

// ---------------------------------------------------------------- several codes

/// Draws `texts`' codes side by side, 4 px a module, on a white sheet.
fn sheet(texts: &[&str]) -> (u32, u32, Vec<u8>) {
    let syms: Vec<_> = texts.iter().map(|t| camera::symbol(t)).collect();
    let cell = syms.iter().map(|s| (s.n + 8) * 4).max().expect("codes");
    let cols = 2;
    let rows = texts.len().div_ceil(cols);
    let (w, h) = (cell * cols, cell * rows);
    let mut px = vec![235u8; w * h];
    for (i, s) in syms.iter().enumerate() {
        let (ox, oy) = ((i % cols) * cell + 16, (i / cols) * cell + 16);
        for y in 0..s.n * 4 {
            for x in 0..s.n * 4 {
                if s.dark[(y / 4) * s.n + x / 4] {
                    px[(oy + y) * w + ox + x] = 20;
                }
            }
        }
    }
    (w as u32, h as u32, px)
}

#[test]
fn every_code_in_an_image_is_returned() {
    let texts = [
        "91350100M000100Y43-26100111-20260101-001",
        "https://example.org/not-a-yima-label",
        "HWCS20211031001",
        "91130200699229617X-90004149-20260102-017",
    ];
    let (w, h, px) = sheet(&texts);
    for effort in [
        Effort::Fast,
        Effort::Exhaustive,
        Effort::Camera,
        Effort::CameraQuick,
    ] {
        let report = yima_scan::scan_luma_with(w, h, &px, effort);
        let mut read: Vec<_> = report.found.iter().map(|f| f.text.as_str()).collect();
        read.sort_unstable();
        let mut want = texts.to_vec();
        want.sort_unstable();
        assert_eq!(read, want, "{effort:?}");
    }
    for f in yima_scan::scan_luma(w, h, &px) {
        let c = f.centre();
        assert!(c.x > 0.0 && c.x < w as f32 && c.y > 0.0 && c.y < h as f32);
    }
}

/// A printed label whose QR code is the registry's address (payload version 2) reads back as
/// that address, and as the label signed, verified offline.
#[test]
fn a_rendered_url_label_reads_back() {
    use yima_core::{
        ContainerLabel, DeviceKey, LabelPayload, LabelVerdict, Party, PayloadForm, PhysicalForm,
        Quantity, RegistryHost, Unit,
    };
    let key = DeviceKey::from_secret(&[5; 32]);
    let code: yima_codes::LabelCode = "91350100M000100Y439000414920240301001".parse().unwrap();
    let label = ContainerLabel {
        code: code.clone(),
        name: "废弃的含油抹布、劳保用品".into(),
        category: "HW49".parse().unwrap(),
        waste_code: "900-041-49".parse().unwrap(),
        form: PhysicalForm::Solid,
        hazards: "T,In".parse().unwrap(),
        main_components: "棉纱、矿物油".into(),
        harmful_components: "矿物油".into(),
        precautions: "防火防潮".into(),
        producer: Party {
            credit_code: code.producer().clone(),
            name: "示例化工有限公司".into(),
        },
        contact: "李四".into(),
        phone: "13800000000".into(),
        generated_on: code.date(),
        quantity: Quantity::new(25_000, Unit::Kg).unwrap(),
        container_type: "编织袋".into(),
        facility_code: String::new(),
        remarks: String::new(),
    };
    let payload = LabelPayload::sign(&code, label.quantity, &key);
    let form = PayloadForm::Url(RegistryHost::parse("yima.hbj.jiangsu.gov.cn").unwrap());
    let png = yima_label::render_in(
        &label,
        &payload,
        &form,
        yima_label::LabelSize::Mm100,
        yima_label::Format::Png,
    )
    .unwrap();
    let found = yima_scan::scan_bytes(&png).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].text,
        payload.to_url(&RegistryHost::parse("YIMA.HBJ.JIANGSU.GOV.CN").unwrap())
    );
    let read = LabelPayload::parse(&found[0].text).unwrap();
    assert_eq!(
        read.verify(|_| Some(key.public())),
        LabelVerdict::Valid { key: key.public() }
    );
}

#[test]
fn a_camera_frame_gets_only_the_rxing_stages() {
    // A frame with no code: the camera's effort stops after the rxing stages (its frame
    // rate is in BENCHMARKS.md, "Camera"), where a photo's goes on through rqrr and the mesh
    // sampler; neither reads anything.
    let blank = vec![200u8; 320 * 240];
    let camera = yima_scan::scan_luma_with(320, 240, &blank, Effort::Camera);
    assert!(camera.found.is_empty() && camera.stage.is_none());
    // A clean code is read by the first stage either way.
    let (w, h, px) = sheet(&["HWCS20211031001"]);
    for effort in [Effort::Camera, Effort::CameraQuick] {
        let report = yima_scan::scan_luma_with(w, h, &px, effort);
        assert_eq!(report.stage, Some("rxing"));
        assert_eq!(report.found[0].text, "HWCS20211031001");
    }
}

// ---------------------------------------------------------------- contained panics

#[test]
fn a_decoder_panic_is_contained_and_the_image_reported_unreadable() {
    // No input was found that makes rqrr 0.11 panic (see the report in BENCHMARKS.md),
    // so containment is tested with a deliberately panicking decoder run through the same
    // guard every real decoder call goes through.
    let attempt = decoders::guarded(|| {
        let v: Vec<u8> = Vec::new();
        let i = v.len() + 41;
        panic!("index out of bounds: the len is 41 but the index is {i}")
    });
    assert!(attempt.panicked);
    assert!(attempt.found.is_empty());
    assert_eq!(guard::contain(|| -> u8 { panic!("again") }), None);

    let report = Report {
        found: Vec::new(),
        panics: 1,
        stage: None,
    };
    let err = yima_scan::into_result(report).expect_err("unreadable");
    assert_eq!(err.kind(), ScanErrorKind::Unreadable);

    // Scanning still works afterwards, on this thread and others.
    let (w, h, px) = sheet(&["after a panic"]);
    assert_eq!(yima_scan::scan_luma(w, h, &px).len(), 1);
    let other = std::thread::spawn(move || yima_scan::scan_luma(w, h, &px).len());
    assert_eq!(other.join().expect("thread"), 1);
}

// ---------------------------------------------------------------- camera-like photos

/// Photographs `per` cases of `distortion` and scans each (from the JPEG file for JPEG
/// scenes); returns the seeds not read.
fn unread(distortion: &'static str, per: u64) -> Vec<u64> {
    let mut missed = Vec::new();
    for seed in 0..per {
        let case = cases::case(distortion, seed);
        assert!(camera::symbol(&case.text).version <= 10, "version ≤ 10");
        let photo = camera::photograph(&case.scene, &case.text);
        let found = match &photo.jpeg {
            Some(file) => yima_scan::scan_bytes(file).expect("the JPEG is readable"),
            None => yima_scan::scan_luma(photo.width, photo.height, &photo.luma),
        };
        if !found.iter().any(|f| f.text == case.text) {
            missed.push(seed);
        }
    }
    missed
}

/// Photos per distortion in the tests (the benchmark draws more).
const PER: u64 = 3;

macro_rules! camera_test {
    ($name:ident, $distortion:literal $(, $ignore:literal)?) => {
        #[test]
        $(#[ignore = $ignore])?
        fn $name() {
            let missed = unread($distortion, PER);
            assert!(missed.is_empty(), "{} not read: seeds {missed:?}", $distortion);
        }
    };
}

camera_test!(camera_plain, "plain");
camera_test!(camera_perspective_up_to_30_degrees, "perspective");
camera_test!(camera_on_a_200_litre_drum, "drum");
camera_test!(camera_large_code_on_a_drum, "drum-large");
camera_test!(camera_creased, "crease");
camera_test!(camera_sharply_creased, "crease-sharp");
camera_test!(camera_blurred, "blur");
camera_test!(camera_noisy, "noise");
camera_test!(camera_uneven_light_and_glare, "light");
camera_test!(camera_10_percent_covered, "occlusion");
camera_test!(camera_all_at_once, "combined");

#[test]
fn the_camera_set_is_what_the_issue_describes() {
    for case in cases::all(20) {
        let sym = camera::symbol(&case.text);
        assert!((165..=175).contains(&case.text.len()));
        assert!(case.text.bytes().all(|b| camera::ALNUM.contains(&b)));
        assert!((1..=10).contains(&sym.version), "version {}", sym.version);
        let tilt = case.scene.yaw.hypot(case.scene.pitch).to_degrees();
        assert!(tilt <= 30.0 + 1e-9, "{} tilted {tilt}°", case.distortion);
    }
    // 8.66 px per mm at 1 m: a 30 mm code of 53 modules has about 4.9 px per module.
    let px_per_mm = camera::focal_px() / 1000.0;
    assert!((8.6..8.7).contains(&px_per_mm), "{px_per_mm}");
}

#[test]
fn camera_all_at_once_fold_under_glare() {
    // Combined seeds the usual lattice windows misread where the fold and the glare streak
    // cross (300–450 wrong modules); the mesh sampler's wider windows read them.
    let mut missed = Vec::new();
    for seed in [9, 13, 18] {
        let case = cases::case("combined", seed);
        let photo = camera::photograph(&case.scene, &case.text);
        let file = photo.jpeg.as_ref().expect("combined photos are JPEG");
        let found = yima_scan::scan_bytes(file).expect("the JPEG is readable");
        if !found.iter().any(|f| f.text == case.text) {
            missed.push(seed);
        }
    }
    assert!(missed.is_empty(), "combined not read: seeds {missed:?}");
}

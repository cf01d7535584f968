//! Labels rendered per second as SVG, PNG (300 dpi) and PDF, at each size, on one core:
//! `cargo bench -p yima-label --bench render` (figures go into BENCHMARKS.md).

use std::time::{Duration, Instant};
use yima_core::{ContainerLabel, DeviceKey, LabelPayload, Party, PhysicalForm, Quantity, Unit};
use yima_label::{Format, LabelSize};

fn label(seq: u16) -> (ContainerLabel, LabelPayload) {
    let code: yima_codes::LabelCode = format!("91350100M000100Y439002490820240301{seq:03}")
        .parse()
        .expect("a code");
    let label = ContainerLabel {
        code: code.clone(),
        name: "废矿物油（含油抹布及废机油桶）".into(),
        category: "HW08".parse().expect("a category"),
        waste_code: "900-249-08".parse().expect("a waste code"),
        form: PhysicalForm::Liquid,
        hazards: "T,I".parse().expect("hazards"),
        main_components: "废矿物油、水、少量金属颗粒".into(),
        harmful_components: "多环芳烃、苯系物、重金属（铅、铬）".into(),
        precautions: "远离火源，密闭存放，防止泄漏。".into(),
        producer: Party {
            credit_code: code.producer().clone(),
            name: "福州示例精细化工有限公司".into(),
        },
        contact: "张三".into(),
        phone: "0591-87654321".into(),
        generated_on: code.date(),
        quantity: Quantity::new(180_500, Unit::Kg).expect("a quantity"),
        container_type: "200 L 铁桶".into(),
        facility_code: String::new(),
        remarks: "第二车间危废暂存间".into(),
    };
    let payload = LabelPayload::sign(&code, label.quantity, &DeviceKey::from_secret(&[7; 32]));
    (label, payload)
}

/// Renders labels for at least `budget` (and at least 5 times); returns labels a second.
fn per_second(budget: Duration, mut render: impl FnMut(u16)) -> (f64, u32) {
    render(1); // warm up: fonts parsed, caches filled
    let start = Instant::now();
    let mut n = 0u32;
    while n < 5 || start.elapsed() < budget {
        render((n % 999 + 1) as u16);
        n += 1;
    }
    (f64::from(n) / start.elapsed().as_secs_f64(), n)
}

fn main() {
    let budget = Duration::from_secs_f64(
        std::env::var("YIMA_BENCH_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3.0),
    );
    let labels: Vec<_> = (1..=999).map(label).collect();
    println!("| format | size | labels/s | ms/label | runs |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for format in [Format::Svg, Format::Png, Format::Pdf] {
        for size in LabelSize::ALL {
            let (rate, n) = per_second(budget, |seq| {
                let (l, p) = &labels[usize::from(seq) - 1];
                let out = yima_label::render(l, p, size, format).expect("renders");
                std::hint::black_box(out);
            });
            println!(
                "| {} | {} mm | {rate:.1} | {:.2} | {n} |",
                format.extension().to_uppercase(),
                size.mm(),
                1000.0 / rate
            );
        }
    }
    let sheet: Vec<_> = labels[..40].to_vec();
    let (rate, n) = per_second(budget, |_| {
        let out = yima_label::pdf_sheet(&sheet, LabelSize::Mm100).expect("renders");
        std::hint::black_box(out);
    });
    println!(
        "| PDF A4 sheet, 40 labels (10 pages) | 100 mm | {:.1} | {:.2} | {n} |",
        rate * 40.0,
        1000.0 / (rate * 40.0)
    );
}

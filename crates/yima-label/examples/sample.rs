//! Writes a sample label in every format and size, and an A4 sheet, into a directory:
//! `cargo run -p yima-label --example sample -- /tmp/labels`.

use yima_core::{ContainerLabel, DeviceKey, LabelPayload, Party, PhysicalForm, Quantity, Unit};
use yima_label::{Format, LabelSize};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or("labels".into()));
    std::fs::create_dir_all(&dir)?;
    let key = DeviceKey::from_secret(&[7; 32]);
    let mut sheet = Vec::new();
    for seq in 1..=5u16 {
        let code: yima_codes::LabelCode =
            format!("91350100M000100Y439002490820240301{seq:03}").parse()?;
        let label = ContainerLabel {
            code: code.clone(),
            name: "废矿物油（含油抹布及废机油桶）".into(),
            category: "HW08".parse()?,
            waste_code: "900-249-08".parse()?,
            form: PhysicalForm::Liquid,
            hazards: if seq == 5 { "T,C,I,R,In" } else { "T,I" }.parse()?,
            main_components: "废矿物油、水、少量金属颗粒".into(),
            harmful_components: "多环芳烃、苯系物、重金属（铅、铬）".into(),
            precautions: "远离火源，密闭存放，防止泄漏；搬运时佩戴防护手套和护目镜。".into(),
            producer: Party {
                credit_code: code.producer().clone(),
                name: "福州示例精细化工有限公司".into(),
            },
            contact: "张三".into(),
            phone: "0591-87654321".into(),
            generated_on: code.date(),
            quantity: Quantity::new(180_500, Unit::Kg)?,
            container_type: "200 L 铁桶".into(),
            facility_code: String::new(),
            remarks: "第二车间危废暂存间".into(),
        };
        let payload = LabelPayload::sign(&code, label.quantity, &key);
        if seq == 1 {
            for size in LabelSize::ALL {
                for format in [Format::Svg, Format::Png, Format::Pdf] {
                    let bytes = yima_label::render(&label, &payload, size, format)?;
                    let name = format!("label-{}.{}", size.mm(), format.extension());
                    std::fs::write(dir.join(name), bytes)?;
                }
            }
        }
        sheet.push((label, payload));
    }
    let pdf = yima_label::pdf_sheet(&sheet, LabelSize::Mm100)?;
    std::fs::write(dir.join("sheet-100.pdf"), pdf)?;
    let last = sheet.last().expect("five labels");
    let png = yima_label::render(&last.0, &last.1, LabelSize::Mm100, Format::Png)?;
    std::fs::write(dir.join("label-100-five-hazards.png"), png)?;
    println!("written to {}", dir.display());
    Ok(())
}

//! `yima ledger export --format csv`: HJ 1259 records, one per container and stage.

use crate::common::*;
use std::collections::BTreeMap;

const HEADER_EN: [&str; 23] = [
    "Stage",
    "Batch code",
    "Time",
    "Waste name",
    "Catalogue name",
    "Waste category",
    "Waste code",
    "Quantity",
    "Unit",
    "Container code",
    "Container type",
    "Number of containers",
    "Facility code",
    "Facility type",
    "Handler",
    "Destination",
    "Source batch code",
    "Use/disposal method",
    "Completion time",
    "Receiver type",
    "Receiver name",
    "Permit number",
    "Remarks",
];

/// The fields, in column order: the keys of the rows `export` returns.
const FIELDS: [&str; 23] = [
    "stage",
    "batch_code",
    "time",
    "waste_name",
    "catalogue_name",
    "category",
    "waste_code",
    "quantity",
    "unit",
    "container_code",
    "container_type",
    "container_count",
    "facility_code",
    "facility_type",
    "handler",
    "destination",
    "source_batch",
    "method",
    "completed_at",
    "receiver_type",
    "receiver_name",
    "receiver_permit",
    "note",
];

const HEADER_ZH: [&str; 23] = [
    "环节",
    "批次编码",
    "时间",
    "废物名称",
    "名录名称",
    "废物类别",
    "废物代码",
    "数量",
    "计量单位",
    "容器编码",
    "容器类型",
    "容器数量",
    "设施编码",
    "设施类型",
    "经办人",
    "去向",
    "来源批次编码",
    "利用/处置方式",
    "完成时间",
    "接收单位类型",
    "接收单位名称",
    "许可证编号",
    "备注",
];

/// Exports the ledger of `d` and returns its rows as field-name → value maps.
fn export(d: &Device, file: &std::path::Path, lang: &str) -> Vec<BTreeMap<String, String>> {
    let v = d.json(&[
        "--lang",
        lang,
        "ledger",
        "export",
        "--format",
        "csv",
        "-o",
        file.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(file).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a BOM");
    let text = String::from_utf8(bytes).unwrap();
    let rows = parse_csv(text.trim_start_matches('\u{feff}'));
    let header = &rows[0];
    let expected: Vec<&str> = if lang == "zh" {
        HEADER_ZH.to_vec()
    } else {
        HEADER_EN.to_vec()
    };
    assert_eq!(header, &expected);
    assert_eq!(v["value"], (rows.len() - 1).to_string(), "{v}");
    rows[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), FIELDS.len(), "{r:?}");
            FIELDS
                .iter()
                .zip(r)
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()
        })
        .collect()
}

/// `prefix` + YYYYMMDD + a three-digit serial.
fn assert_batch(code: &str, prefix: &str) {
    assert!(
        code.starts_with(prefix),
        "{code} should start with {prefix}"
    );
    let rest = &code[prefix.len()..];
    assert_eq!(rest.len(), 11, "{code}");
    assert!(rest.chars().all(|c| c.is_ascii_digit()), "{code}");
    assert!(
        chrono::NaiveDate::parse_from_str(&rest[..8], "%Y%m%d").is_ok(),
        "{code}"
    );
}

#[test]
fn the_producers_ledger_has_a_record_per_container_and_stage() {
    let w = World::new();
    let p = &w.p;
    // Outsourced disposal.
    let a = p.new_container_with(
        "900-249-08",
        "180",
        "kg",
        "liquid",
        &["--container-type", "200L 钢桶", "--facility", "CS-01"],
    );
    // Outsourced use, under another manifest.
    let f = p.drum();
    // Stored, then disposed of on site.
    let b = p.drum();
    // Used on site straight away.
    let e = p.drum();
    p.json(&["record", "store", &a, &f, &b, "--facility", "WS-01"]);
    p.weigh_as_labelled(&[&a, &f]);
    p.json(&dispatch_args(&[&a]));
    let mut use_args = dispatch_args(&[&f]);
    use_args.iter_mut().for_each(|x| {
        if *x == MANIFEST {
            *x = "20263501000124";
        }
    });
    use_args.extend(["--mode", "use"]);
    p.json(&use_args);
    w.handover(p, &w.c, &pickup_args(&[&a]));
    p.json(&[
        "record",
        "dispose",
        &b,
        "--mode",
        "disposal",
        "--method",
        "D10 焚烧",
    ]);
    p.json(&[
        "record",
        "dispose",
        &e,
        "--mode",
        "use",
        "--method",
        "R4, 金属回收",
    ]);
    p.assert_verifies();

    let file = w.tmp.path().join("ledger.csv");
    let rows = export(p, &file, "en");
    let stages = |code: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r["container_code"] == code)
            .map(|r| r["stage"].clone())
            .collect()
    };
    assert_eq!(
        stages(&a),
        [
            "generation",
            "into storage",
            "weighing",
            "out of storage",
            "outsourced use/disposal"
        ]
    );
    assert_eq!(
        stages(&f),
        [
            "generation",
            "into storage",
            "weighing",
            "out of storage",
            "outsourced use/disposal"
        ]
    );
    assert_eq!(
        stages(&b),
        ["generation", "into storage", "own use/disposal"]
    );
    assert_eq!(stages(&e), ["generation", "own use/disposal"]);
    assert_eq!(rows.len(), 15);

    let row = |code: &str, stage: &str| {
        rows.iter()
            .find(|r| r["container_code"] == code && r["stage"] == stage)
            .unwrap_or_else(|| panic!("no {stage} record for {code}"))
            .clone()
    };
    // Container A, stage by stage.
    let gen = row(&a, "generation");
    assert_batch(&gen["batch_code"], "HWCS");
    assert_eq!(&gen["batch_code"][4..12], &a[26..34], "the generation day");
    assert_eq!(gen["waste_code"], "900-249-08");
    assert_eq!(gen["category"], "HW08");
    assert_eq!(gen["quantity"], "180");
    assert_eq!(gen["unit"], "kg");
    assert_eq!(gen["container_type"], "200L 钢桶");
    assert_eq!(gen["container_count"], "1");
    assert_eq!(gen["facility_code"], "CS-01");
    assert_eq!(gen["handler"], "王磊");
    assert!(!gen["destination"].is_empty());
    let into = row(&a, "into storage");
    assert_batch(&into["batch_code"], "HWRK");
    assert_eq!(into["facility_code"], "WS-01");
    assert_eq!(into["source_batch"], gen["batch_code"]);
    let out = row(&a, "out of storage");
    assert_batch(&out["batch_code"], "HWCK");
    assert_eq!(out["source_batch"], into["batch_code"]);
    assert_eq!(out["destination"], RECEIVER.1);
    let outsourced = row(&a, "outsourced use/disposal");
    assert_batch(&outsourced["batch_code"], "HWWWCZ");
    assert_eq!(outsourced["source_batch"], out["batch_code"]);
    assert_eq!(outsourced["receiver_name"], RECEIVER.1);
    assert_eq!(outsourced["receiver_permit"], PERMIT);
    assert!(!outsourced["receiver_type"].is_empty());

    assert_batch(&row(&f, "outsourced use/disposal")["batch_code"], "HWWWLY");
    let own = row(&b, "own use/disposal");
    assert_batch(&own["batch_code"], "HWZXCZ");
    assert_eq!(own["source_batch"], row(&b, "into storage")["batch_code"]);
    assert!(own["method"].contains("D10 焚烧"), "{own:?}");
    assert!(!own["completed_at"].is_empty());
    let own = row(&e, "own use/disposal");
    assert_batch(&own["batch_code"], "HWZXLY");
    assert!(
        own["method"].contains("R4, 金属回收"),
        "a comma survives quoting: {own:?}"
    );
    assert_eq!(own["source_batch"], row(&e, "generation")["batch_code"]);

    // Every batch code is one of the HJ 1259 forms (a weighing draws none).
    for r in rows.iter().filter(|r| r["stage"] != "weighing") {
        let b = &r["batch_code"];
        assert!(
            ["HWCS", "HWRK", "HWCK", "HWWWLY", "HWWWCZ", "HWZXLY", "HWZXCZ"]
                .iter()
                .any(|p| b.starts_with(p)),
            "{b}"
        );
    }

    // The same records with the Chinese field names.
    let zh = export(p, &w.tmp.path().join("ledger-zh.csv"), "zh");
    assert_eq!(zh.len(), rows.len());
    assert_eq!(zh[0]["stage"], "产生");
}

#[test]
fn an_unknown_ledger_format_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    p.drum();
    let file = tmp.path().join("ledger.xml");
    let e = p.error(&[
        "ledger",
        "export",
        "--format",
        "xml",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(e["kind"], "bad_input");
    assert!(!file.exists());
    // An empty ledger is a header only.
    let empty = Device::init(tmp.path(), "c", "carrier", CARRIER, &[]);
    let file = tmp.path().join("empty.csv");
    let v = empty.json(&["ledger", "export", "-o", file.to_str().unwrap()]);
    assert_eq!(v["value"], "0");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.trim_start_matches('\u{feff}').lines().count(), 1);
}

/// The demo's devices as CLI devices.
fn demo_device(dir: &std::path::Path, who: &str) -> Device {
    Device {
        name: who.into(),
        dir: dir.join(who),
        card: dir.join(format!("{who}.card.json")),
    }
}

#[test]
fn the_demos_ledger_csv_shows_what_was_measured_by_whom_and_its_balance_closes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let out = yima(None, &[], &["demo", "--dir", dir.to_str().unwrap()]);
    assert!(out.success(), "{out:#?}");
    let receiver = demo_device(&dir, "receiver");
    let producer = demo_device(&dir, "producer");
    let rows = export(&receiver, &tmp.path().join("r.csv"), "en");
    let mut catalogue_names = 0;
    for r in &rows {
        assert!(r["time"].ends_with("+08:00"), "{r:?}");
        // The receiver's operator, not the producer's label contact (王磊).
        assert_eq!(r["handler"], "林娜", "{r:?}");
        if !r["catalogue_name"].is_empty() && r["catalogue_name"] != r["waste_name"] {
            catalogue_names += 1;
        }
    }
    assert_eq!(catalogue_names, rows.len(), "both names on every row");
    // The receiver's weighing: what it measured, who weighed, and the discrepancy with the
    // sender's 180 kg.
    let oil = rows
        .iter()
        .find(|r| r["stage"] == "weighing" && r["quantity"] == "171")
        .expect("the oil's weighing");
    assert_eq!(oil["handler"], "林娜");
    assert!(oil["note"].contains("-9 kg"), "{oil:?}");
    let receipts: Vec<&str> = rows
        .iter()
        .filter(|r| r["stage"] == "receipt")
        .map(|r| r["quantity"].as_str())
        .collect();
    assert_eq!(receipts, ["24.6", "165"]);

    let v = producer.json(&["operator"]);
    assert_eq!(v["value"], "王磊", "{v}");
    let v = producer.json(&["operator", "张敏"]);
    assert_eq!(v["value"], "张敏", "{v}");
    for d in [&producer, &receiver] {
        let v = d.json(&["ledger", "balance"]);
        let list = v["balance"].as_array().expect("rows");
        assert!(!list.is_empty(), "{v}");
        assert!(list.iter().all(|r| r["closes"] == true), "{v}");
        let text = yima(Some(&d.dir), &[], &["--lang", "zh", "ledger", "balance"]);
        assert!(text.success(), "{text:#?}");
        assert!(
            text.stdout.contains("平衡") && text.stdout.contains("期初"),
            "{}",
            text.stdout
        );
    }
}

#[test]
fn the_ledger_exports_as_xlsx_for_a_period() {
    let w = World::new();
    let p = &w.p;
    p.drum();
    let file = p.dir.join("ledger.xlsx");
    let all = p.json(&[
        "ledger",
        "export",
        "--format",
        "xlsx",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_ne!(all["value"], "0", "{all}");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
    // Nothing before 2000-01-01.
    let none = p.json(&[
        "ledger",
        "export",
        "--format",
        "xlsx",
        "--to",
        "2000-01-01",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(none["value"], "0", "{none}");
    let err = p.error(&[
        "ledger",
        "export",
        "--format",
        "ods",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(err["kind"], "bad_input", "{err}");
    assert!(err["message"].as_str().unwrap().contains("xlsx"), "{err}");
}

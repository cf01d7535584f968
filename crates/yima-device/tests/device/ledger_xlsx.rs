//! The ledger as XLSX, read back with calamine: the HJ 1259 headers in either language, a
//! record's values (quantities as numbers, times as China-time datetimes) and every stage.

use calamine::{open_workbook_from_rs, Data, DataType, Reader, Xlsx};
use std::collections::BTreeSet;
use std::io::Cursor;
use yima_codes::Lang;
use yima_device::{run_demo, Device, LedgerStage, ManualClock};

fn sheet(bytes: Vec<u8>, name: &str) -> calamine::Range<Data> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an XLSX file");
    assert_eq!(book.sheet_names(), [name]);
    book.worksheet_range(name).expect("the ledger's sheet")
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn the_xlsx_ledger_has_the_csv_records_with_numbers_datetimes_and_every_stage() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path()).unwrap();
    let clock = ManualClock::new(yima_core::Timestamp(0));
    let mut stages = BTreeSet::new();
    for party in ["producer", "receiver"] {
        let mut dev = Device::open(&dir.path().join(party), &clock).unwrap();
        let rows = dev.ledger().unwrap();
        let mut bytes = Vec::new();
        let n = dev
            .write_ledger_xlsx(&mut bytes, Lang::Zh, None, None)
            .unwrap();
        assert_eq!(n, rows.len(), "{party}");
        let range = sheet(bytes, "台账");
        let mut lines = range.rows();
        let header: Vec<String> = lines.next().unwrap().iter().map(text).collect();
        assert_eq!(header.len(), 23);
        assert_eq!(
            header[..10],
            [
                "环节",
                "批次编码",
                "时间",
                "废物名称",
                "名录名称",
                "废物类别",
                "废物代码",
                "数量",
                "计量单位",
                "容器编码"
            ]
        );
        assert_eq!(header[22], "备注");
        let body: Vec<&[Data]> = lines.collect();
        assert_eq!(body.len(), rows.len(), "{party}");
        for (cells, row) in body.iter().zip(&rows) {
            stages.insert(text(&cells[0]));
            assert_eq!(text(&cells[0]), row.stage.name(Lang::Zh));
            assert_eq!(text(&cells[1]), row.batch_code);
            assert_eq!(text(&cells[9]), row.container_code);
            // The quantity is a number, its unit beside it.
            let quantity: f64 = row.quantity.parse().unwrap();
            assert!(matches!(cells[7], Data::Float(_)), "{:?}", cells[7]);
            assert!((cells[7].as_f64().unwrap() - quantity).abs() < 1e-9);
            assert_eq!(text(&cells[8]), row.unit);
            // The time is a datetime, China's wall-clock time.
            assert!(cells[2].is_datetime(), "{:?}", cells[2]);
            let t = cells[2].as_datetime().unwrap();
            assert_eq!(t.format("%Y-%m-%d %H:%M:%S").to_string(), row.time[..19]);
            if !row.completed_at.is_empty() {
                assert!(cells[18].is_datetime(), "{:?}", cells[18]);
            }
        }
        // A generation record, field by field.
        if party == "producer" {
            let (cells, row) = body
                .iter()
                .zip(&rows)
                .find(|(_, r)| r.stage == LedgerStage::Generation && r.waste_name == "废矿物油")
                .unwrap();
            assert_eq!(text(&cells[3]), "废矿物油");
            assert_eq!(text(&cells[5]), row.category);
            assert_eq!(text(&cells[6]), row.waste_code);
            assert!(text(&cells[1]).starts_with("HWCS"));
            assert_eq!(text(&cells[10]), "IBC 吨桶");
            assert_eq!(cells[11].as_f64(), Some(1.0));
            assert_eq!(text(&cells[13]), "产生设施");
        }
    }
    // HJ 1259's five stages, across the producer's and the receiver's ledgers.
    for stage in [
        LedgerStage::Generation,
        LedgerStage::IntoStore,
        LedgerStage::OutOfStore,
        LedgerStage::OwnTreatment,
        LedgerStage::Outsourced,
    ] {
        assert!(
            stages.contains(stage.name(Lang::Zh)),
            "{stage:?}: {stages:?}"
        );
    }
}

#[test]
fn the_xlsx_ledger_speaks_english_keeps_to_its_period_and_goes_into_exports() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path()).unwrap();
    let clock = ManualClock::new(yima_core::Timestamp(1_767_225_600_000));
    let producer = dir.path().join("producer");
    let mut dev = Device::open(&producer, &clock).unwrap();
    let rows = dev.ledger().unwrap();
    let (path, n) = dev
        .export_ledger_xlsx(&producer, Lang::En, None, None)
        .unwrap();
    assert_eq!(n, rows.len());
    assert!(path.starts_with(producer.join("exports")), "{path:?}");
    assert_eq!(path.extension().unwrap(), "xlsx");
    let range = sheet(std::fs::read(&path).unwrap(), "Ledger");
    let header: Vec<String> = range.rows().next().unwrap().iter().map(text).collect();
    assert_eq!(header[..3], ["Stage", "Batch code", "Time"]);
    assert_eq!(range.rows().nth(1).unwrap()[0].to_string(), "generation");

    // A period: only the records of those China-time days.
    let first_day: chrono::NaiveDate = rows[0].time[..10].parse().unwrap();
    let last_day: chrono::NaiveDate = rows.last().unwrap().time[..10].parse().unwrap();
    assert!(first_day < last_day, "the demo spans several days");
    let mut bytes = Vec::new();
    let n = dev
        .write_ledger_xlsx(&mut bytes, Lang::En, Some(first_day), Some(first_day))
        .unwrap();
    let on_first_day = rows
        .iter()
        .filter(|r| r.time.starts_with(&rows[0].time[..10]))
        .count();
    assert_eq!(n, on_first_day);
    assert_eq!(sheet(bytes, "Ledger").rows().count(), n + 1);
    let before = first_day.pred_opt().unwrap();
    let n = dev
        .write_ledger_xlsx(&mut Vec::new(), Lang::En, None, Some(before))
        .unwrap();
    assert_eq!(n, 0);
}

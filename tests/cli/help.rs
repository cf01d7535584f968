//! Help in the user's language, shell completions and manual pages.

use crate::common::{has_chinese, yima};

#[test]
fn help_is_chinese_under_a_chinese_locale_and_english_otherwise() {
    for args in [
        &["--help"][..],
        &["record", "--help"],
        &["record", "refuse", "--help"],
    ] {
        let zh = yima(None, &[("LANG", "zh_CN.UTF-8")], args);
        assert!(zh.success(), "{zh:#?}");
        assert!(zh.stdout.contains("用法"), "{args:?}: {}", zh.stdout);
        assert!(zh.stdout.contains("显示帮助"), "{args:?}: {}", zh.stdout);
        assert!(!zh.stdout.contains("Print help"), "{args:?}: {}", zh.stdout);

        let en = yima(None, &[("LANG", "C")], args);
        assert!(en.success(), "{en:#?}");
        assert!(en.stdout.contains("Usage"), "{args:?}: {}", en.stdout);
        assert!(en.stdout.contains("Print help"), "{args:?}: {}", en.stdout);
        assert!(!en.stdout.contains("用法"), "{args:?}: {}", en.stdout);
    }
    let forced = yima(None, &[("LANG", "C")], &["--lang", "zh", "--help"]);
    assert!(forced.stdout.contains("用法"), "{}", forced.stdout);
    let zh = yima(
        None,
        &[("LANG", "zh_CN.UTF-8")],
        &["record", "refuse", "--help"],
    );
    assert!(zh.stdout.contains("拒收数量"), "{}", zh.stdout);
}

#[test]
fn completions_and_man_pages_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let out = yima(None, &[], &["completions", shell]);
        assert!(out.success(), "{shell}: {out:#?}");
        assert!(out.stdout.contains("yima"), "{shell}");
        assert!(out.stdout.contains("record"), "{shell}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = yima(
        None,
        &[("LANG", "zh_CN.UTF-8")],
        &["man", tmp.path().to_str().unwrap()],
    );
    assert!(out.success(), "{out:#?}");
    let page = std::fs::read_to_string(tmp.path().join("yima.1")).expect("yima.1 written");
    assert!(page.contains(".TH"), "{page}");
    assert!(has_chinese(&page), "the manual follows the language");
    assert!(tmp.path().join("yima-record.1").exists());
}

//! The page's language, its HTML (escaped, small, no script) and its answers to labels that
//! do not read. Labels of real containers, genuine and forged, on both backends:
//! `tests/registry/public_page.rs`.

use super::*;
use crate::SqliteStore;

fn state() -> (tempfile::TempDir, AppState<SqliteStore>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("registry.db")).unwrap();
    (dir, AppState::new(store))
}

#[test]
fn the_language_is_the_query_then_accept_language_then_chinese() {
    assert_eq!(page_lang(Some("en"), Some("zh-CN")), Lang::En);
    assert_eq!(page_lang(Some("zh"), Some("en-US")), Lang::Zh);
    assert_eq!(page_lang(None, Some("en-US,en;q=0.9")), Lang::En);
    assert_eq!(page_lang(None, Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
    assert_eq!(page_lang(None, Some("fr-FR,en;q=0.5,zh;q=0.7")), Lang::Zh);
    assert_eq!(page_lang(None, Some("fr-FR,zh;q=0.3,en;q=0.7")), Lang::En);
    assert_eq!(page_lang(None, Some("en;q=0")), Lang::Zh);
    assert_eq!(page_lang(Some("fr"), None), Lang::Zh);
    assert_eq!(page_lang(None, None), Lang::Zh);
}

fn known() -> KnownLabel {
    let code: LabelCode = "91350100M000100Y439000414920240301001".parse().unwrap();
    KnownLabel {
        waste_code: "900-041-49".into(),
        waste_name: "含有或沾染毒性<危险废物>的废弃包装物".into(),
        category: "HW49".into(),
        producer: "福州示例化工有限公司 & Co <script>alert(1)</script>".into(),
        quantity: Quantity::new(25_000, yima_core::Unit::Kg).unwrap(),
        state: ContainerState::InTransit,
        since: Some(Timestamp(1_709_251_200_000)),
        chain_agrees: true,
        key_revoked: false,
        code,
    }
}

#[test]
fn a_genuine_label_s_page_is_small_escaped_and_has_no_script() {
    for lang in [Lang::Zh, Lang::En] {
        let page = html::render(&LabelPage::Known(known()), lang);
        assert!(page.len() < 10_000, "{} bytes", page.len());
        assert!(!page.contains("<script"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("name=\"viewport\""));
        assert!(page.contains("data-mark=\"ok\""));
        assert!(page.contains("91350100M000100Y439000414920240301001"));
        assert!(page.contains("900-041-49 (HW49)"));
        assert!(page.contains("2024-03-01"));
    }
    let zh = html::render(&LabelPage::Known(known()), Lang::Zh);
    assert!(zh.contains("真实标签"));
    assert!(zh.contains(ContainerState::InTransit.name(Lang::Zh)));
    assert!(zh.contains("href=\"?lang=en\""));
    let en = html::render(&LabelPage::Known(known()), Lang::En);
    assert!(en.contains("Genuine label") && en.contains(ContainerState::InTransit.name(Lang::En)));
    assert!(en.contains("href=\"?lang=zh\""));
    let corrected = html::render(
        &LabelPage::Known(KnownLabel {
            chain_agrees: false,
            ..known()
        }),
        Lang::En,
    );
    assert!(corrected.contains("data-mark=\"warn\"") && corrected.contains("differs"));
}

#[tokio::test]
async fn an_unreadable_or_unknown_label_gets_a_page_saying_so() {
    let (_dir, st) = state();
    let store = st.store.as_ref();
    for path in [
        "",
        "x",
        "91350100M000100Y439000414920240301001-25KG-12",
        "%%%",
    ] {
        assert_eq!(
            label_page(store, path).await.unwrap(),
            LabelPage::Unreadable,
            "{path}"
        );
    }
    let key = yima_core::DeviceKey::from_secret(&[3; 32]);
    let code: LabelCode = "91350100M000100Y439000414920240301001".parse().unwrap();
    let payload = LabelPayload::sign(
        &code,
        Quantity::new(25_000, yima_core::Unit::Kg).unwrap(),
        &key,
    );
    // Its producer is not registered here: the label cannot be checked.
    assert_eq!(
        label_page(store, &payload.url_path()).await.unwrap(),
        LabelPage::Unknown(code.clone(), Seal::Unchecked)
    );
    let zh = html::render(&LabelPage::Unknown(code.clone(), Seal::Unchecked), Lang::Zh);
    assert!(zh.contains("没有此容器的记录") && zh.contains("data-mark=\"bad\""));
    assert!(zh.contains("也可能不是真实标签"));
    let en = html::render(&LabelPage::Unknown(code.clone(), Seal::Genuine), Lang::En);
    assert!(en.contains("signed by a device of its producer") && en.contains("data-mark=\"bad\""));
    let en = html::render(&LabelPage::Forged(code), Lang::En);
    assert!(en.contains("Forged or altered label"));
    assert!(html::too_many(Lang::Zh, 7).contains("7 秒后再试"));
}

//! Labels' public pages (`GET /L/…`) through the real router on each backend after the story:
//! a genuine label in Chinese and English, in either case; a forged one, an altered one, one
//! the registry holds no record of and one that does not read, each saying so with nothing of
//! the container; and the per-address limit.

use crate::common::*;
use crate::story::story;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;
use yima_codes::{CatalogueSchedule, LabelCode};
use yima_core::{LabelPayload, Quantity, Unit};
use yima_registry::{
    router, AppState, PostgresStore, Rate, RateLimits, RegistryStore, SqliteStore,
};

async fn get(app: &axum::Router, target: &str, headers: &[(&str, &str)]) -> (StatusCode, String) {
    let mut req = Request::builder().uri(target);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    assert_eq!(
        resp.headers()["content-type"],
        "text/html; charset=utf-8",
        "{target}"
    );
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

async fn pages<S: RegistryStore>(store: S, w: &World) {
    story(&store, w).await;
    let (_, status) = store
        .statuses(vec![w.a.clone()])
        .await
        .unwrap()
        .pop()
        .unwrap();
    let waste = CatalogueSchedule::shipped()
        .in_force(w.a.date())
        .get(&status.label.waste_code)
        .expect("900-041-49 is in the catalogue")
        .description
        .clone();
    let app = router(
        AppState::new(store)
            .with_limits(RateLimits {
                page_per_address: Rate {
                    burst: 12,
                    per_minute: 1,
                },
                ..RateLimits::default()
            })
            .with_client_ip_header(axum::http::HeaderName::from_static("x-forwarded-for")),
    );
    let from = |ip: &'static str| ("x-forwarded-for", ip);

    // A's label as its producer's device signs it: 20 kg.
    let label = LabelPayload::sign(&w.a, Quantity::new(20_000, Unit::Kg).unwrap(), &w.p.key);
    let path = label.url_path();
    let (s, en) = get(
        &app,
        &format!("/L/{path}"),
        &[from("10.0.0.1"), ("accept-language", "en-US,en;q=0.9")],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{en}");
    assert!(
        en.contains("Genuine label") && en.contains("data-mark=\"ok\""),
        "{en}"
    );
    assert!(en.contains(w.a.as_str()) && en.contains(&waste), "{en}");
    assert!(en.contains(&w.orgs.producer.party.name), "{en}");
    assert!(en.contains(status.state.name(yima_codes::Lang::En)), "{en}");
    // Nothing private: no plate, no driver, no manifest number.
    assert!(
        !en.contains("闽A") && !en.contains(&manifest_number().to_string()),
        "{en}"
    );
    let (s, zh) = get(
        &app,
        &format!("/l/{}?lang=zh", path.to_lowercase()),
        &[from("10.0.0.1"), ("accept-language", "en")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        zh.contains("真实标签") && zh.contains(status.state.name(yima_codes::Lang::Zh)),
        "{zh}"
    );

    // Signed by another producer's device, or its weight altered: forged, nothing shown.
    let other = LabelPayload::sign(&w.a, Quantity::new(20_000, Unit::Kg).unwrap(), &w.g.key);
    let altered = path.replacen("-20KG-", "-2KG-", 1);
    for forged in [other.url_path(), altered] {
        let (s, page) = get(&app, &format!("/L/{forged}"), &[from("10.0.0.1")]).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(
            page.contains("伪造或被篡改") && !page.contains(&waste),
            "{page}"
        );
    }
    // A genuine signature over a container the registry never received.
    let unknown: LabelCode = format!("{}999", &w.a.as_str()[..34]).parse().unwrap();
    let never = LabelPayload::sign(&unknown, Quantity::new(20_000, Unit::Kg).unwrap(), &w.p.key);
    let (s, page) = get(
        &app,
        &format!("/L/{}", never.url_path()),
        &[from("10.0.0.1"), ("accept-language", "en")],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(page.contains("no record of this container"), "{page}");
    let (s, page) = get(&app, "/L/91350100M000100Y4-1KG-0", &[from("10.0.0.1")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("无法识别的标签"), "{page}");
    // Not even UTF-8 once decoded, and a query that does not decode: still a page.
    let (s, page) = get(&app, "/L/%FF%FE?lang=%ZZ", &[from("10.0.0.3")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("无法识别的标签"), "{page}");

    // Twelve pages at once from one address (six asked above), then a page saying to wait.
    for _ in 0..6 {
        assert_eq!(
            get(&app, &format!("/L/{path}"), &[from("10.0.0.1")])
                .await
                .0,
            StatusCode::OK
        );
    }
    let (s, page) = get(&app, &format!("/L/{path}?lang=en"), &[from("10.0.0.1")]).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("Too many pages"), "{page}");
    let (s, _) = get(&app, &format!("/L/{path}"), &[from("10.0.0.2")]).await;
    assert_eq!(s, StatusCode::OK, "another address has its own limit");
}

#[tokio::test]
async fn sqlite_serves_labels_public_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("registry.db")).expect("open");
    pages(store, &World::new()).await;
}

#[tokio::test]
async fn postgres_serves_labels_public_pages() {
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    pages(store, &World::new()).await;
}

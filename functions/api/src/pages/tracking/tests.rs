//! The tracking page and the delivery rating, rendered against the in-memory store.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::pages::harness::*;
use afterclick_domain::Status;
use afterclick_domain::model::Pickup;
use afterclick_domain::ports::RatingStore;
use chrono::Duration;

const PAGE: &str = "/t/0123456789abcdef0123456789abcdef";

async fn in_transit_store() -> afterclick_domain::fakes::MemoryStore {
    store_with(
        merchant(),
        shipment(Status::InTransit),
        &[event(30, Status::InTransit, "Departed facility")],
    )
    .await
}

#[tokio::test]
async fn the_language_is_the_switchers_then_the_shipments_then_the_browsers_then_the_shops() {
    let mut s = shipment(Status::InTransit);
    s.customer.locale = Some("de-DE".into());
    let store = store_with(merchant(), s, &[]).await;
    assert!(get(&store, PAGE).await.body.contains("<html lang=\"de\">"));
    let chosen = call(
        &store,
        "GET",
        &format!("{PAGE}?lang=it"),
        &[("accept-language", "ja")],
        "",
    )
    .await;
    assert!(chosen.body.contains("<html lang=\"it\">"));
    assert!(chosen.body.contains("Cronologia della spedizione"));

    let mut s = shipment(Status::InTransit);
    s.customer.locale = Some("sv-SE".into());
    let store = store_with(merchant(), s, &[]).await;
    let browser = call(
        &store,
        "GET",
        PAGE,
        &[("accept-language", "sv, fr;q=0.4, ja;q=0.8")],
        "",
    )
    .await;
    assert!(
        browser.body.contains("<html lang=\"ja\">"),
        "highest q the shop speaks"
    );
    let mut m = merchant();
    m.branding.default_locale = "nl".into();
    let store = store_with(m, shipment(Status::InTransit), &[]).await;
    let store_default = {
        let mut s = shipment(Status::InTransit);
        s.customer.locale = Some("sv".into());
        store.put_shipment(s);
        get(&store, PAGE).await
    };
    assert!(store_default.body.contains("<html lang=\"nl\">"));
}

#[tokio::test]
async fn a_shipment_without_locale_follows_the_browser_then_the_shop() {
    let mut m = merchant();
    m.branding.default_locale = "nl".into();
    let mut s = shipment(Status::InTransit);
    s.customer.locale = None;
    let store = store_with(m, s, &[]).await;
    let browser = call(
        &store,
        "GET",
        PAGE,
        &[("accept-language", "fr-CH, de;q=0.5")],
        "",
    )
    .await;
    assert!(browser.body.contains("<html lang=\"fr\">"));
    let unknown_browser = call(&store, "GET", PAGE, &[("accept-language", "sv")], "").await;
    assert!(unknown_browser.body.contains("<html lang=\"nl\">"));
    assert!(get(&store, PAGE).await.body.contains("<html lang=\"nl\">"));
}

#[tokio::test]
async fn the_switcher_links_every_locale_and_marks_the_current_one() {
    let store = in_transit_store().await;
    let page = get(&store, &format!("{PAGE}?lang=pt-BR")).await;
    for tag in afterclick_domain::i18n::LOCALES {
        assert!(
            page.body.contains(&format!("href=\"{PAGE}?lang={tag}\"")),
            "{tag}"
        );
    }
    assert!(
        page.body
            .contains("hreflang=\"pt-BR\" aria-current=\"true\">Português (Brasil)</a>")
    );
    assert_eq!(page.body.matches("aria-current=\"true\"").count(), 1);
}

#[tokio::test]
async fn progress_has_a_text_equivalent_and_the_current_step_is_marked() {
    let store = in_transit_store().await;
    let page = get(&store, PAGE).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Step 2 of 4: On its way"));
    assert!(
        page.body
            .contains("<li class=\"current\" aria-current=\"step\">On its way")
    );
    assert!(
        page.body
            .contains("<li class=\"done\">Label created<span class=\"sr\"> (completed)</span>")
    );
    assert!(page.body.contains("Departed facility") && page.body.contains("Köln, DE"));
    // 30 hours before 2026-03-10 12:00 UTC is 07:00 in Berlin (UTC+1).
    assert!(page.body.contains("Monday, March 9 07:00"), "local time");
    assert!(page.body.contains("Times are shown in Europe/Berlin."));
}

#[tokio::test]
async fn a_late_shipment_shows_the_promise_and_apologises() {
    let mut s = shipment(Status::InTransit);
    s.promised_delivery_date = Some((now() - Duration::days(1)).date_naive());
    s.estimated_delivery = Some((now() + Duration::days(2)).date_naive());
    let store = store_with(merchant(), s, &[]).await;
    let page = get(&store, PAGE).await;
    assert!(page.body.contains("Sorry, your order is running late"));
    assert!(page.body.contains("We are sorry that your order is late."));
    assert!(
        page.body
            .contains("We promised delivery by Monday, March 9.")
    );
    assert!(page.body.contains("Expected delivery: Thursday, March 12"));
    assert!(
        page.body.contains("SORRY10"),
        "the merchant's apology discount"
    );
}

#[tokio::test]
async fn a_parcel_at_a_pickup_point_shows_where_and_when() {
    let mut e = event(2, Status::AvailableForPickup, "Ready at the parcel shop");
    e.pickup = Some(Pickup {
        name: Some("Kiosk am Markt".into()),
        address: Some("Marktplatz 1, 50667 Köln".into()),
        hours: Some("Mo-Sa 8-20".into()),
    });
    let store = store_with(merchant(), shipment(Status::AvailableForPickup), &[e]).await;
    let page = get(&store, PAGE).await;
    assert!(page.body.contains("Kiosk am Markt") && page.body.contains("Marktplatz 1, 50667 Köln"));
    assert!(page.body.contains("Opening hours") && page.body.contains("Mo-Sa 8-20"));
    assert!(page.body.contains("Step 3 of 4: Ready for pickup"));
}

#[tokio::test]
async fn a_rich_page_is_small_loads_only_merchant_images_and_sends_security_headers() {
    let events: Vec<_> = (1..=40)
        .map(|h| {
            event(
                h * 3,
                Status::InTransit,
                "Arrived at the sorting centre in a long place name",
            )
        })
        .collect();
    let mut s = delivered();
    s.promised_delivery_date = Some(now().date_naive());
    let store = store_with(merchant(), s, &events).await;
    let page = get(&store, PAGE).await;
    assert!(page.body.len() < 50 * 1024, "{} bytes", page.body.len());
    assert!(!page.body.contains("<script"));
    for src in attribute_values(&page.body, "src") {
        assert!(
            src.starts_with("https://cdn.acme.example/")
                || src.starts_with("https://img.acme.example/"),
            "{src}"
        );
    }
    for href in attribute_values(&page.body, "href") {
        let allowed = href.starts_with("/t/")
            || href.starts_with("https://acme.example/")
            || href.starts_with("https://www.ups.com/track?tracknum=");
        assert!(allowed, "{href}");
    }
    assert!(!page.body.contains("<link") && !page.body.contains("@import"));
    let csp = page.header("content-security-policy");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        csp.contains("img-src 'self' https://cdn.acme.example https://img.acme.example;"),
        "{csp}"
    );
    assert!(
        csp.contains("style-src 'sha256-") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    assert_eq!(page.header("cache-control"), "private, no-store");
    assert!(page.header("content-type").starts_with("text/html"));
    // A light brand colour gets dark text on it.
    assert!(page.body.contains("--p:#ffcc00;--on:#111827"));
}

#[tokio::test]
async fn customer_merchant_and_carrier_text_is_escaped() {
    let evil = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    let mut m = merchant();
    m.brand_name = evil.into();
    m.branding.logo_url = None;
    m.branding.primary_color = "red;}</style><script>alert(3)</script>".into();
    m.branding.support_url = Some("javascript:alert(4)".into());
    m.branding.recommendations[0].name = evil.into();
    m.branding.recommendations[0].url = "javascript:alert(5)".into();
    let mut s = delivered();
    s.customer.name = evil.into();
    s.order_number = evil.into();
    let mut e = event(3, Status::Delivered, evil);
    e.location = Some(evil.into());
    let store = store_with(m, s, &[e]).await;
    store
        .rate(
            &delivered(),
            &afterclick_domain::ports::Rating {
                stars: 2,
                comment: Some(evil.into()),
                rated_at: now(),
            },
        )
        .await
        .unwrap();
    let page = get(&store, PAGE).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(!page.body.contains("<img src=x"));
    assert!(!page.body.contains("javascript:"));
    assert!(page.body.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
    ));
    assert!(
        !page.body.contains("alert(3)"),
        "a colour that is not #rrggbb never reaches the CSS"
    );
}

#[tokio::test]
async fn unknown_and_malformed_tokens_get_a_friendly_404() {
    let store = in_transit_store().await;
    for path in [
        "/t/ffffffffffffffffffffffffffffffff",
        "/t/0123456789ABCDEF0123456789ABCDEF",
        "/t/short",
        "/t/%3Cscript%3E",
    ] {
        let page = call(&store, "GET", path, &[("accept-language", "fr")], "").await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.header("content-type").starts_with("text/html"));
        assert!(
            page.body.contains("Nous n'avons pas trouvé cet envoi")
                || page.body.contains("Nous n&#39;avons pas trouvé cet envoi")
        );
        assert!(!page.body.contains("Acme"), "names no merchant");
    }
}

const RATE: &str = "/t/0123456789abcdef0123456789abcdef/rating";

#[tokio::test]
async fn a_delivered_parcel_is_rated_and_the_rating_can_be_changed() {
    let store = store_with(merchant(), delivered(), &[]).await;
    let form = get(&store, PAGE).await;
    assert!(form.body.contains(&format!(
        "<form method=\"post\" action=\"{RATE}\" id=\"rating\">"
    )));
    for n in 1..=5 {
        assert!(form.body.contains(&format!("<label for=\"stars-{n}\"><input type=\"radio\" id=\"stars-{n}\" name=\"stars\" value=\"{n}\">")));
    }
    assert!(
        form.body
            .contains("<textarea id=\"comment\" name=\"comment\" maxlength=\"1000\"")
    );
    assert!(
        form.body
            .contains("<button type=\"submit\">Send rating</button>")
    );

    let posted = post(&store, RATE, "stars=4&comment=Quick+%26+friendly").await;
    assert_eq!(posted.status, 303);
    assert_eq!(posted.header("location"), format!("{PAGE}?rated=1#rating"));
    let thanks = get(&store, &format!("{PAGE}?rated=1")).await;
    assert!(thanks.body.contains("id=\"rating-thanks\""));
    assert!(thanks.body.contains("Thank you for your feedback!"));
    assert!(
        thanks.body.contains("value=\"4\" checked>"),
        "the form shows the current rating"
    );
    assert!(thanks.body.contains(">Quick &amp; friendly</textarea>"));
    let counted = store.rating_counters(MERCHANT);
    assert_eq!(counted, [("2026-03#ups#UPS_STANDARD#DE".to_owned(), 1, 4)]);

    assert_eq!(post(&store, RATE, "stars=2").await.status, 303);
    assert_eq!(
        post(&store, RATE, "stars=2").await.status,
        303,
        "a duplicate post"
    );
    assert_eq!(store.rating_counters(MERCHANT)[0].1, 1, "counted once");
    assert_eq!(
        store.rating_counters(MERCHANT)[0].2,
        2,
        "the sum moved by the difference"
    );
    let stored = store.rating(MERCHANT, TRACKING).await.unwrap().unwrap();
    assert_eq!((stored.stars, stored.comment), (2, None));
}

#[tokio::test]
async fn after_erasure_the_stars_are_still_taken_but_never_a_comment() {
    let mut erased = delivered();
    erased.erased_at = Some(now());
    let store = store_with(merchant(), erased, &[]).await;
    let form = get(&store, PAGE).await;
    assert!(form.body.contains("id=\"rating\""), "the stars are asked");
    assert!(!form.body.contains("<textarea"), "no comment is asked");

    let posted = post(&store, RATE, "stars=5&comment=Ask+for+Jane+at+No.+7").await;
    assert_eq!(posted.status, 303);
    let stored = store.rating(MERCHANT, TRACKING).await.unwrap().unwrap();
    assert_eq!((stored.stars, stored.comment), (5, None));
    assert_eq!(store.rating_counters(MERCHANT)[0].1, 1, "still counted");
}

#[tokio::test]
async fn invalid_ratings_re_render_the_form_with_a_message_and_store_nothing() {
    let store = store_with(merchant(), delivered(), &[]).await;
    let too_long = format!("stars=5&comment={}", "é".repeat(1001));
    for (body, message) in [
        ("", "Please choose from 1 to 5 stars."),
        ("stars=6", "Please choose from 1 to 5 stars."),
        ("stars=abc&comment=x", "Please choose from 1 to 5 stars."),
        (too_long.as_str(), "Your comment is too long"),
    ] {
        let page = post(&store, RATE, body).await;
        assert_eq!(page.status, 422, "{body}");
        assert!(page.body.contains(message), "{body}");
        assert!(page.body.contains("role=\"alert\""));
        assert!(page.body.contains("id=\"rating\""));
    }
    let exactly = format!("stars=5&comment={}", "é".repeat(1000));
    assert_eq!(
        post(&store, RATE, &exactly).await.status,
        303,
        "1000 characters fit"
    );
    assert_eq!(store.rating_counters(MERCHANT)[0].1, 1);
}

#[tokio::test]
async fn only_delivered_parcels_can_be_rated() {
    let store = in_transit_store().await;
    assert!(!get(&store, PAGE).await.body.contains("id=\"rating\""));
    let page = post(&store, RATE, "stars=5").await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("once your parcel has arrived"));
    assert!(store.rating(MERCHANT, TRACKING).await.unwrap().is_none());
    assert_eq!(
        post(&store, "/t/nothex/rating", "stars=5").await.status,
        404
    );
}

/// Two parcels of a store order, the first with a line item: each page says which parcel
/// it is, what it holds and where the other one is; the rating waits for both and is asked
/// on the parcel that completed the order.
mod split_order {
    use super::*;
    use afterclick_domain::fakes::MemoryStore;
    use afterclick_domain::model::{LineItem, MilestoneReached, OrderParcel};
    use afterclick_domain::{Milestone, Shipment};

    const SECOND: &str = "fedcba9876543210fedcba9876543210";

    fn parcel(id: &str, title: &str, quantity: u32) -> OrderParcel {
        OrderParcel {
            platform: "shopify".into(),
            order_id: "77".into(),
            parcel_id: id.into(),
            name: None,
            items: vec![LineItem {
                title: title.into(),
                quantity,
                sku: None,
                product_id: None,
                image_url: None,
            }],
            as_of: now(),
            cancelled_at: None,
        }
    }

    fn delivered_at(mut s: Shipment, hours_ago: i64) -> Shipment {
        s.status = Status::Delivered;
        s.milestones.insert(
            Milestone::Delivered.as_str().into(),
            MilestoneReached {
                at: now() - Duration::hours(hours_ago),
                notified: true,
            },
        );
        s
    }

    fn parcels(first_delivered: bool, second_delivered: bool) -> (Shipment, Shipment) {
        let mut first = shipment(Status::InTransit);
        first.parcel = Some(parcel("f1", "Linen shirt", 2));
        let mut second = shipment(Status::OutForDelivery);
        second.tracking_number = "1Z999AA10123456785".into();
        second.token = SECOND.into();
        second.id = "shp_second".into();
        second.created_at += Duration::minutes(5);
        second.parcel = Some(parcel("f2", "Belt", 1));
        if first_delivered {
            first = delivered_at(first, 30);
        }
        if second_delivered {
            second = delivered_at(second, 2);
        }
        (first, second)
    }

    async fn order_store(first: Shipment, second: Shipment) -> MemoryStore {
        let store = store_with(merchant(), first, &[]).await;
        store.put_shipment(second);
        store
    }

    #[tokio::test]
    async fn each_page_names_its_parcel_its_contents_and_the_other_one() {
        let (first, second) = parcels(false, false);
        let store = order_store(first, second).await;
        let page = get(&store, PAGE).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Parcel 1 of 2"), "{}", page.body);
        assert!(page.body.contains("2 of your 3 items"));
        assert!(page.body.contains("2 × Linen shirt"));
        assert!(
            page.body
                .contains(&format!("<a href=\"/t/{SECOND}\">Parcel 2 of 2</a>"))
        );
        let other = get(&store, &format!("/t/{SECOND}")).await;
        assert!(other.body.contains("Parcel 2 of 2"));
        assert!(other.body.contains("1 × Belt"));
        assert!(
            other
                .body
                .contains(&format!("<a href=\"{PAGE}\">Parcel 1 of 2</a>"))
        );
    }

    #[tokio::test]
    async fn the_order_is_rated_once_on_the_parcel_that_completed_it() {
        // One delivered, one still out: no rating form anywhere, and a post is refused.
        let (first, second) = parcels(true, false);
        let store = order_store(first, second).await;
        let page = get(&store, PAGE).await;
        assert!(!page.body.contains("id=\"rating\""), "{}", page.body);
        let refused = post(&store, &format!("{PAGE}/rating"), "stars=5").await;
        assert_eq!(refused.status, 409);
        assert_eq!(store.rating(MERCHANT, TRACKING).await.unwrap(), None);

        // Both delivered, the second last: its page asks, the first links there.
        let (first, second) = parcels(true, true);
        let store = order_store(first, second).await;
        let home = get(&store, &format!("/t/{SECOND}")).await;
        assert!(home.body.contains("id=\"rating\""));
        let page = get(&store, PAGE).await;
        assert!(!page.body.contains("id=\"rating\""));
        assert!(page.body.contains(&format!("href=\"/t/{SECOND}#rating\"")));
        let refused = post(&store, &format!("{PAGE}/rating"), "stars=5").await;
        assert_eq!(refused.status, 409);
        let rated = post(&store, &format!("/t/{SECOND}/rating"), "stars=4").await;
        assert_eq!(rated.status, 303);
        assert_eq!(
            store
                .rating(MERCHANT, "1Z999AA10123456785")
                .await
                .unwrap()
                .map(|r| r.stars),
            Some(4)
        );
        assert_eq!(store.rating(MERCHANT, TRACKING).await.unwrap(), None);
    }

    /// The parcel whose email asked for the rating holds the form, even when the carrier
    /// says the other one arrived last (two deliveries announced at once).
    #[tokio::test]
    async fn the_rating_is_where_the_email_that_asked_for_it_points() {
        use afterclick_domain::orders::Order;
        use afterclick_domain::ports::OrderStore;
        let (first, second) = parcels(true, true);
        let store = order_store(first, second).await;
        store
            .save_order(&Order {
                merchant_id: MERCHANT.into(),
                order_number: "1001".into(),
                platform: "shopify".into(),
                order_id: "77".into(),
                parts: Vec::new(),
                cancelled_at: None,
                rating_asked_by: Some(TRACKING.into()),
                created_at: now(),
                updated_at: now(),
                version: 1,
            })
            .await
            .unwrap();
        let asked = get(&store, PAGE).await;
        assert!(asked.body.contains("id=\"rating\""), "{}", asked.body);
        let other = get(&store, &format!("/t/{SECOND}")).await;
        assert!(!other.body.contains("id=\"rating\""));
        assert!(other.body.contains(&format!("href=\"{PAGE}#rating\"")));
    }
}

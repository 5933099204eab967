use super::*;
use crate::fakes::{merchant, shipment};
use crate::i18n::LOCALES;
use crate::model::{Pickup, Product};
use crate::reason::Reason;
use crate::sms::Encoding;
use html5ever::tendril::TendrilSink;

const LINK: &str = "https://track.acme-outdoor.com/t/0123456789abcdef0123456789abcdef";
const UNSUB: &str = "https://track.acme-outdoor.com/u/0123456789abcdef0123456789abcdef";

fn details() -> Details {
    Details {
        old_date: NaiveDate::from_ymd_opt(2026, 11, 20),
        new_date: NaiveDate::from_ymd_opt(2026, 11, 23),
        reason: Some(Reason::AddressIssue),
        attempt: Some(2),
        pickup: Some(Pickup {
            name: Some("Kiosk Valentinskamp".into()),
            address: Some("Valentinskamp 88, 20355 Hamburg".into()),
            hours: Some("Mo-Sa 8-20".into()),
        }),
        signed_by: Some("J. SMITH".into()),
        location: None,
    }
}

fn a_merchant() -> Merchant {
    let mut m = merchant("m1");
    m.brand_name = "Acme Outdoor".into();
    m.branding.discount_code = Some("SORRY10".into());
    m.branding.logo_url = Some("https://cdn.acme-outdoor.com/logo.png".into());
    m.branding.recommendations = vec![Product {
        name: "Trail <b>Mug</b>".into(),
        image_url: "https://cdn.acme-outdoor.com/mug.png".into(),
        url: "https://acme-outdoor.com/mug".into(),
        price: "€19.00".into(),
    }];
    m
}

fn a_shipment(locale: &str) -> Shipment {
    let mut s = shipment("m1", "1Z999AA10123456784", chrono::Utc::now());
    s.order_number = "#100234".into();
    s.customer.locale = Some(locale.into());
    s.estimated_delivery = NaiveDate::from_ymd_opt(2026, 11, 23);
    s
}

fn input<'a>(
    milestone: Milestone,
    d: &'a Details,
    s: &'a Shipment,
    m: &'a Merchant,
) -> MessageInput<'a> {
    MessageInput {
        milestone,
        details: d,
        shipment: s,
        merchant: m,
        carrier_name: "UPS",
        tracking_url: LINK,
        unsubscribe_url: UNSUB,
        // The fixtures' dates are in this year: no year written.
        today: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        order: None,
    }
}

fn parse_errors(html: &str) -> Vec<String> {
    let dom = html5ever::parse_document(markup5ever_rcdom::RcDom::default(), Default::default())
        .from_utf8()
        .read_from(&mut html.as_bytes())
        .unwrap();
    dom.errors.borrow().iter().map(|e| e.to_string()).collect()
}

#[test]
fn locale_falls_back_from_region_to_language_to_merchant_default_to_english() {
    assert_eq!(resolve_locale(Some("de-AT"), "en").tag, "de");
    assert_eq!(resolve_locale(Some("pt-BR"), "en").tag, "pt-BR");
    assert_eq!(resolve_locale(Some("pt-PT"), "en").tag, "pt-BR");
    assert_eq!(resolve_locale(Some("sv-SE"), "fr").tag, "fr");
    assert_eq!(resolve_locale(Some("sv"), "xx").tag, "en");
    assert_eq!(resolve_locale(Some("JA"), "en").tag, "ja");
    assert_eq!(resolve_locale(None, "fr").tag, "fr");
    assert_eq!(resolve_locale(None, "xx").tag, "en");
}

#[test]
fn a_customer_without_locale_gets_messages_in_the_merchants_default() {
    let mut m = a_merchant();
    m.branding.default_locale = "de".into();
    let d = details();
    let mut unknown = a_shipment("en");
    unknown.customer.locale = None;
    let german = a_shipment("de");
    for milestone in Milestone::ALL {
        let got = builtin_email(&input(milestone, &d, &unknown, &m)).unwrap();
        let want = builtin_email(&input(milestone, &d, &german, &m)).unwrap();
        assert_eq!(got.subject, want.subject, "{milestone:?}");
        assert_eq!(got.text, want.text, "{milestone:?}");
        assert_eq!(
            builtin_sms(&input(milestone, &d, &unknown, &m)),
            builtin_sms(&input(milestone, &d, &german, &m)),
        );
    }
    let english = builtin_sms(&input(Milestone::Delivered, &d, &a_shipment("en"), &m));
    assert_ne!(
        builtin_sms(&input(Milestone::Delivered, &d, &unknown, &m)),
        english
    );
}

#[test]
fn every_milestone_renders_in_every_locale_without_leaks_and_with_the_facts() {
    let m = a_merchant();
    let d = details();
    for tag in LOCALES {
        let s = a_shipment(tag);
        for milestone in Milestone::ALL {
            let i = input(milestone, &d, &s, &m);
            let email = builtin_email(&i).unwrap();
            let sms = builtin_sms(&i);
            let context = format!("{tag} {milestone}");
            for part in [&email.subject, &email.text, &sms, &email.preheader] {
                assert!(
                    !part.contains('{') && !part.contains('}'),
                    "{context}: placeholder leaked: {part}"
                );
                assert!(!part.trim().is_empty(), "{context}: empty part");
            }
            assert!(
                !email.html.contains("{{") && !email.html.contains("{%"),
                "{context}"
            );
            for fact in ["#100234", "UPS", "1Z999AA10123456784", LINK, UNSUB] {
                assert!(email.text.contains(fact), "{context}: text lacks {fact}");
                assert!(
                    email.html.contains(&fact.replace('&', "&amp;")),
                    "{context}: html lacks {fact}"
                );
            }
            assert!(sms.ends_with(LINK), "{context}");
            assert!(
                email.html.contains("Trail &lt;b&gt;Mug&lt;/b&gt;"),
                "{context}: recommendations escaped"
            );
            assert!(
                email.html.contains("https://cdn.acme-outdoor.com/logo.png"),
                "{context}: logo"
            );
            let errors = parse_errors(&email.html);
            assert!(
                errors.is_empty(),
                "{context}: HTML parse errors: {errors:?}"
            );
            assert!(
                !email.html.contains("<script") && !email.html.contains("stylesheet"),
                "{context}"
            );
        }
    }
}

#[test]
fn english_sms_fit_one_gsm7_segment_with_a_realistic_link() {
    let m = a_merchant();
    let d = details();
    let s = a_shipment("en");
    for milestone in Milestone::ALL {
        let text = builtin_sms(&input(milestone, &d, &s, &m));
        let seg = sms::segments(&text);
        assert_eq!(
            (seg.encoding, seg.count),
            (Encoding::Gsm7, 1),
            "{milestone}: {text}"
        );
    }
}

#[test]
fn japanese_sms_is_ucs2() {
    let m = a_merchant();
    let d = details();
    let s = a_shipment("ja");
    let seg = sms::segments(&builtin_sms(&input(Milestone::Delivered, &d, &s, &m)));
    assert_eq!(seg.encoding, Encoding::Ucs2);
    assert!(seg.count <= 2);
}

#[test]
fn the_delay_apologises_with_both_dates_and_the_discount_in_the_customers_language() {
    let m = a_merchant();
    let d = details();
    let en = builtin_email(&input(Milestone::Delayed, &d, &a_shipment("en"), &m)).unwrap();
    assert!(en.text.contains("Friday, November 20"), "{}", en.text);
    assert!(en.text.contains("Monday, November 23"), "{}", en.text);
    assert!(en.text.contains("SORRY10"));
    let de = builtin_email(&input(Milestone::Delayed, &d, &a_shipment("de-DE"), &m)).unwrap();
    assert!(de.text.contains("Freitag, 20. November"), "{}", de.text);
    assert!(de.text.contains("Montag, 23. November"), "{}", de.text);
    assert!(de.text.contains("SORRY10"));
    let no_code = merchant("m1");
    let plain = builtin_email(&input(Milestone::Delayed, &d, &a_shipment("en"), &no_code)).unwrap();
    assert!(!plain.text.contains("SORRY10"));
    let delivered = builtin_email(&input(Milestone::Delivered, &d, &a_shipment("en"), &m)).unwrap();
    assert!(
        !delivered.text.contains("SORRY10"),
        "the discount is a delay apology only"
    );
}

#[test]
fn customer_text_is_never_template_code_and_markup_is_escaped() {
    let m = a_merchant();
    let d = details();
    let mut s = a_shipment("en");
    s.customer.name = "{{7*7}}<img src=x onerror=alert(1)> Smith".into();
    s.order_number = "<b>1</b>".into();
    let email = builtin_email(&input(Milestone::Delivered, &d, &s, &m)).unwrap();
    assert!(
        email.html.contains("{{7*7}}"),
        "rendered as text, not evaluated"
    );
    assert!(!email.html.contains("49"));
    assert!(!email.html.contains("<img src=x"));
    assert!(email.html.contains("&lt;b&gt;1&lt;/b&gt;"));
}

fn sample() -> Vars {
    sample_vars(
        Milestone::Delivered,
        &a_merchant(),
        "en",
        chrono::Utc::now(),
    )
}

#[test]
fn overrides_render_with_autoescaped_html_and_plain_text_parts() {
    let mut v = sample();
    v.customer.first_name = "<Ann>".into();
    let ovr = Override {
        subject: Some("Order {{ order_number }} arrived, {{ customer.first_name }}".into()),
        html: Some(
            "<p>Hi {{ customer.first_name }}, <a href=\"{{ tracking_url }}\">track</a></p>".into(),
        ),
        ..Override::default()
    };
    let builtin = Email {
        subject: "b".into(),
        preheader: "p".into(),
        html: "h".into(),
        text: "built-in text".into(),
    };
    let email = override_email(&ovr, &v, builtin).unwrap();
    assert_eq!(email.subject, "Order #1001 arrived, <Ann>");
    assert!(email.html.contains("Hi &lt;Ann&gt;"));
    assert_eq!(email.text, "built-in text", "parts left out stay built-in");
}

#[test]
fn a_syntax_error_names_its_line_and_column() {
    let ovr = Override {
        html: Some("<p>Hello</p>\n<p>{{ customer.name </p>".into()),
        ..Override::default()
    };
    let err = preview(&ovr, &sample()).unwrap_err();
    assert_eq!((err.part, err.line), ("html", 2));
    assert!(err.column >= 4, "{err:?}");
}

#[test]
fn an_unknown_variable_is_rejected_where_it_is_used() {
    let ovr = Override {
        body: Some("Hi!\nYour code: {{ coupon }}".into()),
        ..Override::default()
    };
    let err = preview(&ovr, &sample()).unwrap_err();
    assert_eq!((err.part, err.line, err.column), ("body", 2, 15));
    assert!(err.message.contains("coupon"));
}

/// "New date: Friday, January 8" in November means next January: written with its year,
/// in every locale, by email and SMS; dates in the current year stay without.
#[test]
fn a_date_outside_the_current_year_shows_the_year() {
    let m = a_merchant();
    let next_year = NaiveDate::from_ymd_opt(2027, 1, 8).unwrap();
    let d = Details {
        old_date: NaiveDate::from_ymd_opt(2026, 11, 23),
        new_date: Some(next_year),
        ..details()
    };
    for tag in LOCALES {
        let s = a_shipment(tag);
        let i = input(Milestone::Delayed, &d, &s, &m);
        let email = builtin_email(&i).unwrap();
        let sms = builtin_sms(&i);
        assert!(email.text.contains("2027"), "{tag}: {}", email.text);
        assert!(sms.contains("2027"), "{tag}: {sms}");
        assert!(!email.text.contains("2026"), "{tag}: {}", email.text);
    }
}

#[test]
fn an_unknown_attribute_or_loop_field_is_named_too() {
    for (source, name) in [
        ("Hi {{ customer.nmae }}", "customer.nmae"),
        (
            "{% for r in recommendations %}{{ r.prize }}{% endfor %}",
            "r.prize",
        ),
        ("{{ brand.colour | upper }}", "brand.colour"),
    ] {
        let ovr = Override {
            body: Some(source.into()),
            ..Override::default()
        };
        let err = preview(&ovr, &sample()).unwrap_err();
        assert!(
            err.message.contains(&format!("`{name}`")),
            "{source}: {}",
            err.message
        );
        assert!(!err.message.contains("invalid template"), "{}", err.message);
    }
    // What the sample leaves empty for this milestone is still a known variable.
    let pickup = Override {
        body: Some("{% if pickup %}{{ pickup.name }}{% endif %}{{ brand.name }}".into()),
        ..Override::default()
    };
    assert!(preview(&pickup, &sample()).is_ok());
}

/// Merchant templates run on a budget: a loop over too much, an output too large or
/// nesting too deep is refused with a message saying which, quickly.
#[test]
fn templates_over_their_budget_are_refused() {
    let html = |source: String| Override {
        html: Some(source),
        ..Override::default()
    };
    // A link is some 70 characters: three nested loops over it are 343,000 steps.
    let spin = html(
        "{% for a in tracking_url %}{% for b in tracking_url %}{% for c in tracking_url %}\
         {% endfor %}{% endfor %}{% endfor %}"
            .into(),
    );
    let err = preview(&spin, &sample()).unwrap_err();
    assert!(err.message.contains("steps"), "{err:?}");
    let flood = html("{% for a in tracking_url %}{{ tracking_url * 50 }}{% endfor %}".into());
    let err = preview(&flood, &sample()).unwrap_err();
    assert!(err.message.contains("writes more than 100 KiB"), "{err:?}");
    let deep = html(format!(
        "{}x{}",
        "{% for a in [1] %}".repeat(40),
        "{% endfor %}".repeat(40)
    ));
    let err = preview(&deep, &sample()).unwrap_err();
    assert!(err.message.contains("recursion"), "{err:?}");
    // Within budget: four recommendations, nested a little.
    let fine = html(
        "{% for r in recommendations %}{% if r.price %}{{ r.name }} {{ r.price }}{% endif %}{% endfor %}"
            .into(),
    );
    assert!(preview(&fine, &sample()).is_ok());
}

/// What passes the checks renders on a real message: a value the message may lack must be
/// guarded, or saving is refused and says so.
#[test]
fn templates_are_checked_with_what_a_real_message_can_lack() {
    let unguarded = Override {
        body: Some("Collect it at {{ pickup.name }}: {{ tracking_url }}".into()),
        ..Override::default()
    };
    assert!(
        preview(&unguarded, &sample()).is_ok(),
        "the full sample has a pickup point"
    );
    let err = check(&unguarded, &sample()).unwrap_err();
    assert!(err.message.contains("guard with"), "{err:?}");
    let guarded = Override {
        body: Some(
            "{% if pickup %}Collect it at {{ pickup.name }}: {% endif %}{{ tracking_url }}".into(),
        ),
        ..Override::default()
    };
    let checked = check(&guarded, &sample()).unwrap();
    assert!(checked.rendered.body.unwrap().contains("Collect it at"));
}

#[test]
fn a_long_sms_override_saves_with_a_warning() {
    let ovr = Override {
        body: Some(format!(
            "{} {{{{ tracking_url }}}}",
            "Long message. ".repeat(25)
        )),
        ..Override::default()
    };
    let p = preview(&ovr, &sample()).unwrap();
    assert_eq!(p.segments.unwrap().count, 3);
    assert_eq!(p.warnings.len(), 1);
    let short = Override {
        body: Some("{{ brand.name }}: {{ tracking_url }}".into()),
        ..Override::default()
    };
    assert!(preview(&short, &sample()).unwrap().warnings.is_empty());
}

/// Snapshots of every built-in message, reviewed by eye: subject, preheader, text part and
/// SMS for every milestone in every locale.
#[test]
fn snapshots_of_every_message_in_every_locale() {
    let m = a_merchant();
    let d = details();
    for tag in LOCALES {
        let s = a_shipment(tag);
        for milestone in Milestone::ALL {
            let i = input(milestone, &d, &s, &m);
            let email = builtin_email(&i).unwrap();
            let snapshot = format!(
                "SUBJECT: {}\nPREHEADER: {}\n--- text ---\n{}\n--- sms ---\n{}\n",
                email.subject,
                email.preheader,
                email.text,
                builtin_sms(&i)
            );
            insta::with_settings!({ snapshot_path => "../../tests/snapshots/messages", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(format!("{tag}__{milestone}"), snapshot);
            });
        }
    }
}

#[test]
fn french_writes_the_first_of_the_month_as_1er_and_japanese_addresses_by_full_name() {
    let m = a_merchant();
    let mut d = details();
    d.old_date = NaiveDate::from_ymd_opt(2026, 12, 1);
    let fr = builtin_email(&input(Milestone::Delayed, &d, &a_shipment("fr"), &m)).unwrap();
    assert!(fr.text.contains("mardi 1er décembre"), "{}", fr.text);
    let mut ja = a_shipment("ja");
    ja.customer.name = "山田 花子".into();
    let email = builtin_email(&input(Milestone::Delivered, &d, &ja, &m)).unwrap();
    assert!(email.text.starts_with("山田 花子様"), "{}", email.text);
}

#[test]
fn placeholders_in_customer_data_are_printed_not_expanded() {
    let d = details();
    let m = a_merchant();
    let mut s = a_shipment("en-US");
    s.order_number = "{name}-{brand}".into();
    s.customer.name = "{order}Ada Lovelace".into();
    let sms = builtin_sms(&input(Milestone::OutForDelivery, &d, &s, &m));
    assert!(sms.contains("{name}-{brand}"), "{sms}");
    assert!(!sms.contains("#100234"), "{sms}");
    let email = builtin_email(&input(Milestone::OutForDelivery, &d, &s, &m)).unwrap();
    assert!(
        email.subject.contains("{name}-{brand}"),
        "{}",
        email.subject
    );
    assert!(email.text.contains("Hi {order}Ada,"), "{}", email.text);
}

#[test]
fn substitution_is_one_pass_and_keeps_unknown_placeholders() {
    let value = |p: &str| match p {
        "a" => Some("{b}".to_owned()),
        "b" => Some("B".to_owned()),
        _ => None,
    };
    assert_eq!(substitute("{a} {b} {c} {", value), "{b} B {c} {");
    assert_eq!(substitute("no braces", value), "no braces");
    assert_eq!(substitute("{a}{a}", value), "{b}{b}");
}

/// Two parcels of one order: each message says which parcel and what is in it; only the
/// one that completes the order asks for the rating.
#[test]
fn a_split_orders_parcels_name_themselves_and_only_the_last_asks_for_a_rating() {
    let m = a_merchant();
    let d = details();
    let mut first = a_shipment("en");
    first.parcel = Some(crate::model::OrderParcel {
        platform: "shopify".into(),
        order_id: "77".into(),
        parcel_id: "f1".into(),
        name: Some("#100234.1".into()),
        items: vec![crate::model::LineItem {
            title: "Linen shirt".into(),
            quantity: 2,
            sku: None,
            product_id: None,
            image_url: None,
        }],
        as_of: chrono::Utc::now(),
        cancelled_at: None,
    });
    let mut second = first.clone();
    second.tracking_number = "1Z999AA10123456785".into();
    second.created_at += chrono::Duration::minutes(1);
    if let Some(p) = second.parcel.as_mut() {
        p.parcel_id = "f2".into();
        p.items[0].title = "Belt".into();
        p.items[0].quantity = 1;
    }
    let order = [first.clone(), second.clone()];
    let ctx = crate::orders::context(&first, &order).unwrap();
    assert_eq!(
        (
            ctx.position,
            ctx.parcels,
            ctx.items_here,
            ctx.items_in_order
        ),
        (1, 2, 2, 3)
    );
    let mut i = input(Milestone::OutForDelivery, &d, &first, &m);
    i.order = Some(ctx);
    let email = builtin_email(&i).unwrap();
    assert!(
        email.text.contains("Parcel 1 of 2 · 2 of your 3 items"),
        "{}",
        email.text
    );
    assert!(
        email.text.contains("In this parcel: 2 × Linen shirt"),
        "{}",
        email.text
    );
    assert!(builtin_sms(&i).contains("(Parcel 1 of 2 · 2 of your 3 items)"));
    let rating = crate::i18n::page::page_words(&crate::i18n::EN).rating_title;

    // The first delivered, the second not yet: no rating request.
    let mut i = input(Milestone::Delivered, &d, &first, &m);
    i.order = crate::orders::context(&first, &order);
    assert!(!builtin_email(&i).unwrap().text.contains(rating));
    // The second completes the order: its delivery asks, once.
    let mut delivered_first = first.clone();
    delivered_first.status = crate::Status::Delivered;
    let order = [delivered_first, second.clone()];
    let mut i = input(Milestone::Delivered, &d, &second, &m);
    i.order = crate::orders::context(&second, &order);
    assert_eq!(i.order.unwrap().position, 2);
    let email = builtin_email(&i).unwrap();
    assert!(email.text.contains(rating), "{}", email.text);
    assert!(email.text.contains("Parcel 2 of 2 · 1 of your 3 items"));
    // A lone parcel is no split order: no parcel line, the rating as always.
    let alone = [second.clone()];
    assert!(crate::orders::context(&second, &alone).is_none());
}

/// The shop's estimate replaces the carrier's where it is preferred, labelled as the shop's,
/// in the customer's language; a range already over is not shown.
#[test]
fn the_shops_estimate_is_shown_labelled_where_it_is_preferred() {
    let m = a_merchant();
    let d = details();
    let mut s = a_shipment("en");
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    s.prediction = Some(crate::lanes::Prediction {
        earliest: day(18),
        latest: day(20),
        confidence: crate::lanes::Confidence::Medium,
        lane: crate::lanes::LaneLevel::Country,
        samples: 40,
        late_risk: Some(20),
        preferred: true,
        counted_from: day(16),
        first_earliest: day(18),
        first_latest: day(20),
    });
    let at = |s: &Shipment, milestone| {
        let mut i = input(milestone, &d, s, &m);
        i.today = day(17);
        builtin_email(&i).unwrap().text
    };
    let en = at(&s, Milestone::InTransit);
    assert!(
        en.contains("Estimate from Acme Outdoor: Wednesday, November 18 to Friday, November 20"),
        "{en}"
    );
    assert!(!en.contains("Expected delivery"), "{en}");
    s.customer.locale = Some("de".into());
    let de = at(&s, Milestone::InTransit);
    assert!(
        de.contains("Schätzung von Acme Outdoor: Mittwoch, 18. November bis Freitag, 20. November"),
        "{de}"
    );
    // Not preferred: the carrier's date.
    s.customer.locale = Some("en".into());
    if let Some(p) = s.prediction.as_mut() {
        p.preferred = false;
    }
    let carrier = at(&s, Milestone::InTransit);
    assert!(
        carrier.contains("Expected delivery: Monday, November 23"),
        "{carrier}"
    );
    assert!(!carrier.contains("Estimate from"), "{carrier}");
}

//! Built-in customer messages (English). Everything customer-supplied is escaped for HTML.

use crate::milestone::Milestone;
use crate::model::Details;
use crate::reason::Reason;
use chrono::NaiveDate;

/// What a message may say about a shipment.
#[derive(Debug, Clone)]
pub struct MessageContext<'a> {
    pub brand_name: &'a str,
    pub customer_name: &'a str,
    pub order_number: &'a str,
    pub carrier: &'a str,
    pub tracking_number: &'a str,
    pub tracking_url: &'a str,
    pub estimated_delivery: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub html: String,
    pub text: String,
}

struct Copy {
    subject: &'static str,
    headline: &'static str,
    body: &'static str,
    sms: &'static str,
}

/// Copy per milestone. `{order}`, `{brand}`, `{attempt}`, `{old}`, `{new}` and `{reason}`
/// are filled in; nothing else is a placeholder.
const COPY: &[(Milestone, Copy)] = &[
    (
        Milestone::LabelCreated,
        Copy {
            subject: "Your order {order} is being prepared for shipping",
            headline: "Getting ready to ship",
            body: "The shipping label for your parcel has been created. We will let you know as soon as the carrier has it.",
            sms: "{brand}: order {order} is being prepared for shipping.",
        },
    ),
    (
        Milestone::InTransit,
        Copy {
            subject: "Your order {order} is on its way",
            headline: "Your order is on its way",
            body: "Good news: the carrier has your parcel and it is on its way to you.",
            sms: "{brand}: your order {order} is on its way.",
        },
    ),
    (
        Milestone::OutForDelivery,
        Copy {
            subject: "Your order {order} is out for delivery today",
            headline: "Out for delivery today",
            body: "Your parcel is with the driver and will be delivered today.",
            sms: "{brand}: your order {order} is out for delivery today.",
        },
    ),
    (
        Milestone::AvailableForPickup,
        Copy {
            subject: "Your order {order} is ready for pickup",
            headline: "Ready for pickup",
            body: "Your parcel is waiting for you at the pickup point below. Bring an ID or your pickup code.",
            sms: "{brand}: order {order} is ready for pickup.",
        },
    ),
    (
        Milestone::AttemptFailed,
        Copy {
            subject: "We missed you: delivery attempt {attempt} for order {order}",
            headline: "Sorry we missed you",
            body: "The carrier tried to deliver your parcel (attempt {attempt}) but could not. Check the tracking page for the next attempt or a pickup option.",
            sms: "{brand}: delivery attempt {attempt} for order {order} failed.",
        },
    ),
    (
        Milestone::Delivered,
        Copy {
            subject: "Your order {order} has been delivered",
            headline: "Delivered",
            body: "Your parcel has been delivered. We hope you enjoy it!",
            sms: "{brand}: your order {order} has been delivered.",
        },
    ),
    (
        Milestone::Exception,
        Copy {
            subject: "There is a problem with the delivery of order {order}",
            headline: "A problem with your delivery",
            body: "The carrier reported a problem: {reason}. We are looking into it and will keep you posted.",
            sms: "{brand}: there is a problem delivering order {order}. Details:",
        },
    ),
    (
        Milestone::Delayed,
        Copy {
            subject: "Your order {order} is running late",
            headline: "Sorry, your order is running late",
            body: "We are sorry: your parcel will not arrive on {old} as expected. {new}",
            sms: "{brand}: sorry, order {order} is running late. {new}",
        },
    ),
    (
        Milestone::Stalled,
        Copy {
            subject: "An update on your order {order}",
            headline: "We are checking on your parcel",
            body: "Your parcel has not had a carrier scan for a few days. We have asked the carrier and will let you know as soon as it moves.",
            sms: "{brand}: we are checking with the carrier on order {order}.",
        },
    ),
    (
        Milestone::ReturningToSender,
        Copy {
            subject: "Your order {order} is on its way back to us",
            headline: "Returning to us",
            body: "The carrier is returning your parcel to us. We will be in touch about a new delivery or a refund.",
            sms: "{brand}: order {order} is being returned to us. We will be in touch.",
        },
    ),
    (
        Milestone::ReturnedToSender,
        Copy {
            subject: "Your order {order} has come back to us",
            headline: "Returned to us",
            body: "Your parcel has been returned to us. We will contact you about a new delivery or a refund.",
            sms: "{brand}: order {order} has come back to us. We will be in touch.",
        },
    ),
];

/// How a reason reads in a sentence.
const REASON_TEXT: &[(Reason, &str)] = &[
    (
        Reason::AddressIssue,
        "the address could not be found or is incomplete",
    ),
    (Reason::RecipientMoved, "the recipient has moved"),
    (Reason::Refused, "the parcel was refused"),
    (
        Reason::AwaitingPayment,
        "duties or fees are due before delivery",
    ),
    (Reason::MissingDocuments, "customs needs more documents"),
    (Reason::CustomsDelay, "it is held in customs"),
    (Reason::HeldByCarrier, "the carrier is holding it"),
    (Reason::Damaged, "the parcel was damaged"),
    (Reason::Lost, "the parcel is lost"),
    (Reason::Disposed, "the parcel was disposed of"),
    (Reason::Undeliverable, "it cannot be delivered"),
    (Reason::RejectedByCarrier, "the carrier could not accept it"),
    (Reason::WeatherDelay, "bad weather"),
    (Reason::AccessIssue, "the driver could not get access"),
    (Reason::BusinessClosed, "the business was closed"),
    (
        Reason::RecipientUnavailable,
        "nobody was available to receive it",
    ),
];

fn reason_text(reason: Option<Reason>) -> &'static str {
    reason
        .and_then(|r| REASON_TEXT.iter().find(|(x, _)| *x == r))
        .map_or("the carrier could not complete the delivery", |(_, t)| t)
}

fn copy(milestone: Milestone) -> &'static Copy {
    // COPY has a row for every milestone (checked by a test), so the fallback is unreachable.
    COPY.iter()
        .find(|(m, _)| *m == milestone)
        .map(|(_, c)| c)
        .unwrap_or(&COPY[0].1)
}

fn long_date(date: NaiveDate) -> String {
    date.format("%A, %B %-d").to_string()
}

fn short_date(date: NaiveDate) -> String {
    date.format("%b %-d").to_string()
}

fn fill(template: &str, ctx: &MessageContext<'_>, details: &Details, short: bool) -> String {
    let date = |d: NaiveDate| if short { short_date(d) } else { long_date(d) };
    let old = details
        .old_date
        .map_or_else(|| "the expected day".to_owned(), date);
    let new = match (details.new_date, short) {
        (Some(d), true) => format!("New date: {}.", date(d)),
        (Some(d), false) => format!("The new expected delivery date is {}.", date(d)),
        (None, true) => "We will update you.".to_owned(),
        (None, false) => "We will tell you the new date as soon as the carrier has it.".to_owned(),
    };
    template
        .replace("{order}", ctx.order_number)
        .replace("{brand}", ctx.brand_name)
        .replace("{attempt}", &details.attempt.unwrap_or(1).to_string())
        .replace("{old}", &old)
        .replace("{new}", &new)
        .replace("{reason}", reason_text(details.reason))
}

pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

pub fn email(milestone: Milestone, details: &Details, ctx: &MessageContext<'_>) -> Email {
    let copy = copy(milestone);
    let subject = fill(copy.subject, ctx, details, false);
    let body = fill(copy.body, ctx, details, false);
    let extra = extra_lines(milestone, details, ctx);
    let greeting = format!("Hi {},", first_name(ctx.customer_name));
    let eta = ctx
        .estimated_delivery
        .filter(|_| {
            matches!(
                milestone,
                Milestone::InTransit | Milestone::OutForDelivery | Milestone::LabelCreated
            )
        })
        .map(|d| format!("Expected delivery: {}", d.format("%A, %B %-d, %Y")));
    let facts = [
        ("Order", ctx.order_number),
        ("Carrier", ctx.carrier),
        ("Tracking number", ctx.tracking_number),
    ];

    let mut text = format!("{greeting}\n\n{body}\n");
    for line in extra.iter().chain(&eta) {
        text.push_str(&format!("{line}\n"));
    }
    text.push('\n');
    for (label, value) in facts {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!(
        "\nTrack your parcel: {}\n\n{}\n",
        ctx.tracking_url, ctx.brand_name
    ));

    let e = escape_html;
    let rows: String = facts
        .iter()
        .map(|(label, value)| {
            format!(
                "<tr><td style=\"padding:4px 12px 4px 0;color:#6b7280\">{}</td><td style=\"padding:4px 0;color:#111827\">{}</td></tr>",
                e(label),
                e(value)
            )
        })
        .collect();
    let eta_html: String = extra
        .iter()
        .chain(&eta)
        .map(|line| {
            format!(
                "<p style=\"margin:0 0 16px;font-weight:bold\">{}</p>",
                e(line)
            )
        })
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{subject}</title></head>\
<body style=\"margin:0;padding:0;background:#f3f4f6;font-family:Helvetica,Arial,sans-serif\">\
<span style=\"display:none;max-height:0;overflow:hidden\">{preheader}</span>\
<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f3f4f6\"><tr><td align=\"center\" style=\"padding:24px 12px\">\
<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:560px;background:#ffffff;border-radius:8px\">\
<tr><td style=\"padding:24px 24px 0;font-size:20px;font-weight:bold;color:#111827\">{brand}</td></tr>\
<tr><td style=\"padding:16px 24px;color:#111827;font-size:16px;line-height:24px\">\
<h1 style=\"margin:0 0 16px;font-size:24px\">{headline}</h1><p style=\"margin:0 0 16px\">{greeting}</p><p style=\"margin:0 0 16px\">{body}</p>{eta_html}\
<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin:0 0 24px;font-size:14px\">{rows}</table>\
<a href=\"{url}\" style=\"display:inline-block;background:#111827;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px\">Track your parcel</a>\
</td></tr><tr><td style=\"padding:16px 24px 24px;font-size:12px;color:#6b7280\">{brand}</td></tr></table></td></tr></table></body></html>",
        subject = e(&subject),
        preheader = e(&body),
        brand = e(ctx.brand_name),
        headline = e(copy.headline),
        greeting = e(&greeting),
        body = e(&body),
        url = e(ctx.tracking_url),
    );
    Email {
        subject,
        html,
        text,
    }
}

pub fn sms(milestone: Milestone, details: &Details, ctx: &MessageContext<'_>) -> String {
    format!(
        "{} {}",
        fill(copy(milestone).sms, ctx, details, true),
        ctx.tracking_url
    )
}

/// Lines only some moments have: who signed, where to collect.
fn extra_lines(milestone: Milestone, details: &Details, _ctx: &MessageContext<'_>) -> Vec<String> {
    let mut lines = Vec::new();
    if milestone == Milestone::Delivered
        && let Some(signer) = &details.signed_by
    {
        lines.push(format!("Signed for by: {signer}"));
    }
    if let Some(pickup) = details
        .pickup
        .as_ref()
        .filter(|_| milestone == Milestone::AvailableForPickup)
    {
        for (label, value) in [
            ("Pickup point", &pickup.name),
            ("Address", &pickup.address),
            ("Opening hours", &pickup.hours),
        ] {
            if let Some(value) = value {
                lines.push(format!("{label}: {value}"));
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> MessageContext<'static> {
        MessageContext {
            brand_name: "Acme & Co",
            customer_name: "Ada <b>Lovelace</b>",
            order_number: "1001",
            carrier: "UPS",
            tracking_number: "1Z999",
            tracking_url: "https://track.acme.test/t/abc",
            estimated_delivery: NaiveDate::from_ymd_opt(2026, 11, 22),
        }
    }

    #[test]
    fn every_milestone_has_distinct_copy() {
        let subjects: std::collections::BTreeSet<_> = Milestone::ALL
            .into_iter()
            .map(|m| email(m, &Details::default(), &ctx()).subject)
            .collect();
        assert_eq!(subjects.len(), Milestone::ALL.len());
        for m in Milestone::ALL {
            assert!(COPY.iter().any(|(c, _)| *c == m), "{m} has no copy");
        }
    }

    #[test]
    fn email_carries_order_carrier_tracking_and_link_and_escapes_customer_text() {
        let mail = email(Milestone::InTransit, &Details::default(), &ctx());
        assert_eq!(mail.subject, "Your order 1001 is on its way");
        for part in [
            "1001",
            "UPS",
            "1Z999",
            "https://track.acme.test/t/abc",
            "Sunday, November 22, 2026",
        ] {
            assert!(mail.text.contains(part), "text lacks {part}");
            assert!(mail.html.contains(part), "html lacks {part}");
        }
        assert!(mail.html.contains("Acme &amp; Co"));
        assert!(mail.html.contains("Hi Ada,"));
        assert!(!mail.html.contains("<b>"));
        assert!(!mail.html.contains('{'), "placeholder leaked");
    }

    #[test]
    fn sms_fits_one_segment_with_a_realistic_link() {
        let link = "https://track.acme-outdoor-shop.com/t/0123456789abcdef0123456789abcdef";
        let details = Details {
            old_date: NaiveDate::from_ymd_opt(2026, 9, 30),
            new_date: NaiveDate::from_ymd_opt(2026, 10, 2),
            reason: Some(Reason::AddressIssue),
            attempt: Some(2),
            ..Details::default()
        };
        for m in Milestone::ALL {
            let ctx = MessageContext {
                tracking_url: link,
                order_number: "#100234",
                ..ctx()
            };
            let text = sms(m, &details, &ctx);
            assert!(
                text.chars().count() <= 160,
                "{m}: {} chars: {text}",
                text.chars().count()
            );
            assert!(text.ends_with(link));
            assert!(!text.contains('{'), "{m}: placeholder leaked: {text}");
        }
    }

    #[test]
    fn the_delay_message_apologises_with_both_dates() {
        let details = Details {
            old_date: NaiveDate::from_ymd_opt(2026, 11, 20),
            new_date: NaiveDate::from_ymd_opt(2026, 11, 23),
            ..Details::default()
        };
        let mail = email(Milestone::Delayed, &details, &ctx());
        assert!(mail.text.contains("We are sorry"));
        assert!(mail.text.contains("Friday, November 20"));
        assert!(
            mail.text
                .contains("The new expected delivery date is Monday, November 23.")
        );
        assert!(sms(Milestone::Delayed, &details, &ctx()).contains("New date: Nov 23."));
    }

    #[test]
    fn pickup_and_signature_details_are_shown() {
        let details = Details {
            pickup: Some(crate::model::Pickup {
                name: Some("Kiosk <Valentinskamp>".into()),
                address: None,
                hours: Some("Mo-Sa 8-20".into()),
            }),
            signed_by: Some("J. SMITH".into()),
            ..Details::default()
        };
        let pickup = email(Milestone::AvailableForPickup, &details, &ctx());
        assert!(pickup.text.contains("Opening hours: Mo-Sa 8-20"));
        assert!(pickup.html.contains("Kiosk &lt;Valentinskamp&gt;"));
        assert!(
            email(Milestone::Delivered, &details, &ctx())
                .text
                .contains("Signed for by: J. SMITH")
        );
        let attempt = email(
            Milestone::AttemptFailed,
            &Details {
                attempt: Some(2),
                ..Details::default()
            },
            &ctx(),
        );
        assert_eq!(
            attempt.subject,
            "We missed you: delivery attempt 2 for order 1001"
        );
    }
}

//! Built-in customer messages (English). Everything customer-supplied is escaped for HTML.

use crate::milestone::Milestone;
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

/// Copy per milestone. `{order}` and `{brand}` are filled in; nothing else is a placeholder.
const COPY: &[(Milestone, Copy)] = &[
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
        Milestone::Delivered,
        Copy {
            subject: "Your order {order} has been delivered",
            headline: "Delivered",
            body: "Your parcel has been delivered. We hope you enjoy it!",
            sms: "{brand}: your order {order} has been delivered.",
        },
    ),
];

fn copy(milestone: Milestone) -> &'static Copy {
    // COPY has a row for every milestone (checked by a test), so the fallback is unreachable.
    COPY.iter()
        .find(|(m, _)| *m == milestone)
        .map(|(_, c)| c)
        .unwrap_or(&COPY[0].1)
}

fn fill(template: &str, ctx: &MessageContext<'_>) -> String {
    template
        .replace("{order}", ctx.order_number)
        .replace("{brand}", ctx.brand_name)
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

pub fn email(milestone: Milestone, ctx: &MessageContext<'_>) -> Email {
    let copy = copy(milestone);
    let subject = fill(copy.subject, ctx);
    let greeting = format!("Hi {},", first_name(ctx.customer_name));
    let eta = ctx
        .estimated_delivery
        .filter(|_| milestone != Milestone::Delivered)
        .map(|d| format!("Expected delivery: {}", d.format("%A, %B %-d, %Y")));
    let facts = [
        ("Order", ctx.order_number),
        ("Carrier", ctx.carrier),
        ("Tracking number", ctx.tracking_number),
    ];

    let mut text = format!("{greeting}\n\n{}\n", copy.body);
    if let Some(eta) = &eta {
        text.push_str(&format!("{eta}\n"));
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
    let eta_html = eta
        .map(|eta| {
            format!(
                "<p style=\"margin:0 0 16px;font-weight:bold\">{}</p>",
                e(&eta)
            )
        })
        .unwrap_or_default();
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
        preheader = e(copy.body),
        brand = e(ctx.brand_name),
        headline = e(copy.headline),
        greeting = e(&greeting),
        body = e(copy.body),
        url = e(ctx.tracking_url),
    );
    Email {
        subject,
        html,
        text,
    }
}

pub fn sms(milestone: Milestone, ctx: &MessageContext<'_>) -> String {
    format!("{} {}", fill(copy(milestone).sms, ctx), ctx.tracking_url)
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
            .map(|m| email(m, &ctx()).subject)
            .collect();
        assert_eq!(subjects.len(), Milestone::ALL.len());
        for m in Milestone::ALL {
            assert!(COPY.iter().any(|(c, _)| *c == m), "{m} has no copy");
        }
    }

    #[test]
    fn email_carries_order_carrier_tracking_and_link_and_escapes_customer_text() {
        let mail = email(Milestone::InTransit, &ctx());
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
        for m in Milestone::ALL {
            let text = sms(m, &ctx());
            assert!(text.len() <= 160, "{m}: {} chars", text.len());
            assert!(text.ends_with("https://track.acme.test/t/abc"));
        }
    }
}

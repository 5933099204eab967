//! What moto "sent": SES v2 raw messages (parsed back from MIME) and SNS SMS, read from
//! moto's model-data endpoint.

use afterclick_domain::sms::{Segments, segments};
use mail_parser::MessageParser;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentEmail {
    pub message_id: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// The headers a person checks: From, Reply-To, List-Unsubscribe...
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentSms {
    pub message_id: String,
    pub to: String,
    pub body: String,
    pub segments: Segments,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Outbox {
    pub emails: Vec<SentEmail>,
    pub sms: Vec<SentSms>,
    /// SMS not sent yet because the customer's quiet hours are on: the sweeper wakes them
    /// for notify when they end (read from the table, not from moto).
    #[serde(default)]
    pub waiting_for_quiet_hours: Vec<WaitingSms>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WaitingSms {
    pub tracking_number: String,
    /// The moment's key: `in_transit`, `exception#address_issue`...
    pub moment: String,
    pub send_at: String,
}

/// Deferred SMS: SMS entries of the sparse due index (what the sweeper reads) whose item
/// is `deferred` (a claimed one is there too, for its lease), oldest first.
pub async fn waiting(store: &afterclick_aws::DynamoStore) -> Result<Vec<WaitingSms>, String> {
    use afterclick_aws::keys;
    use aws_sdk_dynamodb::error::DisplayErrorContext;
    use aws_sdk_dynamodb::types::AttributeValue;
    type Item = std::collections::HashMap<String, AttributeValue>;
    let text = |item: &Item, name: &str| {
        item.get(name)
            .and_then(|v| v.as_s().ok())
            .cloned()
            .unwrap_or_default()
    };
    let mut waiting = Vec::new();
    for partition in 0..keys::DUE_PARTITIONS {
        let mut pages = store
            .client()
            .query()
            .table_name(store.table())
            .index_name(keys::DUE_INDEX)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", keys::DUE_PK)
            .expression_attribute_values(":pk", AttributeValue::S(format!("DUE#{partition}")))
            .into_paginator()
            .send();
        while let Some(page) = pages
            .try_next()
            .await
            .map_err(|e| DisplayErrorContext(&e).to_string())?
        {
            for entry in page.items() {
                let sk = text(entry, keys::SK);
                let (Some(pk), Some(moment)) = (
                    entry.get(keys::PK),
                    sk.strip_prefix(keys::NOTIFICATION_PREFIX)
                        .and_then(|rest| rest.strip_suffix("#sms")),
                ) else {
                    continue;
                };
                // The index projects no state: it is on the item.
                let item = store
                    .client()
                    .get_item()
                    .table_name(store.table())
                    .set_key(Some(Item::from([
                        (keys::PK.to_owned(), pk.clone()),
                        (keys::SK.to_owned(), AttributeValue::S(sk.clone())),
                    ])))
                    .send()
                    .await
                    .map_err(|e| DisplayErrorContext(&e).to_string())?;
                if item.item().is_some_and(|i| text(i, "state") == "deferred") {
                    waiting.push(WaitingSms {
                        tracking_number: text(entry, "tracking_number"),
                        moment: moment.to_owned(),
                        send_at: text(entry, keys::DUE_SK),
                    });
                }
            }
        }
    }
    waiting.sort_by(|a, b| a.send_at.cmp(&b.send_at));
    Ok(waiting)
}

#[derive(Debug, Deserialize, Default)]
struct ModelData {
    #[serde(default)]
    ses: SesModels,
    #[serde(default)]
    sns: SnsModels,
}

#[derive(Debug, Deserialize, Default)]
struct SesModels {
    #[serde(default, rename = "RawMessage")]
    raw: Vec<RawMessage>,
}

#[derive(Debug, Deserialize)]
struct RawMessage {
    id: String,
    #[serde(default)]
    destinations: Vec<String>,
    raw_data: String,
}

#[derive(Debug, Deserialize, Default)]
struct SnsModels {
    #[serde(default, rename = "SMS")]
    sms: Vec<Sms>,
}

#[derive(Debug, Deserialize)]
struct Sms {
    message_id: String,
    phone_number: String,
    message: String,
}

fn email(raw: RawMessage) -> SentEmail {
    let parsed = MessageParser::default().parse(raw.raw_data.as_bytes());
    let from = parsed
        .as_ref()
        .and_then(|m| m.from())
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_owned();
    const SHOWN: &[&str] = &[
        "From",
        "To",
        "Reply-To",
        "Subject",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "MIME-Version",
    ];
    let headers = parsed
        .as_ref()
        .map(|m| {
            m.headers()
                .iter()
                .filter(|h| {
                    SHOWN
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(h.name.as_str()))
                })
                .filter_map(|h| {
                    let raw = m
                        .raw_message()
                        .get(h.offset_start as usize..h.offset_end as usize)?;
                    Some((
                        h.name.as_str().to_owned(),
                        String::from_utf8_lossy(raw).trim().to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    SentEmail {
        headers,
        message_id: raw.id,
        from,
        // moto lists a recipient once per place it found it (Destination and MIME header).
        to: {
            let mut to = raw.destinations;
            to.dedup();
            to.join(", ")
        },
        subject: parsed
            .as_ref()
            .and_then(|m| m.subject())
            .unwrap_or_default()
            .to_owned(),
        html: parsed
            .as_ref()
            .and_then(|m| m.body_html(0))
            .map(|b| b.into_owned())
            .unwrap_or_default(),
        text: parsed
            .as_ref()
            .and_then(|m| m.body_text(0))
            .map(|b| b.into_owned())
            .unwrap_or_default(),
    }
}

pub async fn fetch(http: &reqwest::Client, moto_url: &str) -> Result<Outbox, reqwest::Error> {
    let data: ModelData = http
        .get(format!(
            "{}/moto-api/data.json",
            moto_url.trim_end_matches('/')
        ))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(Outbox {
        emails: data.ses.raw.into_iter().map(email).collect(),
        sms: data
            .sns
            .sms
            .into_iter()
            .map(|s| SentSms {
                segments: segments(&s.message),
                message_id: s.message_id,
                to: s.phone_number,
                body: s.message,
            })
            .collect(),
        // The devstack adds them (`waiting`); moto knows only what was sent.
        waiting_for_quiet_hours: Vec::new(),
    })
}

/// The page's template, in the binary: the devstack runs from anywhere.
const PAGE: &str = include_str!("../templates/outbox.html.j2");

#[derive(Serialize)]
struct PageView<'a> {
    /// `(index, email)`: the index is the one `/_dev/outbox/email/{index}` opens.
    emails: Vec<(usize, &'a SentEmail)>,
    sms: Vec<SmsView<'a>>,
    waiting: &'a [WaitingSms],
}

#[derive(Serialize)]
struct SmsView<'a> {
    to: &'a str,
    body: &'a str,
    /// As people write it (`GSM-7`), not as the JSON does (`gsm7`).
    encoding: String,
    count: u32,
}

/// The outbox as a page a person can click through: each email's rendered HTML, its text
/// part and headers; each SMS with its encoding and segment count. Newest first.
pub fn page(outbox: &Outbox) -> Result<String, minijinja::Error> {
    // A dev page, shown now and then: the template is parsed per request, nothing cached.
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // Auto-escaped as HTML (the name ends `.html`), with the escaping the API's pages use.
    env.set_formatter(afterclick_domain::render::html_formatter);
    env.set_trim_blocks(true);
    env.add_template("outbox.html", PAGE)?;
    env.get_template("outbox.html")?.render(PageView {
        emails: outbox.emails.iter().enumerate().rev().collect(),
        sms: outbox
            .sms
            .iter()
            .rev()
            .map(|s| SmsView {
                to: &s.to,
                body: &s.body,
                encoding: s.segments.encoding.to_string(),
                count: s.segments.count,
            })
            .collect(),
        waiting: &outbox.waiting_for_quiet_hours,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sample(waiting: bool) -> Outbox {
        let email = |n: usize| SentEmail {
            message_id: format!("m{n}"),
            from: "orders@shop.example".into(),
            to: format!("ada{n}@customer.example, b@x.example"),
            subject: format!("Your <order> & \"parcel\" {n} isn't late"),
            html: format!(
                "<html><body><a href=\"https://x.example/t/{n}\">Track</a> & 'so'</body></html>"
            ),
            text: format!("Line one {n}\n  indented <two>\n\nhttps://x.example/t/{n}"),
            headers: vec![
                ("From".into(), "Shop <orders@shop.example>".into()),
                (
                    "List-Unsubscribe".into(),
                    "<https://x.example/u?a=1&b=2>".into(),
                ),
            ],
        };
        let sms = |body: &str| SentSms {
            message_id: "s".into(),
            to: "+4915112345678".into(),
            body: body.into(),
            segments: afterclick_domain::sms::segments(body),
        };
        Outbox {
            emails: vec![email(0), email(1), email(2)],
            sms: vec![sms("Hi <Ada> & 'you' 5€"), sms("Grüße aus Köln – “ok”")],
            waiting_for_quiet_hours: if waiting {
                vec![WaitingSms {
                    tracking_number: "1Z<&>".into(),
                    moment: "exception#address_issue".into(),
                    send_at: "2025-01-01T07:00:00Z".into(),
                }]
            } else {
                Vec::new()
            },
        }
    }

    #[test]
    fn the_page_lists_newest_first_escaped() {
        let html = page(&sample(true)).unwrap();
        let at = |needle: &str| {
            html.find(needle)
                .unwrap_or_else(|| panic!("{needle} missing from:\n{html}"))
        };
        assert!(at("<p>3 emails, 2 SMS sent; 1 SMS wait for the customer's quiet hours") > 0);
        // Newest first, each keeping the index `/_dev/outbox/email/{index}` opens.
        assert!(
            at("id=\"email-2\"") < at("id=\"email-1\"")
                && at("id=\"email-1\"") < at("id=\"email-0\"")
        );
        at("<a href=\"/_dev/outbox/email/2\">Open the email alone</a>");
        // Text and attributes escaped (the email's HTML only as an escaped `srcdoc`),
        // with `/` left alone.
        at(
            "<summary>Your &lt;order&gt; &amp; &quot;parcel&quot; 2 isn&#39;t late &rarr; ada2@customer.example, b@x.example</summary>",
        );
        at(
            "srcdoc=\"&lt;html&gt;&lt;body&gt;&lt;a href=&quot;https://x.example/t/2&quot;&gt;Track&lt;/a&gt; &amp; &#39;so&#39;&lt;/body&gt;&lt;/html&gt;\" sandbox>",
        );
        at("<tr><td>List-Unsubscribe</td><td>&lt;https://x.example/u?a=1&amp;b=2&gt;</td></tr>");
        at("<pre>Line one 2\n  indented &lt;two&gt;\n\nhttps://x.example/t/2</pre>");
        assert!(!html.contains("<a href=\"https://x.example"), "{html}");
        assert!(
            at("<td>Grüße aus Köln – “ok”</td><td>UCS-2</td><td>1</td>")
                < at("<td>Hi &lt;Ada&gt; &amp; &#39;you&#39; 5€</td><td>GSM-7</td><td>1</td>")
        );
        at(
            "<tr><td>1Z&lt;&amp;&gt;</td><td>exception#address_issue</td><td>2025-01-01T07:00:00Z</td></tr>",
        );

        let quiet = page(&sample(false)).unwrap();
        assert!(
            quiet.contains(
                "<p>3 emails, 2 SMS sent &middot; <a href=\"/_dev/outbox.json\">JSON</a></p>"
            ),
            "{quiet}"
        );
        assert!(!quiet.contains("quiet hours"), "{quiet}");
        let empty = page(&Outbox::default()).unwrap();
        assert!(
            empty.contains("<p>0 emails, 0 SMS sent &middot;"),
            "{empty}"
        );
    }
}

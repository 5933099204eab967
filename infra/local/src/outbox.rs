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
    /// SMS not sent yet because the customer's quiet hours are on: the sweeper sends them
    /// when they end (read from the table, not from moto).
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

fn esc(s: &str) -> String {
    afterclick_domain::render::escape_html(s)
}

/// The outbox as a page a person can click through: each email's rendered HTML, its text
/// part and headers; each SMS with its encoding and segment count. Newest first.
pub fn page(outbox: &Outbox) -> String {
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>afterclick outbox</title>\
<style>body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#111827;background:#f9fafb}\
details{background:#fff;border:1px solid #e5e7eb;border-radius:8px;margin:0 0 12px;padding:12px}\
summary{cursor:pointer;font-weight:bold}table{border-collapse:collapse;font-size:13px;margin:8px 0}\
td{padding:2px 12px 2px 0;vertical-align:top}pre{white-space:pre-wrap;background:#f3f4f6;padding:12px;border-radius:6px}\
iframe{width:640px;max-width:100%;height:760px;border:1px solid #e5e7eb;border-radius:6px;background:#fff}</style></head><body>",
    );
    let waiting = match outbox.waiting_for_quiet_hours.len() {
        0 => String::new(),
        n => format!(
            "; {n} SMS wait for the customer's quiet hours to end (the sweeper sends them then)"
        ),
    };
    html.push_str(&format!("<h1>Outbox</h1><p>{} emails, {} SMS sent{waiting} &middot; <a href=\"/_dev/outbox.json\">JSON</a></p><h2>Emails</h2>", outbox.emails.len(), outbox.sms.len()));
    for (i, e) in outbox.emails.iter().enumerate().rev() {
        let headers: String = e
            .headers
            .iter()
            .map(|(k, v)| format!("<tr><td>{}</td><td>{}</td></tr>", esc(k), esc(v)))
            .collect();
        html.push_str(&format!(
            "<details id=\"email-{i}\"><summary>{subject} &rarr; {to}</summary><table>{headers}</table>\
<p><a href=\"/_dev/outbox/email/{i}\">Open the email alone</a></p>\
<iframe title=\"{subject}\" srcdoc=\"{srcdoc}\" sandbox></iframe><h3>Text part</h3><pre>{text}</pre></details>",
            subject = esc(&e.subject),
            to = esc(&e.to),
            srcdoc = esc(&e.html),
            text = esc(&e.text),
        ));
    }
    html.push_str("<h2>SMS</h2><table><tr><td><b>to</b></td><td><b>message</b></td><td><b>encoding</b></td><td><b>segments</b></td></tr>");
    for s in outbox.sms.iter().rev() {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.to),
            esc(&s.body),
            s.segments.encoding,
            s.segments.count
        ));
    }
    html.push_str("</table>");
    if !outbox.waiting_for_quiet_hours.is_empty() {
        html.push_str("<h2>SMS waiting for quiet hours to end</h2><table><tr><td><b>tracking number</b></td><td><b>moment</b></td><td><b>sends at (UTC)</b></td></tr>");
        for w in &outbox.waiting_for_quiet_hours {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&w.tracking_number),
                esc(&w.moment),
                esc(&w.send_at)
            ));
        }
        html.push_str("</table>");
    }
    html.push_str("</body></html>");
    html
}

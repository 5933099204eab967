//! What moto "sent": SES v2 raw messages (parsed back from MIME) and SNS SMS, read from
//! moto's model-data endpoint.

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
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentSms {
    pub message_id: String,
    pub to: String,
    pub body: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Outbox {
    pub emails: Vec<SentEmail>,
    pub sms: Vec<SentSms>,
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
    SentEmail {
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
                message_id: s.message_id,
                to: s.phone_number,
                body: s.message,
            })
            .collect(),
    })
}

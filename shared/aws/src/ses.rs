//! SES v2 adapter: sends a MIME `multipart/alternative` (text + HTML) as raw content, so
//! both parts (and later, headers such as List-Unsubscribe) reach the customer as built.

use afterclick_domain::ports::{Mailer, OutgoingEmail, SendError, SenderIdentities};
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::DisplayErrorContext;
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, MessageTag, RawMessage};
use mail_builder::MessageBuilder;

#[derive(Clone, Debug)]
pub struct SesMailer {
    client: Client,
    /// The configuration set whose event destination reports deliveries, bounces,
    /// complaints, opens and clicks (`SES_CONFIGURATION_SET`, the template's `EmailEvents`).
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            configuration_set: None,
        }
    }

    pub fn from_conf(sdk: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(sdk))
    }

    /// Sends through `name` (none or empty: no events are published).
    pub fn with_configuration_set(mut self, name: Option<String>) -> Self {
        self.configuration_set = name.filter(|n| !n.is_empty());
        self
    }

    /// The configuration set the environment names (`SES_CONFIGURATION_SET`), if any.
    pub fn configuration_set_from_env() -> Option<String> {
        std::env::var("SES_CONFIGURATION_SET").ok()
    }
}

/// A header value with every line break and other control character turned into a space.
/// Header values carry carrier text, customer names, brands and merchant templates:
/// mail-builder writes a short value as it is, so a CR or LF in it would start a header of
/// its own (`Bcc:`). Unicode line and paragraph separators and NEL go too: some clients
/// break lines on them.
pub fn header_text(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The MIME message SES will send. Every header value passes through [`header_text`].
pub fn mime(email: &OutgoingEmail) -> Result<Vec<u8>, SendError> {
    let (from_name, from_address) = (
        header_text(&email.from_name),
        header_text(&email.from_address),
    );
    let (to, subject) = (header_text(&email.to), header_text(&email.subject));
    let mut builder = MessageBuilder::new()
        .from((from_name.as_str(), from_address.as_str()))
        .to(to.as_str())
        .subject(subject.as_str())
        .text_body(email.text.as_str())
        .html_body(email.html.as_str());
    if let Some(reply_to) = &email.reply_to {
        builder = builder.reply_to(header_text(reply_to));
    }
    if let Some(url) = email.unsubscribe_url.as_deref().map(header_text) {
        // RFC 8058: mail clients show "Unsubscribe" and POST to the URL with one click.
        builder = builder
            .header(
                "List-Unsubscribe",
                mail_builder::headers::raw::Raw::new(format!("<{url}>")),
            )
            .header(
                "List-Unsubscribe-Post",
                mail_builder::headers::raw::Raw::new("List-Unsubscribe=One-Click"),
            );
    }
    builder
        .write_to_vec()
        .map_err(|e| SendError::Rejected(format!("could not build the message: {e}")))
}

impl Mailer for SesMailer {
    async fn send_email(&self, email: &OutgoingEmail) -> Result<String, SendError> {
        let raw = RawMessage::builder()
            .data(Blob::new(mime(email)?))
            .build()
            .map_err(|e| SendError::Rejected(e.to_string()))?;
        let tags = email
            .tags
            .iter()
            .map(|(name, value)| MessageTag::builder().name(name).value(value).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SendError::Rejected(e.to_string()))?;
        let result = self
            .client
            .send_email()
            .from_email_address(&email.from_address)
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .set_email_tags(Some(tags))
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.message_id.unwrap_or_default()),
            Err(err) => {
                let permanent = matches!(
                    err.as_service_error(),
                    Some(
                        SendEmailError::MessageRejected(_)
                            | SendEmailError::MailFromDomainNotVerifiedException(_)
                            | SendEmailError::AccountSuspendedException(_)
                            | SendEmailError::SendingPausedException(_)
                            | SendEmailError::BadRequestException(_)
                            | SendEmailError::NotFoundException(_)
                    )
                );
                let message = DisplayErrorContext(&err).to_string();
                Err(if permanent {
                    SendError::Rejected(message)
                } else {
                    SendError::Unavailable(message)
                })
            }
        }
    }
}

/// Sender verification against SES identities: the address itself, or its domain.
#[derive(Clone, Debug)]
pub struct SesIdentities {
    client: Client,
}

impl SesIdentities {
    pub fn from_conf(sdk: &aws_config::SdkConfig) -> Self {
        Self {
            client: Client::new(sdk),
        }
    }

    async fn verified(&self, identity: &str) -> Result<bool, SendError> {
        match self
            .client
            .get_email_identity()
            .email_identity(identity)
            .send()
            .await
        {
            // Either signal means SES will send from it.
            Ok(out) => Ok(out.verified_for_sending_status
                || out.verification_status
                    == Some(aws_sdk_sesv2::types::VerificationStatus::Success)),
            Err(err) if matches!(err.as_service_error(), Some(e) if e.is_not_found_exception()) => {
                Ok(false)
            }
            Err(err) => Err(SendError::Unavailable(
                DisplayErrorContext(&err).to_string(),
            )),
        }
    }
}

impl SenderIdentities for SesIdentities {
    async fn is_verified(&self, address: &str) -> Result<bool, SendError> {
        if self.verified(address).await? {
            return Ok(true);
        }
        match address.rsplit_once('@') {
            Some((_, domain)) => self.verified(domain).await,
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> OutgoingEmail {
        OutgoingEmail {
            from_name: "Acme Outdoor".into(),
            from_address: "shipping@acme.example".into(),
            reply_to: Some("help@acme.example".into()),
            to: "ada@example.com".into(),
            subject: "Your order 1001 is out for delivery".into(),
            html: "<p>Hi</p>".into(),
            text: "Hi".into(),
            unsubscribe_url: Some("https://t.example/u/abc".into()),
            tags: Vec::new(),
        }
    }

    /// The header block of a built message, one entry per header (folded lines joined).
    fn headers(message: &[u8]) -> Vec<String> {
        let text = String::from_utf8_lossy(message);
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        let mut headers: Vec<String> = Vec::new();
        for line in head.split("\r\n") {
            match headers.last_mut() {
                Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
                _ => headers.push(line.to_owned()),
            }
        }
        headers
    }

    #[test]
    fn no_value_from_any_source_can_start_a_header_of_its_own() {
        let breaks = [
            "\r\n", "\r", "\n", "\u{2028}", "\u{2029}", "\u{85}", "\u{0}",
        ];
        type Set = fn(&mut OutgoingEmail, String);
        let sources: [(&str, Set); 5] = [
            ("subject (templates, carrier text)", |e, v| e.subject = v),
            ("display name (merchant brand)", |e, v| e.from_name = v),
            ("reply-to", |e, v| e.reply_to = Some(v)),
            ("recipient", |e, v| e.to = v),
            ("unsubscribe URL", |e, v| e.unsubscribe_url = Some(v)),
        ];
        for (source, set) in sources {
            for line_break in breaks {
                let mut e = email();
                set(&mut e, format!("x{line_break}Bcc: evil@attacker.example"));
                let built = mime(&e).unwrap();
                let names: Vec<String> = headers(&built)
                    .iter()
                    .map(|h| h.split(':').next().unwrap_or_default().to_ascii_lowercase())
                    .collect();
                assert!(
                    !names.iter().any(|n| n == "bcc"),
                    "{source} with {line_break:?}: {names:?}"
                );
                let head = String::from_utf8_lossy(&built);
                let head = head.split("\r\n\r\n").next().unwrap_or_default();
                assert!(
                    !head.contains('\u{2028}')
                        && !head.contains('\u{2029}')
                        && !head.contains('\u{85}'),
                    "{source}"
                );
            }
        }
    }

    #[test]
    fn header_text_keeps_ordinary_text() {
        assert_eq!(
            header_text("Café Müller – Bestellung #1001"),
            "Café Müller – Bestellung #1001"
        );
        assert_eq!(header_text("a\r\nb\tc"), "a  b c");
    }
}

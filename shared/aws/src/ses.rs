//! SES v2 adapter: sends a MIME `multipart/alternative` (text + HTML) as raw content, so
//! both parts (and later, headers such as List-Unsubscribe) reach the customer as built.

use afterclick_domain::ports::{Mailer, OutgoingEmail, SendError, SenderIdentities};
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::DisplayErrorContext;
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use mail_builder::MessageBuilder;

#[derive(Clone, Debug)]
pub struct SesMailer {
    client: Client,
}

impl SesMailer {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    pub fn from_conf(sdk: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(sdk))
    }
}

/// The MIME message SES will send.
pub fn mime(email: &OutgoingEmail) -> Result<Vec<u8>, SendError> {
    let mut builder = MessageBuilder::new()
        .from((email.from_name.as_str(), email.from_address.as_str()))
        .to(email.to.as_str())
        .subject(email.subject.as_str())
        .text_body(email.text.as_str())
        .html_body(email.html.as_str());
    if let Some(reply_to) = &email.reply_to {
        builder = builder.reply_to(reply_to.as_str());
    }
    if let Some(url) = &email.unsubscribe_url {
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
        let result = self
            .client
            .send_email()
            .from_email_address(&email.from_address)
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().raw(raw).build())
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

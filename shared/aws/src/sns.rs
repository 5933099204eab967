//! SNS adapter: transactional SMS straight to a phone number.

use afterclick_domain::ports::{OutgoingSms, SendError, Texter};
use aws_sdk_sns::Client;
use aws_sdk_sns::error::DisplayErrorContext;
use aws_sdk_sns::operation::publish::PublishError;
use aws_sdk_sns::types::MessageAttributeValue;

#[derive(Clone, Debug)]
pub struct SnsTexter {
    client: Client,
}

impl SnsTexter {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    pub fn from_conf(sdk: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(sdk))
    }
}

fn string_attribute(value: &str) -> Result<MessageAttributeValue, SendError> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| SendError::Rejected(e.to_string()))
}

impl Texter for SnsTexter {
    async fn is_opted_out(&self, phone: &str) -> Result<bool, SendError> {
        self.client
            .check_if_phone_number_is_opted_out()
            .phone_number(phone)
            .send()
            .await
            .map(|out| out.is_opted_out)
            .map_err(|err| SendError::Unavailable(DisplayErrorContext(&err).to_string()))
    }

    async fn send_sms(&self, sms: &OutgoingSms) -> Result<String, SendError> {
        // Transactional: delivery notices are not marketing and must not be throttled as such.
        let mut request = self
            .client
            .publish()
            .phone_number(&sms.to)
            .message(&sms.body)
            .message_attributes("AWS.SNS.SMS.SMSType", string_attribute("Transactional")?);
        if let Some(sender) = &sms.sender_id {
            request = request.message_attributes("AWS.SNS.SMS.SenderID", string_attribute(sender)?);
        }
        match request.send().await {
            Ok(out) => Ok(out.message_id.unwrap_or_default()),
            Err(err) => {
                let permanent = matches!(
                    err.as_service_error(),
                    Some(
                        PublishError::InvalidParameterException(_)
                            | PublishError::InvalidParameterValueException(_)
                            | PublishError::AuthorizationErrorException(_)
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

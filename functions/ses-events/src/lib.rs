//! SNS subscriber: each record's message is one SES event (the configuration set's event
//! destination); the use case (`afterclick_app::email_events`) records it. A store error
//! fails the invocation, so Lambda's asynchronous retries (and then the failure queue)
//! deliver it again; what cannot be recorded (not an SES event, not our mail) is logged
//! and dropped, since retrying would not change it.

use afterclick_app::email_events::{EmailEvents, Handled};
use afterclick_domain::ports::{EmailEventStore, StoreError, SuppressionList};
use aws_lambda_events::event::sns::SnsEvent;

pub use afterclick_app::email_events::Handled as Outcome;

pub struct SesEvents<S>(pub EmailEvents<S>);

impl<S: EmailEventStore + SuppressionList> SesEvents<S> {
    pub fn new(store: S) -> Self {
        Self(EmailEvents::new(store))
    }

    /// One invocation. Records are handled in order; the first store error stops it.
    pub async fn handle(&self, event: SnsEvent) -> Result<Vec<Handled>, StoreError> {
        let mut handled = Vec::with_capacity(event.records.len());
        for record in &event.records {
            let outcome = self.0.handle(&record.sns.message).await?;
            // Message ids only: the event's addresses are the customer's.
            match &outcome {
                Handled::Recorded => {
                    tracing::info!(sns_message_id = %record.sns.message_id, "recorded")
                }
                Handled::Repeated => {
                    tracing::info!(sns_message_id = %record.sns.message_id, "recorded before")
                }
                Handled::Ignored(why) => {
                    tracing::info!(sns_message_id = %record.sns.message_id, %why, "not recorded")
                }
            }
            handled.push(outcome);
        }
        Ok(handled)
    }
}

//! Notification items: written as intents by shipment commits, then claimed and finished by
//! the sender with writes conditional on their state.

use super::{DynamoStore, Item, applied, built, keyed, s, to_item, update_write};
use crate::keys::{self, types};
use afterclick_domain::NotificationState;
use afterclick_domain::model::NOTIFICATION_CLAIM_LEASE;
use afterclick_domain::model::Notification;
use afterclick_domain::notification_stats::Measure;
use afterclick_domain::ports::{
    NotificationKey, NotificationResend, NotificationStore, Outcome, StoreError,
};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::types::Update;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

pub(super) fn notification_item(n: &Notification) -> Result<Item, StoreError> {
    Ok(keyed(
        to_item(n)?,
        keys::shipment_pk(&n.merchant_id, &n.tracking_number),
        keys::notification_sk(&NotificationKey::from(n).moment(), n.channel),
        types::NOTIFICATION,
    ))
}

impl DynamoStore {
    /// An UpdateItem aimed at one notification item.
    pub(super) fn notification_update(&self, key: &NotificationKey) -> UpdateItemFluentBuilder {
        self.update_item(
            keys::shipment_pk(&key.merchant_id, &key.tracking_number),
            keys::notification_sk(&key.moment(), key.channel),
        )
    }
}

impl NotificationStore for DynamoStore {
    async fn claim(
        &self,
        key: &NotificationKey,
        from: NotificationState,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = self
            .notification_update(key)
            // Due again when the lease ends: if the sender dies before it records the send,
            // the sweeper finds the claim there (see `NOTIFICATION_CLAIM_LEASE`).
            // Without the wake-up: only the sweeper's wakes match notify's MODIFY filter.
            .update_expression(
                "SET #state = :claimed, updated_at = :now, due_pk = :due_pk, due_sk = :due_sk \
                 REMOVE woken_at",
            )
            .condition_expression("#state = :from")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":claimed", s(NotificationState::Claimed.as_str()))
            .expression_attribute_values(":from", s(from.as_str()))
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .expression_attribute_values(":due_pk", s(keys::due_partition(&key.tracking_number)))
            .expression_attribute_values(
                ":due_sk",
                s(keys::due_sort_key(now + NOTIFICATION_CLAIM_LEASE)),
            )
            .send()
            .await;
        applied(result)
    }

    async fn take_over(
        &self,
        key: &NotificationKey,
        claimed_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = self
            .notification_update(key)
            .update_expression(
                "SET updated_at = :now, due_sk = :due_sk ADD expired_claims :one REMOVE woken_at",
            )
            .condition_expression("#state = :claimed AND updated_at = :claimed_at")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":claimed", s(NotificationState::Claimed.as_str()))
            .expression_attribute_values(":claimed_at", s(claimed_at.to_rfc3339()))
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .expression_attribute_values(
                ":due_sk",
                s(keys::due_sort_key(now + NOTIFICATION_CLAIM_LEASE)),
            )
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .send()
            .await;
        applied(result)
    }

    async fn finish(
        &self,
        key: &NotificationKey,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut sets = vec!["#state = :state", "updated_at = :now"];
        let mut names = HashMap::from([("#state".to_owned(), "state".to_owned())]);
        let mut values = HashMap::from([
            (":state".to_owned(), s(outcome.state().as_str())),
            (
                ":claimed".to_owned(),
                s(NotificationState::Claimed.as_str()),
            ),
            (":now".to_owned(), s(now.to_rfc3339())),
        ]);
        match outcome {
            Outcome::Sent {
                provider_message_id,
                segments,
                note,
            } => {
                sets.push("provider_message_id = :id");
                values.insert(":id".into(), s(provider_message_id));
                if let Some(note) = note {
                    sets.push("detail = :detail");
                    values.insert(":detail".into(), s(note));
                }
                if let Some(segments) = segments {
                    // `segments` is a DynamoDB reserved word.
                    sets.push("#segments = :segments");
                    names.insert("#segments".to_owned(), "segments".to_owned());
                    values.insert(
                        ":segments".into(),
                        built(serde_dynamo::to_attribute_value(segments))?,
                    );
                }
            }
            Outcome::Deferred { until } => {
                // Into the due index: when the quiet hours end the sweeper wakes it for notify.
                sets.extend([
                    "deferred_until = :until",
                    "due_pk = :due_pk",
                    "due_sk = :due_sk",
                ]);
                values.insert(":until".into(), s(until.to_rfc3339()));
                values.insert(
                    ":due_pk".into(),
                    s(keys::due_partition(&key.tracking_number)),
                );
                values.insert(":due_sk".into(), s(keys::due_sort_key(*until)));
            }
            Outcome::Suppressed { reason: detail } | Outcome::Failed { error: detail } => {
                sets.push("detail = :detail");
                values.insert(":detail".into(), s(detail));
            }
        }
        // Off the due list once it ended, unless it is due again (deferred).
        let remove = match outcome {
            Outcome::Deferred { .. } => " REMOVE woken_at",
            _ => " REMOVE due_pk, due_sk, woken_at",
        };
        let expression = format!("SET {}{remove}", sets.join(", "));
        let update = Update::builder()
            .table_name(&self.table)
            .key(
                keys::PK,
                s(keys::shipment_pk(&key.merchant_id, &key.tracking_number)),
            )
            .key(
                keys::SK,
                s(keys::notification_sk(&key.moment(), key.channel)),
            )
            .update_expression(&expression)
            .condition_expression("#state = :claimed")
            .set_expression_attribute_names(Some(names.clone()))
            .set_expression_attribute_values(Some(values.clone()));
        // With its count on the dashboard; false: already finished by an earlier attempt,
        // nothing left to record (or count).
        let counted = self
            .counted(vec![
                update_write(update)?,
                self.notification_counter(key, now.date_naive(), Measure::of_outcome(outcome))?,
            ])
            .await;
        let Err(err) = counted else {
            return Ok(());
        };
        // The send happened: recording it must not hang on a dashboard counter (a claim
        // left unrecorded is sent again when its lease ends). The plain conditional write,
        // uncounted, as before counting existed.
        tracing::warn!(error = %err, "notification recorded without its dashboard count");
        crate::metrics::count("UncountedNotifications", 1);
        let result = self
            .notification_update(key)
            .update_expression(expression)
            .condition_expression("#state = :claimed")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        applied(result).map(|_| ())
    }
}

impl NotificationResend for DynamoStore {
    async fn reopen(&self, key: &NotificationKey, now: DateTime<Utc>) -> Result<bool, StoreError> {
        // Pending again and woken: notify's MODIFY filter passes it at once and notify takes
        // it as a new intent (quiet hours hold); if that stream record were lost, the due
        // index still lists it for the sweeper.
        let result = self
            .notification_update(key)
            .update_expression(
                "SET #state = :pending, updated_at = :now, \
                 due_pk = :due_pk, due_sk = :due_sk, woken_at = :woken REMOVE detail, deferred_until",
            )
            .condition_expression("#state IN (:failed, :suppressed)")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":pending", s(NotificationState::Pending.as_str()))
            .expression_attribute_values(":failed", s(NotificationState::Failed.as_str()))
            .expression_attribute_values(":suppressed", s(NotificationState::Suppressed.as_str()))
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .expression_attribute_values(":due_pk", s(keys::due_partition(&key.tracking_number)))
            .expression_attribute_values(":due_sk", s(keys::due_sort_key(now)))
            .expression_attribute_values(":woken", s(keys::woken_at(now)))
            .send()
            .await;
        applied(result)
    }
}

//! SES events, the suppression list and the notification counters, in memory.

use super::{MemoryStore, notification_key};
use crate::email_events::{EmailEvent, EmailEventKind, Suppression, SuppressionReason};
use crate::notification_stats::{Counter, Measure, NotificationDay};
use crate::ports::{
    EmailEventStore, NotificationKey, NotificationStatsStore, StoreError, SuppressionList,
};
use chrono::NaiveDate;
use std::collections::BTreeMap;

#[derive(Default)]
pub(super) struct EmailState {
    suppressions: BTreeMap<(String, String), Suppression>,
    counts: BTreeMap<(String, NaiveDate), BTreeMap<Counter, u64>>,
}

impl EmailState {
    pub(super) fn count(&mut self, key: &NotificationKey, day: NaiveDate, measure: Measure) {
        let counter = Counter {
            milestone: key.milestone,
            channel: key.channel,
            measure,
        };
        *self
            .counts
            .entry((key.merchant_id.clone(), day))
            .or_default()
            .entry(counter)
            .or_default() += 1;
    }
}

impl EmailEventStore for MemoryStore {
    async fn record_email_event(
        &self,
        key: &NotificationKey,
        event: &EmailEvent,
        suppressions: &[Suppression],
    ) -> Result<bool, StoreError> {
        let mut guard = self.state.lock().unwrap();
        let state = &mut *guard;
        let Some(n) = state.notifications.get_mut(&notification_key(key)) else {
            return Ok(false);
        };
        let slot = match event.kind {
            EmailEventKind::Delivered => &mut n.email.delivered_at,
            EmailEventKind::Bounced => &mut n.email.bounced_at,
            EmailEventKind::Complained => &mut n.email.complained_at,
            EmailEventKind::Opened => &mut n.email.opened_at,
            EmailEventKind::Clicked => &mut n.email.clicked_at,
        };
        if slot.is_some() {
            return Ok(false);
        }
        *slot = Some(event.at);
        if event.kind == EmailEventKind::Bounced {
            n.email.bounce.clone_from(&event.detail);
        }
        state
            .email
            .count(key, event.sent_at.date_naive(), Measure::Email(event.kind));
        for s in suppressions {
            state
                .email
                .suppressions
                .insert((s.merchant_id.clone(), s.email_hash.clone()), s.clone());
        }
        Ok(true)
    }
}

impl SuppressionList for MemoryStore {
    async fn suppress(&self, suppression: &Suppression) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let key = (
            suppression.merchant_id.clone(),
            suppression.email_hash.clone(),
        );
        if state.email.suppressions.contains_key(&key) {
            return Ok(false);
        }
        state.email.suppressions.insert(key, suppression.clone());
        Ok(true)
    }

    async fn suppressed(
        &self,
        merchant_id: &str,
        email: &str,
    ) -> Result<Option<SuppressionReason>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .email
            .suppressions
            .get(&(merchant_id.to_owned(), crate::listing::email_hash(email)))
            .map(|s| s.reason))
    }

    async fn suppressions(&self, merchant_id: &str) -> Result<Vec<Suppression>, StoreError> {
        let state = self.state.lock().unwrap();
        let mut list: Vec<Suppression> = state
            .email
            .suppressions
            .iter()
            .filter(|((m, _), _)| m == merchant_id)
            .map(|(_, s)| s.clone())
            .collect();
        list.sort_by_key(|s| std::cmp::Reverse(s.at));
        Ok(list)
    }

    async fn lift_suppression(
        &self,
        merchant_id: &str,
        email_hash: &str,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        Ok(state
            .email
            .suppressions
            .remove(&(merchant_id.to_owned(), email_hash.to_owned()))
            .is_some())
    }
}

impl NotificationStatsStore for MemoryStore {
    async fn notification_stats(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<NotificationDay>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .email
            .counts
            .iter()
            .filter(|((m, day), _)| m == merchant_id && (from..=to).contains(day))
            .map(|((_, day), counts)| NotificationDay {
                day: *day,
                counts: counts.clone(),
            })
            .collect())
    }
}

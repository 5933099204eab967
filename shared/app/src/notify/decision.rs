//! Whether, and when, one notification intent goes out: a pure decision on what was read
//! (the shipment, its merchant, the customer's consent, the number's SMS opt-out) and the
//! time. The reads and the send are the use case's; the rules are here, tested without fakes.

use afterclick_domain::model::local_to_utc;
use afterclick_domain::ports::NotificationContext;
use afterclick_domain::{Channel, Merchant, Notification, Shipment};
use chrono::{DateTime, Duration, Utc};

/// The decision for one intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Send it now (render, then the provider).
    Send,
    /// An SMS inside the customer's quiet hours: held until they end.
    Defer { until: DateTime<Utc> },
    /// Never sent; the reason is recorded for the merchant.
    Suppress { reason: &'static str },
}

/// Who an intent goes to, once what the store holds allows it.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub shipment: &'a Shipment,
    pub merchant: &'a Merchant,
    /// The email address or the phone number, by the intent's channel.
    pub to: &'a str,
}

/// The rules on the stored facts, in order: the shipment and its merchant still exist, the
/// customer did not unsubscribe, their data was not erased, the channel is on for the
/// shipment, and there is an address for it. Intents written before a shipment was edited or
/// erased are still in flight, which is why these hold at send time too.
pub fn recipient<'a>(
    intent: &Notification,
    context: &'a NotificationContext,
) -> Result<Recipient<'a>, Decision> {
    let suppress = |reason| Err(Decision::Suppress { reason });
    let Some(shipment) = &context.shipment else {
        return suppress("the shipment no longer exists");
    };
    let Some(merchant) = &context.merchant else {
        return suppress("the merchant no longer exists");
    };
    if let Some(reason) = context.opted_out {
        return suppress(reason);
    }
    if shipment.erased_at.is_some() {
        return suppress("the customer's personal data was erased");
    }
    if shipment.cancelled_by_store() {
        // A message queued (or held for quiet hours) before the store cancelled the parcel.
        return suppress("the store cancelled the parcel");
    }
    if !shipment.allows(intent.channel) {
        return suppress("the channel is turned off for this shipment");
    }
    let to = match intent.channel {
        Channel::Email => shipment.customer.email.as_deref(),
        Channel::Sms => shipment.customer.phone.as_deref(),
    };
    let Some(to) = to else {
        return suppress(match intent.channel {
            Channel::Email => "the customer has no email address",
            Channel::Sms => "the customer has no phone number",
        });
    };
    if intent.channel == Channel::Email
        && let Some(reason) = context.email_suppressed
    {
        return suppress(reason.notification_detail());
    }
    Ok(Recipient {
        shipment,
        merchant,
        to,
    })
}

/// Now or later for a recipient. `number_opted_out` is SNS's answer for an SMS recipient
/// (`None`: not asked, or unknown, which is not "yes": SNS refuses opted-out numbers itself).
/// `may_defer` is false for an SMS already held once (its quiet hours are over). Email is
/// never deferred.
pub fn decide(
    channel: Channel,
    recipient: &Recipient<'_>,
    number_opted_out: Option<bool>,
    may_defer: bool,
    now: DateTime<Utc>,
) -> Decision {
    if channel == Channel::Email {
        return Decision::Send;
    }
    if number_opted_out == Some(true) {
        return Decision::Suppress {
            reason: "the number opted out of SMS",
        };
    }
    if may_defer && let Some(until) = quiet_until(recipient.merchant, recipient.shipment, now) {
        return Decision::Defer { until };
    }
    Decision::Send
}

/// Is the customer's local time inside the quiet hours, and if so, when do they end (UTC)?
pub fn quiet_until(
    merchant: &Merchant,
    shipment: &Shipment,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let tz: chrono_tz::Tz = shipment.customer.timezone.parse().unwrap_or(chrono_tz::UTC);
    let local = now.with_timezone(&tz);
    let quiet = merchant.branding.quiet_hours;
    if !quiet.contains(local.time()) {
        return None;
    }
    let today = local.date_naive();
    let end_day = if local.time() < quiet.end {
        today
    } else {
        today + Duration::days(1)
    };
    local_to_utc(tz, end_day.and_time(quiet.end))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use afterclick_domain::fakes::{merchant, shipment};
    use afterclick_domain::{EmailAddress, Milestone, PhoneNumber};
    use chrono::TimeZone;

    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
    }

    fn night() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 18, 23, 0, 0).unwrap()
    }

    /// A customer in London with an email address and a phone number (plain values: the
    /// fakes module's builders, no fake store or sender).
    fn a_shipment() -> Shipment {
        let mut shipment = shipment("m1", "TN1", noon());
        shipment.customer.email = Some(EmailAddress::parse("ann@example.com").unwrap());
        shipment.customer.phone = Some(PhoneNumber::parse("+447700900123").unwrap());
        shipment.customer.timezone = "Europe/London".into();
        shipment
    }

    fn intent(channel: Channel) -> Notification {
        afterclick_domain::fakes::notification(&a_shipment(), Milestone::OutForDelivery, channel)
    }

    fn context() -> NotificationContext {
        NotificationContext {
            shipment: Some(a_shipment()),
            merchant: Some(merchant("m1")),
            opted_out: None,
            email_suppressed: None,
            templates: Vec::new(),
            order_parcels: Vec::new(),
        }
    }

    #[test]
    fn a_suppressed_address_gets_no_email_but_its_sms_still_goes() {
        use afterclick_domain::email_events::SuppressionReason;
        let bounced = NotificationContext {
            email_suppressed: Some(SuppressionReason::Bounced),
            ..context()
        };
        assert_eq!(
            suppressed(&intent(Channel::Email), &bounced),
            "the address bounced permanently"
        );
        assert!(recipient(&intent(Channel::Sms), &bounced).is_ok());
        let complained = NotificationContext {
            email_suppressed: Some(SuppressionReason::Complained),
            ..context()
        };
        assert_eq!(
            suppressed(&intent(Channel::Email), &complained),
            "the customer reported an earlier email as spam"
        );
    }

    fn suppressed(intent: &Notification, context: &NotificationContext) -> &'static str {
        match recipient(intent, context) {
            Err(Decision::Suppress { reason }) => reason,
            other => panic!("not suppressed: {other:?}"),
        }
    }

    #[test]
    fn the_stored_facts_suppress_in_order_with_their_reasons() {
        let email = intent(Channel::Email);
        let gone = NotificationContext {
            shipment: None,
            merchant: None,
            ..context()
        };
        assert_eq!(suppressed(&email, &gone), "the shipment no longer exists");
        let no_merchant = NotificationContext {
            merchant: None,
            ..context()
        };
        assert_eq!(
            suppressed(&email, &no_merchant),
            "the merchant no longer exists"
        );
        let unsubscribed = NotificationContext {
            opted_out: Some("the customer unsubscribed"),
            ..context()
        };
        assert_eq!(
            suppressed(&email, &unsubscribed),
            "the customer unsubscribed"
        );
        let mut erased = context();
        if let Some(s) = erased.shipment.as_mut() {
            s.erased_at = Some(noon());
        }
        assert_eq!(
            suppressed(&email, &erased),
            "the customer's personal data was erased"
        );
        let mut no_address = context();
        if let Some(s) = no_address.shipment.as_mut() {
            s.customer.email = None;
            s.customer.phone = None;
        }
        assert_eq!(
            suppressed(&email, &no_address),
            "the customer has no email address"
        );
        assert_eq!(
            suppressed(&intent(Channel::Sms), &no_address),
            "the customer has no phone number"
        );
    }

    #[test]
    fn a_recipient_is_the_channels_address() {
        let context = context();
        let email = recipient(&intent(Channel::Email), &context).unwrap();
        assert_eq!(email.to, "ann@example.com");
        let sms = recipient(&intent(Channel::Sms), &context).unwrap();
        assert_eq!(sms.to, "+447700900123");
    }

    #[test]
    fn sms_in_quiet_hours_waits_until_they_end_email_never_does() {
        let context = context();
        let sms = recipient(&intent(Channel::Sms), &context).unwrap();
        // 23:00 in London; the default quiet hours end at 08:00.
        let morning = Utc.with_ymd_and_hms(2026, 11, 19, 8, 0, 0).unwrap();
        assert_eq!(
            decide(Channel::Sms, &sms, Some(false), true, night()),
            Decision::Defer { until: morning }
        );
        assert_eq!(
            decide(Channel::Sms, &sms, None, true, noon()),
            Decision::Send
        );
        // Held once already: goes out, whatever the hour.
        assert_eq!(
            decide(Channel::Sms, &sms, Some(false), false, night()),
            Decision::Send
        );
        let email = recipient(&intent(Channel::Email), &context).unwrap();
        assert_eq!(
            decide(Channel::Email, &email, None, true, night()),
            Decision::Send
        );
    }

    #[test]
    fn an_opted_out_number_is_suppressed_even_in_quiet_hours_and_unknown_is_not_yes() {
        let context = context();
        let sms = recipient(&intent(Channel::Sms), &context).unwrap();
        assert_eq!(
            decide(Channel::Sms, &sms, Some(true), true, night()),
            Decision::Suppress {
                reason: "the number opted out of SMS"
            }
        );
        assert_eq!(
            decide(Channel::Sms, &sms, None, false, noon()),
            Decision::Send
        );
    }

    #[test]
    fn a_parcel_the_store_cancelled_is_not_announced_any_more() {
        let mut context = context();
        if let Some(s) = context.shipment.as_mut() {
            s.parcel = Some(afterclick_domain::model::OrderParcel {
                platform: "shopify".into(),
                order_id: "1".into(),
                parcel_id: "f1".into(),
                name: None,
                items: Vec::new(),
                as_of: Utc::now(),
                cancelled_at: Some(Utc::now()),
            });
        }
        assert_eq!(
            suppressed(&intent(Channel::Email), &context),
            "the store cancelled the parcel"
        );
    }
}

//! The batched reads of [`SnapshotReads`] and [`NotificationReads`]: BatchGetItem instead
//! of one GetItem per item. Under load every round trip counts (a webhook event used to
//! cost nine GetItems across the pipeline).

use super::consent::email_hash;
use super::templates::template_sk;
use super::{DynamoStore, Item, from_item, number, s, unavailable};
use crate::keys;
use afterclick_domain::milestone::Milestone;
use afterclick_domain::ports::{
    NotificationContext, NotificationReads, OrderLookup, Snapshot, SnapshotReads, StoreError,
    TemplateKey,
};
use afterclick_domain::{Channel, Merchant, Shipment};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

type Key = (String, String);

/// BatchGetItem's own limit on keys per request.
const MAX_KEYS: usize = 100;
/// Unprocessed keys (throttling) are asked for again this often, with a growing pause.
const UNPROCESSED_RETRIES: u32 = 5;

fn key_of(item: &Item) -> Option<Key> {
    match (item.get(keys::PK), item.get(keys::SK)) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => {
            Some((pk.clone(), sk.clone()))
        }
        _ => None,
    }
}

/// Concurrent reads share BatchGetItem requests. While [`MAX_IN_FLIGHT`] requests are out,
/// the keys other tasks ask for wait and leave together in the next request (up to
/// [`MAX_KEYS`]): a stream batch's records, read at once, cost a few round trips instead of
/// one or two each. An idle store sends at once, so a lone read waits for nothing.
#[derive(Clone, Debug, Default)]
pub(super) struct ReadQueue(Arc<Mutex<Queue>>);

#[derive(Debug, Default)]
struct Queue {
    waiting: Vec<Waiting>,
    in_flight: usize,
}

#[derive(Debug)]
struct Waiting {
    keys: Vec<Key>,
    reply: oneshot::Sender<Result<HashMap<Key, Item>, StoreError>>,
}

/// Requests out at once before reads queue: two, so one slow answer does not hold every
/// read back.
const MAX_IN_FLIGHT: usize = 2;

impl ReadQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // A panic while holding it leaves a consistent queue (every change is one push or
        // one drain).
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next request's waiters: whole waiters, up to `MAX_KEYS` distinct keys; none
    /// left: this driver is done (decided under the lock a new waiter takes, so none is
    /// left behind without a driver).
    fn next(&self, driver: &mut Driver) -> Vec<Waiting> {
        let mut queue = self.lock();
        // Reads whose callers gave up are not fetched.
        queue.waiting.retain(|w| !w.reply.is_closed());
        let mut keys = std::collections::HashSet::new();
        let mut taken = 0;
        for w in &queue.waiting {
            let more = w.keys.iter().filter(|k| !keys.contains(*k)).count();
            if taken > 0 && keys.len() + more > MAX_KEYS {
                break;
            }
            keys.extend(w.keys.iter().cloned());
            taken += 1;
        }
        if taken == 0 {
            queue.in_flight -= 1;
            driver.done = true;
        }
        queue.waiting.drain(..taken).collect()
    }
}

/// A driver's place among the requests in flight, taken before its task is spawned and
/// given back however the task ends (a panic, a runtime shutting down before it ran).
struct Driver {
    queue: ReadQueue,
    done: bool,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut queue = self.queue.lock();
        queue.in_flight -= 1;
        // The last driver gone without finishing: the reads still queued would wait for a
        // caller that may never come. Dropping their replies answers them with an error.
        if queue.in_flight == 0 {
            queue.waiting.clear();
        }
    }
}

impl DynamoStore {
    /// The items that exist among `wanted`, by key; strongly consistent like every
    /// single read of this store. Shares its request with concurrent reads ([`ReadQueue`]).
    pub(super) async fn batch_get(&self, wanted: &[Key]) -> Result<HashMap<Key, Item>, StoreError> {
        let mut wanted = wanted.to_vec();
        wanted.sort();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        // Too many to share, or no runtime to drive shared reads: a request of its own.
        let runtime = match tokio::runtime::Handle::try_current() {
            Ok(runtime) if wanted.len() <= MAX_KEYS => runtime,
            _ => return self.fetch(&wanted).await,
        };
        let (reply, answer) = oneshot::channel();
        let driver = {
            let mut queue = self.reads.lock();
            queue.waiting.push(Waiting {
                keys: wanted,
                reply,
            });
            (queue.in_flight < MAX_IN_FLIGHT).then(|| {
                queue.in_flight += 1;
                Driver {
                    queue: self.reads.clone(),
                    done: false,
                }
            })
        };
        if let Some(driver) = driver {
            // Its own task: a caller that gives up must not strand the reads it carries.
            let store = self.clone();
            runtime.spawn(async move { store.drive_reads(driver).await });
        }
        answer.await.unwrap_or_else(|_| {
            Err(StoreError::Unavailable(
                "a shared read ended without an answer".into(),
            ))
        })
    }

    /// Sends queued reads until none are left.
    async fn drive_reads(&self, mut driver: Driver) {
        loop {
            let waiting = self.reads.next(&mut driver);
            if waiting.is_empty() {
                return;
            }
            let mut keys: Vec<Key> = waiting
                .iter()
                .flat_map(|w| w.keys.iter().cloned())
                .collect();
            keys.sort();
            keys.dedup();
            // Each read gets only its own keys' items, never a neighbour's.
            match self.fetch(&keys).await {
                Ok(found) => {
                    for w in waiting {
                        let mine = w
                            .keys
                            .iter()
                            .filter_map(|k| found.get(k).map(|item| (k.clone(), item.clone())))
                            .collect();
                        // A waiter that gave up no longer listens; nothing to do.
                        let _ = w.reply.send(Ok(mine));
                    }
                }
                Err(err) => {
                    for w in waiting {
                        let _ = w.reply.send(Err(err.clone()));
                    }
                }
            }
        }
    }

    /// One BatchGetItem per `MAX_KEYS` keys, asking again for what it leaves unprocessed.
    async fn fetch(&self, wanted: &[Key]) -> Result<HashMap<Key, Item>, StoreError> {
        let mut found = HashMap::new();
        for chunk in wanted.chunks(MAX_KEYS) {
            let mut request = Some(super::built(
                KeysAndAttributes::builder()
                    .set_keys(Some(
                        chunk
                            .iter()
                            .map(|(pk, sk)| {
                                HashMap::from([
                                    (keys::PK.to_owned(), s(pk.clone())),
                                    (keys::SK.to_owned(), s(sk.clone())),
                                ])
                            })
                            .collect(),
                    ))
                    .consistent_read(true)
                    .build(),
            )?);
            let mut retries = 0;
            while let Some(keys_and_attributes) = request.take() {
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, keys_and_attributes)
                    .send()
                    .await
                    .map_err(unavailable)?;
                for item in out
                    .responses
                    .and_then(|mut r| r.remove(&self.table))
                    .unwrap_or_default()
                {
                    if let Some(key) = key_of(&item) {
                        found.insert(key, item);
                    }
                }
                request = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys.is_empty());
                if request.is_some() {
                    retries += 1;
                    if retries > UNPROCESSED_RETRIES {
                        return Err(StoreError::Unavailable(
                            "BatchGetItem left keys unprocessed after its retries".into(),
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(20 << retries)).await;
                }
            }
        }
        Ok(found)
    }
}

fn shipment_key(merchant_id: &str, tracking_number: &str) -> Key {
    (
        keys::shipment_pk(merchant_id, tracking_number),
        keys::SHIPMENT_SK.to_owned(),
    )
}

fn merchant_key(merchant_id: &str) -> Key {
    (keys::merchant_pk(merchant_id), keys::SETTINGS_SK.to_owned())
}

fn take<T: serde::de::DeserializeOwned>(
    found: &mut HashMap<Key, Item>,
    key: &Key,
) -> Result<Option<T>, StoreError> {
    found.remove(key).map(from_item).transpose()
}

impl SnapshotReads for DynamoStore {
    /// The shipment, the merchant and the merchant's endpoint count in one request.
    async fn snapshot(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<Snapshot, StoreError> {
        let count = (
            keys::merchant_pk(merchant_id),
            keys::ENDPOINT_COUNT_SK.to_owned(),
        );
        let (shipment, merchant) = (
            shipment_key(merchant_id, tracking_number),
            merchant_key(merchant_id),
        );
        let mut found = self
            .batch_get(&[shipment.clone(), merchant.clone(), count.clone()])
            .await?;
        let may_have_endpoints = found
            .get(&count)
            .and_then(|item| number(item, "endpoints"))
            .is_some_and(|n| n > 0);
        Ok(Snapshot {
            shipment: take(&mut found, &shipment)?,
            merchant: take(&mut found, &merchant)?,
            may_have_endpoints,
        })
    }
}

impl NotificationReads for DynamoStore {
    /// Two requests whatever the number of intents: the shipment, its merchant and the
    /// shipment's opt-out; then what depends on them (the customer's opt-out, by the hash
    /// of their address, and the templates in their locale).
    async fn notification_context(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        messages: &[(Milestone, Channel)],
    ) -> Result<NotificationContext, StoreError> {
        let shipment_optout = (
            keys::shipment_pk(merchant_id, tracking_number),
            "OPTOUT".to_owned(),
        );
        let (shipment, merchant) = (
            shipment_key(merchant_id, tracking_number),
            merchant_key(merchant_id),
        );
        let mut found = self
            .batch_get(&[shipment.clone(), merchant.clone(), shipment_optout.clone()])
            .await?;
        let shipment: Option<Shipment> = take(&mut found, &shipment)?;
        let merchant: Option<Merchant> = take(&mut found, &merchant)?;
        let (Some(s), Some(m)) = (&shipment, &merchant) else {
            return Ok(NotificationContext {
                shipment,
                merchant,
                ..Default::default()
            });
        };
        let mut opted_out = found
            .contains_key(&shipment_optout)
            .then_some("unsubscribed from this shipment");
        let customer_optout = s
            .customer
            .email
            .as_deref()
            .filter(|_| opted_out.is_none())
            .map(|email| {
                (
                    keys::merchant_pk(merchant_id),
                    format!("OPTOUT#{}", email_hash(email)),
                )
            });
        let wanted: Vec<TemplateKey> = messages
            .iter()
            .map(|&(milestone, channel)| TemplateKey::for_message(m, s, milestone, channel))
            .collect();
        let mut second: Vec<Key> = wanted
            .iter()
            .map(|k| (keys::merchant_pk(&k.merchant_id), template_sk(k)))
            .collect();
        second.extend(customer_optout.clone());
        // The merchant's suppression list (hard bounces, complaints), by the same address.
        let suppression = s.customer.email.as_deref().map(|email| {
            (
                keys::merchant_pk(merchant_id),
                keys::suppress_sk(&afterclick_domain::listing::email_hash(email)),
            )
        });
        second.extend(suppression.clone());
        second.sort();
        second.dedup();
        let mut found = self.batch_get(&second).await?;
        if customer_optout.is_some_and(|k| found.contains_key(&k)) {
            opted_out = Some("unsubscribed from this merchant");
        }
        let email_suppressed = match suppression {
            Some(k) => take::<afterclick_domain::email_events::Suppression>(&mut found, &k)?
                .map(|s| s.reason),
            None => None,
        };
        let mut templates = Vec::new();
        for key in wanted {
            let item_key = (keys::merchant_pk(&key.merchant_id), template_sk(&key));
            if templates.iter().any(|(k, _)| *k == key) {
                continue;
            }
            if let Some(template) = take(&mut found, &item_key)? {
                templates.push((key, template));
            }
        }
        // Only a store platform's parcel can be one of several (one Query on `by_order`).
        let order_parcels = if s.parcel.is_some() {
            self.shipments_by_order(merchant_id, &s.order_number)
                .await?
        } else {
            Vec::new()
        };
        Ok(NotificationContext {
            shipment,
            merchant,
            opted_out,
            email_suppressed,
            templates,
            order_parcels,
        })
    }
}

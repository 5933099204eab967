//! Listing a merchant's shipments: the attributes the listing indexes and filters read, a
//! pure query planner, and the Query loop. Only ever Query, never Scan.

use super::{DynamoStore, Item, readable, s, unavailable};
use crate::keys::{self, ListIndex};
use afterclick_domain::Shipment;
use afterclick_domain::Status;
use afterclick_domain::attention::watch_reasons;
use afterclick_domain::listing::{
    AccessPath, ListPosition, ShipmentPage, ShipmentQuery, SortKeyRange, fixed_millis, is_delayed,
    is_exception, is_trending_late, list_sort_key, reached,
};
use afterclick_domain::ports::{ShipmentList, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// Query pages one listing request may read before it returns what it has (with a cursor
/// to go on): a very selective filter must not hold a request for the whole partition.
const MAX_QUERY_PAGES: usize = 10;
/// Items read per Query page when a FilterExpression discards some (DynamoDB's `Limit`
/// counts items read, not items returned).
const FILTERED_PAGE: i32 = 200;

/// The listing attributes of a shipment item (see `keys`).
pub(super) fn add_listing_attributes(item: &mut Item, shipment: &Shipment) {
    let merchant = &shipment.merchant_id;
    let mut put = |name: &str, value: AttributeValue| {
        item.insert(name.to_owned(), value);
    };
    put(keys::LIST_SK, s(list_sort_key(shipment)));
    put(ListIndex::ByCreated.hash_attribute(), s(merchant));
    put(
        ListIndex::ByOrder.hash_attribute(),
        s(keys::order_key(merchant, &shipment.order_number)),
    );
    put(
        ListIndex::ByStatus.hash_attribute(),
        s(keys::status_key(merchant, shipment.status)),
    );
    if let Some(email) = &shipment.customer.email {
        put(
            ListIndex::ByCustomer.hash_attribute(),
            s(keys::customer_key(merchant, email)),
        );
    }
    let delayed = is_delayed(shipment);
    let trending_late = is_trending_late(shipment);
    let reasons = watch_reasons(shipment);
    // Sparse: the item is rebuilt on every write, so a shipment that no longer needs
    // attention leaves.
    if !reasons.is_empty() {
        put(
            ListIndex::ByAttention.hash_attribute(),
            s(keys::delayed_key(merchant)),
        );
    }
    put(keys::UPDATED_SK, s(fixed_millis(shipment.updated_at)));
    put("delayed", AttributeValue::Bool(delayed));
    put("trending_late", AttributeValue::Bool(trending_late));
    put("attention", AttributeValue::Bool(delayed || trending_late));
    put("exception", AttributeValue::Bool(is_exception(shipment)));
    put("watch", AttributeValue::Bool(!reasons.is_empty()));
    if !reasons.is_empty() {
        put(
            "reasons",
            AttributeValue::Ss(reasons.iter().map(|r| r.as_str().to_owned()).collect()),
        );
    }
    let milestones: Vec<String> = reached(shipment)
        .into_iter()
        .map(|m| m.as_str().to_owned())
        .collect();
    // DynamoDB has no empty sets.
    if !milestones.is_empty() {
        put("reached", AttributeValue::Ss(milestones));
    }
}

/// One Query: which index, which key condition, which filter.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPlan {
    pub index: ListIndex,
    pub hash: String,
    pub key_condition: String,
    pub filter: Option<String>,
    pub names: HashMap<String, String>,
    pub values: HashMap<String, AttributeValue>,
}

/// The index of the filters' access path (order number > customer email > delayed >
/// status > everything, see [`ShipmentQuery::access_path`]), the created range (and `updated_to`, since nothing is updated before it is
/// created) as the sort-key condition, the rest as filter. None when the filters cannot
/// match anything.
pub fn plan(merchant_id: &str, q: &ShipmentQuery) -> Option<QueryPlan> {
    // The exception flag is the status `exception`: the status index serves it.
    let status = q.required_status();
    let (index, hash) = match q.access_path() {
        AccessPath::Order(order) => (ListIndex::ByOrder, keys::order_key(merchant_id, order)),
        AccessPath::Customer(email) => (
            ListIndex::ByCustomer,
            keys::customer_key(merchant_id, email),
        ),
        AccessPath::Attention => (ListIndex::ByAttention, keys::delayed_key(merchant_id)),
        AccessPath::Status(status) => (ListIndex::ByStatus, keys::status_key(merchant_id, status)),
        AccessPath::All => (ListIndex::ByCreated, merchant_id.to_owned()),
    };
    let mut names = HashMap::from([("#pk".to_owned(), index.hash_attribute().to_owned())]);
    let mut values = HashMap::from([(":pk".to_owned(), s(&hash))]);

    // The same bounds a cursor's position is checked against before it gets here.
    let SortKeyRange { lower, upper } = q.sort_key_range();
    let key_condition = match (lower, upper) {
        (Some(l), Some(u)) if l > u => return None,
        (Some(l), Some(u)) => {
            values.insert(":lo".into(), s(l));
            values.insert(":hi".into(), s(u));
            "#pk = :pk AND #sk BETWEEN :lo AND :hi"
        }
        (Some(l), None) => {
            values.insert(":lo".into(), s(l));
            "#pk = :pk AND #sk >= :lo"
        }
        (None, Some(u)) => {
            values.insert(":hi".into(), s(u));
            "#pk = :pk AND #sk <= :hi"
        }
        (None, None) => "#pk = :pk",
    };
    // DynamoDB refuses names an expression does not use.
    if key_condition.contains("#sk") {
        names.insert("#sk".into(), keys::LIST_SK.into());
    }

    let mut conditions = Vec::new();
    let mut filter = |attribute: &str, expression: &str, value: AttributeValue| {
        let name = format!("#{attribute}");
        let placeholder = format!(":{attribute}");
        conditions.push(
            expression
                .replace("{n}", &name)
                .replace("{v}", &placeholder),
        );
        names.insert(name, attribute.to_owned());
        values.insert(placeholder, value);
    };
    if index != ListIndex::ByStatus
        && let Some(status) = status
    {
        filter(
            ListIndex::ByStatus.hash_attribute(),
            "{n} = {v}",
            s(keys::status_key(merchant_id, status)),
        );
    }
    if let Some(exception) = q.exception.filter(|_| status.is_none()) {
        filter("exception", "{n} = {v}", AttributeValue::Bool(exception));
    }
    if let Some(exception) = q.exception.filter(|_| status.is_some()) {
        // With a status given, the flag is decided by it.
        if exception != (status == Some(Status::Exception)) {
            return None;
        }
    }
    if index != ListIndex::ByCustomer
        && let Some(email) = &q.customer_email
    {
        filter(
            ListIndex::ByCustomer.hash_attribute(),
            "{n} = {v}",
            s(keys::customer_key(merchant_id, email)),
        );
    }
    // The sparse index holds the shipments needing attention: delayed ones, trending-late
    // ones. Only what it does not already say is filtered.
    if let Some(delayed) = q.delayed {
        filter("delayed", "{n} = {v}", AttributeValue::Bool(delayed));
    }
    if let Some(trending_late) = q.trending_late {
        filter(
            "trending_late",
            "{n} = {v}",
            AttributeValue::Bool(trending_late),
        );
    }
    // The index is the whole watchlist, so `attention` (delayed or trending late) is
    // always a filter, and `watch` only off the index.
    if let Some(attention) = q.attention {
        filter("attention", "{n} = {v}", AttributeValue::Bool(attention));
    }
    if let Some(watch) = q.watch.filter(|w| index != ListIndex::ByAttention || !w) {
        filter("watch", "{n} = {v}", AttributeValue::Bool(watch));
    }
    if let Some(reason) = q.reason {
        filter("reasons", "contains({n}, {v})", s(reason.as_str()));
    }
    if let Some(milestone) = q.milestone {
        filter("reached", "contains({n}, {v})", s(milestone.as_str()));
    }
    if let Some(carrier) = &q.carrier {
        filter("carrier", "{n} = {v}", s(carrier));
    }
    if let Some(from) = q.updated_from {
        filter(keys::UPDATED_SK, "{n} >= {v}", s(fixed_millis(from)));
    }
    if let Some(to) = q.updated_to {
        names.insert("#updated_to".into(), keys::UPDATED_SK.into());
        values.insert(":updated_to".into(), s(fixed_millis(to)));
        conditions.push("#updated_to <= :updated_to".into());
    }
    Some(QueryPlan {
        index,
        hash,
        key_condition: key_condition.to_owned(),
        filter: (!conditions.is_empty()).then(|| conditions.join(" AND ")),
        names,
        values,
    })
}

/// What a listing cost: Query calls and items DynamoDB read (before filtering).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCost {
    pub queries: usize,
    pub scanned: i64,
    pub index: Option<ListIndex>,
}

fn position(item: &Item, merchant_id: &str) -> Option<ListPosition> {
    let (Some(AttributeValue::S(sort_key)), Some(AttributeValue::S(pk))) =
        (item.get(keys::LIST_SK), item.get(keys::PK))
    else {
        return None;
    };
    let tracking_number = pk.strip_prefix(&keys::shipment_pk(merchant_id, ""))?;
    Some(ListPosition {
        sort_key: sort_key.clone(),
        tracking_number: tracking_number.to_owned(),
    })
}

impl DynamoStore {
    /// [`ShipmentList::list_shipments`] with what it cost (tests prove the index choice and
    /// that reads follow the matches, not the table).
    pub async fn list_shipments_with_cost(
        &self,
        merchant_id: &str,
        query: &ShipmentQuery,
        after: Option<&ListPosition>,
        limit: usize,
    ) -> Result<(ShipmentPage, ListCost), StoreError> {
        let mut cost = ListCost::default();
        let Some(plan) = plan(merchant_id, query) else {
            let empty = ShipmentPage {
                shipments: Vec::new(),
                next: None,
            };
            return Ok((empty, cost));
        };
        cost.index = Some(plan.index);
        // DynamoDB refuses a start key outside the key condition. A position past the range's
        // end (newest first: below it) has nothing after it; one before its start is as if
        // there were none: what the in-memory store answers too.
        let range = query.sort_key_range();
        let after = match after {
            Some(a)
                if range
                    .lower
                    .as_deref()
                    .is_some_and(|l| a.sort_key.as_str() < l) =>
            {
                let empty = ShipmentPage {
                    shipments: Vec::new(),
                    next: None,
                };
                return Ok((empty, cost));
            }
            Some(a) if range.contains(&a.sort_key) => Some(a),
            _ => None,
        };
        // One more than asked for: whether there is a next page is then known, not guessed.
        let want = limit + 1;
        let mut items: Vec<Item> = Vec::new();
        let mut start = after.map(|a| {
            Item::from([
                (
                    keys::PK.into(),
                    s(keys::shipment_pk(merchant_id, &a.tracking_number)),
                ),
                (keys::SK.into(), s(keys::SHIPMENT_SK)),
                (plan.index.hash_attribute().into(), s(&plan.hash)),
                (keys::LIST_SK.into(), s(&a.sort_key)),
            ])
        });
        let mut resume_from: Option<Item> = None;
        loop {
            let missing = i32::try_from(want - items.len()).unwrap_or(i32::MAX);
            let page = if plan.filter.is_some() {
                missing.max(FILTERED_PAGE)
            } else {
                missing
            };
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(plan.index.name())
                .key_condition_expression(&plan.key_condition)
                .set_filter_expression(plan.filter.clone())
                .set_expression_attribute_names(Some(plan.names.clone()))
                .set_expression_attribute_values(Some(plan.values.clone()))
                .scan_index_forward(false)
                .limit(page)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            cost.queries += 1;
            cost.scanned += i64::from(out.scanned_count);
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if items.len() >= want || start.is_none() {
                break;
            }
            if cost.queries >= MAX_QUERY_PAGES {
                resume_from = start;
                break;
            }
        }
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().and_then(|i| position(i, merchant_id))
        } else {
            resume_from.and_then(|i| position(&i, merchant_id))
        };
        let page = ShipmentPage {
            shipments: readable(items),
            next,
        };
        Ok((page, cost))
    }
}

impl ShipmentList for DynamoStore {
    async fn list_shipments(
        &self,
        merchant_id: &str,
        query: &ShipmentQuery,
        after: Option<&ListPosition>,
        limit: usize,
    ) -> Result<ShipmentPage, StoreError> {
        Ok(self
            .list_shipments_with_cost(merchant_id, query, after, limit)
            .await?
            .0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use afterclick_domain::Milestone;
    use afterclick_domain::attention::Reason;
    use chrono::{TimeZone, Utc};

    fn q(f: impl FnOnce(&mut ShipmentQuery)) -> ShipmentQuery {
        let mut q = ShipmentQuery::default();
        f(&mut q);
        q
    }

    #[test]
    fn the_most_selective_index_wins_and_the_rest_are_filters() {
        let cases: &[(ShipmentQuery, ListIndex, Option<&str>)] = &[
            (q(|_| {}), ListIndex::ByCreated, None),
            (
                q(|q| {
                    q.order_number = Some("1001".into());
                    q.customer_email = Some("ada@example.com".into());
                    q.status = Some(Status::InTransit);
                }),
                ListIndex::ByOrder,
                Some("#status_pk = :status_pk AND #customer_pk = :customer_pk"),
            ),
            (
                q(|q| {
                    q.customer_email = Some("ada@example.com".into());
                    q.carrier = Some("ups".into());
                }),
                ListIndex::ByCustomer,
                Some("#carrier = :carrier"),
            ),
            (q(|q| q.exception = Some(true)), ListIndex::ByStatus, None),
            (
                q(|q| {
                    q.delayed = Some(true);
                    q.milestone = Some(Milestone::Delayed);
                }),
                ListIndex::ByAttention,
                Some("#delayed = :delayed AND contains(#reached, :reached)"),
            ),
            // The attention index also holds trending-late shipments: `delayed` filters.
            (
                q(|q| q.delayed = Some(true)),
                ListIndex::ByAttention,
                Some("#delayed = :delayed"),
            ),
            (
                q(|q| q.trending_late = Some(true)),
                ListIndex::ByAttention,
                Some("#trending_late = :trending_late"),
            ),
            // The index is the watchlist, wider than `attention`.
            (
                q(|q| q.attention = Some(true)),
                ListIndex::ByAttention,
                Some("#attention = :attention"),
            ),
            (q(|q| q.watch = Some(true)), ListIndex::ByAttention, None),
            (
                q(|q| {
                    q.watch = Some(true);
                    q.reason = Some(Reason::AtPickup);
                    q.carrier = Some("ups".into());
                }),
                ListIndex::ByAttention,
                Some("contains(#reasons, :reasons) AND #carrier = :carrier"),
            ),
            (
                q(|q| q.watch = Some(false)),
                ListIndex::ByCreated,
                Some("#watch = :watch"),
            ),
            (
                q(|q| {
                    q.delayed = Some(true);
                    q.attention = Some(false);
                }),
                ListIndex::ByAttention,
                Some("#delayed = :delayed AND #attention = :attention"),
            ),
            (
                q(|q| q.attention = Some(false)),
                ListIndex::ByCreated,
                Some("#attention = :attention"),
            ),
            (
                q(|q| {
                    q.delayed = Some(true);
                    q.status = Some(Status::InTransit);
                    q.carrier = Some("ups".into());
                }),
                ListIndex::ByAttention,
                Some("#status_pk = :status_pk AND #delayed = :delayed AND #carrier = :carrier"),
            ),
            (
                q(|q| {
                    q.delayed = Some(true);
                    q.exception = Some(true);
                }),
                ListIndex::ByAttention,
                Some("#status_pk = :status_pk AND #delayed = :delayed"),
            ),
            (
                q(|q| {
                    q.delayed = Some(true);
                    q.customer_email = Some("ada@example.com".into());
                }),
                ListIndex::ByCustomer,
                Some("#delayed = :delayed"),
            ),
            (
                q(|q| q.delayed = Some(false)),
                ListIndex::ByCreated,
                Some("#delayed = :delayed"),
            ),
            (
                q(|q| {
                    q.status = Some(Status::InTransit);
                    q.carrier = Some("ups".into());
                }),
                ListIndex::ByStatus,
                Some("#carrier = :carrier"),
            ),
            (
                q(|q| q.carrier = Some("ups".into())),
                ListIndex::ByCreated,
                Some("#carrier = :carrier"),
            ),
        ];
        for (query, index, filter) in cases {
            let plan = plan("m1", query).unwrap();
            assert_eq!(plan.index, *index, "{query:?}");
            assert_eq!(plan.filter.as_deref(), *filter, "{query:?}");
        }
    }

    #[test]
    fn only_a_delayed_shipment_is_in_the_attention_index() {
        let at = Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap();
        let mut shipment = afterclick_domain::fakes::shipment("m1", "1Z1", at);
        let indexed = |shipment: &Shipment| {
            let mut item = Item::new();
            add_listing_attributes(&mut item, shipment);
            item.get("attention_pk").cloned()
        };
        assert_eq!(indexed(&shipment), None);
        let reached = afterclick_domain::model::MilestoneReached { at, notified: true };
        shipment
            .milestones
            .insert("delayed#overdue-2026-11-17".into(), reached.clone());
        assert_eq!(indexed(&shipment), Some(s("m1#delayed")));
        shipment.status = Status::Delivered;
        shipment.milestones.insert("delivered".into(), reached);
        assert_eq!(indexed(&shipment), None);
        // The rest of the watchlist: a parcel waiting at a pickup point, with its reason.
        shipment.status = Status::AvailableForPickup;
        shipment.milestones.clear();
        let mut item = Item::new();
        add_listing_attributes(&mut item, &shipment);
        assert_eq!(item.get("attention_pk"), Some(&s("m1#delayed")));
        assert_eq!(
            item.get("reasons"),
            Some(&AttributeValue::Ss(vec!["at_pickup".into()]))
        );
        assert_eq!(item.get("attention"), Some(&AttributeValue::Bool(false)));
    }

    #[test]
    fn the_customer_index_key_holds_a_hash_not_the_address() {
        let plan = plan(
            "m1",
            &q(|q| q.customer_email = Some("ada@example.com".into())),
        )
        .unwrap();
        assert!(!plan.hash.contains("ada"));
        assert_eq!(plan.hash.len(), "m1#".len() + 64);
    }

    #[test]
    fn created_range_and_updated_to_bound_the_sort_key() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 18, h, 0, 0).unwrap();
        let plan = plan(
            "m1",
            &q(|q| {
                q.created_from = Some(at(8));
                q.created_to = Some(at(12));
                q.updated_to = Some(at(10));
            }),
        )
        .unwrap();
        assert_eq!(plan.key_condition, "#pk = :pk AND #sk BETWEEN :lo AND :hi");
        assert_eq!(plan.values[":lo"], s("2026-11-18T08:00:00.000Z"));
        assert_eq!(plan.values[":hi"], s("2026-11-18T10:00:00.000Z#~"));
        assert_eq!(plan.filter.as_deref(), Some("#updated_to <= :updated_to"));
        // Created after it was last updated: nothing can match, nothing is read.
        assert!(
            super::plan(
                "m1",
                &q(|q| {
                    q.created_from = Some(at(12));
                    q.updated_to = Some(at(10));
                })
            )
            .is_none()
        );
    }

    #[test]
    fn a_status_contradicting_the_exception_flag_matches_nothing() {
        assert!(
            plan(
                "m1",
                &q(|q| {
                    q.status = Some(Status::InTransit);
                    q.exception = Some(true);
                })
            )
            .is_none()
        );
    }
}

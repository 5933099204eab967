//! Which index serves a listing. Decided here, once, so the store's query plan and the
//! cursor's fingerprint cannot disagree: a cursor names the access path it was issued on.

use super::ShipmentQuery;
use crate::status::Status;

/// The key a listing reads by, most selective first. Every filter not in the key is
/// applied to what the key selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessPath<'a> {
    /// One order's shipments.
    Order(&'a str),
    /// One customer's shipments (a normalised address).
    Customer(&'a str),
    /// The watchlist (a sparse index): delayed, trending late, stalled, an exception, a
    /// failed attempt, at a pickup point, returning.
    Attention,
    Status(Status),
    /// Every shipment of the merchant.
    All,
}

impl AccessPath<'_> {
    /// Names the path (not its key): part of the cursor fingerprint.
    pub fn name(self) -> &'static str {
        match self {
            AccessPath::Order(_) => "order",
            AccessPath::Customer(_) => "customer",
            AccessPath::Attention => "attention",
            AccessPath::Status(_) => "status",
            AccessPath::All => "all",
        }
    }
}

impl ShipmentQuery {
    /// The status the filters require: `exception=true` is the status `exception`.
    pub fn required_status(&self) -> Option<Status> {
        self.status
            .or((self.exception == Some(true)).then_some(Status::Exception))
    }

    /// Order number > customer email > the watchlist (attention, delayed, trending late,
    /// the dashboard's `watch` and `reason`) > status > everything. `delayed=false` matches most shipments: only `true` has an index. A carrier has none (see
    /// `afterclick_aws::keys` for why), so `carrier` is always a filter.
    pub fn access_path(&self) -> AccessPath<'_> {
        if let Some(order) = &self.order_number {
            AccessPath::Order(order)
        } else if let Some(email) = &self.customer_email {
            AccessPath::Customer(email)
        } else if [self.delayed, self.trending_late, self.attention, self.watch]
            .contains(&Some(true))
            || self.reason.is_some()
        {
            AccessPath::Attention
        } else if let Some(status) = self.required_status() {
            AccessPath::Status(status)
        } else {
            AccessPath::All
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(f: impl FnOnce(&mut ShipmentQuery)) -> ShipmentQuery {
        let mut q = ShipmentQuery::default();
        f(&mut q);
        q
    }

    #[test]
    fn the_most_selective_key_wins() {
        let cases = [
            (q(|_| {}), "all"),
            (q(|q| q.carrier = Some("ups".into())), "all"),
            (q(|q| q.delayed = Some(false)), "all"),
            (q(|q| q.exception = Some(false)), "all"),
            (q(|q| q.exception = Some(true)), "status"),
            (
                q(|q| {
                    q.status = Some(Status::InTransit);
                    q.carrier = Some("ups".into());
                }),
                "status",
            ),
            (
                q(|q| {
                    q.delayed = Some(true);
                    q.status = Some(Status::InTransit);
                    q.carrier = Some("ups".into());
                }),
                "attention",
            ),
            (
                q(|q| {
                    q.delayed = Some(true);
                    q.customer_email = Some("ada@example.com".into());
                }),
                "customer",
            ),
            (
                q(|q| {
                    q.order_number = Some("1001".into());
                    q.customer_email = Some("ada@example.com".into());
                    q.delayed = Some(true);
                }),
                "order",
            ),
        ];
        for (query, path) in cases {
            assert_eq!(query.access_path().name(), path, "{query:?}");
        }
    }
}

//! Fault injection for tests: DynamoDB requests that match a rule fail before they are
//! sent, as an outage in the middle of a batch would. Without a rule it does nothing: the
//! devstack always installs it, only tests arm it.

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use std::sync::{Arc, Mutex};

#[derive(Debug)]
struct Rule {
    /// Every one of these must appear in the request body (its JSON).
    needles: Vec<String>,
    /// Matching requests still to fail.
    remaining: u32,
    /// Matching requests failed so far.
    failed: u32,
}

/// The interceptor and a test's handle on it (clones share the rules).
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<Vec<Rule>>>);

/// The injected failure, as the store sees it.
#[derive(Debug, thiserror::Error)]
#[error("injected fault: DynamoDB unavailable")]
pub struct InjectedFault;

impl Faults {
    /// Fails the next `times` requests whose body contains every one of `needles`; returns
    /// the rule's index for [`Faults::failed`].
    pub fn fail(&self, needles: &[&str], times: u32) -> usize {
        let mut rules = self.0.lock().unwrap_or_else(|p| p.into_inner());
        rules.push(Rule {
            needles: needles.iter().map(|n| (*n).to_owned()).collect(),
            remaining: times,
            failed: 0,
        });
        rules.len() - 1
    }

    /// How many requests the rule failed.
    pub fn failed(&self, rule: usize) -> u32 {
        let rules = self.0.lock().unwrap_or_else(|p| p.into_inner());
        rules.get(rule).map_or(0, |r| r.failed)
    }
}

impl Intercept for Faults {
    fn name(&self) -> &'static str {
        "FaultInjection"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let mut rules = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if rules.iter().all(|r| r.remaining == 0) {
            return Ok(());
        }
        let body = context
            .request()
            .body()
            .bytes()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        for rule in rules.iter_mut() {
            if rule.remaining > 0 && rule.needles.iter().all(|n| body.contains(n.as_str())) {
                rule.remaining -= 1;
                rule.failed += 1;
                return Err(Box::new(InjectedFault));
            }
        }
        Ok(())
    }
}

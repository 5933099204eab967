//! Counts the DynamoDB capacity the stack consumes, at the client: every request asks for
//! `ReturnConsumedCapacity: TOTAL` and the units in each answer are added up, so a benchmark
//! can price a shipment with on-demand request units. Nothing in the store changes for it.

use aws_sdk_dynamodb::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::{
    batch_get_item::{BatchGetItemInput, BatchGetItemOutput},
    batch_write_item::{BatchWriteItemInput, BatchWriteItemOutput},
    delete_item::{DeleteItemError, DeleteItemInput, DeleteItemOutput},
    get_item::{GetItemInput, GetItemOutput},
    put_item::{PutItemError, PutItemInput, PutItemOutput},
    query::{QueryInput, QueryOutput},
    scan::{ScanInput, ScanOutput},
    transact_get_items::{TransactGetItemsInput, TransactGetItemsOutput},
    transact_write_items::{
        TransactWriteItemsError, TransactWriteItemsInput, TransactWriteItemsOutput,
    },
    update_item::{UpdateItemError, UpdateItemInput, UpdateItemOutput},
};
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What the stack consumed so far. A refused conditional write is billed too (at least one
/// write unit) but answers with an error that carries no capacity: it is counted apart.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Usage {
    pub read_units: f64,
    pub write_units: f64,
    pub reads: u64,
    pub writes: u64,
    pub refused_writes: u64,
}

impl Usage {
    /// Units consumed between `earlier` and this reading.
    pub fn since(&self, earlier: &Usage) -> Usage {
        Usage {
            read_units: self.read_units - earlier.read_units,
            write_units: self.write_units - earlier.write_units,
            reads: self.reads - earlier.reads,
            writes: self.writes - earlier.writes,
            refused_writes: self.refused_writes - earlier.refused_writes,
        }
    }

    /// Write units with each refused write counted at the one unit it costs at least.
    pub fn billed_write_units(&self) -> f64 {
        self.write_units + self.refused_writes as f64
    }
}

/// The interceptor, shared by every clone of the store's client.
#[derive(Debug, Clone, Default)]
pub struct Meter(Arc<Mutex<Usage>>, Arc<Mutex<BTreeMap<&'static str, u64>>>);

impl Meter {
    pub fn usage(&self) -> Usage {
        self.0.lock().map(|u| *u).unwrap_or_default()
    }

    /// Requests sent so far, by operation: where a benchmark's round trips go.
    pub fn requests(&self) -> BTreeMap<&'static str, u64> {
        self.1.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn add(&self, update: impl FnOnce(&mut Usage)) {
        if let Ok(mut usage) = self.0.lock() {
            update(&mut usage);
        }
    }
}

fn units(c: &ConsumedCapacity) -> f64 {
    c.capacity_units.unwrap_or(0.0)
}

fn all(list: Option<&Vec<ConsumedCapacity>>) -> f64 {
    list.map_or(0.0, |l| l.iter().map(units).sum())
}

/// Sets `ReturnConsumedCapacity` on whichever of these input types the request is, and
/// names the operation.
macro_rules! ask_for_capacity {
    ($input:expr, $($ty:ident),+) => {{
        let mut operation = "other";
        $(
            if let Some(input) = $input.downcast_mut::<$ty>() {
                input.return_consumed_capacity = Some(ReturnConsumedCapacity::Total);
                operation = stringify!($ty).trim_end_matches("Input");
            }
        )+
        operation
    }};
}

/// The units in whichever of these output types the answer is (none: another operation).
macro_rules! consumed {
    ($output:expr, one: $($ty:ty),+) => {
        None$(.or_else(|| {
            $output
                .downcast_ref::<$ty>()
                .map(|o| o.consumed_capacity.as_ref().map_or(0.0, units))
        }))+
    };
    ($output:expr, many: $($ty:ty),+) => {
        None$(.or_else(|| {
            $output
                .downcast_ref::<$ty>()
                .map(|o| all(o.consumed_capacity.as_ref()))
        }))+
    };
}

impl Intercept for Meter {
    fn name(&self) -> &'static str {
        "CapacityMeter"
    }

    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let input = context.input_mut();
        let operation = ask_for_capacity!(
            input,
            GetItemInput,
            QueryInput,
            ScanInput,
            BatchGetItemInput,
            TransactGetItemsInput,
            PutItemInput,
            UpdateItemInput,
            DeleteItemInput,
            BatchWriteItemInput,
            TransactWriteItemsInput
        );
        if let Ok(mut requests) = self.1.lock() {
            *requests.entry(operation).or_default() += 1;
        }
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let output = match context.output_or_error() {
            Ok(output) => output,
            Err(err) => {
                // A write refused by its condition (or a cancelled transaction) is billed.
                let refused = err.as_operation_error().is_some_and(|e| {
                    e.downcast_ref::<PutItemError>()
                        .is_some_and(PutItemError::is_conditional_check_failed_exception)
                        || e.downcast_ref::<UpdateItemError>()
                            .is_some_and(UpdateItemError::is_conditional_check_failed_exception)
                        || e.downcast_ref::<DeleteItemError>()
                            .is_some_and(DeleteItemError::is_conditional_check_failed_exception)
                        || e.downcast_ref::<TransactWriteItemsError>()
                            .is_some_and(TransactWriteItemsError::is_transaction_canceled_exception)
                });
                if refused {
                    self.add(|u| u.refused_writes += 1);
                }
                return Ok(());
            }
        };
        let read = consumed!(output, one: GetItemOutput, QueryOutput, ScanOutput)
            .or(consumed!(output, many: BatchGetItemOutput, TransactGetItemsOutput));
        let write = consumed!(output, one: PutItemOutput, UpdateItemOutput, DeleteItemOutput)
            .or(consumed!(output, many: BatchWriteItemOutput, TransactWriteItemsOutput));
        self.add(|u| {
            if let Some(r) = read {
                u.read_units += r;
                u.reads += 1;
            }
            if let Some(w) = write {
                u.write_units += w;
                u.writes += 1;
            }
        });
        Ok(())
    }
}

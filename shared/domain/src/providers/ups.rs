//! Placeholder: being implemented.

use super::ParsedWebhook;
use crate::validate::FieldError;

pub fn parse(_body: &[u8]) -> Result<ParsedWebhook, FieldError> {
    Err(FieldError::new("", "not implemented yet"))
}

//! Placeholder: provider authenticity.

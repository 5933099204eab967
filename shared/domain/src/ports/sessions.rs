//! Dashboard sessions: an API key exchanged at `/app` for a random session token, kept as
//! its SHA-256 only. A session names the key it came from, so revoking or expiring the key
//! ends its sessions on their next request.

use super::StoreError;
use chrono::{DateTime, Duration, Utc};
use std::future::Future;

/// A session ends this long after sign-in, however active (a working day and a half).
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub merchant_id: String,
    /// The SHA-256 of the API key signed in with (the key's lookup, never the key).
    pub key_hash: String,
    /// Who acts, as the dashboard records it: the key's name, else its id.
    pub signed_in_as: String,
    /// The synchroniser token every form of the session carries.
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Session {
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

pub trait SessionStore: Send + Sync {
    /// Stores a new session under the hash of its token (a collision is a `Conflict`).
    fn create_session(
        &self,
        token_hash: &str,
        session: &Session,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn session(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<Session>, StoreError>> + Send;

    /// Sign-out; ending a session that is gone already is no error.
    fn end_session(&self, token_hash: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
}

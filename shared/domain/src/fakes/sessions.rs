//! Dashboard sessions in memory.

use super::MemoryStore;
use crate::ports::{Session, SessionStore, StoreError};

impl SessionStore for MemoryStore {
    async fn create_session(&self, token_hash: &str, session: &Session) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        if state.sessions.contains_key(token_hash) {
            return Err(StoreError::Conflict);
        }
        state.sessions.insert(token_hash.into(), session.clone());
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        Ok(self.state.lock().unwrap().sessions.get(token_hash).cloned())
    }

    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.state.lock().unwrap().sessions.remove(token_hash);
        Ok(())
    }
}

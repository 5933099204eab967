//! Saving settings from an older read keeps what other writers changed in between: a
//! webhook-secret rotation and the operators' sender domains (the fake, as the store).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::fakes::{MemoryStore, merchant};
use afterclick_domain::ports::{MerchantStore, StoreError, WebhookSecretStore};
use futures::executor::block_on;

#[test]
fn a_rotation_between_the_read_and_the_save_survives() {
    block_on(async {
        let store = MemoryStore::default();
        let mut m = merchant("m1");
        m.webhook_secrets
            .insert("generic".into(), vec!["old".into()]);
        store.put_merchant(m);
        let mut stale = store.merchant("m1").await.unwrap().unwrap();
        let rotated = vec!["new".to_owned(), "old".to_owned()];
        assert!(
            store
                .replace_webhook_secrets("m1", "generic", Some("old"), &rotated)
                .await
                .unwrap()
        );
        stale.brand_name = "Renamed".into();
        store.save_settings(&stale).await.unwrap();
        let saved = store.merchant("m1").await.unwrap().unwrap();
        assert_eq!(saved.brand_name, "Renamed");
        assert_eq!(saved.webhook_secrets["generic"], rotated);
    });
}

#[test]
fn a_sender_domain_removed_since_the_read_refuses_the_save() {
    block_on(async {
        let store = MemoryStore::default();
        store.put_merchant(merchant("m1"));
        let mut stale = store.merchant("m1").await.unwrap().unwrap();
        let mut operator = stale.clone();
        operator.sender_domains.clear();
        store.put_merchant(operator);
        stale.brand_name = "Renamed".into();
        assert_eq!(store.save_settings(&stale).await, Err(StoreError::Conflict));
        let stored = store.merchant("m1").await.unwrap().unwrap();
        assert_eq!(
            (stored.brand_name.as_str(), stored.sender_domains.len()),
            ("Acme", 0)
        );
    });
}

//! Merchant API reads shared by the listing tests.

use crate::{Response, Stack};

/// `GET path` with the merchant's API key.
pub async fn get(stack: &Stack, key: &str, path: &str) -> Response {
    stack
        .send(stack.http.get(stack.url(path)).bearer_auth(key))
        .await
}

/// Every id of a listing, following cursors; asserts each page's size.
pub async fn all_pages(stack: &Stack, key: &str, filters: &str, limit: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/shipments?limit={limit}{filters}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = get(stack, key, &path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        let items = page.body["items"].as_array().unwrap();
        ids.extend(items.iter().map(|s| s["id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(items.len(), limit, "only the last page is short");
                cursor = Some(c.to_owned());
            }
            None => return ids,
        }
    }
}

//! At most N requests in flight to a local engine. DynamoDB Local is one JVM on the same
//! two cores as everything else: it serialises its storage work on one thread, and each
//! request beyond what it can work on only adds a waiting Jetty thread (hundreds under the
//! load benchmark) whose scheduling and memory the JVM pays for. Waiting in the client
//! instead costs nothing. AWS's DynamoDB has no such limit; only the devstack applies it.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Debug, Clone)]
pub struct Limited {
    inner: SharedHttpClient,
    permits: Arc<Semaphore>,
}

impl Limited {
    pub fn shared(inner: SharedHttpClient, in_flight: usize) -> SharedHttpClient {
        SharedHttpClient::new(Self {
            inner,
            permits: Arc::new(Semaphore::new(in_flight.max(1))),
        })
    }
}

#[derive(Debug)]
struct LimitedConnector {
    inner: SharedHttpConnector,
    permits: Arc<Semaphore>,
}

impl HttpConnector for LimitedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (inner, permits) = (self.inner.clone(), self.permits.clone());
        HttpConnectorFuture::new(async move {
            // The semaphore is never closed: a failed acquire cannot happen; go on unlimited.
            let _permit = permits.acquire_owned().await.ok();
            inner.call(request).await
        })
    }
}

impl HttpClient for Limited {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(LimitedConnector {
            inner: self.inner.http_connector(settings, components),
            permits: self.permits.clone(),
        })
    }
}

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A receiver on this machine that answers every request 204 and counts connections.
async fn local_receiver() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                // The test bodies are tiny: the whole request arrives before the headers' end
                // is seen or soon after; answering once the headers are in is enough.
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n";
                let _ = socket.write_all(answer).await;
            });
        }
    });
    (port, connections)
}

fn webhook(url: String) -> OutgoingWebhook {
    OutgoingWebhook {
        url,
        webhook_id: "msg_1".into(),
        timestamp: 1_700_000_000,
        signature: "v1,c2lnbmF0dXJl".into(),
        body: "{}".into(),
    }
}

#[tokio::test]
async fn a_host_resolving_only_to_loopback_is_refused_before_connecting() {
    let (port, connections) = local_receiver().await;
    let sender = HttpSender::new().unwrap();
    let answer = sender
        .post(&webhook(format!("http://localhost:{port}/in")))
        .await;
    assert_eq!(
        answer,
        Err("the endpoint's host resolves only to non-public addresses".to_owned())
    );
    assert_eq!(connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn ip_literals_cannot_bypass_the_resolver_in_any_spelling() {
    let (port, connections) = local_receiver().await;
    let sender = HttpSender::new().unwrap();
    for host in [
        "127.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "2130706433",
        "0x7f.1",
        "127.1",
        "169.254.169.254",
        "10.0.0.1",
        "[fd00:ec2::254]",
    ] {
        let answer = sender
            .post(&webhook(format!("https://{host}:{port}/in")))
            .await;
        assert_eq!(
            answer,
            Err("the endpoint's address is not public".to_owned()),
            "{host}"
        );
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_devstack_sender_reaches_local_receivers_by_name_and_literal() {
    let (port, connections) = local_receiver().await;
    let sender = HttpSender::allowing_loopback().unwrap();
    for host in ["localhost", "127.0.0.1"] {
        let answer = sender
            .post(&webhook(format!("http://{host}:{port}/in")))
            .await;
        assert_eq!(answer, Ok(204), "{host}");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 2);
    assert_eq!(
        sender
            .post(&webhook("https://169.254.169.254/latest/meta-data".into()))
            .await,
        Err("the endpoint's address is not public".to_owned()),
        "loopback only, not the rest of the private space"
    );
}

#[tokio::test]
async fn an_unparsable_url_fails_without_echoing_it() {
    let sender = HttpSender::new().unwrap();
    assert_eq!(
        sender.post(&webhook("not a url?token=secret".into())).await,
        Err("the endpoint URL is not valid".to_owned())
    );
}

/// The use case with this adapter: a name resolving only to loopback is refused before any
/// connection, and the attempt is an ordinary failed one, retried on the schedule.
mod with_the_use_case {
    use super::super::HttpSender;
    use afterclick_app::Dispatch;
    use afterclick_domain::fakes::{MemoryStore, shipment};
    use afterclick_domain::milestone::{Milestone, Moment};
    use afterclick_domain::outgoing::{Delivery, DeliveryState, deliveries};
    use afterclick_domain::ports::{DeliveryStore, EndpointStore};
    use chrono::{DateTime, Duration, TimeZone, Utc};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
    }

    async fn setup() -> (MemoryStore, (), Delivery) {
        let store = MemoryStore::default();
        let endpoint = afterclick_domain::fakes::endpoint("m1", SECRET, t0());
        store.create_endpoint(&endpoint, 10).await.unwrap();
        let delivery = deliveries(
            &shipment("m1", "1Z1", t0()),
            &[Moment::once(Milestone::Delivered)],
            &[endpoint],
            100,
            t0(),
        )
        .remove(0);
        store.put_delivery(delivery.clone());
        (store, (), delivery)
    }

    #[tokio::test]
    async fn a_host_resolving_to_no_public_address_is_an_ordinary_failed_attempt() {
        let (store, _, delivery) = setup().await;
        // Registered as a public-looking name in real life; `localhost` resolves without a
        // name server and only to loopback, which is what such a name would be made to do.
        let mut endpoint = store.endpoint("m1", "we_1").await.unwrap().unwrap();
        endpoint.id = "we_2".into();
        endpoint.url = "https://localhost/in".into();
        store.create_endpoint(&endpoint, 10).await.unwrap();
        let delivery = Delivery {
            endpoint_id: "we_2".into(),
            ..delivery
        };
        store.put_delivery(delivery.clone());
        let d = Dispatch {
            store: store.clone(),
            sender: HttpSender::new().unwrap(),
            clock: t0,
        };
        assert_eq!(
            d.run(&delivery.key()).await.unwrap(),
            Some(DeliveryState::Retrying)
        );
        let stored = store.delivery(&delivery.key()).await.unwrap().unwrap();
        assert_eq!(
            (
                stored.attempts,
                stored.last_status,
                stored.last_error.as_deref()
            ),
            (
                1,
                None,
                Some("the endpoint's host resolves only to non-public addresses")
            )
        );
        assert_eq!(stored.next_attempt_at, Some(t0() + Duration::seconds(30)));
    }
}

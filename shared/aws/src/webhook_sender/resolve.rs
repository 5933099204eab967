//! DNS for webhook sends. Registration only sees the host name; what it resolves to is up to
//! whoever runs its DNS, at any time (rebinding included). So every send resolves the name
//! here and hands the connector only addresses [`may_send_to`] accepts: the connection goes
//! to exactly the addresses checked, never to the VPC, the host or the metadata service.

use afterclick_domain::outgoing::may_send_to;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;

/// Why a send stopped before connecting. The words end up on the delivery the merchant
/// reads, so they name no URL, host or address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the endpoint's host resolves only to non-public addresses")]
    NonPublicOnly,
    #[error("the endpoint's host name could not be resolved")]
    Unresolvable,
    #[error("the endpoint's address is not public")]
    NonPublicLiteral,
}

/// Resolves with the system resolver (`getaddrinfo`, as reqwest's default does) and drops
/// every address a webhook may not go to.
#[derive(Debug, Clone, Copy)]
pub struct PublicResolver {
    /// The devstack's local receivers; see [`may_send_to`].
    pub allow_loopback: bool,
}

impl PublicResolver {
    pub async fn lookup(self, host: &str) -> Result<Vec<SocketAddr>, Refused> {
        // Port 0: reqwest puts in the URL's port (or the scheme's) afterwards.
        let found: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
            .await
            .map_err(|_| Refused::Unresolvable)?
            .collect();
        if found.is_empty() {
            return Err(Refused::Unresolvable);
        }
        let allowed: Vec<SocketAddr> = found
            .into_iter()
            .filter(|addr| may_send_to(addr.ip(), self.allow_loopback))
            .collect();
        if allowed.is_empty() {
            return Err(Refused::NonPublicOnly);
        }
        Ok(allowed)
    }
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = *self;
        Box::pin(async move {
            let addrs = resolver.lookup(name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn localhost_resolves_only_where_loopback_is_allowed() {
        let refusing = PublicResolver {
            allow_loopback: false,
        };
        assert_eq!(
            refusing.lookup("localhost").await,
            Err(Refused::NonPublicOnly)
        );
        let local = PublicResolver {
            allow_loopback: true,
        };
        let addrs = local.lookup("localhost").await.unwrap();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    }

    #[tokio::test]
    async fn address_literals_go_through_the_same_filter() {
        // getaddrinfo returns a literal as itself: no name service is asked.
        let resolver = PublicResolver {
            allow_loopback: false,
        };
        for refused in ["169.254.169.254", "10.0.0.1", "::1", "fd00:ec2::254"] {
            assert_eq!(
                resolver.lookup(refused).await,
                Err(Refused::NonPublicOnly),
                "{refused}"
            );
        }
        assert_eq!(
            resolver.lookup("8.8.8.8").await.unwrap(),
            vec![SocketAddr::from(([8, 8, 8, 8], 0))]
        );
    }

    #[tokio::test]
    async fn the_reqwest_entry_point_refuses_with_the_same_error() {
        let resolver = PublicResolver {
            allow_loopback: false,
        };
        let err = match resolver.resolve("localhost".parse().unwrap()).await {
            Ok(addrs) => panic!("resolved to {:?}", addrs.collect::<Vec<_>>()),
            Err(err) => err,
        };
        assert_eq!(err.downcast_ref::<Refused>(), Some(&Refused::NonPublicOnly));
    }
}

//! Which URLs an endpoint may have: `https://` to a public host. afterclick POSTs from
//! inside AWS, so a URL naming a private, loopback or link-local address (the instance
//! metadata service among them) is refused. Plain `http://` to this machine is allowed only
//! where the operator says so (the devstack, for local receivers).

use crate::validate::FieldError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub const MAX_URL_LENGTH: usize = 2048;

/// Checks `url` for an endpoint; `allow_local_http` lets `http://127.0.0.1` and
/// `http://localhost` through.
pub fn validate_url(field: &str, url: &str, allow_local_http: bool) -> Result<(), FieldError> {
    let bad = |detail: &str| Err(FieldError::new(field, detail));
    if url.len() > MAX_URL_LENGTH || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must be an https:// URL of at most 2048 characters, without spaces");
    }
    let (https, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => return bad("must be an https:// URL"),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return bad("must not carry credentials (user:password@); use the signing secret");
    }
    let Some(host) = host_of(authority) else {
        return bad("must name a host, with a valid port if any");
    };
    let host = host.to_ascii_lowercase();
    let local = host == "localhost" || host == "127.0.0.1" || host == "::1";
    if !https {
        return if allow_local_http && local {
            Ok(())
        } else {
            bad("must be an https:// URL")
        };
    }
    if local && allow_local_http {
        return Ok(());
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return if is_public(ip) {
            Ok(())
        } else {
            bad("must not point at a private, loopback or link-local address")
        };
    }
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if host == "localhost" || host.ends_with(".localhost") || host.ends_with(".internal") {
        return bad("must not point at a private, loopback or link-local address");
    }
    if !host.contains('.') || !host.split('.').all(label_ok) {
        return bad("must name a public host name");
    }
    Ok(())
}

/// The host of `host[:port]` or `[v6][:port]`; none if the port is not a number.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        (v6, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if port.is_some_and(|p| p.parse::<u16>().is_err()) || host.is_empty() {
        return None;
    }
    Some(host)
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b); // RFC 6598 carrier-grade NAT
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || shared
        || a == 0)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    !(ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() || unique_local || link_local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_https_urls_unless_local_http_is_allowed() {
        let table = [
            ("https://hooks.example.com/afterclick", false, true),
            ("https://hooks.example.com:8443/in?x=1", false, true),
            ("https://203.0.113.9/in", false, false),
            ("https://8.8.8.8/in", false, true),
            ("http://hooks.example.com/in", false, false),
            ("http://hooks.example.com/in", true, false),
            ("http://127.0.0.1:4000/in", false, false),
            ("http://127.0.0.1:4000/in", true, true),
            ("http://localhost:4000/in", true, true),
            ("https://localhost/in", false, false),
            ("https://169.254.169.254/latest/meta-data", false, false),
            ("https://10.0.0.1/in", false, false),
            ("https://[::1]/in", false, false),
            ("https://[fd00::1]/in", false, false),
            ("https://[::ffff:192.168.0.1]/in", false, false),
            ("https://user:pw@hooks.example.com/in", false, false),
            ("https://hooks.example.com:99999/in", false, false),
            ("https://intranet/in", false, false),
            ("https://metadata.google.internal/in", false, false),
            ("ftp://hooks.example.com", false, false),
            ("https://hooks example.com", false, false),
            ("", false, false),
        ];
        for (url, allow_local, ok) in table {
            assert_eq!(
                validate_url("url", url, allow_local).is_ok(),
                ok,
                "{url} (local http allowed: {allow_local})"
            );
        }
        assert_eq!(
            validate_url("url", "http://x.example", false)
                .unwrap_err()
                .field,
            "url"
        );
    }
}

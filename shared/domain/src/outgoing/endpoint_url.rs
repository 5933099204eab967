//! Which URLs an endpoint may have: `https://` to a public host. afterclick POSTs from
//! inside AWS, so a URL naming a private, loopback or link-local address (the instance
//! metadata service among them) is refused. Plain `http://` to this machine is allowed only
//! where the operator says so (the devstack, for local receivers).

use super::address::is_public_address;
use crate::validate::FieldError;
use std::net::IpAddr;

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
        return if is_public_address(ip) {
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
    // URL parsers read a host ending in a number (`127.1`, `0x7f.1`) as an IPv4 address,
    // which would slip past the literal check above. No real top-level domain is numeric.
    let last = host.rsplit('.').next().unwrap_or_default();
    if last.chars().all(|c| c.is_ascii_digit()) || last.starts_with("0x") {
        return bad("must name a public host name");
    }
    Ok(())
}

/// The host of `host[:port]` or `[v6][:port]`; none if the port is not a number.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        // Nothing but a port may follow the brackets (`[::1]junk` is no URL).
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (v6, port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    // Digits only: `u16::from_str` would also take a sign (`:+443`), which URLs do not.
    let port_ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok();
    if port.is_some_and(|p| !port_ok(p)) || host.is_empty() {
        return None;
    }
    Some(host)
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
            ("https://hooks.example.com:+443/in", false, false),
            ("https://[2606:4700::1]junk/in", false, false),
            ("https://[2606:4700::1]:8443/in", false, true),
            ("https://intranet/in", false, false),
            ("https://metadata.google.internal/in", false, false),
            ("https://127.1/in", false, false),
            ("https://0x7f.0.0.1/in", false, false),
            ("https://10.0.0.0x1/in", false, false),
            ("https://1password.example.com/in", false, true),
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

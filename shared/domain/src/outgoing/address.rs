//! Which IP addresses a webhook may be sent to. afterclick POSTs from inside AWS, so an
//! address inside a VPC, on the host, or on the link (the instance metadata service at
//! 169.254.169.254 among them) must never receive a merchant-chosen request. One
//! classification serves both endpoint registration (IP literals in the URL) and the
//! dispatcher's resolver (whatever the host name resolves to at send time).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is reachable on the public internet, i.e. not private, loopback,
/// link-local, shared (CGNAT), unspecified, broadcast, multicast, documentation,
/// benchmarking or reserved. An IPv6 address that carries IPv4 addresses (see
/// [`embedded_v4`]) is public only if every one of them is.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            let carried = embedded_v4(v6);
            if carried.is_empty() {
                is_public_v6(v6)
            } else {
                carried.into_iter().all(is_public_v4)
            }
        }
    }
}

/// The IPv4 addresses an IPv6 address carries, by the forms that route to them:
/// IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated but still
/// parsed), NAT64 (`64:ff9b::/96`, RFC 6052, and the local-use `64:ff9b:1::/48`, RFC 8215),
/// 6to4 (`2002:AABB:CCDD::/48`, RFC 3056) and Teredo (`2001:0::/32`, RFC 4380: the
/// server's address, and the client's, stored inverted).
pub fn embedded_v4(ip: Ipv6Addr) -> Vec<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    let last = v4(s[6], s[7]);
    if let Some(mapped) = ip.to_ipv4_mapped() {
        return vec![mapped];
    }
    if s[..6].iter().all(|&x| x == 0) && !ip.is_unspecified() && !ip.is_loopback() {
        return vec![last];
    }
    if (s[0], s[1]) == (0x0064, 0xff9b) && (s[2..6].iter().all(|&x| x == 0) || s[2] == 1) {
        return vec![last];
    }
    if s[0] == 0x2002 {
        return vec![v4(s[1], s[2])];
    }
    if (s[0], s[1]) == (0x2001, 0x0000) {
        return vec![v4(s[2], s[3]), v4(!s[6], !s[7])];
    }
    Vec::new()
}

/// Whether a webhook may go to `ip`: public addresses always, this machine's loopback
/// only where the operator allows local receivers (the devstack).
pub fn may_send_to(ip: IpAddr, allow_loopback: bool) -> bool {
    is_public_address(ip) || (allow_loopback && ip.to_canonical().is_loopback())
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b); // RFC 6598 carrier-grade NAT
    let benchmarking = a == 198 && (b & 0xfe) == 18; // RFC 2544, 198.18.0.0/15
    let reserved = a >= 240; // 240.0.0.0/4, broadcast included
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || shared
        || benchmarking
        || reserved
        || a == 0)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let [first, second, ..] = ip.segments();
    let unique_local = first & 0xfe00 == 0xfc00; // fc00::/7
    let link_local = first & 0xffc0 == 0xfe80; // fe80::/10
    let documentation = first == 0x2001 && second == 0x0db8; // 2001:db8::/32
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || unique_local
        || link_local
        || documentation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_internet_routable_addresses_are_public() {
        let table = [
            // IPv4
            ("8.8.8.8", true),
            ("1.1.1.1", true),
            ("52.95.110.1", true),
            ("100.63.255.255", true),
            ("100.128.0.0", true),
            ("172.32.0.1", true),
            ("198.20.0.1", true),
            ("10.0.0.1", false),
            ("172.16.0.1", false),
            ("172.31.255.255", false),
            ("192.168.1.1", false),
            ("127.0.0.1", false),
            ("127.1.2.3", false),
            ("169.254.169.254", false),
            ("169.254.0.1", false),
            ("100.64.0.1", false),
            ("100.127.255.255", false),
            ("0.0.0.0", false),
            ("0.1.2.3", false),
            ("255.255.255.255", false),
            ("240.0.0.1", false),
            ("224.0.0.1", false),
            ("239.255.255.250", false),
            ("192.0.2.1", false),
            ("198.51.100.7", false),
            ("203.0.113.9", false),
            ("198.18.0.1", false),
            ("198.19.255.255", false),
            // IPv6
            ("2606:4700:4700::1111", true),
            ("2a05:d018::1", true),
            ("::1", false),
            ("::", false),
            ("fc00::1", false),
            ("fd00:ec2::254", false),
            ("fe80::1", false),
            ("febf::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            // IPv6 carrying IPv4
            ("::ffff:8.8.8.8", true),
            ("::ffff:127.0.0.1", false),
            ("::ffff:10.1.2.3", false),
            ("::ffff:169.254.169.254", false),
            ("64:ff9b::8.8.8.8", true),
            ("64:ff9b::a9fe:a9fe", false),
            ("64:ff9b::10.0.0.1", false),
            // IPv4-compatible
            ("::8.8.8.8", true),
            ("::127.0.0.1", false),
            ("::a9fe:a9fe", false),
            ("::10.0.0.1", false),
            // NAT64 local use (RFC 8215)
            ("64:ff9b:1::8.8.8.8", true),
            ("64:ff9b:1::a9fe:a9fe", false),
            // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
            ("2002:0808:0808::1", true),
            ("2002:7f00:0001::1", false),
            ("2002:a9fe:a9fe::1", false),
            ("2002:0a00:0001::1", false),
            // Teredo: server 65.54.227.120, client inverted in the last 32 bits
            ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", true),
            ("2001:0:4136:e378:8000:63bf:80ff:fffe", false),
            ("2001:0:7f00:1:8000:63bf:f7f7:f7f7", false),
        ];
        for (ip, public) in table {
            assert_eq!(is_public_address(ip.parse().unwrap()), public, "{ip}");
        }
    }

    #[test]
    fn loopback_is_a_destination_only_where_allowed() {
        let table = [
            ("8.8.8.8", false, true),
            ("8.8.8.8", true, true),
            ("127.0.0.1", false, false),
            ("127.0.0.1", true, true),
            ("::1", false, false),
            ("::1", true, true),
            ("::ffff:127.0.0.1", true, true),
            ("10.0.0.1", true, false),
            ("169.254.169.254", true, false),
            ("fd00::1", true, false),
        ];
        for (ip, allow_loopback, ok) in table {
            assert_eq!(
                may_send_to(ip.parse().unwrap(), allow_loopback),
                ok,
                "{ip} (loopback allowed: {allow_loopback})"
            );
        }
    }
}

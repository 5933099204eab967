//! Which IP addresses a webhook may be sent to. afterclick POSTs from inside AWS, so an
//! address inside a VPC, on the host, or on the link (the instance metadata service at
//! 169.254.169.254 among them) must never receive a merchant-chosen request. One
//! classification serves both endpoint registration (IP literals in the URL) and the
//! dispatcher's resolver (whatever the host name resolves to at send time).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is reachable on the public internet, i.e. not private, loopback,
/// link-local, shared (CGNAT), unspecified, broadcast, multicast, documentation,
/// benchmarking or reserved. IPv4-mapped (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`)
/// addresses are judged by the IPv4 address they carry.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped().or_else(|| nat64_embedded(v6)) {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
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

/// The IPv4 address inside a well-known-prefix NAT64 address (RFC 6052, `64:ff9b::/96`):
/// a DNS64 resolver would hand out `64:ff9b::a9fe:a9fe` for 169.254.169.254.
fn nat64_embedded(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let octets = ip.octets();
    let prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
    (octets[..12] == prefix).then(|| Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]))
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

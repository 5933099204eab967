//! Cookies and the same-origin check for browser forms (the merchant dashboard): reading
//! one cookie, writing a session cookie with the attributes a session needs, and refusing
//! a form posted from another site.

use axum::http::{HeaderMap, header};

/// The value of the cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

/// Where a browser cookie may go, and whether only over HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieJar {
    /// HTTPS: `Secure`, and the `__Host-` prefix (no Domain, Path `/`: no subdomain or
    /// other path can set or shadow it). Off only on the devstack's plain HTTP.
    pub secure: bool,
}

impl CookieJar {
    /// The name as sent: `__Host-{name}` over HTTPS.
    pub fn name(self, name: &str) -> String {
        if self.secure {
            format!("__Host-{name}")
        } else {
            name.to_owned()
        }
    }

    /// `Set-Cookie` for a value scripts cannot read, sent only by same-site navigation and
    /// forms (`Lax`: a link from an email to the dashboard still arrives signed in).
    pub fn set(self, name: &str, value: &str, max_age_secs: i64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}",
            self.name(name)
        )
    }

    /// `Set-Cookie` that removes the cookie.
    pub fn clear(self, name: &str) -> String {
        self.set(name, "", 0)
    }

    pub fn get<'a>(self, headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
        cookie(headers, &self.name(name)).filter(|v| !v.is_empty())
    }
}

/// False when the browser says the request comes from another site: `Sec-Fetch-Site`
/// (`same-origin` or `none`, a typed URL, pass), else `Origin` against `Host`. A client
/// that sends neither (curl) is not a browser a forged form could drive; the form's token
/// still has to match.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (text("origin"), text("host")) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn one_cookie_is_found_among_many() {
        let h = headers(&[("cookie", "a=1; __Host-s=tok; b=2"), ("cookie", "c=3")]);
        assert_eq!(cookie(&h, "__Host-s"), Some("tok"));
        assert_eq!(cookie(&h, "c"), Some("3"));
        assert_eq!(cookie(&h, "s"), None);
        let jar = CookieJar { secure: true };
        assert_eq!(jar.get(&h, "s"), Some("tok"));
        assert_eq!(CookieJar { secure: false }.get(&h, "s"), None);
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_over_https() {
        let jar = CookieJar { secure: true };
        assert_eq!(
            jar.set("s", "tok", 60),
            "__Host-s=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        assert_eq!(
            CookieJar { secure: false }.clear("s"),
            "s=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        );
    }

    #[test]
    fn a_form_from_another_site_is_told_apart() {
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(same_origin(&headers(&[("sec-fetch-site", "none")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(same_origin(&headers(&[
            ("origin", "https://track.shop.example"),
            ("host", "track.shop.example")
        ])));
        assert!(!same_origin(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "track.shop.example")
        ])));
        assert!(!same_origin(&headers(&[("origin", "null"), ("host", "a")])));
        assert!(same_origin(&headers(&[("host", "a")])));
    }
}

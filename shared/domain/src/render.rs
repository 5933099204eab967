//! HTML escaping: the five characters that matter. The minijinja formatter every HTML
//! template uses (messages, the public pages, the devstack's outbox) escapes with it, and
//! the tracking page measures its clipped text in escaped bytes with it.

pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A minijinja formatter: where the template auto-escapes HTML, values are escaped with
/// [`escape_html`]. minijinja's default also escapes `/`, which turns every link into
/// `https:&#x2f;&#x2f;`: valid, but hostile to readers and to some link checkers.
pub fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let plain = value.is_undefined() || value.is_none() || value.is_safe();
    if state.auto_escape() == minijinja::AutoEscape::Html && !plain {
        return std::fmt::Write::write_str(out, &escape_html(&value.to_string())).map_err(|_| {
            minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "output failed")
        });
    }
    minijinja::escape_formatter(out, state, value)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::escape_html(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }
}
